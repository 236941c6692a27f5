"""The template filter's thresholds measured on DEV-MUC3-0001..1100 with the filter
cross-fitted, beside TST1+TST2 (docs/accuracy.md, "Trained models (MUC-4)").

    python bench/filter_crossfit.py --data ../shared/data --cache /tmp/filter-cf

The shipped filter was fitted on DEV 0001..1100, so its decisions there are in sample. This
script extracts DEV 0001..1100 and TST1+TST2 once with the shipped pipeline, then fits the
filter five times, each on four fifths of DEV (folds by message number), maps the fifth at
each pair of thresholds (a message's first template, its further ones; 0 / 0 is no filter)
and prints five-role and slot micro F1; TST1+TST2 with the filter fitted on all of DEV. The
split model stays the shipped one (in sample on DEV). Never reads the held-out DEV slice.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from _muc_splits import DEV_GOLD, DEV_KEYS, DEV_MESSAGES, FOLDS, TST_GOLD, TST_KEYS, TST_MESSAGES

from incidex.evaluate import _predict
from incidex.evaluate._gtt import gold_from_gtt, read_gtt, score_five_role
from incidex.evaluate._muc import read_muc_messages
from incidex.evaluate._prune import TemplateFilter
from incidex.evaluate._run import _keys, _muc_article
from incidex.evaluate._slots import score_muc_slots
from incidex.model import ArticleResult
from incidex.nlp.extract import Extractor
from incidex.train._prune import filter_examples, fit_filter_model

_GRID = [
    (0.0, 0.0),
    (0.5, 0.3),
    (0.5, 0.4),
    (0.6, 0.3),
    (0.4, 0.3),
    (0.4, 0.2),
    (0.3, 0.2),
    (0.2, 0.2),
]


def _extract(data: Path, paths: Sequence[str], cache: Path | None) -> list[ArticleResult]:
    """The messages of ``paths`` as the shipped pipeline extracts them (cached as JSON lines)."""
    if cache is not None and cache.exists():
        return [ArticleResult.model_validate_json(line) for line in cache.open()]
    messages = [m for p in paths for m in read_muc_messages(data / p)]
    results = list(Extractor().extract_articles(_muc_article(m) for m in messages))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text("".join(r.model_dump_json() + "\n" for r in results))
    return results


def _docid(result: ArticleResult) -> str:
    return str((result.article.extra or {})["muc_docid"])


@contextmanager
def _filter(model: TemplateFilter) -> Iterator[None]:
    """The mapping with ``model`` as its template filter."""
    shipped = _predict._template_filter
    _predict._template_filter = lambda tagger: model if tagger else None  # type: ignore[assignment]
    try:
        yield
    finally:
        _predict._template_filter = shipped  # type: ignore[assignment]


def _with(model: TemplateFilter, first: float, further: float) -> TemplateFilter:
    model.model.threshold = first
    model.model.meta["further_threshold"] = further
    return model


def _score(
    results: Sequence[ArticleResult], model: TemplateFilter, first: float, further: float
) -> tuple[dict[str, object], dict[str, object]]:
    pred: dict[str, object] = {}
    slots: dict[str, object] = {}
    with _filter(_with(model, first, further)):
        for result in results:
            pred[_docid(result)], slots[_docid(result)] = _predict.muc_predictions(
                result, tagger=True
            )
    return pred, slots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder holding muc4/")
    parser.add_argument("--cache", type=Path, help="keep the extractions here")
    args = parser.parse_args()
    cache = args.cache
    dev = _extract(args.data, DEV_MESSAGES, cache / "dev.jsonl" if cache else None)
    tst = _extract(args.data, TST_MESSAGES, cache / "tst.jsonl" if cache else None)
    dev_gold = gold_from_gtt(
        d for d in read_gtt(args.data / DEV_GOLD) if d.docid in {_docid(r) for r in dev}
    )
    tst_gold = gold_from_gtt(read_gtt(args.data / TST_GOLD))
    dev_keys = _keys(args.data / k for k in DEV_KEYS)
    tst_keys = _keys(args.data / k for k in TST_KEYS)
    split = _predict._split_model(True)

    def fold(result: ArticleResult) -> int:
        return int(_docid(result)[-4:]) % FOLDS

    by_grid: dict[tuple[float, float], tuple[dict[str, object], dict[str, object]]] = {
        g: ({}, {}) for g in _GRID
    }
    for f in range(FOLDS):
        train = [r for r in dev if fold(r) != f]
        model = fit_filter_model(*filter_examples(train, dev_gold, split)[:2])
        held = [r for r in dev if fold(r) == f]
        for g in _GRID:
            pred, slots = _score(held, model, *g)
            by_grid[g][0].update(pred)
            by_grid[g][1].update(slots)
    full = fit_filter_model(*filter_examples(dev, dev_gold, split)[:2])
    print("first / further | DEV five-fold five-role | DEV slots | TST1+TST2 five-role | TST slots")
    for g in _GRID:
        dev_five = score_five_role(by_grid[g][0], dev_gold).micro  # type: ignore[arg-type]
        dev_slots = score_muc_slots(by_grid[g][1], dev_keys).micro  # type: ignore[arg-type]
        pred, slots = _score(tst, full, *g)
        tst_five = score_five_role(pred, tst_gold).micro  # type: ignore[arg-type]
        tst_slots = score_muc_slots(slots, tst_keys).micro  # type: ignore[arg-type]
        print(
            f"{g[0]} / {g[1]} | {100 * dev_five.f1:.2f} ({dev_five.correct_pred} / "
            f"{dev_five.predicted}) | {100 * dev_slots.f1:.2f} | {100 * tst_five.f1:.2f} "
            f"({tst_five.correct_pred} / {tst_five.predicted}) | {100 * tst_slots.f1:.2f}"
        )


if __name__ == "__main__":
    main()
