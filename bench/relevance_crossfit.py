"""The relevance verdict end to end with cross-fitted scores on DEV-MUC3-0001..1100, beside
TST1+TST2 (docs/accuracy.md, "Eighth round: relevant and irrelevant messages").

    python bench/relevance_crossfit.py --data ../shared/data --cache /tmp/relevance-cf

The shipped relevance models (textcat and logistic regression) were trained on DEV 0001..1100,
so their verdict there is in sample: it equals the gold label on nearly every message, and a
change of the verdict cannot be measured on DEV with them. This script refits both models
five times, each on four fifths of those messages (folds by a hash of the message id), scores
the fifth, and applies the verdict rule (band, textcat floor, lead rule, sabotage rule) to
those scores. Each message is extracted once with every rejection left to the rules
(``doc._.relevant`` None where the verdict was False, as ``bench/relevance_oracle.py`` does),
so a verdict chooses per message between that extraction's templates and none. The role,
split and filter models stay in sample on DEV (its figures are optimistic); TST1+TST2 uses
the shipped scores. Reads DEV 0001..1100 and TST1+TST2 only, never the held-out DEV slice.

The regression's sentence model (eleventh round) is cross-fitted first, by the same folds:
each DEV message's sentences are scored by the sentence model fitted on the other four
fifths; the regression of each fold then reads those out-of-fold scores, for its training
messages as for the fifth it scores (the training messages' scores came from sentence models
that saw the fifth's sentences, a small leak, as a plain stack has). With ``--no-sentences``
the regression is refitted without them (the rounds before the eleventh).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import spacy
from _muc_splits import DEV_GOLD, DEV_KEYS, DEV_MESSAGES, TST_GOLD, TST_KEYS, TST_MESSAGES
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from incidex.evaluate._gtt import gold_from_gtt, read_gtt, score_five_role
from incidex.evaluate._muc import read_muc_messages
from incidex.evaluate._predict import ROLE_MODELS, muc_predictions
from incidex.evaluate._run import _extractor, _keys, _muc_article
from incidex.evaluate._slots import score_muc_slots
from incidex.model import ArticleResult
from incidex.nlp._doc import article_of
from incidex.nlp.components import trained
from incidex.nlp.relevance import message_features, sentence_features
from incidex.train import _attack_mentions
from incidex.train._data import load_examples
from incidex.train._fit import classifier_text, fit_relevance
from incidex.train._relevance import (
    RELEVANCE_C,
    SENTENCE_FOLDS,
    _holds_mention,
    _sentence_model,
    sentence_fold,
)

_ORDER = (False, None, True)


def _extract(data: Path, paths: Sequence[str], cache: Path) -> dict[str, Any]:
    """Per message: the templates with every rejection left to the rules, the shipped
    scores, the lead and sabotage rules' flags and the regression's features."""
    if cache.exists():
        loaded: dict[str, Any] = json.loads(cache.read_text())
        return loaded
    records: dict[str, dict[str, Any]] = {}
    shipped = trained.RelevanceClassifier._verdict

    def verdict(doc, cats):  # type: ignore[no-untyped-def]
        shipped(doc, cats)
        records[article_of(doc).extra["muc_docid"]] = {
            "bow": cats["RELEVANT_BOW"],
            "lr": cats["RELEVANT_LR"],
            "verdict": doc._.relevant,
            "lead": trained._lead_tells_no_attack(doc),
            "sabotage": trained._reports_sabotage(doc),
            "features": message_features(doc),
            "sentence_max": cats.get("RELEVANT_SENT", 0.0),
            "sentences": sentence_features(doc),
            "sentence_texts": [s.text for s in doc.sents],
        }
        if doc._.relevant is False:
            doc._.relevant = None

    trained.RelevanceClassifier._verdict = staticmethod(verdict)  # type: ignore[method-assign]
    try:
        messages = [m for p in paths for m in read_muc_messages(data / p)]
        engine = _extractor(None)
        results: list[ArticleResult] = list(
            engine.extract_articles(_muc_article(m) for m in messages)
        )
        if not ROLE_MODELS & set(engine.nlp.pipe_names):
            raise SystemExit("the trained models are not installed")
    finally:
        trained.RelevanceClassifier._verdict = shipped  # type: ignore[method-assign]
    out = {}
    for message, result in zip(messages, results, strict=True):
        out[message.docid] = {**records.get(message.docid, {}), "result": result.model_dump_json()}
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out))
    return out


def _sentence_scores(data: Path, records: dict[str, Any], docids: list[str]) -> list[float]:
    """Each DEV message's highest sentence score, out of fold (the module docstring)."""
    mentions = _attack_mentions(read_gtt(data / DEV_GOLD))
    relevant = {d: bool(m) for d, m in gold_from_gtt(read_gtt(data / DEV_GOLD)).items()}
    rows = [records[d]["sentences"] for d in docids]
    labels = [
        [
            relevant.get(d, False) and _holds_mention(t, {m for m in mentions[d] if len(m) > 2})
            for t in records[d]["sentence_texts"]
        ]
        for d in docids
    ]
    _, scores = _sentence_model(docids, rows, labels, log=print)
    return [max(s, default=0.0) for s in scores]


