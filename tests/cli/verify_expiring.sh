#!/usr/bin/env bash
# ctest: needs=verify,mint
# Expiry warnings (docs/format.md): every accepted report carries "expires" (or null); the
# licenses that expire within --warn-days N (30) of the evaluation time are listed in
# "expiring", soonest first, and named in the summary with the time left.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

{
  mint "$(server_payload 1001 compact '' ',"exp":"2026-12-28T10:00:00Z"')" # exactly 30 days
  mint "$(pack_payload 1002 5 '' ',"exp":"2026-12-28T10:00:01Z"')"          # a second more
  mint "$(pack_payload 1003 1 '' ',"exp":"2026-11-28T15:00:00Z"')"          # in 5 hours
  mint "$(pack_payload 1004 1)"                                             # no end
  mint "$(pack_payload 1005 1 '' ',"exp":"2026-11-01T00:00:00Z"')"          # already expired
} >rental.lic

verify --licenses rental.lic
expect_rc 0 "a rental"
expect_out "Expiring: user pack 1003 (1 user) expires 2026-11-28T15:00:00Z, in 5 hours (rental.lic:3)."
expect_out "Expiring: server license 1001 expires 2026-12-28T10:00:00Z, in 30 days (rental.lic:1)."
expect_out_lacks "user pack 1002 (5 users) expires"
expect_out_lacks "user pack 1004 (1 user) expires"
expect_out "rental.lic:5: user pack 1005 (1 user): expired at 2026-11-01T00:00:00Z."
[ "$(grep -c '^Expiring:' out)" -eq 2 ] || fail "expected 2 Expiring lines"
grep -n '^Expiring:' out | head -1 | grep -q 1003 || fail "the soonest is not named first"

verify --licenses rental.lic --json
cat >expected <<'JSON'
  "expiring": [
    {
      "serial": "1003",
      "kind": "users",
      "users": 1,
      "source": "rental.lic:3",
      "expires": "2026-11-28T15:00:00Z",
      "days_left": 0
    },
    {
      "serial": "1001",
      "kind": "server",
      "users": 3,
      "source": "rental.lic:1",
      "expires": "2026-12-28T10:00:00Z",
      "days_left": 30
    }
  ],
JSON
sed -n '/^  "expiring": \[/,/^  \],/p' out >got
diff -u expected got >diff || fail "the expiring list differs: $(cat diff)"
expect_out '"expires": "2026-12-28T10:00:01Z",'
expect_out '"expires": "2026-11-01T00:00:00Z",'
[ "$(grep -c '"expires": null,' out)" -eq 1 ] || fail "expected one report without an expiry"

verify --licenses rental.lic --warn-days 0 --json
expect_out '"expiring": [],'
verify --licenses rental.lic --warn-days 0
expect_out_lacks "Expiring:"
verify --licenses rental.lic --warn-days 31
[ "$(grep -c '^Expiring:' out)" -eq 3 ] || fail "--warn-days 31: expected 3 Expiring lines"
expect_out "Expiring: user pack 1002 (5 users) expires 2026-12-28T10:00:01Z, in 30 days (rental.lic:2)."

pass
