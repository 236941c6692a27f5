"""Doc extensions shared by the components, and the helper that turns spans into assertions."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from spacy.attrs import LEMMA, LOWER
from spacy.tokens import Doc, Span, Token

from ..model import Article, Assertion, SentenceRef, Stance

__all__ = [
    "PAST_TAGS",
    "SentInfo",
    "add_assertion",
    "doc_text",
    "ensure_extensions",
    "ents",
    "ents_in",
    "info_at",
    "lemmas",
    "lowers",
    "past_tense",
    "sent_bounds",
    "sent_info",
    "sentence_of",
    "sentences",
    "span_sentence",
    "tokens",
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


def _ext_key(name: str) -> tuple[str, str, None, None]:
    # Where spaCy keeps the value of a Doc extension (``Underscore._get_key`` in
    # spacy/tokens/underscore.py; tests/test_components.py checks it). The helpers below read
    # ``doc.user_data`` directly: each ``doc._`` access builds an ``Underscore`` object, and
    # they are called for every span of every sentence.
    return ("._.", name, None, None)


def _data(doc: Doc) -> Any:
    return doc.user_data  # typed Any: spaCy's stub says dict[str, Any], the keys here are tuples


_X_SENT_INFOS = _ext_key("sent_infos")
_X_SENT_STARTS = _ext_key("sent_starts")
_X_SENT_TOKENS = _ext_key("sent_tokens")
_X_SENT_SPANS = _ext_key("sent_spans")
_X_ENT_CACHE = _ext_key("ent_cache")
_X_ARTICLE = _ext_key("article")
_X_ASSERTIONS = _ext_key("assertions")


def ensure_extensions() -> None:
    """Register the Doc extensions once (spaCy keeps them process-wide)."""
    for name in (
        "article",
        "assertions",
        "sent_infos",
        "sent_starts",
        "sent_tokens",
        "sent_spans",
        "ent_cache",
        "incidents",
    ):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def sent_info(doc: Doc) -> list[SentInfo]:
    infos: list[SentInfo] | None = _data(doc).get(_X_SENT_INFOS)
    if infos is None:
        sents = list(doc.sents)
        infos = [
            SentInfo(index=i, start_char=s.start_char, end_char=s.end_char)
            for i, s in enumerate(sents)
        ]
        _data(doc)[_X_SENT_INFOS] = infos
        _data(doc)[_X_SENT_STARTS] = [info.start_char for info in infos]
        _data(doc)[_X_SENT_TOKENS] = ([s.start for s in sents], [s.end for s in sents])
        _data(doc)[_X_SENT_SPANS] = sents
    return infos


def sentences(doc: Doc) -> list[Span]:
    """``list(doc.sents)``, computed once with :func:`sent_info` (``Doc.sents`` walks every
    token on each access)."""
    sent_info(doc)
    spans: list[Span] = _data(doc)[_X_SENT_SPANS]
    return spans


_TEXT_KEY = "incidex.text"
_TOKENS_KEY = "incidex.tokens"
_LOWERS_KEY = "incidex.lowers"
_LEMMAS_KEY = "incidex.lemmas"
# lemma hash -> lower-cased lemma, shared by all documents; cleared when large so memory
# stays bounded on a corpus with an open vocabulary
_LOWER_LEMMA: dict[int, str] = {}
_LOWER_LEMMA_MAX = 200_000


# Penn tags of a verb in the past: the simple past ("stole") and the participle ("was looted")
PAST_TAGS = frozenset({"VBD", "VBN"})


def past_tense(token: Token) -> bool:
    """Whether the parser tagged the word a past form of a verb ("blew", "sabotaged")."""
    return token.tag_ in PAST_TAGS


def tokens(doc: Doc) -> list[Token]:
    """The document's tokens as one list, made once: iterating a ``Doc`` or indexing it
    builds a new ``Token`` object every time, and the rule components look at every token
    several times. Slice it for a sentence (``tokens(doc)[sent.start : sent.end]``)."""
    found: list[Token] | None = doc.user_data.get(_TOKENS_KEY)
    if found is None:
        found = doc.user_data[_TOKENS_KEY] = list(doc)
    return found


def lowers(doc: Doc) -> list[str]:
    """``token.lower_`` of every token, in order, made once per document."""
    found: list[str] | None = doc.user_data.get(_LOWERS_KEY)
    if found is None:
        strings = doc.vocab.strings
        found = doc.user_data[_LOWERS_KEY] = [strings[h] for h in doc.to_array(LOWER).tolist()]
    return found


def lemmas(doc: Doc) -> list[str]:
    """``token.lemma_.lower()`` of every token, in order, made once per document."""
    found: list[str] | None = doc.user_data.get(_LEMMAS_KEY)
    if found is None:
        strings = doc.vocab.strings
        cache = _LOWER_LEMMA
        if len(cache) > _LOWER_LEMMA_MAX:
            cache.clear()
        found = []
        for h in doc.to_array(LEMMA).tolist():
            lemma = cache.get(h)
            if lemma is None:
                lemma = cache[h] = strings[h].lower()
            found.append(lemma)
        doc.user_data[_LEMMAS_KEY] = found
    return found


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per document: spaCy joins every token's text on each access,
    and the text of a ``Doc`` never changes."""
    text: str | None = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def info_at(doc: Doc, char: int) -> SentInfo:
    """The record of the sentence holding character ``char`` (a binary search: the
    extractors ask for every span, so a scan would make long documents quadratic)."""
    infos = sent_info(doc)
    return infos[max(0, bisect_right(_data(doc)[_X_SENT_STARTS], char) - 1)]