def _crossfit(
    data: Path, records: dict[str, Any], sentences: bool = True
) -> dict[str, tuple[float, float, float]]:
    """Out-of-fold (textcat, regression, highest sentence) scores of every DEV message."""
    docs = [d for p in DEV_MESSAGES for d in load_examples(data / p, data / DEV_GOLD)]
    highest = dict.fromkeys(records, 0.0)
    if sentences:
        highest = dict(zip(records, _sentence_scores(data, records, list(records)), strict=True))
    features = {
        d: {**r["features"], **({"a=sentence_max": 0.3 * highest[d]} if sentences else {})}
        for d, r in records.items()
    }
    scores: dict[str, tuple[float, float, float]] = {}
    for k in range(SENTENCE_FOLDS):
        train = [d for d in docs if sentence_fold(d.docid) != k]
        test = [d for d in docs if sentence_fold(d.docid) == k]
        with tempfile.TemporaryDirectory() as tmp:
            fit_relevance(train, [], Path(tmp) / "textcat", log=lambda _: None)
            nlp = spacy.load(Path(tmp) / "textcat")
            bow = [doc.cats["RELEVANT"] for doc in nlp.pipe(classifier_text(d.text) for d in test)]
        rows = [features[d.docid] for d in train]
        seen = Counter(name for row in rows for name in row)
        vectorizer = DictVectorizer()
        matrix = vectorizer.fit_transform(
            [{n: v for n, v in r.items() if seen[n] >= 3} for r in rows]
        )
        model = LogisticRegression(C=RELEVANCE_C, max_iter=3000)
        model.fit(matrix, np.asarray([d.relevant for d in train]))
        linear = model.predict_proba(vectorizer.transform([features[d.docid] for d in test]))[:, 1]
        for d, b, lr in zip(test, bow, linear, strict=True):
            scores[d.docid] = (float(b), float(lr), highest[d.docid])
        print(f"  fold {k + 1}/{SENTENCE_FOLDS} fitted", flush=True)
    return scores


def _band(score: float, admit: float, reject: float) -> bool | None:
    return True if score >= admit else False if score < reject else None


Rule = Callable[[float, float, float, dict[str, Any]], "bool | None"]


def rule(
    weight: float = 0.5,
    admit: float = 0.5,
    reject: float = 0.35,
    floor: bool = True,
    sentence: float = trained._SENTENCE_ADMIT,
) -> Rule:
    """The shipped verdict (``RelevanceClassifier._verdict``) with its constants as
    parameters: the band on ``weight`` x textcat + (1 - weight) x regression, never
    stricter than the textcat's own band (``floor``), the lead and sabotage rules, a
    rejection lifted at a sentence score of ``sentence``."""

    def verdict(bow: float, lr: float, top: float, record: dict[str, Any]) -> bool | None:
        found = _band(weight * bow + (1 - weight) * lr, admit, reject)
        if floor:
            found = max(found, _band(bow, admit, reject), key=_ORDER.index)
        if found is None and record["lead"]:
            found = False
        if found is False and (record["sabotage"] or top >= sentence):
            found = None
        return found

    return verdict


RULES: dict[str, Rule] = {
    "shipped rule": rule(),
    "no textcat floor": rule(floor=False),
    "regression alone (weight 0)": rule(weight=0.0),
    "textcat alone (weight 1)": rule(weight=1.0),
    "reject below 0.3": rule(reject=0.3),
    "reject below 0.25": rule(reject=0.25),
    "admit at 0.6": rule(admit=0.6),
    "no rejection lifted by a sentence": rule(sentence=2.0),
    "rejection lifted at a sentence score of 0.6": rule(sentence=0.6),
    "rejection lifted at a sentence score of 0.5": rule(sentence=0.5),
}


def _score(
    predictions: dict[str, Any], gold: dict[str, Any], keys: dict[str, Any], admitted: set[str]
) -> str:
    five = score_five_role(
        {d: p[0] if d in admitted else [] for d, p in predictions.items()}, gold
    ).micro
    slots = score_muc_slots(
        {d: p[1] if d in admitted else [] for d, p in predictions.items()}, keys
    ).micro
    return (
        f"five-role {100 * five.f1:.2f} ({five.correct_pred}/{five.predicted}) "
        f"slots {100 * slots.f1:.2f} ({slots.correct_pred}/{slots.predicted})"
    )


def run(data: Path, cache: Path, sentences: bool = True) -> list[str]:
    """One line per split and verdict rule."""
    lines = []
    for split, paths, key_paths, gold_path in (
        ("TST1+TST2", TST_MESSAGES, TST_KEYS, TST_GOLD),
        ("DEV 0001..1100", DEV_MESSAGES, DEV_KEYS, DEV_GOLD),
    ):
        records = _extract(data, paths, cache / f"{split.split()[0].lower()}.json")
        gold = gold_from_gtt(d for d in read_gtt(data / gold_path) if d.docid in records)
        keys = _keys([data / p for p in key_paths])
        predictions = {
            d: muc_predictions(ArticleResult.model_validate_json(r["result"]), tagger=True)
            for d, r in records.items()
        }
        dev = split.startswith("DEV")
        scores = (
            _crossfit(data, records, sentences)
            if dev
            else {d: (r["bow"], r["lr"], r["sentence_max"]) for d, r in records.items()}
        )
        shipped = {d for d, r in records.items() if r["verdict"] is not False}
        lines.append(f"{split}, shipped verdict: {_score(predictions, gold, keys, shipped)}")
        lines.append(
            f"{split}, gold relevance: {_score(predictions, gold, keys, set(gold_of(gold)))}"
        )
        for name, verdict in RULES.items():
            admitted = {d for d, s in scores.items() if verdict(*s, records[d]) is not False}
            where = "cross-fitted" if dev else "shipped scores"
            lines.append(f"{split}, {name} ({where}): {_score(predictions, gold, keys, admitted)}")
            print(lines[-1], flush=True)
    return lines


def gold_of(gold: dict[str, Any]) -> list[str]:
    """The messages with a gold template."""
    return [d for d, templates in gold.items() if templates]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "relevance-cf")
    parser.add_argument(
        "--no-sentences", action="store_true", help="refit the regression without them"
    )
    args = parser.parse_args()
    for line in run(args.data, args.cache, not args.no_sentences):
        print(line)


if __name__ == "__main__":
    main()
