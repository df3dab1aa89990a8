"""Small transformer encoders for intent classification and token classification, written with
plain torch ops so that torch.onnx (opset 14) exports them cleanly for onnxruntime/transformers.js.
"""
from __future__ import annotations

import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class Dense(nn.Linear):
    """nn.Linear whose training-time matmul runs as a 1x1 convolution.

    The Debian torch build links the reference (netlib) BLAS, so addmm is ~30x slower than the
    oneDNN convolution kernels. Same parameters and maths; during ONNX export (and when
    Dense.fast is False) it is a plain F.linear, i.e. a MatMul/Gemm node in the graph."""

    fast = True

    def forward(self, x):
        if not _fast():
            return F.linear(x, self.weight, self.bias)
        shp = x.shape
        y = F.conv1d(x.reshape(-1, shp[-1]).t().unsqueeze(0), self.weight.unsqueeze(-1), self.bias)
        return y.squeeze(0).t().reshape(*shp[:-1], self.out_features)


def _fast():
    return Dense.fast and not torch.onnx.is_in_onnx_export()


def bmm(a, b):
    """a [G, M, K] @ b [G, K, N]. Training path: grouped 1x1 convolution (oneDNN), which is 5-10x
    faster than bmm with the reference BLAS here; export path: plain MatMul."""
    if not _fast():
        return torch.matmul(a, b)
    g, m, k = a.shape
    n = b.shape[2]
    out = F.conv1d(b.reshape(1, g * k, n), a.reshape(g * m, k, 1), groups=g)
    return out.reshape(g, m, n)


class Block(nn.Module):
    """Pre-LayerNorm transformer block (self-attention + GELU feed-forward)."""

    def __init__(self, d: int, heads: int, ff: int, drop: float):
        super().__init__()
        self.heads, self.dh = heads, d // heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = Dense(d, 3 * d)
        self.proj = Dense(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff1 = Dense(d, ff)
        self.ff2 = Dense(ff, d)
        self.drop = nn.Dropout(drop)

    def forward(self, x, bias):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        # [b, t, d] -> [b*heads, t, dh]
        q = q.reshape(b, t, self.heads, self.dh).transpose(1, 2).reshape(-1, t, self.dh)
        k = k.reshape(b, t, self.heads, self.dh).transpose(1, 2).reshape(-1, t, self.dh)
        v = v.reshape(b, t, self.heads, self.dh).transpose(1, 2).reshape(-1, t, self.dh)
        att = bmm(q, k.transpose(1, 2)).reshape(b, self.heads, t, t) * (1.0 / math.sqrt(self.dh)) + bias
        att = torch.softmax(att, dim=-1).reshape(-1, t, t)
        h = bmm(att, v).reshape(b, self.heads, t, self.dh).transpose(1, 2).reshape(b, t, d)
        x = x + self.drop(self.proj(h))
        x = x + self.drop(self.ff2(F.gelu(self.ff1(self.ln2(x)))))
        return x


class Encoder(nn.Module):
    def __init__(self, vocab_size, d=128, layers=2, heads=4, ff=512, max_pos=64, drop=0.1):
        super().__init__()
        self.tok = nn.Embedding(vocab_size, d, padding_idx=0)
        self.pos = nn.Embedding(max_pos, d)
        self.ln_in = nn.LayerNorm(d)
        self.blocks = nn.ModuleList([Block(d, heads, ff, drop) for _ in range(layers)])
        self.ln_out = nn.LayerNorm(d)
        self.drop = nn.Dropout(drop)
        nn.init.normal_(self.tok.weight, std=0.05)
        nn.init.normal_(self.pos.weight, std=0.02)
        with torch.no_grad():
            self.tok.weight[0].zero_()

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device).unsqueeze(0)
        x = self.drop(self.ln_in(self.tok(input_ids) + self.pos(pos)))
        m = attention_mask.to(x.dtype)
        bias = (1.0 - m)[:, None, None, :] * -10000.0
        for blk in self.blocks:
            x = blk(x, bias)
        return self.ln_out(x), m


