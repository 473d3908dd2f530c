#!/usr/bin/env bash
# Instructions per fixture, ours against resvg, from one `check` run each under callgrind
# (deterministic, unlike wall-clock on a shared machine): ours is the scene build plus the
# rows (`Scene::build` + `Renderer::render_here`), resvg is `resvg::render`; parse excluded
# for both. Prints a Markdown table and the geometric mean and median of resvg/ours.
#
#   bash bench/fixture_icount.sh [SIZE] [FIXTURE.svg ...]
#
# Needs valgrind and a release build (`cargo build --release -p arena-render-demo`; the
# release profile keeps debug info, which callgrind_annotate needs for the names).
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
shift || true
bin=target/release/arena-render-demo
[ -x "$bin" ] || { echo "build first: cargo build --release -p arena-render-demo" >&2; exit 2; }
fixtures=("$@")
[ ${#fixtures[@]} -gt 0 ] || fixtures=(arena-render-demo/fixtures/*.svg)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| fixture | ours | resvg | resvg/ours |"
echo "|---|---:|---:|---:|"
ratios=()
for f in "${fixtures[@]}"; do
  name=$(basename "$f" .svg)
  valgrind --tool=callgrind --callgrind-out-file="$out/$name.cg" "$bin" check "$f" \
    --size "$size" --threads 1 --font-dir arena-render-demo/tests/fonts >/dev/null 2>&1
  counts=$(callgrind_annotate --inclusive=yes "$out/$name.cg" 2>/dev/null | tr -d ',' |
    awk '/Scene::build[^a-z_]/ && !b {b=$1} /Renderer::render_here/ && !r {r=$1}
         /resvg::render[^_a-z]/ && !v {v=$1} END {print b+0, r+0, v+0}')
  read -r build rows resvg <<<"$counts"
  ours=$((build + rows))
  if [ "$ours" -eq 0 ] || [ "$resvg" -eq 0 ]; then
    echo "| $name | ? | ? | (not found in the profile) |"
    continue
  fi
  ratio=$(awk -v a="$resvg" -v b="$ours" 'BEGIN {printf "%.2f", a / b}')
  ratios+=("$ratio")
  awk -v n="$name" -v o="$ours" -v v="$resvg" -v r="$ratio" \
    'BEGIN {printf "| %s | %.1f M | %.1f M | %s |\n", n, o / 1e6, v / 1e6, r}'
done
printf '%s\n' "${ratios[@]}" | sort -g | awk '{x[NR]=$1; s+=log($1)}
  END {m = NR % 2 ? x[(NR+1)/2] : (x[NR/2] + x[NR/2+1]) / 2;
       printf "\n%d fixtures: resvg/ours geometric mean %.2f, median %.2f\n", NR, exp(s/NR), m}'
