// License sets: lines, sources, files and directories, limits.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "token_kit.hpp"

using namespace seatkey;
using namespace seatkey::test;

namespace {

// A scratch directory removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/seatkey-verifier-test.XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    const std::string cmd = "chmod -R u+rwx '" + path + "' && rm -rf '" + path + "'";
    (void)std::system(cmd.c_str());
  }
  std::string file(const std::string& name, const std::string& text) const {
    const std::string p = path + "/" + name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

std::vector<std::string> sources(const v::LicenseSet& s) {
  std::vector<std::string> out;
  for (const auto& t : s.tokens) out.push_back(t.source);
  return out;
}
std::vector<std::string> texts(const v::LicenseSet& s) {
  std::vector<std::string> out;
  for (const auto& t : s.tokens) out.push_back(t.token);
  return out;
}

void check_error(const v::Expected<v::LicenseSet>& r, v::ErrorCode code, const std::string& says) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == code);
  CHECK_MESSAGE(r.error().message.find(says) != std::string::npos, r.error().message);
}

}  // namespace

TEST_CASE("license text: lines - trimmed, CR stripped, blanks and comments skipped, sources 1-based") {
  const auto s = v::parse_licenses("# licenses\r\n\r\n  tokA \t\r\n\t# note\ntokB\n\n   \ntokC", "lic.txt");
  REQUIRE(s.ok());
  CHECK(texts(*s) == std::vector<std::string>{"tokA", "tokB", "tokC"});
  CHECK(sources(*s) == std::vector<std::string>{"lic.txt:3", "lic.txt:5", "lic.txt:8"});
  CHECK(v::parse_licenses("", "x").value().tokens.empty());
  CHECK(v::parse_licenses("\n\n# x\n", "x").value().tokens.empty());
}

TEST_CASE("license text: a UTF-8 byte order mark - skipped at the very start only") {
  const std::string bom = "\xEF\xBB\xBF";
  const auto s = v::parse_licenses(bom + "# from PowerShell\r\ntokA\r\n" + bom + "tokB\n", "lic.txt");
  REQUIRE(s.ok());
  CHECK(texts(*s) == std::vector<std::string>{"tokA", bom + "tokB"});
  CHECK(sources(*s) == std::vector<std::string>{"lic.txt:2", "lic.txt:3"});
  CHECK(texts(v::parse_licenses(bom + "tokA", "x").value()) == std::vector<std::string>{"tokA"});
  CHECK(v::parse_licenses(bom, "x").value().tokens.empty());
  CHECK(texts(v::parse_licenses(bom + bom + "tokA", "x").value()) == std::vector<std::string>{bom + "tokA"});
}

TEST_CASE("license text: limits - 10,000 tokens and 5 MiB are fine, one more is too_large") {
  std::string lines;
  for (int i = 0; i < 10000; ++i) lines += "t\n";
  CHECK(v::parse_licenses(lines, "x").value().tokens.size() == 10000);
  check_error(v::parse_licenses(lines + "t\n", "x"), v::ErrorCode::too_large,
              "over 10,000 licenses (at x:10001)");
  // Comments count towards the 5 MiB (4 MiB of licenses and a 1 MiB revocation list) too: the
  // limit is on the text.
  std::string big(5 * 1024 * 1024, '#');
  CHECK(v::parse_licenses(big, "x").ok());
  check_error(v::parse_licenses(big + "\n", "x"), v::ErrorCode::too_large,
              "the license set is over the 5 MiB limit (at x); refusing all of it");
}

TEST_CASE("load_licenses: a file - its lines with file:line sources") {
  TempDir d;
  const std::string p =
      d.file("pbx.lic", server("1", Edition::vm).token() + "\n# c\n" + pack("2", 5).token() + "\n");
  const auto s = v::load_licenses(p);
  REQUIRE(s.ok());
  CHECK(sources(*s) == std::vector<std::string>{p + ":1", p + ":3"});
  const auto e = evaluate_ok(*s);
  CHECK(e.licensed_users == 6);
  CHECK(e.accepted[1].source == p + ":3");
}

