# Helpers sourced by .ci/run and .ci/safety, so both print their steps the same way.
#
# `step NAME CMD...` prints the step's name and command, runs it, and prints its duration;
# a failing command stops the sourcing script (it runs under `set -e`). With
# `ci_show_total=1`, the duration line also gives the time since the script started, which
# .ci/run uses to show where the CI budget goes.
# `skip NAME REASON` says loudly that a step did not run and why: nothing is skipped silently.

ci_started=$(date +%s)
ci_show_total=${ci_show_total:-0}

step() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo
  echo "=== ${name}"
  echo "+ $*"
  "$@"
  if [ "$ci_show_total" = 1 ]; then
    echo "=== ${name}: ok in $(($(date +%s) - t0)) s (total $(($(date +%s) - ci_started)) s)"
  else
    echo "=== ${name}: ok in $(($(date +%s) - t0)) s"
  fi
}

skip() {
  echo
  echo "=== SKIPPED: $1"
  echo "    reason: $2"
}
