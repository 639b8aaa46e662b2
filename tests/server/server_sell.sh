#!/usr/bin/env bash
# ctest-name: server cli: selling in users: target_users computes the packs, dry_run answers and writes nothing
# ctest: needs=keygen,server seconds=20 answers=record
# "A Compact with 12 users" is one order: the server license and the packs that make up the rest
# (5s, then 1s), all or none; "bring it to 20 users" adds what is missing. A dry run
# (?dry_run=true) of an order, a void or a transfer answers what would happen, with no token,
# and leaves the ledger as it was. The command line sells the same way.
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
CLERK=$(make_token clerk desk)
start_server
sizes='[[l["kind"], l["users"]] for l in d["licenses"]]'

# A dry run: what would be issued and what the appliance would have; 200, no Location, no token.
before=$(ledger_dump)
api POST "/v1/licenses/server?dry_run=true" "$SHOP" \
  "{\"appliance\":\"$A\",\"edition\":\"compact\",\"target_users\":12}" -H 'Idempotency-Key: sale-1'
expect_status 200
expect_eq "$(json "$sizes")" '[["server", 3], ["users", 5], ["users", 1], ["users", 1], ["users", 1], ["users", 1]]'
expect_eq "$(json '[d["dry_run"], d["appliances"][0]["licensed_users"], [l["serial"] for l in d["licenses"]]]')" \
  '[true, 12, [1, 2, 3, 4, 5, 6]]'
expect_eq "$(json 'any("token" in l for l in d["licenses"])')" false
grep -qi '^location:' headers && fail "a dry run answered a Location"
expect_eq "$(ledger_dump)" "$before" "(the dry run wrote)"

# The order itself, with the dry run's Idempotency-Key (a dry run keeps none): the serials it said.
api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"compact\",\"target_users\":12}" \
  -H 'Idempotency-Key: sale-1'
expect_status 201
expect_location /v1/licenses/1
grep -qi '^idempotent-replayed:' headers && fail "the order replayed its dry run"
expect_eq "$(json "$sizes")" '[["server", 3], ["users", 5], ["users", 1], ["users", 1], ["users", 1], ["users", 1]]'
expect_eq "$(json '[d["appliances"][0]["licensed_users"], all(l["token"].startswith("v4.public.") for l in d["licenses"])]')" \
  '[12, true]'
expect_eq "$(rows)" 6

# More users: the packs that bring the appliance from 12 to 20.
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"target_users\":20}"
expect_status 201
expect_eq "$(json "$sizes")" '[["users", 5], ["users", 1], ["users", 1], ["users", 1]]'
expect_eq "$(json 'd["appliances"][0]["licensed_users"]')" 20

# Refusals, each its own problem type and code with its numbers; nothing written.
before=$(ledger_dump)
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"target_users\":20}"
expect_problem 409 target-reached "=appliance 001A2B3C4D5E has 20 users already: no packs to issue for 20"
expect_eq "$(json '[d["code"], d["licensed_users"], d["target_users"]]')" '["target_reached", 20, 20]'
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"target_users\":21}"
expect_problem 409 compact-max-users "=appliance 001A2B3C4D5E runs the Compact edition, which allows at most 20 users, not 21"
api POST /v1/licenses/server "$SHOP" '{"appliance":"00:1a:2b:3c:4d:5f","edition":"compact","target_users":2}'
expect_problem 409 target-below-included \
  "=a Compact server license includes 3 users: an installation with it has at least 3, not 2"
expect_eq "$(json '[d["edition"], d["included_users"], d["target_users"]]')" '["compact", 3, 2]'
api POST /v1/licenses/server "$SHOP" '{"appliance":"00:1a:2b:3c:4d:5f","edition":"free","target_users":5}'
expect_problem 409 free-takes-no-packs "appliance 001A2B3C4D5F runs the free edition"
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"target_users\":25,\"users\":5}"
expect_problem 400 bad-input \
  '=give either "target_users" (the users in all) or "users" and "count" (the packs), not both'
