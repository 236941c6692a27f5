"""Features of a whole message for the relevance classifier (``incidex_relevance_v1``, trained
by ``incidex train``; docs/accuracy.md, "Fifth round: relevance").

Two kinds, read off the document as the rule components left it (the classifier runs after
them, before the role models and the incident assembler):

* the words: every lower-cased word and pair of adjacent words (``w=``), weighted 1 + log of
  its count, the vector scaled to length 1;
* incidex's own analysis (scaled by ``ANALYSIS_SCALE``): how many sentences name an attack
  and which types, what the rules asserted in them (victims, targets, places, dates, tolls,
  claims) and with what stance, civilian against military or police targets, whether the
  attack's date is recent or months before the message, the share of past-tense verbs
  against modals and present tense, first-person plural and questions (interviews,
  communiques).

The same function serves training and the pipeline, so both see the same features.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

from spacy.tokens import Doc

from ._doc import PAST_TAGS, article_of, sent_info, sentences
from .linear import LinearModel

__all__ = ["ANALYSIS_SCALE", "RelevanceModel", "message_features"]

# Relative weight of the analysis features beside the unit-length word vector (TST1+TST2
# AUC 0.864 at 1.0, 0.870 at 0.3; docs/accuracy.md).
ANALYSIS_SCALE = 0.3
_WORD = re.compile(r"\b\w\w+\b")  # scikit-learn's default token pattern
# GTD target types of armed forces: MUC-4 relevance excludes attacks on them alone.
_ARMED_TARGETS = frozenset({"Military", "Police"})
# MUC-4 incidents are "recent"; older ones are background. A feature of the trained
# regression, which learnt it at 60 days: model.RECENT_DAYS (62, the mapping's and the
# pipeline's two months) would change what the shipped weights read
_RECENT_DAYS = 60
_FIRST_PLURAL = frozenset({"we", "our", "us"})


def _words(text: str) -> dict[str, float]:
    tokens = _WORD.findall(text.lower())
    counts = Counter(tokens)
    counts.update(f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False))
    weights = {f"w={gram}": 1.0 + math.log(n) for gram, n in counts.items()}
    norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
    return {gram: v / norm for gram, v in weights.items()}


def _add(row: dict[str, float], name: str, value: float = 1.0) -> None:
    row[name] = row.get(name, 0.0) + value


def _analysis(doc: Doc) -> dict[str, float]:
    infos = sent_info(doc)
    row: dict[str, float] = {}
    attack = [i for i in infos if i.attack and not i.background]
    starts = {i.start_char for i in attack}
    row["attack_share"] = len(attack) / max(len(infos), 1)
    row["attack_any"] = float(bool(attack))
    row["attack_n"] = math.log1p(len(attack))
    row["typed_n"] = math.log1p(sum(bool(i.events_attack) for i in infos))
    row["attack_first3"] = float(any(i.attack for i in infos[:3]))
    row["sentences"] = math.log1p(len(infos))
    for name in {t for i in infos for t in i.events_attack}:
        row[f"type={name}"] = 1.0
    tags = Counter(t.tag_ for t in doc)
    size = max(len(doc), 1)
    row["modal_share"] = 10 * tags["MD"] / size
    row["past_share"] = 10 * sum(tags[tag] for tag in PAST_TAGS) / size
    row["present_share"] = 10 * (tags["VBP"] + tags["VBZ"]) / size
    row["we"] = math.log1p(sum(t.lower_ in _FIRST_PLURAL for t in doc))
    row["questions"] = math.log1p(sum("?" in s.text for s in sentences(doc)))
    row["speaker_share"] = sum(i.speaker is not None for i in infos) / max(len(infos), 1)
    counts: dict[str, float] = {}
    article = article_of(doc)
    published = article.published.date() if article and article.published else None
    for a in doc._.assertions or ():
        in_attack = a.sentence.start in starts
        _add(counts, f"n_{a.field}{'@attack' if in_attack else ''}")
        value: Any = a.normalized
        if a.stance.value != "asserted":
            _add(counts, f"stance_{a.stance.value}")
        if a.field == "claims":
            row[f"claim_{value.kind}"] = 1.0
        if not in_attack:
            continue
        if a.field == "targets":
            _add(counts, "target_armed" if value.type in _ARMED_TARGETS else "target_civilian")
        elif a.field == "when" and published is not None and value.date is not None:
            recent = -1 <= (published - value.date).days <= _RECENT_DAYS
            row["when_recent" if recent else "when_old"] = 1.0
        elif a.field == "casualties":
            row[f"casualties_{value.category}"] = 1.0
        elif a.field == "victims":
            row[f"victims_{value.fate}"] = 1.0
    row.update((name, math.log1p(n)) for name, n in counts.items())
    return row


def message_features(doc: Doc) -> dict[str, float]:
    """The classifier's features of a parsed message (see the module docstring)."""
    row = _words(doc.text)
    row.update((f"a={k}", ANALYSIS_SCALE * v) for k, v in _analysis(doc).items())
    return row


class RelevanceModel(LinearModel):
    """Binary logistic regression (labels IRRELEVANT, RELEVANT) over
    :func:`message_features`, stored as plain data (``incidex.nlp.linear``)."""

    FORMAT = "incidex-relevance-1"
    RELEVANT = "RELEVANT"

    def score(self, doc: Doc) -> float:
        """Probability that the message tells of a relevant incident."""
        probs = self.probabilities([message_features(doc)])
        return float(probs[0, self.labels.index(self.RELEVANT)])
