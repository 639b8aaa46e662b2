#!/usr/bin/env bash
# ctest: needs=verify,mint seconds=60
# The state file survives a boot check killed at any moment: seatkey-verify --state is killed
# with SIGKILL (SEATKEY_STATE_KILLS times, default 200): half of them at random moments of its
# run, half as soon as its temporary file appears, while it writes the state file (under an
# emulator, starting the program takes most of a run: random kills alone rarely land there). After every kill the state file is the old one or the
# new one, whole: it parses, the next boot check reads it without a warning and removes the
# temporary file a kill left, and the high-water mark never goes back.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

KILLS=${SEATKEY_STATE_KILLS:-200}
mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" >acme.lic
run "$VERIFY" --appliance "$APPLIANCE" --licenses acme.lic --now "$NOW" --state state.json
expect_rc 0 "the first boot"

python3 - "$VERIFY" "$APPLIANCE" "$KILLS" <<'PY' || fail "a killed boot check left a state file that is not whole (above)"
import datetime, json, os, random, signal, statistics, subprocess, sys, time

verify, appliance, kills = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = datetime.datetime(2026, 11, 28, 10, tzinfo=datetime.timezone.utc)

def at(i):  # every boot an hour later than the one before: every boot rewrites the file
    return (start + datetime.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ")

def command(i):
    return [verify, "--appliance", appliance, "--licenses", "acme.lic", "--state", "state.json", "--now", at(i)]

def high_water():
    with open("state.json") as f:
        state = json.load(f)  # a torn file fails here
    assert state["seatkey_state"] == 1 and state["good_licensed_users"] == 8, state
    return state["high_water"]

# How long an undisturbed boot check takes here: the kills land in 0..1.3 times that.
spans = []
for i in range(1, 11):
    t = time.monotonic()
    subprocess.run(command(i), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    spans.append(time.monotonic() - t)
span = statistics.median(spans)
print(f"an undisturbed boot check takes {span * 1000:.1f} ms; kills land in 0..{span * 1300:.1f} ms")

step = 100
mid_write = finished = 0
for k in range(kills):
    before = high_water()
    step += 2
    p = subprocess.Popen(command(step - 1), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if k % 2:
        deadline = time.monotonic() + span * 3
        while p.poll() is None and not os.path.exists("state.json.tmp") and time.monotonic() < deadline:
            pass
    else:
        time.sleep(random.uniform(0, span * 1.3))
    p.send_signal(signal.SIGKILL)
    rc = p.wait()
    finished += rc == 0
    if os.path.exists("state.json.tmp"):
        mid_write += 1
    after = high_water()
    if after not in (before, at(step - 1)):
        sys.exit(f"kill {k}: high-water mark {after}, neither the old {before} nor the new {at(step - 1)}")
    # The next boot check reads it without a warning, and leaves no temporary file.
    check = subprocess.run(command(step), capture_output=True, text=True)
    if check.returncode != 0 or check.stderr:
        sys.exit(f"kill {k}: the next boot check: exit {check.returncode}, stderr {check.stderr!r}")
    if os.path.exists("state.json.tmp"):
        sys.exit(f"kill {k}: the next boot check left the temporary file")
    if high_water() != at(step):
        sys.exit(f"kill {k}: the next boot check did not save its high-water mark")
print(f"{kills} kills: {mid_write} between the temporary file's creation and the rename, "
      f"{finished} after the process had finished, the others before it wrote")
if mid_write == 0:
    sys.exit("no kill landed while the state file was being written: the test proved nothing")
PY
TESTS_RUN=$((TESTS_RUN + KILLS * 2))

pass
