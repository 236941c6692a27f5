"""Runners: incidex extraction over the benchmarks, prediction files, and score tables.

The CLI calls these; they take paths and never bundle data::

    with open("preds.jsonl", "w") as out:
        stats = predict_muc4(["tst1/tst1-muc3", "tst2/tst2-muc4"], out)
    print(evaluate_muc4("preds.jsonl", "gtt/dev.jsonl").markdown)
    print(evaluate_muc4_slots("preds.jsonl", ["tst1/key-tst1.v7", "tst2/key-tst2.v4"]).markdown)
    print(evaluate_wikievents("wikievents/dev.jsonl").markdown)
    for result in evaluate_all("../shared/data"):
        print(result.markdown)

A ``muc4-jsonl`` prediction line holds both predictions of one message: the five-role
templates (read by :func:`~incidex.evaluate.read_predictions`) and the MUC slot templates::

    {"docid": "TST1-MUC3-0001",
     "templates": [{"incident_type": "attack", "PerpInd": [], "PerpOrg": [["FMLN"]],
                    "Target": [], "Victim": [], "Weapon": []}],
     "slots": [{"incident_type": "ATTACK", "date": "1990-02-02", "country": "GUATEMALA",
                "place": null, "instrument_types": [], "perp_orgs": ["FMLN"],
                "perp_org_confidences": ["REPORTED AS FACT"], "hum_tgt_effects": ["DEATH"],
                "hum_tgt_numbers": [1]}]}
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from incidex.evaluate._common import ScoreTable, _error, _iter_json_lines, format_scores
from incidex.evaluate._gtt import (
    GTT_ROLES,
    PredTemplate,
    error_budget,
    gold_from_gtt,
    read_gtt,
    score_five_role,
)
from incidex.evaluate._gtt import read_predictions as read_gtt_predictions
from incidex.evaluate._muc import MucKeyTemplate, MucMessage, read_muc_keys, read_muc_messages
from incidex.evaluate._predict import ROLE_MODELS as ROLE_COMPONENTS
from incidex.evaluate._predict import muc_predictions, to_wikievents
from incidex.evaluate._slots import PLURAL, HumNumber, SlotTemplate, score_muc_slots
from incidex.evaluate._wikievents import (
    WikiPredEvent,
    argument_errors,
    read_wikievents,
    score_wikievents,
)
from incidex.model import Article, ArticleResult

if TYPE_CHECKING:  # spaCy is loaded only when extraction runs
    from incidex.nlp.extract import Extractor

__all__ = [
    "Evaluation",
    "RunStats",
    "evaluate_all",
    "evaluate_muc4",
    "evaluate_muc4_holdout",
    "evaluate_muc4_slots",
    "evaluate_wikievents",
    "format_evaluations",
    "predict_muc4",
    "read_slot_predictions",
]

# Where the benchmark files sit under a data folder (``../shared/data``).
_MUC_MESSAGES = ("muc4/tst1/tst1-muc3", "muc4/tst2/tst2-muc4")
_MUC_KEYS = ("muc4/tst1/key-tst1.v7", "muc4/tst2/key-tst2.v4")
_GTT_GOLD = "muc4/gtt/dev.jsonl"
_WIKI_DEV = "wikievents/dev.jsonl"
# The held-out DEV slice (incidex.train.HOLDOUT): its messages, keys and GTT gold.
_HOLDOUT_MESSAGES = ("muc4/dev/dev-muc3-1101-1200", "muc4/dev/dev-muc3-1201-1300")
_HOLDOUT_KEYS = ("muc4/dev/key-dev-1101.muc4", "muc4/dev/key-dev-1201.muc4")
_HOLDOUT_GOLD = "muc4/gtt/train.jsonl"
_MAX_SLOT_TEMPLATES = 1000  # per message: more is not a prediction


@dataclass(frozen=True, slots=True)
class RunStats:
    """Throughput of one extraction run (model loading excluded)."""

    documents: int
    with_incident: int
    failed: int
    seconds: float

    @property
    def per_second(self) -> float:
        """Documents per second."""
        return self.documents / self.seconds if self.seconds > 0 else 0.0

    def describe(self) -> str:
        """One line: counts and documents per second."""
        return (
            f"{self.documents} documents ({self.with_incident} with an incident, "
            f"{self.failed} failed) in {self.seconds:.1f} s: {self.per_second:.1f} per second"
        )


@dataclass(frozen=True)
class Evaluation:
    """Scores of one benchmark with their Markdown table (title line, table, run stats)."""

    title: str
    scores: ScoreTable
    stats: RunStats | None = None
    appendix: str | None = None  # Markdown printed after the table (an error budget)

    @property
    def markdown(self) -> str:
        lines = [f"### {self.title}", "", format_scores(self.scores).rstrip("\n")]
        if self.stats is not None:
            lines += ["", self.stats.describe() + "."]
        if self.appendix:
            lines += ["", self.appendix.rstrip("\n")]
        return "\n".join(lines) + "\n"


def format_evaluations(evaluations: Iterable[Evaluation]) -> str:
    """All tables, one after the other."""
    return "\n".join(e.markdown for e in evaluations)


def _extractor(extractor: Extractor | None) -> Extractor:
    if extractor is not None:
        return extractor
    from incidex.nlp.extract import Extractor

    return Extractor()


def _muc_article(message: MucMessage) -> Article:
    day = message.date
    published = dt.datetime.combine(day, dt.time()) if day is not None else None
    return Article.from_text(
        message.text,
        published=published,
        source=message.dateline_source,
        origin=message.docid,
        extra={"muc_docid": message.docid, "dateline_place": message.dateline_place},
    )


def _timed(
    extractor: Extractor, articles: Sequence[Article]
) -> tuple[list[ArticleResult], RunStats]:
    _ = extractor.nlp  # load the model before the clock starts
    start = time.perf_counter()
    results = list(extractor.extract_articles(articles))
    seconds = time.perf_counter() - start
    stats = RunStats(
        documents=len(results),
        with_incident=sum(1 for r in results if r.status == "extracted"),
        failed=sum(1 for r in results if r.status == "failed"),
        seconds=seconds,
    )
    return results, stats


# -- MUC-4 ------------------------------------------------------------------------------


def _gtt_json(template: PredTemplate) -> dict[str, Any]:
    obj: dict[str, Any] = {"incident_type": template.incident_type}
    for name in GTT_ROLES:
        obj[name] = [list(entity) for entity in template.role(name)]
    return obj


def _slot_json(template: SlotTemplate) -> dict[str, Any]:
    return {
        "incident_type": template.incident_type,
        "date": template.date.isoformat() if template.date else None,
        "country": template.country,
        "place": template.place,
        "instrument_types": list(template.instrument_types),
        "perp_orgs": list(template.perp_orgs),
        "perp_org_confidence": template.perp_org_confidence,
        "perp_org_confidences": list(template.perp_org_confidences),
        "hum_tgt_effects": list(template.hum_tgt_effects),
        "hum_tgt_numbers": [
            list(n) if isinstance(n, tuple) else n for n in template.hum_tgt_numbers
        ],
    }


def predict_muc4(
    paths: Iterable[str | Path], out: TextIO, *, extractor: Extractor | None = None
) -> RunStats:
    """Run extraction over raw MUC message files (or folders of them) and write one
    ``muc4-jsonl`` line per message to ``out`` (format in the module docstring)."""
    messages: list[MucMessage] = [m for path in paths for m in read_muc_messages(path)]
    engine = _extractor(extractor)
    results, stats = _timed(engine, [_muc_article(m) for m in messages])
    # the trained role tagger (or the candidate classifier) ran
    tagger = bool(ROLE_COMPONENTS & set(engine.nlp.pipe_names))
    for message, result in zip(messages, results, strict=True):
        templates, slots = muc_predictions(result, tagger=tagger)
        line = {
            "docid": message.docid,
            "status": result.status,
            "templates": [_gtt_json(t) for t in templates],
            "slots": [_slot_json(t) for t in slots],
        }
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return stats


def read_slot_predictions(path: str | Path) -> dict[str, list[SlotTemplate]]:
    """The ``slots`` of a ``muc4-jsonl`` prediction file, by message id."""
    file = Path(path)
    preds: dict[str, list[SlotTemplate]] = {}
    for number, obj in _iter_json_lines(file):
        try:
            docid = obj["docid"]
            slots = obj.get("slots", [])
            if not isinstance(docid, str) or not isinstance(slots, list):
                raise TypeError("docid must be a string and slots a list")
            if len(slots) > _MAX_SLOT_TEMPLATES:
                raise ValueError(f"{len(slots)} slot templates")
            preds.setdefault(docid, []).extend(_slot_template(s) for s in slots)
        except (KeyError, TypeError, ValueError) as exc:
            raise _error(file, f"line {number}: {exc}") from None
    return preds


def _strings(obj: dict[str, Any], key: str) -> tuple[str, ...]:
    values = obj.get(key) or []
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{key} must be a list of strings")
    return tuple(values)


def _optional_string(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{key} must be a string or null")
    return value


def _number(value: Any) -> HumNumber:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value == PLURAL:
        return PLURAL
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return (value[0], value[1])
    raise TypeError('a hum_tgt_number is an integer, [low, high] or "PLURAL"')


def _slot_template(obj: Any) -> SlotTemplate:
    if not isinstance(obj, dict):
        raise TypeError("a slot template must be a JSON object")
    date = _optional_string(obj, "date")
    numbers = obj.get("hum_tgt_numbers") or []
    if not isinstance(numbers, list):
        raise TypeError("hum_tgt_numbers must be a list")
    return SlotTemplate(
        incident_type=_optional_string(obj, "incident_type"),
        date=dt.date.fromisoformat(date) if date else None,
        country=_optional_string(obj, "country"),
        place=_optional_string(obj, "place"),
        instrument_types=_strings(obj, "instrument_types"),
        perp_orgs=_strings(obj, "perp_orgs"),
        perp_org_confidence=_optional_string(obj, "perp_org_confidence"),
        perp_org_confidences=_strings(obj, "perp_org_confidences"),
        hum_tgt_effects=_strings(obj, "hum_tgt_effects"),
        hum_tgt_numbers=tuple(_number(n) for n in numbers),
    )


def evaluate_muc4(
    pred_path: str | Path,
    gold_path: str | Path,
    *,
    docids: Iterable[str] | None = None,
    budget: bool = False,
) -> Evaluation:
    """GTT five-role scores of a prediction file against GTT gold (``gtt/dev.jsonl``); with
    ``docids``, only those documents of the gold are scored; with ``budget``, the error
    budget (:func:`~incidex.evaluate._gtt.error_budget`) follows the table."""
    gold = gold_from_gtt(read_gtt(gold_path))
    if docids is not None:
        wanted = set(docids)
        gold = {k: v for k, v in gold.items() if k in wanted}
    pred = read_gtt_predictions(pred_path)
    scores = score_five_role(pred, gold)
    appendix = error_budget(pred, gold).markdown if budget else None
    title = f"MUC-4 five-role (GTT), gold {Path(gold_path).name}"
    return Evaluation(title, scores, appendix=appendix)


def _keys(paths: Iterable[str | Path]) -> dict[str, list[MucKeyTemplate]]:
    grouped: dict[str, list[MucKeyTemplate]] = {}
    for path in paths:
        for template in read_muc_keys(path):
            grouped.setdefault(template.docid, []).append(template)
    return grouped


def evaluate_muc4_slots(
    pred_path: str | Path, keys_paths: str | Path | Iterable[str | Path]
) -> Evaluation:
    """MUC slot scores of a ``muc4-jsonl`` prediction file against answer-key files."""
    paths = [keys_paths] if isinstance(keys_paths, str | Path) else list(keys_paths)
    keys = _keys(paths)
    scores = score_muc_slots(read_slot_predictions(pred_path), keys)
    names = ", ".join(Path(p).name for p in paths)
    return Evaluation(f"MUC-4 slots, keys {names}", scores)


# -- WikiEvents ---------------------------------------------------------------------------


def _wiki_json(event: WikiPredEvent) -> dict[str, Any]:
    return {
        "doc_id": event.doc_id,
        "event_type": event.event_type,
        "arguments": [
            {"role": a.role, "text": a.text, **({"head": a.head} if a.head else {})}
            for a in event.arguments
        ],
    }


def evaluate_wikievents(
    data_path: str | Path,
    *,
    extractor: Extractor | None = None,
    out: TextIO | None = None,
    errors: TextIO | None = None,
) -> Evaluation:
    """Run extraction on the WikiEvents documents' text and score the arguments (head-word
    match); with ``out``, also write the predicted events as JSON Lines; with ``errors``,
    the missed and spurious arguments, one tab-separated line each (doc id, missed or
    spurious, event type, role, head word)."""
    docs = list(read_wikievents(data_path))
    articles = [Article.from_text(d.article_text, origin=d.doc_id) for d in docs]
    results, stats = _timed(_extractor(extractor), articles)
    events = [e for d, r in zip(docs, results, strict=True) for e in to_wikievents(d.doc_id, r)]
    if out is not None:
        for event in events:
            out.write(json.dumps(_wiki_json(event), ensure_ascii=False) + "\n")
    if errors is not None:
        for e in argument_errors(events, docs):
            errors.write(f"{e.doc_id}\t{e.kind}\t{e.event_type}\t{e.role}\t{e.head}\n")
    scores = score_wikievents(events, docs)
    return Evaluation(f"WikiEvents, {Path(data_path).name}", scores, stats)


def evaluate_muc4_holdout(
    data_dir: str | Path,
    *,
    extractor: Extractor | None = None,
    pred_dir: str | Path | None = None,
) -> list[Evaluation]:
    """Five-role and slot scores on the held-out DEV slice DEV-MUC3-1101..1300 (never trained
    or tuned on by ``incidex train``): gold from ``gtt/train.jsonl`` restricted to those
    messages, and their answer keys."""
    import tempfile

    root = Path(data_dir)
    messages = [_require(root / p) for p in _HOLDOUT_MESSAGES]
    keys = [_require(root / p) for p in _HOLDOUT_KEYS]
    gold = _require(root / _HOLDOUT_GOLD)
    docids = [m.docid for path in messages for m in read_muc_messages(path)]
    with tempfile.TemporaryDirectory() as scratch:
        folder = _folder(pred_dir, scratch)
        five, slots = _muc_run(
            messages, keys, gold, folder / "muc4-holdout.jsonl", extractor, docids
        )
    return [
        Evaluation(five.title + ", held-out DEV-MUC3-1101..1300", five.scores, five.stats),
        slots,
    ]


def _folder(pred_dir: str | Path | None, scratch: str) -> Path:
    folder = Path(pred_dir) if pred_dir is not None else Path(scratch)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _muc_run(
    messages: Sequence[Path],
    keys: Sequence[Path],
    gold: Path,
    pred: Path,
    extractor: Extractor | None,
    docids: Iterable[str] | None = None,
) -> tuple[Evaluation, Evaluation]:
    """Predict the messages into ``pred``; five-role and slot scores, with run stats."""
    with pred.open("w", encoding="utf-8") as handle:
        stats = predict_muc4(messages, handle, extractor=extractor)
    five = evaluate_muc4(pred, gold, docids=docids)
    slots = evaluate_muc4_slots(pred, keys)
    return (
        Evaluation(five.title, five.scores, stats),
        Evaluation(slots.title, slots.scores, stats),
    )


# -- everything ---------------------------------------------------------------------------


def _require(path: Path) -> Path:
    if not path.exists():
        raise _error(path, "no such file or folder (expected under the data folder)")
    return path


def evaluate_all(
    data_dir: str | Path,
    *,
    extractor: Extractor | None = None,
    pred_dir: str | Path | None = None,
) -> list[Evaluation]:
    """Every benchmark at once over ``data_dir`` (``../shared/data``): MUC-4 TST1+TST2
    five-role and slots, then WikiEvents dev. Predictions go to ``pred_dir`` when given
    (``muc4.jsonl``, ``wikievents.jsonl``), else to a temporary folder."""
    import tempfile

    root = Path(data_dir)
    messages = [_require(root / p) for p in _MUC_MESSAGES]
    keys = [_require(root / p) for p in _MUC_KEYS]
    gold = _require(root / _GTT_GOLD)
    wiki = _require(root / _WIKI_DEV)
    engine = _extractor(extractor)
    with tempfile.TemporaryDirectory() as scratch:
        folder = _folder(pred_dir, scratch)
        five, slots = _muc_run(messages, keys, gold, folder / "muc4.jsonl", engine)
        with (folder / "wikievents.jsonl").open("w", encoding="utf-8") as handle:
            wiki_eval = evaluate_wikievents(wiki, extractor=engine, out=handle)
    return [
        Evaluation(five.title + ", TST1+TST2", five.scores, five.stats),
        slots,
        wiki_eval,
    ]
