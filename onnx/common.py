"""Shared helpers for the Hopfield.ML encoder training scripts.

IDX loading, seeding, thread settings, ONNX export (opset 17, dynamic batch axis "batch"),
the fixed reference inputs and the models/manifest.json bookkeeping.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import struct
import sys
from typing import Dict, List, Sequence, Tuple

import numpy as np

# Thread settings must be in the environment before torch initialises OpenMP / OpenBLAS.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import torch  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS_DIR = os.path.join(HERE, "models")
MANIFEST = os.path.join(MODELS_DIR, "manifest.json")
REFERENCE_INPUTS = os.path.join(MODELS_DIR, "reference_inputs.f32")
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"
OPSET = 17
N_REFERENCE = 8


def data_dir() -> str:
    """The Fashion-MNIST folder: $FASHION_MNIST_DIR or the Debian default location."""
    return os.environ.get("FASHION_MNIST_DIR", DEFAULT_DATA_DIR)


def read_idx(path: str) -> np.ndarray:
    """Reads an IDX file (gzip or raw) of unsigned bytes into an array of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path}: too short for an IDX header")
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {zero:#x}, type {dtype:#x})")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    expected = int(np.prod(dims))
    if body.size != expected:
        raise ValueError(f"{path}: {body.size} bytes of data, header declares {expected}")
    return body.reshape(dims)


def load_fashion(split: str) -> Tuple[np.ndarray, np.ndarray]:
    """Loads split 'train' or 't10k' as (images float32 [n,1,28,28] in [0,1], labels int64 [n])."""
    if split not in ("train", "t10k"):
        raise ValueError(f"split must be 'train' or 't10k', got {split!r}")
    d = data_dir()
    x = read_idx(os.path.join(d, f"{split}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(d, f"{split}-labels-idx1-ubyte.gz"))
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{split}: {x.shape[0]} images but {y.shape[0]} labels")
    x = (x.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, y.astype(np.int64)


def setup(seed: int, threads: int = 2) -> None:
    """Seeds python, numpy and torch and limits torch to `threads` intra-op threads."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)


def reference_inputs() -> np.ndarray:
    """The first 8 t10k images scaled to [0,1], float32 [8,1,28,28]."""
    x, _ = load_fashion("t10k")
    return np.ascontiguousarray(x[:N_REFERENCE])


def write_f32(path: str, array: np.ndarray) -> None:
    """Writes raw little-endian float32."""
    np.ascontiguousarray(array, dtype="<f4").tofile(path)


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(module: torch.nn.Module, name: str, input_name: str, input_shape: Sequence[int],
                output_name: str) -> Tuple[str, np.ndarray]:
    """Exports `module` (eval mode) to models/<name>.onnx with a dynamic batch axis.

    Checks the graph with onnx.checker, writes models/<name>.reference.f32 (torch outputs for the
    reference inputs) and returns (path, reference outputs).
    """
    import onnx

    os.makedirs(MODELS_DIR, exist_ok=True)
    module = module.cpu().eval()
    path = os.path.join(MODELS_DIR, f"{name}.onnx")
    dummy = torch.zeros((2,) + tuple(input_shape), dtype=torch.float32)
    with torch.no_grad():
        torch.onnx.export(
            module, dummy, path,
            input_names=[input_name], output_names=[output_name],
            dynamic_axes={input_name: {0: "batch"}, output_name: {0: "batch"}},
            opset_version=OPSET, do_constant_folding=True)
    with torch.no_grad():
        fix_output_shapes(path, [tuple(module(dummy).shape[1:])])
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)

    if not os.path.exists(REFERENCE_INPUTS):
        write_f32(REFERENCE_INPUTS, reference_inputs())
    ref_in = np.fromfile(REFERENCE_INPUTS, dtype="<f4").reshape((N_REFERENCE, 1, 28, 28))
    if tuple(input_shape) == (1, 28, 28):
        feed = torch.from_numpy(ref_in.copy())
    else:
        feed = _reference_latents(input_shape)
    with torch.no_grad():
        out = module(feed).numpy().astype(np.float32)
    write_f32(os.path.join(MODELS_DIR, f"{name}.reference.f32"), out)
    return path, out


def fix_output_shapes(path: str, shapes: Sequence[Sequence[int]]) -> None:
    """Declares the non-batch output dimensions as fixed numbers where the exporter left them
    symbolic (a reshape hides them from torch's shape inference), keeping "batch" dynamic."""
    import onnx

    model = onnx.load(path)
    changed = False
    for out, shape in zip(model.graph.output, shapes):
        dims = out.type.tensor_type.shape.dim
        if len(dims) != len(shape) + 1:
            raise ValueError(f"{path}: output {out.name} has rank {len(dims)}, torch gives {len(shape) + 1}")
        dims[0].Clear()
        dims[0].dim_param = "batch"
        for d, n in zip(list(dims)[1:], shape):
            if d.dim_param or d.dim_value != n:
                d.Clear()
                d.dim_value = int(n)
                changed = True
    if changed:
        onnx.save(model, path)


def _reference_latents(input_shape: Sequence[int]) -> torch.Tensor:
    """For models whose input is not an image (the decoder): the encoder's latents of the
    reference images, read from models/autoencoder_encoder.reference.f32."""
    p = os.path.join(MODELS_DIR, "autoencoder_encoder.reference.f32")
    z = np.fromfile(p, dtype="<f4").reshape((N_REFERENCE,) + tuple(input_shape))
    return torch.from_numpy(z.copy())


def io_desc(model_path: str) -> Dict[str, List[dict]]:
    """Input/output names and shapes as stored in the ONNX graph ("batch" for the dynamic axis)."""
    import onnx

    m = onnx.load(model_path)

    def desc(values):
        res = []
        for v in values:
            dims = [d.dim_param if d.dim_param else d.dim_value for d in v.type.tensor_type.shape.dim]
            res.append({"name": v.name, "shape": dims, "type": "float32"})
        return res

    return {"inputs": desc(m.graph.input), "outputs": desc(m.graph.output)}


def update_manifest(name: str, entry: dict) -> None:
    """Adds or replaces models/manifest.json's entry for `name` (file, sha256, io filled in here)."""
    path = os.path.join(MODELS_DIR, f"{name}.onnx")
    manifest = {}
    if os.path.exists(MANIFEST):
        with open(MANIFEST) as f:
            manifest = json.load(f)
    manifest.setdefault("dataset", {
        "name": "Fashion-MNIST", "licence": "MIT",
        "source": "Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"})
    manifest["opset"] = OPSET
    manifest["reference_inputs"] = {
        "file": "reference_inputs.f32", "sha256": sha256(REFERENCE_INPUTS),
        "format": "raw little-endian float32", "shape": [N_REFERENCE, 1, 28, 28],
        "description": "the first 8 t10k test images, pixel/255"}
    models = manifest.setdefault("models", {})
    full = {"file": f"{name}.onnx", "sha256": sha256(path), "bytes": os.path.getsize(path)}
    full.update(io_desc(path))
    full.update(entry)
    ref = os.path.join(MODELS_DIR, f"{name}.reference.f32")
    full["reference_outputs_file"] = f"{name}.reference.f32"
    full["reference_outputs_sha256"] = sha256(ref)
    models[name] = full
    manifest["models"] = dict(sorted(models.items()))
    with open(MANIFEST, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def command_line() -> str:
    return "OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 python3 onnx/" + " ".join(
        [os.path.basename(sys.argv[0])] + sys.argv[1:])


def knn_accuracy(train_f: np.ndarray, train_y: np.ndarray, test_f: np.ndarray, test_y: np.ndarray,
                 k: int = 20, cosine: bool = True, chunk: int = 1000) -> float:
    """k-nearest-neighbour accuracy (majority vote; ties to the smallest label)."""
    tr = torch.from_numpy(np.ascontiguousarray(train_f, dtype=np.float32))
    te = torch.from_numpy(np.ascontiguousarray(test_f, dtype=np.float32))
    if cosine:
        tr = torch.nn.functional.normalize(tr, dim=1)
        te = torch.nn.functional.normalize(te, dim=1)
    ty = torch.from_numpy(train_y)
    correct = 0
    tr_sq = (tr * tr).sum(1)
    for s in range(0, te.shape[0], chunk):
        q = te[s:s + chunk]
        if cosine:
            score = q @ tr.T
        else:
            score = 2 * q @ tr.T - tr_sq[None, :]
        idx = score.topk(k, dim=1).indices
        votes = torch.zeros(q.shape[0], 10)
        votes.scatter_add_(1, ty[idx], torch.ones(idx.shape, dtype=torch.float32))
        pred = votes.argmax(1).numpy()
        correct += int((pred == test_y[s:s + chunk]).sum())
    return correct / te.shape[0]
