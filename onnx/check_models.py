"""Runs every exported graph with a small interpreter of its ONNX nodes (torch.nn.functional per
op, independent of the torch modules that produced it) on models/reference_inputs.f32 and
compares with models/<name>.reference.f32. Also checks manifest sha256s and onnx.checker.

Usage: python3 onnx/check_models.py      (exit status 1 on any mismatch > 1e-4)
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

import common
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pads2(p):
    if p and (p[0] != p[2] or p[1] != p[3]):
        raise NotImplementedError("asymmetric pads")
    return (p[0], p[1]) if p else (0, 0)


def run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    env[model.graph.input[0].name] = torch.from_numpy(x)
    for n in model.graph.node:
        a, i = attrs(n), [env[k] if k else None for k in n.input]
        op = n.op_type
        if op == "Conv":
            y = F.conv2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=tuple(a.get("strides", (1, 1))),
                         padding=pads2(a.get("pads")), dilation=tuple(a.get("dilations", (1, 1))),
                         groups=a.get("group", 1))
        elif op == "ConvTranspose":
            y = F.conv_transpose2d(i[0], i[1], i[2] if len(i) > 2 else None, stride=tuple(a.get("strides", (1, 1))),
                                   padding=pads2(a.get("pads")), output_padding=tuple(a.get("output_padding", (0, 0))),
                                   groups=a.get("group", 1))
        elif op == "BatchNormalization":
            y = F.batch_norm(i[0], i[3], i[4], i[1], i[2], training=False, eps=a.get("epsilon", 1e-5))
        elif op == "Relu":
            y = F.relu(i[0])
        elif op == "Sigmoid":
            y = torch.sigmoid(i[0])
        elif op == "MaxPool":
            y = F.max_pool2d(i[0], tuple(a["kernel_shape"]), tuple(a.get("strides", a["kernel_shape"])),
                             pads2(a.get("pads")))
        elif op == "GlobalAveragePool":
            y = i[0].mean(dim=(2, 3), keepdim=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = i[0].reshape(int(np.prod(i[0].shape[:ax])), -1)
        elif op == "Gemm":
            A = i[0].T if a.get("transA", 0) else i[0]
            B = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * (A @ B)
            if len(i) > 2:
                y = y + a.get("beta", 1.0) * i[2]
        elif op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op == "Reshape":
            y = i[0].reshape([int(s) for s in i[1]])
        elif op == "Add":
            y = i[0] + i[1]
        elif op == "Mul":
            y = i[0] * i[1]
        elif op == "Div":
            y = i[0] / i[1]
        elif op == "Sqrt":
            y = torch.sqrt(i[0])
        elif op == "ReduceSum":
            y = i[0].sum(dim=tuple(int(d) for d in i[1]), keepdim=bool(a.get("keepdims", 1)))
        else:
            raise NotImplementedError(op)
        env[n.output[0]] = y
    return env[model.graph.output[0].name].numpy()


def main() -> int:
    with open(common.MANIFEST) as f:
        manifest = json.load(f)
    x = np.fromfile(common.REFERENCE_INPUTS, dtype="<f4").reshape(8, 1, 28, 28)
    bad = 0
    for name, e in manifest["models"].items():
        path = os.path.join(common.MODELS_DIR, e["file"])
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=True)
        sha_ok = common.sha256(path) == e["sha256"]
        feed = x
        if "reference_inputs_file" in e:
            feed = np.fromfile(os.path.join(common.MODELS_DIR, e["reference_inputs_file"]), dtype="<f4")
            feed = feed.reshape([8] + e["inputs"][0]["shape"][1:])
        ref = np.fromfile(os.path.join(common.MODELS_DIR, e["reference_outputs_file"]), dtype="<f4")
        with torch.no_grad():
            out = run(model, feed)
        shape_ok = list(out.shape[1:]) == e["outputs"][0]["shape"][1:]
        err = float(np.abs(out.reshape(-1) - ref).max())
        ok = sha_ok and shape_ok and err <= 1e-4
        bad += not ok
        print(f"{name}: sha256 {'ok' if sha_ok else 'MISMATCH'}, output {list(out.shape)}, "
              f"max |onnx - reference| = {err:.2e} {'ok' if ok else 'FAIL'}")
    return 1 if bad else 0


if __name__ == "__main__":
    torch.set_num_threads(1)
    sys.exit(main())
