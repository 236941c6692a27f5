"""Training examples from MUC-4 DEV: the raw messages (as the pipeline sees them) and the GTT
templates (which roles' mention strings occur where).

The GTT text is lower-cased and re-spaced, so its offsets do not fit the raw messages; every
gold mention string is searched in the message instead (case-insensitive, whole words, any
white space between words) and each occurrence is labelled with its role. Where occurrences
of different roles overlap, the longer wins (then the role order of ``ROLE_LABELS``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from incidex.evaluate._gtt import GTT_ROLES, GttDoc, read_gtt
from incidex.evaluate._muc import MucMessage, read_muc_messages
from incidex.nlp.truecase import mostly_upper, truecase

__all__ = [
    "HOLDOUT",
    "RELEVANT",
    "ROLE_LABELS",
    "TYPE_LABELS",
    "TrainDoc",
    "in_holdout",
    "load_examples",
    "prepare_text",
    "role_spans",
]

# spaCy entity labels of the five GTT roles (same order as GTT_ROLES).
ROLE_LABELS: tuple[str, ...] = ("PERPIND", "PERPORG", "TARGET", "VICTIM", "WEAPON")
RELEVANT = "RELEVANT"
TYPE_LABELS: tuple[str, ...] = ("ATTACK", "BOMBING", "KIDNAPPING", "ARSON", "ROBBERY", "FORCED")
# DEV messages never trained or tuned on: DEV-MUC3-1101 .. DEV-MUC3-1300 (200 messages).
HOLDOUT = (1101, 1300)


def in_holdout(docid: str) -> bool:
    """True for the DEV messages reserved as the held-out test slice."""
    number = _dev_number(docid)
    return number is not None and HOLDOUT[0] <= number <= HOLDOUT[1]


def _dev_number(docid: str) -> int | None:
    match = re.fullmatch(r"DEV-MUC3-(\d{4})", docid.strip().upper())
    return int(match.group(1)) if match else None


def prepare_text(text: str) -> str:
    """The text as the pipeline parses it: a truecased copy of all-capitals wire text."""
    return truecase(text) if mostly_upper(text) else text


@dataclass(frozen=True, slots=True)
class TrainDoc:
    """One DEV message prepared for training: text as parsed, role spans, type labels."""

    docid: str
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end, role label), sorted, no overlap
    types: frozenset[str]  # TYPE_LABELS of its templates; empty when irrelevant

    @property
    def relevant(self) -> bool:
        return bool(self.types)


def _pattern(mention: str) -> re.Pattern[str] | None:
    words = mention.lower().split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)")


def role_spans(text: str, mentions: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, label) for every occurrence of the (label, mention)
    pairs in ``text``; longer occurrences first, then the order of ``ROLE_LABELS``."""
    lower = text.lower()
    found: list[tuple[int, int, str]] = []
    for label, mention in set(mentions):
        pattern = _pattern(mention)
        if pattern is None:
            continue
        found.extend((m.start(), m.end(), label) for m in pattern.finditer(lower))
    found.sort(key=lambda s: (-(s[1] - s[0]), ROLE_LABELS.index(s[2]), s[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, label in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, label))
    return sorted(taken)


def _types(doc: GttDoc) -> frozenset[str]:
    labels: set[str] = set()
    for template in doc.templates:
        first = template.incident_type.split("/")[0].strip().upper()
        labels.add("FORCED" if first.startswith("FORCED") else first)
    return frozenset(labels & set(TYPE_LABELS))


def _train_doc(message: MucMessage, gold: GttDoc) -> TrainDoc:
    text = prepare_text(message.text)
    mentions = [
        (label, m.text)
        for template in gold.templates
        for label, name in zip(ROLE_LABELS, GTT_ROLES, strict=True)
        for entity in template.role(name)
        for m in entity
    ]
    return TrainDoc(message.docid, text, tuple(role_spans(text, mentions)), _types(gold))


def load_examples(messages: str | Path, gold: str | Path) -> Iterator[TrainDoc]:
    """DEV messages (a folder or file of raw MUC messages) joined with their GTT templates
    (``gtt/train.jsonl``), in message order; messages without GTT gold are skipped."""
    by_id = {doc.docid: doc for doc in read_gtt(gold)}
    for message in read_muc_messages(messages):
        found = by_id.get(message.docid)
        if found is not None:
            yield _train_doc(message, found)
