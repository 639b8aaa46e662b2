"""Searches a live process's memory for byte strings (tests/server/server_privsep.sh).

  memory_search.py PID HEXBYTES...   prints the number of mappings read, then, for each
                                     string, how many times it occurs in the process's readable
                                     mappings (/proc/PID/maps and mem); PID "self": this process,
                                     which holds the strings (the search's own check)
"""
import re
import sys

pid = sys.argv[1] if sys.argv[1] == "self" else int(sys.argv[1])
needles = [bytes.fromhex(h) for h in sys.argv[2:]]
found = [0] * len(needles)
regions = 0
with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+)", line)
        start, end, perms = int(m.group(1), 16), int(m.group(2), 16), m.group(3)
        if "[vvar]" in line or "[vsyscall]" in line:
            continue
        try:
            mem.seek(start)
            data = mem.read(end - start)
        except (OSError, ValueError, OverflowError):
            continue
        regions += 1
        for i, n in enumerate(needles):
            found[i] += data.count(n)
print(regions, *found)
