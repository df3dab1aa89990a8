"""BERT-style WordPiece tokenizer that reproduces what transformers.js (@huggingface/tokenizers)
does with the tokenizer.json written by `write_tokenizer_json`.

Pipeline (same order as the JS implementation):
  1. split the raw text on special tokens ([PAD] [UNK] [CLS] [SEP] [MASK]) typed literally
  2. BertNormalizer: clean_text -> handle_chinese_chars -> lowercase -> strip_accents (NFD, drop Mn)
  3. BertPreTokenizer: trim, then runs of non-space/non-punctuation chars, each punctuation char alone
  4. WordPiece: greedy longest-match-first, "##" continuation prefix, whole word -> [UNK] on failure
  5. TemplateProcessing: [CLS] $A [SEP]; transformers.js truncates by cutting the id list at
     model_max_length (the final [SEP] is dropped for over-long inputs), which we mirror.

JS quirks mirrored on purpose:
  * handle_chinese_chars iterates UTF-16 code units, so only BMP CJK ideographs are padded with
    spaces (CJK Extension B+ characters, which are astral, are *not* split in JS).
  * control characters are Unicode categories Cc, Cf, Co, Cs (except \\t \\n \\r); whitespace is
    the JS `\\s` set.
Run `python3 nlp/train/wordpiece.py --fixture TOKENIZER_JSON OUT_JSON` to dump ids for the parity
test strings (used by nlp/train/check_models.mjs).
"""
from __future__ import annotations

import collections
import json
import sys
import unicodedata

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
PAD_ID, UNK_ID, CLS_ID, SEP_ID, MASK_ID = range(5)

# JavaScript's \s (WhiteSpace + LineTerminator)
JS_WS = set("\t\n\x0b\x0c\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff") | {
    chr(c) for c in range(0x2000, 0x200B)
}


def is_control_js(ch: str) -> bool:
    if ch in "\t\n\r":
        return False
    return unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs")


def is_cjk_js(ch: str) -> bool:
    cp = ord(ch)
    if cp > 0xFFFF:  # JS looks at single UTF-16 code units: astral chars never match
        return False
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0xF900 <= cp <= 0xFAFF


def is_punct_js(ch: str) -> bool:
    cp = ord(ch)
    if 0x21 <= cp <= 0x2F or 0x3A <= cp <= 0x40 or 0x5B <= cp <= 0x60 or 0x7B <= cp <= 0x7E:
        return True
    return unicodedata.category(ch).startswith("P")


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def normalize(text: str) -> str:
    """Exact BertNormalizer(clean_text, handle_chinese_chars, lowercase, strip_accents)."""
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control_js(ch):
            continue
        out.append(" " if ch in JS_WS else ch)
    text = "".join(out)
    text = "".join(f" {c} " if is_cjk_js(c) else c for c in text)
    return _strip_accents(text.lower())


def normalize_with_offsets(text: str):
    """Per-character version of `normalize` that also returns, for each output char, the index of
    the input char it came from. Equal to `normalize(text)` except in exotic cases (context
    dependent lowercasing such as final sigma); callers check and fall back."""
    chars, origin = [], []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or is_control_js(ch):
            continue
        if ch in JS_WS:
            chars.append(" ")
            origin.append(i)
            continue
        pieces = _strip_accents(ch.lower())
        if is_cjk_js(ch):
            pieces = " " + pieces + " "
        for p in pieces:
            chars.append(p)
            origin.append(i)
    return "".join(chars), origin


def pre_tokenize_with_offsets(norm: str):
    """BertPreTokenizer. Returns [(word, start, end)] with offsets into `norm`."""
    words = []
    i, n = 0, len(norm)
    while i < n:
        ch = norm[i]
        if ch in JS_WS:
            i += 1
            continue
        if is_punct_js(ch):
            words.append((ch, i, i + 1))
            i += 1
            continue
        j = i
        while j < n and norm[j] not in JS_WS and not is_punct_js(norm[j]):
            j += 1
        words.append((norm[i:j], i, j))
        i = j
    return words


def pre_tokenize(norm: str):
    return [w for w, _, _ in pre_tokenize_with_offsets(norm)]


def split_specials(text: str):
    """DictionarySplitter over the (unnormalized) special tokens: leftmost-longest match."""
    sections, start, i, n = [], 0, 0, len(text)
    while i < n:
        match = None
        for sp in SPECIALS:
            if text.startswith(sp, i) and (match is None or len(sp) > len(match)):
                match = sp
        if match:
            if start < i:
                sections.append((text[start:i], start, False))
            sections.append((match, i, True))
            i += len(match)
            start = i
        else:
            i += 1
    if start < n:
        sections.append((text[start:], start, False))
    return sections


