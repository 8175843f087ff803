#!/usr/bin/env bash
# Packs Hopfield.ML, Hopfield.ML.Imaging, Hopfield.ML.Onnx and the hopfield tool (package Hopfield.Cli) into
# artifacts/packages (or the folder given as the first argument). Test projects, samples and benchmarks are not packed.
#
# Usage: scripts/pack.sh [output-folder]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/packages}"
mkdir -p "$out"
# Old packages of the same version would otherwise sit next to the new ones.
rm -f "$out"/Hopfield.*.nupkg
dotnet pack Hopfield.ML.sln -c Release -o "$out" --nologo
ls -l "$out"/Hopfield.*.nupkg
