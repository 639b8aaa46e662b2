// Internal: a SQLite ledger's files. The ledger, its -wal and its -shm hold every customer,
// order and token: they are made 0600 whatever the umask, and a ledger that group or others may
// write is never written (anyone of them could rewrite what was sold).
#pragma once

#include <string>
#include <vector>

#include "seatkey/keygen/ledger/ledger.hpp"

namespace seatkey::keygen::detail {

// The ledger and the -wal and -shm files SQLite keeps next to it.
std::vector<std::string> ledger_files(const std::string& path);

// The command that creates a ledger at `path`: "seatkey-keygen ledger init --ledger PATH --key FILE".
std::string how_to_create(const std::string& path);

// Before SQLite opens the file: an input error for a missing file (naming `ledger init`), one
// that is not a regular file, one group or others may write (read_write) or that this user or
// its folder cannot write (read_write); a warning for one group or others may read or write.
void check_access(const std::string& path, Ledger::Access access, std::vector<std::string>* warnings);

// Makes the file of a new SQLite ledger, exclusively and 0600 whatever the umask (SQLite gives
// the -wal and -shm files it creates the ledger's mode), never over an existing file
// (an input error) or next to a -wal or -shm left by an earlier ledger.
void create_ledger_file(const std::string& path);
// Makes the file a backup goes into, exclusively and 0600 whatever the umask, like a ledger.
void create_backup_file(const std::string& path);

}  // namespace seatkey::keygen::detail
