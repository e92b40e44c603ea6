#!/usr/bin/env bash
# Compiles and lints every Bicep file under infra/ with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64,
# restored by tools/Bicep/Bicep.proj; version pinned in Directory.Packages.props). Fails on any error or warning.
#
# Usage: scripts/bicep.sh            restore, then build + lint every file
#        scripts/bicep.sh --no-restore   (the CLI is already in the NuGet cache, e.g. inside the offline test namespace)
#        BICEP=<path> scripts/bicep.sh   use that binary
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--no-restore" ]; then
  dotnet restore tools/Bicep/Bicep.proj -v quiet -nologo >/dev/null
fi

version="$(sed -n 's|.*<BicepCliVersion>\(.*\)</BicepCliVersion>.*|\1|p' Directory.Packages.props)"
packages="${NUGET_PACKAGES:-$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')}"
bicep="${BICEP:-${packages%/}/azure.bicep.commandline.linux-x64/$version/tools/bicep}"
[ -f "$bicep" ] || { echo "bicep.sh: $bicep not found; run without --no-restore" >&2; exit 1; }
[ -x "$bicep" ] || chmod u+x "$bicep"
echo "bicep.sh: $("$bicep" --version)"

out_dir="$(mktemp -d)"
trap 'rm -rf "$out_dir"' EXIT
# No telemetry, and no attempt to reach a registry: every module here is local.
export BICEP_TRACING_ENABLED=false AZURE_BICEP_USAGE_TELEMETRY_OPT_OUT=1

failed=0
count=0
while IFS= read -r file; do
  count=$((count + 1))
  for command in build lint; do
    if [ "$command" = build ]; then
      args=(build "$file" --outfile "$out_dir/$(basename "$file" .bicep).json")
    else
      args=(lint "$file")
    fi
    if ! output="$("$bicep" "${args[@]}" 2>&1)"; then
      echo "bicep $command $file failed:" >&2
      echo "$output" >&2
      failed=1
    elif echo "$output" | grep -Eiq '(warning|error)'; then
      echo "bicep $command $file reported diagnostics:" >&2
      echo "$output" >&2
      failed=1
    fi
  done
done < <(find infra -name '*.bicep' | sort)

[ "$count" -gt 0 ] || { echo "bicep.sh: no .bicep files under infra/" >&2; exit 1; }
if [ "$failed" -ne 0 ]; then
  echo "bicep.sh: $count files, diagnostics above (zero errors and zero warnings are required)" >&2
  exit 1
fi
echo "bicep.sh: $count files built and linted: 0 errors, 0 warnings"
