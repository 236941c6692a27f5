"""Slot scorer against the full MUC-4 answer keys.

Scored slots (rows of :class:`SlotScores`): INCIDENT: DATE, INCIDENT: LOCATION split into
country and place and once more as a whole slot with half credit, INCIDENT: TYPE, INCIDENT:
INSTRUMENT TYPE, PERP: ORGANIZATION ID, PERP: ORGANIZATION CONFIDENCE, HUM TGT: EFFECT OF
INCIDENT and HUM TGT: NUMBER.

Rules:

* Templates are mapped per message one-to-one as in the five-role scorer: the mapping with
  the best micro F1 over these slots, a pair being allowed only if the predicted incident
  type is one of the key's alternatives. Irrelevant messages (MESSAGE: TEMPLATE ``*``) have
  no gold template, so every predicted fill there is spurious.
* In a mapped pair each key fill is matched at most once (maximum bipartite matching); a
  fill matches if the prediction equals any of its ``/`` alternatives. A key fill marked
  ``?`` counts as correct when matched and is not a miss when not. A slot whose key is ``*``
  (inapplicable) is not scored in that pair; a key ``-`` (null) makes every predicted fill
  spurious.
* Unmapped predicted templates: all their fills are spurious. Unmapped key templates: all
  their non-optional fills are misses, except OPTIONAL templates, which then count nothing.
* DATE: ``26 APR 89`` must be equal; ``20 APR 89 - 26 APR 89`` accepts any date in the range;
  ``- 26 APR 89`` ("on or before") accepts the 60 days up to the anchor (the MUC relevance
  rule: an incident is recent if within two months). Years are 19YY. The few key dates
  that cannot be read as a full date (``11 NOV``, ``31 NOV 89``) are not scored.
* LOCATION: the country must equal the key's country (any alternative). The place counts as
  one fill if the key names any place below the country; a predicted place is correct if it
  equals any place named at any level of the key (``EL SALVADOR: SAN SALVADOR (CITY):
  MAQUILISHUAT (NEIGHBORHOOD)`` accepts both SAN SALVADOR and MAQUILISHUAT). Names are
  compared upper-cased without punctuation.
* LOCATION (whole slot): the slot as one fill, scored as the official scorer scored it, with
  half credit for a partially correct fill (MUC: recall = (COR + PAR/2) / POS, precision =
  (COR + PAR/2) / ACT). A predicted location (country or place) is correct (1) when the
  country matches and the place equals a place at the key's most specific level (either
  place of a two-place level), or when the key names only the country and no place is
  predicted; partial (0.5) when the country matches but the place is missing, wrong, at a
  less specific level of the key, or given where the key names only the country (the key
  is filled as specifically as the text allows, so a place it lacks is not supported);
  incorrect (0) otherwise. The best of the key's alternatives counts. ``?``, ``*`` and
  ``-`` keys as for the other rows. The country and place rows stay as they are and this
  row restates them, so the ``micro`` average and the template mapping leave it out.
* INSTRUMENT TYPE, HUM TGT: EFFECT: set fills compared by equality, cross references
  ignored; the key has one EFFECT fill per human target, so predict one per victim.
* PERP: ORGANIZATION ID: strings compared after GTT's normalisation.
* PERP: ORGANIZATION CONFIDENCE: ``perp_org_confidences`` pairs one confidence with each
  predicted organisation in order; else the single ``perp_org_confidence`` is paired with
  every predicted organisation. A pair matches a key fill whose value and cross-referenced
  organisation both match. No predicted organisation, no confidence fill.
* HUM TGT: NUMBER: a predicted ``n`` matches ``n``, ``~n``, a range ``a-b`` holding it, ``a-``
  (at least a), ``-b`` (at most b) or PLURAL (n >= 2); a predicted range ``(a, b)`` matches
  the same range; a predicted ``"PLURAL"`` (more than one, no figure given) matches PLURAL
  only. Key fills ``-`` (number unknown) are not scored.

Where this simplifies the official MUC scorer (scoring-guidelines, MUC-4): no partial
credit outside the whole-slot LOCATION row (the official scorer gave half credit for
partially correct fills, e.g. a string that overlaps the key; its human scorers also judged
location mismatches case by case, e.g. a place spelled otherwise, which counts as wrong
here), no set-fill hierarchy
(EXPLOSIVE does not partly match BOMB), cross-reference correctness is not checked except
for the organisation confidence, and the template mapping maximises F1 here rather than
following the official scorer's slot-overlap threshold for mapping.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from incidex.evaluate._common import (
    Score,
    ScoreTable,
    Tally,
    _best_mapping,
    _sum_scores,
    normalize_string,
)
from incidex.evaluate._muc import (
    MucDate,
    MucFill,
    MucKeyTemplate,
    MucLocation,
    MucSlot,
    _parse_date,
)

__all__ = ["PLURAL", "SLOT_ROWS", "HumNumber", "SlotScores", "SlotTemplate", "score_muc_slots"]

PLURAL: Literal["PLURAL"] = (
    "PLURAL"  # MUC's set fill for "more than one" when the text gives no figure
)
HumNumber = int | tuple[int, int] | Literal["PLURAL"]

_DATE_ROW = "INCIDENT: DATE"
_COUNTRY_ROW = "INCIDENT: LOCATION (country)"
_PLACE_ROW = "INCIDENT: LOCATION (place)"
_LOCATION_ROW = "INCIDENT: LOCATION (whole slot)"
_TYPE_ROW = "INCIDENT: TYPE"
_INSTR_ROW = "INCIDENT: INSTRUMENT TYPE"
_ORG_ROW = "PERP: ORGANIZATION ID"
_CONF_ROW = "PERP: ORGANIZATION CONFIDENCE"
_EFFECT_ROW = "HUM TGT: EFFECT OF INCIDENT"
_NUMBER_ROW = "HUM TGT: NUMBER"
SLOT_ROWS: tuple[str, ...] = (
    _DATE_ROW,
    _COUNTRY_ROW,
    _PLACE_ROW,
    _LOCATION_ROW,
    _TYPE_ROW,
    _INSTR_ROW,
    _ORG_ROW,
    _CONF_ROW,
    _EFFECT_ROW,
    _NUMBER_ROW,
)
# The rows of the micro average and of the mapping objective: the whole-slot location row
# restates the country and place rows, so it is left out to count no fill twice.
_MICRO_ROWS: tuple[str, ...] = tuple(r for r in SLOT_ROWS if r != _LOCATION_ROW)
_PARTIAL = 0.5  # MUC's credit for a partially correct fill
_ON_OR_BEFORE_WINDOW = dt.timedelta(days=60)
_PUNCT = str.maketrans({c: " " for c in string.punctuation})
_OPEN = 10**9  # upper bound of "at least" ranges


@dataclass(frozen=True, slots=True)
class SlotTemplate:
    """A predicted template in MUC slot terms (set fills in MUC spelling, any case)."""

    incident_type: str | None = None  # ATTACK, BOMBING, KIDNAPPING, ARSON, ROBBERY, ...
    date: dt.date | None = None
    country: str | None = None  # EL SALVADOR
    place: str | None = None  # SAN SALVADOR
    instrument_types: tuple[str, ...] = ()  # GUN, EXPLOSIVE, BOMB, ...
    perp_orgs: tuple[str, ...] = ()
    perp_org_confidence: str | None = None  # REPORTED AS FACT, CLAIMED OR ADMITTED, ...
    # One confidence per organisation (same order as perp_orgs); overrides the single one.
    perp_org_confidences: tuple[str, ...] = ()
    hum_tgt_effects: tuple[str, ...] = ()  # DEATH, INJURY, NO INJURY, ...
    hum_tgt_numbers: tuple[HumNumber, ...] = ()  # 3, (6, 8) for a range, or "PLURAL"


@dataclass(frozen=True)
class SlotScores(ScoreTable):
    """MUC slot scores: one row per slot in ``SLOT_ROWS`` and a ``micro`` average."""


def _set(text: str) -> str:
    return " ".join(text.upper().split())


def _name(text: str) -> str:
    return " ".join(text.upper().translate(_PUNCT).split())


# -- gold side --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _GoldFill:
    accepts: Callable[[object], bool]
    optional: bool


@dataclass(frozen=True, slots=True)
class _GoldSlot:
    fills: tuple[_GoldFill, ...]
    scored: bool  # False when the key says "*" (inapplicable)


def _fills(
    slot: MucSlot, accepts: Callable[[MucFill], Callable[[object], bool] | None]
) -> _GoldSlot:
    if slot.status == "inapplicable":
        return _GoldSlot((), False)
    out = []
    for fill in slot.fills:
        test = accepts(fill)
        if test is not None:
            out.append(_GoldFill(test, fill.optional))
    return _GoldSlot(tuple(out), True)


def _date_accepts(dates: Sequence[MucDate]) -> Callable[[object], bool] | None:
    if not dates:
        return None  # a date the key does not give in full ("11 NOV"): not scored

    def accepts(value: object) -> bool:
        if not isinstance(value, dt.date):
            return False
        for d in dates:
            start = d.start if d.start is not None else d.end - _ON_OR_BEFORE_WINDOW
            if start <= value <= d.end:
                return True
        return False

    return accepts


def _in(options: Sequence[str], norm: Callable[[str], str]) -> Callable[[object], bool]:
    wanted = {norm(o) for o in options}
    return lambda value: isinstance(value, str) and norm(value) in wanted


def _number_range(text: str) -> tuple[int, int] | None:
    text = text.replace(" ", "").lstrip("~")
    if text == "PLURAL":
        return (2, _OPEN)
    try:
        if text.isdigit():
            return (int(text), int(text))
        low, dash, high = text.partition("-")
        if dash and low.isdigit() and high.isdigit():
            return (int(low), int(high))
        if dash and low.isdigit() and not high:
            return (int(low), _OPEN)
        if dash and not low and high.isdigit():
            return (0, int(high))
    except ValueError:
        return None
    return None


def _number_accepts(fill: MucFill) -> Callable[[object], bool] | None:
    ranges = [r for v in fill.values if (r := _number_range(v)) is not None]
    if not ranges:
        return None  # "-": number unknown, not scored
    plural = any(v.replace(" ", "") == PLURAL for v in fill.values)

    def accepts(value: object) -> bool:
        if value == PLURAL:
            return plural
        if isinstance(value, int):
            return any(low <= value <= high for low, high in ranges)
        if isinstance(value, tuple):
            return tuple(value) in ranges
        return False

    return accepts


def _conf_accepts(fill: MucFill) -> Callable[[object], bool]:
    values = {_set(v) for v in fill.values}
    refs = {normalize_string(r) for r in fill.refs}

    def accepts(value: object) -> bool:
        if not isinstance(value, tuple) or len(value) != 2:
            return False
        conf, org = value
        return _set(str(conf)) in values and normalize_string(str(org)) in refs

    return accepts


@dataclass(frozen=True, slots=True)
class _GoldLocation:
    """The key's LOCATION slot as one fill for the whole-slot row."""

    alternatives: tuple[MucLocation, ...]  # empty: key "-" (null) or nothing readable
    optional: bool
    scored: bool  # False when the key says "*"

    def credit(self, country: str | None, place: str | None) -> float:
        """1, 0.5 or 0 for a predicted location; the best alternative counts."""
        return max((_location_credit(loc, country, place) for loc in self.alternatives), default=0)


