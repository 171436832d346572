#!/usr/bin/env bash
# Every check `npm test` makes, side by side where they do not depend on each other. The integration tests
# on PGlite and on PostgreSQL (each file has a database of its own) start at once, PGlite's two files at a
# time; beside them, one after the other, the type-check, lint, the unit tests, the production build and
# the end-to-end tests, which start the built app (so no test file waits for a build) and mostly wait on a
# browser, so they fill the time the integration tests leave idle. The build writes the route types the
# TypeScript program includes (.next/types), so it starts only once type-check and lint have read them.
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

step "Integration tests on PGlite ‖ on PostgreSQL ‖ type-check, lint, unit, build, end-to-end tests"
together "npm run test:integration -- --maxWorkers=2" "npm run test:integration:pg" \
  "npm run typecheck && npm run lint && npm run test:unit && npm run build && npm run test:e2e"

step "All checks passed"
