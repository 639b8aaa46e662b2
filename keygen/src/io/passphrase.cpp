#include "seatkey/keygen/io/passphrase.hpp"

#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <sodium.h>

#include "raise.hpp"
#include "seatkey/common/text.hpp"
#include "seatkey/keygen/io/key_file.hpp"

namespace seatkey::keygen {
namespace {

using detail::raise_input;

constexpr std::size_t kMaxPassphraseBytes = 1024;
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

struct termios g_saved_termios;

// Puts echo back before dying of a signal while the prompt had it off.
extern "C" void restore_echo_and_die(int sig) {
  tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  signal(sig, SIG_DFL);
  raise(sig);
}

void write_stderr(const std::string& text) {
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

SecureBuffer prompt_no_echo(const std::string& prompt) {
  if (tcgetattr(STDIN_FILENO, &g_saved_termios) != 0) raise_input("cannot read the terminal settings");
  struct termios quiet = g_saved_termios;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  struct sigaction action {};
  action.sa_handler = restore_echo_and_die;
  sigemptyset(&action.sa_mask);
  struct sigaction previous[sizeof kSignals / sizeof kSignals[0]];
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i)
    sigaction(kSignals[i], &action, &previous[i]);
  write_stderr(terminal_safe(prompt));
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  SecureBuffer buf(kMaxPassphraseBytes + 1);
  std::size_t len = 0;
  bool too_long = false;
  if (!buf.empty()) {
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(STDIN_FILENO, &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || c == '\n') break;
      if (len < kMaxPassphraseBytes) {
        buf.data()[len++] = static_cast<std::uint8_t>(c);
      } else {
        too_long = true;
      }
      c = 0;
    }
  }
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &g_saved_termios);
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i)
    sigaction(kSignals[i], &previous[i], nullptr);
  if (buf.empty()) raise_input("out of secure memory reading the passphrase");
  if (too_long) raise_input("passphrase longer than " + std::to_string(kMaxPassphraseBytes) + " bytes");
  if (len > 0 && buf.data()[len - 1] == '\r') --len;
  buf.truncate(len);
  return buf;
}

SecureBuffer obtain(const std::string& file, const std::string& purpose, bool confirm,
                    std::size_t min_bytes) {
  const auto long_enough = [min_bytes](SecureBuffer pw) {
    if (pw.size() < min_bytes) {
      raise_input("the passphrase is too short: a vendor key needs at least " + std::to_string(min_bytes) +
                  " characters; nothing was written");
    }
    return pw;
  };
  if (!file.empty()) return long_enough(detail::take(read_passphrase_file(file)));
  if (const char* env = std::getenv("SEATKEY_PASSPHRASE")) {
    if (*env == '\0') raise_input("SEATKEY_PASSPHRASE is set but empty");
    SecureBuffer pw = SecureBuffer::copy_of(env);
    if (pw.empty()) raise_input("out of secure memory reading the passphrase");
    return long_enough(std::move(pw));
  }
  if (!isatty(STDIN_FILENO)) {
    raise_input("no passphrase for " + purpose +
                ": give --passphrase-file FILE or set SEATKEY_PASSPHRASE (standard input is not a "
                "terminal to ask on)");
  }
  SecureBuffer first = prompt_no_echo("Passphrase for " + purpose + ": ");
  if (first.size() == 0) raise_input("empty passphrase");
  first = long_enough(std::move(first));  // before the confirmation: no typing it twice in vain
  if (confirm) {
    SecureBuffer second = prompt_no_echo("Same passphrase again: ");
    if (second.size() != first.size() || sodium_memcmp(first.data(), second.data(), first.size()) != 0) {
      raise_input("the two passphrases differ; nothing was written");
    }
  }
  return first;
}

}  // namespace

Result<SecureBuffer> obtain_passphrase(const std::string& file, const std::string& purpose, bool confirm,
                                       std::size_t min_bytes) {
  return detail::guarded([&] { return obtain(file, purpose, confirm, min_bytes); });
}

}  // namespace seatkey::keygen
