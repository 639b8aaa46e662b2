#!/usr/bin/env bash
# ctest-name: keygen cli: ledger files: 0600 whatever the umask; never written when group or others may write
# ctest: needs=keygen,mint seconds=40
# The ledger holds every customer, order and token: it, its -wal and its -shm are mode 0600
# whatever the umask. A ledger that group or others may write is never written (exit 2,
# saying to chmod 600); one they may read is read, and written, with a warning.
. "$SOURCE_DIR/tests/cli/keygen_helpers.sh"
dev_key
# A passphrase-protected key with the default (slow) Argon2id cost: issue opens the ledger, then
# spends about a second unwrapping the key, with the -wal and -shm files open.
printf 'ledger files passphrase\n' >pw.txt && chmod 600 pw.txt
run "$KEYGEN" key new --out slow.key --passphrase-file pw.txt
expect_rc 0

# modes DB: the modes of DB, DB-wal and DB-shm ("-" for a file that does not exist).
modes() { for f in "$1" "$1-wal" "$1-shm"; do if [ -e "$f" ]; then stat -c %a "$f"; else echo -; fi; done | tr '\n' ' '; }

for mask in 000 022 002; do
  db="ledger-$mask.db"
  (umask "$mask" && "$KEYGEN" ledger init --ledger "$db" --key slow.key --passphrase-file pw.txt </dev/null) 2>err ||
    fail "ledger init under umask $mask"
  expect_eq "$(modes "$db")" "600 - - " "(the files after ledger init under umask $mask)"
  # Watch the files while an issue under the same umask holds them open.
  (umask "$mask" && exec "$KEYGEN" issue server --ledger "$db" --key slow.key --passphrase-file pw.txt \
    --appliance "$A" --edition vm </dev/null >out 2>err) &
  pid=$!
  for ((i = 0; i < 3000; i++)); do
    [ -e "$db-wal" ] && [ -e "$db-shm" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
  done
  kill -STOP "$pid" 2>/dev/null
  seen=$(modes "$db")
  kill -CONT "$pid" 2>/dev/null
  wait "$pid" || fail "issue under umask $mask: exit $?"
  expect_eq "$seen" "600 600 600 " "(the ledger, -wal and -shm while issue ran under umask $mask)"
done

# --- Group or others may write it: never written, whatever the command; chmod 600 fixes it.
cp dev.key nobody-else.key
init_ledger
issued 1 issue server --appliance "$A" --edition compact
before=$(ledger_dump)
printf '[{"type":"users","appliance":"%s","users":5}]' "$A" >orders.json
for mode in 664 646 666 620 602 777; do
  chmod "$mode" "$LEDGER"
  for cmd in "issue users --appliance $A --users 5" "issue batch --orders orders.json" "ledger add-key --key dev.key"; do
    # shellcheck disable=SC2086
    keygen $cmd
    expect_rc 2 "$cmd into a ledger of mode $mode"
    expect_err "seatkey-keygen: error: group or others may write the ledger: ledger.db (mode 0$mode); a ledger is written only while its owner alone may write it"
    expect_hint "chmod 600 ledger.db"
    expect_no_out
    [ "$(ledger_dump)" = "$before" ] || fail "$cmd wrote a ledger of mode $mode"
  done
  # Reading still works, with the warning. (SQLite gives the -wal and -shm it makes for the
  # reader the ledger's mode: they are named from then on.)
  keygen ledger list
  expect_rc 0 "ledger list of a ledger of mode $mode"
  expect_err "seatkey-keygen: warning: group or others may write the ledger: ledger.db (mode 0$mode)"
  keygen issue users --appliance "$A" --users 5
  expect_err "group or others may write the ledger: ledger.db (mode 0$mode), ledger.db-wal (mode 0$mode), ledger.db-shm (mode 0$mode); a ledger is written only while its owner alone may write it"
  expect_hint "chmod 600 ledger.db ledger.db-wal ledger.db-shm"
  chmod 600 "$LEDGER" "$LEDGER-wal" "$LEDGER-shm"
done
# A -wal or -shm left open to group or others counts as much as the ledger.
chmod 600 "$LEDGER"
: >"$LEDGER-shm" && chmod 666 "$LEDGER-shm"
keygen issue users --appliance "$A" --users 5
expect_rc 2 "issue with a -shm of mode 666"
expect_err "group or others may write the ledger: ledger.db-shm (mode 0666); a ledger is written only while its owner alone may write it"
expect_hint "chmod 600 ledger.db-shm"
rm -f "$LEDGER-shm"

# --- Group or others may read it: read and written, with a warning each time.
chmod 644 "$LEDGER"
for cmd in "ledger list" "export --appliance $A" "issue users --appliance $A --users 5"; do
  # shellcheck disable=SC2086
  keygen $cmd
  expect_rc 0 "$cmd with a ledger of mode 644"
  expect_err "seatkey-keygen: warning: group or others may read the ledger, which holds every customer, order and token: ledger.db (mode 0644)"
  expect_err "run: chmod 600 ledger.db"
done
chmod 600 "$LEDGER"
keygen ledger list
expect_rc 0
expect_err_lacks "warning"

pass
