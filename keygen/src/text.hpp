// Internal: how the keygen shows text from outside (customers, orders, IDs) in its messages,
// and how it finds a part of such text in any case.
#pragma once

#include <string>
#include <string_view>

namespace seatkey::keygen::detail {

// A JSON string literal of `s` (quotes, escapes; invalid UTF-8 replaced), with the control
// and bidirectional formatting characters JSON keeps escaped too: safe in one terminal line.
std::string quoted(std::string_view s);

// "0644": the permission bits of a st_mode, for messages.
std::string octal_mode(unsigned mode);

// Text in lower case, as UTF-8, for a search in any case: "müller" is a part of the folded
// "MÜLLER Elektro GmbH", "école" of "ÉCOLE". The C library's simple case mapping (glibc's
// C.UTF-8): one character to one ("STRASSE" does not find "Straße"). A byte that is not UTF-8
// stands for itself only (a private-use character of its own). The ledger's search tables hold
// customers and orders folded by this, and a search folds what it looks for the same way: the
// databases compare exact characters, so SQLite and PostgreSQL find what this says, whatever
// their own idea of case (a PostgreSQL database in the C locale lower-cases ASCII only).
std::string search_folded(std::string_view text);

// How many characters a folded text has (a search index needs three to use its trigrams).
std::size_t folded_length(std::string_view folded);

}  // namespace seatkey::keygen::detail
