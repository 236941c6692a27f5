"""WikiEvents (Li, Ji & Han, NAACL 2021) reader and argument scorer.

Each line of ``wikievents/dev.jsonl`` is a document: ``doc_id``, ``tokens``, ``text``,
``sentences`` (token triples and the sentence text), ``entity_mentions`` (id, sent_idx,
start/end token offsets into the document's tokens, entity_type, mention_type, text) and
``event_mentions`` (id, event_type, trigger with start/end/text/sent_idx, arguments with
entity_id, role, text).

Scoring is head-word match at the document level, restricted to event types under the
given prefixes (default ``Conflict.Attack``, ``Life.Die``, ``Life.Injure``,
``Justice.ArrestJailDetain``):

* argument identification: a predicted (event type, argument head) matches a gold one;
* argument classification: (event type, role, argument head) must match.

Each gold tuple is matched at most once (multiset intersection per document). The head of
a gold argument is the entity mention's ``head`` when the data gives one, otherwise the last
token of the mention (WikiEvents dev gives none; most mentions are one token long). The
head of a predicted argument is its ``head`` field when present, otherwise the last word
of its text, hyphens splitting words as in the WikiEvents tokens (``al-Sukhnah`` ->
``Sukhnah``). Heads are compared lower-cased without surrounding
punctuation. Triggers are not required to match (``trigger_start`` is kept for reference).
The scores come with one classification row per event type and role, and
:func:`argument_errors` lists the missed and spurious tuples for error analysis.

How this compares with the scorer of Li, Ji & Han (``--head-only``): theirs scores the
arguments of each gold event mention, given its gold trigger, matching head tokens by
position, the head of a span being its dependency root (spaCy). incidex predicts no
triggers, so tuples are matched per document as a multiset: a head annotated in three event
mentions must be predicted three times. On the scored dev arguments the last token is the
dependency root in 204 of 205 (the exception: "ammonium nitrate laced with nitromethane").

Prediction files are JSON Lines, one event a line::

    {"doc_id": "road_ied_8", "event_type": "Life.Die.Unspecified", "trigger_start": 2,
     "arguments": [{"role": "Victim", "text": "major general", "head": "general"}]}
"""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal

from incidex.evaluate._common import Score, ScoreTable, _error, _iter_json_lines

__all__ = [
    "WIKI_EVENT_TYPES",
    "ArgumentError",
    "ArgumentScores",
    "WikiArgument",
    "WikiDoc",
    "WikiEntityMention",
    "WikiEvent",
    "WikiPredArgument",
    "WikiPredEvent",
    "argument_errors",
    "default_head",
    "read_wiki_predictions",
    "read_wikievents",
    "score_wikievents",
]

WIKI_EVENT_TYPES: tuple[str, ...] = (
    "Conflict.Attack",
    "Life.Die",
    "Life.Injure",
    "Justice.ArrestJailDetain",
)
_IDENT_ROW = "Argument identification"
_CLASS_ROW = "Argument classification"


@dataclass(frozen=True, slots=True)
class WikiEntityMention:
    """An entity mention; ``start``/``end`` are token offsets into the document."""

    id: str
    sent_idx: int
    start: int
    end: int
    entity_type: str
    mention_type: str
    text: str
    head: str  # given by the data, else the mention's last token


@dataclass(frozen=True, slots=True)
class WikiArgument:
    """A gold argument: the entity it points to, its role, text and head word."""

    entity_id: str
    role: str
    text: str
    head: str


@dataclass(frozen=True, slots=True)
class WikiEvent:
    """A gold event mention with its trigger span (document token offsets)."""

    id: str
    event_type: str
    trigger_start: int
    trigger_end: int
    trigger_text: str
    sent_idx: int
    arguments: tuple[WikiArgument, ...]


@dataclass(frozen=True, slots=True)
class WikiDoc:
    """A WikiEvents document."""

    doc_id: str
    tokens: tuple[str, ...]
    text: str
    sentences: tuple[str, ...]
    entity_mentions: tuple[WikiEntityMention, ...]
    event_mentions: tuple[WikiEvent, ...]

    @property
    def article_text(self) -> str:
        """The text to extract from: the sentences one per line. The ``text`` field glues
        them together without a space ("...in SyriaThe desert", "another 15.Twenty"), which
        merges sentences and words for the tokenizer."""
        if self.sentences and all(self.sentences):
            return "\n".join(self.sentences)
        return self.text


