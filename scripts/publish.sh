#!/usr/bin/env bash
# Builds the package Azure Functions runs (Flex Consumption, runtime dotnet-isolated 10.0):
#
#   artifacts/functionapp/       `dotnet publish` output of src/Valar.Functions, framework-dependent:
#     host.json                  routePrefix "" (the paths the SDKs call)
#     functions.metadata         the functions the Worker SDK indexed at build time
#     worker.config.json         how the host starts the worker (dotnet Valar.Functions.dll)
#     Valar.Functions.dll ...    the app, compiled ReadyToRun for linux-x64 (see below)
#   artifacts/functionapp.zip    the same folder zipped, for a manual zip deploy
#
# ReadyToRun: the assemblies carry precompiled native code next to their IL, so a cold instance runs less JIT before
# its first answer (docs/deployment.md, "Package"). READY_TO_RUN=0 builds plain IL instead (portable, smaller).
#
# Usage: scripts/publish.sh [output-dir]      (default: artifacts/functionapp)
# Env:   CONFIGURATION (Release), RUNTIME (linux-x64), READY_TO_RUN (1), SKIP_ZIP=1 to skip the zip.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

out_dir="${1:-artifacts/functionapp}"
configuration="${CONFIGURATION:-Release}"
runtime="${RUNTIME:-linux-x64}"
ready_to_run="${READY_TO_RUN:-1}"
project="src/Valar.Functions/Valar.Functions.csproj"

case "$out_dir" in
  /*) ;;
  *) out_dir="$repo_root/$out_dir" ;;
esac
# Refuse to wipe anything that is not clearly an output folder of ours.
case "$out_dir" in
  "$repo_root"/artifacts/*|/tmp/*) ;;
  *) echo "publish.sh: refusing to use '$out_dir' (must be under artifacts/ or /tmp/)" >&2; exit 2 ;;
esac

for f in host.json "$project"; do
  [ -f "$f" ] || { echo "publish.sh: missing $f" >&2; exit 1; }
done

echo "==> Cleaning $out_dir"
rm -rf "$out_dir"
mkdir -p "$out_dir"

publish_args=(--configuration "$configuration" --output "$out_dir" -p:DebugType=none -p:GenerateDocumentationFile=false --nologo)
if [ "$ready_to_run" = "1" ]; then
  # ReadyToRun needs a runtime identifier; the package stays framework-dependent (the platform provides .NET 10).
  publish_args+=(--runtime "$runtime" --self-contained false -p:PublishReadyToRun=true)
  echo "==> dotnet publish $project ($configuration, framework-dependent, ReadyToRun $runtime)"
else
  echo "==> dotnet publish $project ($configuration, framework-dependent, IL only)"
fi
dotnet publish "$project" "${publish_args[@]}"

for f in Valar.Functions.dll host.json functions.metadata worker.config.json; do
  [ -f "$out_dir/$f" ] || { echo "publish.sh: $out_dir/$f was not produced" >&2; exit 1; }
done
# Settings for a developer machine never ship: the platform's app settings configure the deployed app.
rm -f "$out_dir/local.settings.json" "$out_dir/appsettings.Development.json"

if command -v python3 >/dev/null 2>&1; then
  for f in host.json functions.metadata worker.config.json; do
    python3 -m json.tool "$out_dir/$f" >/dev/null || { echo "publish.sh: invalid JSON in $out_dir/$f" >&2; exit 1; }
  done
  count="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out_dir/functions.metadata")"
else
  count="$(grep -o '"scriptFile"' "$out_dir/functions.metadata" | wc -l)"
fi

if [ "${SKIP_ZIP:-0}" != "1" ]; then
  zip_path="${out_dir%/}.zip"
  rm -f "$zip_path"
  if command -v zip >/dev/null 2>&1; then
    (cd "$out_dir" && zip -qr -X "$zip_path" .)
  elif command -v python3 >/dev/null 2>&1; then
    python3 - "$out_dir" "$zip_path" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk(src):
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, src))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as fh:
                z.writestr(info, fh.read())
PY
  else
    echo "publish.sh: neither zip nor python3 found; skipping $zip_path" >&2
  fi
  [ -f "$zip_path" ] && echo "==> Wrote $zip_path ($(du -h "$zip_path" | cut -f1))"
fi

echo "==> Deployable folder: $out_dir ($count functions)"