api POST /v1/licenses/users "$SHOP" "{\"appliance\":\"$A\",\"target_users\":0}"
expect_problem 400 bad-input '=field "target_users" must be from 1 to 50000, not 0'
api POST "/v1/licenses/users?dry_run=yes" "$SHOP" "{\"appliance\":\"$A\",\"target_users\":22}"
expect_problem 400 bad-input "this resource takes one query parameter, dry_run=true"
api POST "/v1/licenses/users?dry_run=true&x=1" "$SHOP" "{\"appliance\":\"$A\",\"target_users\":22}"
expect_problem 400 bad-input "one query parameter"
expect_eq "$(ledger_dump)" "$before" "(a refusal wrote)"

# A dry run that a rule refuses is refused as the order would be.
api POST "/v1/licenses/users?dry_run=true" "$SHOP" "{\"appliance\":\"$A\",\"target_users\":21}"
expect_problem 409 compact-max-users "allows at most 20 users, not 21"

# A void's and a transfer's dry runs: what would be taken back and what each appliance would have.
api POST "/v1/licenses/2/void?dry_run=true" "$CLERK" '{"reason":"refund"}'
expect_status 200
expect_eq "$(json '[d["dry_run"], [l["serial"] for l in d["voided"]], d["appliances"][0]["licensed_users"]]')" \
  '[true, [2], 15]'
api POST "/v1/licenses/2/void?dry_run=true" "$SHOP" '{"reason":"refund"}'
expect_status 403 "(a shop token's dry run of a void)"
api POST "/v1/transfers?dry_run=true" "$CLERK" "{\"from\":\"$A\",\"to\":\"00:1a:2b:3c:4d:60\",\"reason\":\"RMA\"}"
expect_status 200
expect_eq "$(json '[d["dry_run"], d["to"], len(d["licenses"]), len(d["taken_back"]), d["appliances"][0]["licensed_users"]]')" \
  '[true, "001A2B3C4D60", 10, 10, 20]'
expect_eq "$(json 'any("token" in l for l in d["licenses"])')" false
api POST "/v1/transfers?dry_run=true" "$CLERK" "{\"from\":\"$A\",\"to\":\"$A\"}"
expect_problem 409 same-appliance ""
expect_eq "$(ledger_dump)" "$before" "(a dry run wrote)"

# An appliance the ledger has never seen: its own problem code, with the canonical ID of what was
# typed (the desk shows it before a first license is issued).
api GET /v1/appliances/00:1a:2b:3c:4d:77 "$SHOP"
expect_problem 404 appliance-unknown "=no licenses on record for appliance 001A2B3C4D77"
expect_eq "$(json '[d["code"], d["appliance"]]')" '["appliance_unknown", "001A2B3C4D77"]'
api GET /v1/appliances/00:1a:2b:3c:4d:77/license-file "$SHOP"
expect_problem 404 appliance-unknown "=no licenses on record for appliance 001A2B3C4D77"

# The command line: the same orders, the packs it issued named by size.
stop_server
keygen issue server --appliance 00:1a:2b:3c:4d:61 --edition appliance --target-users 8 --customer 'Gamma AG'
expect_rc 0 "issue server --target-users"
expect_eq "$(grep -c '^v4\.public\.' out)" 4 "(tokens printed)"
expect_err "issued server license 11: appliance, 1 user included"
expect_err "issued 1 user pack of 5 users (serial 12) for appliance 001A2B3C4D61"
expect_err "issued 2 user packs of 1 user (serials 13-14) for appliance 001A2B3C4D61"
expect_err "appliance 001A2B3C4D61 now: appliance, 8 users (1 included + 7 in packs"
keygen issue users --appliance 00:1a:2b:3c:4d:61 --target-users 8
expect_rc 1 "issue users --target-users at the target"
expect_err "appliance 001A2B3C4D61 has 8 users already: no packs to issue for 8"
keygen issue users --appliance 00:1a:2b:3c:4d:61 --target-users 9 --users 1
expect_rc 2 "--target-users with --users"
expect_err "--users excludes --target-users"
keygen issue users --appliance 00:1a:2b:3c:4d:61 --target-users 0
expect_rc 2 "--target-users 0"
expect_err "--target-users must be from 1 to 50000, not 0"
keygen issue users --appliance 00:1a:2b:3c:4d:61
expect_rc 2 "issue users without --users or --target-users"
expect_err "give --users (the users per pack, with --count) or --target-users (the users in all)"
keygen ledger verify
expect_rc 0 "ledger verify"
pass
