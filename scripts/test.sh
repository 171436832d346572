#!/usr/bin/env bash
# Every check `npm test` makes, side by side where they do not depend on each other. The integration tests
# on PGlite and on PostgreSQL (each file has a database of its own) are the longest part, so they start
# at once, PGlite's with two files at a time (one per core, using the core the others leave idle once they
# end); beside them, one after the other, the type-check, lint, the unit tests and the production build the
# end-to-end tests start (so no test file waits for it). The build writes the route types the TypeScript
# program includes (.next/types), so it starts only once type-check and lint have read them. The
# end-to-end tests run last and alone, as they time what a browser shows.
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

step "Integration tests on PGlite ‖ on PostgreSQL ‖ type-check, lint, unit tests and production build"
together "npm run test:integration -- --maxWorkers=2" "npm run test:integration:pg" \
  "npm run typecheck && npm run lint && npm run test:unit && npm run build"

step "End-to-end tests"
together "npm run test:e2e"

step "All checks passed"
