#!/usr/bin/env bash
# Side-by-side benchmark: Hopfield.ML vs numpy, torch and ONNX Runtime. See README.md.
# The peers need the Debian python (python3-numpy, python3-torch, python3-onnx);
# override with PEERS_PYTHON=/path/to/python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
unset OPENBLAS_CORETYPE
exec "${PEERS_PYTHON:-/usr/bin/python3}" "$here/compare.py" "$@"
