#!/usr/bin/env python3
"""Print the figures of the last `cargo bench` run from target/criterion/: criterion's estimate
(the slope of time over iterations, as `cargo bench` prints it) and the fastest of its 100
samples, per iteration. On a shared machine the fastest sample shows the cost when the benchmark
had a core to itself; the estimate includes time lost to other processes."""
import glob
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "target/criterion"
rows = []
for sample_path in sorted(glob.glob(os.path.join(root, "**", "new", "sample.json"), recursive=True)):
    bench = json.load(open(os.path.join(os.path.dirname(sample_path), "benchmark.json")))
    sample = json.load(open(sample_path))
    est = json.load(open(os.path.join(os.path.dirname(sample_path), "estimates.json")))
    point = (est.get("slope") or est["mean"])["point_estimate"]
    fastest = min(t / i for t, i in zip(sample["times"], sample["iters"]))
    rows.append((bench["full_id"], point, fastest))

def ns(x):
    return f"{x / 1000:.2f} µs" if x >= 1000 else f"{x:.1f} ns"

print("| benchmark | criterion estimate | fastest sample |")
print("|---|---|---|")
for name, point, fastest in rows:
    print(f"| {name} | {ns(point)} | {ns(fastest)} |")
