// Internal: the ledger in a PostgreSQL database (database.hpp), through libpq. Writers take one
// transaction-scoped advisory lock, so the hash chain grows by one writer at a time whichever
// process or host it runs on; readers see one snapshot (REPEATABLE READ). The tables are the
// SQLite ledger's, in PostgreSQL's types, with the same append-only triggers.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "database.hpp"

namespace seatkey::keygen::detail {

// Connects to the database `url` names (libpq's connection URI); an input error when it cannot.
// read_only: every transaction of the session is READ ONLY.
std::unique_ptr<Database> connect_postgresql(const std::string& url, bool read_only);

// The URL as messages show it: what libpq reads from it but its secrets (password, sslpassword,
// however spelled or encoded): postgresql://user@host:port/dbname?option=value...
std::string url_without_password(std::string_view url);

}  // namespace seatkey::keygen::detail
