"""Loading and validating the human-readable NLU training data in data/nlu/intents/*.yaml.

An example is a plain string in which entities are marked inline:
    [text](label)          e.g. "any [ramen](cuisine) coupons near [Brooklyn](location)?"
    [text](label:value)    e.g. "[py](topic:python)", "[100块以内](budget)"
"""
from __future__ import annotations

import dataclasses
import os
import re

import yaml

INTENTS = [
    "recommend_course", "get_coupon", "ask_insurance", "faq", "human_handoff", "check_in",
    "points_balance", "redeem_points", "refine", "greet", "thanks", "bye", "bot_help", "opt_out", "oos",
]
ENTITY_LABELS = [
    "topic", "level", "budget", "language", "location", "cuisine", "brand", "insurance_type", "age", "game",
]
LEVEL_VALUES = {"beginner", "intermediate", "advanced"}

MARK_RE = re.compile(r"\[([^\[\]]+)\]\(([A-Za-z_]+)(?::([^()]*))?\)")


@dataclasses.dataclass
class Span:
    start: int
    end: int
    label: str
    value: str | None
    text: str


@dataclasses.dataclass
class Example:
    text: str          # plain text, marks removed
    intent: str
    spans: list        # list[Span], char offsets into text
    source: str        # the raw YAML string
    file: str


def parse_marked(raw: str):
    """'[py](topic:python) course' -> ('py course', [Span(0, 2, 'topic', 'python', 'py')])"""
    out, spans, pos = [], [], 0
    for m in MARK_RE.finditer(raw):
        out.append(raw[pos:m.start()])
        start = sum(len(s) for s in out)
        text, label, value = m.group(1), m.group(2), m.group(3)
        if label not in ENTITY_LABELS:
            raise ValueError(f"unknown entity label '{label}' in: {raw}")
        out.append(text)
        spans.append(Span(start, start + len(text), label, (value or None), text))
        pos = m.end()
    out.append(raw[pos:])
    plain = "".join(out)
    if re.search(r"\]\([A-Za-z_:]*\)", plain):
        raise ValueError(f"malformed entity mark in: {raw}")
    return plain, spans


def load_topics(path: str):
    """topics.yaml -> {phrase(lowercase): canonical id}"""
    with open(path, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    phrases = {}
    for topic, alts in data["topics"].items():
        phrases[topic.lower()] = topic
        for a in alts:
            phrases[str(a).lower()] = topic
    return data["topics"], phrases


def load_intents(directory: str, topics_path: str | None = None, strict: bool = True):
    examples, seen_intents = [], set()
    canonical = None
    if topics_path:
        canonical, _ = load_topics(topics_path)
    for fn in sorted(os.listdir(directory)):
        if not fn.endswith((".yaml", ".yml")):
            continue
        path = os.path.join(directory, fn)
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f)
        intent = doc.get("intent")
        if intent not in INTENTS:
            raise ValueError(f"{fn}: unknown intent '{intent}' (known: {', '.join(INTENTS)})")
        if intent in seen_intents:
            raise ValueError(f"{fn}: intent '{intent}' defined twice")
        seen_intents.add(intent)
        for raw in doc.get("examples") or []:
            if not isinstance(raw, str):
                raise ValueError(f"{fn}: example is not a string: {raw!r}")
            text, spans = parse_marked(raw)
            for s in spans:
                if s.label == "level" and (s.value or s.text.lower()) not in LEVEL_VALUES:
                    raise ValueError(f"{fn}: level value must be one of {sorted(LEVEL_VALUES)}: {raw}")
            lead = len(text) - len(text.lstrip())
            for s in spans:
                s.start -= lead
                s.end -= lead
            examples.append(Example(text.strip(), intent, spans, raw, fn))
    if strict:
        missing = [i for i in INTENTS if i not in seen_intents]
        if missing:
            raise ValueError(f"missing intent files: {missing}")
    return examples


def topic_value(span: Span, phrases: dict):
    """Canonical topic id for a topic span, or None if it is outside the catalog."""
    v = (span.value or span.text).lower()
    return phrases.get(v)
