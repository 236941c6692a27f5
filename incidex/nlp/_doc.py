"""Doc extensions shared by the components, and the helper that turns spans into assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from spacy.tokens import Doc, Span

from ..model import Article, Assertion, SentenceRef, Stance

__all__ = ["SentInfo", "add_assertion", "ensure_extensions", "sent_info", "sentence_of"]

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
    for name in ("article", "assertions", "sent_infos", "incidents", "group_mentions"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def sent_info(doc: Doc) -> list[SentInfo]:
    infos: list[SentInfo] | None = doc._.sent_infos
    if infos is None:
        infos = [
            SentInfo(index=i, start_char=s.start_char, end_char=s.end_char)
            for i, s in enumerate(doc.sents)
        ]
        doc._.sent_infos = infos
    return infos


def sentence_of(doc: Doc, token_index: int) -> tuple[Span, SentInfo]:
    sent = doc[token_index].sent
    infos = sent_info(doc)
    # sentences are in order; find by start char
    for info in infos:
        if info.start_char == sent.start_char:
            return sent, info
    raise LookupError(token_index)


def article_of(doc: Doc) -> Article | None:
    article: Article | None = doc._.article
    return article


def _original(doc: Doc, start: int, end: int) -> str:
    """The text as the article has it (the parser may have seen a truecased copy)."""
    article = article_of(doc)
    if article is not None and article.text[start:end].lower() == doc.text[start:end].lower():
        return article.text[start:end]
    return doc.text[start:end]


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
    sent, info = sentence_of(doc, span.start)
    article = article_of(doc)
    outlet = article.source if article is not None else None
    assertion: Assertion[Any] = Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field_name,
        value=_original(doc, span.start_char, span.end_char),
        normalized=normalized,
        start=span.start_char,
        end=span.end_char,
        sentence=SentenceRef(
            start=sent.start_char,
            end=sent.end_char,
            text=_original(doc, sent.start_char, sent.end_char),
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