TEST_CASE(
    "load_licenses: a directory - regular files in name order, dotfiles, subdirectories, FIFOs skipped") {
  TempDir d;
  d.file("b.lic", "B1\nB2\n");
  d.file("a.lic", "A1\n");
  d.file("C.lic", "C1\n");  // upper case sorts first (byte order)
  d.file(".hidden", "H1\n");
  d.file(".b.lic.swp", "S1\n");
  d.file("empty", "");
  REQUIRE(::mkdir((d.path + "/sub").c_str(), 0755) == 0);
  d.file("sub/inner.lic", "I1\n");
  REQUIRE(::mkfifo((d.path + "/pipe").c_str(), 0644) == 0);
  TempDir other;
  const std::string target = other.file("target.lic", "L1\n");
  REQUIRE(::symlink(target.c_str(), (d.path + "/link.lic").c_str()) == 0);
  REQUIRE(::symlink(other.path.c_str(), (d.path + "/linkdir").c_str()) == 0);
  const auto s = v::load_licenses(d.path);
  REQUIRE(s.ok());
  CHECK(texts(*s) == std::vector<std::string>{"C1", "A1", "B1", "B2", "L1"});
  CHECK(sources(*s) == std::vector<std::string>{d.path + "/C.lic:1", d.path + "/a.lic:1", d.path + "/b.lic:1",
                                                d.path + "/b.lic:2", d.path + "/link.lic:1"});
  // A trailing slash on the directory gives the same sources.
  CHECK(sources(v::load_licenses(d.path + "/").value()) == sources(*s));
}

TEST_CASE("load_licenses: a byte order mark at the start of each file of a directory is skipped") {
  TempDir d;
  d.file("a.lic", "\xEF\xBB\xBF# server\nA1\n");
  d.file("b.lic",
         "\xEF\xBB\xBF"
         "B1\r\n");
  const auto s = v::load_licenses(d.path);
  REQUIRE(s.ok());
  CHECK(texts(*s) == std::vector<std::string>{"A1", "B1"});
  CHECK(sources(*s) == std::vector<std::string>{d.path + "/a.lic:2", d.path + "/b.lic:1"});
  CHECK(texts(v::load_licenses(d.path + "/b.lic").value()) == std::vector<std::string>{"B1"});
}

TEST_CASE("load_licenses: an empty directory - an empty set, not an error") {
  TempDir d;
  const auto s = v::load_licenses(d.path);
  REQUIRE(s.ok());
  CHECK(s->tokens.empty());
  CHECK_FALSE(evaluate_ok(*s).licensed);
}

TEST_CASE("load_licenses: a broken symbolic link in the directory - io_error naming it") {
  TempDir d;
  d.file("a.lic", "A1\n");
  REQUIRE(::symlink((d.path + "/gone").c_str(), (d.path + "/b.lic").c_str()) == 0);
  check_error(v::load_licenses(d.path), v::ErrorCode::io_error,
              "cannot read license file " + d.path + "/b.lic: a symbolic link to nothing");
}

TEST_CASE("load_licenses: an unreadable file - io_error naming it") {
  if (::geteuid() == 0) {
    MESSAGE(
        "running as root: permissions do not apply (tests/cli/verify_input_errors.sh covers this as nobody)");
    return;
  }
  TempDir d;
  const std::string p = d.file("a.lic", "A1\n");
  REQUIRE(::chmod(p.c_str(), 0) == 0);
  check_error(v::load_licenses(d.path), v::ErrorCode::io_error,
              "cannot read license file " + p + ": Permission denied");
  check_error(v::load_licenses(p), v::ErrorCode::io_error,
              "cannot read license file " + p + ": Permission denied");
}

TEST_CASE("load_licenses: a missing path or a FIFO - io_error naming it") {
  check_error(v::load_licenses("/nonexistent/licenses"), v::ErrorCode::io_error,
              "cannot read licenses /nonexistent/licenses: No such file or directory");
  TempDir d;
  REQUIRE(::mkfifo((d.path + "/pipe").c_str(), 0644) == 0);
  check_error(v::load_licenses(d.path + "/pipe"), v::ErrorCode::io_error, "neither a file nor a directory");
}

TEST_CASE("load_licenses: limits over several files - the whole set is too_large, naming where") {
  TempDir d;
  d.file("a.lic", std::string(4 * 1024 * 1024, '#'));
  d.file("b.lic", std::string(1024 * 1024, '#'));
  CHECK(v::load_licenses(d.path).ok());  // exactly 5 MiB
  d.file("c.lic", "\n");
  check_error(v::load_licenses(d.path), v::ErrorCode::too_large,
              "over the 5 MiB limit (at " + d.path + "/c.lic)");

  TempDir t;
  std::string lines;
  for (int i = 0; i < 6000; ++i) lines += "tok\n";
  t.file("a.lic", lines);
  t.file("b.lic", lines);
  check_error(v::load_licenses(t.path), v::ErrorCode::too_large,
              "over 10,000 licenses (at " + t.path + "/b.lic:4001)");

  TempDir h;
  const std::string huge = h.file("huge.lic", std::string(6 * 1024 * 1024, 'A'));
  check_error(v::load_licenses(huge), v::ErrorCode::too_large, "5 MiB");
}
