"""Whether a sentence of a report tells of another incident than the sentence before it: the
learned decision of the same-type incident split (:func:`~incidex.evaluate.split_incidents`).

The sentences considered are those that name an incident type or carry a role assertion
(perpetrator, target, victim, weapon). For each such sentence after the first, a logistic
regression (``incidex train``, model ``incident_split``; :class:`SplitModel`) reads features
of the pair (the sentence and the one before it): a separate-event cue, the distance, whether
the sentence names a place, date, perpetrator, target, victim, weapon or toll not named
before (or named before, or again), whether it retells ("the attack") or counts attacks
("three bomb attacks"), continuation words ("also", "another"), the words it shares with the
sentence before, and its first words. Training labels come from the GTT templates of MUC-4
DEV (``incidex/train/_split.py``); the threshold was chosen on TST1+TST2 and checked on DEV
by two-fold fitting (docs/accuracy.md, "Fifth round" and "Sixth round: several templates").
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from spacy.lang.en.stop_words import STOP_WORDS

from incidex.errors import ConfigError, Errors
from incidex.model import Assertion, IncidentReport, SentenceRef
from incidex.nlp.lexicon import separate_cues
from incidex.nlp.role_candidates import CandidateModel

__all__ = [
    "ANOTHER",
    "ROLE_FIELDS",
    "SAME",
    "SPLIT_MODEL",
    "SPLIT_THRESHOLD",
    "SplitModel",
    "Unit",
    "bucket",
    "pair_features",
    "split_model",
    "load_trained",
    "trained_folder",
    "units",
    "value_key",
]

SPLIT_MODEL = "incident_split"  # folder under incidex/nlp/trained
# P(another incident) from which a sentence starts one: 0.2 since the sixth round, where a
# further incident takes its own places (chosen when it also took the group named before it,
# since left to the message-level sharing of one organisation; TST1+TST2 five-role
# at 0.15 / 0.2 / 0.25 / 0.3: 39.5 / 40.6 / 40.4 / 39.0; DEV 0001..1100 two-fold 64.1 / 64.5
# / 63.7 / 63.2; docs/accuracy.md, "Sixth round"). 0.15 since the ninth round, with C 0.1
# (``incidex/train/_split.py``): chosen on DEV 0001..1100 five-fold among 0.125 / 0.15 / 0.2
# (five-role 70.38 / 71.60 / 71.13; docs/accuracy.md, "Ninth round: stability").
SPLIT_THRESHOLD = 0.15
SAME = "SAME"
ANOTHER = "ANOTHER"
ROLE_FIELDS = ("perpetrators", "targets", "victims", "weapons")
# Fields whose values a sentence may name anew; their normalised key is compared.
_NEW_FIELDS = ("where", "when", "casualties", *ROLE_FIELDS)
_WORD = re.compile(r"[a-z][a-z'\-]+")


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence the split reads: it names an incident type (``kind``, GTT lower case) or
    carries a role assertion (``kind`` None)."""

    start: int
    kind: str | None
    sentence: SentenceRef


def units(report: IncidentReport, typed: dict[int, tuple[str, SentenceRef]]) -> list[Unit]:
    """The report's sentences naming a type (``typed``: start -> (kind, sentence)) or
    carrying a role assertion, in text order."""
    found = {start: Unit(start, kind, sentence) for start, (kind, sentence) in typed.items()}
    for name in ROLE_FIELDS:
        for a in getattr(report, name):
            start = a.sentence.start
            if start not in found:
                found[start] = Unit(start, None, a.sentence)
    return [found[start] for start in sorted(found)]


class _Words:
    """The word lists of kb/segments.json's ``split_features`` as patterns."""

    def __init__(self) -> None:
        raw = json.loads(
            resources.files("incidex.nlp").joinpath("kb/segments.json").read_text(encoding="utf-8")
        )["split_features"]
        self.retell = re.compile(
            rf"\b{_alternatives(raw['retell_determiners'])} (?:\w+ )?"
            rf"{_alternatives(raw['event_nouns'])}\b"
        )
        self.counted = re.compile(
            rf"\b(?:{_alternatives(raw['count_words'])}|\d+) (?:[\w-]+ )?"
            rf"{_alternatives(raw['counted_nouns'])}\b"
        )
        self.continuation = re.compile(rf"\b({_alternatives(raw['continuation_words'])})\b")


