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

bool read_appliance_file(const std::string& path, std::string* id, std::string* why) {
  const bool from_stdin = path == kStdin;
  auto text = from_stdin ? seatkey::read_fd_bounded(STDIN_FILENO, kMaxApplianceFileBytes, "stdin")
                         : seatkey::read_file_bounded(path, kMaxApplianceFileBytes);
  if (!text) {
    *why = (from_stdin ? "cannot read the appliance ID from " : "cannot read appliance file ") +
           text.error().message;
    return false;
  }
  if (text->size() > kMaxApplianceFileBytes) {
    *why = (from_stdin ? std::string("stdin (--appliance-file -)") : "appliance file " + path) +
           " is over 4096 bytes: not an appliance ID";
    return false;
  }
  while (!text->empty() &&
         (text->back() == '\n' || text->back() == '\r' || text->back() == ' ' || text->back() == '\t')) {
    text->pop_back();
  }
  *id = std::move(*text);
  return true;
}

}  // namespace seatkey::verify_tool
