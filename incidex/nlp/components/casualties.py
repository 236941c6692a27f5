"""Casualty counts: killed, wounded, perpetrators killed, hostages, with qualifiers kept.

A number is a casualty only when a casualty word governs or follows it closely ("at least 137
deaths", "killing 20 people", "the death toll rose to 40", "dozens were wounded"). Numbers that
count something else (a hall seating 6,200, 500 cartridges, a 24-year-old) never match, because
no casualty word stands next to them. Window matching rather than the parse alone keeps this
working on upper-case wire text, where the parser is weak.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from ...model import Casualties
from .._doc import add_assertion, ensure_extensions, sentence_of
from ..lexicon import Lexicon, default_lexicon

__all__ = ["CasualtyExtractor", "NumberExpr", "read_number"]

EXTRACTOR = "incidex_casualties_v1"
_DIGITS = re.compile(r"^\d{1,3}(,\d{3})+$|^\d{1,7}$")
_BE = {
    "were",
    "was",
    "are",
    "is",
    "been",
    "have",
    "has",
    "had",
    "be",
    "being",
    "reportedly",
    "later",
    "also",
    "all",
    "confirmed",
    "feared",
    "believed",
    "now",
    "so",
    "far",
    "already",
}
_LINK = {"of", "them", "whom", "people", "persons"}


@dataclass(frozen=True)
class NumberExpr:
    value: int
    start: int  # token indices, number only
    end: int
    vague: bool = False


def read_number(doc: Doc, i: int, lex: Lexicon) -> NumberExpr | None:
    """A number written in digits or words (or a vague quantity) starting at token ``i``."""
    token = doc[i]
    text = token.lower_
    if _DIGITS.match(text):
        return NumberExpr(int(text.replace(",", "")), i, i + 1)
    if text in lex.vague_quantities and text not in {"a", "an", "some", "many", "several"}:
        return NumberExpr(lex.vague_quantities[text], i, i + 1, vague=True)
    if text in {"several", "many"} and i + 1 < len(doc) and doc[i + 1].lower_ in _PEOPLE_HINT:
        return NumberExpr(lex.vague_quantities[text], i, i + 1, vague=True)
    words = lex.number_words
    if text in words and text not in {"a", "an", "both", "single", "lone"}:
        value = words[text]
        end = i + 1
        # "twenty - two", "two hundred", "a dozen"
        while end < len(doc):
            nxt = doc[end].lower_
            if nxt == "-" and end + 1 < len(doc) and doc[end + 1].lower_ in words:
                end += 1
                continue
            if nxt in {"hundred", "thousand"}:
                value *= words[nxt]
                end += 1
                continue
            if nxt in words and words[nxt] < 10 and value % 10 == 0 and value >= 20:
                value += words[nxt]
                end += 1
                continue
            break
        return NumberExpr(value, i, end)
    return None


_PEOPLE_HINT = {
    "people",
    "persons",
    "civilians",
    "victims",
    "others",
    "were",
    "dead",
    "killed",
    "injured",
    "wounded",
}


class CasualtyExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.lex = default_lexicon()
        lex = self.lex
        self.killed = lex.killed_words
        self.wounded = lex.wounded_words
        self.hostage = lex.hostage_words
        self.people = lex.people_nouns
        self.perps = {p for p in lex.perpetrator_nouns if " " not in p}
        self.max_qualifier = max(len(q.split()) for q in lex.qualifiers)

    def category_word(self, word: str) -> str | None:
        if word in self.killed:
            return "killed"
        if word in self.wounded:
            return "wounded"
        if word in self.hostage:
            return "hostages"
        return None

    def __call__(self, doc: Doc) -> Doc:
        used: set[int] = set()
        i = 0
        n = len(doc)
        while i < n:
            number = read_number(doc, i, self.lex)
            if number is None or i in used:
                i += 1
                continue
            found = self._classify(doc, number)
            if found is not None:
                category, high, span_end = found
                qualifier, q_start = self._qualifier(doc, number.start)
                values = self._values(number, qualifier, high)
                start = q_start if q_start is not None else number.start
                span = doc[start:span_end]
                _, info = sentence_of(doc, number.start)
                confidence = 0.85 if (info.attack or info.events) else 0.6
                add_assertion(
                    doc,
                    "casualties",
                    span,
                    Casualties(
                        category=category, qualifier=qualifier, vague=number.vague, **values
                    ),
                    extractor=EXTRACTOR,
                    confidence=confidence,
                )
                used.update(range(number.start, span_end))
                i = span_end
                continue
            i = number.end
        return doc

    def _classify(self, doc: Doc, number: NumberExpr) -> tuple[str, int | None, int] | None:
        sent_end = doc[number.start].sent.end
        sent_start = doc[number.start].sent.start
        j = number.end
        high: int | None = None
        # a range: "20 to 30", "20-30", "between 20 and 30"
        if j + 1 < sent_end and doc[j].lower_ in {"to", "-", "–", "and", "or"}:
            other = read_number(doc, j + 1, self.lex)
            if other is not None and other.value > number.value:
                high = other.value
                j = other.end
        if j < sent_end and doc[j].lower_ in {
            "year",
            "years",
            "-year",
            "month",
            "months",
            "%",
            "percent",
            "per",
            "am",
            "pm",
            "a.m.",
            "p.m.",
        }:
            return None
        # number before the word: "137 deaths", "20 people were killed", "12 of them wounded"
        k = j
        subject_perp = False
        steps = 0
        while k < sent_end and steps < 6:
            word = doc[k].lower_
            category = self.category_word(word)
            if category is not None:
                if category == "killed" and subject_perp:
                    category = "perpetrators_killed"
                return category, high, k + 1
            if word in self.perps:
                subject_perp = True
            elif not (
                word in self.people
                or word in _BE
                or word in _LINK
                or doc[k].pos_ == "ADJ"
                or word in {"police", "security", "children", "women", "men", "and"}
            ):
                break
            k += 1
            steps += 1
        # word before the number: "killing at least 20", "death toll rose to 40"
        k = number.start - 1
        steps = 0
        while k >= sent_start and steps < 5:
            word = doc[k].lower_
            if word == "including":
                return None  # a subset of a figure given before
            category = self.category_word(word)
            if (
                category is not None
                and doc[k].pos_ in {"VERB", "AUX"} | {"NOUN"}
                and word not in {"dead", "deaths", "death"}
            ):
                if category in {"killed", "wounded"} and _object_is_perp(doc, number, self.perps):
                    category = "perpetrators_killed" if category == "killed" else category
                return (
                    category,
                    high,
                    max(j, number.end) if high else _people_end(doc, number, self.people),
                )
            if word == "toll" and k > sent_start:
                before = doc[k - 1].lower_
                if before in {"death", "casualty"}:
                    return "killed", high, _people_end(doc, number, self.people)
            if word in {"toll"}:
                return "killed", high, _people_end(doc, number, self.people)
            k -= 1
            steps += 1
        return None

    def _qualifier(self, doc: Doc, start: int) -> tuple[str | None, int | None]:
        for size in range(self.max_qualifier, 0, -1):
            if start - size < doc[start].sent.start:
                continue
            phrase = " ".join(t.lower_ for t in doc[start - size : start])
            if phrase in self.lex.qualifiers:
                return phrase, start - size
        return None, None

    def _values(
        self, number: NumberExpr, qualifier: str | None, high: int | None
    ) -> dict[str, int | None]:
        if high is not None:
            return {"low": number.value, "high": high}
        if number.vague:
            return {"estimate": number.value}
        kind = self.lex.qualifiers.get(qualifier or "")
        if kind == "low":
            return {"low": number.value}
        if kind == "high":
            return {"high": number.value}
        if kind == "estimate":
            return {"estimate": number.value}
        return {"exact": number.value}


def _people_end(doc: Doc, number: NumberExpr, people: frozenset[str]) -> int:
    end = number.end
    if end < len(doc) and doc[end].lower_ in people:
        end += 1
    return end


def _object_is_perp(doc: Doc, number: NumberExpr, perps: set[str]) -> bool:
    end = number.end
    return end < len(doc) and doc[end].lower_ in perps


@Language.factory("incidex_casualties_v1", assigns=["doc._.assertions"])
def make_casualties(nlp: Language, name: str) -> CasualtyExtractor:
    return CasualtyExtractor()
