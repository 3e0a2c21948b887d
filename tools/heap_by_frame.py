#!/usr/bin/env python3
"""Groups a heaptrack peak profile by the innermost tern frame.

usage: heaptrack_print -f FILE.zst --flamegraph-cost-type peak -F STACKS.txt
       python3 tools/heap_by_frame.py STACKS.txt [TOP]

Each line of STACKS.txt is "frame;frame;...;frame COST" (outermost first).
The cost of a stack goes to its innermost frame in one of the project's source
files ("Name (file.cc)"), prefixed "rocksdb <-" when one of the last six frames
is RocksDB's, so the store's blocks and memtables show apart from the
structures of the analysis or report that caused them (docs/BENCHMARKS.md,
Changes 12 and 13). Inlined frames name no namespace (a rule's OnEvent inlined
into a scan's callback is "OnEvent (rules_network.cc)"), so the frame is found
by its file; the innermost tern:: frame is the fallback (Change 16).
"""
import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FRAME_FILE = re.compile(r"\(([\w.+-]+)\)\s*$")


def project_files():
    """Base names of the project's C++ sources and headers."""
    names = set()
    for top in ("core", "parsers", "reports", "tools", "tests"):
        for _, _, files in os.walk(os.path.join(ROOT, top)):
            names.update(f for f in files if f.endswith((".cc", ".h")))
    return names


def owner(frames, ours):
    """The innermost frame in a project file, else in tern::, else none."""
    for frame in reversed(frames):
        match = FRAME_FILE.search(frame)
        if match and match.group(1) in ours:
            return frame[:150]
    return next((f[:150] for f in reversed(frames) if "tern::" in f), "(no tern frame)")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    ours = project_files()
    by_frame = collections.Counter()
    total = 0
    with open(sys.argv[1], encoding="utf-8", errors="replace") as stacks:
        for line in stacks:
            stack, _, cost = line.rstrip("\n").rpartition(" ")
            if not cost.isdigit():
                continue
            total += int(cost)
            frames = stack.split(";")
            key = owner(frames, ours)
            if any("rocksdb::" in f for f in frames[-6:]):
                key = "rocksdb <- " + key
            by_frame[key] += int(cost)
    print(f"total peak {total / 1e6:.1f} MB")
    for key, cost in by_frame.most_common(top):
        print(f"{cost / 1e6:8.1f} MB  {key}")


if __name__ == "__main__":
    main()