class IntentModel(nn.Module):
    """Masked mean pooling over the encoder output + linear head -> logits [batch, num_intents]."""

    def __init__(self, vocab_size, num_labels, **kw):
        super().__init__()
        self.enc = Encoder(vocab_size, **kw)
        d = self.enc.tok.embedding_dim
        self.head = Dense(d, num_labels)
        self.drop = nn.Dropout(kw.get("drop", 0.1))

    def from_encoded(self, x, m):
        pooled = (x * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True).clamp(min=1.0)
        return self.head(self.drop(pooled))

    def forward(self, input_ids, attention_mask):
        return self.from_encoded(*self.enc(input_ids, attention_mask))


class TokenModel(nn.Module):
    """Per-token linear head -> logits [batch, seq, num_labels] (BIO tags)."""

    def __init__(self, vocab_size, num_labels, **kw):
        super().__init__()
        self.enc = Encoder(vocab_size, **kw)
        d = self.enc.tok.embedding_dim
        self.head = Dense(d, num_labels)
        self.drop = nn.Dropout(kw.get("drop", 0.1))

    def from_encoded(self, x, m):
        return self.head(self.drop(x))

    def forward(self, input_ids, attention_mask):
        return self.from_encoded(*self.enc(input_ids, attention_mask))


class JointModel(nn.Module):
    """One encoder shared by the intent head and the BIO head (multi-task training: one forward
    and backward pass per batch). Exported as two ONNX graphs that each contain the encoder."""

    def __init__(self, vocab_size, num_intents, num_tags, **kw):
        super().__init__()
        self.intent = IntentModel(vocab_size, num_intents, **kw)
        self.tagger = TokenModel(vocab_size, num_tags, **kw)
        self.tagger.enc = self.intent.enc

    def forward(self, input_ids, attention_mask):
        x, m = self.intent.enc(input_ids, attention_mask)
        return self.intent.from_encoded(x, m), self.tagger.from_encoded(x, m)


def export_onnx(model, out_dir, *, id2label, arch, hparams, vocab_size, per_token, extra=None):
    """Writes onnx/model.onnx + config.json. Returns the ONNX file size in bytes."""
    import onnx

    model.eval()
    os.makedirs(os.path.join(out_dir, "onnx"), exist_ok=True)
    path = os.path.join(out_dir, "onnx", "model.onnx")
    ids = torch.tensor([[2, 10, 11, 12, 3], [2, 13, 3, 0, 0]], dtype=torch.long)
    mask = (ids != 0).long()
    out_axes = {0: "batch", 1: "sequence"} if per_token else {0: "batch"}
    torch.onnx.export(
        model, (ids, mask), path,
        input_names=["input_ids", "attention_mask"], output_names=["logits"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                      "attention_mask": {0: "batch", 1: "sequence"}, "logits": out_axes},
        opset_version=14, do_constant_folding=True,
    )
    onnx.checker.check_model(onnx.load(path))
    cfg = {
        "model_type": "bert",
        "architectures": [arch],
        "id2label": {str(i): l for i, l in enumerate(id2label)},
        "label2id": {l: i for i, l in enumerate(id2label)},
        "num_labels": len(id2label),
        "problem_type": "single_label_classification",
        "max_position_embeddings": hparams["max_pos"],
        "hidden_size": hparams["d"],
        "num_hidden_layers": hparams["layers"],
        "num_attention_heads": hparams["heads"],
        "intermediate_size": hparams["ff"],
        "vocab_size": vocab_size,
        "pad_token_id": 0,
        "type_vocab_size": 1,
    }
    if per_token:
        cfg.pop("problem_type")
    if extra:
        cfg["crossfeed"] = extra
    with open(os.path.join(out_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)
    return os.path.getsize(path)