class WordPieceTokenizer:
    def __init__(self, vocab: dict[str, int], max_len: int = 64, max_chars: int = 100):
        self.vocab = vocab
        self.inv = {i: t for t, i in vocab.items()}
        self.max_len = max_len
        self.max_chars = max_chars

    # -- core -------------------------------------------------------------------------------
    def wordpiece(self, word: str, split: bool = False):
        """Returns list of (piece, char_start, char_end) relative to the word, or None (=UNK).
        split=True (training-time subword regularization only) forbids the whole-word token so
        that the word is spelled with sub-word pieces, which trains those pieces in context."""
        chars = list(word)  # code points, like JS [...token]
        if len(chars) > self.max_chars:
            return None
        out, start = [], 0
        while start < len(chars):
            end = len(chars) - 1 if (split and start == 0) else len(chars)
            cur = None
            while start < end:
                sub = "".join(chars[start:end])
                if start > 0:
                    sub = "##" + sub
                if sub in self.vocab:
                    cur = sub
                    break
                end -= 1
            if cur is None:
                return None
            out.append((cur, start, end))
            start = end
        return out

    def tokenize_with_offsets(self, text: str, split_prob: float = 0.0, rng=None):
        """Tokens (without [CLS]/[SEP]) with (start, end) char offsets into `text`.
        Offsets are None when the per-char alignment could not be established.
        split_prob > 0 (training only): subword regularization, see `wordpiece`."""
        tokens = []
        for section, sec_start, is_special in split_specials(text):
            if is_special:
                tokens.append((section, sec_start, sec_start + len(section)))
                continue
            norm = normalize(section)
            norm2, origin = normalize_with_offsets(section)
            aligned = norm2 == norm
            for word, ws, we in pre_tokenize_with_offsets(norm):
                pieces = None
                if split_prob and len(word) >= 3 and rng.random() < split_prob:
                    pieces = self.wordpiece(word, split=True)
                if pieces is None:
                    pieces = self.wordpiece(word)
                if pieces is None:
                    pieces = [("[UNK]", 0, len(word))]
                for piece, ps, pe in pieces:
                    if aligned:
                        # map word-relative code point offsets to the original text
                        a = origin[ws + ps] + sec_start
                        b = origin[ws + pe - 1] + sec_start + 1
                        tokens.append((piece, a, b))
                    else:
                        tokens.append((piece, None, None))
        return tokens

    def tokenize(self, text: str):
        return [t for t, _, _ in self.tokenize_with_offsets(text)]

    def encode(self, text: str, add_special_tokens: bool = True, truncate: bool = True):
        ids = [self.vocab.get(t, UNK_ID) for t in self.tokenize(text)]
        if add_special_tokens:
            ids = [CLS_ID] + ids + [SEP_ID]
        if truncate and len(ids) > self.max_len:
            ids = ids[: self.max_len]  # transformers.js simply cuts the array
        return ids

    def decode(self, ids):
        return [self.inv.get(i, "[UNK]") for i in ids]


# -- vocabulary -------------------------------------------------------------------------------
def words_of(text: str):
    out = []
    for section, _, is_special in split_specials(text):
        if not is_special:
            out.extend(pre_tokenize(normalize(section)))
    return out


