#!/usr/bin/env python3
"""torch peer: modern-Hopfield retrieval Y = softmax(beta*S) K on CPU, one JSON line per run.

dot: S = Q K^T; l1/l2: S = -torch.cdist(Q, K, p=1|2) (p=2 uses cdist's matmul path).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.retrieval_args(__doc__)
os.environ.pop("OPENBLAS_CORETYPE", None)
os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
os.environ["OMP_NUM_THREADS"] = str(a.threads)
import torch  # noqa: E402

torch.set_num_threads(a.threads)
k_np, q_np = peerlib.make_data(a.patterns, a.dim, a.queries, a.seed)
k = torch.from_numpy(k_np)
q = torch.from_numpy(q_np)
beta = peerlib.beta_for(a.dim, a.beta)
chunk = peerlib.query_chunk(a.similarity, a.patterns, a.dim, a.queries)
y = torch.empty_like(q)


def retrieve():
    with torch.inference_mode():
        for i in range(0, a.queries, chunk):
            qc = q[i:i + chunk]
            if a.similarity == "dot":
                s = torch.mm(qc, k.t())
                s.mul_(beta)
            else:
                s = torch.cdist(qc, k, p=1.0 if a.similarity == "l1" else 2.0)
                s.mul_(-beta)
            s = torch.softmax(s, dim=1)
            torch.mm(s, k, out=y[i:i + chunk])
    return y


med, out = peerlib.time_it(retrieve, a.repeats, a.warmup)
peerlib.emit_retrieval("torch", a, med, float(out.double().sum()),
                       {"version": torch.__version__, "torch_threads": torch.get_num_threads()})
