"""Searches a live process's memory for byte strings (tests/server/server_privsep.sh).

  memory_search.py PID HEXBYTES...   prints the number of mappings read, then, for each
                                     string, how many times it occurs in the process's memory;
                                     PID "self": this process, which holds the strings (the
                                     search's own check)

Only pages the process has (present or swapped, /proc/PID/pagemap) are read from
/proc/PID/mem: a sanitizer's allocator reserves terabytes that no page backs.
"""
import re
import struct
import sys

PAGE = 4096
pid = sys.argv[1] if sys.argv[1] == "self" else int(sys.argv[1])
needles = [bytes.fromhex(h) for h in sys.argv[2:]]
found = [0] * len(needles)
regions = 0


def runs(pagemap, start, end):
    """The (start, end) runs of pages in [start, end) that are present or swapped."""
    run_start = None
    pos = start
    while pos < end:
        count = min((end - pos) // PAGE, 1 << 16)
        pagemap.seek(pos // PAGE * 8)
        entries = pagemap.read(count * 8)
        if len(entries) < count * 8:
            break
        for i, (e,) in enumerate(struct.iter_unpack("<Q", entries)):
            page = pos + i * PAGE
            if e >> 62:  # bit 63 present, bit 62 swapped
                if run_start is None:
                    run_start = page
            elif run_start is not None:
                yield run_start, page
                run_start = None
        pos += count * PAGE
    if run_start is not None:
        yield run_start, pos


with open("/proc/%s/maps" % pid) as maps, open("/proc/%s/mem" % pid, "rb", 0) as mem, \
        open("/proc/%s/pagemap" % pid, "rb", 0) as pagemap:
    for line in maps:
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) ", line)
        start, end = int(m.group(1), 16), int(m.group(2), 16)
        if "[vvar]" in line or "[vsyscall]" in line:
            continue
        read_any = False
        for a, b in runs(pagemap, start, end):
            try:
                mem.seek(a)
                data = mem.read(b - a)
            except (OSError, ValueError, OverflowError):
                continue
            read_any = True
            for i, n in enumerate(needles):
                found[i] += data.count(n)
        regions += read_any
print(regions, *found)