def _location_credit(loc: MucLocation, country: str | None, place: str | None) -> float:
    if country is None or _name(country) != _name(loc.country):
        return 0.0
    if not loc.levels:
        return 1.0 if place is None else _PARTIAL
    if place is not None and _name(place) in {_name(p.name) for p in loc.levels[-1]}:
        return 1.0
    return _PARTIAL  # place missing, wrong or at a less specific level


@dataclass(frozen=True, slots=True)
class _Gold:
    types: tuple[str, ...]
    optional: bool
    slots: dict[str, _GoldSlot]
    location: _GoldLocation


def _gold(key: MucKeyTemplate) -> _Gold:
    slots: dict[str, _GoldSlot] = {}
    date_slot = key.slot(2)
    slots[_DATE_ROW] = _fills(date_slot, lambda f: _date_accepts(_key_dates(f)))
    loc_slot = key.slot(3)
    locations = key.locations
    location = _GoldLocation(
        locations,
        any(f.optional for f in loc_slot.fills),
        loc_slot.status != "inapplicable",
    )
    if loc_slot.status == "inapplicable" or not locations:
        scored = loc_slot.status != "inapplicable"
        slots[_COUNTRY_ROW] = _GoldSlot((), scored)
        slots[_PLACE_ROW] = _GoldSlot((), scored)
    else:
        optional = any(f.optional for f in loc_slot.fills)
        countries = [loc.country for loc in locations]
        slots[_COUNTRY_ROW] = _GoldSlot((_GoldFill(_in(countries, _name), optional),), True)
        places = [p.name for loc in locations for p in loc.places]
        place_fills: tuple[_GoldFill, ...] = ()
        if places:
            some_without = any(not loc.places for loc in locations)
            place_fills = (_GoldFill(_in(places, _name), optional or some_without),)
        slots[_PLACE_ROW] = _GoldSlot(place_fills, True)
    slots[_TYPE_ROW] = _fills(key.slot(4), lambda f: _in(f.values, _set))
    slots[_INSTR_ROW] = _fills(key.slot(7), lambda f: _in(f.values, _set))
    slots[_ORG_ROW] = _fills(key.slot(10), lambda f: _in(f.values, normalize_string))
    slots[_CONF_ROW] = _fills(key.slot(11), _conf_accepts)
    slots[_EFFECT_ROW] = _fills(key.slot(23), lambda f: _in(f.values, _set))
    slots[_NUMBER_ROW] = _fills(key.slot(21), _number_accepts)
    return _Gold(tuple(_set(t) for t in key.incident_types), key.optional, slots, location)


