#!/usr/bin/env bash
# ctest: needs=verify,mint
# seatkey-verify --json: every field of the entitlement (docs/format.md) with its exact name,
# null where the format says so, each list entry {serial, kind, users, expires, development_key,
# source, reason, message}. (The clock floor, grace, expiry and warning fields in their own
# tests: verify_clock_floor.sh, verify_state.sh, verify_grace.sh, verify_expiring.sh; the
# development key in verify_development_key.sh.)
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

# A Compact with an update option, packs over the cap of 20, and one of every kind of trouble.
{
  echo "# licenses of appliance $APPLIANCE"
  mint "$(server_payload 1001 free)"
  mint "$(server_payload 1002 compact '' ',"updates_until":"2027-12-31T00:00:00Z","customer":"ACME"')"
  echo
  mint "$(pack_payload 1003 5)" "$(pack_payload 1004 5)" "$(pack_payload 1005 5)" "$(pack_payload 1006 5)"
  mint "$(pack_payload 1004 5)"
  mint "$(pack_payload 1007 1 "$OTHER_APPLIANCE")"
  echo "v4.public.not-a-license"
} >lic.txt

verify --licenses lic.txt --json
expect_rc 0 "a licensed compact"
cat >expected <<'JSON'
{
  "appliance": "001A2B3C4D5E",
  "licensed": true,
  "edition": "compact",
  "server_license": "1002",
  "standby_for": null,
  "included_users": 3,
  "pack_users": 20,
  "licensed_users": 20,
  "max_users": 20,
  "excess_users": 3,
  "updates_allowed": true,
  "updates_until": "2027-12-31T00:00:00Z",
  "evaluated_at": "2026-11-28T10:00:00Z",
  "clock": "2026-11-28T10:00:00Z",
  "clock_floor": "2026-11-02T09:00:00Z",
  "clock_behind": false,
  "revocation_seq": null,
  "development_key": true,
  "grace": null,
  "expiring": [],
  "warnings": [],
  "accepted": [
    {
      "serial": "1002",
      "kind": "server",
      "users": 3,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:3",
      "reason": null,
      "message": "the active server license: compact edition, 3 users included"
    },
    {
      "serial": "1003",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:5",
      "reason": null,
      "message": "a user pack of 5 users"
    },
    {
      "serial": "1004",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:6",
      "reason": null,
      "message": "a user pack of 5 users"
    },
    {
      "serial": "1005",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:7",
      "reason": null,
      "message": "a user pack of 5 users"
    },
    {
      "serial": "1006",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:8",
      "reason": null,
      "message": "a user pack of 5 users"
    }
  ],
  "rejected": [
    {
      "serial": "1001",
      "kind": "server",
      "users": 3,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:2",
      "reason": "superseded",
      "message": "replaced by the compact server license 1002 from lic.txt:3 (a commercial edition replaces Free)"
    },
    {
      "serial": "1004",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:9",
      "reason": "duplicate",
      "message": "a copy of license 1004, already counted from lic.txt:6"
    },
    {
      "serial": "1007",
      "kind": "users",
      "users": 1,
      "expires": null,
      "development_key": true,
      "source": "lic.txt:10",
      "reason": "wrong_appliance",
      "message": "issued for appliance 0099AABBCCDD, not for this one (001A2B3C4D5E)"
    },
    {
      "serial": null,
      "kind": null,
      "users": null,
      "expires": null,
      "development_key": false,
      "source": "lic.txt:11",
      "reason": "malformed",
      "message": "not a valid license: token body is not valid base64url"
    }
  ]
}
JSON
diff -u expected out >diff || fail "JSON differs from the expected entitlement: $(cat diff)"
expect_no_out_err() { [ ! -s err ] || fail "expected empty stderr"; }
expect_no_out_err

# Not licensed: null edition, server license, update option; max_users 0; nothing accepted.
mint "$(pack_payload 1003 5)" >packs.lic
verify --licenses packs.lic --json
expect_rc 1 "packs only"
cat >expected <<'JSON'
{
  "appliance": "001A2B3C4D5E",
  "licensed": false,
  "edition": null,
  "server_license": null,
  "standby_for": null,
  "included_users": 0,
  "pack_users": 0,
  "licensed_users": 0,
  "max_users": 0,
  "excess_users": 0,
  "updates_allowed": false,
  "updates_until": null,
  "evaluated_at": "2026-11-28T10:00:00Z",
  "clock": "2026-11-28T10:00:00Z",
  "clock_floor": "2026-11-02T09:00:00Z",
  "clock_behind": false,
  "revocation_seq": null,
  "development_key": false,
  "grace": null,
  "expiring": [],
  "warnings": [],
  "accepted": [],
  "rejected": [
    {
      "serial": "1003",
      "kind": "users",
      "users": 5,
      "expires": null,
      "development_key": true,
      "source": "packs.lic:1",
      "reason": "no_server_license",
      "message": "a user pack counts only together with a valid server license, and there is none"
    }
  ]
}
JSON
diff -u expected out >diff || fail "JSON differs for packs only: $(cat diff)"

