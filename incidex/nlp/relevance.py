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

Since the eleventh round, a third kind: the sentence evidence, the highest score a sentence
model (``SentenceModel``, over :func:`sentence_features`) gives one of the message's
sentences. That model learnt which sentences hold a gold template's target, victim,
individual perpetrator or weapon: a relevant message usually has one sentence that tells the
attack, which the whole message's words dilute in an interview, a communique or a speech
(docs/accuracy.md, "Eleventh round: relev11").
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Self

from spacy.tokens import Doc

from ..model import Assertion
from ._doc import PAST_TAGS, article_of, ents_in, sent_info, sentences, tokens
from .lexicon import default_lexicon
from .linear import LinearModel

__all__ = [
    "ANALYSIS_SCALE",
    "SENTENCE_MODEL",
    "RelevanceModel",
    "SentenceModel",
    "attack_verbs",
    "message_features",
    "sentence_features",
]

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
SENTENCE_MODEL = "sentence"  # the sentence model's folder inside the regression's


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
    published = _published(doc)
    for a in doc._.assertions or ():
        in_attack = a.sentence.start in starts
        _add(counts, f"n_{a.field}{'@attack' if in_attack else ''}")
        if a.stance.value != "asserted":
            _add(counts, f"stance_{a.stance.value}")
        detail = _detail(a, published)
        if detail is None or not (in_attack or a.field == "claims"):
            continue
        if a.field == "targets":
            _add(counts, detail)  # counted; the other details are present or not
        else:
            row[detail] = 1.0
    row.update((name, math.log1p(n)) for name, n in counts.items())
    return row


def _published(doc: Doc) -> dt.date | None:
    article = article_of(doc)
    return article.published.date() if article and article.published else None


def _detail(a: Assertion[Any], published: dt.date | None) -> str | None:
    """What an assertion says that tells an attack from talk (both kinds of features read
    it): an armed or a civilian target, a recent or an old day, a toll's category, a
    victim's fate, a claim's kind."""
    value: Any = a.normalized
    if a.field == "targets":
        return "target_armed" if value.type in _ARMED_TARGETS else "target_civilian"
    if a.field == "when" and published is not None and value.date is not None:
        recent = -1 <= (published - value.date).days <= _RECENT_DAYS
        return "when_recent" if recent else "when_old"
    if a.field == "casualties":
        return f"casualties_{value.category}"
    if a.field == "victims":
        return f"victims_{value.fate}"
    if a.field == "claims":
        return f"claim_{value.kind}"
    return None


def message_features(doc: Doc, sentence_scores: list[float] | None = None) -> dict[str, float]:
    """The classifier's features of a parsed message (see the module docstring); with the
    sentence model's scores of its sentences, their maximum too."""
    row = _words(doc.text)
    row.update((f"a={k}", ANALYSIS_SCALE * v) for k, v in _analysis(doc).items())
    if sentence_scores is not None:
        row["a=sentence_max"] = ANALYSIS_SCALE * max(sentence_scores, default=0.0)
    return row


@lru_cache(maxsize=1)
def attack_verbs() -> tuple[frozenset[str], frozenset[str]]:
    """The attack lemmas of the lexicon, and the first two words of its attack phrases
    ("blew up")."""
    lex = default_lexicon()
    attacks = [e for e in lex.events if e.attack]
    return lex.attack_lemmas, frozenset(" ".join(p.split()[:2]) for e in attacks for p in e.phrases)


def _sentence_assertions(doc: Doc, starts: list[int]) -> list[Counter[str]]:
    """Per sentence, what the rules asserted in it (as in :func:`_analysis`)."""
    published = _published(doc)
    found: list[Counter[str]] = [Counter() for _ in starts]
    for a in doc._.assertions or ():
        counts = found[max(0, bisect_right(starts, a.start) - 1)]
        counts[f"n_{a.field}"] += 1
        if a.stance.value != "asserted":
            counts[f"stance_{a.stance.value}"] += 1
        detail = _detail(a, published)
        if detail is not None:
            counts[detail] += 1
    return found


