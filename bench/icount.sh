#!/usr/bin/env bash
# Instructions per object and per `line()` for every allocator variant of the per-line
# workloads of the internal crate bench-workloads, counted by callgrind: the deterministic
# companion of `cargo bench -p arena-core --bench alloc`.
#
# Usage: bench/icount.sh [--no-build]
#   Environment (all optional): VARIANTS="minimal scan ..." WORKLOADS="s16 s48 slice mixed"
#   KS="64 1024" OBJECTS=65536 (objects counted per run) LINE_RUNS=10000 (lines for `line`)
#   COLLECT="collect fmt" (the collection workloads; empty skips them) COLLECT_KS="64 1024"
#   ICOUNT_BIN=path (a prebuilt icount example; implies --no-build)
#
# How: arena-core/examples/icount.rs runs one variant's per-line loop inside
# `icount_measured`, a never-inlined function; callgrind counts only while that function
# runs (`--toggle-collect`), callees (malloc, memcpy) included. A `noop` run of the same loop
# gives the harness cost per line, which is subtracted. One line before the counted loop
# warms the allocator up, so first-touch set-up is not counted.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
variants=${VARIANTS:-"minimal scan static bumpalo bump-scope blink typed-arena box vec"}
workloads=${WORKLOADS:-"s16 s48 slice mixed"}
ks=${KS:-"64 1024"}
objects=${OBJECTS:-65536}
line_runs=${LINE_RUNS:-10000}
collect_workloads=${COLLECT-"collect fmt"}
collect_ks=${COLLECT_KS:-"64 1024"}

command -v valgrind >/dev/null || { echo "icount.sh: valgrind is not installed" >&2; exit 1; }

if [[ -n ${ICOUNT_BIN:-} ]]; then
    bin=$ICOUNT_BIN
else
    target=${CARGO_TARGET_DIR:-$root/target}
    bin=$target/release/examples/icount
    if [[ ${1:-} != --no-build ]]; then
        (cd "$root" && cargo build --quiet --release -p arena-core --example icount)
    fi
fi
[[ -x $bin ]] || { echo "icount.sh: $bin not found; build it or drop --no-build" >&2; exit 1; }

# Instructions executed inside icount_measured for: variant workload K lines.
count() {
    local out
    out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --toggle-collect='*icount_measured*' "$bin" "$@" 2>&1 >/dev/null) || {
        echo "icount.sh: run failed: $*" >&2
        echo "$out" >&2
        exit 1
    }
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p' <<<"$out"
}

# Harness instructions per line: the loop with a line that does nothing.
noop_lines=100000
noop_total=$(count noop line 1 "$noop_lines")

# Prints "<variant> <net instructions per unit>" lines for one table row set.
# $1 workload, $2 K, $3 lines, $4 units per run (objects or lines)
measure() {
    local v total
    for v in $variants; do
        total=$(count "$v" "$1" "$2" "$3")
        awk -v t="$total" -v n="$noop_total" -v nl="$noop_lines" -v l="$3" -v u="$4" \
            -v v="$v" 'BEGIN { printf "%s %.3f\n", v, (t - n * l / nl) / u }'
    done
}

# Prints a table: one row per variant, the figure and its ratio to the first variant.
table() {
    awk -v title="$1" '
        NR == 1 { base = $2 }
        { name[NR] = $1; value[NR] = $2 }
        END {
            printf "\n%s\n", title
            printf "| %-14s | %12s | %8s |\n", "variant", "instr", "ratio"
            printf "|%s|%s|%s|\n", "----------------", "-------------:", "---------:"
            for (i = 1; i <= NR; i++) {
                ratio = base > 0 ? sprintf("%.3f", value[i] / base) : "-"
                printf "| %-14s | %12.2f | %8s |\n", name[i], value[i], ratio
            }
        }'
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT

echo "icount: $bin"
echo "harness: $(awk -v n="$noop_total" -v l="$noop_lines" 'BEGIN { printf "%.2f", n / l }') \
instructions per line (subtracted below); ratios are to the first variant"

for w in $workloads; do
    for k in $ks; do
        lines=$(( (objects + k - 1) / k ))
        measure "$w" "$k" "$lines" $(( lines * k )) | sed "s/^/$w\/$k /" >>"$results"
        grep "^$w/$k " "$results" | cut -d' ' -f2- \
            | table "### $w, K = $k: instructions per object ($lines lines of $k)"
    done
done
measure line 0 "$line_runs" "$line_runs" | sed "s/^/line /" >>"$results"
grep "^line " "$results" | cut -d' ' -f2- \
    | table "### line() alone: instructions per line (begin and end, nothing allocated)"

# Summary: one row per variant, one column per workload, ratio to the first variant.
awk '
    { key = $1; v = $2; val[key, v] = $3
      if (!(key in seen)) { seen[key] = 1; cols[++nc] = key }
      if (!(v in vseen)) { vseen[v] = 1; rows[++nr] = v } }
    END {
        printf "\n### Summary: instructions per object, ratio to %s", rows[1]
        printf " (line: instructions per line)\n| %-12s |", "variant"
        for (c = 1; c <= nc; c++) printf " %10s |", cols[c]
        printf "\n|--------------|"
        for (c = 1; c <= nc; c++) printf "-----------:|"
        printf "\n"
        for (r = 1; r <= nr; r++) {
            printf "| %-12s |", rows[r]
            for (c = 1; c <= nc; c++) {
                base = val[cols[c], rows[1]]
                if (cols[c] == "line") cell = sprintf("%.0f", val[cols[c], rows[r]])
                else if (base > 0) cell = sprintf("%.2f", val[cols[c], rows[r]] / base)
                else cell = "-"
                printf " %10s |", cell
            }
            printf "\n"
        }
    }' "$results"

# The collection workloads have their own variants, the hand-written loop first.
for w in $collect_workloads; do
    case $w in
        collect)
            variants="hand scan-iter scan-vec bumpalo bumpalo-vec bump-scope bump-scope-vec"
            for k in $collect_ks; do
                lines=$(( (objects + k - 1) / k ))
                measure collect "$k" "$lines" $(( lines * k )) | table \
                    "### collect, K = $k: instructions per input value (a filter_map keeping \
about half; $lines lines of $k)"
            done
            ;;
        fmt)
            variants="hand scan bumpalo bump-scope"
            measure fmt 0 "$line_runs" "$line_runs" \
                | table "### fmt: instructions per formatted label (one per line)"
            ;;
        *) echo "icount.sh: unknown collection workload $w" >&2; exit 2 ;;
    esac
done
