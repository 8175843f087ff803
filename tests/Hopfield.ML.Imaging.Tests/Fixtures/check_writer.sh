#!/usr/bin/env bash
# Checks that PNGs written by Hopfield.ML.Imaging decode identically in ImageMagick (and Pillow when present).
# Usage (from the repository root): tests/Hopfield.ML.Imaging.Tests/Fixtures/check_writer.sh
set -euo pipefail
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
HOPFIELD_PNG_OUT="$out" dotnet test tests/Hopfield.ML.Imaging.Tests -c Release --filter "FullyQualifiedName~PngWriterExternalCheck" >/dev/null
fail=0
for f in "$out"/*.png; do
  n="${f%.png}"
  convert "$f" -depth 16 -endian MSB "rgba:$n.im.rgba16"
  if cmp -s "$n.im.rgba16" "$n.expected.rgba16"; then echo "ok   $(basename "$f")"; else echo "FAIL $(basename "$f")"; fail=1; fi
done
if /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
  /usr/bin/python3 - "$out" <<'PY' || fail=1
import glob, sys
from PIL import Image
bad = 0
for f in sorted(glob.glob(sys.argv[1] + "/*.png")):
    try:
        Image.open(f).load()
    except Exception as e:
        print("FAIL (Pillow)", f, e); bad = 1
print("Pillow opened all files" if not bad else "Pillow failures")
sys.exit(bad)
PY
fi
exit $fail