def sentence_features(doc: Doc) -> list[dict[str, float]]:
    """The sentence model's features of each sentence of a parsed message: its words, as
    :func:`message_features` weighs a message's, and (scaled by ``ANALYSIS_SCALE``) what
    tells an act done from talk about one: the attack types the rules found, whether the
    outlet or a speaker tells it, its stance, a past-tense attack verb, a negation, modals,
    first person plural, a question, its position, the rules' assertions in it and its named
    entities."""
    infos = sent_info(doc)
    words = tokens(doc)
    verbs, phrases = attack_verbs()
    asserted = _sentence_assertions(doc, [i.start_char for i in infos])
    rows = []
    for info, sent, found in zip(infos, sentences(doc), asserted, strict=True):
        own = words[sent.start : sent.end]
        size = max(len(own), 1)
        tags = Counter(t.tag_ for t in own)
        done = any(
            t.tag_ in PAST_TAGS
            and (t.lemma_.lower() in verbs or f"{t.lower_} {after.lower_}" in phrases)
            for t, after in zip(own, [*own[1:], own[-1]], strict=True)
        )
        told = info.speaker is None and not info.background
        hand: dict[str, float] = {
            "typed": float(bool(info.events_attack)),
            "generic": float(info.generic_attack),
            "background": float(info.background),
            "speaker": float(info.speaker is not None),
            f"stance={info.stance.value}": 1.0,
            "about": float(info.about_incident),
            "past_attack_verb": float(done),
            "typed_done_by_outlet": float(bool(info.events_attack) and done and told),
            "negation": float(any(t.dep_ == "neg" for t in own)),
            "past_share": 10 * sum(tags[tag] for tag in PAST_TAGS) / size,
            "present_share": 10 * (tags["VBP"] + tags["VBZ"]) / size,
            "modal": float(tags["MD"] > 0),
            "we": float(any(t.lower_ in _FIRST_PLURAL for t in own)),
            "question": float("?" in sent.text),
            "first": float(info.index == 0),
            "first3": float(info.index < 3),
            "position": info.index / len(infos),
        }
        hand.update((f"type={name}", 1.0) for name in info.events_attack)
        hand.update((f"rules={name}", math.log1p(n)) for name, n in found.items())
        labels = Counter(e.label_ for e in ents_in(sent))
        hand.update((f"ent={label}", math.log1p(n)) for label, n in labels.items())
        row = _words(sent.text)
        row.update((f"s={k}", ANALYSIS_SCALE * v) for k, v in hand.items())
        rows.append(row)
    return rows


class SentenceModel(LinearModel):
    """Binary logistic regression (labels OTHER, ATTACK) over :func:`sentence_features`:
    whether a sentence holds a relevant incident's target, victim, perpetrator or weapon."""

    FORMAT = "incidex-relevance-sentence-1"
    ATTACK = "ATTACK"

    def scores(self, doc: Doc) -> list[float]:
        """The probability of each sentence of the message."""
        rows = sentence_features(doc)
        if not rows:
            return []
        probs = self.probabilities(rows)[:, self.labels.index(self.ATTACK)]
        return [float(p) for p in probs]


class RelevanceModel(LinearModel):
    """Binary logistic regression (labels IRRELEVANT, RELEVANT) over
    :func:`message_features`, stored as plain data (``incidex.nlp.linear``); with its
    sentence model (``sentence/`` inside its folder) when trained with one."""

    FORMAT = "incidex-relevance-1"
    RELEVANT = "RELEVANT"
    sentences: SentenceModel | None = None

    @classmethod
    def load(cls, folder: Path) -> Self:
        model = super().load(folder)
        if (folder / SENTENCE_MODEL / "model.json").exists():
            model.sentences = SentenceModel.load(folder / SENTENCE_MODEL)
        return model

    def save(self, folder: Path) -> None:
        super().save(folder)
        if self.sentences is not None:
            self.sentences.save(folder / SENTENCE_MODEL)
        elif (folder / SENTENCE_MODEL).exists():
            shutil.rmtree(folder / SENTENCE_MODEL)  # a former model's: it would load with this

    def sentence_scores(self, doc: Doc) -> list[float] | None:
        """The sentence model's scores of the message's sentences (None without one)."""
        return self.sentences.scores(doc) if self.sentences is not None else None

    def score(self, doc: Doc, sentence_scores: list[float] | None = None) -> float:
        """Probability that the message tells of a relevant incident (``sentence_scores``:
        the sentence model's, when already computed)."""
        if sentence_scores is None:
            sentence_scores = self.sentence_scores(doc)
        probs = self.probabilities([message_features(doc, sentence_scores)])
        return float(probs[0, self.labels.index(self.RELEVANT)])
