"""Doc extensions shared by the components, and the helper that turns spans into assertions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from spacy.tokens import Doc, Span

from ..model import Article, Assertion, SentenceRef, Stance

__all__ = [
    "SentInfo",
    "add_assertion",
    "ensure_extensions",
    "ents",
    "ents_in",
    "info_at",
    "sent_info",
    "sentence_of",
]

T = TypeVar("T", bound=BaseModel)


@dataclass
class SentInfo:
    """What the pipeline knows about one sentence."""

    index: int
    start_char: int
    end_char: int
    events: set[str] = field(default_factory=set)  # event names triggered in the sentence
    events_attack: set[str] = field(default_factory=set)  # the attack types among them
    generic_attack: bool = False  # "attack", "killed", "militants"... without a type
    background: bool = False  # about something else (a group's founding, a venue's capacity)
    speaker: str | None = None  # None: the article's outlet speaks
    speaker_start: int | None = None
    stance: Stance = Stance.asserted
    about_incident: bool = False  # refers to the incident (attack words, its venue, its aftermath)

    @property
    def attack(self) -> bool:
        return bool(self.events_attack) or self.generic_attack


def ensure_extensions() -> None:
    """Register the Doc extensions once (spaCy keeps them process-wide)."""
    for name in (
        "article",
        "assertions",
        "sent_infos",
        "sent_starts",
        "sent_tokens",
        "ent_cache",
        "incidents",
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def sent_info(doc: Doc) -> list[SentInfo]:
    infos: list[SentInfo] | None = doc._.sent_infos
    if infos is None:
        sents = list(doc.sents)
        infos = [
            SentInfo(index=i, start_char=s.start_char, end_char=s.end_char)
            for i, s in enumerate(sents)
        ]
        doc._.sent_infos = infos
        doc._.sent_starts = [info.start_char for info in infos]
        doc._.sent_tokens = ([s.start for s in sents], [s.end for s in sents])
    return infos


def info_at(doc: Doc, char: int) -> SentInfo:
    """The record of the sentence holding character ``char`` (a binary search: the
    extractors ask for every span, so a scan would make long documents quadratic)."""
    infos = sent_info(doc)
    return infos[max(0, bisect_right(doc._.sent_starts, char) - 1)]


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, computed once: spaCy rebuilds the tuple on every access (and ``Span.ents``
    walks all of them), which made per-sentence lookups quadratic on long documents. The
    incidex components run after NER and never change the entities."""
    cache: tuple[tuple[Span, ...], list[int]] | None = doc._.ent_cache
    if cache is None:
        found = tuple(doc.ents)
        cache = (found, [e.start for e in found])
        doc._.ent_cache = cache
    return cache[0]


def ents_in(span: Span) -> list[Span]:
    """The entities wholly inside ``span`` (the replacement for ``span.ents``)."""
    found = ents(span.doc)
    starts: list[int] = span.doc._.ent_cache[1]
    out = []
    for i in range(bisect_left(starts, span.start), len(found)):
        ent = found[i]
        if ent.start >= span.end:
            break
        if ent.end <= span.end:
            out.append(ent)
    return out


def sentence_of(doc: Doc, token_index: int) -> tuple[Span, SentInfo]:
    """The sentence holding token ``token_index``, and its record. A binary search over the
    sentence starts: ``Token.sent`` walks the document's boundaries on every call (~20 us)."""
    infos = sent_info(doc)
    starts, ends = doc._.sent_tokens
    k = bisect_right(starts, token_index) - 1
    return doc[starts[k] : ends[k]], infos[k]


def article_of(doc: Doc) -> Article | None:
    article: Article | None = doc._.article
    return article


def _original(doc: Doc, start: int, end: int) -> str:
    """The text as the article has it. The parser read the article's text or a same-length
    truecased copy of it, so the offsets hold; slicing a string is cheap, while ``Span.text``
    joins tokens (costly for one very long sentence) and ``Doc.text`` rebuilds the document."""
    article = article_of(doc)
    if article is not None:
        return article.text[start:end]
    return doc.text[start:end]  # a Doc made without an article (direct component use)


def add_assertion(
    doc: Doc,
    field_name: str,
    span: Span,
    normalized: T,
    *,
    extractor: str,
    confidence: float = 0.7,
    stance: Stance | None = None,
    speaker: str | None = None,
) -> Assertion[T]:
    """Record one assertion for ``span``; speaker and stance default to the sentence's."""
    info = info_at(doc, span.start_char)
    article = article_of(doc)
    outlet = article.source if article is not None else None
    assertion: Assertion[Any] = Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field_name,
        value=_original(doc, span.start_char, span.end_char),
        normalized=normalized,
        start=span.start_char,
        end=span.end_char,
        sentence=SentenceRef(
            start=info.start_char,
            end=info.end_char,
            text=_original(doc, info.start_char, info.end_char),
        ),
        speaker=speaker if speaker is not None else (info.speaker or outlet),
        outlet=outlet,
        stance=stance if stance is not None else info.stance,
        confidence=confidence,
        extractor=extractor,
    )
    if doc._.assertions is None:
        doc._.assertions = []
    doc._.assertions.append(assertion)
    return assertion