def _key_dates(fill: MucFill) -> list[MucDate]:
    return [d for v in fill.values if (d := _parse_date(v)) is not None]


# -- predicted side ---------------------------------------------------------------------


def _pred_fills(t: SlotTemplate) -> dict[str, list[object]]:
    return {
        _DATE_ROW: [t.date] if t.date is not None else [],
        _COUNTRY_ROW: [t.country] if t.country else [],
        _PLACE_ROW: [t.place] if t.place else [],
        _LOCATION_ROW: [(t.country or None, t.place or None)] if t.country or t.place else [],
        _TYPE_ROW: [t.incident_type] if t.incident_type else [],
        _INSTR_ROW: list(t.instrument_types),
        _ORG_ROW: list(t.perp_orgs),
        _CONF_ROW: _confidence_fills(t),
        _EFFECT_ROW: list(t.hum_tgt_effects),
        _NUMBER_ROW: list(t.hum_tgt_numbers),
    }


def _confidence_fills(t: SlotTemplate) -> list[object]:
    if t.perp_org_confidences:
        return list(zip(t.perp_org_confidences, t.perp_orgs, strict=False))
    if t.perp_org_confidence:
        return [(t.perp_org_confidence, org) for org in t.perp_orgs]
    return []


def _pred_alone(fills: dict[str, list[object]]) -> Tally:
    return {row: Score(row, 0, len(fills[row]), 0, 0) for row in SLOT_ROWS}


