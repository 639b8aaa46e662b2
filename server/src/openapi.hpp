// Internal: the OpenAPI 3.1 document of the API (server/openapi.json, built into the program).
#pragma once

#include <string_view>

namespace seatkey::server {

std::string_view openapi_document();

}  // namespace seatkey::server
