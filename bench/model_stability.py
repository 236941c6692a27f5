"""How much the two benchmark-mapping models (the same-type incident split, the template
filter) move when their DEV training data moves a little (docs/accuracy.md, "Ninth round:
stability of the split and the template filter").

    python bench/model_stability.py --data ../shared/data --cache DIR --model filter
    python bench/model_stability.py --data ../shared/data --cache DIR --model split

Each model is fitted (with the fitting options given) on DEV 0001..1100 as the shipped pipeline
extracts it, once as is and ten times with 5% of its messages left out (a seeded draw), the
other model as shipped. Per fit: TST1+TST2 five-role and slots (model fitted on all of DEV
but the left-out messages) and DEV five-fold five-role and slots (fitted on four fifths, folds
by message number, mapping the fifth). It prints each fit's row, then the mean, min, max and
standard deviation over the ten. The other model is in sample on DEV. Never reads the held-out DEV
slice. Extractions are cached as ``bench/filter_crossfit.py`` caches them.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from _muc_splits import DEV_GOLD, DEV_KEYS, DEV_MESSAGES, FOLDS, TST_GOLD, TST_KEYS, TST_MESSAGES
from filter_crossfit import _docid, _extract

from incidex.evaluate import _predict
from incidex.evaluate._gtt import (
    GoldTemplate,
    GttDoc,
    PredTemplate,
    gold_from_gtt,
    read_gtt,
    score_five_role,
)
from incidex.evaluate._muc import MucKeyTemplate
from incidex.evaluate._prune import TemplateFilter
from incidex.evaluate._run import _keys
from incidex.evaluate._slots import SlotTemplate, score_muc_slots
from incidex.evaluate._split import SPLIT_THRESHOLD, SplitModel
from incidex.model import ArticleResult
from incidex.train._candidates import binary_logistic
from incidex.train._prune import (
    FILTER_C,
    FILTER_FURTHER_THRESHOLD,
    FILTER_THRESHOLD,
    filter_examples,
    fit_filter_model,
)
from incidex.train._split import SPLIT_C, split_examples

SEEDS = range(10)
LEFT_OUT = 0.05

_M = TypeVar("_M")
Predictions = tuple[dict[str, list[PredTemplate]], dict[str, list[SlotTemplate]]]


@dataclass
class Data:
    dev: list[ArticleResult]
    tst: list[ArticleResult]
    dev_gold: dict[str, list[GoldTemplate]]
    tst_gold: dict[str, list[GoldTemplate]]
    dev_keys: dict[str, list[MucKeyTemplate]]
    tst_keys: dict[str, list[MucKeyTemplate]]
    dev_docs: dict[str, GttDoc]


def _fold(docid: str) -> int:
    return int(docid[-4:]) % FOLDS


def _left_out(docids: Sequence[str], seed: int | None) -> set[str]:
    """The DEV messages a perturbed fit leaves out (none for the unperturbed fit)."""
    if seed is None:
        return set()
    return set(random.Random(seed).sample(list(docids), round(LEFT_OUT * len(docids))))


def _scores(data: Data, dev: Predictions, tst: Predictions) -> tuple[float, ...]:
    return tuple(
        100 * s.f1
        for s in (
            score_five_role(tst[0], data.tst_gold).micro,
            score_muc_slots(tst[1], data.tst_keys).micro,
            score_five_role(dev[0], data.dev_gold).micro,
            score_muc_slots(dev[1], data.dev_keys).micro,
        )
    )


# -- the template filter: templates and features made once, the filter only selects -------


@dataclass
class _Message:
    docid: str
    gtt: list[PredTemplate]  # every template the mapping makes, before the filter
    slots: list[SlotTemplate]
    rows: list[dict[str, float]]


def _unfiltered(result: ArticleResult) -> _Message:
    if result.status != "extracted":
        return _Message(_docid(result), [], [], [])
    parts, split = _predict._muc_parts(result, True)
    raw = [_predict._gtt_template(p, True) for p in parts]
    rows = _predict.template_rows(result, parts, split, raw) if parts else []
    every = [True] * len(parts)
    return _Message(
        _docid(result),
        _predict._gtt_templates(result, True, parts, every, raw),
        _predict._slot_templates(result, True, parts, every),
        rows,
    )


def _filtered(messages: Sequence[_Message], model: TemplateFilter) -> Predictions:
    gtt: dict[str, list[PredTemplate]] = {}
    slots: dict[str, list[SlotTemplate]] = {}
    for m in messages:
        keep = model.keep(m.rows) if m.rows else []
        gtt[m.docid] = [t for t, k in zip(m.gtt, keep, strict=True) if k]
        slots[m.docid] = [t for t, k in zip(m.slots, keep, strict=True) if k]
    return gtt, slots


def filter_runs(data: Data, fit: Callable[..., TemplateFilter]) -> Iterator[tuple[float, ...]]:
    split = _predict._split_model(True)
    rows, labels, docids = filter_examples(data.dev, data.dev_gold, split)
    dev = [_unfiltered(r) for r in data.dev]
    tst = [_unfiltered(r) for r in data.tst]

    def fitted(excluded: set[str]) -> TemplateFilter:
        kept = [n for n, d in enumerate(docids) if d not in excluded]
        return fit([rows[n] for n in kept], [labels[n] for n in kept])

    def predict(model: TemplateFilter, fold: int | None) -> Predictions:
        if fold is None:
            return _filtered(tst, model)
        return _filtered([m for m in dev if _fold(m.docid) == fold], model)

    return _crossfit(data, fitted, predict)


def _crossfit(
    data: Data,
    fitted: Callable[[set[str]], _M],
    predict: Callable[[_M, int | None], Predictions],
) -> Iterator[tuple[float, ...]]:
    """Per fit (all of DEV, then each seed's draw left out): the scores of :func:`_scores`,
    DEV five-fold and TST1+TST2 (``predict``: fold None)."""
    docids = sorted(_docid(r) for r in data.dev)
    for seed in [None, *SEEDS]:
        out = _left_out(docids, seed)
        dev_pred: Predictions = ({}, {})
        for f in range(FOLDS):
            pred = predict(fitted(out | {d for d in docids if _fold(d) == f}), f)
            dev_pred[0].update(pred[0])
            dev_pred[1].update(pred[1])
        yield _scores(data, dev_pred, predict(fitted(out), None))


# -- the split: every fit maps the messages again -----------------------------------------


@contextmanager
def _split(model: SplitModel) -> Iterator[None]:
    # the mapping reads the shipped split through _predict.split_model (via _split_model)
    shipped = _predict.split_model
    _predict.split_model = lambda: model  # type: ignore[assignment]
    try:
        yield
    finally:
        _predict.split_model = shipped  # type: ignore[assignment]


def _mapped(results: Sequence[ArticleResult], model: SplitModel) -> Predictions:
    gtt: dict[str, list[PredTemplate]] = {}
    slots: dict[str, list[SlotTemplate]] = {}
    with _split(model):
        for r in results:
            gtt[_docid(r)], slots[_docid(r)] = _predict.muc_predictions(r, tagger=True)
    return gtt, slots


def split_runs(data: Data, fit: Callable[..., SplitModel]) -> Iterator[tuple[float, ...]]:
    by_doc = {_docid(r): split_examples([r], data.dev_docs) for r in data.dev}

    def fitted(excluded: set[str]) -> SplitModel:
        rows: list[dict[str, float]] = []
        labels: list[str] = []
        for d, (r, y) in by_doc.items():
            if d not in excluded:
                rows += r
                labels += y
        return fit(rows, labels)

    def predict(model: SplitModel, fold: int | None) -> Predictions:
        if fold is None:
            return _mapped(data.tst, model)
        return _mapped([r for r in data.dev if _fold(_docid(r)) == fold], model)

    return _crossfit(data, fitted, predict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding muc4/")
    parser.add_argument("--cache", type=Path, help="keep the extractions here")
    parser.add_argument("--model", choices=("filter", "split"), required=True)
    parser.add_argument("--c", type=float, help="inverse regularisation (default: shipped)")
    parser.add_argument("--min-count", type=int, default=1, help="features of >= N rows")
    parser.add_argument("--threshold", type=float, help="the split's, the filter's first")
    parser.add_argument("--further", type=float, help="the filter's further threshold")
    parser.add_argument("--bags", type=int, default=0, help="bootstrap fits averaged")
    args = parser.parse_args()
    cache = args.cache
    dev = _extract(args.data, DEV_MESSAGES, cache / "dev.jsonl" if cache else None)
    tst = _extract(args.data, TST_MESSAGES, cache / "tst.jsonl" if cache else None)
    ids = {_docid(r) for r in dev}
    dev_docs = [d for d in read_gtt(args.data / DEV_GOLD) if d.docid in ids]
    data = Data(
        dev,
        tst,
        gold_from_gtt(dev_docs),
        gold_from_gtt(read_gtt(args.data / TST_GOLD)),
        _keys(args.data / k for k in DEV_KEYS),
        _keys(args.data / k for k in TST_KEYS),
        {d.docid: d for d in dev_docs},
    )
    options = {"min_count": args.min_count, "bags": args.bags}
    if args.model == "filter":
        c = FILTER_C if args.c is None else args.c
        at = FILTER_THRESHOLD if args.threshold is None else args.threshold
        further = FILTER_FURTHER_THRESHOLD if args.further is None else args.further
        runs = filter_runs(
            data,
            lambda r, y: fit_filter_model(r, y, c=c, threshold=at, further=further, **options),
        )
    else:
        c = SPLIT_C if args.c is None else args.c
        at = SPLIT_THRESHOLD if args.threshold is None else args.threshold
        runs = split_runs(
            data,
            lambda r, y: SplitModel(
                binary_logistic(r, y, name="incident split", c=c, threshold=at, **options)
            ),
        )
    # the thresholds the fits used (the filter's further one as well), not the flags given
    thresholds = f"{at} / {further}" if args.model == "filter" else f"{at}"
    print(f"{args.model} C {c} min-count {args.min_count} bags {args.bags} at {thresholds}")
    print("fit | TST five-role | TST slots | DEV five-fold five-role | DEV slots")
    found = []
    for seed, scores in zip(["all", *SEEDS], runs, strict=True):
        print(f"{seed} | " + " | ".join(f"{s:.2f}" for s in scores), flush=True)
        if seed != "all":
            found.append(scores)
    stats = (("mean", statistics.mean), ("min", min), ("max", max), ("std", statistics.pstdev))
    for name, stat in stats:
        print(f"{name} | " + " | ".join(f"{stat(col):.2f}" for col in zip(*found, strict=True)))


if __name__ == "__main__":
    main()
