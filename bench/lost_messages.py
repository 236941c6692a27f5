"""Where the relevant MUC-4 messages that get no template at all are lost (docs/accuracy.md,
"Tenth round: relevant messages without a template").

    python bench/lost_messages.py --data ../shared/data               # TST1+TST2
    python bench/lost_messages.py --data ../shared/data --split dev   # DEV 0001..1100

Extracts the split with the shipped pipeline and, for each message with a GTT gold template
and no predicted one, names the first stage that left it without a template:

* ``rejected: below the band``: the relevance verdict, both the mean of the two scores and
  the textcat's own under the band (components/trained.py);
* ``rejected: lead``: a score in the band, and the first sentence tells of no attack;
* ``old attack dropped``: every attack type was an attack more than two months old told
  beside a trial, an arrest or a threat (``_drop_old_attack``);
* ``no trigger``: no sentence names an attack, so no incident was made;
* ``no incident``: attack words, but no incident report;
* ``MUC relevance: old / clash / discredited``: every incident excluded by the mapping's
  MUC-4 relevance rules (``muc_relevance``), with the reason of each;
* ``template filter``: the learned filter dropped every template.

On DEV the relevance models, the split and the filter were trained on these messages, so
their stages are in sample there (few losses, none of them to the verdict). Reads DEV
0001..1100 or TST1+TST2 only, never the held-out DEV slice.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _muc_splits import DEV_GOLD, DEV_MESSAGES, TST_GOLD, TST_MESSAGES

from incidex.evaluate import _predict
from incidex.evaluate._gtt import read_gtt
from incidex.evaluate._muc import read_muc_messages
from incidex.evaluate._run import _extractor, _muc_article
from incidex.model import ArticleResult, IncidentReport
from incidex.nlp._doc import article_of, sent_info
from incidex.nlp.components import incidents, trained

_SCORES = ("RELEVANT", "RELEVANT_BOW", "RELEVANT_LR")  # the mean, the textcat, the regression


def _verdict_stage(cats: dict[str, float], lead_no_attack: bool) -> str:
    band = max(
        trained._band(cats.get("RELEVANT", 0.0)),
        trained._band(cats.get("RELEVANT_BOW", 0.0)),
        key=trained._ORDER.index,
    )
    return "rejected: lead" if band is None and lead_no_attack else "rejected: below the band"


def _muc_reasons(parts: Sequence[IncidentReport], published: dt.date | None) -> str:
    recent = [_predict._recent(p, published) for p in parts]
    reasons = set()
    for part, new in zip(parts, recent, strict=True):
        if not new and any(recent):
            reasons.add("old")
        if _predict._combatants_only(part):
            reasons.add("clash")
        if _predict._discredited(part):
            reasons.add("discredited")
    return "MUC relevance: " + " / ".join(sorted(reasons))


def _mapping_stage(result: ArticleResult) -> str:
    published = result.article.published.date() if result.article.published else None
    split = [p for found in _predict._muc_parts(result, True)[1] for p in found]
    parts, keep, _ = _predict._muc_incidents(result, True)
    if not parts:
        return _muc_reasons(split, published) if split else "no incident"
    return "template filter" if not any(keep) else "kept"


def run(data: Path, split: str) -> list[tuple[str, int, str, dict[str, Any]]]:
    """Per relevant message without a predicted template: id, gold templates, stage, scores."""
    paths, gold_path = (DEV_MESSAGES, DEV_GOLD) if split == "dev" else (TST_MESSAGES, TST_GOLD)
    messages = [m for p in paths for m in read_muc_messages(data / p)]
    ids = {m.docid for m in messages}
    gold = {d.docid: len(d.templates) for d in read_gtt(data / gold_path) if d.docid in ids}
    seen: dict[str, dict[str, Any]] = {}
    dropped: dict[str, bool] = {}
    shipped_verdict, shipped_drop = trained.RelevanceClassifier._verdict, incidents._drop_old_attack

    def verdict(doc, cats):  # type: ignore[no-untyped-def]
        shipped_verdict(doc, cats)
        infos = sent_info(doc)
        seen[article_of(doc).extra["muc_docid"]] = {
            "verdict": doc._.relevant,
            "cats": {k: round(v, 2) for k, v in cats.items()},
            "lead": trained._lead_tells_no_attack(doc),
            "trigger": any(i.attack for i in infos),
        }

    def drop(by_field, published, *, held=False):  # type: ignore[no-untyped-def]
        kept = shipped_drop(by_field, published, held=held)
        told = any(a.normalized.attack for a in by_field["types"])
        dropped["last"] = told and not any(a.normalized.attack for a in kept)
        return kept

    trained.RelevanceClassifier._verdict = staticmethod(verdict)  # type: ignore[method-assign]
    incidents._drop_old_attack = drop  # type: ignore[assignment]
    lost = []
    try:
        engine = _extractor(None)
        for message in messages:
            dropped["last"] = False
            [result] = engine.extract_articles([_muc_article(message)])
            templates, _ = _predict.muc_predictions(result, tagger=True)
            if not gold.get(message.docid) or templates:
                continue
            info = seen.get(message.docid, {})
            if info.get("verdict") is False:
                stage = _verdict_stage(info["cats"], info["lead"])
            elif result.status != "extracted":
                stage = (
                    "old attack dropped"
                    if dropped["last"]
                    else "no incident"
                    if info.get("trigger", True)
                    else "no trigger"
                )
            else:
                stage = _mapping_stage(result)
            lost.append((message.docid, gold[message.docid], stage, info.get("cats", {})))
    finally:
        trained.RelevanceClassifier._verdict = shipped_verdict  # type: ignore[method-assign]
        incidents._drop_old_attack = shipped_drop  # type: ignore[assignment]
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--split", choices=("tst", "dev"), default="tst")
    args = parser.parse_args()
    lost = run(args.data, args.split)
    for docid, n, stage, cats in lost:
        scores = " ".join(f"{k} {cats[k]:.2f}" for k in _SCORES if k in cats)
        print(f"{docid} | {n} gold templates | {stage} | {scores}")
    print(f"{len(lost)} relevant messages without a template:")
    for stage, count in Counter(stage for _, _, stage, _ in lost).most_common():
        print(f"  {stage}: {count}")


if __name__ == "__main__":
    main()
