# Helpers for the seatkey-keygen CLI tests (sourced after lib.sh by tests/cli/keygen_*.sh).
# Expects KEYGEN and SOURCE_DIR in the environment.
. "$SOURCE_DIR/tests/cli/lib.sh"

unset SEATKEY_KEY SEATKEY_LEDGER SEATKEY_PASSPHRASE SEATKEY_ISSUER

A=00:1a:2b:3c:4d:5e   # canonical 001A2B3C4D5E
LEDGER=ledger.db

# dev.key (k4.secret, mode 0600) and dev.public from keys/.
dev_key() {
  cp "$SOURCE_DIR/keys/development.secret" dev.key && chmod 600 dev.key
  cp "$SOURCE_DIR/keys/development.public" dev.public
}

# init_ledger [DB]: a new ledger (default $LEDGER) whose signing key is dev.key.
init_ledger() {
  "$KEYGEN" ledger init --ledger "${1:-$LEDGER}" --key dev.key --allow-development-key >/dev/null 2>&1 </dev/null ||
    fail "ledger init --ledger ${1:-$LEDGER} --key dev.key --allow-development-key"
}

# keygen ARGS...: runs seatkey-keygen with the development key and ledger as defaults.
keygen() { run env SEATKEY_KEY=dev.key SEATKEY_LEDGER="$LEDGER" "$KEYGEN" "$@" </dev/null; }

# The ledger as SQL text ("absent" when there is no file).
ledger_dump() { if [ -e "$LEDGER" ]; then sqlite3 "$LEDGER" .dump; else echo absent; fi; }
# ledger_sql SQL: the rows of a query on the ledger (pg_lib.sh makes it work on PostgreSQL too).
ledger_sql() { sqlite3 "$LEDGER" "$1"; }
rows() { if [ -s "$LEDGER" ]; then sqlite3 "$LEDGER" 'SELECT COUNT(*) FROM licenses'; else echo 0; fi; }

# expect_hint COMMAND: the last run's stderr ends in its message, then COMMAND on a line of its
# own (indented): the command line the refusal names for seatkey-keygen only, never in the message.
expect_hint() {
  local message
  message=$(grep -E '^seatkey-keygen: (refused|error): ' err | tail -1)
  expect_eq "$(tail -2 err)" "$message"$'\n'"  $1" "(the message, then the command: $(cat err))"
  case "$message" in
    *"seatkey-keygen "* | *" --"*) fail "the message itself names a command or option: $message" ;;
  esac
}

# refused MESSAGE ARGS...: seatkey-keygen ARGS exits 1, says MESSAGE on stderr, prints no
# token, and leaves the ledger exactly as it was.
refused() {
  local message=$1 before
  shift
  before=$(ledger_dump)
  keygen "$@"
  expect_rc 1 "keygen $*"
  expect_err "seatkey-keygen: refused: "
  expect_err "$message"
  expect_no_out
  [ "$(ledger_dump)" = "$before" ] || fail "ledger changed by refused: keygen $*"
}

# input_error MESSAGE ARGS...: the same for usage and input errors (exit 2).
input_error() {
  local message=$1 before
  shift
  before=$(ledger_dump)
  keygen "$@"
  expect_rc 2 "keygen $*"
  expect_err "$message"
  expect_no_out
  [ "$(ledger_dump)" = "$before" ] || fail "ledger changed by failed: keygen $*"
}

# issued N ARGS...: seatkey-keygen ARGS exits 0 and prints N tokens that are now in the ledger.
issued() {
  local n=$1 before token
  shift
  before=$(rows)
  keygen "$@"
  expect_rc 0 "keygen $*"
  [ "$(grep -c '^v4\.public\.' out)" -eq "$n" ] || fail "expected $n tokens from: keygen $*"
  [ "$(wc -l <out)" -eq "$n" ] || fail "stdout holds more than the tokens"
  [ "$(rows)" -eq $((before + n)) ] || fail "ledger did not grow by $n"
  while read -r token; do
    [ "$(ledger_sql "SELECT COUNT(*) FROM licenses WHERE token = '$token'")" -eq 1 ] ||
      fail "printed token not in the ledger"
  done <out
}

# run_workers N: `worker 0` ... `worker N-1` (a function of the script) at once, waited for;
# a worker writes each failed command to failed.W (and its messages to errors.W): any fails.
run_workers() {
  local n=$1 w pid pids=()
  for ((w = 0; w < n; w++)); do
    worker "$w" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  for ((w = 0; w < n; w++)); do
    [ ! -e "failed.$w" ] || { cat "failed.$w" "errors.$w" >&2; fail "worker $w had failed runs"; }
  done
}

# printed_packs_match_ledger N: the workers' tokens.* hold N distinct tokens (into packs.txt),
# exactly the ledger's N user packs, with N distinct serials 2..N+1 after server license 1.
printed_packs_match_ledger() {
  local n=$1
  cat tokens.* >packs.txt
  expect_eq "$(wc -l <packs.txt)" "$n" "(tokens printed)"
  expect_eq "$(sort -u packs.txt | wc -l)" "$n" "(distinct tokens)"
  expect_eq "$(sqlite3 "$LEDGER" "SELECT COUNT(*), COUNT(DISTINCT serial), MIN(serial), MAX(serial) FROM licenses WHERE kind = 'users'")" \
    "$n|$n|2|$((n + 1))"
  sqlite3 "$LEDGER" "SELECT token FROM licenses WHERE kind = 'users' ORDER BY token" >ledger-tokens.txt
  sort packs.txt | cmp -s - ledger-tokens.txt || fail "the printed tokens are not the ledger's"
}
