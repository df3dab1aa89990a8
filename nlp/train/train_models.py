#!/usr/bin/python3
"""Train crossfeed's on-device NLU models (intent classifier + entity tagger).

Run from the repository root:
    /usr/bin/python3 nlp/train/train_models.py [--epochs N] [--no-retrain] [--separate]

Steps
  1. read data/nlu/intents/*.yaml (inline entity marks) and data/catalog/topics.yaml; fail on unknown
     labels, malformed marks or the same text under two intents; print a lint list of unmarked mentions
  2. seeded, stratified 85/15 split; vocabulary + WordPiece tokenizer built from the training part
  3. train on the 85% (chat-noise augmentation, slot swapping, token dropout) and print held-out
     metrics, also on a copy of the held-out set with typos/@mentions/emotes added
  4. rebuild the vocabulary from all data, retrain on 100% with the same settings and seed, and export
     ONNX (opset 14) + config.json + tokenizer files to data/models/{intent,entities}/, plus the int8
     onnx/model_quantized.onnx that the bot loads by default (nlp/train/quantize.py)
  5. write data/models/metrics.json and /tmp/crossfeed_nlu_fixture.json (torch logits that
     nlp/train/check_models.mjs compares with onnxruntime in transformers.js)

Model: a 2-layer pre-LN transformer encoder (d=128, 4 heads, FFN 256, learned positions up to 64)
shared by two heads during training (masked mean pooling -> intent logits; per-token -> BIO logits),
trained jointly with one loss (intent CE with label smoothing 0.1 + BIO CE with 0.05). Each exported
graph carries its own copy of the encoder, so the two model folders are independent.
"""
from __future__ import annotations

import argparse
import collections
import json
import math
import os
import random
import sys
import time

# With the default (active) OpenMP wait policy, torch slows down 10-20x as soon as another
# process competes for the 2 cores; passive waiting costs nothing measurable when the machine is idle.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from augment import SLOTS, TEMPLATES, EMOTES, MENTIONS, NOISE, Augmenter, synthetic  # noqa: E402
from models import Dense, IntentModel, JointModel, TokenModel, export_onnx  # noqa: E402
from quantize import quantize_model  # noqa: E402
from nlu_data import ENTITY_LABELS, INTENTS, load_intents, load_topics  # noqa: E402
import wordpiece as wp  # noqa: E402

SEED = 13
HP = dict(d=128, layers=2, heads=4, ff=256, max_pos=64, drop=0.1)
BATCH = 48
SHARED = True  # one encoder shared by both heads (multi-task training); --separate trains two encoders
SUBWORD_SPLIT = 0.0  # >0: training-time probability of spelling a known word with sub-word pieces (no gain measured)
LR = 2e-3
BIO = ["O"] + [f"{p}-{l}" for l in ENTITY_LABELS for p in ("B", "I")]
FIXTURE = "/tmp/crossfeed_nlu_fixture.json"


