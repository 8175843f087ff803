#!/usr/bin/env python3
"""numpy classical-binary peer: synchronous sweeps s <- sign(X^T (X s)) in pattern form.

X holds P patterns of N +-1 neurons (rows), stored as float32 (two OpenBLAS sgemv per sweep)
or int8 (numpy integer matmul accumulating in int32; numpy has no BLAS path for integers).
sign(0) is taken as +1. Start state: pattern 0 with 10% of its neurons flipped.
One JSON line per dtype: {"peer", "kind": "recall", "dtype", "neurons", "patterns", "repeats",
"median_seconds", "seconds_per_sweep", ...}; median_seconds is the median over repeats of one sweep.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--neurons", type=int, default=16384)
p.add_argument("--patterns", type=int, default=10)
p.add_argument("--dtype", choices=["float32", "int8", "both"], default="both")
p.add_argument("--repeats", type=int, default=20)
p.add_argument("--warmup", type=int, default=2)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=peerlib.DEFAULT_SEED)
a = p.parse_args()
for name in ("neurons", "patterns", "repeats", "threads"):
    if getattr(a, name) < 1:
        p.error(f"--{name} must be >= 1, got {getattr(a, name)}")
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
os.environ["OMP_NUM_THREADS"] = str(a.threads)
import numpy as np  # noqa: E402

rng = np.random.default_rng(a.seed)
x8 = np.where(rng.random((a.patterns, a.neurons)) < 0.5, -1, 1).astype(np.int8)
s0 = x8[0].copy()
flip = rng.choice(a.neurons, a.neurons // 10, replace=False)
s0[flip] = -s0[flip]

for dtype in (["float32", "int8"] if a.dtype == "both" else [a.dtype]):
    if dtype == "float32":
        x = x8.astype(np.float32)
        state = {"s": s0.astype(np.float32)}
        xt = x.T  # a view: sgemv with the transposed flag, no copy

        def sweep():
            h = xt @ (x @ state["s"])
            state["s"] = np.where(h >= 0, np.float32(1), np.float32(-1))
    else:
        x = x8
        state = {"s": s0.copy()}
        xt = x.T

        def sweep():
            m = np.matmul(x, state["s"], dtype=np.int32)
            h = np.matmul(xt, m, dtype=np.int32)
            state["s"] = np.where(h >= 0, np.int8(1), np.int8(-1))
    med, _ = peerlib.time_it(sweep, a.repeats, a.warmup)
    overlap = float((state["s"].astype(np.float32) @ x8[0].astype(np.float32)) / a.neurons)
    print(json.dumps({
        "peer": "numpy", "kind": "recall", "dtype": dtype, "neurons": a.neurons,
        "patterns": a.patterns, "repeats": a.repeats, "median_seconds": med,
        "seconds_per_sweep": med, "threads": a.threads, "overlap_with_pattern0": overlap,
        "version": np.__version__}), flush=True)
