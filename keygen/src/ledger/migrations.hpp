// Internal: the ledger's schema as one ordered list of steps, on SQLite and PostgreSQL alike. A
// new ledger runs every step, an older one the steps above its version, all in one transaction
// with the version numbers they reach. A step is never edited once released (ledgers in the
// field ran it): a change of the schema is the next step, numbered whatever comes next. No step
// changes a link's canonical bytes, so a ledger's head is the same before and after.
#pragma once

#include <vector>

#include "ledger/database.hpp"

namespace seatkey::keygen::detail {

struct MigrationStep {
  int version;
  // The statements of each dialect (several, separated by ';'). A PostgreSQL ledger starts at
  // version 4, whose step makes the whole schema of that version: the steps before have none.
  const char* sqlite;
  const char* postgresql;
  // What SQL alone cannot do, after the statements (nullptr when nothing).
  void (*then)(Database& db);
};

const std::vector<MigrationStep>& migration_steps();
// Steps 1 to 4, of the versions released before (released_steps.cpp).
const std::vector<MigrationStep>& released_steps();
// The version the last step reaches: what this build writes.
int latest_schema_version();

// The lookup tables (editions, license_kinds, event_types, roles, key_origins and, from version
// 6, code_event_types; from 7, token_event_types) hold the names of the program's tables
// (common/policy.hpp and keygen's):
// these add the names a ledger lacks, in the caller's write transaction, to the tables a ledger
// of `version` has. A name added to a table needs no schema step.
bool lookups_complete(Database& db);
void complete_lookups(Database& db, int version);

}  // namespace seatkey::keygen::detail