def seed_all(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def log(*a):
    print(*a, flush=True)


# ------------------------------------------------------------------------------------------------
# data
def dedupe(examples):
    """Drop exact duplicates (after tokenizer normalization) inside an intent; fail on conflicts."""
    seen, out, dropped, conflicts = {}, [], 0, []
    for e in examples:
        key = " ".join(wp.words_of(e.text))
        if key in seen:
            if seen[key].intent != e.intent:
                conflicts.append(f"  '{e.text}' is in {seen[key].intent} and {e.intent}")
            dropped += 1
            continue
        seen[key] = e
        out.append(e)
    if conflicts:
        raise SystemExit("conflicting examples (same text, different intents):\n" + "\n".join(conflicts))
    return out, dropped


def lint_unmarked(examples, phrases):
    """Warn about catalog topics / known games that appear unmarked (likely a missed mark)."""
    ambiguous = {"lol", "league", "ai", "photo", "cook", "ts", "js", "node", "obs", "bread", "camera", "finance",
                 "ml", "py", "valo", "直播", "剪辑", "手工", "英文", "中文", "做饭", "bake", "english", "chinese",
                 "rust", "unity", "chess", "stocks", "streaming", "youtube", "speedrun", "cs go", "database"}
    known = {p for p in phrases if p not in ambiguous and (len(p) >= 4 or wp.is_cjk_js(p[0]))}
    known |= {g for g in SLOTS["game_en"] + SLOTS["game_zh"] if g not in ambiguous and len(g) >= 2}
    hits = []
    known = sorted((p, " " + " ".join(wp.words_of(p)) + " ") for p in known)
    for e in examples:
        norm = " " + " ".join(wp.words_of(e.text)) + " "
        covered = " " + " ".join(" ".join(wp.words_of(s.text)) for s in e.spans) + " "
        for p, pn in known:
            if pn in norm and pn not in covered:
                hits.append(f"  [{e.intent}] {e.text}  <- '{p}'")
    return hits


def stratified_split(examples, frac, seed):
    rng = random.Random(seed)
    by = collections.defaultdict(list)
    for e in examples:
        by[e.intent].append(e)
    train, test = [], []
    for intent in INTENTS:
        xs = by[intent][:]
        rng.shuffle(xs)
        k = max(1, round(len(xs) * frac))
        test += xs[:k]
        train += xs[k:]
    return train, test


def extra_vocab_words(topic_phrases):
    words = list(topic_phrases) + EMOTES + MENTIONS + NOISE
    for v in SLOTS.values():
        words += v
    for tpls in TEMPLATES.values():
        words += [t.replace("{", " ").replace("}", " ") for t in tpls]
    return words


def encode(tok, text, spans, split_prob=0.0, rng=None):
    """-> (ids, bio_ids) with [CLS]/[SEP], truncated to 64 like transformers.js."""
    toks = tok.tokenize_with_offsets(text, split_prob, rng)
    ids = [wp.CLS_ID] + [tok.vocab.get(t, wp.UNK_ID) for t, _, _ in toks] + [wp.SEP_ID]
    if any(a is None for _, a, _ in toks):
        tags = [-100] * len(ids)
    else:
        tags, used = [0], set()
        for _, a, b in toks:
            lab = 0
            for k, s in enumerate(spans):
                if s.start <= a < s.end:
                    lab = BIO.index(("I-" if k in used else "B-") + s.label)
                    used.add(k)
                    break
            tags.append(lab)
        tags.append(0)
    return ids[: HP["max_pos"]], tags[: HP["max_pos"]]


def pad_batch(rows):
    t = max(len(r[0]) for r in rows)
    ids = torch.zeros(len(rows), t, dtype=torch.long)
    mask = torch.zeros(len(rows), t, dtype=torch.long)
    tags = torch.full((len(rows), t), -100, dtype=torch.long)
    for i, (x, y, *_rest) in enumerate(rows):
        ids[i, : len(x)] = torch.tensor(x)
        mask[i, : len(x)] = 1
        tags[i, : len(y)] = torch.tensor(y)
    return ids, mask, tags


# ------------------------------------------------------------------------------------------------
# training
def make_epoch(train, aug, tok, rng, n_syn):
    rows = []
    for e in train:
        for _ in range(1 if e.intent == "oos" else 2):
            text, spans, intent = aug(e.text, e.spans, e.intent)
            ids, tags = encode(tok, text, spans, SUBWORD_SPLIT, rng)
            rows.append((ids, tags, INTENTS.index(intent)))
    for intent, n in n_syn.items():
        for _ in range(n):
            text, spans = synthetic(rng, intent)
            text, spans, _ = aug(text, spans, intent)
            ids, tags = encode(tok, text, spans, SUBWORD_SPLIT, rng)
            rows.append((ids, tags, INTENTS.index(intent)))
    # length-bucketed batches (less padding), batch order shuffled
    rng.shuffle(rows)
    batches = []
    for i in range(0, len(rows), BATCH * 16):
        chunk = sorted(rows[i: i + BATCH * 16], key=lambda r: len(r[0]))
        batches += [chunk[j: j + BATCH] for j in range(0, len(chunk), BATCH)]
    rng.shuffle(batches)
    return batches


def token_dropout(ids, mask, rng_t, vocab_size, p=0.08):
    special = (ids < 5)
    drop = (torch.rand(ids.shape, generator=rng_t) < p) & ~special & (mask == 1)
    rand_ids = torch.randint(5, vocab_size, ids.shape, generator=rng_t)
    use_unk = torch.rand(ids.shape, generator=rng_t) < 0.5
    repl = torch.where(use_unk, torch.full_like(ids, wp.UNK_ID), rand_ids)
    return torch.where(drop, repl, ids)


def train_models(train, tok, topic_phrases, epochs, seed, tag):
    seed_all(seed)
    vocab_size = len(tok.vocab)
    if SHARED:
        joint = JointModel(vocab_size, len(INTENTS), len(BIO), **HP)
        intent_model, ent_model = joint.intent, joint.tagger
    else:
        intent_model = IntentModel(vocab_size, len(INTENTS), **HP)
        ent_model = TokenModel(vocab_size, len(BIO), **HP)
    aug = Augmenter(train, topic_phrases, seed)
    rng = random.Random(seed + 1)
    rng_t = torch.Generator().manual_seed(seed + 2)
    n_syn = {"recommend_course": 60, "get_coupon": 50, "ask_insurance": 40, "oos": 220}
    bs = BATCH
    est_rows = sum(1 if e.intent == "oos" else 2 for e in train) + sum(n_syn.values())
    total_steps = epochs * math.ceil(est_rows / bs)
    warm = max(1, int(0.06 * total_steps))
    opts = [torch.optim.AdamW(m.parameters(), lr=LR, weight_decay=0.01, betas=(0.9, 0.98))
            for m in ((joint,) if SHARED else (intent_model, ent_model))]
    sched = lambda step: min(1.0, (step + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, step / total_steps)))
    step, t0 = 0, time.time()
    for ep in range(epochs):
        intent_model.train()
        ent_model.train()
        batches = make_epoch(train, aug, tok, rng, n_syn)
        li = le = 0.0
        nb = 0
        for chunk in batches:
            ids, mask, tags = pad_batch(chunk)
            y = torch.tensor([r[2] for r in chunk])
            ids = token_dropout(ids, mask, rng_t, vocab_size)
            lr_scale = sched(step)
            for o in opts:
                for g in o.param_groups:
                    g["lr"] = LR * lr_scale
            if SHARED:
                logits_i, logits_e = joint(ids, mask)
            else:
                logits_i, logits_e = intent_model(ids, mask), ent_model(ids, mask)
            loss_i = F.cross_entropy(logits_i, y, label_smoothing=0.1)
            loss_e = F.cross_entropy(logits_e.reshape(-1, len(BIO)), tags.reshape(-1), ignore_index=-100,
                                     label_smoothing=0.05)
            steps = ((opts[0], loss_i + loss_e, joint),) if SHARED else \
                ((opts[0], loss_i, intent_model), (opts[1], loss_e, ent_model))
            for o, loss, m in steps:
                o.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
                o.step()
            li += loss_i.item()
            le += loss_e.item()
            nb += 1
            step += 1
        if ep == 0 or (ep + 1) % 5 == 0 or ep == epochs - 1:
            log(f"  [{tag}] epoch {ep + 1:2d}/{epochs}  intent loss {li / nb:.3f}  entity loss {le / nb:.3f}"
                f"  ({sum(map(len, batches))} samples, {time.time() - t0:.0f}s)")
    intent_model.eval()
    ent_model.eval()
    return intent_model, ent_model


