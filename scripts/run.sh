#!/usr/bin/env bash
# Sets everything up and runs the endpoint on http://127.0.0.1:7071 with Azurite on 127.0.0.1:10000.
# The app is the isolated-worker build output (src/Valar.Functions/bin/Debug/net10.0). It runs under Azure Functions
# Core Tools (`func start`) when `func` is on PATH, otherwise under the local host, tools/Valar.DevHost
# (docs/local-host.md). Ctrl+C stops everything. Data lives under .data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT="${VALAR_PORT:-7071}"
AZURITE_PORT=10000 # the port UseDevelopmentStorage=true implies
APP_OUTPUT="src/Valar.Functions/bin/Debug/net10.0"

command -v dotnet >/dev/null || { echo "run.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "run.sh: Node.js and npm are required for Azurite" >&2; exit 1; }

if [ ! -x node_modules/.bin/azurite ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The app's settings for this machine (Values become the worker's environment); yours once created.
if [ ! -f local.settings.json ]; then
  cp local.settings.sample.json local.settings.json
  echo "run.sh: created local.settings.json from local.settings.sample.json"
fi
# The build copies host.json and local.settings.json next to the app, where both hosts read them.
dotnet build src/Valar.Functions -c Debug -v quiet -nologo
if command -v func >/dev/null; then
  host="func"
else
  host="devhost"
  dotnet build tools/Valar.DevHost -c Debug -v quiet -nologo
fi

mkdir -p .data/azurite
# Its own session, so Ctrl+C reaches it once, from stop(), not twice.
# Blob and queue services (the local host writes poisoned blob-trigger deliveries to webjobs-blobtrigger-poison).
setsid node_modules/.bin/azurite --silent --disableTelemetry --skipApiVersionCheck \
  --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --queueHost 127.0.0.1 --queuePort 10001 \
  --tableHost 127.0.0.1 --tablePort 10002 --location .data/azurite --debug .data/azurite/debug.log &
AZURITE_PID=$!
HOST_PID=""
stop() {
  [ -n "$HOST_PID" ] && kill "$HOST_PID" 2>/dev/null || true
  kill "$AZURITE_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$AZURITE_PORT") 2>/dev/null; then break; fi
  kill -0 "$AZURITE_PID" 2>/dev/null || { echo "run.sh: Azurite exited; is port $AZURITE_PORT free?" >&2; exit 1; }
  sleep 0.1
done
echo "Azurite blob service on http://127.0.0.1:$AZURITE_PORT, queues on :10001 (data in .data/azurite)"

if [ "$host" = func ]; then
  echo "run.sh: Azure Functions Core Tools found: func start on port $APP_PORT"
  (cd "$APP_OUTPUT" && exec func start --port "$APP_PORT") &
else
  echo "run.sh: no Azure Functions Core Tools (func) on PATH: local host tools/Valar.DevHost on port $APP_PORT"
  # The host's own dll rather than `dotnet run`, so the PID below is the host and Ctrl+C reaches it directly
  # (it then sends WorkerTerminate and waits for the worker: no orphan).
  dotnet tools/Valar.DevHost/bin/Debug/net10.0/Valar.DevHost.dll --port "$APP_PORT" --app "$APP_OUTPUT" &
fi
HOST_PID=$!
wait "$HOST_PID"
