#!/usr/bin/env bash
# Builds the deployable Azure Functions custom-handler folder:
#
#   artifacts/functionapp/
#     host.json                      (customHandler -> app/Valar.Functions, workingDirectory app)
#     <FunctionName>/function.json   (one folder per function, copied from functions/)
#     app/Valar.Functions            (self-contained linux-x64 executable + its files)
#   artifacts/functionapp.zip        (same content, unix modes kept, for a manual zip deploy)
#
# Usage: scripts/publish.sh [output-dir]      (default: artifacts/functionapp)
# Env:   CONFIGURATION (Release), RUNTIME (linux-x64), SKIP_ZIP=1 to skip the zip.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

out_dir="${1:-artifacts/functionapp}"
configuration="${CONFIGURATION:-Release}"
runtime="${RUNTIME:-linux-x64}"
project="src/Valar.Functions/Valar.Functions.csproj"
executable="Valar.Functions"

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
mkdir -p "$out_dir/app"

echo "==> dotnet publish $project ($configuration, $runtime, self-contained)"
dotnet publish "$project" \
  --configuration "$configuration" \
  --runtime "$runtime" \
  --self-contained true \
  --output "$out_dir/app" \
  -p:UseAppHost=true \
  -p:DebugType=none \
  -p:GenerateDocumentationFile=false \
  --nologo

[ -f "$out_dir/app/$executable" ] || { echo "publish.sh: $out_dir/app/$executable was not produced" >&2; exit 1; }
chmod 0755 "$out_dir/app/$executable"

echo "==> Copying host.json and function folders"
cp host.json "$out_dir/host.json"
count=0
for fn_json in functions/*/function.json; do
  name="$(basename "$(dirname "$fn_json")")"
  mkdir -p "$out_dir/$name"
  cp "$fn_json" "$out_dir/$name/function.json"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || { echo "publish.sh: no functions/*/function.json found" >&2; exit 1; }

# Validate every JSON file we ship; a malformed function.json makes the host skip the function.
if command -v python3 >/dev/null 2>&1; then
  for f in "$out_dir/host.json" "$out_dir"/*/function.json; do
    python3 -m json.tool "$f" >/dev/null || { echo "publish.sh: invalid JSON in $f" >&2; exit 1; }
  done
fi

if [ "${SKIP_ZIP:-0}" != "1" ]; then
  zip_path="${out_dir%/}.zip"
  rm -f "$zip_path"
  if command -v zip >/dev/null 2>&1; then
    # zip keeps unix permissions (the executable bit) on Linux/macOS.
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
