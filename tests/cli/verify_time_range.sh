#!/usr/bin/env bash
# ctest: needs=verify,mint
# Times exist from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z, in UTC (docs/format.md): an
# offset that carries a time past either end makes it invalid, so every time seatkey prints
# has a four-digit year and parses again. --now outside the range is an input error; a token
# with a time claim outside it is invalid_claims, and --json never shows a five-digit or
# negative year.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

mint "$(server_payload 1001 compact)" >server.lic
verify_at() { run "$VERIFY" --appliance "$APPLIANCE" --licenses server.lic --now "$1"; } # TIME

# --now: the ends are times, an offset past them is not.
for t in 9999-12-31T23:59:59-23:59 9999-12-31T23:59:59-00:01 0000-01-01T00:00:00+00:01 0000-01-01T00:00:00+23:59; do
  verify_at "$t"
  expect_rc 2 "--now $t"
  expect_err "seatkey-verify: --now: "
  expect_err "\"$t\""
  expect_no_out
done
for t in 9999-12-31T23:59:59Z 9999-12-31T00:00:00-23:59 0000-01-01T00:00:00Z 0000-01-01T23:59:59+23:59; do
  verify_at "$t"
  expect_rc 0 "--now $t"
done

# no_long_years: no time in ./out with a year of five digits or a minus sign.
no_long_years() {
  ! grep -qE '(-[0-9]{4}|[0-9]{5})-[0-9]{2}-[0-9]{2}T' out || fail "a time outside years 0000-9999 was printed"
}

# Time claims past either end: invalid_claims, whatever the claim.
{
  mint "$(server_payload 2001 compact '' ',"updates_until":"9999-12-31T23:59:59-23:59"')"
  mint "$(server_payload 2002 compact '' ',"exp":"9999-12-31T23:59:59-00:01"')"
  mint "$(server_payload 2003 compact '' ',"nbf":"0000-01-01T00:00:00+00:01"')"
  mint "$(server_payload 2004 compact '' ',"exp":"0000-01-01T00:00:00+23:59"')"
  mint "$(pack_payload 2005 5 '' ',"exp":"9999-12-31T23:59:59-23:59"')"
} >out-of-range.lic
verify --licenses out-of-range.lic --json
expect_rc 1 "time claims outside years 0000-9999"
expect_eq "$(grep -c '"reason": "invalid_claims",' out)" 5 "(invalid_claims)"
expect_out '"updates_until": null,'
no_long_years
verify --licenses out-of-range.lic
expect_rc 1 "time claims outside years 0000-9999, summary"
no_long_years

# The ends themselves are valid claims, printed as they are.
mint "$(server_payload 3001 compact '' ',"updates_until":"9999-12-31T23:59:59Z","nbf":"0000-01-01T00:00:00Z"')" \
  "$(pack_payload 3002 5 '' ',"exp":"9999-12-31T23:59:59+00:00"')" >ends.lic
verify --licenses ends.lic --json
expect_rc 0 "time claims at the ends of the range"
expect_out '"updates_until": "9999-12-31T23:59:59Z",'
expect_out '"licensed_users": 8,'
verify --licenses ends.lic
expect_out "Updates:  included for firmware released until 9999-12-31T23:59:59Z."

pass