# ------------------------------------------------------------------------------------------------
# evaluation
@torch.no_grad()
def predict(intent_model, ent_model, rows, bs=64):
    intents, tags, confs = [], [], []
    for i in range(0, len(rows), bs):
        chunk = rows[i: i + bs]
        ids, mask, _ = pad_batch(chunk)
        probs = torch.softmax(intent_model(ids, mask), -1)
        intents += probs.argmax(-1).tolist()
        confs += probs.max(-1).values.tolist()
        pe = ent_model(ids, mask).argmax(-1)
        for j, r in enumerate(chunk):
            tags.append(pe[j, : len(r[0])].tolist())
    return intents, tags, confs


def spans_from_tags(tags):
    """conlleval-style: B-X starts; I-X continues an open X span, otherwise starts one."""
    spans, cur = set(), None
    for i, t in enumerate(list(tags) + [0]):
        lab = BIO[t] if t >= 0 else "O"
        if lab == "O" or lab.startswith("B-") or (cur and lab[2:] != cur[0]):
            if cur:
                spans.add((cur[0], cur[1], i))
            cur = (lab[2:], i) if lab != "O" else None
    return spans


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def evaluate(intent_model, ent_model, tok, examples, title):
    rows = []
    for e in examples:
        ids, tags = encode(tok, e.text, e.spans)
        rows.append((ids, tags, INTENTS.index(e.intent)))
    pred_i, pred_t, conf = predict(intent_model, ent_model, rows)
    gold_i = [r[2] for r in rows]
    acc = sum(p == g for p, g in zip(pred_i, gold_i)) / len(rows)
    per = {}
    for k, name in enumerate(INTENTS):
        tp = sum(p == k and g == k for p, g in zip(pred_i, gold_i))
        fp = sum(p == k and g != k for p, g in zip(pred_i, gold_i))
        fn = sum(p != k and g == k for p, g in zip(pred_i, gold_i))
        p, r, f = prf(tp, fp, fn)
        per[name] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}
    macro = sum(v["f1"] for v in per.values()) / len(per)
    oos = INTENTS.index("oos")
    in_scope = [(p, g) for p, g in zip(pred_i, gold_i) if g != oos]
    sweep = {}
    for th in (0.5, 0.6, 0.7, 0.8):
        pt = [p if c >= th else oos for p, c in zip(pred_i, conf)]
        tp = sum(p == oos and g == oos for p, g in zip(pt, gold_i))
        fp = sum(p == oos and g != oos for p, g in zip(pt, gold_i))
        fn = sum(p != oos and g == oos for p, g in zip(pt, gold_i))
        op, orc, _ = prf(tp, fp, fn)
        sweep[str(th)] = {"accuracy": round(sum(p == g for p, g in zip(pt, gold_i)) / len(rows), 4),
                          "oos_precision": round(op, 4), "oos_recall": round(orc, 4)}
    ent_counts = collections.defaultdict(lambda: [0, 0, 0])
    for r, pt in zip(rows, pred_t):
        gold_tags = r[1]
        if any(t < 0 for t in gold_tags):
            continue
        g = spans_from_tags(gold_tags[1:-1] if len(gold_tags) > 1 else [])
        p = spans_from_tags(pt[1:-1] if len(pt) > 1 else [])
        for lab in ENTITY_LABELS:
            gs = {s for s in g if s[0] == lab}
            ps = {s for s in p if s[0] == lab}
            ent_counts[lab][0] += len(gs & ps)
            ent_counts[lab][1] += len(ps - gs)
            ent_counts[lab][2] += len(gs - ps)
    ent = {}
    for lab in ENTITY_LABELS:
        tp, fp, fn = ent_counts[lab]
        p, r, f = prf(tp, fp, fn)
        ent[lab] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}
    tp, fp, fn = (sum(v[i] for v in ent_counts.values()) for i in range(3))
    micro = prf(tp, fp, fn)
    res = {
        "n": len(rows),
        "intent_accuracy": round(acc, 4),
        "intent_macro_f1": round(macro, 4),
        "in_scope_accuracy": round(sum(p == g for p, g in in_scope) / max(1, len(in_scope)), 4),
        "oos_precision": per["oos"]["precision"],
        "oos_recall": per["oos"]["recall"],
        "per_intent": per,
        "entity_micro": {"precision": round(micro[0], 4), "recall": round(micro[1], 4), "f1": round(micro[2], 4)},
        "entity_per_label": ent,
        "low_confidence_as_oos": sweep,
    }
    log(f"\n== {title} ({len(rows)} examples) ==")
    log(f"intent accuracy {acc:.3f} | macro F1 {macro:.3f} | in-scope acc {res['in_scope_accuracy']:.3f} | "
        f"oos precision {per['oos']['precision']:.3f} recall {per['oos']['recall']:.3f}")
    log("  " + "  ".join(f"{k}:{v['f1']:.2f}" for k, v in per.items()))
    log("  top score below threshold -> oos: " + "  ".join(
        f"{t}: acc {v['accuracy']:.3f} oos P/R {v['oos_precision']:.3f}/{v['oos_recall']:.3f}" for t, v in sweep.items()))
    log(f"entity span micro P/R/F1 {micro[0]:.3f}/{micro[1]:.3f}/{micro[2]:.3f}")
    log("  " + "  ".join(f"{k}:{v['f1']:.2f}(n={v['support']})" for k, v in ent.items()))
    errs = [(e.text, INTENTS[p]) for e, p, g in zip(examples, pred_i, gold_i) if p != g]
    res["errors"] = [{"text": t, "gold": e.intent, "pred": p} for (t, p), e in
                     zip(errs, [e for e, p, g in zip(examples, pred_i, gold_i) if p != g])]
    for t, p in errs[:12]:
        log(f"  miss: {t!r} -> {p}")
    return res