@dataclass(frozen=True, slots=True)
class WikiPredArgument:
    """A predicted argument; ``head`` defaults to the last word of ``text``."""

    role: str
    text: str
    head: str | None = None


@dataclass(frozen=True, slots=True)
class WikiPredEvent:
    """A predicted event of one document."""

    doc_id: str
    event_type: str
    arguments: tuple[WikiPredArgument, ...] = ()
    trigger_start: int | None = None


@dataclass(frozen=True)
class ArgumentScores(ScoreTable):
    """WikiEvents rows: argument identification, argument classification, then
    classification per event type and role."""

    @property
    def micro(self) -> Score:
        """Argument classification, the headline figure."""
        return self[_CLASS_ROW]


def read_wikievents(path: str | Path) -> Iterator[WikiDoc]:
    """Documents of a WikiEvents JSON Lines file."""
    file = Path(path)
    for number, obj in _iter_json_lines(file):
        try:
            yield _wiki_doc(obj)
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise _error(file, f"line {number}: unexpected structure ({exc!r})") from None


def _wiki_doc(obj: dict[str, Any]) -> WikiDoc:
    tokens = tuple(str(t) for t in obj["tokens"])
    mentions = []
    for m in obj["entity_mentions"]:
        start, end = int(m["start"]), int(m["end"])
        head = m.get("head")
        if not isinstance(head, str):
            span = tokens[start:end]
            head = span[-1] if span else str(m["text"]).split()[-1]
        mentions.append(
            WikiEntityMention(
                str(m["id"]),
                int(m.get("sent_idx", -1)),
                start,
                end,
                str(m.get("entity_type", "")),
                str(m.get("mention_type", "")),
                str(m["text"]),
                head,
            )
        )
    by_id = {m.id: m for m in mentions}
    events = []
    for e in obj["event_mentions"]:
        trigger = e["trigger"]
        arguments = []
        for a in e["arguments"]:
            mention = by_id.get(str(a["entity_id"]))
            text = str(a["text"])
            head = mention.head if mention is not None else default_head(text)
            arguments.append(WikiArgument(str(a["entity_id"]), str(a["role"]), text, head))
        events.append(
            WikiEvent(
                str(e["id"]),
                str(e["event_type"]),
                int(trigger["start"]),
                int(trigger["end"]),
                str(trigger.get("text", "")),
                int(trigger.get("sent_idx", -1)),
                tuple(arguments),
            )
        )
    sentences = tuple(
        str(s[1]) if isinstance(s, list) and len(s) > 1 else "" for s in obj.get("sentences", [])
    )
    return WikiDoc(
        str(obj["doc_id"]),
        tokens,
        str(obj.get("text", "")),
        sentences,
        tuple(mentions),
        tuple(events),
    )


