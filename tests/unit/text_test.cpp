// Text and file helpers both sides share: file lines, UTF-8, terminal-safe text, bounded and
// non-blocking file reading.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "seatkey/common/file.hpp"
#include "seatkey/common/json_keys.hpp"
#include "seatkey/common/text.hpp"

using namespace seatkey;

namespace {

std::vector<std::pair<std::size_t, std::string>> content_lines(std::string_view text) {
  std::vector<std::pair<std::size_t, std::string>> out;
  for_each_content_line(text, [&](std::size_t n, std::string_view line) {
    out.emplace_back(n, std::string(line));
    return true;
  });
  return out;
}

std::string scratch_dir() {
  std::string pattern =
      std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/seatkey-text.XXXXXX";
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  return pattern;
}

}  // namespace

TEST_CASE("lines: trimmed, blank and '#' lines skipped, 1-based numbers, a leading BOM skipped") {
  using L = std::vector<std::pair<std::size_t, std::string>>;
  CHECK(content_lines("") == L{});
  CHECK(content_lines("a\n\n  # c\n\tb \r\n") == L{{1, "a"}, {4, "b"}});
  CHECK(content_lines("\xEF\xBB\xBF# comment\nkey\n") == L{{2, "key"}});
  CHECK(content_lines("\xEF\xBB\xBFtoken") == L{{1, "token"}});
  CHECK(content_lines("a\n\xEF\xBB\xBF"
                      "b") == L{{1, "a"},
                                {2,
                                 "\xEF\xBB\xBF"
                                 "b"}});  // only at the start
  CHECK(content_lines("no newline at end") == L{{1, "no newline at end"}});
  std::size_t seen = 0;
  for_each_content_line("1\n2\n3\n", [&](std::size_t, std::string_view) { return ++seen < 2; });
  CHECK(seen == 2);  // f returning false stops the walk
}

TEST_CASE("utf-8: well-formed accepted, overlong, surrogates, truncated and too large refused") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("Müller GmbH ☎ 𝄞"));
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(is_valid_utf8("\xE2\x98"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("terminal_safe: controls, C1, bidi overrides and bad bytes escaped, the rest kept") {
  CHECK(terminal_safe("Acme GmbH, Müller") == "Acme GmbH, Müller");
  CHECK(terminal_safe("b\nUsers:    500\x1b[1;32m") == "b\\x0aUsers:    500\\x1b[1;32m");
  CHECK(terminal_safe("\t\r\x7f") == "\\x09\\x0d\\x7f");
  CHECK(terminal_safe("a\xC2\x9B"
                      "b") == "a\\x9bb");                                   // U+009B, the C1 CSI
  CHECK(terminal_safe("evil\xE2\x80\xAEtxt.lic") == "evil\\u202etxt.lic");  // RIGHT-TO-LEFT OVERRIDE
  CHECK(terminal_safe("\xE2\x81\xA6x\xE2\x81\xA9") == "\\u2066x\\u2069");   // isolates
  CHECK(terminal_safe("\xE2\x80\x8F") == "\\u200f");
  // Invisible characters and separators: a zero-width space, a line separator, a BOM.
  CHECK(terminal_safe("Ac\xE2\x80\x8Bme\xE2\x80\xA8Users: 9\xEF\xBB\xBF") ==
        "Ac\\u200bme\\u2028Users: 9\\ufeff");
  // The joiners scripts and emoji need are kept.
  CHECK(terminal_safe("\xE2\x80\x8C\xE2\x80\x8D") == "\xE2\x80\x8C\xE2\x80\x8D");
  CHECK(terminal_safe("\xFF\xFE") == "\\xff\\xfe");
  // A backslash is escaped too: a name that spells an escape never looks like one.
  CHECK(terminal_safe("a\\x1b") == "a\\\\x1b");
  CHECK(terminal_safe("a\x1b") == "a\\x1b");
  CHECK(terminal_safe("C:\\licenses\\") == "C:\\\\licenses\\\\");
}

TEST_CASE("users_text: singular and plural") {
  CHECK(users_text(1) == "1 user");
  CHECK(users_text(0) == "0 users");
  CHECK(users_text(20) == "20 users");
}

TEST_CASE("json keys: a key twice in one object is found, the same key in two objects is not") {
  ObjectKeys keys;
  keys.enter_object();
  CHECK(keys.add("a"));
  CHECK(keys.add("b"));
  keys.enter_object();
  CHECK(keys.add("a"));  // a nested object has keys of its own
  CHECK_FALSE(keys.add("a"));
  keys.leave_object();
  CHECK_FALSE(keys.add("b"));
  CHECK(nul_byte_in("{}") == "");
  CHECK(nul_byte_in(std::string_view("{}\0x", 4)) == "a NUL byte at offset 2");
}

TEST_CASE("files: bounded reading, a FIFO, a device and a directory refused at once") {
  const std::string dir = scratch_dir();
  const std::string file = dir + "/f.txt";
  std::ofstream(file) << "0123456789";
  auto all = read_file_bounded(file, 100);
  REQUIRE(all);
  CHECK(*all == "0123456789");
  auto cut = read_file_bounded(file, 4);
  REQUIRE(cut);
  CHECK(*cut == "01234");  // one byte over the limit tells the caller "too large"

  const std::string fifo = dir + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const auto start = std::chrono::steady_clock::now();
  auto from_fifo = read_file_bounded(fifo, 100);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  REQUIRE_FALSE(from_fifo);
  CHECK(from_fifo.error().code == Errc::io_error);
  CHECK(from_fifo.error().message == fifo + ": not a regular file (a FIFO)");

  auto device = read_file_bounded("/dev/zero", 100);
  REQUIRE_FALSE(device);
  CHECK(device.error().message == "/dev/zero: not a regular file (a device)");
  auto directory = read_file_bounded(dir, 100);
  REQUIRE_FALSE(directory);
  CHECK(directory.error().message == dir + ": is a directory");
  auto missing = read_file_bounded(dir + "/missing", 100);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == dir + "/missing: No such file or directory");

  // /proc pseudo-files are regular files of size 0 that still hold text.
  auto proc = read_file_bounded("/proc/self/stat", 4096);
  REQUIRE(proc);
  CHECK_FALSE(proc->empty());

  ::unlink(fifo.c_str());
  ::unlink(file.c_str());
  ::rmdir(dir.c_str());
}
