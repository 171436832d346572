#!/usr/bin/env bash
# Every check `npm test` makes, side by side where they do not depend on each other, in four lanes:
# - the integration tests on PGlite, two files at a time (each file has a database of its own);
# - the integration tests on PostgreSQL, two files at a time;
# - the production build, then the end-to-end tests, which start the built app (so no test file waits for
#   a build) and mostly wait on a browser, so they fill the time the integration tests leave idle;
# - lint and the unit tests, then the type-check once the build is done: the build writes the route types
#   the TypeScript program includes (.next/types), which must not be read half-written.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
logs=$(mktemp -d "${TMPDIR:-/tmp}/backup-monitor-test-logs.XXXXXX")
trap 'rm -rf "$logs"' EXIT
step() { printf '\n==> %s (%ss)\n' "$*" "$((SECONDS - started))"; }

# Each step runs in a process group of its own, so a failure or a TERM/INT stops all of it at once.
set -m
step_pids=()
on_signal() {
  local pid
  for pid in "${step_pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# Runs each argument (a shell command) at the same time, each with its output in a log of its own, printed
# whole when it ends with how long it took. When one fails the others are stopped: the first failure is
# the one reported.
together() {
  local -A names=()
  local command pid status=0 began=$SECONDS
  step_pids=()
  for command in "$@"; do
    bash -c "$command" >"$logs/${#step_pids[@]}.log" 2>&1 &
    names[$!]="${#step_pids[@]}:$command"
    step_pids+=("$!")
  done
  while ((${#names[@]} > 0)); do
    wait -n -p pid "${!names[@]}" || status=$?
    printf '\n==> %s: %s after %ss\n' "${names[$pid]#*:}" "$([[ $status -eq 0 ]] && echo passed || echo FAILED)" \
      "$((SECONDS - began))"
    cat "$logs/${names[$pid]%%:*}.log"
    unset "names[$pid]"
    if ((status != 0)); then
      for pid in "${!names[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
      wait || true
      step_pids=()
      return "$status"
    fi
  done
  step_pids=()
}

# The access matrix and the hostile-input tests check the layer in front of the database (who may call
# what, what input is refused), and the lossy-network test the sync protocol's exactly-once answers, which
# is the same code whatever the database: with a PostgreSQL server to test on they run there only, minutes
# less of the PGlite run. Without one they run on PGlite.
pglite_run="npm run test:integration -- --maxWorkers=2"
if [[ -n ${TEST_DATABASE_URL:-} ]]; then
  for file in access-matrix hostile-input sync-faults; do pglite_run+=" --exclude tests/integration/$file.test.ts"; done
fi
# Every lane wants both cores. The end-to-end tests wait on a browser and a server with timeouts, and are the
# longest lane: the integration tests yield the CPU to them and take what is left.
pglite_run="nice -n 10 $pglite_run"

built="$logs/built"
step "Integration tests on PGlite ‖ on PostgreSQL ‖ build, end-to-end tests ‖ lint, unit tests, type-check"
together "$pglite_run" "nice -n 10 npm run test:integration:pg -- --maxWorkers=2" \
  "npm run build && touch '$built' && npm run test:e2e" \
  "npm run lint && npm run test:unit && until [[ -e '$built' ]]; do sleep 2; done && npm run typecheck"

step "All checks passed"
