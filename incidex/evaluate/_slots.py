"""Slot scorer against the full MUC-4 answer keys.

Scored slots (rows of :class:`SlotScores`): INCIDENT: DATE, INCIDENT: LOCATION split into
country and place, INCIDENT: TYPE, INCIDENT: INSTRUMENT TYPE, PERP: ORGANIZATION ID, PERP:
ORGANIZATION CONFIDENCE, HUM TGT: EFFECT OF INCIDENT and HUM TGT: NUMBER.

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
credit (the official scorer gave half credit for partially correct fills, e.g. a location
at the wrong level of detail or a string that overlaps the key), no set-fill hierarchy
(EXPLOSIVE does not partly match BOMB), cross-reference correctness is not checked except
for the organisation confidence, and the template mapping maximises F1 here rather than
following the official scorer's slot-overlap threshold for mapping.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from incidex.evaluate._common import (
    Score,
    ScoreTable,
    Tally,
    _best_mapping,
    _sum_scores,
    normalize_string,
)
from incidex.evaluate._muc import MucDate, MucFill, MucKeyTemplate, MucSlot, _parse_date

__all__ = ["PLURAL", "SLOT_ROWS", "HumNumber", "SlotScores", "SlotTemplate", "score_muc_slots"]

PLURAL: Literal["PLURAL"] = (
    "PLURAL"  # MUC's set fill for "more than one" when the text gives no figure
)
HumNumber = int | tuple[int, int] | Literal["PLURAL"]

_DATE_ROW = "INCIDENT: DATE"
_COUNTRY_ROW = "INCIDENT: LOCATION (country)"
_PLACE_ROW = "INCIDENT: LOCATION (place)"
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
    _TYPE_ROW,
    _INSTR_ROW,
    _ORG_ROW,
    _CONF_ROW,
    _EFFECT_ROW,
    _NUMBER_ROW,
)
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
class _Gold:
    types: tuple[str, ...]
    optional: bool
    slots: dict[str, _GoldSlot]


def _gold(key: MucKeyTemplate) -> _Gold:
    slots: dict[str, _GoldSlot] = {}
    date_slot = key.slot(2)
    slots[_DATE_ROW] = _fills(date_slot, lambda f: _date_accepts(_key_dates(f)))
    loc_slot = key.slot(3)
    locations = key.locations
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
    return _Gold(tuple(_set(t) for t in key.incident_types), key.optional, slots)


def _key_dates(fill: MucFill) -> list[MucDate]:
    return [d for v in fill.values if (d := _parse_date(v)) is not None]


# -- predicted side ---------------------------------------------------------------------


def _pred_fills(t: SlotTemplate) -> dict[str, list[object]]:
    return {
        _DATE_ROW: [t.date] if t.date is not None else [],
        _COUNTRY_ROW: [t.country] if t.country else [],
        _PLACE_ROW: [t.place] if t.place else [],
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
    for row in SLOT_ROWS:
        slot = gold.slots[row]
        required = 0 if gold.optional else sum(1 for f in slot.fills if not f.optional)
        tally[row] = Score(row, 0, 0, 0, required)
    return tally


def _pair(pred_type: str | None, fills: dict[str, list[object]], gold: _Gold) -> Tally | None:
    if pred_type is None or _set(pred_type) not in gold.types:
        return None
    tally: Tally = {}
    for row in SLOT_ROWS:
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
    return float(sum(s.correct_pred for s in tally.values()))


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
            pair, [_pred_alone(f) for f in fills], [_gold_alone(g) for g in golds], _gain
        )
        for label, score in best.items():
            total[label] = total[label] + score if label in total else score
    rows = tuple(total.get(row, Score(row)) for row in SLOT_ROWS)
    return SlotScores("Slot", rows, (_sum_scores("micro", rows),), documents=len(keys))
