#!/usr/bin/env bash
# Sets everything up and runs the endpoint on http://127.0.0.1:7071 with Azurite on 127.0.0.1:10000.
# Ctrl+C stops both. Data lives under .data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT="${VALAR_PORT:-7071}"
AZURITE_PORT=10000 # the port UseDevelopmentStorage=true implies

command -v dotnet >/dev/null || { echo "run.sh: the .NET 10 SDK (dotnet) is required" >&2; exit 1; }
command -v npm >/dev/null || { echo "run.sh: Node.js and npm are required for Azurite" >&2; exit 1; }

if [ ! -x node_modules/.bin/azurite-blob ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
dotnet build src/Valar.Functions -c Debug -v quiet -nologo

mkdir -p .data/azurite
# Its own session, so Ctrl+C reaches it once, from stop(), not twice.
setsid node_modules/.bin/azurite-blob --silent --disableTelemetry --skipApiVersionCheck \
  --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" --location .data/azurite --debug .data/azurite/debug.log &
AZURITE_PID=$!
APP_PID=""
stop() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
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
echo "Azurite blob service on http://127.0.0.1:$AZURITE_PORT (data in .data/azurite)"

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
dotnet run --no-build --project src/Valar.Functions -- --urls "http://127.0.0.1:$APP_PORT" &
APP_PID=$!
wait "$APP_PID"
