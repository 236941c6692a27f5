"""Hand-built records for tests of the mappings: an assertion told by a sentence of a text
(the way the pipeline's components record them), without running the pipeline."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

from incidex.model import Assertion, SentenceRef

T = TypeVar("T", bound=BaseModel)


def cased(text: str, upper: bool) -> str:
    """``text`` in upper case, as MUC-4's messages are written, when ``upper``."""
    return text.upper() if upper else text


def sentence_of(text: str, part: str) -> SentenceRef:
    """The sentence of ``text`` holding ``part``; sentences end with '. ' (or the text)."""
    start = text.index(part)
    begin = text.rfind(". ", 0, start)
    begin = 0 if begin < 0 else begin + 2
    end = text.find(". ", start)
    end = len(text) if end < 0 else end + 1
    return SentenceRef(start=begin, end=end, text=text[begin:end])


def said(
    text: str,
    field: str,
    value: str,
    normalized: T,
    *,
    whole_text: bool = False,
    anywhere: bool = False,
    extractor: str = "tests.v1",
    **fields: Any,
) -> Assertion[T]:
    """The assertion of ``field`` = ``normalized`` by the words ``value`` of ``text``, in the
    sentence holding them (``whole_text``: the text is one sentence; ``anywhere``: the text
    need not hold the value, which then starts at 0); ``fields``: the assertion's other
    fields (stance, speaker, outlet, confidence...)."""
    start = max(text.find(value), 0) if anywhere else text.index(value)
    sentence = (
        SentenceRef(start=0, end=len(text), text=text) if whole_text else sentence_of(text, value)
    )
    return Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field,
        value=value,
        normalized=normalized,
        start=start,
        end=start + len(value),
        sentence=sentence,
        extractor=extractor,
        **fields,
    )
