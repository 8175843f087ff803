#!/usr/bin/env bash
# Checks the packages end to end, as a user outside the repository would meet them:
#
#   1. packs Hopfield.ML, Hopfield.ML.Imaging, Hopfield.ML.Onnx and the tool (Hopfield.Cli) into artifacts/packages;
#   2. installs the tool from that folder into a temporary tool path (with a temporary NuGet packages folder, so no
#      stale 0.1.0 from the user-wide cache can be picked up);
#   3. runs `hopfield --help`, `hopfield demo`, `hopfield repair` and (with ONNX Runtime) `hopfield experiment semantic`
#      from a temporary working directory;
#   4. restores samples/PackageConsumer against the fresh packages (its own packages folder, emptied of Hopfield.*
#      first, and checked to hold byte-identical copies of the new .nupkg files), builds it and runs it.
#
# Exits non-zero on the first failure. The ONNX part of the sample runs when the ONNX Runtime native library can be
# found (scripts/get-onnxruntime.sh caches it); without it the sample says so and the check still passes, unless
# HOPFIELD_REQUIRE_ONNX=1.
#
# Usage: scripts/check-packages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

version="0.1.0"
packages="$root/artifacts/packages"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS
step() { echo; echo "== check-packages [$((SECONDS - start)) s]: $*"; }
fail() { echo "check-packages: FAILED: $*" >&2; exit 1; }

step "pack"
scripts/pack.sh "$packages"
for id in Hopfield.ML Hopfield.ML.Imaging Hopfield.ML.Onnx Hopfield.Cli; do
  nupkg="$packages/$id.$version.nupkg"
  [[ -f "$nupkg" ]] || fail "$nupkg was not produced"
  listing="$(unzip -l "$nupkg")"
  for part in LICENSE README.md; do
    grep -q " $part\$" <<<"$listing" || fail "$id has no $part"
  done
  if [[ "$id" != Hopfield.Cli ]]; then
    grep -q "lib/net10.0/$id.xml" <<<"$listing" || fail "$id has no XML documentation"
  fi
done
unzip -l "$packages/Hopfield.Cli.$version.nupkg" | grep -q "tools/net10.0/any/onnx/models/simclr_encoder.onnx" \
  || fail "the tool package has no ONNX models"

step "install the tool into a temporary tool path"
NUGET_PACKAGES="$work/nuget-packages" dotnet tool install --tool-path "$work/tools" \
  --add-source "$packages" Hopfield.Cli --version "$version"
hopfield="$work/tools/hopfield"
[[ -x "$hopfield" ]] || fail "no hopfield command in $work/tools"

mkdir -p "$work/cwd"
cd "$work/cwd"
step "hopfield --help (from $work/cwd)"
"$hopfield" --help >"$work/help.txt" || fail "hopfield --help exited with $?"
grep -q "demo" "$work/help.txt" || fail "hopfield --help does not list the demo command"
head -n 5 "$work/help.txt"

step "hopfield demo"
"$hopfield" demo --out out/demo.png | tee "$work/demo.txt"
grep -q "Mean gain over the corruptions" "$work/demo.txt" || fail "hopfield demo printed no result"
[[ -s out/demo.png ]] || fail "hopfield demo wrote no PNG"

step "hopfield repair"
{
  printf 'P2\n24 24\n255\n'
  for ((y = 0; y < 24; y++)); do
    for ((x = 0; x < 24; x++)); do
      if (((x / 6 + y / 6) % 2)); then printf '255 '; else printf '0 '; fi
    done
    echo
  done
} >checker.pgm
"$hopfield" repair checker.pgm --noise 0.2 --out out/repair.png | tail -n 3
[[ -s out/repair.png ]] || fail "hopfield repair wrote no PNG"

ort_cache="${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/1.22.0"
if [[ -n "${HOPFIELD_ONNXRUNTIME_PATH:-}" ]] || ls "$ort_cache"/*/libonnxruntime.* >/dev/null 2>&1; then
  step "hopfield experiment semantic (the ONNX models installed with the tool)"
  "$hopfield" experiment semantic --stored 50 --corruptions gaussian:0.3 | tail -n 4
else
  echo "hopfield experiment semantic: skipped, the ONNX Runtime native library is not installed"
fi
cd "$root"

step "samples/PackageConsumer against the fresh packages"
sample="$root/samples/PackageConsumer"
rm -rf "$sample/bin" "$sample/obj" "$sample"/packages/hopfield.*
dotnet build "$sample" -c Release --nologo -v quiet
for id in Hopfield.ML Hopfield.ML.Imaging Hopfield.ML.Onnx; do
  lower="$(tr '[:upper:]' '[:lower:]' <<<"$id")"
  cmp -s "$packages/$id.$version.nupkg" "$sample/packages/$lower/$version/$lower.$version.nupkg" \
    || fail "the sample did not restore the freshly packed $id"
done
(cd "$work/cwd" && dotnet "$sample/bin/Release/net10.0/PackageConsumer.dll") | tee "$work/consumer.txt"
grep -q "test accuracy" "$work/consumer.txt" || fail "the sample printed no accuracy"
if grep -q "^ONNX Runtime" "$work/consumer.txt"; then
  step "samples/PackageConsumer --exported (an exported memory run by ONNX Runtime)"
  (cd "$work/cwd" && dotnet "$sample/bin/Release/net10.0/PackageConsumer.dll" --exported) | tail -n 1
elif [[ "${HOPFIELD_REQUIRE_ONNX:-0}" == 1 ]]; then
  fail "the ONNX Runtime native library was not found (HOPFIELD_REQUIRE_ONNX=1)"
fi

step "all package checks passed"
