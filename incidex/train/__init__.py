"""Training of the models shipped in ``incidex/nlp/trained/`` from MUC-4 DEV.

::

    from incidex.train import train_models
    for report in train_models("../shared/data"):
        print(report.describe())

Data (paths under the data folder; nothing is bundled):

* training: the DEV messages ``muc4/dev`` with the GTT templates ``muc4/gtt/train.jsonl``,
  except the held-out slice DEV-MUC3-1101..1300 (:data:`HOLDOUT`), never trained or tuned on;
* tuning: TST1+TST2 (``muc4/tst1``, ``muc4/tst2`` with ``muc4/gtt/dev.jsonl``), scored after
  training and used to choose settings (so its figures are not held-out figures).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..errors import ConfigError, Errors
from ..evaluate._gtt import GttDoc, gold_from_gtt, read_gtt
from ..evaluate._muc import MucMessage, read_muc_messages
from ..evaluate._run import _require
from ..evaluate._split import SPLIT_MODEL, SplitModel, load_trained
from ..model import ArticleResult
from ._candidates import fit_role_candidates
from ._data import HOLDOUT, ROLE_LABELS, TYPE_LABELS, TrainDoc, in_holdout, load_examples
from ._fit import ModelReport, classifier_text, fit_relevance, fit_roles
from ._prune import fit_template_filter
from ._relevance import fit_relevance_model
from ._split import fit_incident_split

__all__ = [
    "HOLDOUT",
    "MODELS",
    "ROLE_LABELS",
    "TYPE_LABELS",
    "ModelReport",
    "TrainDoc",
    "classifier_text",
    "default_output",
    "fit_incident_split",
    "fit_relevance",
    "fit_relevance_model",
    "fit_role_candidates",
    "fit_roles",
    "fit_template_filter",
    "in_holdout",
    "load_examples",
    "train_models",
]

MODELS: tuple[str, ...] = (
    "relevance",
    "roles",
    "role_candidates",
    "incident_split",
    "template_filter",
)

_DEV_MESSAGES = "muc4/dev"
_DEV_GOLD = "muc4/gtt/train.jsonl"
_SENTENCE_ROLES = ("PerpInd", "Target", "Victim", "Weapon")  # GTT roles the sentence model reads
_TUNE_MESSAGES = ("muc4/tst1/tst1-muc3", "muc4/tst2/tst2-muc4")
_TUNE_GOLD = "muc4/gtt/dev.jsonl"
# The relevance classifier's logistic regression, inside the textcat's folder (both are
# "relevance": ``--only relevance`` trains both, ``--out DIR`` keeps its layout).
RELEVANCE_LR = "linear"


def default_output() -> Path:
    """Where the pipeline loads trained models from (inside the installed package)."""
    return Path(__file__).resolve().parent.parent / "nlp" / "trained"


def train_models(
    data_dir: str | Path,
    out_dir: str | Path | None = None,
    *,
    seed: int = 0,
    relevance_epochs: int = 10,
    roles_epochs: int = 30,
    models: Sequence[str] = MODELS,
    log: Callable[[str], None] = print,
) -> list[ModelReport]:
    """Train the relevance classifier, the role tagger, the candidate role classifier, the
    same-type incident split and the template filter (``models``: those of :data:`MODELS` to
    train) on MUC-4 DEV minus the held-out slice, score them on TST1+TST2, and save them
    under ``out_dir`` (default: the package's ``incidex/nlp/trained``, where the pipeline
    finds them). The split and the filter are trained last, on the messages as the pipeline
    with the models in ``out_dir`` extracts them; the filter reads the benchmark mapping's
    templates, made with the split model in ``out_dir`` (just trained, or there before; the
    cue rule when there is none), so that the two are a pair whatever the settings name. The
    relevance regression reads the rule pipeline and the candidate classifier the English
    parse: neither reads a trained model."""
    root = Path(data_dir)
    out = Path(out_dir) if out_dir is not None else default_output()
    _check_pipeline_models(out, models)
    gold = _require(root / _DEV_GOLD)
    docs = list(load_examples(_require(root / _DEV_MESSAGES), gold))
    train = [d for d in docs if not in_holdout(d.docid)]
    tune_gold = _require(root / _TUNE_GOLD)
    tune = [d for p in _TUNE_MESSAGES for d in load_examples(_require(root / p), tune_gold)]
    log(
        f"training on {len(train)} DEV messages ({sum(d.relevant for d in train)} relevant), "
        f"{len(docs) - len(train)} held out (DEV-MUC3-{HOLDOUT[0]:04d}..{HOLDOUT[1]:04d}); "
        f"tuning split TST1+TST2: {len(tune)} messages"
    )
    relevant = {d.docid: d.relevant for d in train}
    reports = []
    if "relevance" in models:
        log(f"relevance classifier ({relevance_epochs} epochs, seed {seed})")
        reports.append(
            fit_relevance(
                train, tune, out / "relevance", epochs=relevance_epochs, seed=seed, log=log
            )
        )
        log(reports[-1].describe())
        log("relevance classifier: logistic regression over words and the rules' analysis")
        messages = _messages(root / _DEV_MESSAGES, {d.docid for d in train})
        attack_mentions = _attack_mentions(read_gtt(gold))
        tune_messages = [m for p in _TUNE_MESSAGES for m in read_muc_messages(root / p)]
        tune_relevant = {d.docid: d.relevant for d in tune}
        reports.append(
            fit_relevance_model(
                messages,
                [relevant[m.docid] for m in messages],
                [m for m in tune_messages if m.docid in tune_relevant],
                [tune_relevant[m.docid] for m in tune_messages if m.docid in tune_relevant],
                out / "relevance" / RELEVANCE_LR,
                mentions=[attack_mentions.get(m.docid, set()) for m in messages],
                log=log,
            )
        )
        log(reports[-1].describe())
    if "roles" in models:
        log(f"role tagger ({roles_epochs} epochs, seed {seed})")
        reports.append(
            fit_roles(train, tune, out / "roles", epochs=roles_epochs, seed=seed, log=log)
        )
        log(reports[-1].describe())
    if "role_candidates" in models:
        log("candidate role classifier (logistic regression)")
        reports.append(fit_role_candidates(train, tune, out / "role_candidates", log=log))
        log(reports[-1].describe())
    if "incident_split" in models or "template_filter" in models:
        extracted = _extracted(root, out, log)
    if "incident_split" in models:
        log("same-type incident split (logistic regression over sentence pairs)")
        reports.append(fit_incident_split(*extracted, out / SPLIT_MODEL, log=log))
        log(reports[-1].describe())
    if "template_filter" in models:
        log("template filter (logistic regression over the mapping's templates)")
        fit_docs, fit_gold, tune_docs, tune_by_id = extracted
        reports.append(
            fit_template_filter(
                fit_docs,
                gold_from_gtt(fit_gold.values()),
                tune_docs,
                gold_from_gtt(tune_by_id.values()),
                out / "template_filter",
                load_trained(out / SPLIT_MODEL, SplitModel.load),
                log=log,
            )
        )
        log(reports[-1].describe())
    return reports


def _check_pipeline_models(out: Path, models: Sequence[str]) -> None:
    """Fail before any training when the split or the filter is to be trained with the
    pipeline of ``out`` and a model that pipeline loads is neither there nor trained now."""
    from ..nlp.pipeline import missing_pipeline_models

    if "incident_split" not in models and "template_filter" not in models:
        return
    missing = [m for m in missing_pipeline_models(out) if m not in models]
    if missing:
        raise ConfigError(
            Errors.E041.format(
                path=out,
                missing=", ".join(f"{m}/" for m in missing),
                names=" --only ".join(m.replace("_", "-") for m in missing),
            ),
            code="E041",
        )


def _extracted(
    root: Path, out: Path, log: Callable[[str], None]
) -> tuple[list[ArticleResult], dict[str, GttDoc], list[ArticleResult], dict[str, GttDoc]]:
    """The training and tuning messages as the pipeline (the trained models in ``out``)
    extracts them, with their GTT gold: what the split and the template filter learn from."""
    from ..evaluate._run import _muc_article
    from ..nlp.extract import Extractor
    from ..nlp.pipeline import build_pipeline

    engine = Extractor(nlp=build_pipeline(trained_dir=str(out)))

    def extracted(
        paths: Sequence[Path], gold: Path
    ) -> tuple[list[ArticleResult], dict[str, GttDoc]]:
        docs = {d.docid: d for d in read_gtt(gold) if not in_holdout(d.docid)}
        messages = [m for p in paths for m in read_muc_messages(p) if m.docid in docs]
        log(f"  extracting {len(messages)} messages")
        return list(engine.extract_articles(_muc_article(m) for m in messages)), docs

    train, train_gold = extracted([_require(root / _DEV_MESSAGES)], _require(root / _DEV_GOLD))
    tune_paths = [_require(root / p) for p in _TUNE_MESSAGES]
    tune, tune_gold = extracted(tune_paths, _require(root / _TUNE_GOLD))
    return train, train_gold, tune, tune_gold


def _attack_mentions(gold: Iterable[GttDoc]) -> dict[str, set[str]]:
    """Per message, the lower-cased mentions of its templates' targets, victims, individual
    perpetrators and weapons: what a sentence telling the attack names (an organisation is
    named in communiques and speeches about anything, so it is left out)."""
    return {
        doc.docid: {
            " ".join(m.text.lower().split())
            for template in doc.templates
            for role in _SENTENCE_ROLES
            for entity in template.role(role)
            for m in entity
        }
        for doc in gold
    }


def _messages(path: Path, docids: set[str]) -> list[MucMessage]:
    """The raw messages of ``path`` whose ids are in ``docids``, in file order."""
    return [m for m in read_muc_messages(path) if m.docid in docids]
