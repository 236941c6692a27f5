"""Whether a template the MUC-4 mapping makes is likely a gold incident: the learned template
filter of the benchmark mapping (:func:`~incidex.evaluate._predict.to_gtt_templates`).

Each incident the mapping templates (a part of a report, :func:`~incidex.evaluate.
split_incidents`, that MUC-4's relevance rules admit) is read by a logistic regression
(``incidex train --only template-filter``, model ``template_filter``;
:class:`TemplateFilter`) over features of the pipeline's output only
(:func:`template_features`): its position among the message's templates and how it was made
(a report's first part, a part split off of the same or another type, the attack of a
kidnapping in which people were harmed), its type and the words that told it, their
stance, the roles, dates, places and tolls it has, how many sentences it spans, how far
from the lead it starts and how many sentences of the whole message name an attack type. A
template whose P(gold incident) is under the threshold (one for a message's first template,
one for the further ones) is dropped. Training labels come
from the scorer's one-to-one mapping of the predicted templates to the GTT templates of
MUC-4 DEV (``incidex/train/_prune.py``); the thresholds were chosen on TST1+TST2
(docs/accuracy.md, "Seventh round: a learned filter for predicted templates").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from incidex.evaluate._split import ROLE_FIELDS, bucket, load_trained, trained_folder
from incidex.model import DAY_PRECISIONS, ArticleResult, IncidentReport
from incidex.nlp.role_candidates import CandidateModel

__all__ = [
    "FILTER_MODEL",
    "FIRST",
    "GOLD",
    "NONE",
    "ORIGINS",
    "TemplateFilter",
    "template_features",
    "template_filter",
]

FILTER_MODEL = "template_filter"  # folder under incidex/nlp/trained
GOLD = "GOLD"
FIRST = "first_template"  # the feature of a message's first template
NONE = "NONE"
# How a templated incident was made (see :func:`template_features`)
ORIGINS = ("first", "split_same", "split_type", "kidnap_attack")
_FURTHER_THRESHOLD = "further_threshold"  # key of the further templates' threshold in meta
_CANDIDATES = "incidex_role_candidates_v1"
_WORD = re.compile(r"[a-z][a-z'\-]*")


def template_features(
    result: ArticleResult,
    part: IncidentReport,
    kind: str,
    origin: str,
    position: int,
    count: int,
    old: bool,
    entities: Mapping[str, int],
) -> dict[str, float]:
    """Features of the ``position``-th of the ``count`` incidents the mapping templates for
    ``result``: ``part``, of MUC type ``kind``, made as ``origin`` (:data:`ORIGINS`),
    ``old`` when every day it gives is more than two months before the article, whose
    five-role template has ``entities`` (GTT role -> number of entities)."""
    f: dict[str, float] = {
        "further" if position else FIRST: 1.0,
        "position=" + bucket(position, (0, 1, 2)): 1.0,
        "count=" + bucket(count, (1, 2, 3)): 1.0,
        "reports=" + bucket(len(result.incidents), (1, 2)): 1.0,
        "made=" + origin: 1.0,
        "type=" + kind: 1.0,
        f"{origin}&type={kind}": 1.0,
    }
    if old:
        f["old"] = 1.0
    text = result.article.text
    for a in part.types:
        words = _WORD.findall(a.value.lower())
        if words:
            f["trigger=" + words[-1]] = 1.0
        # the words before the trigger in its sentence: "WILL NOT BE ANY MORE BOMBINGS"
        before = _WORD.findall(text[a.sentence.start : a.start].lower())[-3:]
        for word in before:
            f["before=" + word] = 1.0
        if a.stance.value != "asserted":
            f["stance=" + a.stance.value] = 1.0
        if not a.normalized.attack:
            f["not_attack"] = 1.0
    f["types=" + bucket(len(part.types), (0, 1, 2, 4))] = 1.0
    filled = 0
    for name in ROLE_FIELDS:
        n = len(getattr(part, name))
        filled += bool(n)
        f[f"{name}=" + bucket(n, (0, 1, 3))] = 1.0
    f["roles=" + str(filled)] = 1.0
    for role, n in entities.items():
        f[f"{role}=" + bucket(n, (0, 1, 2))] = 1.0
    f["entities=" + bucket(sum(entities.values()), (0, 1, 2, 3, 5, 8))] = 1.0
    f["filled=" + str(sum(1 for n in entities.values() if n))] = 1.0
    # how sure the candidate classifier was of the roles it gave
    sure = [a.confidence for a in part.assertions() if a.extractor == _CANDIDATES]
    if sure:
        f["candidates_max=" + bucket(max(sure), (0.6, 0.7, 0.8, 0.9))] = 1.0
    if any(
        a.normalized.date is not None and a.normalized.precision in DAY_PRECISIONS
        for a in part.when
    ):
        f["day"] = 1.0
    if part.where:
        f["place"] = 1.0
    if part.casualties:
        f["toll"] = 1.0
    if any(a.normalized.fate in ("killed", "wounded") for a in part.victims):
        f["harmed"] = 1.0
    if part.claims:
        f["claim"] = 1.0
    starts = {
        a.sentence.start
        for name in ("types", *ROLE_FIELDS, "casualties")
        for a in getattr(part, name)
    }
    f["sentences=" + bucket(len(starts), (0, 1, 2, 4))] = 1.0
    # how much the whole message tells of attacks (sentences naming an attack type, in any
    # of its reports): a template of a message that names one attack in passing (a trial, a
    # statement, an arrest) is less often a gold incident than one of a message about attacks
    told = {
        a.sentence.start for report in result.incidents for a in report.types if a.normalized.attack
    }
    f["message_attack_sentences=" + bucket(len(told), (0, 1, 2, 4, 8))] = 1.0
    first = min(starts, default=0)
    f["from_lead=" + bucket(first / max(1, len(text)), (0.05, 0.2, 0.4, 0.7))] = 1.0
    return f


class TemplateFilter:
    """The template classifier: a logistic regression over :func:`template_features`,
    stored as the candidate role classifier is (:class:`~incidex.nlp.role_candidates.
    CandidateModel`: plain arrays and JSON), labels :data:`GOLD` and :data:`NONE`; the
    threshold of a message's first template is the model's, that of the further ones
    ``meta["further_threshold"]`` (the same when absent)."""

    def __init__(self, model: CandidateModel) -> None:
        self.model = model
        self.column = model.labels.index(GOLD)

    def gold(self, rows: list[dict[str, float]]) -> list[float]:
        """P(gold incident) per feature row."""
        if not rows:
            return []
        return [float(p) for p in self.model.probabilities(rows)[:, self.column]]

    def threshold(self, first: bool) -> float:
        """P(gold incident) under which a message's first (or a further) template is
        dropped."""
        if first:
            return self.model.threshold
        return float(self.model.meta.get(_FURTHER_THRESHOLD, self.model.threshold))

    def keep(self, rows: list[dict[str, float]]) -> list[bool]:
        """Per template (feature row), whether it is kept."""
        probs = self.gold(rows)
        return [p >= self.threshold(FIRST in row) for p, row in zip(probs, rows, strict=True)]

    @classmethod
    def load(cls, folder: Path) -> TemplateFilter:
        return cls(CandidateModel.load(folder))


def template_filter() -> TemplateFilter | None:
    """The template filter the settings name: ``template_filter`` in the trained models'
    folder (``INCIDEX_TRAINED_MODELS_DIR``, else the shipped ``incidex/nlp/trained``); None
    when it is absent or ``INCIDEX_TRAINED_MODELS=0``: every template is kept. An unreadable
    folder is error E025 (:func:`~incidex.evaluate._split.load_trained`)."""
    folder = trained_folder(FILTER_MODEL)
    return None if folder is None else _load(folder)


@lru_cache(maxsize=4)
def _load(folder: Path) -> TemplateFilter | None:
    return load_trained(folder, TemplateFilter.load)