def noisy_copy(examples, topic_phrases, seed):
    """Held-out examples with chat noise (typos, @mentions, emotes) but no slot swapping."""
    aug = Augmenter(examples, topic_phrases, seed)
    aug.swap_slots = lambda t, s, p=0.0: (t, s)
    out = []
    for e in examples:
        text, spans, _ = aug(e.text, e.spans, e.intent)
        out.append(type(e)(text, e.intent, spans, e.source, e.file))
    return out


# ------------------------------------------------------------------------------------------------
def write_fixture(intent_model, ent_model, tok, path):
    texts = ["recommend me a beginner python course under $30", "有没有python入门课", "gg lol",
             "@crossfeed cheaper?", "any ramen coupons near Brooklyn?", "I need travel insurance, I'm 34",
             "KEKW KEKW", "主播今天播多久"]
    fx = {"texts": texts, "single": [], "batch": None}
    Dense.fast = False  # same ops as the exported graph (MatMul instead of the training-time conv)
    with torch.no_grad():
        for t in texts:
            ids = torch.tensor([tok.encode(t)])
            mask = torch.ones_like(ids)
            fx["single"].append({"text": t, "input_ids": ids[0].tolist(),
                                 "intent_logits": intent_model(ids, mask)[0].tolist(),
                                 "entity_logits": ent_model(ids, mask)[0].tolist()})
        pair = [texts[0], texts[2]]
        ids, mask, _ = pad_batch([(tok.encode(t), []) for t in pair])
        fx["batch"] = {"texts": pair, "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
                       "intent_logits": intent_model(ids, mask).tolist(),
                       "entity_logits": ent_model(ids, mask).tolist()}
    Dense.fast = True
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fx, f)