def ents(doc: Doc) -> tuple[Span, ...]:
    """``doc.ents``, computed once: spaCy rebuilds the tuple on every access (and ``Span.ents``
    walks all of them), which made per-sentence lookups quadratic on long documents. The
    incidex components run after NER and never change the entities."""
    cache: tuple[tuple[Span, ...], list[int]] | None = _data(doc).get(_X_ENT_CACHE)
    if cache is None:
        found = tuple(doc.ents)
        cache = (found, [e.start for e in found])
        _data(doc)[_X_ENT_CACHE] = cache
    return cache[0]


def ents_in(span: Span) -> list[Span]:
    """The entities wholly inside ``span`` (the replacement for ``span.ents``)."""
    found = ents(span.doc)
    starts: list[int] = _data(span.doc)[_X_ENT_CACHE][1]
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
    starts, ends = _data(doc)[_X_SENT_TOKENS]
    k = bisect_right(starts, token_index) - 1
    return doc[starts[k] : ends[k]], infos[k]


def sent_bounds(doc: Doc, token_index: int) -> tuple[int, int]:
    """Token start and end of the sentence holding token ``token_index`` (``Token.sent``'s
    bounds without building the span)."""
    sent_info(doc)
    starts, ends = _data(doc)[_X_SENT_TOKENS]
    k = bisect_right(starts, token_index) - 1
    return starts[k], ends[k]


def span_sentence(span: Span) -> Span:
    """What ``Span.sent`` returns (the sentence holding the span's first token, also when the
    span crosses a boundary), by binary search: spaCy walks the boundaries token by token on
    every call."""
    start, end = sent_bounds(span.doc, span.start)
    return span.doc[start:end]


def article_of(doc: Doc) -> Article | None:
    article: Article | None = _data(doc).get(_X_ARTICLE)
    return article


def _original(doc: Doc, start: int, end: int) -> str:
    """The text as the article has it. The parser read the article's text or a same-length
    truecased copy of it, so the offsets hold; slicing a string is cheap, while ``Span.text``
    joins tokens (costly for one very long sentence) and ``Doc.text`` rebuilds the document."""
    article = article_of(doc)
    if article is not None:
        return article.text[start:end]
    return doc_text(doc)[start:end]  # a Doc made without an article (direct component use)


# Assertion[X] for each value type X: pydantic finds a parametrized class in its cache, but
# the lookup costs more than a dictionary's
_ASSERTION_CLASSES: dict[type, Any] = {}


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
    kind: Any = _ASSERTION_CLASSES.get(type(normalized))
    if kind is None:
        kind = _ASSERTION_CLASSES[type(normalized)] = Assertion[type(normalized)]  # type: ignore[misc]
    assertion: Assertion[Any] = kind(
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
    found: list[Assertion[Any]] | None = _data(doc).get(_X_ASSERTIONS)
    if found is None:
        found = _data(doc)[_X_ASSERTIONS] = []
    found.append(assertion)
    return assertion
