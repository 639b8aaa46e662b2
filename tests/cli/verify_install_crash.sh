#!/usr/bin/env bash
# ctest: needs=verify,mint seconds=60
# An install killed at any moment leaves a folder that boots: seatkey-verify install is killed
# with SIGKILL (SEATKEY_INSTALL_KILLS times, default 100): half of them at random moments of its
# run, half as soon as a temporary file appears, while it writes the previous copy or the new file
# (under an emulator, starting the program takes most of a run: random kills alone rarely land
# there). After every kill license.lic is the old
# file or the new one, byte for byte, no other file the boot check reads has appeared, the boot
# check gives the old entitlement or the new one, and the next install completes and leaves no
# temporary file.
. "$SOURCE_DIR/tests/cli/lib.sh"
. "$SOURCE_DIR/tests/cli/mint_lib.sh"

KILLS=${SEATKEY_INSTALL_KILLS:-100}
# Two files of 512 KiB (comments after the licenses), so that writing them takes a while.
padding() { head -c 524288 /dev/zero | tr '\0' '#' | fold -w 64; }
{
  mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)"
  padding
} >eight.lic
{
  mint "$(server_payload 1001 compact)" "$(pack_payload 1002 5)" "$(pack_payload 1003 5)"
  padding
} >thirteen.lic
mkdir lic
run "$VERIFY" install eight.lic --licenses lic --appliance "$APPLIANCE" --now "$NOW"
expect_rc 0 "the first install"

python3 - "$VERIFY" "$APPLIANCE" "$NOW" "$KILLS" <<'PY' || fail "a killed install left a folder that does not boot the old or the new licenses (above)"
import json, os, random, signal, statistics, subprocess, sys, time

verify, appliance, now, kills = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
files = {"eight.lic": open("eight.lic", "rb").read(), "thirteen.lic": open("thirteen.lic", "rb").read()}
users = {"eight.lic": 8, "thirteen.lic": 13}

def install(name):
    return [verify, "install", name, "--licenses", "lic", "--appliance", appliance, "--now", now, "--force"]

def installed():
    data = open("lic/license.lic", "rb").read()
    for name, content in files.items():
        if data == content:
            return name
    sys.exit(f"license.lic is neither file whole ({len(data)} bytes)")

def visible():
    return sorted(n for n in os.listdir("lic") if not n.startswith("."))

def boot():
    p = subprocess.run([verify, "--appliance", appliance, "--licenses", "lic", "--now", now, "--json"],
                       capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        sys.exit(f"the boot check: exit {p.returncode}, stderr {p.stderr!r}")
    return json.loads(p.stdout)["licensed_users"]

# How long an undisturbed install takes here: the kills land in 0..1.3 times that.
spans = []
for i in range(6):
    t = time.monotonic()
    subprocess.run(install(["thirteen.lic", "eight.lic"][i % 2]), stdout=subprocess.DEVNULL, check=True)
    spans.append(time.monotonic() - t)
span = statistics.median(spans)
print(f"an undisturbed install takes {span * 1000:.1f} ms; kills land in 0..{span * 1300:.1f} ms")

mid_write = finished = 0
for k in range(kills):
    old = installed()
    new = "thirteen.lic" if old == "eight.lic" else "eight.lic"
    p = subprocess.Popen(install(new), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if k % 2:
        deadline = time.monotonic() + span * 3
        while p.poll() is None and time.monotonic() < deadline and not any(
                n.endswith(".tmp") for n in os.listdir("lic")):
            pass
    else:
        time.sleep(random.uniform(0, span * 1.3))
    p.send_signal(signal.SIGKILL)
    finished += p.wait() == 0
    hidden = [n for n in os.listdir("lic") if n.endswith(".tmp")]
    mid_write += bool(hidden)
    now_installed = installed()
    if now_installed not in (old, new):
        sys.exit(f"kill {k}: license.lic is {now_installed}")
    if visible() != ["license.lic"]:
        sys.exit(f"kill {k}: the boot check reads {visible()}")
    if boot() != users[now_installed]:
        sys.exit(f"kill {k}: the boot check does not give the entitlement of {now_installed}")
    # The next install completes, and removes what the kill left.
    subprocess.run(install(old), stdout=subprocess.DEVNULL, check=True)
    if installed() != old or any(n.endswith(".tmp") for n in os.listdir("lic")):
        sys.exit(f"kill {k}: the next install did not complete cleanly: {os.listdir('lic')}")
print(f"{kills} kills: {mid_write} left a temporary file (killed while writing), "
      f"{finished} after the install had finished, the others before it wrote")
if mid_write == 0:
    sys.exit("no kill landed while a file was being written: the test proved nothing")
PY
TESTS_RUN=$((TESTS_RUN + KILLS * 3))

pass