def main():
    global LR, SUBWORD_SPLIT, SHARED
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--no-retrain", action="store_true", help="ship the models trained on the 85%% split")
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "models"))
    ap.add_argument("--d", type=int, default=HP["d"], help="hidden size (experiments)")
    ap.add_argument("--ff", type=int, default=HP["ff"], help="feed-forward size (experiments)")
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (experiments)")
    ap.add_argument("--split", type=float, default=None, help="subword split probability (experiments)")
    ap.add_argument("--separate", action="store_true", help="train two separate encoders (about 2x slower)")
    args = ap.parse_args()
    SHARED = not args.separate
    LR = args.lr or LR
    if args.split is not None:
        SUBWORD_SPLIT = args.split
    HP.update(d=args.d, ff=args.ff)
    torch.set_num_threads(2)
    seed_all(SEED)
    t_start = time.time()

    topics, phrases = load_topics(os.path.join(ROOT, "data", "catalog", "topics.yaml"))
    examples = load_intents(os.path.join(ROOT, "data", "nlu", "intents"))
    examples, dropped = dedupe(examples)
    counts = collections.Counter(e.intent for e in examples)
    zh = collections.Counter(e.intent for e in examples if any(wp.is_cjk_js(c) for c in e.text))
    log(f"loaded {len(examples)} examples ({dropped} duplicates dropped), {sum(len(e.spans) for e in examples)} "
        f"entity marks")
    for i in INTENTS:
        log(f"  {i:17s} {counts[i]:5d}  ({zh[i] / counts[i]:.0%} Chinese/mixed)")
    outside = sorted({s.value or s.text for e in examples for s in e.spans if s.label == "topic"
                      and (s.value or s.text).lower() not in phrases})
    log(f"topic values outside topics.yaml ({len(outside)}): {', '.join(outside)}")
    lint = lint_unmarked(examples, phrases)
    if lint:
        log(f"lint: {len(lint)} possibly unmarked entity mentions, e.g.:")
        for h in lint[:10]:
            log(h)

    topic_phrases = sorted(set(phrases) | {t for t in topics})
    extra = extra_vocab_words(topic_phrases)

    # ---- held-out evaluation ------------------------------------------------------------------
    train, test = stratified_split(examples, 0.15, SEED)
    vocab_tr, _ = wp.build_vocab([e.text for e in train], extra_words=extra)
    tok_tr = wp.WordPieceTokenizer(vocab_tr, max_len=HP["max_pos"])
    log(f"\nsplit: {len(train)} train / {len(test)} held-out (stratified, seed {SEED}); vocab {len(vocab_tr)}")
    t0 = time.time()
    im, em = train_models(train, tok_tr, topic_phrases, args.epochs, SEED, "85%")
    t_heldout = time.time() - t0
    res_clean = evaluate(im, em, tok_tr, test, "held-out 15%")
    res_noisy = evaluate(im, em, tok_tr, noisy_copy(test, topic_phrases, SEED + 7),
                         "held-out 15% + chat noise (typos/@mention/emotes)")

    # ---- final models --------------------------------------------------------------------------
    if args.no_retrain:
        final_im, final_em, tok, vocab, shipped = im, em, tok_tr, vocab_tr, "trained on the 85% split"
        t_final = 0.0
    else:
        vocab, _ = wp.build_vocab([e.text for e in examples], extra_words=extra)
        tok = wp.WordPieceTokenizer(vocab, max_len=HP["max_pos"])
        log(f"\nretraining on all {len(examples)} examples; vocab {len(vocab)}")
        t0 = time.time()
        final_im, final_em = train_models(examples, tok, topic_phrases, args.epochs, SEED, "100%")
        t_final = time.time() - t0
        shipped = "retrained on 100% of the data (same hyper-parameters and seed)"
        evaluate(final_im, final_em, tok, examples, "shipped model on its own training data (sanity only)")

    out = args.out
    sizes, qsizes = {}, {}
    meta = {"seed": SEED, "trained_on": shipped, "hyperparameters": HP, "epochs": args.epochs}
    for name, model, labels, arch, per_token in (
            ("intent", final_im, INTENTS, "BertForSequenceClassification", False),
            ("entities", final_em, BIO, "BertForTokenClassification", True)):
        d = os.path.join(out, name)
        sizes[name] = export_onnx(model, d, id2label=labels, arch=arch, hparams=HP, vocab_size=len(vocab),
                                  per_token=per_token, extra=meta)
        wp.write_tokenizer_files(vocab, d, max_len=HP["max_pos"])
        log(f"exported {d}/onnx/model.onnx ({sizes[name] / 1e6:.2f} MB)")
        q = quantize_model(os.path.join(d, "onnx", "model.onnx"), os.path.join(d, "onnx", "model_quantized.onnx"))
        qsizes[name] = q["bytes"]
        log(f"quantized {d}/onnx/model_quantized.onnx ({q['bytes'] / 1e6:.2f} MB, int8 weights; the bot's default)")
    write_fixture(final_im, final_em, tok, FIXTURE)
    log(f"wrote parity fixture {FIXTURE}")

    params = sum(p.numel() for p in final_im.parameters())
    total = time.time() - t_start
    metrics = {
        "generated_by": "nlp/train/train_models.py",
        "shipped_models": shipped,
        "data": {"examples": len(examples), "per_intent": dict(counts), "duplicates_dropped": dropped,
                 "entity_marks": sum(len(e.spans) for e in examples)},
        "split": {"train": len(train), "held_out": len(test), "seed": SEED, "stratified_by": "intent"},
        "vocab_size": len(vocab),
        "model": {"hyperparameters": HP, "parameters_per_model": params,
                  "onnx_bytes": sizes, "onnx_quantized_bytes": qsizes, "labels": {"intent": INTENTS, "entities": BIO}},
        "held_out": res_clean,
        "held_out_with_chat_noise": {k: v for k, v in res_noisy.items() if k != "errors"},
        "timing_s": {"held_out_run": round(t_heldout, 1), "final_run": round(t_final, 1), "total": round(total, 1)},
    }
    with open(os.path.join(out, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, ensure_ascii=False, indent=2)
    log(f"\nwrote {os.path.join(out, 'metrics.json')}")
    log(f"total time {total:.0f}s (held-out run {t_heldout:.0f}s, final run {t_final:.0f}s)")


if __name__ == "__main__":
    main()
