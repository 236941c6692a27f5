"""Assemble the assertions of a Doc into incident reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...model import (
    FIELDS,
    RECENT_DAYS,
    Assertion,
    EventType,
    IncidentReport,
    Stance,
    attack_told,
)
from .._doc import add_assertion, article_of, ensure_extensions, sent_info, sentences
from ..lexicon import default_lexicon, separate_cues
from .matching import hypothetical

__all__ = ["IncidentAssembler", "INFERRED_TYPES"]

EXTRACTOR = "incidex_incidents_v1"
# GTD weapon type -> the attack type it implies when the text names no attack type
INFERRED_TYPES: dict[int, tuple[str, int]] = {
    5: ("Armed Assault", 2),
    6: ("Bombing/Explosion", 3),
    8: ("Facility/Infrastructure Attack", 7),
    9: ("Armed Assault", 2),
    10: ("Unarmed Assault", 8),
}


class IncidentAssembler:
    def __init__(self) -> None:
        ensure_extensions()
        lex = default_lexicon()
        self.weak = {w for e in lex.events for w in e.weak_lemmas}
        self.wounded = lex.wounded_words
        self.killed = lex.killed_words
        self.captivity = lex.captivity_words
        self.release = lex.release_words

    def _tells_captivity(self, doc: Doc, types: list[Assertion[Any]]) -> bool:
        """Whether a report typing a hostage taking tells of a ransom, a captivity or a
        freeing (any case), or of a release in a sentence that tells of the hostage taking.
        Without a hostage taking the text is not read (most reports: no work)."""
        held = [
            (a.sentence.start, a.sentence.end)
            for a in types
            if a.normalized.name in _HOSTAGE_TAKING
        ]
        for token in doc if held else ():
            word = token.lower_
            if word in self.captivity or (
                word in self.release and any(start <= token.idx < end for start, end in held)
            ):
                return True
        return False

    def __call__(self, doc: Doc) -> Doc:
        assertions: list[Assertion[Any]] = list(doc._.assertions or [])
        by_field: dict[str, list[Assertion[Any]]] = defaultdict(list)
        for assertion in assertions:
            by_field[assertion.field].append(assertion)
        infos = sent_info(doc)
        generic = any(info.generic_attack for info in infos)
        article = article_of(doc)
        if generic:
            self._infer_types(doc, by_field)
        by_field["types"] = self._apply_hierarchy(
            by_field["types"], by_field["victims"] + by_field["targets"]
        )
        if article is not None and article.published is not None:
            by_field["types"] = _drop_old_attack(
                by_field,
                article.published.date(),
                held=self._tells_captivity(doc, by_field["types"]),
            )
        relevant = bool(
            # an attack threatened or planned too: the report keeps who threatened what
            any(a.normalized.attack for a in by_field["types"])
            or by_field["claims"]
            or by_field["threats"]
            or (generic and (by_field["casualties"] or by_field["victims"] or by_field["suspects"]))
        )
        if Doc.has_extension("relevant") and doc._.relevant is not None:
            # the trained classifier's verdict on wire text (components/trained.py) decides
            relevant = doc._.relevant
        if not relevant:
            doc._.incidents = []
            return doc
        summary_sent = next(
            (s for s, info in zip(sentences(doc), infos, strict=False) if info.attack), None
        )
        article_id = article.id if article is not None else "a0"
        parts = _split_attacks(by_field)
        reports = []
        for index, fields in enumerate(parts):
            lead = summary_sent.text[:400] if summary_sent is not None and index == 0 else None
            if index > 0:
                lead = next(a.sentence.text[:400] for a in fields["types"])
            reports.append(
                IncidentReport(
                    article_id=article_id,
                    index=index,
                    summary=lead,
                    **{name: sorted(fields[name], key=lambda a: a.start) for name in FIELDS},
                )
            )
        doc._.incidents = reports
        return doc

    def _infer_types(self, doc: Doc, by_field: dict[str, list[Assertion[Any]]]) -> None:
        """Weapons used in an attack imply its type when the text names none for them
        ("attacked the post ... armed with automatic rifles" -> Armed Assault)."""
        present = {a.normalized.name for a in by_field["types"]}
        for weapon in by_field["weapons"]:
            inferred = INFERRED_TYPES.get(weapon.normalized.type_code)
            if weapon.value.lower() in _EVENT_WORDS:
                continue  # "a blast of rising costs": an event word is no weapon evidence
            if inferred is None or inferred[0] in present or weapon.confidence < 0.6:
                continue  # a weapon read off a verb ("firing") alone implies no attack
            if inferred[0] != "Armed Assault" and any(
                a.normalized.attack for a in by_field["types"]
            ):
                continue
            span = doc.char_span(weapon.start, weapon.end, alignment_mode="expand")
            if span is None:
                continue
            # "warned it would kill the mayor with a sniper rifle": the type is as hypothetical
            # as the act the weapon serves
            told = weapon.stance is Stance.asserted and hypothetical(
                span, default_lexicon().modality_cues
            )
            by_field["types"].append(
                add_assertion(
                    doc,
                    "types",
                    span,
                    EventType(name=inferred[0], gtd_code=inferred[1]),
                    extractor=EXTRACTOR,
                    confidence=0.5,
                    stance=Stance.hypothetical if told else None,
                )
            )
            present.add(inferred[0])

    def _apply_hierarchy(
        self, types: list[Assertion[Any]], harmed: list[Assertion[Any]]
    ) -> list[Assertion[Any]]:
        """GTD codes the most specific type: an assassination is not also an armed assault
        (unless the report tells another assault apart, `_another_assault`); in a kidnapping
        or a siege, 'gunmen' and 'gunfire' tell the means, not a second type."""
        names = {a.normalized.name for a in types}
        if "Bombing/Explosion" in names:
            # "a suicide bomber drove a car packed with explosives into a checkpoint"
            bomb_sentences = {
                a.sentence.start for a in types if a.normalized.name == "Bombing/Explosion"
            }
            types = [
                a
                for a in types
                if not (
                    a.normalized.name == "Unarmed Assault" and a.sentence.start in bomb_sentences
                )
            ]
        if "Assassination" in names:
            return [
                a
                for a in types
                if a.normalized.name != "Armed Assault" or self._another_assault(a, types, harmed)
            ]
        if names & _OVERRIDING:
            return [
                a
                for a in types
                if not (a.normalized.name == "Armed Assault" and _weak(a, self.weak))
            ]
        return types

    def _another_assault(
        self, assault: Assertion[Any], types: list[Assertion[Any]], harmed: list[Assertion[Any]]
    ) -> bool:
        """Whether an Armed Assault told beside an Assassination is an act of its own ("LATER
        THEY MACHINEGUNNED A BUS"), not the killing retold: it is told apart from the
        assassination's sentences, by an act word (not "gunmen", not a "stab wound"), and its
        sentence does not name whom the assassination's sentences name ("the minister's
        residence")."""
        killing = {a.sentence.start for a in types if a.normalized.name == "Assassination"}
        sentence = assault.sentence
        if sentence.start in killing or assault.value.lower() in self.weak:
            return False
        at = assault.end - sentence.start
        after = sentence.text[at : at + _NEXT_WORD_CHARS].split(maxsplit=1)  # the next word
        if after and _bare(after[0]) in self.wounded:
            return False
        named = {
            word
            for a in [*types, *harmed]
            if a.sentence.start in killing
            and (a.field != "types" or a.normalized.name == "Assassination")
            for word in map(_bare, a.value.split())
            # "THE", "KILLED", "ASSASSINATED" name nobody
            if len(word) > 3 and word not in self.killed and not word.startswith("assassin")
        }
        return not any(_bare(word) in named for word in sentence.text.split())


# how far the word after a trigger is looked for: the rest of a long sentence need not be
# copied and split to read one word
_NEXT_WORD_CHARS = 40


def _bare(word: str) -> str:
    """The word as a lexicon lists it: lower case, without the punctuation around it or a
    possessive "'s" ("Minister's," -> "minister")."""
    return word.strip("'\",.;:()").lower().removesuffix("'s")


_EVENT_WORDS = {
    "blast",
    "blasts",
    "explosion",
    "explosions",
    "firing",
    "shooting",
    "gunfire",
    "shot",
    "shots",
    "fire",
    "fires",
    "bombing",
    "bombings",
}
_HOSTAGE_TAKING = {"Hostage Taking (Kidnapping)", "Hostage Taking (Barricade Incident)"}
_OVERRIDING = _HOSTAGE_TAKING | {"Hijacking"}


def _weak(assertion: Assertion[Any], weak: set[str]) -> bool:
    return assertion.extractor == EXTRACTOR or assertion.value.lower() in weak


def _drop_old_attack(
    by_field: dict[str, list[Assertion[Any]]], published: dt.date, *, held: bool = False
) -> list[Assertion[Any]]:
    """A report of a trial, an arrest or a threat that recalls an attack dated more than two
    months before publication (:data:`~incidex.model.RECENT_DAYS`) describes no new attack:
    keep only its non-attack events. A kidnapping lasts while its victim is held: told with a
    ransom, a captivity or a release (``held``), it is news however long ago it began (MUC-4
    counts such new information on an older incident, template-doc-part1 1.0 (6)), and
    nothing is dropped."""
    types = by_field["types"]
    if held and any(a.normalized.name in _HOSTAGE_TAKING for a in types):
        return types
    non_attack = {a.normalized.name for a in types if not a.normalized.attack}
    attack_dates = [
        a.normalized.date
        for a in by_field["when"]
        if a.normalized.event == "attack" and a.normalized.date is not None
    ]
    if not non_attack or not attack_dates:
        return types
    if max(attack_dates) >= published - dt.timedelta(days=RECENT_DAYS):
        return types
    for when in by_field["when"]:
        if when.normalized.event == "attack":
            when.normalized = when.normalized.model_copy(update={"event": "earlier attack"})
    return [a for a in types if not a.normalized.attack]


def _split_attacks(
    by_field: dict[str, list[Assertion[Any]]],
) -> list[dict[str, list[Assertion[Any]]]]:
    """One field table per attack the article tells of: the first for the main attack, then
    one per sentence about another attack ("Hours earlier, a bomb at a bus station in Abuja
    killed 71"). A sentence is about another attack when it names an attack type told as
    done (not threatened or planned) no other sentence gives, has its own toll or scene, and
    sets itself apart: a cue ("earlier", "separately"), a different scene city, or another
    day. Its assertions leave the main report, so the toll of one attack is not given to the
    other."""
    types_at: dict[int, set[str]] = defaultdict(set)
    for a in by_field["types"]:
        if attack_told(a):
            types_at[a.sentence.start].add(a.normalized.name)
    if len(types_at) < 2:
        return [by_field]
    first = min(types_at)
    scenes = [a for a in by_field["where"] if a.normalized.role == "scene" and a.normalized.city]
    main_city = next((a.normalized.city for a in scenes if a.sentence.start <= first), None)
    days = [a for a in by_field["when"] if a.normalized.date and a.normalized.event == "attack"]
    # The main attack's day: the one most sentences give (the first on a tie).
    backing = Counter(a.normalized.date for a in days)
    main_day = max(backing, key=lambda d: backing[d]) if backing else None
    apart: list[int] = []
    for start, names in sorted(types_at.items()):
        others = set().union(*(n for s, n in types_at.items() if s != start))
        if start == first or names & others:
            continue
        own_toll = any(a.sentence.start == start for a in by_field["casualties"])
        own_scene = [a.normalized for a in by_field["where"] if a.sentence.start == start]
        if not own_toll and not any(p.role == "scene" for p in own_scene):
            continue
        text = next(a.sentence.text for a in by_field["types"] if a.sentence.start == start)
        cities = {p.city for p in own_scene if p.city and p.role == "scene"}
        dates = {a.normalized.date for a in days if a.sentence.start == start}
        if (
            separate_cues().search(text.lower())
            or (main_city is not None and cities and main_city not in cities)
            or (main_day is not None and dates and main_day not in dates)
        ):
            apart.append(start)
    if not apart:
        return [by_field]
    parts: list[dict[str, list[Assertion[Any]]]] = [
        defaultdict(list) for _ in range(len(apart) + 1)
    ]
    for name, items in by_field.items():
        for a in items:
            where = apart.index(a.sentence.start) + 1 if a.sentence.start in apart else 0
            parts[where][name].append(a)
    return parts


@Language.factory("incidex_incidents_v1", assigns=["doc._.incidents"])
def make_incidents(nlp: Language, name: str) -> IncidentAssembler:
    return IncidentAssembler()
