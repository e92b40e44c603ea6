#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs Azurite (npm ci), restores, builds everything
# (benchmarks and tools included, among them the local Functions host the integration tests run the app under),
# compiles and lints every Bicep file, publishes the deployable package and runs every test project. Tests run inside
# a network namespace that has only loopback when this machine allows it, so no test can ever reach an address off
# the machine.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund
dotnet restore Valar.Functions.sln
dotnet build Valar.Functions.sln -c Release --no-restore -nologo
# Style is written down once (.editorconfig); the build and the formatter both enforce it.
dotnet format Valar.Functions.sln --verify-no-changes --no-restore
# infra/: `bicep build` and `bicep lint` of every file with the Bicep CLI from NuGet; any warning fails the run.
./scripts/bicep.sh
# The package tests run the published package under the local host; publishing (ReadyToRun) needs the package feed,
# so it happens here, before the tests lose the network.
SKIP_ZIP=1 ./scripts/publish.sh

test_command="dotnet test Valar.Functions.sln -c Release --no-build --nologo"
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  echo "test.sh: running tests in a loopback-only network namespace"
  unshare -n sh -c "ip link set lo up && $test_command"
else
  echo "test.sh: unshare -n is not available here; running tests on the normal network (they only use 127.0.0.1)"
  $test_command
fi
