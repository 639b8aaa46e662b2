// Internal: the license desk's web page (server/web/: HTML, CSS and JavaScript, built into the
// program) and the headers it is served with.
#pragma once

#include <optional>
#include <string_view>

#include "seatkey/server/api.hpp"

namespace seatkey::server {

// One file of the page, by its name in the URL's one path segment ("" is the page itself).
struct WebFile {
  std::string_view name;
  std::string_view content_type;
  std::string_view body;
};
const WebFile* find_web_file(std::string_view name);  // nullptr: not a file of the page

// The file as a response, with a Content-Security-Policy that lets the page load only its own
// files and talk only to this server: no inline script, no frames, no other origin.
Response web_response(const WebFile& file);

}  // namespace seatkey::server
