#!/usr/bin/env bash
# Runs README.md as a new user would: every ```bash block (except those marked "readme-check: skip", i.e. the
# two set-up commands that .ci/run runs itself), with `hopfield` being the tool built from this tree, then the
# quick-start sample, whose output must be what the README says it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build src/Hopfield.Cli -c Release -v q -nologo >/dev/null
tool="$PWD/src/Hopfield.Cli/bin/Release/net10.0/hopfield.dll"
hopfield() { dotnet "$tool" "$@"; }
mkdir -p out

commands=$(awk '
  /^<!-- readme-check: / { skip = 1; next }
  /^```bash$/ { inblock = 1; next }
  /^```/ && inblock { inblock = 0; skip = 0; next }
  inblock && !skip { print }
  !inblock && !/^$/ { skip = 0 }
' README.md)
while IFS= read -r line; do
  [[ -z "${line// }" ]] && continue
  echo "README\$ $line"
  eval "$line" >/dev/null
done <<<"$commands"

echo "README\$ dotnet run --project samples/QuickStart"
actual=$(dotnet run --project samples/QuickStart -c Release)
rm -f denoise.hopfield
expected=$(awk '/^It prints:$/ { want = 1; next } want && /^```text$/ { inblock = 1; next } inblock && /^```$/ { exit } inblock { print }' README.md)
if [[ "$actual" != "$expected" ]]; then
  echo "samples/QuickStart printed:" >&2; echo "$actual" >&2
  echo "README.md says it prints:" >&2; echo "$expected" >&2
  exit 1
fi
echo "README: every command ran; the quick start printed what the README says."
