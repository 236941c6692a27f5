"""Training of the message-level relevance classifier (the logistic regression beside the
bag-of-words textcat in ``incidex_relevance_v1``): every training message is parsed by the
rule pipeline (what the classifier reads in the pipeline: it runs after the rule components),
described by :func:`incidex.nlp.relevance.message_features`, and labelled relevant when it
has a GTT template. Saved as plain arrays (``RelevanceModel``), not a pickle.

With the gold mentions of each message, a sentence model comes first (``SentenceModel``: a
sentence is positive when it holds a mention of a relevant template's target, victim,
individual perpetrator or weapon); the regression reads the highest sentence score of each
message, out of fold (each message scored by a sentence model fitted on the other
``SENTENCE_FOLDS`` - 1 folds), so that it learns how far to trust the score on a message the
sentence model has not seen, as in the pipeline.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from spacy.language import Language
from spacy.tokens import Doc

from ..evaluate._muc import MucMessage
from ..evaluate._run import _muc_article
from ..nlp._doc import ensure_extensions
from ..nlp.linear import LinearModel
from ..nlp.pipeline import build_pipeline
from ..nlp.relevance import RelevanceModel, SentenceModel, message_features, sentence_features
from ..nlp.truecase import WIRE_KEY, mostly_upper, truecase
from ._fit import ModelReport, write_report

LinearT = TypeVar("LinearT", bound=LinearModel)

__all__ = [
    "RELEVANCE_C",
    "SENTENCE_C",
    "SENTENCE_FOLDS",
    "analysed_docs",
    "fit_relevance_model",
    "sentence_fold",
]

# Inverse regularisation strength (TST1+TST2 AUC: C 3 0.866, 10 0.870, 30 0.868).
RELEVANCE_C = 10.0
# The sentence model's: DEV cross-fitted sentence AUC C 1 0.892, 3 0.899, 10 0.897; TST1+TST2
# TYPE recall with the lift at 0.6: 74.6, 75.9, 77.2 (docs/accuracy.md, "Eleventh round")
SENTENCE_C = 10.0
SENTENCE_FOLDS = 5
_SPACES = re.compile(r"\s+")
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


def _fit(
    rows: list[dict[str, float]], labels: Sequence[bool], c: float
) -> tuple[list[str], np.ndarray, float]:
    """A binary logistic regression over the features of at least ``_MIN_DOCS`` rows: the
    feature names, their weights and the bias."""
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(_frequent(rows))
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(matrix, np.asarray(labels, dtype=bool))
    return list(vectorizer.get_feature_names_out()), classifier.coef_[0], classifier.intercept_[0]


def _linear(
    kind: type[LinearT], labels: list[str], fitted: tuple[list[str], np.ndarray, float], c: float
) -> LinearT:
    names, coef, bias = fitted
    weights = np.zeros((len(names), 2), dtype=np.float32)
    weights[:, 1] = coef
    meta = {"C": c, "sklearn": _sklearn_version()}
    return kind(names, labels, weights, np.asarray([0.0, bias], dtype=np.float32), 0.5, meta)


def sentence_fold(docid: str) -> int:
    """The fold of a message for the sentence model's out-of-fold scores (a hash of its id,
    as ``bench/relevance_crossfit.py`` folds DEV)."""
    return int(hashlib.md5(docid.encode()).hexdigest(), 16) % SENTENCE_FOLDS


def _holds_mention(text: str, mentions: Collection[str]) -> bool:
    lower = _SPACES.sub(" ", text.lower())
    return any(m in lower for m in mentions)


def _sentence_model(
    docids: Sequence[str],
    rows: Sequence[list[dict[str, float]]],
    labels: Sequence[list[bool]],
    log: Callable[[str], None],
) -> tuple[SentenceModel, list[list[float]]]:
    """The sentence model fitted on every message's sentences, and each message's sentence
    scores by the model fitted without its fold."""
    sentence_labels = ["OTHER", SentenceModel.ATTACK]
    out_of_fold: list[list[float]] = [[] for _ in docids]
    folds = [sentence_fold(d) for d in docids]
    for k in range(SENTENCE_FOLDS):
        train = [n for n, f in enumerate(folds) if f != k]
        fitted = _fit(
            [r for n in train for r in rows[n]], [y for n in train for y in labels[n]], SENTENCE_C
        )
        model = _linear(SentenceModel, sentence_labels, fitted, SENTENCE_C)
        for n, f in enumerate(folds):
            if f == k and rows[n]:
                out_of_fold[n] = [float(p) for p in model.probabilities(rows[n])[:, 1]]
    fitted = _fit([r for m in rows for r in m], [y for m in labels for y in m], SENTENCE_C)
    log(f"  sentence model: {len(fitted[0])} features of {sum(map(len, rows))} sentences")
    return _linear(SentenceModel, sentence_labels, fitted, SENTENCE_C), out_of_fold


def fit_relevance_model(
    train: Sequence[MucMessage],
    labels: Sequence[bool],
    tune: Sequence[MucMessage],
    tune_labels: Sequence[bool],
    out: Path,
    *,
    mentions: Sequence[Collection[str]] | None = None,
    c: float = RELEVANCE_C,
    nlp: Language | None = None,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Train the classifier on the messages and their labels (relevant or not), score it on
    the tuning messages (ROC AUC) and save it under ``out``. With ``mentions`` (per message,
    the lower-cased gold mentions of its relevant templates' targets, victims, individual
    perpetrators and weapons) a sentence model is trained first and the regression reads its
    scores (the module docstring)."""
    nlp = nlp or build_pipeline(with_trained=False)
    start = time.perf_counter()
    sentences: SentenceModel | None = None
    if mentions is None:
        rows = [message_features(doc) for doc in analysed_docs(train, nlp)]
    else:
        docs = list(analysed_docs(train, nlp))
        found = [{m for m in found if len(m) > 2} for found in mentions]
        sentence_rows = [sentence_features(doc) for doc in docs]
        sentence_labels = [
            [_holds_mention(s.text, wanted) for s in doc.sents] if relevant else [False] * len(r)
            for doc, r, wanted, relevant in zip(docs, sentence_rows, found, labels, strict=True)
        ]
        sentences, out_of_fold = _sentence_model(
            [m.docid for m in train], sentence_rows, sentence_labels, log
        )
        rows = [message_features(doc, s) for doc, s in zip(docs, out_of_fold, strict=True)]
        del docs
    fitted = _fit(rows, labels, c)
    seconds = time.perf_counter() - start
    model = _linear(RelevanceModel, ["IRRELEVANT", RelevanceModel.RELEVANT], fitted, c)
    model.sentences = sentences
    log(f"  {len(fitted[0])} features of {len(train)} messages")
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
