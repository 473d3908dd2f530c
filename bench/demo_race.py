#!/usr/bin/env python3
"""Wall-clock race of two builds of arena-render-demo over the same inputs, interleaved.

Usage: bench/demo_race.py [--rounds N] [--seconds S] [--json OUT] BEFORE AFTER SET...

A SET is `builtin` (the built-in scene at its own size), `SIZE:PATH` (an SVG file or a
directory, fitted into SIZE x SIZE) or `PATH`, e.g. `builtin 1024:arena-render-demo/fixtures
256:/path/to/icons`. Each round runs `bench` of both binaries on every set, the
order of the two alternating from round to round, and records for every image the median
time of the renderer on 1 thread (`ours 1t`) and on 2 (`ours all`). The ratio AFTER / BEFORE
is taken per image and round, so both builds see the same moment's noise; the report gives,
per image and thread count, the median of those ratios, and their geometric mean over all
images. On 1 thread both builds run `Renderer::render_here`, so when the two differ only in
the parallel path, the 1-thread figures show how far noise alone moves the ratios.
"""
import argparse
import json
import math
import re
import statistics
import subprocess

LINE = re.compile(
    r"^(.*?): \d+x\d+, best \(median\) of \d+ rounds: .*?"
    r"ours 1t [\d.]+ ms \(([\d.]+) ms\); ours all [\d.]+ ms \(([\d.]+) ms\)"
)


def run_once(binary, seconds, args):
    """Median ms per image of one `bench` run: {(image, threads): ms}."""
    cmd = [binary, "bench", "--seconds", str(seconds), "--threads", "2", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    times = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m:
            name = m.group(1).rsplit("/", 1)[-1]
            times[(name, 1)] = float(m.group(2))
            times[(name, 2)] = float(m.group(3))
    if not times:
        raise SystemExit(f"demo_race: no timings in the output of {' '.join(cmd)}")
    return times


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--seconds", type=float, default=0.2)
    p.add_argument("--json", help="write the raw per-round ratios here")
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("sets", nargs="+")
    a = p.parse_args()
    sets = []
    for s in a.sets:
        size, colon, path = s.partition(":")
        sets.append([] if s == "builtin" else ["--size", size, path] if colon else [s])
    ratios = {}  # (image, threads) -> [after / before per round]
    for r in range(a.rounds):
        for args in sets:
            order = ["before", "after"] if r % 2 == 0 else ["after", "before"]
            got = {b: run_once(getattr(a, b), a.seconds, args) for b in order}
            for key, t in got["before"].items():
                if key in got["after"] and t > 0:
                    ratios.setdefault(key, []).append(got["after"][key] / t)
        print(f"round {r + 1} of {a.rounds} done", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({f"{k[0]}|{k[1]}": v for k, v in ratios.items()}, f)
    for threads in (1, 2):
        rows = sorted((k[0], v) for k, v in ratios.items() if k[1] == threads)
        meds = [statistics.median(v) for _, v in rows]
        print(f"\n{threads} thread(s): median of AFTER / BEFORE per image")
        for (name, v), med in zip(rows, meds):
            print(f"  {name:52s} {med:6.3f}  (rounds {len(v)})")
        geo = math.exp(sum(map(math.log, meds)) / len(meds))
        print(f"  geometric mean over {len(meds)} images: {geo:.3f}")


if __name__ == "__main__":
    main()