def _gold_alone(gold: _Gold) -> Tally:
    tally: Tally = {}
    for row in _MICRO_ROWS:
        slot = gold.slots[row]
        required = 0 if gold.optional else sum(1 for f in slot.fills if not f.optional)
        tally[row] = Score(row, 0, 0, 0, required)
    loc = gold.location
    missed = loc.scored and bool(loc.alternatives) and not (gold.optional or loc.optional)
    tally[_LOCATION_ROW] = Score(_LOCATION_ROW, 0, 0, 0, int(missed))
    return tally


def _pair(pred_type: str | None, fills: dict[str, list[object]], gold: _Gold) -> Tally | None:
    if pred_type is None or _set(pred_type) not in gold.types:
        return None
    tally: Tally = {_LOCATION_ROW: _location_pair(fills[_LOCATION_ROW], gold.location)}
    for row in _MICRO_ROWS:
        slot = gold.slots[row]
        if not slot.scored:
            tally[row] = Score(row)
            continue
        values = fills[row]
        # Required key fills first, so the matching keeps as many of them as it can.
        ordered = sorted(slot.fills, key=lambda f: f.optional)
        matched = _matched(ordered, values)
        correct = len(matched)
        gold_count = sum(1 for f in ordered if not f.optional) + sum(
            1 for k in matched if ordered[k].optional
        )
        tally[row] = Score(row, correct, len(values), correct, gold_count)
    return tally


