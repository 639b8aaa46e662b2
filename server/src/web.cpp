#include "web.hpp"

namespace seatkey::server {

Response web_response(const WebFile& file) {
  Response r{200, std::string(file.content_type), std::string(file.body), {}};
  // default-src 'self' without 'unsafe-inline': a script or style that ledger text smuggled
  // into the page would not run even if it got past textContent.
  r.headers.push_back({"Content-Security-Policy",
                       "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                       "frame-ancestors 'none'"});
  r.headers.push_back({"X-Frame-Options", "DENY"});
  return r;
}

}  // namespace seatkey::server
