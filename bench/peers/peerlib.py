"""Shared helpers for the Hopfield.ML peer benchmarks (numpy, torch, ONNX Runtime).

All peers run the same work on the same data:

    Y = softmax(beta * S) K,  S = Q K^T (dot) | -||q-k||_1 (l1) | -||q-k||_2 (l2)

with K (patterns x dim) and Q (queries x dim) drawn float32 standard normal from
numpy.random.default_rng(seed) -- K first, then Q -- and beta = 1/sqrt(dim) unless fixed.

FLOP convention (the same for every peer and for Hopfield.ML):
    dot:   2*P*D*B (scores) + 2*P*D*B (projection)          = 4*P*D*B
    l1/l2: 3*P*D*B (distances: sub, abs|square, add) + 2*P*D*B = 5*P*D*B
softmax/exp is not counted.
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

SIZES = [(1000, 784, 1000), (60000, 784, 1000), (60000, 512, 10000)]
DEFAULT_SEED = 20240611
# Queries are processed in chunks of at most this many rows in every peer, so that the
# B x P score matrix stays bounded (60000 x 10000 float32 would be 2.4 GB).
QUERY_CHUNK = 1000
# The l1 "vectorised" forms (numpy broadcasting, ONNX Sub/Abs/ReduceSum) materialise a
# chunk x P x D difference tensor; its chunk is cut to keep that tensor under this many bytes.
L1_TEMP_BYTES = 256 * 1024 * 1024


def query_chunk(similarity, patterns, dim, queries):
    """Rows of Q processed per call for this work item (same rule in every peer)."""
    chunk = min(queries, QUERY_CHUNK)
    if similarity == "l1":
        chunk = max(1, min(chunk, L1_TEMP_BYTES // (patterns * dim * 4)))
    return chunk


def flops(similarity, patterns, dim, queries):
    per = 4 if similarity == "dot" else 5
    return per * patterns * dim * queries


def beta_for(dim, beta):
    return beta if beta is not None else 1.0 / math.sqrt(dim)


def make_data(patterns, dim, queries, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    k = rng.standard_normal((patterns, dim), dtype=np.float32)
    q = rng.standard_normal((queries, dim), dtype=np.float32)
    return k, q


def retrieval_args(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--patterns", type=int, default=1000)
    p.add_argument("--dim", type=int, default=784)
    p.add_argument("--queries", type=int, default=1000)
    p.add_argument("--similarity", choices=["dot", "l1", "l2"], default="dot")
    p.add_argument("--beta", type=float, default=None, help="fixed beta (default 1/sqrt(dim))")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args()
    for name in ("patterns", "dim", "queries", "repeats", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name} must be >= 1, got {getattr(a, name)}")
    return a


def time_it(fn, repeats, warmup):
    """Run fn warmup times untimed, then repeats times; return (median seconds, last result)."""
    out = None
    for _ in range(warmup):
        out = fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def emit_retrieval(peer, a, median_seconds, checksum, extra=None):
    rec = {
        "peer": peer,
        "similarity": a.similarity,
        "patterns": a.patterns,
        "dim": a.dim,
        "queries": a.queries,
        "repeats": a.repeats,
        "median_seconds": median_seconds,
        "queries_per_second": a.queries / median_seconds,
        "gflops": flops(a.similarity, a.patterns, a.dim, a.queries) / median_seconds / 1e9,
        "threads": a.threads,
        "query_chunk": query_chunk(a.similarity, a.patterns, a.dim, a.queries),
        "beta": beta_for(a.dim, a.beta),
        "checksum": checksum,
    }
    if extra:
        rec.update(extra)
    print(json.dumps(rec), flush=True)


def warn_env():
    if os.environ.get("OPENBLAS_CORETYPE"):
        print(f"warning: OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']} is set; "
              "unset it (it can halve OpenBLAS throughput)", file=sys.stderr)
