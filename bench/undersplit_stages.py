"""Where the further incidents of one type that a MUC-4 message tells are lost
(docs/accuracy.md, "Eleventh round: split11").

    python bench/undersplit_stages.py --data ../shared/data                 # TST1+TST2
    python bench/undersplit_stages.py --data ../shared/data --split dev     # DEV 0001..1100
    python bench/undersplit_stages.py --data ../shared/data --cache DIR     # extractions kept

For each message and INCIDENT: TYPE of which the answer key has more (non-optional,
relevant) templates than the mapping predicts, while it predicts at least one (an
under-split; a type predicted not at all is another loss), it names the first stage at
which the count of that type falls below the key's:

* ``never split off``: the split (``split_incidents``) makes fewer incidents of the type
  than the key has, before any merge, and no part made after it (robberies, burnings,
  the ATTACK beside a kidnapping or gunfire) adds one;
* ``merged (_indistinct)``: the split's decisions reach the key's count, but further
  incidents naming nothing new are merged back into the one before them;
* ``MUC relevance``: ``muc_relevance`` excludes parts (old, combatants only, discredited);
* ``template filter``: the learned filter drops templates.

A ``never split off`` row gives, of the split sentences that did not start an incident,
the highest P(another incident) (``below`` the split's threshold): whether a lower
threshold could reach it at all. On DEV the split and the filter were trained on these
messages, so their stages are in sample there. Never reads the held-out DEV slice.
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _muc_splits import DEV_KEYS, DEV_MESSAGES, TST_KEYS, TST_MESSAGES
from filter_crossfit import _docid, _extract

from incidex.evaluate import _predict
from incidex.evaluate._muc import MucKeyTemplate
from incidex.evaluate._run import _keys
from incidex.model import ArticleResult, IncidentReport

_Label = tuple[str, int]


def _key_counts(keys: Sequence[MucKeyTemplate]) -> Counter[str]:
    """Key templates per type; a template whose type has alternatives is left out."""
    return Counter(
        k.incident_types[0].upper()
        for k in keys
        if k.relevant and not k.optional and len(set(k.incident_types)) == 1
    )


def _types(parts: Sequence[IncidentReport]) -> Counter[str]:
    return Counter(_predict.incident_type_of(p).upper() for p in parts)


def _stages(result: ArticleResult, keys: Counter[str]) -> list[tuple[str, int, int, str]]:
    """Per under-split type of one message: type, key count, predicted count, stage."""
    decided: Counter[str] = Counter()  # incidents per type the split's decisions made
    below: list[float] = []  # P(another) of the split sentences that started none
    shipped_merge, shipped_starts = _predict._indistinct, _predict._starts_another

    def merge(
        report: IncidentReport, labels: set[_Label], owner: Callable[[int], _Label]
    ) -> dict[_Label, _Label]:
        decided.update(kind.upper() for kind, _ in labels)
        return shipped_merge(report, labels, owner)

    def starts(model: Any, report: IncidentReport, prev: Any, unit: Any, at: Any) -> bool:
        found = shipped_starts(model, report, prev, unit, at)
        if model is not None and not found:
            below.append(model.another(report, prev, unit.sentence, unit.kind, at))
        return found

    _predict._indistinct = merge  # type: ignore[assignment]
    _predict._starts_another = starts  # type: ignore[assignment]
    try:
        relevant, split = _predict._muc_parts(result, True)
    finally:
        _predict._indistinct = shipped_merge  # type: ignore[assignment]
        _predict._starts_another = shipped_starts  # type: ignore[assignment]
    made = _types(
        _predict._with_kidnap_attacks(
            _predict._gunfire_attacks([p for found in split for p in found])
        )
    )
    parts, keep, _ = _predict._muc_incidents(result, True)
    final = _types([p for p, kept in zip(parts, keep, strict=True) if kept])
    rows = []
    for kind, n in sorted(keys.items()):
        if not 0 < final[kind] < n:
            continue
        if made[kind] < n:
            stage = "merged (_indistinct)" if decided[kind] >= n else "never split off"
            if stage == "never split off" and below:
                stage += f" (highest P(another) below: {max(below):.3f})"
        elif _types(relevant)[kind] < n:
            stage = "MUC relevance"
        else:
            stage = "template filter"
        rows.append((kind, n, final[kind], stage))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--split", choices=("tst", "dev"), default="tst")
    parser.add_argument("--cache", type=Path, help="keep the extraction here")
    args = parser.parse_args()
    paths, key_paths = (DEV_MESSAGES, DEV_KEYS) if args.split == "dev" else (TST_MESSAGES, TST_KEYS)
    cache = args.cache / f"{args.split}.jsonl" if args.cache else None
    results = _extract(args.data, paths, cache)
    keys = _keys(args.data / k for k in key_paths)
    lost: Counter[str] = Counter()
    for result in results:
        counts = _key_counts(keys.get(_docid(result), ()))
        if not counts or result.status != "extracted":
            continue
        for kind, n, found, stage in _stages(result, counts):
            print(f"{_docid(result)} | {kind} | key {n} | predicted {found} | {stage}")
            lost[stage.split(" (highest")[0]] += n - found
    print(f"{sum(lost.values())} key templates short in under-split messages:")
    for stage, count in lost.most_common():
        print(f"  {stage}: {count}")


if __name__ == "__main__":
    main()
