#!/usr/bin/env bash
# Builds and runs the samples that reference the source projects (DenoiseBeforeClassifier, PoolingReport,
# SelfRepairingImages, SemanticImageSearch), each from a temporary working directory so the files they write
# (out/…) stay out of the repository. Exits non-zero on the first sample that fails to build or run.
# SemanticImageSearch needs the ONNX Runtime native library (scripts/get-onnxruntime.sh); it is skipped with a
# message when the library is not in the cache and HOPFIELD_ONNXRUNTIME_PATH is unset.
# samples/PackageConsumer is checked by scripts/check-packages.sh instead (it needs the packed packages).
#
# Usage: scripts/check-samples.sh [sample ...]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

samples=("$@")
[[ ${#samples[@]} -gt 0 ]] || samples=(DenoiseBeforeClassifier PoolingReport SelfRepairingImages SemanticImageSearch)

ort_cache="${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/1.22.0"
for name in "${samples[@]}"; do
  echo
  echo "== check-samples [$((SECONDS - start)) s]: $name"
  project="$root/samples/$name/$name.csproj"
  [[ -f "$project" ]] || { echo "check-samples: no such sample: $name" >&2; exit 1; }
  if [[ "$name" == SemanticImageSearch && -z "${HOPFIELD_ONNXRUNTIME_PATH:-}" ]] \
     && ! ls "$ort_cache"/*/libonnxruntime.* >/dev/null 2>&1; then
    echo "skipped: the ONNX Runtime native library is not installed (run scripts/get-onnxruntime.sh)"
    continue
  fi
  dotnet build "$project" -c Release --nologo -v quiet
  mkdir -p "$work/$name"
  (cd "$work/$name" && dotnet "$root/samples/$name/bin/Release/net10.0/$name.dll") \
    || { echo "check-samples: $name FAILED (exit code $?)" >&2; exit 1; }
done
echo
echo "== check-samples [$((SECONDS - start)) s]: all samples built and ran"
