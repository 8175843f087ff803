#!/usr/bin/env python3
"""ONNX Runtime peer: writes the retrieval graph (onnx_model.py) and the queries into a temp
dir, then times it from node with onnxruntime-node (node/ort_retrieval.js). One JSON line per run.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peerlib  # noqa: E402

a = peerlib.retrieval_args(__doc__)
import numpy as np  # noqa: E402
import onnx  # noqa: E402

import onnx_model  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
node_dir = os.path.join(here, "node")
if not os.path.isdir(os.path.join(node_dir, "node_modules", "onnxruntime-node")):
    sys.exit(f"onnxruntime-node is not installed: run `npm ci` in {node_dir}")

k, q = peerlib.make_data(a.patterns, a.dim, a.queries, a.seed)
beta = peerlib.beta_for(a.dim, a.beta)
work = tempfile.mkdtemp(prefix="hopfield-peers-ort-")
try:
    onnx.save(onnx_model.build(k, beta, a.similarity), os.path.join(work, "model.onnx"))
    q.astype("<f4").tofile(os.path.join(work, "queries.f32"))
    meta = {"queries": a.queries, "dim": a.dim, "repeats": a.repeats, "warmup": a.warmup,
            "threads": a.threads,
            "chunk": peerlib.query_chunk(a.similarity, a.patterns, a.dim, a.queries)}
    with open(os.path.join(work, "meta.json"), "w") as f:
        json.dump(meta, f)
    r = subprocess.run(["node", os.path.join(node_dir, "ort_retrieval.js"), work],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0:
        sys.exit(f"node ort_retrieval.js failed ({r.returncode}): {r.stderr.strip()}")
    res = json.loads(r.stdout.strip().splitlines()[-1])
finally:
    shutil.rmtree(work, ignore_errors=True)

peerlib.emit_retrieval("ort", a, res["median_seconds"], res["checksum"],
                       {"version": res["version"], "onnx_opset": onnx_model.OPSET})
