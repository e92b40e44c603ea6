#!/usr/bin/env bash
# Cold start of the app as Azure runs it: the published package (scripts/publish.sh, ReadyToRun) under the local host.
# Per run: host process start -> the host's "Started worker process" log line (worker launch) -> first 200 from
# /healthz through the host. Prints each run and the medians of RUNS (5) runs. Stops each host with SIGTERM.
#
# Usage: benchmarks/cold-start.sh [app folder]   (default artifacts/functionapp; build the host first:
#        dotnet build tools/Valar.DevHost -c Release)
set -euo pipefail
cd "$(dirname "$0")/.."

app="${1:-artifacts/functionapp}"
runs="${RUNS:-5}"
host_dll="tools/Valar.DevHost/bin/Release/net10.0/Valar.DevHost.dll"
port="${PORT:-7395}"
[ -f "$app/functions.metadata" ] || { echo "cold-start.sh: $app has no functions.metadata (run scripts/publish.sh)" >&2; exit 1; }
[ -f "$host_dll" ] || { echo "cold-start.sh: $host_dll missing (dotnet build tools/Valar.DevHost -c Release)" >&2; exit 1; }

ms() { date +%s%3N; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
launch_to_ok=()
start_to_ok=()
for run in $(seq 1 "$runs"); do
  : > "$log"
  t0=$(ms)
  dotnet "$host_dll" --port "$port" --app "$app" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 6000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then break; fi
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.005
  done
  t_ok=$(ms)
  # The host's log line carries HH:MM:SS.fff (UTC); turn it into epoch milliseconds of today.
  launch_clock="$(grep -m1 'Started worker process' "$log" | cut -d' ' -f1)"
  t_launch=$(date -u -d "$(date -u +%F) $launch_clock" +%s%3N)
  kill -TERM "$pid"; wait "$pid" || true
  launch_to_ok+=($((t_ok - t_launch)))
  start_to_ok+=($((t_ok - t0)))
  echo "run $run: host start -> worker launch $((t_launch - t0)) ms, worker launch -> first 200 $((t_ok - t_launch)) ms, host start -> first 200 $((t_ok - t0)) ms"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median of $runs: worker launch -> first 200 $(median "${launch_to_ok[@]}") ms; host start -> first 200 $(median "${start_to_ok[@]}") ms (load average $(cut -d' ' -f1-3 /proc/loadavg))"
