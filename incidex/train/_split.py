"""Training of the same-type incident split (``incidex/evaluate/_split.py``): which sentence of
a report starts another incident.

The training messages are extracted with the pipeline (and the trained models beside this
one), and every report's split sentences (:func:`~incidex.evaluate._predict.split_units`)
are paired with the one before them. A pair is labelled from the message's GTT templates:
each sentence belongs to the templates with the most of its mention strings; the pair tells of
the same incident when those sets meet, of another when they do not, and is left out when a
sentence contains no mention string. In a message with one template every pair is the same
incident. A logistic regression (scikit-learn) learns the labels; it is saved as plain arrays
(:class:`~incidex.nlp.role_candidates.CandidateModel`), not a pickle.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from ..evaluate._gtt import GTT_ROLES, GttDoc
from ..evaluate._predict import split_units
from ..evaluate._split import ANOTHER, SAME, SPLIT_THRESHOLD, SplitModel, pair_features
from ..model import ArticleResult
from ._candidates import binary_logistic
from ._data import _pattern
from ._fit import ModelReport, write_report

__all__ = ["SPLIT_C", "fit_incident_split", "split_examples"]

# inverse regularisation: 0.3 chosen on TST1+TST2 (0.1 / 0.3 / 1.0) until the ninth round; 0.1
# (with the threshold 0.15) chosen on DEV 0001..1100 five-fold, where it moves less when 5% of
# the training messages are left out (docs/accuracy.md, "Ninth round: stability")
SPLIT_C = 0.1


def _mentions(doc: GttDoc) -> list[set[str]]:
    """Per GTT template, its mention strings (lower case)."""
    return [
        {m.text.lower() for name in GTT_ROLES for entity in t.role(name) for m in entity}
        for t in doc.templates
    ]


def _owners(text: str, templates: Sequence[set[str]]) -> set[int]:
    """The templates with the most mention strings in ``text`` (none when it has none)."""
    low = text.lower()
    counts = [sum(1 for m in mentions if _contains(low, m)) for mentions in templates]
    best = max(counts, default=0)
    return {n for n, c in enumerate(counts) if c == best} if best else set()


def _contains(text: str, mention: str) -> bool:
    pattern = _pattern(mention)
    return pattern is not None and pattern.search(text) is not None


def split_examples(
    results: Sequence[ArticleResult], gold: Mapping[str, GttDoc]
) -> tuple[list[dict[str, float]], list[str]]:
    """Feature rows and labels (:data:`SAME` / :data:`ANOTHER`) of the split sentences of
    the extracted messages (``article.extra["muc_docid"]``) that have GTT templates."""
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    for result in results:
        doc = gold.get(str((result.article.extra or {}).get("muc_docid")))
        if doc is None or not doc.templates or result.status != "extracted":
            continue
        templates = _mentions(doc)
        for report in result.incidents:
            found = split_units(report)
            starts = [u.start for u in found]
            for prev, unit in pairwise(found):
                if len(templates) == 1:
                    label = SAME
                else:
                    a = _owners(prev.sentence.text, templates)
                    b = _owners(unit.sentence.text, templates)
                    if not a or not b:
                        continue
                    label = SAME if a & b else ANOTHER
                rows.append(pair_features(report, prev.sentence, unit.sentence, unit.kind, starts))
                labels.append(label)
    return rows, labels


def fit_incident_split(
    train: Sequence[ArticleResult],
    train_gold: Mapping[str, GttDoc],
    tune: Sequence[ArticleResult],
    tune_gold: Mapping[str, GttDoc],
    out: Path,
    *,
    c: float = SPLIT_C,
    threshold: float = SPLIT_THRESHOLD,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Fit the split model on the extracted training messages, score its pairs on the
    tuning messages, and save it under ``out``."""
    start = time.perf_counter()
    rows, labels = split_examples(train, train_gold)
    log(f"  {len(rows)} sentence pairs ({labels.count(ANOTHER)} another incident)")
    model = binary_logistic(rows, labels, name="incident split", c=c, threshold=threshold)
    seconds = time.perf_counter() - start
    scores = _score(SplitModel(model), tune, tune_gold) if tune else {}
    counts = {label: labels.count(label) for label in (SAME, ANOTHER)}
    docs = sum(1 for r in train if r.status == "extracted")
    report = ModelReport("incident_split", docs, 1, seconds, [], scores, counts)
    model.save(out)
    write_report(out, report)
    return report


def _score(
    model: SplitModel, results: Sequence[ArticleResult], gold: Mapping[str, GttDoc]
) -> dict[str, float]:
    """Precision and recall of "another incident" over the labelled pairs at the threshold."""
    rows, labels = split_examples(results, gold)
    if not rows:
        return {}
    column = model.model.labels.index(ANOTHER)
    probs = model.model.probabilities(rows)[:, column]
    said = probs >= model.model.threshold
    truth = np.array([label == ANOTHER for label in labels])
    hits = float((said & truth).sum())
    return {
        "pairs": float(len(rows)),
        "another_p": hits / max(1.0, float(said.sum())),
        "another_r": hits / max(1.0, float(truth.sum())),
    }
