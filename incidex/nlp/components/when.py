"""When the incident happened, and the time-stamped steps within it.

Dates come from DATE entities in sentences about the incident, parsed with dateparser and
anchored on the publication date for relative expressions ("on Friday", "two days ago").
A date is never invented: relative dates and dates without a year are dropped when the
article has no publication date, and dates governed by a background verb ("formed in late
2014", "opened in 1998") belong to something else.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from dateparser.date import DateDataParser
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import Precision, TimelineStep, When
from .._doc import (
    add_assertion,
    article_of,
    doc_text,
    ensure_extensions,
    ents,
    ents_in,
    sentence_of,
    span_sentence,
)
from ..dateline import parse_dateline
from ..kb import default_kb
from ..lexicon import default_lexicon

__all__ = ["WhenExtractor", "parse_clock"]

EXTRACTOR = "incidex_when_v1"
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|"
    "july|august|september|october|november|december"
)
_HAS_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b|\b\d{1,2} (?:%s) \d{2}\b" % _MONTHS, re.I)
_RELATIVE = re.compile(
    r"\b(today|yesterday|tonight|last|ago|this|earlier|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|morning|evening|night|afternoon)\b",
    re.I,
)
_DATEISH = re.compile(r"\d|\b(%s)\b" % _MONTHS + r"|" + _RELATIVE.pattern, re.I)
_CLOCK = re.compile(
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s{0,3}(?P<ap>a\.?m\.?|p\.?m\.?)?(?:\s{0,3}(?:hrs|hours|gmt|utc))?$",
    re.I,
)
# "at 2300", "at approximately 0130", "at about 14:53": times NER misses, in upper case above all
_LOOSE_CLOCK = re.compile(
    r"\b(?:at|about|around|approximately|after|before|until|by)\s{1,3}"
    r"(?P<t>(?:[01]\d|2[0-3]):?[0-5]\d)(?:\s{0,2}(?:hours|hrs|gmt|utc))?\b",
    re.I,
)
_RELATIVE_PHRASE = re.compile(
    r"\b(?:yesterday|last night|this morning|on (?:monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday))\b",
    re.I,
)
_MUC_DATE = re.compile(r"\b(\d{1,2}) (%s)\.? (\d{2}|\d{4})\b" % _MONTHS, re.I)
_PERIODS = {
    "day": Precision.day,
    "week": Precision.week,
    "month": Precision.month,
    "year": Precision.year,
    "time": Precision.minute,
}


def parse_clock(text: str) -> dt.time | None:
    """'6:54 p.m.' -> 18:54; '18:54' -> 18:54; 'around 7 pm' -> 19:00; 'noon' -> 12:00."""
    t = text.strip().lower()
    for word in (
        "around ",
        "about ",
        "at ",
        "approximately ",
        "shortly after ",
        "just after ",
        "shortly before ",
        "just before ",
        "by ",
        "until ",
    ):
        if t.startswith(word):
            t = t[len(word) :]
    t = t.replace("local time", "").strip().rstrip(",")
    if t in {"noon", "midday"}:
        return dt.time(12, 0)
    if t == "midnight":
        return dt.time(0, 0)
    military = re.fullmatch(r"([01]\d|2[0-3])([0-5]\d)(?:\s*(?:hours|hrs|gmt|utc))?", t)
    if military:
        return dt.time(int(military[1]), int(military[2]))
    match = _CLOCK.match(t)
    if not match:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ap"] or "").replace(".", "")
    if not ampm and match["m"] is None:
        return None  # a bare number is not a time
    if ampm == "pm" and hour < 12:
        hour += 12
    if ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class _DateParser:
    """dateparser (about a millisecond a call) behind a bounded cache: the same date strings
    ("Friday", "last week") recur across articles published on the same day."""

    def __init__(self, base: dt.datetime | None) -> None:
        self.base = base

    def __call__(self, text: str) -> tuple[dt.date, str | None] | None:
        # without a base dateparser fills the missing day from today: part of the key
        return _parse_date(text, self.base, None if self.base else dt.date.today())


@lru_cache(maxsize=8192)
def _parse_date(
    text: str, base: dt.datetime | None, today: dt.date | None
) -> tuple[dt.date, str | None] | None:
    parser = DateDataParser(
        languages=["en"],
        settings={"PREFER_DATES_FROM": "past", **({"RELATIVE_BASE": base} if base else {})},
    )
    data = parser.get_date_data(text)
    if data.date_obj is None:
        return None
    return data.date_obj.date(), data.period


def _governing_verb(token: Token) -> Token | None:
    node = token
    for _ in range(6):
        if node.pos_ in {"VERB", "AUX"} and node.dep_ != "aux":
            return node
        if node.head is node:
            return None
        node = node.head
    return None


class WhenExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.lex = default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        self._after: dict[int, bool] = {}
        text = doc_text(doc)
        article = article_of(doc)
        base = article.published if article is not None else None
        if base is None:
            dateline = parse_dateline(text)
            if dateline is not None and dateline.date is not None:
                base = dt.datetime.combine(dateline.date, dt.time(12))
        if base is not None and base.tzinfo is not None:
            base = base.replace(tzinfo=None)
        parser = _DateParser(base)
        date_spans = [e for e in ents(doc) if e.label_ == "DATE"]
        seen = {(e.start_char, e.end_char) for e in date_spans}
        for m in _MUC_DATE.finditer(text):
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None and (span.start_char, span.end_char) not in seen:
                date_spans.append(span)
        covered_dates = {i for e in date_spans for i in range(e.start_char, e.end_char)}
        for m in _RELATIVE_PHRASE.finditer(text):
            if any(i in covered_dates for i in range(m.start(), m.end())):
                continue
            span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
            if span is not None:
                date_spans.append(span)  # "LAST NIGHT" in upper-case text NER does not tag
        for ent in date_spans:
            self._date(doc, ent, parser, base)
        time_spans = [e for e in ents(doc) if e.label_ == "TIME"]
        covered = {i for e in time_spans for i in range(e.start_char, e.end_char)}
        for m in _LOOSE_CLOCK.finditer(text):
            if m.start("t") in covered:
                continue
            span = doc.char_span(m.start("t"), m.end("t"), alignment_mode="expand")
            if span is not None:
                time_spans.append(span)
        for ent in time_spans:
            self._time(doc, ent)
        return doc

    def _date(self, doc: Doc, ent: Span, parser: _DateParser, base: dt.datetime | None) -> None:
        _, info = sentence_of(doc, ent.start)
        if info.background or not (info.attack or info.events):
            return
        # a date in a sentence only about an arrest, a trial or a threat is that event's date
        event = "attack" if info.attack else sorted(info.events)[0]
        if info.start_char not in self._after:  # once per sentence, not once per date
            self._after[info.start_char] = _after_the_attack(span_sentence(ent))
        if self._after[info.start_char]:
            event = "follow-up"  # "late on Saturday, about a day after the attack"
        text = ent.text
        if not _DATEISH.search(text):
            return  # "two days", "the past decade": durations, not dates
        if text.strip().isdigit() and len(text.strip()) != 4:
            return  # "wounding 58": a count the NER took for a year
        if _opens_group_name(ent):
            return  # "the 19 April Movement (M-19)": a name, not a date
        verb = _governing_verb(ent.root)
        lemma = verb.lemma_.lower() if verb is not None else ""
        if verb is not None and self.lex.is_background_verb(verb):
            return
        if (
            lemma in self.lex.speech_verbs
            and lemma not in {"claim"}
            and verb is not None
            and min(abs(verb.i - ent.start), abs(verb.i - ent.end + 1)) <= 3
        ):
            return  # "police said on Saturday": the date of the statement
        step = self.lex.legal_steps.get(lemma)
        if (
            lemma == "find"
            and verb is not None
            and any(c.lower_ == "guilty" for c in verb.children)
        ):
            step = "convicted"
        if step is not None:
            event = "Arrest" if step in {"arrested", "detained"} else "Charge/Trial"
        relative = bool(_RELATIVE.search(text)) and not _HAS_YEAR.search(text)
        if base is None and (relative or not _HAS_YEAR.search(text)):
            return  # no anchor: the year or day would be invented
        # "on Monday, 4 August": the calendar date given is the day, not the latest Monday
        day_month = _DAY_MONTH.search(text) if relative else None
        if day_month is not None:
            text, relative = day_month.group(0), False
        elif relative and _APPOSED_DATE.match(doc_text(doc), ent.end_char):
            return  # the date set after it is a date of its own
        if relative and base is not None:
            own = _relative_day(text, base.date())
            if own is not None:
                self._add_when(doc, ent, own, Precision.day, True, event)
                return
        parsed = parser(text)
        if parsed is None:
            return
        date, period = parsed
        precision = _PERIODS.get(period or "day", Precision.day)
        if precision == Precision.minute:
            precision = Precision.day
        self._add_when(doc, ent, date, precision, relative, event)

    def _add_when(
        self, doc: Doc, ent: Span, date: dt.date, precision: Precision, relative: bool, event: str
    ) -> None:
        when = When(date=date, precision=precision, relative=relative, event=event)
        clock = [e for e in ents_in(span_sentence(ent)) if e.label_ == "TIME"]
        if clock and precision == Precision.day:
            parsed = parse_clock(clock[0].text)
            if parsed is not None:
                when = when.model_copy(update={"time": parsed, "precision": Precision.minute})
        add_assertion(doc, "when", ent, when, extractor=EXTRACTOR, confidence=0.75)

    def _time(self, doc: Doc, ent: Span) -> None:
        _, info = sentence_of(doc, ent.start)
        clock = parse_clock(ent.text)
        if clock is None or info.background:
            return
        verb = _governing_verb(ent.root)
        if verb is None:
            return
        lemma = verb.lemma_.lower()
        action = self.lex.timeline_past.get(lemma) or _past(lemma)
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects and lemma in {"begin", "start", "end", "stop", "continue"}:
            subject = subjects[0]
            if subject.pos_ in {"NOUN", "PROPN"}:
                action = f"{subject.text.lower()} {action}"
        if not (info.attack or info.events or lemma in self.lex.motion_verbs | {"enter", "flee"}):
            return
        add_assertion(
            doc,
            "timeline",
            ent,
            TimelineStep(time=clock, action=action),
            extractor=EXTRACTOR,
            confidence=0.7,
        )


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# a day of a month, "4 August", "Aug. 4"; after a weekday and a comma, that day's date
# (bounded white space: a run of spaces must not make the scan quadratic)
_DAY_MONTH_TEXT = rf"(?:\b\d{{1,2}}\s{{1,3}}(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s{{1,3}}\d{{1,2}}\b)"
_DAY_MONTH = re.compile(_DAY_MONTH_TEXT, re.I)
_APPOSED_DATE = re.compile(rf"\s{{0,3}},\s{{0,3}}{_DAY_MONTH_TEXT}", re.I)
_SAME_DAY = re.compile(r"\b(today|tonight|this (morning|afternoon|evening)|earlier today)\b", re.I)
_DAY_BEFORE = re.compile(r"\b(yesterday|last night|overnight)\b", re.I)


def _relative_day(text: str, base: dt.date) -> dt.date | None:
    """'on Thursday' -> the latest Thursday on or before the publication day (dateparser
    would skip back a week when the article appeared that same Thursday)."""
    lower = text.lower()
    for index, name in enumerate(_WEEKDAYS):
        if re.search(r"\b%s\b" % name, lower):
            back = (base.weekday() - index) % 7
            if "last " + name in lower and back == 0:
                back = 7
            return base - dt.timedelta(days=back)
    if _SAME_DAY.search(lower):
        return base
    if _DAY_BEFORE.search(lower):
        return base - dt.timedelta(days=1)
    return None


def _opens_group_name(ent: Span) -> bool:
    """The date is the start of an armed group's name the knowledge base knows ("19 April
    Movement")."""
    doc, kb = ent.doc, default_kb()
    for end in range(ent.end + 1, min(len(doc), ent.end + 3) + 1):
        if kb.group(doc_text(doc)[ent.start_char : doc[end - 1].idx + len(doc[end - 1])]):
            return True
    return False


_AFTER = {"after", "following", "since"}
_ATTACK_NOUNS = {
    "attack",
    "attacks",
    "bombing",
    "shooting",
    "stabbing",
    "massacre",
    "blast",
    "explosion",
    "assault",
    "killings",
    "killing",
    "kidnapping",
    "abduction",
}


def _after_the_attack(sent: Span) -> bool:
    """The sentence dates something that came after the attack."""
    words = [t.lower_ for t in sent]
    for i, word in enumerate(words):
        if word in _AFTER and any(w in _ATTACK_NOUNS for w in words[i + 1 : i + 4]):
            return True
    return False


def _past(lemma: str) -> str:
    if lemma.endswith("e"):
        return lemma + "d"
    if lemma.endswith("y") and len(lemma) > 2 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


@Language.factory("incidex_when_v1", assigns=["doc._.assertions"])
def make_when(nlp: Language, name: str) -> WhenExtractor:
    return WhenExtractor()
