#!/usr/bin/env python3
"""Groups a heaptrack peak profile by the innermost tern frame.

usage: heaptrack_print -f FILE.zst --flamegraph-cost-type peak -F STACKS.txt
       python3 tools/heap_by_frame.py STACKS.txt [TOP]

Each line of STACKS.txt is "frame;frame;...;frame COST" (outermost first).
The cost of a stack goes to its innermost frame in the tern:: namespace,
prefixed "rocksdb <-" when one of the last six frames is RocksDB's, so the
store's blocks and memtables show apart from the structures of the analysis
or report that caused them (docs/BENCHMARKS.md, Changes 12 and 13).
"""
import collections
import sys


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    by_frame = collections.Counter()
    total = 0
    with open(sys.argv[1], encoding="utf-8", errors="replace") as stacks:
        for line in stacks:
            stack, _, cost = line.rstrip("\n").rpartition(" ")
            if not cost.isdigit():
                continue
            total += int(cost)
            frames = stack.split(";")
            key = next((f[:150] for f in reversed(frames) if "tern::" in f), "(no tern frame)")
            if any("rocksdb::" in f for f in frames[-6:]):
                key = "rocksdb <- " + key
            by_frame[key] += int(cost)
    print(f"total peak {total / 1e6:.1f} MB")
    for key, cost in by_frame.most_common(top):
        print(f"{cost / 1e6:8.1f} MB  {key}")


if __name__ == "__main__":
    main()
