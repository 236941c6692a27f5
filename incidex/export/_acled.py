"""ACLED-style CSV: ACLED's column names, event types and actor conventions.

Mapping from GTD attack types to ACLED event and sub-event types (docs/exports.md):

- Bombing/Explosion -> Explosions/Remote violence: "Suicide bomb" (a suicide device),
  "Grenade" (a grenade), else "Remote explosive/landmine/IED";
- Assassination, Armed Assault, Unarmed Assault -> "Violence against civilians" / "Attack"
  when the main target is civilian, else "Battles" / "Armed clash";
- Hijacking, Hostage Taking -> "Violence against civilians" / "Abduction/forced disappearance";
- Facility/Infrastructure Attack -> "Violence against civilians" / "Attack" when people were
  killed or wounded and the target is civilian, else "Strategic developments" /
  "Looting/property destruction" (ACLED codes property destruction without casualties there);
- anything else -> "Strategic developments" / "Other".
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import IO, Any

from ..model import Incident, Precision
from ._common import (
    CountryInfo,
    ExportSummary,
    Facts,
    country_info,
    facts_of,
    group_kind,
    outlet_kind,
)
from ._csv import CsvRows

__all__ = ["ACLED_COLUMNS", "acled_row", "event_type_of", "write_acled"]

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip

POLITICAL_VIOLENCE = "Political violence"
STRATEGIC = "Strategic developments"
VAC = "Violence against civilians"
EXPLOSIONS = "Explosions/Remote violence"
BATTLES = "Battles"

# GTD target types whose people carry arms: police, military, militias, violent parties.
_ARMED_TARGETS = {3, 4, 17, 22}
# ACLED actor type codes (inter1/inter2): 1 state forces, 2 rebel groups, 3 political
# militias, 7 civilians; the KB's group kinds map to them.
_INTER_OF_KIND = {
    "state-actor": 1,
    "jihadist": 2,
    "ethno-nationalist/separatist": 2,
    "left-wing": 2,
    "right-wing": 3,
    "criminal": 3,
    "other": 3,
}
_TIME_PRECISION = {
    Precision.minute: 1,
    Precision.hour: 1,
    Precision.day: 1,
    Precision.week: 2,
    Precision.month: 3,
    Precision.year: 3,
    Precision.unknown: 3,
}
_NOTES_CHARS = 2_000


def _civilian_target(facts: Facts) -> bool:
    # Most-backed target first; no target named: treat as civilians only for one-sided types.
    return bool(facts.targets) and facts.targets[0][0] not in _ARMED_TARGETS


def event_type_of(incident: Incident, facts: Facts) -> tuple[str, str, str, bool]:
    """(disorder_type, event_type, sub_event_type, civilian targeting) of an incident."""
    code = facts.attack_types[0][0] if facts.attack_types else None
    civilian = _civilian_target(facts)
    hurt = bool(incident.summary.killed or incident.summary.wounded)
    if code == 3:
        if facts.suicide:
            sub = "Suicide bomb"
        elif any(w[2] == 7 for w in facts.weapons):
            sub = "Grenade"
        else:
            sub = "Remote explosive/landmine/IED"
        return POLITICAL_VIOLENCE, EXPLOSIONS, sub, civilian
    if code in {1, 2, 8}:
        if civilian:
            return POLITICAL_VIOLENCE, VAC, "Attack", True
        return POLITICAL_VIOLENCE, BATTLES, "Armed clash", False
    if code in {4, 5, 6}:
        return POLITICAL_VIOLENCE, VAC, "Abduction/forced disappearance", True
    if code == 7:
        if hurt and civilian:
            return POLITICAL_VIOLENCE, VAC, "Attack", True
        return STRATEGIC, STRATEGIC, "Looting/property destruction", False
    return STRATEGIC, STRATEGIC, "Other", False


def _event_id(incident_id: str, country: CountryInfo | None) -> str:
    prefix = country.iso3 if country and country.iso3 else "XXX"
    digits = incident_id[1:]
    try:
        number = int(digits, 16)
    except ValueError:
        number = int(hashlib.sha256(incident_id.encode("utf-8")).hexdigest()[:12], 16)
    return f"{prefix}{number}"


def _actor2(facts: Facts, country_name: str, civilian: bool) -> tuple[str | None, int]:
    if civilian:
        return f"Civilians ({country_name})", 7
    if not facts.targets:
        return None, 0
    code = facts.targets[0][0]
    if code == 3:
        return f"Police Forces of {country_name}", 1
    if code == 4:
        return f"Military Forces of {country_name}", 1
    return f"Unidentified Armed Group ({country_name})", 3


def _source_scale(outlets: list[str], country: str | None) -> str:
    scales: list[str] = []
    for name in outlets:
        kind, home = outlet_kind(name)
        if kind in {"propaganda", "platform", "online"}:
            scale = "New media"
        elif home and country and home == country.upper():
            scale = "National"
        elif home or kind == "news_agency":
            scale = "International"
        else:
            scale = "Other"
        if scale not in scales:
            scales.append(scale)
    return "-".join(scales)


def _notes(incident: Incident, facts: Facts) -> str:
    s = incident.summary
    parts = [f"On {s.date.isoformat()}, {s.title}." if s.date else f"{s.title}."]
    claimed = sorted({c.group for c in facts.claims if c.group})
    if claimed:
        parts.append("Claimed by " + ", ".join(claimed) + ".")
    if s.killed is not None:
        parts.append(f"{s.killed} killed (conservative figure).")
    if s.wounded is not None:
        parts.append(f"{s.wounded} wounded.")
    return " ".join(parts)[:_NOTES_CHARS]


def _geo_precision(specificity: int) -> int:
    return 1 if specificity <= 1 else 2 if specificity <= 3 else 3


def acled_row(incident: Incident, facts: Facts) -> dict[str, Any]:
    s = incident.summary
    country = country_info(s.country_code)
    country_name = (country.name if country else None) or s.country or "Unknown"
    disorder, event, sub, civilian = event_type_of(incident, facts)

    if facts.groups:
        actor1 = facts.groups[0]
        inter1 = _INTER_OF_KIND.get(group_kind(actor1) or "other", 3)
        associated = [g for g in facts.groups[1:] if g != actor1]
    else:
        actor1, inter1, associated = f"Unidentified Armed Group ({country_name})", 3, []
    actor2, inter2 = _actor2(facts, country_name, civilian)
    interaction = inter1 * 10 if not inter2 else min(inter1, inter2) * 10 + max(inter1, inter2)
    published = [a.published for a in incident.articles if a.published]
    latest = max(published, key=_aware) if published else None
    return {
        "event_id_cnty": _event_id(s.id, country),
        "event_date": s.date.isoformat() if s.date else None,
        "year": s.date.year if s.date else None,
        "time_precision": _TIME_PRECISION[s.precision],
        "disorder_type": disorder,
        "event_type": event,
        "sub_event_type": sub,
        "actor1": actor1,
        "assoc_actor_1": "; ".join(associated),
        "inter1": inter1,
        "actor2": actor2,
        "assoc_actor_2": None,
        "inter2": inter2 or None,
        "interaction": interaction,
        "civilian_targeting": "Civilian targeting" if civilian else "",
        "iso": country.iso_numeric if country else None,
        "region": country.acled_region if country else None,
        "country": country_name if country or s.country else None,
        "admin1": s.region,
        "admin2": None,
        "admin3": None,
        "location": s.venue or s.city or s.region or (country_name if country else None),
        "latitude": s.latitude,
        "longitude": s.longitude,
        "geo_precision": _geo_precision(facts.specificity),
        "source": "; ".join(facts.outlets),
        "source_scale": _source_scale(facts.outlets, s.country_code),
        "notes": _notes(incident, facts),
        "fatalities": s.killed or 0,
        "tags": "",
        "timestamp": int(_aware(latest).timestamp()) if latest else None,
    }


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def write_acled(incidents: Iterator[Incident], out: IO[str], summary: ExportSummary) -> None:
    rows = CsvRows(out, ACLED_COLUMNS)
    for incident in incidents:
        rows.write(acled_row(incident, facts_of(incident)))
        summary.incidents += 1
