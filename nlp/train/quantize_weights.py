"""Weight-only int8 for an exported encoder, with the `onnx` package alone.

- every MatMul whose second input is a constant 2-D weight W [K, N]: W is stored as int8 with one
  symmetric scale per output column and put back by DequantizeLinear(axis=1) in front of the MatMul;
- every Gather from a constant 2-D table (word, position and token-type embeddings): the table is
  stored as int8 with one scale per row; the gathered rows are scaled back
      Gather(table_q, ids) -> Cast(float) -> Mul(Gather(row_scale, ids)[..., None])

Activations stay fp32, so a text's vector is the same alone or in a padded batch (the engine's
batching relies on that), unlike onnxruntime's quantize_dynamic, whose activation scale is taken
over the whole batch. Deterministic: the same input gives a byte-identical output.

`scale_after=True` writes MatMul(x, Cast(W_int8)) * column_scale instead of DequantizeLinear -> MatMul:
the same product, but onnxruntime cannot fuse it into MatMulNBits, whose int8 arithmetic on the
activations changes a vector by up to 2e-3 and differently for a batch of one than for larger ones
(it constant-folds the Cast into fp32 weights at load instead: exact fp32 MatMuls, 4 bytes a weight
in memory, 1 on disk).

`gather_bits=4` stores embedding tables in 4 bits instead (per row: uint8 codes 0..15 packed two to a
byte, even column in the high nibble, with a scale and an offset per row; see _q4), for large vocabularies:
    Gather(packed, ids) -> Cast(int32) -> Div 16 / Mod 16 -> interleave -> Cast(float)
        -> Mul(Gather(row_scale, ids)) -> Add(Gather(row_offset, ids))
"""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def _q(w: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    amax = np.abs(w).max(axis=1 - axis if w.ndim == 2 else None)
    scale = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    shape = (1, -1) if axis == 1 else (-1, 1)
    q = np.clip(np.round(w / scale.reshape(shape)), -127, 127).astype(np.int8)
    return q, scale


def _q4(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """16 levels per row between lo and lo + 15 * scale; the range is the row's min..max shrunk
    around its middle by the factor (1 .. 0.7) that gives the least squared error (clipping a few
    outliers buys finer steps for the rest: on USE-m's table, mean cosine 0.991 -> 0.994)."""
    mid, half = (w.max(axis=1) + w.min(axis=1)) / 2, (w.max(axis=1) - w.min(axis=1)) / 2
    best_err = np.full(w.shape[0], np.inf)
    q = np.zeros(w.shape, dtype=np.uint8)
    scale = np.ones(w.shape[0], dtype=np.float32)
    lo = np.zeros(w.shape[0], dtype=np.float32)
    for r in (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7):
        lo_r = (mid - half * r).astype(np.float32)
        s_r = np.where(half > 0, 2 * half * r / 15.0, 1.0).astype(np.float32)
        q_r = np.clip(np.round((w - lo_r[:, None]) / s_r[:, None]), 0, 15).astype(np.uint8)
        err = ((q_r * s_r[:, None] + lo_r[:, None] - w) ** 2).sum(axis=1)
        better = err < best_err
        q[better], scale[better], lo[better], best_err[better] = q_r[better], s_r[better], lo_r[better], err[better]
    return (q[:, 0::2] * 16 + q[:, 1::2]).astype(np.uint8), scale, lo


def _gather4(name: str, w: np.ndarray, ids: str, out: str) -> tuple[list, list]:
    packed, scale, lo = _q4(w)
    c = lambda a, n: numpy_helper.from_array(a, name + n)  # noqa: E731
    add = [c(packed, "_q4"), c(scale, "_rs"), c(lo, "_ro"), c(np.array([-1], dtype=np.int64), "_axes"),
           c(np.array(16, dtype=np.int32), "_16"), c(np.array([w.shape[1]], dtype=np.int64), "_dim")]
    n = lambda op, i, o, **kw: helper.make_node(op, i, [out + o], **kw)  # noqa: E731
    nodes = [
        n("Gather", [name + "_q4", ids], "_p", axis=0),
        n("Cast", [out + "_p"], "_i", to=TensorProto.INT32),
        n("Div", [out + "_i", name + "_16"], "_hi"),
        n("Mod", [out + "_i", name + "_16"], "_lo"),
        n("Unsqueeze", [out + "_hi", name + "_axes"], "_hi1"),
        n("Unsqueeze", [out + "_lo", name + "_axes"], "_lo1"),
        n("Concat", [out + "_hi1", out + "_lo1"], "_pair", axis=-1),
        n("Shape", [ids], "_ids_shape"),
        n("Concat", [out + "_ids_shape", name + "_dim"], "_shape", axis=0),
        n("Reshape", [out + "_pair", out + "_shape"], "_codes"),
        n("Cast", [out + "_codes"], "_f", to=TensorProto.FLOAT),
        n("Gather", [name + "_rs", ids], "_s", axis=0),
        n("Unsqueeze", [out + "_s", name + "_axes"], "_s1"),
        n("Gather", [name + "_ro", ids], "_o", axis=0),
        n("Unsqueeze", [out + "_o", name + "_axes"], "_o1"),
        n("Mul", [out + "_f", out + "_s1"], "_scaled"),
    ]
    nodes.append(helper.make_node("Add", [out + "_scaled", out + "_o1"], [out]))
    return nodes, add


def quantize_weights(src: str, dst: str, min_size: int = 4096, gather_bits: int = 8, scale_after: bool = False) -> dict:
    model = onnx.load(src)
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes, drop, add = [], set(), []
    stats = {"matmul": 0, "gather": 0, "params_int8": 0}
    done: dict[str, str] = {}
    for node in g.node:
        if node.op_type == "MatMul" and node.input[1] in inits:
            w = numpy_helper.to_array(inits[node.input[1]])
            if w.ndim == 2 and w.size >= min_size and w.dtype == np.float32:
                name = node.input[1]
                if name not in done:
                    q, s = _q(w, axis=1)
                    add += [numpy_helper.from_array(q, name + "_q"), numpy_helper.from_array(s, name + "_s")]
                    if scale_after:
                        new_nodes.append(helper.make_node("Cast", [name + "_q"], [name + "_qf"], to=TensorProto.FLOAT))
                        done[name] = name + "_qf"
                    else:
                        add.append(numpy_helper.from_array(np.zeros_like(s, dtype=np.int8), name + "_zp"))
                        new_nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_zp"], [name + "_dq"], axis=1))
                        done[name] = name + "_dq"
                    drop.add(name)
                    stats["matmul"] += 1
                    stats["params_int8"] += w.size
                node.input[1] = done[name]
                if scale_after:
                    out = node.output[0]
                    node.output[0] = out + "_unscaled"
                    new_nodes += [node, helper.make_node("Mul", [out + "_unscaled", name + "_s"], [out])]
                    continue
        elif node.op_type == "Gather" and node.input[0] in inits:
            w = numpy_helper.to_array(inits[node.input[0]])
            if w.ndim == 2 and w.size >= min_size and w.dtype == np.float32 and gather_bits == 4 and w.shape[1] % 2 == 0:
                nodes, extra = _gather4(node.input[0], w, node.input[1], node.output[0])
                new_nodes += nodes
                add += extra
                drop.add(node.input[0])
                stats["gather"] += 1
                stats["params_int4"] = stats.get("params_int4", 0) + w.size
                continue
            if w.ndim == 2 and w.size >= min_size and w.dtype == np.float32:
                name = node.input[0]
                q, s = _q(w, axis=0)
                add += [numpy_helper.from_array(q, name + "_q"), numpy_helper.from_array(s, name + "_rs")]
                out = node.output[0]
                ids = node.input[1]
                axes = name + "_axes"
                add.append(numpy_helper.from_array(np.array([-1], dtype=np.int64), axes))
                new_nodes += [
                    helper.make_node("Gather", [name + "_q", ids], [out + "_q8"], axis=0),
                    helper.make_node("Cast", [out + "_q8"], [out + "_f"], to=TensorProto.FLOAT),
                    helper.make_node("Gather", [name + "_rs", ids], [out + "_s"], axis=0),
                    helper.make_node("Unsqueeze", [out + "_s", axes], [out + "_s1"]),
                    helper.make_node("Mul", [out + "_f", out + "_s1"], [out]),
                ]
                drop.add(name)
                stats["gather"] += 1
                stats["params_int8"] += w.size
                continue
        new_nodes.append(node)
    # Keep topological order: DequantizeLinear nodes only read initializers, so they may go anywhere
    # before their consumers; putting every new node where it was created does that.
    del g.node[:]
    g.node.extend(new_nodes)
    kept = [i for i in g.initializer if i.name not in drop]
    del g.initializer[:]
    g.initializer.extend(kept + add)
    onnx.checker.check_model(model)
    onnx.save(model, dst)
    return stats