def _alternatives(words: Sequence[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


@lru_cache(maxsize=1)
def _words() -> _Words:
    return _Words()


def value_key(a: Assertion[Any]) -> str:
    """What an assertion names, to tell a new value from one named before."""
    value = a.normalized
    for attr in ("group", "entity", "city", "name"):
        found = getattr(value, attr, None)
        if found:
            return str(found).lower()
    return a.value.lower()


def bucket(n: float, edges: Sequence[float]) -> str:
    """The first of ``edges`` that ``n`` does not exceed, as a feature value ("more" above all)."""
    return next((str(e) for e in edges if n <= e), "more")


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def pair_features(
    report: IncidentReport,
    prev: SentenceRef,
    cur: SentenceRef,
    kind: str | None,
    starts: Sequence[int],
) -> dict[str, float]:
    """Features of sentence ``cur`` (naming type ``kind``, or None) after ``prev``, the
    split's sentence before it; ``starts``: the starts of all the split's sentences."""
    words = _words()
    low, before = cur.text.lower(), prev.text.lower()
    f: dict[str, float] = {f"kind={kind or 'none'}": 1.0, "typed": float(kind is not None)}
    if separate_cues().search(low):
        f["cue"] = 1.0
    f["gap=" + bucket(cur.start - prev.end, (5, 300, 800, 1600))] = 1.0
    between = sum(1 for s in starts if prev.start < s < cur.start)
    f["between=" + bucket(between, (0, 1, 3))] = 1.0
    if starts and prev.start == starts[0]:
        f["prev_first"] = 1.0
    for name in _NEW_FIELDS:
        items: list[Assertion[Any]] = getattr(report, name)
        mine = {value_key(a) for a in items if a.sentence.start == cur.start}
        if not mine:
            continue
        since = {value_key(a) for a in items if prev.start <= a.sentence.start < cur.start}
        ever = {value_key(a) for a in items if a.sentence.start < cur.start}
        f[name + "_has"] = 1.0
        f[name + ("_new" if mine - ever else "_back" if mine - since else "_again")] = 1.0
    if words.retell.search(low):
        f["retell"] = 1.0
    if words.counted.search(low):
        f["counted_cur"] = 1.0
    if words.counted.search(before):
        f["counted_prev"] = 1.0
    found = words.continuation.search(low)
    if found:
        f["also=" + found.group(1)] = 1.0
    if low.count(",") >= 3:
        f["commas"] = 1.0  # an enumeration ("at X, Y and Z")
    a, b = _content(before), _content(low)
    shared = len(a & b) / max(1, len(a | b))
    f["shared=" + bucket(shared, (0.0, 0.05, 0.1, 0.2, 0.35))] = 1.0
    for word in re.findall(r"[a-z]+", low)[:3]:
        f["first=" + word] = 1.0
    return f


class SplitModel:
    """The pair classifier: a logistic regression over :func:`pair_features`, stored as the
    candidate role classifier is (:class:`~incidex.nlp.role_candidates.CandidateModel`:
    plain arrays and JSON), labels :data:`SAME` and :data:`ANOTHER`."""

    def __init__(self, model: CandidateModel) -> None:
        self.model = model
        self.column = model.labels.index(ANOTHER)

    def another(
        self,
        report: IncidentReport,
        prev: SentenceRef,
        cur: SentenceRef,
        kind: str | None,
        starts: Sequence[int],
    ) -> float:
        """P(``cur`` tells of another incident than ``prev``)."""
        row = pair_features(report, prev, cur, kind, starts)
        return float(self.model.probabilities([row])[0, self.column])

    @property
    def threshold(self) -> float:
        """P(another incident) from which a sentence starts one."""
        return self.model.threshold

    @classmethod
    def load(cls, folder: Path) -> SplitModel:
        return cls(CandidateModel.load(folder))


def split_model() -> SplitModel | None:
    """The split model the settings name: ``incident_split`` in the trained models' folder
    (``INCIDEX_TRAINED_MODELS_DIR``, else the shipped ``incidex/nlp/trained``); None when it
    is absent or ``INCIDEX_TRAINED_MODELS=0``: the split then takes a separate-event cue
    alone, as before the model. An unreadable folder is error E025 (:func:`load_trained`)."""
    folder = trained_folder(SPLIT_MODEL)
    return None if folder is None else _load(folder)


def trained_folder(name: str) -> Path | None:
    """Where the settings put the trained model ``name`` (a folder under
    ``INCIDEX_TRAINED_MODELS_DIR``, else under the shipped ``incidex/nlp/trained``); None
    when ``INCIDEX_TRAINED_MODELS=0``."""
    from incidex.config import load_settings
    from incidex.nlp.components.trained import model_path

    settings = load_settings()
    if not settings.trained_models:
        return None
    if settings.trained_models_dir is not None:
        return Path(settings.trained_models_dir).expanduser() / name
    return model_path(name)


_Model = TypeVar("_Model")


def load_trained(folder: Path, load: Callable[[Path], _Model]) -> _Model | None:
    """The trained model in ``folder`` read with ``load``; None when the folder has no
    ``model.json``. A folder that cannot be read (broken JSON, missing or mismatched weights,
    labels the model does not have) is a :class:`~incidex.errors.ConfigError` E025 that says
    how to write it again, not a traceback."""
    if not (folder / "model.json").is_file():
        return None
    try:
        return load(folder)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(
            Errors.E025.format(path=folder, detail=error), code="E025", path=str(folder)
        ) from None


@lru_cache(maxsize=4)
def _load(folder: Path) -> SplitModel | None:
    return load_trained(folder, SplitModel.load)
