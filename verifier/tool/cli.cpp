#include "cli.hpp"

#include <unistd.h>

#include "seatkey/common/file.hpp"
#include "seatkey/common/text.hpp"

namespace seatkey::verify_tool {

void print_line(std::ostream& out, std::string_view line) {
  out << seatkey::terminal_safe(line) << '\n';
}

void print_line(std::ostream& out, std::ostringstream& line) {
  print_line(out, line.str());
  line.str("");
}

int input_error(std::ostream& err, const std::string& message) {
  print_line(err, std::string(kProgram) + ": " + message);
  return kInputError;
}

seatkey::verifier::Expected<std::string> read_appliance_file(const std::string& path) {
  namespace sv = seatkey::verifier;
  const bool from_stdin = path == kStdin;
  auto text = from_stdin ? seatkey::read_fd_bounded(STDIN_FILENO, kMaxApplianceFileBytes, "stdin")
                         : seatkey::read_file_bounded(path, kMaxApplianceFileBytes);
  if (!text) {
    return sv::Error{sv::ErrorCode::io_error,
                     (from_stdin ? "cannot read the appliance ID from " : "cannot read appliance file ") +
                         text.error().message};
  }
  if (text->size() > kMaxApplianceFileBytes) {
    return sv::Error{sv::ErrorCode::too_large,
                     (from_stdin ? std::string("stdin (--appliance-file -)") : "appliance file " + path) +
                         " is over 4096 bytes: not an appliance ID"};
  }
  while (!text->empty() &&
         (text->back() == '\n' || text->back() == '\r' || text->back() == ' ' || text->back() == '\t')) {
    text->pop_back();
  }
  return std::move(*text);
}

}  // namespace seatkey::verify_tool
