#!/usr/bin/env python3
"""Generates the PNG conformance fixtures in png/ with two independent tools, Pillow (python3-pil) and
ImageMagick 6 (`convert`), and for every fixture a twin of expected pixels decoded by ImageMagick:

    <name>.png     the fixture
    <name>.rgba16  ImageMagick's decoding: RGBA, 16 bits per sample, big-endian (`-depth 16 -endian MSB rgba:`);
                   grey is replicated to R, G, B; alpha is 65535 where the file has no transparency.

manifest.txt lists "name width height bit_depth colour_type interlace" read from each file's IHDR, so the
tests also check that each fixture really has the colour type / depth / interlacing it is meant to cover.
Odd sizes (13×11, 1×1, 9×3) exercise partial Adam7 passes and partial bytes at low bit depths.
Run from this folder: /usr/bin/python3 make_fixtures.py (needs numpy, PIL, convert).
"""
import os
import struct
import subprocess

import numpy as np
from PIL import Image

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "png")
os.makedirs(OUT, exist_ok=True)
W, H = 13, 11
rng = np.random.default_rng(7)
yy, xx = np.mgrid[0:H, 0:W]
grey8 = ((xx * 19 + yy * 7) % 256).astype(np.uint8)
grey8[0, 0], grey8[-1, -1] = 0, 255
rgb8 = np.stack([grey8, (255 - grey8), rng.integers(0, 256, (H, W))], axis=-1).astype(np.uint8)
alpha8 = ((xx * 23 + yy * 11) % 256).astype(np.uint8)
rgba8 = np.concatenate([rgb8, alpha8[..., None]], axis=-1)
grey16 = ((xx * 5003 + yy * 3001) % 65536).astype(np.uint16)
rgba16 = np.stack([grey16, 65535 - grey16, (grey16 * 3) % 65536, ((xx * 4099 + yy * 97) % 65536)], axis=-1).astype(np.uint16)

tmp = os.path.join(OUT, "_src.rgba16")
made = []


def im(name, args, src=rgba16, size=(W, H), prefix=""):
    with open(tmp, "wb") as f:
        f.write(src.astype(">u2").tobytes())
    path = os.path.join(OUT, name + ".png")
    subprocess.run(["convert", "-size", f"{size[0]}x{size[1]}", "-depth", "16", "-endian", "MSB", f"rgba:{tmp}", *args, prefix + path], check=True)
    made.append(name)


def pil(name, img, **kw):
    img.save(os.path.join(OUT, name + ".png"), **kw)
    made.append(name)


# ImageMagick: each colour type and depth, plain and Adam7.
g16 = np.stack([grey16, grey16, grey16, np.full_like(grey16, 65535)], axis=-1)
for interlace in (False, True):
    sfx = "_i" if interlace else ""
    il = ["-interlace", "PNG"] if interlace else ["-interlace", "none"]
    for d in (1, 2, 4, 8, 16):
        im(f"im_grey{d}{sfx}", ["-alpha", "off", "-colorspace", "Gray", *il, "-define", "png:color-type=0", "-define", f"png:bit-depth={d}", "-depth", str(d)], g16)
    for d in (8, 16):
        im(f"im_rgb{d}{sfx}", ["-alpha", "off", *il, "-define", "png:color-type=2", "-define", f"png:bit-depth={d}", "-depth", str(d)])
        im(f"im_rgba{d}{sfx}", [*il, "-define", "png:color-type=6", "-define", f"png:bit-depth={d}", "-depth", str(d)])
        ga = np.stack([grey16, grey16, grey16, rgba16[..., 3]], axis=-1)
        im(f"im_greyalpha{d}{sfx}", ["-colorspace", "Gray", *il, "-define", "png:color-type=4", "-define", f"png:bit-depth={d}", "-depth", str(d)], ga)
    for d, n in ((1, 2), (2, 4), (4, 16), (8, 200)):
        im(f"im_palette_c{n}{sfx}", ["-alpha", "off", "+dither", "-colors", str(n), *il, "-define", "png:color-type=3", "-define", f"png:bit-depth={d}"])
    im(f"im_palette_trns{sfx}", ["-channel", "A", "-threshold", "50%", "+channel", "+dither", "-colors", "40", *il], prefix="PNG8:")

# Pillow: its own encoder (filters chosen by zlib/libpng-free code), plus tRNS on grey and RGB.
pil("pil_grey8", Image.fromarray(grey8, "L"))
pil("pil_grey1", Image.fromarray(grey8 > 127).convert("1"))
pil("pil_grey16", Image.fromarray(grey16.astype(np.int32), "I").convert("I;16") if False else Image.frombytes("I;16", (W, H), grey16.astype("<u2").tobytes()))
pil("pil_rgb8", Image.fromarray(rgb8, "RGB"))
pil("pil_rgba8", Image.fromarray(rgba8, "RGBA"))
pil("pil_la8", Image.fromarray(np.stack([grey8, alpha8], -1), "LA"))
pil("pil_grey_trns", Image.fromarray(grey8, "L"), transparency=int(grey8[3, 4]))
pil("pil_rgb_trns", Image.fromarray(rgb8, "RGB"), transparency=tuple(int(v) for v in rgb8[2, 5]))
pal = Image.fromarray(rgb8, "RGB").quantize(colors=4)
pil("pil_palette2_trns", pal, bits=2, transparency=1)
pil("pil_palette1", Image.fromarray(rgb8, "RGB").quantize(colors=2), bits=1)
pil("pil_palette_1x1", Image.fromarray(rgb8[:1, :1], "RGB").quantize(colors=1))
pil("pil_grey1_9x3", Image.fromarray((grey8[:3, :9] > 100)).convert("1"))

os.remove(tmp)
lines = []
for name in made:
    path = os.path.join(OUT, name + ".png")
    subprocess.run(["convert", path, "-depth", "16", "-endian", "MSB", f"rgba:{os.path.join(OUT, name + '.rgba16')}"], check=True)
    with open(path, "rb") as f:
        head = f.read(33)
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", head[16:29])
    lines.append(f"{name} {w} {h} {depth} {ctype} {interlace}")
with open(os.path.join(OUT, "manifest.txt"), "w") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))

# PNM twins made by ImageMagick from three fixtures (for the PGM/PPM/PBM reader tests).
PNM = os.path.join(os.path.dirname(OUT), "pnm")
os.makedirs(PNM, exist_ok=True)
for name, ext in (("im_grey16", "pgm"), ("im_rgb8", "ppm"), ("im_grey1", "pbm")):
    subprocess.run(["convert", os.path.join(OUT, name + ".png"), os.path.join(PNM, f"{name}.{ext}")], check=True)