def read_wiki_predictions(path: str | Path) -> list[WikiPredEvent]:
    """Predicted events from JSON Lines (format in the module docstring)."""
    file = Path(path)
    events = []
    for number, obj in _iter_json_lines(file):
        try:
            arguments = tuple(
                WikiPredArgument(
                    str(a["role"]), str(a["text"]), str(a["head"]) if a.get("head") else None
                )
                for a in obj.get("arguments", [])
            )
            trigger = obj.get("trigger_start")
            events.append(
                WikiPredEvent(
                    str(obj["doc_id"]),
                    str(obj["event_type"]),
                    arguments,
                    int(trigger) if trigger is not None else None,
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _error(file, f"line {number}: {exc!r}") from None
    return events


def default_head(text: str) -> str:
    """The head word of an argument's text when none is given: its last word."""
    # WikiEvents tokens split hyphens off ("al - Sukhnah"), so "al-Sukhnah" heads on "Sukhnah".
    words = text.replace("-", " ").split()
    return words[-1] if words else ""


def _head_key(head: str) -> str:
    return head.strip(string.punctuation + "\u2019\u2018\u201c\u201d").lower()


def _wanted(event_type: str, prefixes: Sequence[str]) -> bool:
    return any(event_type == p or event_type.startswith(p + ".") for p in prefixes)


_Tuples = dict[str, Counter[tuple[str, ...]]]  # doc id -> (event type, role, head) counts


def _gold_tuples(gold: Iterable[WikiDoc], event_types: Sequence[str]) -> _Tuples:
    tuples: _Tuples = {}
    for doc in gold:
        found = tuples.setdefault(doc.doc_id, Counter())
        for event in doc.event_mentions:
            if _wanted(event.event_type, event_types):
                for arg in event.arguments:
                    found[(event.event_type, arg.role, _head_key(arg.head))] += 1
    return tuples


def _pred_tuples(
    pred: Iterable[WikiPredEvent], doc_ids: Iterable[str], event_types: Sequence[str]
) -> _Tuples:
    tuples: _Tuples = {d: Counter() for d in doc_ids}
    for guess in pred:
        if guess.doc_id not in tuples or not _wanted(guess.event_type, event_types):
            continue
        for guessed in guess.arguments:
            head = _head_key(guessed.head if guessed.head else default_head(guessed.text))
            tuples[guess.doc_id][(guess.event_type, guessed.role, head)] += 1
    return tuples


def _of_pair(pair: tuple[str, ...], key: tuple[str, ...]) -> tuple[str, ...] | None:
    """``key`` when it is of this (event type, role) pair, else None."""
    return key if key[:2] == pair else None


def _keep(tuples: _Tuples, key: Callable[[tuple[str, ...]], tuple[str, ...] | None]) -> _Tuples:
    """Re-key every document's counts (summing those that meet); a None key drops a tuple."""
    out: _Tuples = {}
    for doc_id, counts in tuples.items():
        kept: Counter[tuple[str, ...]] = Counter()
        for k, n in counts.items():
            if (new := key(k)) is not None:
                kept[new] += n
        out[doc_id] = kept
    return out


def score_wikievents(
    pred: Iterable[WikiPredEvent],
    gold: Iterable[WikiDoc],
    event_types: Sequence[str] = WIKI_EVENT_TYPES,
) -> ArgumentScores:
    """Argument identification and classification P/R/F1 with head-word match, over the
    gold documents and the event types under ``event_types`` (prefixes); then one
    classification row per event type and role ("Life.Die.Unspecified / Victim")."""
    gold_class = _gold_tuples(gold, event_types)
    pred_class = _pred_tuples(pred, gold_class, event_types)
    rows = [
        _counter_score(
            _IDENT_ROW,  # the role left out: (event type, head)
            _keep(pred_class, lambda k: (k[0], k[2])),
            _keep(gold_class, lambda k: (k[0], k[2])),
        ),
        _counter_score(_CLASS_ROW, pred_class, gold_class),
    ]
    roles = sorted({k[:2] for c in (*gold_class.values(), *pred_class.values()) for k in c})
    for pair in roles:
        rows.append(
            _counter_score(
                " / ".join(pair),
                _keep(pred_class, partial(_of_pair, pair)),
                _keep(gold_class, partial(_of_pair, pair)),
            )
        )
    return ArgumentScores("Metric", tuple(rows), (), documents=len(gold_class))


@dataclass(frozen=True, slots=True)
class ArgumentError:
    """A gold argument no prediction matched (``missed``) or a prediction matching no gold
    argument (``spurious``), by event type, role and head word (classification match)."""

    doc_id: str
    kind: Literal["missed", "spurious"]
    event_type: str
    role: str
    head: str


def argument_errors(
    pred: Iterable[WikiPredEvent],
    gold: Iterable[WikiDoc],
    event_types: Sequence[str] = WIKI_EVENT_TYPES,
) -> list[ArgumentError]:
    """The argument classification errors, document by document (for error analysis)."""
    gold_class = _gold_tuples(gold, event_types)
    pred_class = _pred_tuples(pred, gold_class, event_types)
    errors: list[ArgumentError] = []
    for doc_id, gold_counts in gold_class.items():
        for kind, extra in (
            ("missed", gold_counts - pred_class[doc_id]),
            ("spurious", pred_class[doc_id] - gold_counts),
        ):
            for event_type, role, head in sorted(extra.elements()):
                errors.append(ArgumentError(doc_id, kind, event_type, role, head))  # type: ignore[arg-type]
    return errors


def _counter_score(
    label: str,
    pred: dict[str, Counter[tuple[str, ...]]],
    gold: dict[str, Counter[tuple[str, ...]]],
) -> Score:
    correct = sum(sum((pred[d] & gold[d]).values()) for d in gold)
    n_pred = sum(sum(c.values()) for c in pred.values())
    n_gold = sum(sum(c.values()) for c in gold.values())
    return Score(label, correct, n_pred, correct, n_gold)
