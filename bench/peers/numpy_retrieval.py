#!/usr/bin/env python3
"""numpy peer: modern-Hopfield retrieval Y = softmax(beta*S) K, one JSON line per run.

dot: S = Q K^T (OpenBLAS sgemm); l2: expansion form -sqrt(max(|q|^2+|k|^2-2 q.k, 0)) (sgemm);
l1: broadcasting -sum(|q[:,None,:]-K[None,:,:]|, -1) on query chunks (no BLAS form exists).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.retrieval_args(__doc__)
# OpenBLAS reads these when it is loaded, i.e. at "import numpy" below.
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
os.environ["OMP_NUM_THREADS"] = str(a.threads)
import numpy as np  # noqa: E402

k, q = peerlib.make_data(a.patterns, a.dim, a.queries, a.seed)
beta = np.float32(peerlib.beta_for(a.dim, a.beta))
chunk = peerlib.query_chunk(a.similarity, a.patterns, a.dim, a.queries)
kt = np.ascontiguousarray(k.T)
knorm = np.einsum("pd,pd->p", k, k) if a.similarity == "l2" else None
y = np.empty_like(q)


def scores(qc):
    if a.similarity == "dot":
        s = qc @ kt
        s *= beta
        return s
    if a.similarity == "l2":
        s = qc @ kt
        s *= np.float32(-2.0)
        s += knorm[None, :]
        s += np.einsum("bd,bd->b", qc, qc)[:, None]
        np.maximum(s, 0, out=s)
        np.sqrt(s, out=s)
        s *= -beta
        return s
    s = np.abs(qc[:, None, :] - k[None, :, :]).sum(axis=-1, dtype=np.float32)
    s *= -beta
    return s


def retrieve():
    for i in range(0, a.queries, chunk):
        s = scores(q[i:i + chunk])
        s -= s.max(axis=1, keepdims=True)
        np.exp(s, out=s)
        s /= s.sum(axis=1, keepdims=True)
        np.matmul(s, k, out=y[i:i + chunk])
    return y


med, out = peerlib.time_it(retrieve, a.repeats, a.warmup)
peerlib.emit_retrieval("numpy", a, med, float(out.sum(dtype=np.float64)),
                       {"version": np.__version__})
