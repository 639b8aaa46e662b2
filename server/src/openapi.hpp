// Internal: the OpenAPI 3.1 document of the API. server/openapi.json is built into the program
// as a template whose enumerations are markers ("x-seatkey-enum": "editions", ...):
// openapi_document() fills them from the tables the program runs on (the editions, kinds,
// statuses, event types, error codes and kinds, and every problem type with its status and
// members), so that the document cannot list what the program does not do, nor miss what it does.
#pragma once

#include <string_view>

namespace seatkey::server {

std::string_view openapi_template();
std::string_view openapi_document();

}  // namespace seatkey::server
