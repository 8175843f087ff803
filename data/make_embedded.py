#!/usr/bin/env python3
"""Builds the small embedded Fashion-MNIST subset in this folder.

Reads the full Fashion-MNIST set in gzipped IDX form (default: the Debian location
/usr/share/datasets/fashion-mnist, or the folder given as the first argument), draws a
class-balanced sample with a fixed seed (300 train + 100 test images per class, i.e. 3000 + 1000),
keeps the drawn indices in their original order, and writes gzipped IDX files:

    fashion-train-images.idx.gz  fashion-train-labels.idx.gz
    fashion-test-images.idx.gz   fashion-test-labels.idx.gz

The gzip header carries no file name and mtime 0, so the output is byte-for-byte reproducible.
Requires numpy.
"""
import gzip
import os
import struct
import sys

import numpy as np

SRC = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
OUT = os.path.dirname(os.path.abspath(__file__))
SEED = 20241123
PER_CLASS = {"train": 300, "test": 100}
FILES = {"train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
         "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, path
    shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def write_idx(path, array):
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(">" + "I" * array.ndim, *array.shape)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + array.astype(np.uint8).tobytes())


def main():
    rng = np.random.default_rng(SEED)
    for split, (img_name, lbl_name) in FILES.items():
        images = read_idx(os.path.join(SRC, img_name))
        labels = read_idx(os.path.join(SRC, lbl_name))
        picked = []
        for c in range(10):
            idx = np.flatnonzero(labels == c)
            picked.extend(rng.choice(idx, size=PER_CLASS[split], replace=False))
        picked = np.sort(np.array(picked))
        write_idx(os.path.join(OUT, f"fashion-{split}-images.idx.gz"), images[picked])
        write_idx(os.path.join(OUT, f"fashion-{split}-labels.idx.gz"), labels[picked])
        print(split, len(picked), np.bincount(labels[picked], minlength=10).tolist())


if __name__ == "__main__":
    main()