def _location_pair(values: Sequence[object], gold: _GoldLocation) -> Score:
    if not gold.scored:
        return Score(_LOCATION_ROW)
    credit = 0.0
    for value in values:  # at most one (country, place) pair, from _pred_fills
        country, place = cast(tuple[str | None, str | None], value)
        credit = gold.credit(country, place)
    # An optional key fill joins the gold count only when it earned credit, as in _pair.
    gold_count = int(bool(gold.alternatives) and (not gold.optional or credit > 0))
    return Score(_LOCATION_ROW, credit, len(values), credit, gold_count)


def _matched(gold: Sequence[_GoldFill], values: Sequence[object]) -> list[int]:
    """Indices of gold fills matched in a maximum matching (required ones first)."""
    adjacency = [[j for j, v in enumerate(values) if g.accepts(v)] for g in gold]
    owner: list[int | None] = [None] * len(values)

    def augment(i: int, seen: list[bool]) -> bool:
        for j in adjacency[i]:
            if not seen[j]:
                seen[j] = True
                if owner[j] is None or augment(owner[j], seen):  # type: ignore[arg-type]
                    owner[j] = i
                    return True
        return False

    for i in range(len(gold)):
        augment(i, [False] * len(values))
    return [i for i in owner if i is not None]


def _gain(tally: Tally) -> float:
    return float(sum(tally[row].correct_pred for row in _MICRO_ROWS if row in tally))


def _micro_f1(tally: Tally) -> float:
    return _sum_scores("micro", [tally[row] for row in _MICRO_ROWS if row in tally]).f1


def score_muc_slots(
    pred: Mapping[str, Sequence[SlotTemplate]],
    keys: Mapping[str, Sequence[MucKeyTemplate]],
) -> SlotScores:
    """Per-slot P/R/F1 of predicted templates against MUC-4 keys, over the key messages."""
    total: Tally = {}
    for docid, key_templates in keys.items():
        golds = [_gold(k) for k in key_templates if k.relevant]
        preds = list(pred.get(docid, ()))
        fills = [_pred_fills(t) for t in preds]
        pair = [
            [_pair(t.incident_type, f, g) for g in golds] for t, f in zip(preds, fills, strict=True)
        ]
        best = _best_mapping(
            pair,
            [_pred_alone(f) for f in fills],
            [_gold_alone(g) for g in golds],
            _gain,
            _micro_f1,
        )
        for label, score in best.items():
            total[label] = total[label] + score if label in total else score
    rows = tuple(total.get(row, Score(row)) for row in SLOT_ROWS)
    micro = _sum_scores("micro", [r for r in rows if r.label != _LOCATION_ROW])
    return SlotScores("Slot", rows, (micro,), documents=len(keys))
