#!/usr/bin/env bash
# ctest-name: server cli: started as root, the HTTP process becomes --user for good; the signer writes root's ledger
# ctest: needs=keygen,server seconds=15
# Started as root (CI's container), the server refuses to run without --user; with --user nobody
# the HTTP process runs as nobody (real, effective and saved ids, one group) and is not dumpable,
# while the signer stays root: it issues into the ledger, which stays root's and 0600, and the HTTP
# process still reads it through the connections it opened before it changed user. Not root:
# --user is refused (only root changes its user).
. "$SOURCE_DIR/tests/server/lib.sh"

dev_key
init_ledger
SHOP=$(make_token shop webshop)
if [ "$(id -u)" != 0 ]; then
  run "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 --user nobody
  expect_rc 2
  expect_err "--user nobody: only a server started as root changes its user"
  pass
fi
run "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 </dev/null
expect_rc 2
expect_err "started as root: give --user NAME"
run "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 --user no-such-user-of-seatkey </dev/null
expect_rc 2
expect_err "--user no-such-user-of-seatkey: no such user"
run "$SERVER" --ledger "$LEDGER" --key dev.key --listen 127.0.0.1:0 --user root </dev/null
expect_rc 2
expect_err "--user root is root"

chmod 0600 "$LEDGER"
start_server
signer=$(signer_pid)
[ -n "$signer" ] || fail_server "no signer process"
nobody=$(id -u nobody)
nogroup=$(id -g nobody)
expect_eq "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$SERVER_PID"/status)" "$nobody $nobody $nobody $nobody" "(the HTTP process's uids)"
expect_eq "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' /proc/"$SERVER_PID"/status)" "$nogroup $nogroup $nogroup $nogroup" "(its gids)"
expect_eq "$(awk '/^Groups:/ { print $2 $3 }' /proc/"$SERVER_PID"/status)" "$nogroup" "(its groups)"
expect_eq "$(awk '/^CapEff:/ { print $2 }' /proc/"$SERVER_PID"/status)" 0000000000000000 "(its capabilities)"
expect_eq "$(stat -c %u /proc/"$SERVER_PID"/environ)" 0 "(not dumpable after the change of user)"
expect_eq "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/"$signer"/status)" "0 0 0 0" "(the signer's uids)"

api POST /v1/licenses/server "$SHOP" "{\"appliance\":\"$A\",\"edition\":\"vm\"}"
expect_status 201
serial=$(json 'd["licenses"][0]["serial"]')
api GET "/v1/licenses/$serial" "$SHOP"
expect_status 200
api GET "/v1/appliances/$A/license-file" "$SHOP"
expect_status 200
expect_eq "$(stat -c '%u %a' "$LEDGER")" "0 600" "(the ledger is root's, as it was)"
stop_server
pass
