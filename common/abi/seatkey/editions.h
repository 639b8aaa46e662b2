/* seatkey's editions, one line each: the list that the C API's seatkey_edition, the C++ API's
 * seatkey::verifier::Edition and the vendor tools' seatkey::Edition are made from (each
 * edition's rules: kEditions in common/include/seatkey/common/policy.hpp, in this order).
 *
 * X(name, NAME, value): `name` as a license's `edition` claim spells it, `NAME` for the C constant
 * SEATKEY_EDITION_NAME, `value` that constant's number. The numbers are the C API's ABI: never
 * renumber or reuse one (0 is SEATKEY_EDITION_NONE); a new edition takes the next. Installed with
 * verifier.h and verifier.hpp, which include it. */
#ifndef SEATKEY_EDITIONS_H
#define SEATKEY_EDITIONS_H

#define SEATKEY_EDITIONS(X)  \
  X(free, FREE, 1)           \
  X(compact, COMPACT, 2)     \
  X(appliance, APPLIANCE, 3) \
  X(vm, VM, 4)

#endif