# Unlimited editions: max_users null; no update option: updates_until null, updates allowed.
mint "$(server_payload 2001 vm)" "$(pack_payload 2002 5)" >vm.lic
verify --licenses vm.lic --json
expect_rc 0 "vm"
expect_out '"edition": "vm",'
expect_out '"max_users": null,'
expect_out '"licensed_users": 6,'
expect_out '"updates_allowed": true,'
expect_out '"updates_until": null,'

# Free: updates never allowed, packs free_edition.
mint "$(server_payload 3001 free)" "$(pack_payload 3002 1)" >free.lic
verify --licenses free.lic --json
expect_rc 0 "free"
expect_out '"edition": "free",'
expect_out '"max_users": 3,'
expect_out '"updates_allowed": false,'
expect_out '"reason": "free_edition",'

# An update option that ended: updates_allowed false (for firmware released now).
mint "$(server_payload 1002 compact '' ',"updates_until":"2026-06-30T00:00:00Z"')" >ended.lic
verify --licenses ended.lic --json
expect_rc 0 "ended update option"
expect_out '"updates_allowed": false,'
expect_out '"updates_until": "2026-06-30T00:00:00Z",'

# --users N adds the answer: current_users, users_fit, may_add_user (after the entitlement).
verify --licenses lic.txt --json --users 19
expect_rc 0 "--users 19"
expect_out '"current_users": 19,'
expect_out '"users_fit": true,'
expect_out '"may_add_user": true'
verify --licenses lic.txt --json --users 20
expect_out '"users_fit": true,'
expect_out '"may_add_user": false'
verify --licenses lic.txt --json --users 21
expect_rc 0 "--users 21"
expect_out '"users_fit": false,'
expect_out '"may_add_user": false'
verify --licenses packs.lic --json --users 0
expect_rc 1 "--users 0 unlicensed"
expect_out '"users_fit": false,'
verify --licenses lic.txt --json
expect_out_lacks '"current_users"'

# A standby: the primary's licenses count, "standby_for" names the primary, the standby
# license has no users; the standby's own server license is wrong_appliance.
{
  mint "$(standby_payload 1010 "$OTHER_APPLIANCE")"
  mint "$(server_payload 1011 vm "$OTHER_APPLIANCE")" "$(pack_payload 1012 5 "$OTHER_APPLIANCE")"
  mint "$(server_payload 1013 compact)"
} >standby.lic
verify --licenses standby.lic --json
expect_rc 0 "a standby of a licensed primary"
expect_out '"server_license": "1011",'
expect_out "\"standby_for\": \"$OTHER_APPLIANCE\","
expect_out '"licensed_users": 6,'
expect_out '"kind": "standby",'
[ "$(grep -c '"users": null,' out)" -eq 1 ] || fail "the standby license should have null users"
expect_out '"reason": "wrong_appliance",'
expect_out "issued for this appliance, but this appliance is the standby of $OTHER_APPLIANCE (standby license 1010 from standby.lic:1): only the primary's licenses count on a standby"

# Unverified tokens report nothing from their payload.
{
  mint "$(server_payload 1002 compact)"
  mint --footer '{"kid":"k4.pid.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}' "$(pack_payload 1003 5)"
  mint --implicit other-context "$(pack_payload 1004 5)"
  mint '["not","claims"]'
} >unverified.lic
verify --licenses unverified.lic --json
expect_rc 0 "unverified tokens"
expect_out '"reason": "unknown_key",'
expect_out '"reason": "bad_signature",'
expect_out '"reason": "invalid_claims",'
[ "$(grep -c '"serial": null,' out)" -eq 3 ] || fail "3 unverified tokens should have a null serial"
[ "$(grep -c '"kind": null,' out)" -eq 3 ] || fail "3 unverified tokens should have a null kind"
[ "$(grep -c '"users": null,' out)" -eq 3 ] || fail "3 unverified tokens should have null users"
expect_out_lacks '"1003"'
expect_out_lacks '"1004"'

pass
