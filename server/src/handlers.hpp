// Internal: the API's handlers, grouped by resource, one file each. Each answers one route of
// routes.cpp's table; see routes.hpp for what a handler gets and may do.
#pragma once

#include "routes.hpp"

namespace seatkey::server::handlers {

using Reply = keygen::Result<Response>;

// service.cpp: what needs no token.
Reply page(Context& c, const Request& r);
Reply health(Context& c, const Request& r);
Reply openapi(Context& c, const Request& r);

// licenses.cpp
// A license's token is what an appliance installs: only a token that may download license files
// sees it, in any answer (an auditor reads the ledger, not its licenses).
bool sees_tokens(const Request& r);
Reply list_licenses(Context& c, const Request& r);
Reply show_license(Context& c, const Request& r);
Reply issue_server(Context& c, const Request& r);
Reply issue_users(Context& c, const Request& r);
Reply issue_standby(Context& c, const Request& r);
Reply issue_orders(Context& c, const Request& r);
Reply void_license(Context& c, const Request& r);

// appliances.cpp
Reply show_appliance(Context& c, const Request& r);
Reply license_file(Context& c, const Request& r);

// transfers.cpp
Reply transfer(Context& c, const Request& r);

// revocations.cpp
Reply issue_revocations(Context& c, const Request& r);
Reply latest_revocations(Context& c, const Request& r);

// activations.cpp: the code is the credential.
Reply activate(Context& c, const Request& r);

// codes.cpp
Reply list_codes(Context& c, const Request& r);
Reply show_code(Context& c, const Request& r);
Reply create_codes(Context& c, const Request& r);
Reply void_code(Context& c, const Request& r);

// reports.cpp
Reply report(Context& c, const Request& r);

// events.cpp: the feed.
Reply events(Context& c, const Request& r);

// tokens.cpp: the caller's own token; the admins' API tokens.
Reply whoami(Context& c, const Request& r);
Reply list_tokens(Context& c, const Request& r);
Reply show_token(Context& c, const Request& r);
Reply create_token(Context& c, const Request& r);
Reply revoke_token(Context& c, const Request& r);

}  // namespace seatkey::server::handlers
