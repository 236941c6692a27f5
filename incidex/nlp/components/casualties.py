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
from spacy.tokens import Doc, Token

from ...model import Casualties
from .._doc import (
    add_assertion,
    ensure_extensions,
    lemmas,
    lowers,
    sent_bounds,
    sentence_of,
    tokens,
)
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
_BETWEEN_VERB_AND_NUMBER = {
    "at",
    "least",
    "more",
    "than",
    "over",
    "about",
    "around",
    "some",
    "nearly",
    "almost",
    "up",
    "to",
    "as",
    "many",
    "an",
    "estimated",
    "approximately",
    "roughly",
    "a",
    "the",
    "another",
    "no",
    "fewer",
    "less",
    "and",
    "injuring",
    "wounding",
    "killing",
    "leaving",
    "left",
    "rose",
    "reached",
    "climbed",
    "stands",
    "stood",
    "risen",
    "has",
    "had",
    "of",
    "further",
    "upwards",
    "excess",
    "in",
    "close",
    "total",
    "just",
    "under",
    "toll",
    "death",
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
    low = lowers(doc)
    text = low[i]
    if _DIGITS.match(text):
        return NumberExpr(int(text.replace(",", "")), i, i + 1)
    if text in lex.vague_quantities and text not in {"a", "an", "some", "many", "several"}:
        return NumberExpr(lex.vague_quantities[text], i, i + 1, vague=True)
    if text in {"several", "many"} and i + 1 < len(low) and low[i + 1] in _PEOPLE_HINT:
        return NumberExpr(lex.vague_quantities[text], i, i + 1, vague=True)
    words = lex.number_words
    if text in words and text not in {"a", "an", "both", "single", "lone"}:
        value = words[text]
        end = i + 1
        # "twenty - two", "two hundred", "a dozen"
        while end < len(low):
            nxt = low[end]
            if nxt == "-" and end + 1 < len(low) and low[end + 1] in words:
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
        # with the singular roles, matched by lemma: "killing 13 demonstrators"
        self.people_or_roles = lex.people_nouns | lex.person_nouns
        self.perps = {p for p in lex.perpetrator_nouns if " " not in p}
        self.max_qualifier = max(len(q.split()) for q in lex.qualifiers)
        self._number_starts = frozenset(lex.vague_quantities) | frozenset(lex.number_words)

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
        low = lowers(doc)
        # what read_number can start from (a cheap test first: most tokens are no number)
        starts = self._number_starts
        while i < n:
            if not (low[i][:1].isdigit() or low[i] in starts):
                i += 1
                continue
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
                second = self._coordinated(doc, number, span_end, category, values)
                if second is not None:
                    used.update(range(span_end, second))
                    i = second
                continue
            i = number.end
        self._singular(doc)
        self._none(doc)
        return doc

    def _coordinated(
        self, doc: Doc, first: NumberExpr, end: int, category: str, values: dict[str, int | None]
    ) -> int | None:
        """'killing five policemen and two civilians': the second count, and their total."""
        if end + 1 >= len(doc) or doc[end].lower_ != "and" or values.get("exact") is None:
            return None
        if doc[end - 1].lower_ not in self.people:
            return None  # only after "killing five policemen": the verb governs both counts
        second = read_number(doc, end + 1, self.lex)
        if second is None or second.vague or second.end >= len(doc):
            return None
        if doc[second.end].lower_ not in self.people:
            return None
        stop = second.end + 1
        add_assertion(
            doc,
            "casualties",
            doc[second.start : stop],
            Casualties(category=category, exact=second.value),  # type: ignore[arg-type]
            extractor=EXTRACTOR,
            confidence=0.8,
        )
        add_assertion(
            doc,
            "casualties",
            doc[first.start : stop],
            Casualties(
                category=category,
                exact=first.value + second.value,  # type: ignore[arg-type]
                qualifier="total",
            ),
            extractor=EXTRACTOR,
            confidence=0.8,
        )
        return stop

    def _none(self, doc: Doc) -> None:
        """Harm denied by a noun or an object: "damage but no casualties", "no fatalities",
        "injured no one". Figures of zero, as for "no one was injured": no casualties or
        victims, no injuries, is nobody hurt; no deaths, nobody killed."""
        for token, lemma in zip(tokens(doc), lemmas(doc), strict=True):
            categories: tuple[str, ...] = ()
            end = token.i + 1
            if (
                token.pos_ == "NOUN"
                and any(c.dep_ == "det" and c.lower_ == "no" for c in token.children)
                and not any(c.lower_ in self.lex.besides_words for c in token.children)
            ):
                word = token.lower_
                if self.lex.victim_nouns.get(word) == "targeted" or word in self.wounded:
                    categories = ("wounded", "killed")
                elif word in self.killed and word != "killed":
                    categories = ("killed",)
            elif token.pos_ == "VERB" and self.lex.victim_verbs.get(lemma) in _ZERO_BY_FATE:
                target = next((c for c in token.children if c.dep_ == "dobj"), None)
                if target is not None and _nobody(target):
                    categories = _ZERO_BY_FATE[self.lex.victim_verbs[lemma]]
                    end = target.i + 1
            if not categories or any(c.dep_ == "neg" for c in token.children):
                continue
            span = doc[token.left_edge.i if token.pos_ == "NOUN" else token.i : end]
            for category in categories:
                add_assertion(
                    doc,
                    "casualties",
                    span,
                    Casualties(category=category, exact=0),  # type: ignore[arg-type]
                    extractor=EXTRACTOR,
                    confidence=0.6,
                )

    def _singular(self, doc: Doc) -> None:
        """One named or singular victim: 'Jo Cox ... died', 'a man was stabbed to death',
        'a 77-year-old man ... suffered a stab wound', 'the gunman was killed'."""
        for token, lemma in zip(tokens(doc), lemmas(doc), strict=True):
            category = None
            if (
                lemma == "die"
                or (
                    lemma in {"kill", "murder"}
                    and any(c.dep_ == "nsubjpass" for c in token.children)
                )
                or (lemma == "pronounce" and any(c.lower_ == "dead" for c in token.children))
            ):
                category = "killed"
            elif (
                lemma in {"wound", "injure", "hurt"}
                and any(c.dep_ == "nsubjpass" for c in token.children)
                or lemma == "suffer"
                and any(
                    c.dep_ == "dobj" and c.lemma_.lower() in {"wound", "injury"}
                    for c in token.children
                )
            ):
                category = "wounded"
            if category is None or token.pos_ not in {"VERB", "AUX"}:
                continue
            if any(c.dep_ == "neg" for c in token.children):
                continue
            subject = next((c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if subject is None:
                continue
            _, info = sentence_of(doc, token.i)
            if _nobody(subject):
                # "No one was injured": a figure of zero, and then nobody was killed either
                add_assertion(
                    doc,
                    "casualties",
                    doc[subject.left_edge.i : token.i + 1],
                    Casualties(category=category, exact=0),  # type: ignore[arg-type]
                    extractor=EXTRACTOR,
                    confidence=0.7,
                )
                if category == "wounded":
                    add_assertion(
                        doc,
                        "casualties",
                        doc[subject.left_edge.i : token.i + 1],
                        Casualties(category="killed", exact=0),
                        extractor=EXTRACTOR,
                        confidence=0.5,
                    )
                continue
            if not info.attack:
                continue
            for conj in subject.conjuncts:  # "Two hostages and the gunman were killed"
                if (
                    category == "killed"
                    and conj.lower_ in self.perps
                    and _one_person(conj, self.people, self.perps)
                ):
                    add_assertion(
                        doc,
                        "casualties",
                        doc[conj.left_edge.i : conj.i + 1],
                        Casualties(category="perpetrators_killed", exact=1),
                        extractor=EXTRACTOR,
                        confidence=0.7,
                    )
            if not _one_person(subject, self.people, self.perps):
                continue
            if category == "killed" and subject.lower_ in self.perps:
                category = "perpetrators_killed"
            add_assertion(
                doc,
                "casualties",
                doc[subject.left_edge.i : token.i + 1]
                if token.i - subject.left_edge.i < 12
                else doc[token.i : token.i + 1],
                Casualties(category=category, exact=1),  # type: ignore[arg-type]
                extractor=EXTRACTOR,
                confidence=0.6,
            )

    def _classify(self, doc: Doc, number: NumberExpr) -> tuple[str, int | None, int] | None:
        sent_start, sent_end = sent_bounds(doc, number.start)
        if number.start > sent_start and doc[number.start - 1].lower_ == "no":
            return None  # "no one was injured" is a zero, handled with the parse in _singular
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
        # "the death toll ... has risen to 130": the parse links the figure to the toll
        token = doc[number.start]
        counted = token.head
        if (
            token.dep_ == "nummod"
            and counted.pos_ == "NOUN"
            and counted.dep_ == "pobj"
            and self.category_word(counted.lower_) is None
            and not {counted.lower_, counted.lemma_.lower()} & (self.people_or_roles | self.perps)
        ):
            return None  # "killed in two explosions": the figure counts the explosions
        if token.dep_ == "pobj" and token.head.lower_ in {"to", "at", "of"}:
            verb = token.head.head
            subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
            if (subject is not None and subject.lower_ == "toll") or verb.lower_ == "toll":
                return "killed", high, number.end
        # number before the word: "137 deaths", "20 people were killed", "12 of them wounded"
        k = j
        subject_perp = False
        after_and = False
        steps = 0
        while k < sent_end and steps < 6:
            word = doc[k].lower_
            category = self.category_word(word)
            if category == "hostages" and doc[k].pos_ == "NOUN":
                # "two hostages were killed": the hostages are who, not what happened
                later = [
                    self.category_word(doc[x].lower_) for x in range(k + 1, min(k + 7, sent_end))
                ]
                if any(c in {"killed", "wounded"} for c in later):
                    category = None
            if (
                category in {"wounded", "hostages"}
                and k + 1 < sent_end
                and (doc[k + 1].lemma_.lower() == "die")
            ):
                return None  # "one of the wounded died": a death, counted in the new toll
            if category is not None:
                if category == "killed" and subject_perp:
                    category = "perpetrators_killed"
                return category, high, k + 1
            if word == "," and k + 1 < sent_end and doc[k + 1].lower_ == "including":
                # "Four other people, including a police officer, were wounded"
                close = next(
                    (x for x in range(k + 2, min(k + 9, sent_end)) if doc[x].text == ","), None
                )
                if close is not None:
                    k = close + 1
                    steps += 1
                    continue
            if (
                word == "and"
                and k + 1 < sent_end
                and (doc[k + 1].lower_ in {"the", "a", "an"} | self.people | self.perps)
            ):
                k += 1  # "Two hostages and the gunman were killed": the number is the hostages
                steps += 1
                after_and = True
                continue
            if word in self.perps:
                subject_perp = subject_perp or not after_and
            elif not (
                word in self.people
                or word in _BE
                or word in _LINK
                or doc[k].pos_ in {"ADJ", "ADV", "DET"}
                or doc[k].ent_type_ in {"NORP", "ORG"}  # "seven Taliban militants"
                or word in {"police", "security", "children", "women", "men"}
            ):
                break
            k += 1
            steps += 1
        # word before the number: "killing at least 20", "death toll rose to 40"
        k = number.start - 1
        steps = 0
        broken = False
        while k >= sent_start and steps < 8:
            word = doc[k].lower_
            if word == "including":
                return None  # a subset of a figure given before
            # casualty verbs right before the number; "toll" may stand further back
            category = self.category_word(word) if steps < 5 and not broken else None
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
                    max(j, number.end) if high else _people_end(doc, number, self.people_or_roles),
                )
            if word == "toll" and k > sent_start:
                before = doc[k - 1].lower_
                if before in {"death", "casualty"}:
                    return "killed", high, _people_end(doc, number, self.people_or_roles)
            if word in {"toll"}:
                return "killed", high, _people_end(doc, number, self.people_or_roles)
            if category is None and word not in _BETWEEN_VERB_AND_NUMBER:
                broken = True  # "tried to kill a plan to close two fire stations"
            k -= 1
            steps += 1
        return None

    def _qualifier(self, doc: Doc, start: int) -> tuple[str | None, int | None]:
        sent_start = sent_bounds(doc, start)[0]
        for size in range(self.max_qualifier, 0, -1):
            if start - size < sent_start:
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


# "killed no one" / "injured nobody": the figures it gives as zero, by the fate the lexicon's
# victim verb gives its object (nobody hurt is nobody killed either)
_ZERO_BY_FATE: dict[str, tuple[str, ...]] = {
    "killed": ("killed",),
    "wounded": ("wounded", "killed"),
}


def _nobody(subject: Token) -> bool:
    if subject.lower_ in {"nobody", "none", "no-one"}:
        return True
    return subject.lower_ in {"one", "person", "people"} and any(
        c.lower_ == "no" for c in subject.children
    )


_SINGULAR_DETS = {"a", "an", "one", "the", "another"}


def _one_person(subject: Token, people: frozenset[str], perps: set[str]) -> bool:
    if subject.lower_ in {"he", "she"}:
        return False  # who "he" is needs coreference; not guessed
    if subject.ent_type_ == "PERSON" or (subject.pos_ == "PROPN" and subject.tag_ == "NNP"):
        return not any(c.dep_ == "cc" for c in subject.children)
    if subject.tag_ == "NN" and (
        subject.lower_ in people | perps
        or subject.lower_
        in {
            "man",
            "woman",
            "boy",
            "girl",
            "officer",
            "policeman",
            "soldier",
            "guard",
            "child",
            "gunman",
            "attacker",
            "assailant",
            "bomber",
            "driver",
            "victim",
            "passer-by",
        }
    ):
        return any(c.lower_ in _SINGULAR_DETS for c in subject.children)
    return False


def _people_end(doc: Doc, number: NumberExpr, people: frozenset[str]) -> int:
    end = number.end
    if end < len(doc) and (doc[end].lower_ in people or doc[end].lemma_.lower() in people):
        end += 1
    return end


def _object_is_perp(doc: Doc, number: NumberExpr, perps: set[str]) -> bool:
    end = number.end
    return end < len(doc) and doc[end].lower_ in perps


@Language.factory("incidex_casualties_v1", assigns=["doc._.assertions"])
def make_casualties(nlp: Language, name: str) -> CasualtyExtractor:
    return CasualtyExtractor()
