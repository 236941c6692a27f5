"""Training of the candidate role classifier (``incidex_role_candidates_v1``): every noun
phrase candidate of the relevant DEV messages (``incidex.nlp.role_candidates``) is one
example, labelled with the GTT role whose mention string it equals (normalised as the
scorer does), else NONE; a multinomial logistic regression (scikit-learn) learns them.

The fitted weights are saved as plain arrays (``CandidateModel``), not a pickle.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import spacy
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from spacy.language import Language

from ..errors import EvaluationError
from ..evaluate._common import normalize_string
from ..nlp.components import matching  # noqa: F401  (registers incidex_sentences_v1)
from ..nlp.role_candidates import CandidateModel, candidates, features
from ._data import ROLE_LABELS, TrainDoc
from ._fit import BASE_MODEL, ModelReport, write_report

__all__ = ["CANDIDATE_C", "CANDIDATE_THRESHOLD", "fit_role_candidates", "parser"]

# Inverse regularisation strength, chosen on TST1+TST2 by mention F1 (C 0.1 / 0.3 / 1.0), and
# the decision threshold (a role's probability) of the classifier beside the tagger, chosen
# there by five-role F1 (0.3 to 0.7: 36.7 to 37.3): docs/accuracy.md, "Fourth round".
CANDIDATE_C = 0.3
CANDIDATE_THRESHOLD = 0.5
_MIN_COUNT = 2  # features seen fewer times in training are left out (smaller, no noise)


def parser(model: str = BASE_MODEL) -> Language:
    """The English pipeline's tagger and parser with incidex's sentence splitter: the parse
    the classifier's features read in the incidex pipeline."""
    nlp = spacy.load(model)
    nlp.add_pipe("incidex_sentences_v1", before="parser")
    return nlp


def _examples(nlp: Language, docs: Sequence[TrainDoc]) -> tuple[list[dict[str, float]], list[str]]:
    rows: list[dict[str, float]] = []
    labels: list[str] = []
    for train_doc, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        roles: dict[str, str] = {}
        for start, end, label in train_doc.spans:
            roles.setdefault(normalize_string(train_doc.text[start:end]), label)
        found = candidates(doc)
        rows.extend(features(doc, found))
        labels.extend(
            roles.get(normalize_string(c.span(doc).text), CandidateModel.NONE) for c in found
        )
    return rows, labels


def _frequent(
    rows: Sequence[dict[str, float]], min_count: int = _MIN_COUNT
) -> list[dict[str, float]]:
    counts: dict[str, int] = {}
    for row in rows:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    return [{k: v for k, v in row.items() if counts[k] >= min_count} for row in rows]


def fit_role_candidates(
    train: Sequence[TrainDoc],
    tune: Sequence[TrainDoc],
    out: Path,
    *,
    nlp: Language | None = None,
    c: float = CANDIDATE_C,
    threshold: float = CANDIDATE_THRESHOLD,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Train the candidate classifier on the relevant training messages and save it."""
    nlp = nlp or parser()
    relevant = [d for d in train if d.relevant]
    start = time.perf_counter()
    rows, labels = _examples(nlp, relevant)
    log(f"  {len(rows)} candidates in {len(relevant)} messages")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(_frequent(rows))
    classifier = LogisticRegression(C=c, max_iter=2000)
    classifier.fit(matrix, labels)
    seconds = time.perf_counter() - start
    model = CandidateModel(
        list(vectorizer.get_feature_names_out()),
        [str(label) for label in classifier.classes_],
        np.asarray(classifier.coef_.T, dtype=np.float32),
        np.asarray(classifier.intercept_, dtype=np.float32),
        threshold,
        {"C": c, "sklearn": _sklearn_version()},
    )
    scores = _score(nlp, model, [d for d in tune if d.relevant]) if tune else {}
    counts = {label: labels.count(label) for label in ROLE_LABELS}
    report = ModelReport("role_candidates", len(relevant), 1, seconds, [], scores, counts)
    model.save(out)
    write_report(out, report)
    return report


def _score(nlp: Language, model: CandidateModel, docs: Sequence[TrainDoc]) -> dict[str, float]:
    """Mention precision, recall and F1 on the tuning split: a prediction is right when its
    normalised text and role are those of a gold mention of the message (each gold mention
    string counted once per message); and the candidates' upper bound, the share of those
    gold mentions that are candidates at all."""
    correct = predicted = gold = reachable = 0
    for train_doc, doc in zip(docs, nlp.pipe(d.text for d in docs), strict=True):
        truth = {(label, normalize_string(train_doc.text[s:e])) for s, e, label in train_doc.spans}
        found = {
            (s.label, normalize_string(s.candidate.span(doc).text)) for s in model.predict(doc)
        }
        phrases = {normalize_string(c.span(doc).text) for c in candidates(doc)}
        correct += len(found & truth)
        predicted += len(found)
        gold += len(truth)
        reachable += sum(text in phrases for _, text in truth)
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"ents_p": p, "ents_r": r, "ents_f": f, "candidate_recall": reachable / max(gold, 1)}


def binary_logistic(
    rows: Sequence[dict[str, float]],
    labels: Sequence[str],
    *,
    name: str,
    c: float,
    threshold: float,
    meta: dict[str, float] | None = None,
    min_count: int = 1,
    bags: int = 0,
) -> CandidateModel:
    """A logistic regression over feature rows with two labels (the incident split, the
    template filter), stored as plain arrays. A binary regression has one weight column (for
    the second label in sorted order, as scikit-learn's ``classes_``); as two softmax
    columns, (0, w), it gives the same probabilities.
    Features of fewer than ``min_count`` rows are left out; with ``bags``, the weights are
    the mean of that many fits on bootstrap samples of the rows (seeded: the same rows give
    the same model)."""
    found = sorted(set(labels))
    if len(found) < 2:
        detail = f"its training examples have one label only ({found})" if found else "no examples"
        raise EvaluationError.make("E040", path=name, detail=f"{detail}; MUC-4 DEV gives both")
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform(_frequent(rows, min_count))
    target = np.array(labels)
    samples = [np.arange(len(labels))]
    if bags:
        draw = np.random.default_rng(0)
        samples = [draw.integers(0, len(labels), len(labels)) for _ in range(bags)]
    coef = np.zeros(matrix.shape[1])
    intercept = 0.0
    for sample in samples:
        classifier = LogisticRegression(C=c, max_iter=2000)
        classifier.fit(matrix[sample], target[sample])
        coef += classifier.coef_[0] / len(samples)
        intercept += float(classifier.intercept_[0]) / len(samples)
    weights = np.zeros((matrix.shape[1], 2), dtype=np.float32)
    weights[:, 1] = coef
    bias = np.array([0.0, intercept], dtype=np.float32)
    extra = {"min_count": min_count, "bags": bags} if min_count > 1 or bags else {}
    return CandidateModel(
        list(vectorizer.get_feature_names_out()),
        found,
        weights,
        bias,
        threshold,
        {"C": c, **(meta or {}), **extra, "sklearn": _sklearn_version()},
    )


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)
