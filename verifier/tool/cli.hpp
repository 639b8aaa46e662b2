// What seatkey-verify's boot check and its subcommands share: the program's name, the exit
// statuses, lines for people, the appliance's ID from a file.
#pragma once

#include <cstddef>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>

#include "seatkey/verifier.hpp"

namespace seatkey::verify_tool {

inline constexpr const char* kProgram = "seatkey-verify";
inline constexpr std::size_t kMaxApplianceFileBytes = 4096;
// The name that makes --appliance-file and --licenses read standard input.
inline constexpr const char* kStdin = "-";

// The boot check's: 0 licensed, 1 not licensed, 2 usage or input error. The subcommands use 0
// for done, 1 for refused (install) and 2 the same way.
enum Exit { kLicensed = 0, kNotLicensed = 1, kInputError = 2 };

// One line for people on `out`, its untrusted parts (paths, sources, messages, anything a
// file or the command line put there) escaped: a control or bidi character in them can
// neither end the line nor colour or reorder the terminal.
void print_line(std::ostream& out, std::string_view line);
void print_line(std::ostream& out, std::ostringstream& line);

// "seatkey-verify: MESSAGE" on `err`; returns kInputError.
int input_error(std::ostream& err, const std::string& message);

// The appliance ID read from `path` (kStdin: standard input) without trailing whitespace, or
// the error to show. Only a regular file is opened (the /proc and /sys files firmware reads IDs
// from are regular files): a FIFO or device is refused at once, never waited on.
seatkey::verifier::Expected<std::string> read_appliance_file(const std::string& path);

}  // namespace seatkey::verify_tool
