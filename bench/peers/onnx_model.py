"""Builds the retrieval ONNX graph (opset 17) with the memory K as an initializer.

Input  Q: float32 [n, dim] (n dynamic: one query chunk), output Y: float32 [n, dim].
dot: MatMul(Q, Transpose(K)) -> Mul(beta) -> Softmax(axis=1) -> MatMul(., K)
l2:  expansion form: Sqrt(Max(ReduceSumSquare(Q) + |K|^2 - 2 Q K^T, 0)) -> Mul(-beta) -> Softmax -> MatMul
l1:  Sub(Unsqueeze(Q,1), K) -> Abs -> ReduceSum(axis 2) -> Mul(-beta) -> Softmax -> MatMul
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def build(k, beta, similarity):
    patterns, dim = k.shape
    inits = [
        numpy_helper.from_array(np.ascontiguousarray(k, dtype=np.float32), "K"),
        numpy_helper.from_array(np.array(beta, dtype=np.float32), "beta"),
        numpy_helper.from_array(np.array(-beta, dtype=np.float32), "neg_beta"),
    ]
    nodes = []
    if similarity in ("dot", "l2"):
        nodes.append(helper.make_node("Transpose", ["K"], ["KT"], perm=[1, 0]))
        nodes.append(helper.make_node("MatMul", ["Q", "KT"], ["QK"]))
    if similarity == "dot":
        nodes.append(helper.make_node("Mul", ["QK", "beta"], ["S"]))
    elif similarity == "l2":
        knorm = np.einsum("pd,pd->p", k, k).astype(np.float32)[None, :]
        inits += [numpy_helper.from_array(knorm, "KNorm"),
                  numpy_helper.from_array(np.array(-2.0, dtype=np.float32), "minus_two"),
                  numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")]
        nodes += [
            helper.make_node("ReduceSumSquare", ["Q"], ["QNorm"], axes=[1], keepdims=1),
            helper.make_node("Mul", ["QK", "minus_two"], ["M2QK"]),
            helper.make_node("Add", ["M2QK", "KNorm"], ["T1"]),
            helper.make_node("Add", ["T1", "QNorm"], ["D2"]),
            helper.make_node("Max", ["D2", "zero"], ["D2c"]),
            helper.make_node("Sqrt", ["D2c"], ["D"]),
            helper.make_node("Mul", ["D", "neg_beta"], ["S"]),
        ]
    elif similarity == "l1":
        inits.append(numpy_helper.from_array(np.array([1], dtype=np.int64), "axis1"))
        inits.append(numpy_helper.from_array(np.array([2], dtype=np.int64), "axis2"))
        nodes += [
            helper.make_node("Unsqueeze", ["Q", "axis1"], ["Q3"]),
            helper.make_node("Sub", ["Q3", "K"], ["Diff"]),
            helper.make_node("Abs", ["Diff"], ["AbsDiff"]),
            helper.make_node("ReduceSum", ["AbsDiff", "axis2"], ["D"], keepdims=0),
            helper.make_node("Mul", ["D", "neg_beta"], ["S"]),
        ]
    else:
        raise ValueError(f"similarity must be dot, l1 or l2, got {similarity!r}")
    nodes += [
        helper.make_node("Softmax", ["S"], ["P"], axis=1),
        helper.make_node("MatMul", ["P", "K"], ["Y"]),
    ]
    graph = helper.make_graph(
        nodes, f"hopfield_retrieval_{similarity}",
        [helper.make_tensor_value_info("Q", TensorProto.FLOAT, ["n", dim])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["n", dim])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="hopfield-ml-peers")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model
