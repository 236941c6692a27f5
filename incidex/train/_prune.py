"""Training of the template filter (``incidex/evaluate/_prune.py``): which templates the MUC-4
mapping makes are gold incidents.

The training messages are extracted with the pipeline (and the trained models beside this
one) and mapped to five-role templates without the filter, their reports split by the split
model trained beside it (:func:`~incidex.evaluate._predict.unfiltered_templates`); each
template is labelled from
the message's GTT templates by the scorer's one-to-one mapping
(:func:`~incidex.evaluate._gtt.mapped_templates`): :data:`GOLD` when it is mapped to a gold
template of its type, :data:`NONE` otherwise (every template of a message without gold
templates). A logistic regression (scikit-learn) learns the labels over the pipeline's own
features of the template (:func:`~incidex.evaluate._prune.template_features`); it is saved as
plain arrays (:class:`~incidex.nlp.role_candidates.CandidateModel`), not a pickle.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from ..evaluate._gtt import PredTemplate, mapped_templates
from ..evaluate._predict import unfiltered_templates
from ..evaluate._prune import GOLD, NONE, TemplateFilter
from ..evaluate._split import SplitModel
from ..model import ArticleResult
from ._candidates import binary_logistic
from ._fit import ModelReport, write_report

__all__ = [
    "FILTER_C",
    "FILTER_FURTHER_THRESHOLD",
    "FILTER_THRESHOLD",
    "filter_examples",
    "fit_filter_model",
    "fit_template_filter",
]

# inverse regularisation, chosen with the thresholds (0.03 / 0.1 / 0.3: TST1+TST2 ROC AUC
# 0.683 / 0.672 / 0.665, best five-role 47.67 / 47.94 / 47.94; DEV 0001..1100 five-fold
# 0.816 / 0.818 / 0.811)
FILTER_C = 0.1
# P(gold incident) under which a message's first / further template is dropped: 0.5 chosen
# on TST1+TST2 in the seventh round; the further templates' 0.4 (was 0.3) chosen on DEV
# 0001..1100 five-fold, the filter fitted on four fifths (five-role 71.58 -> 71.80, slots
# 63.20 -> 63.51; TST1+TST2 unchanged; docs/accuracy.md, "Trained models (MUC-4)")
FILTER_THRESHOLD = 0.5
FILTER_FURTHER_THRESHOLD = 0.4


def filter_examples(
    results: Sequence[ArticleResult],
    gold: Mapping[str, Sequence[PredTemplate]],
    split_model: SplitModel | None,
) -> tuple[list[dict[str, float]], list[str], list[str]]:
    """Feature rows, labels (:data:`GOLD` / :data:`NONE`) and message ids of the templates
    the mapping makes (without the filter; reports split by ``split_model``, None: the cue
    rule) for the extracted messages (``article.extra["muc_docid"]``) that are in ``gold``
    (GTT templates by message id, :func:`~incidex.evaluate.gold_from_gtt`)."""
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    docids: list[str] = []
    for result in results:
        docid = str((result.article.extra or {}).get("muc_docid"))
        if docid not in gold or result.status != "extracted":
            continue
        templates, found = unfiltered_templates(result, split_model)
        mapped = mapped_templates(templates, gold[docid])
        rows += found
        labels += [GOLD if n in mapped else NONE for n in range(len(found))]
        docids += [docid] * len(found)
    return rows, labels, docids


def fit_filter_model(
    rows: Sequence[dict[str, float]],
    labels: Sequence[str],
    *,
    c: float = FILTER_C,
    threshold: float = FILTER_THRESHOLD,
    further: float = FILTER_FURTHER_THRESHOLD,
    min_count: int = 1,
    bags: int = 0,
) -> TemplateFilter:
    """A template filter fitted on feature rows and their labels (``min_count``, ``bags``:
    :func:`~incidex.train._candidates.binary_logistic`)."""
    model = binary_logistic(
        rows,
        labels,
        name="template filter",
        c=c,
        threshold=threshold,
        meta={"further_threshold": further},
        min_count=min_count,
        bags=bags,
    )
    return TemplateFilter(model)


def fit_template_filter(
    train: Sequence[ArticleResult],
    train_gold: Mapping[str, Sequence[PredTemplate]],
    tune: Sequence[ArticleResult],
    tune_gold: Mapping[str, Sequence[PredTemplate]],
    out: Path,
    split_model: SplitModel | None,
    *,
    c: float = FILTER_C,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Fit the template filter on the extracted training messages, their reports split by
    ``split_model`` (the one the filter is used with), score its decisions on the tuning
    messages, and save it under ``out``."""
    start = time.perf_counter()
    rows, labels, _ = filter_examples(train, train_gold, split_model)
    log(f"  {len(rows)} templates ({labels.count(GOLD)} mapped to a gold template)")
    model = fit_filter_model(rows, labels, c=c)
    seconds = time.perf_counter() - start
    scores = _score(model, tune, tune_gold, split_model) if tune else {}
    counts = {label: labels.count(label) for label in (GOLD, NONE)}
    docs = sum(1 for r in train if r.status == "extracted")
    report = ModelReport("template_filter", docs, 1, seconds, [], scores, counts)
    model.model.save(out)
    write_report(out, report)
    return report


def _score(
    model: TemplateFilter,
    results: Sequence[ArticleResult],
    gold: Mapping[str, Sequence[PredTemplate]],
    split_model: SplitModel | None,
) -> dict[str, float]:
    """How many tuning templates the filter drops, and how many of those are mapped to a
    gold template."""
    rows, labels, _ = filter_examples(results, gold, split_model)
    if not rows:
        return {}
    dropped = [not kept for kept in model.keep(rows)]
    return {
        "templates": float(len(rows)),
        "dropped": float(sum(dropped)),
        "dropped_gold": float(sum(d and y == GOLD for d, y in zip(dropped, labels, strict=True))),
    }
