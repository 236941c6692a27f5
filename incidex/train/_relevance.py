"""Training of the message-level relevance classifier (the logistic regression beside the
bag-of-words textcat in ``incidex_relevance_v1``): every training message is parsed by the
rule pipeline (what the classifier reads in the pipeline: it runs after the rule components),
described by :func:`incidex.nlp.relevance.message_features`, and labelled relevant when it
has a GTT template. Saved as plain arrays (``RelevanceModel``), not a pickle.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from spacy.language import Language
from spacy.tokens import Doc

from ..evaluate._muc import MucMessage
from ..evaluate._run import _muc_article
from ..nlp._doc import ensure_extensions
from ..nlp.pipeline import build_pipeline
from ..nlp.relevance import RelevanceModel, message_features
from ..nlp.truecase import WIRE_KEY, mostly_upper, truecase
from ._fit import ModelReport, write_report

__all__ = ["RELEVANCE_C", "analysed_docs", "fit_relevance_model"]

# Inverse regularisation strength (TST1+TST2 AUC: C 3 0.866, 10 0.870, 30 0.868).
RELEVANCE_C = 10.0
_MIN_DOCS = 3  # features of fewer training messages are left out (rare word pairs)
_ASSEMBLER = "incidex_incidents_v1"


def analysed_docs(messages: Sequence[MucMessage], nlp: Language | None = None) -> Iterator[Doc]:
    """The messages as the relevance classifier sees them in the pipeline: parsed (a
    truecased copy of all-capitals text, as the extractor does) by the rule components,
    before the incident assembler."""
    ensure_extensions()
    nlp = nlp or build_pipeline(with_trained=False)
    docs = []
    for message in messages:
        article = _muc_article(message)
        wire = mostly_upper(article.text)
        doc = nlp.make_doc(truecase(article.text) if wire else article.text)
        doc.user_data[WIRE_KEY] = wire
        doc._.article = article
        docs.append(doc)
    with nlp.select_pipes(disable=[_ASSEMBLER]):
        yield from nlp.pipe(docs)


def _frequent(rows: list[dict[str, float]]) -> list[dict[str, float]]:
    counts = Counter(name for row in rows for name in row)
    return [{k: v for k, v in row.items() if counts[k] >= _MIN_DOCS} for row in rows]


def fit_relevance_model(
    train: Sequence[MucMessage],
    labels: Sequence[bool],
    tune: Sequence[MucMessage],
    tune_labels: Sequence[bool],
    out: Path,
    *,
    c: float = RELEVANCE_C,
    nlp: Language | None = None,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Train the classifier on the messages and their labels (relevant or not), score it on
    the tuning messages (ROC AUC) and save it under ``out``."""
    nlp = nlp or build_pipeline(with_trained=False)
    start = time.perf_counter()
    rows = [message_features(doc) for doc in analysed_docs(train, nlp)]
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(_frequent(rows))
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(matrix, np.asarray(labels, dtype=bool))
    seconds = time.perf_counter() - start
    weights = np.zeros((matrix.shape[1], 2), dtype=np.float32)
    weights[:, 1] = classifier.coef_[0]
    model = RelevanceModel(
        list(vectorizer.get_feature_names_out()),
        ["IRRELEVANT", RelevanceModel.RELEVANT],
        weights,
        np.asarray([0.0, classifier.intercept_[0]], dtype=np.float32),
        0.5,
        {"C": c, "sklearn": _sklearn_version()},
    )
    log(f"  {matrix.shape[1]} features of {len(train)} messages")
    scores: dict[str, float] = {}
    if tune and len(set(tune_labels)) == 2:
        got = [model.score(doc) for doc in analysed_docs(tune, nlp)]
        scores["auc"] = float(roc_auc_score(np.asarray(tune_labels, dtype=bool), got))
    report = ModelReport(
        "relevance_lr", len(train), 1, seconds, [], scores, {"RELEVANT": sum(labels)}
    )
    model.save(out)
    write_report(out, report)
    return report


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)
