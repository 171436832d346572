#!/bin/sh
# Reports a finished Bareos or Bacula job to Backup Monitor: the job's name, start time, files, bytes and
# the tape volumes it wrote, in the order it wrote them. Run by the Director after each job:
#
#   Job {
#     ...
#     RunScript {
#       RunsWhen = After
#       RunsOnFailure = Yes
#       RunsOnClient = No
#       Command = "/usr/local/lib/backup-monitor/backup-monitor-report.sh %i"
#     }
#   }
#
# Settings come from /etc/backup-monitor.conf (or the file BM_CONF names), a shell file of assignments:
#   BM_URL=https://backup-monitor.example.com     the app's address
#   BM_TOKEN=bm_...                               an API token with the scope jobs:write (and tapes:write to
#                                                 register volumes the app does not know yet)
#   BM_RETENTION_DAYS=30                          retention of the data written, in days
#   BM_RETENTION_DAYS_<Pool>=365                  ...for jobs written to that pool (e.g. BM_RETENTION_DAYS_Full)
#   BM_SYSTEM=bareos                              the name the jobs are reported under (one per Director)
#   BM_BCONSOLE="bconsole -c /etc/bareos/bconsole.conf"
#
# Usage: backup-monitor-report.sh JOBID [--dry-run]    (--dry-run prints the JSON instead of sending it)
set -eu

usage() {
  echo "usage: $0 JOBID [--dry-run]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
jobid=$1
dry_run=no
[ "${2:-}" = "--dry-run" ] && dry_run=yes
case $jobid in '' | *[!0-9]*) echo "backup-monitor: the job id must be a number, not '$jobid'" >&2 && exit 2 ;; esac

conf=${BM_CONF:-/etc/backup-monitor.conf}
# shellcheck disable=SC1090
[ -r "$conf" ] && . "$conf"
BM_SYSTEM=${BM_SYSTEM:-bareos}
BM_RETENTION_DAYS=${BM_RETENTION_DAYS:-30}
BM_BCONSOLE=${BM_BCONSOLE:-bconsole}
if [ "$dry_run" = no ] && { [ -z "${BM_URL:-}" ] || [ -z "${BM_TOKEN:-}" ]; }; then
  echo "backup-monitor: set BM_URL and BM_TOKEN in $conf" >&2
  exit 2
fi

console() {
  printf '%s\nquit\n' "$1" | $BM_BCONSOLE
}
job=$(console "llist jobid=$jobid")
media=$(console "list jobmedia jobid=$jobid")

# "key: value" lines of `llist`, keys in any case (Bacula writes JobId:, Bareos jobid:).
field() {
  printf '%s\n' "$job" | awk -v key="$1" '
    { line = $0; sub(/^[ \t]+/, "", line); split(line, part, ":") }
    tolower(part[1]) == key { sub(/^[^:]*:[ \t]*/, "", line); sub(/[ \t\r]+$/, "", line); print line; exit }'
}
name=$(field name)
if [ -z "$name" ]; then
  echo "backup-monitor: bconsole knows no job $jobid (llist jobid=$jobid printed no name)" >&2
  exit 1
fi
start=$(field starttime)
[ -n "$start" ] || start=$(field schedtime)
files=$(field jobfiles)
bytes=$(field jobbytes)
level=$(field level)
status=$(field jobstatus)
client=$(field clientname)
pool=$(field poolname)
jobname=$(field job)

# The Director's local time, as the catalogue keeps it, in UTC for the API.
job_date=$(date -u -d "@$(date -d "$start" +%s)" +%Y-%m-%dT%H:%M:%SZ)

retention=$BM_RETENTION_DAYS
pool_key=$(printf '%s' "$pool" | tr -c 'A-Za-z0-9_' '_')
if [ -n "$pool_key" ]; then
  eval "pool_retention=\${BM_RETENTION_DAYS_$pool_key:-}"
  [ -n "$pool_retention" ] && retention=$pool_retention
fi

case $level in F) level_word=Full ;; I) level_word=Incremental ;; D) level_word=Differential ;; *) level_word=$level ;; esac

# The volumes of `list jobmedia`, a table whose header names the columns: each volume once, in the order
# of its first record, which is the order the job wrote them.
volumes=$(printf '%s\n' "$media" | awk -F'|' '
  /^\|/ {
    if (column == 0) {
      for (i = 2; i < NF; i++) { h = tolower($i); gsub(/[ \t]/, "", h); if (h == "volumename") column = i }
      next
    }
    v = $column; gsub(/^[ \t]+|[ \t\r]+$/, "", v)
    if (v != "" && !(v in seen)) { seen[v] = 1; print v }
  }')

json=$(awk -v name="$name $level_word" -v date="$job_date" -v retention="$retention" -v files="${files:-0}" \
  -v bytes="${bytes:-0}" -v client="$client" -v notes="Job $jobname, level $level_word, pool $pool, status $status" \
  -v volumes="$volumes" '
  function str(s) {
    gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, "\\t", s); gsub(/\r/, "\\r", s)
    return "\"" s "\""
  }
  BEGIN {
    n = split(volumes, list, "\n"); barcodes = ""
    for (i = 1; i <= n; i++) if (list[i] != "") barcodes = barcodes (barcodes == "" ? "" : ",") str(list[i])
    gsub(/,/, "", files); gsub(/,/, "", bytes)
    printf "{\"name\":%s,\"jobDate\":%s,\"retentionDays\":%d,\"totalFiles\":%s,\"totalBytes\":%s,", \
      str(name), str(date), retention, str(files), str(bytes)
    printf "\"sourceSystem\":%s,\"notes\":%s,\"barcodes\":[%s]}\n", str(client), str(notes), barcodes
  }')

if [ "$dry_run" = yes ]; then
  printf '%s\n' "$json"
  exit 0
fi

answer=$(mktemp)
trap 'rm -f "$answer"' EXIT
code=$(printf '%s' "$json" | curl -sS -o "$answer" -w '%{http_code}' -X PUT \
  -H "Authorization: Bearer $BM_TOKEN" -H "Content-Type: application/json" --data-binary @- \
  "${BM_URL%/}/api/v1/jobs/$BM_SYSTEM/$jobid") || {
  echo "backup-monitor: could not reach $BM_URL" >&2
  exit 1
}
case $code in
  200 | 201)
    echo "backup-monitor: job $jobid reported ($code)"
    ;;
  *)
    message=$(sed -n 's/.*"message":"\([^"]*\)".*/\1/p' "$answer")
    echo "backup-monitor: job $jobid was not reported: HTTP $code ${message:-$(cat "$answer")}" >&2
    exit 1
    ;;
esac
