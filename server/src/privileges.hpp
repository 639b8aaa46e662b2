// Internal: the HTTP process's privilege drop (--user). Started as root, the server forks its
// signer (which keeps root's access to the key and the ledger), opens what the HTTP process
// needs (its read-only ledger connections, the TLS files), and then becomes an unprivileged
// user for good, before it listens: a taken HTTP process then has that user's rights alone.
#pragma once

#include <string>

#include "seatkey/keygen/error.hpp"

namespace seatkey::server {

// Becomes `user` (its uid, its group as the only group), and checks that root cannot be
// regained. An input error for a user that does not exist or is root; internal when the system
// refuses a step (the process must not go on as root then).
keygen::Result<void> become_user(const std::string& user);

}  // namespace seatkey::server
