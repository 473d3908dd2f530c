#!/usr/bin/env python3
"""Ratio tables from the criterion results of `cargo bench -p arena-core --bench alloc`.

Reads target/criterion/<workload>_k<K>/<variant>/new/estimates.json (and line/<variant>)
and prints, per workload, nanoseconds per object (median) and the ratio to the minimal bump
measured in the same run. Wall-clock on a shared machine moves by up to 2x between runs; the
ratios within one run are the figure to read, and bench/icount.sh is the deterministic one.

Usage: bench/criterion_ratios.py [criterion-dir]   (default: target/criterion)
"""

import json
import sys
from pathlib import Path

VARIANTS = ["minimal", "scan", "static", "bumpalo", "bump-scope", "blink", "typed-arena",
            "box", "vec"]
WORKLOADS = ["s16", "s48", "slice", "mixed"]
KS = [64, 1024]


def median_ns(directory: Path):
    """The median time per iteration in ns, or None if the benchmark has not run."""
    path = directory / "new" / "estimates.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def table(title, unit, rows):
    base = rows[0][1] if rows and rows[0][1] else None
    print(f"\n{title}")
    print(f"| {'variant':<12} | {unit:>12} | {'ratio':>8} |")
    print(f"|{'-' * 14}|{'-' * 13}:|{'-' * 9}:|")
    for name, value in rows:
        if value is None:
            print(f"| {name:<12} | {'-':>12} | {'-':>8} |")
            continue
        ratio = f"{value / base:.2f}" if base else "-"
        print(f"| {name:<12} | {value:>12.2f} | {ratio:>8} |")


def main():
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")
    if not root.is_dir():
        sys.exit(f"criterion_ratios.py: {root} not found; run "
                 "`cargo bench -p arena-core --bench alloc` first")
    found = False
    summary = {}
    for workload in WORKLOADS:
        for k in KS:
            group = root / f"{workload}_k{k}"
            if not group.is_dir():
                continue
            found = True
            rows = []
            for v in VARIANTS:
                ns = median_ns(group / v)
                rows.append((v, None if ns is None else ns / k))
            summary[f"{workload}/{k}"] = dict(rows)
            table(f"### {workload}, K = {k}: ns per object (median), ratio to minimal",
                  "ns/object", rows)
    group = root / "line"
    if group.is_dir():
        found = True
        table("### line() alone: ns per line (median), ratio to minimal", "ns/line",
              [(v, median_ns(group / v)) for v in VARIANTS])
    if not found:
        sys.exit(f"criterion_ratios.py: no results of the alloc bench under {root}")
    if summary:
        cols = list(summary)
        print("\n### Summary: time per object, ratio to minimal (same run)")
        print("| variant      |" + "".join(f" {c:>10} |" for c in cols))
        print("|--------------|" + "-----------:|" * len(cols))
        for v in VARIANTS:
            cells = []
            for c in cols:
                base, value = summary[c].get("minimal"), summary[c].get(v)
                cells.append(f"{value / base:.2f}" if base and value is not None else "-")
            print(f"| {v:<12} |" + "".join(f" {x:>10} |" for x in cells))


if __name__ == "__main__":
    main()