def learn_subwords(word_counts: collections.Counter, num_merges: int, min_freq: int = 2):
    """Tiny BPE pass (like the HF WordPiece trainer) over ASCII words; returns the set of learned
    pieces in WordPiece notation (word-initial pieces bare, others with '##')."""
    words = {}
    for w, c in word_counts.items():
        if len(w) < 2 or not w.isascii() or not w.isalnum():
            continue
        words[tuple([w[0]] + ["##" + ch for ch in w[1:]])] = c
    learned = set()
    for _ in range(num_merges):
        pairs = collections.Counter()
        for sym, c in words.items():
            for a, b in zip(sym, sym[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        # deterministic: highest count, then lexicographic
        (a, b), c = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if c < min_freq:
            break
        merged = a + b[2:]
        learned.add(merged)
        new_words = {}
        for sym, cnt in words.items():
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and sym[i] == a and sym[i + 1] == b:
                    out.append(merged)
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            new_words[tuple(out)] = new_words.get(tuple(out), 0) + cnt
        words = new_words
    return learned


def common_cjk_chars():
    """GB2312 level-1 hanzi (the 3,755 most common simplified characters) plus GB2312 symbol rows
    (CJK punctuation, full-width ASCII, circled numbers), produced offline by Python's codec."""
    hanzi, symbols = [], []
    for row in range(0xB0, 0xD8):
        for col in range(0xA1, 0xFF):
            try:
                ch = bytes([row, col]).decode("gb2312")
            except UnicodeDecodeError:
                continue
            hanzi.append(ch)
    for row in (0xA1, 0xA2, 0xA3):
        for col in range(0xA1, 0xFF):
            try:
                symbols.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return hanzi, symbols


COMMON_EMOJI = (
    "😂🤣😭😊😍🥰😘😎🤔😅😆😁😀😃😄🙂🙃😉😌😏😒😞😔😟😢😤😠😡🤬🤯😳🥵🥶😱😨😰😥😓🤗🤭🤫"
    "🤥😶😐😑😬🙄😯😦😧😮😲🥱😴🤤😪😵🤐🥴🤢🤮🤧😷🤒🤕🤑🤠😈👿👹👺🤡💩👻💀☠👽👾🤖🎃"
    "😺😸😹😻😼😽🙀😿😾👋🤚🖐✋🖖👌🤌🤏✌🤞🤟🤘🤙👈👉👆🖕👇☝👍👎✊👊🤛🤜👏🙌👐🤲🤝🙏"
    "💪🧠👀👁👅👄💋❤🧡💛💚💙💜🖤🤍🤎💔❣💕💞💓💗💖💘💝💯💢💥💫💦💨🕳💬💭💤🔥✨⭐🌟"
    "🎉🎊🎁🏆🥇🥈🥉🎮🕹🎲♟🎯🎵🎶🎤🎧📺📷💻⌨🖱🍕🍔🍟🌮🍜🍣🍱🍚🍙🍩🍪🎂🍰🧋☕🍺🍻🥂🍷"
    "🚀💰💸💵🪙📈📉✅❌❓❗‼⁉⚠🆗🆒🆕🆓🇨🇳🇺🇸🇬🇧🇯🇵🇰🇷🇧🇷🇩🇪🇫🇷🇵🇱🫡🫠🥲🥹🫶🤝🐱🐶🐸🦀🐍"
)


def build_vocab(texts, extra_words=(), bpe_merges=1500):
    """Deterministic vocabulary: specials, chars (+## forms), words, BPE pieces, common hanzi."""
    word_counts = collections.Counter()
    for t in texts:
        word_counts.update(words_of(t))
    for w in extra_words:
        word_counts.update(words_of(w))
    hanzi, symbols = common_cjk_chars()
    charset = set()
    for w in word_counts:
        charset.update(w)
    # chars that can appear inside words and should never become [UNK]
    base_chars = set()
    base_chars.update(chr(c) for c in range(0x21, 0x7F))
    base_chars.update(normalize("".join(chr(c) for c in range(0xC0, 0x250))))  # Latin-1/Ext-A/B
    base_chars.update(chr(c) for c in range(0x3B1, 0x3CA))  # greek lowercase
    base_chars.update(chr(c) for c in range(0x430, 0x450))  # cyrillic lowercase
    base_chars.update(chr(c) for c in range(0x3041, 0x3097))  # hiragana
    base_chars.update(chr(c) for c in range(0x30A1, 0x30FB))  # katakana
    base_chars.update(normalize("".join(chr(c) for c in range(0xAC00, 0xD7A4, 1))))  # hangul jamo
    base_chars.update(normalize("".join(symbols)))
    base_chars.update(normalize(COMMON_EMOJI))
    base_chars.update(chr(c) for c in range(0x1F3FB, 0x1F400))  # skin tone modifiers
    base_chars.discard(" ")
    charset |= base_chars
    vocab = {t: i for i, t in enumerate(SPECIALS)}

    def add(tok):
        if tok and tok not in vocab:
            vocab[tok] = len(vocab)

    for ch in sorted(charset):
        add(ch)
        if not is_cjk_js(ch):
            add("##" + ch)  # CJK ideographs are always split into single-char words
    for w in sorted(word_counts, key=lambda w: (-word_counts[w], w)):
        add(w)
    for piece in sorted(learn_subwords(word_counts, bpe_merges)):
        add(piece)
    for ch in hanzi:
        add(ch)
    return vocab, word_counts


def write_tokenizer_files(vocab: dict, out_dir: str, max_len: int = 64):
    import os

    special = lambda tok: {
        "id": vocab[tok], "content": tok, "single_word": False, "lstrip": False,
        "rstrip": False, "normalized": False, "special": True,
    }
    tj = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(t) for t in SPECIALS],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": True, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab[t]], "tokens": [t]} for t in ("[CLS]", "[SEP]")},
        },
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": vocab},
    }
    cfg = {
        "tokenizer_class": "BertTokenizer",
        "do_lower_case": True,
        "tokenize_chinese_chars": True,
        "strip_accents": True,
        "model_max_length": max_len,
        "clean_up_tokenization_spaces": True,
        "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
        "cls_token": "[CLS]", "mask_token": "[MASK]",
    }
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tj, f, ensure_ascii=False)
    with open(os.path.join(out_dir, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(cfg, f, ensure_ascii=False, indent=2)


def load_tokenizer(tokenizer_json: str, max_len: int = 64) -> WordPieceTokenizer:
    with open(tokenizer_json, encoding="utf-8") as f:
        tj = json.load(f)
    return WordPieceTokenizer(tj["model"]["vocab"], max_len=max_len)


# -- parity fixture ----------------------------------------------------------------------------
def parity_strings():
    """Hand-picked edge cases + a deterministic sample of the training data (>= 200 strings)."""
    import os
    import random

    cases = [
        "recommend me a beginner python course under $30", "有没有python入门课", "any good course to learn Python?",
        "gg lol", "KEKW KEKW", "@crossfeed cheaper?", "any ramen coupons near Brooklyn?",
        "I need travel insurance, I'm 34", "talk to a human", "how do I get a refund",
        "Café Déjà Vu naïve résumé", "ÀÉÎÕÜ çà et là", "Straße", "İstanbul ıı", "ΣΊΣΥΦΟΣ σίσυφος",
        "Привет, как дела?", "こんにちは、カタカナ テスト", "안녕하세요 한국어 강좌", "مرحبا بالعالم",
        "😂😂😂", "lol😂", "👍🏽 nice", "👨‍👩‍👧 family", "❤️❤️", "🇨🇳🇺🇸 flags", "🫨 new emoji",
        "ｐｙｔｈｏｎ　课程", "全角！？，。", "「引号」『书名』", "（括号）【方括号】", "……——",
        "tab\tseparated\tvalues", "new\nline\r\nwindows", "  leading and trailing  ", "",
        "   ", "zero\u200bwidth\u200djoiner", "soft\u00adhyphen", "nbsp\u00a0space", "ideographic\u3000space",
        "bom\ufeffhere", "ctrl\x07bell\x1b", "replacement \ufffd char", "private \ue000 use",
        "𠀀𠀁 ext-b chars", "𪚥 rare", "㐀 ext-a", "豈 compat", "A" * 120, "x" * 101 + " short",
        "supercalifragilisticexpialidocious", "pneumonoultramicroscopic", "reccomend pythn coures plz",
        "c++ c# f# .net node.js", "$30 ¥200 €15 £10 ₹500", "50% off!!!", "2-0 lets go", "13:37",
        "https://clips.twitch.tv/FunnyClipName", "discord.gg/abcdef", "user@example.com", "#hashtag @mention",
        "[CLS] typed [SEP] literally [MASK]", "[UNK]x[PAD]", "[cls] lowercase", "mixed中文english混合",
        "python3入门课100块以内", "我34岁想买重疾险", "CAPS LOCK IS ON", "MiXeD cAsE", "l33t sp34k",
        "a.b,c;d:e!f?g", "¿Qué tal? ¡Hola!", "it's don't won't", "\"quoted\" 'single'", "back\\slash",
        "~`^_|<>{}[]", "•·°±×÷", "™©®", "½ ¼ ¾", "①②③", "Ⅸ roman", "ｶﾀｶﾅ halfwidth", "ﾟ･*:.｡",
        "🏳️‍🌈", "👩🏻‍💻 coding", "\U0001F600\U0001F601", "a\u0301 combining", "e\u0308\u0304 stacked",
        "ﬁ ligature", "Ω ohm Å angstrom", "Ǆ dz", "ß ẞ", "Ａ", "ｑｕｅｓｔｉｏｎ？", "１２３４５",
    ]
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.abspath(os.path.join(here, "..", ".."))
    sample = []
    try:
        sys.path.insert(0, here)
        from nlu_data import load_intents

        exs = load_intents(os.path.join(root, "data", "nlu", "intents"))
        rng = random.Random(1234)
        sample = [e.text for e in rng.sample(exs, min(160, len(exs)))]
    except Exception as err:  # data missing: edge cases only
        print(f"(parity sample from training data unavailable: {err})", file=sys.stderr)
    return cases + sample


def dump_fixture(tokenizer_json: str, out_path: str):
    tok = load_tokenizer(tokenizer_json)
    rows = []
    for s in parity_strings():
        rows.append({"text": s, "tokens": tok.decode(tok.encode(s, truncate=False)),
                     "ids": tok.encode(s, truncate=False)})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(rows, f, ensure_ascii=False)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--fixture":
        n = dump_fixture(sys.argv[2], sys.argv[3])
        print(f"wrote {n} tokenizer parity cases to {sys.argv[3]}")
    else:
        print("usage: wordpiece.py --fixture TOKENIZER_JSON OUT_JSON", file=sys.stderr)
        sys.exit(2)
