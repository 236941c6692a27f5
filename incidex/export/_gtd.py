"""Global Terrorism Database codebook CSV: GTD column names, GTD numeric codes.

docs/exports.md documents each column and how incidex derives it. Unknown values follow the
codebook: -9 for unknown yes/no fields, -99 for unknown counts, blank for fields that do not
apply or were not reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import IO, Any

from ..model import Claim, Incident, Precision
from ._common import ExportSummary, Facts, country_info, facts_of, outlet_kind
from ._csv import CsvRows

__all__ = ["CLAIM_MODES", "GTD_COLUMNS", "eventid", "gtd_row", "write_gtd"]

_WEAPON_COLUMNS = [
    name
    for n in range(1, 5)
    for name in (f"weaptype{n}", f"weaptype{n}_txt", f"weapsubtype{n}", f"weapsubtype{n}_txt")
]

GTD_COLUMNS: tuple[str, ...] = (
    "eventid", "iyear", "imonth", "iday", "approxdate", "extended",
    "country", "country_txt", "region", "region_txt", "provstate", "city",
    "latitude", "longitude", "specificity", "vicinity", "summary",
    "crit1", "crit2", "crit3", "doubtterr", "multiple", "success", "suicide",
    "attacktype1", "attacktype1_txt", "attacktype2", "attacktype2_txt",
    "attacktype3", "attacktype3_txt",
    "targtype1", "targtype1_txt", "targsubtype1", "targsubtype1_txt", "target1",
    "natlty1", "natlty1_txt",
    "gname", "gsubname", "guncertain1", "nperps", "nperpcap",
    "claimed", "claimmode", "claimmode_txt", "compclaim",
    *_WEAPON_COLUMNS, "weapdetail",
    "nkill", "nkillus", "nkillter", "nwound", "nwoundus", "nwoundte",
    "property", "ishostkid", "nhostkid", "ransom",
    "scite1", "scite2", "scite3", "dbsource",
    "INT_LOG", "INT_IDEO", "INT_MISC", "INT_ANY",
)  # fmt: skip

CLAIM_MODES: dict[int, str] = {
    1: "Letter",
    2: "Call (post-incident)",
    3: "Call (pre-incident)",
    4: "E-mail",
    5: "Note left at scene",
    6: "Video",
    7: "Posted to website, blog, etc.",
    8: "Personal claim",
    9: "Other",
    10: "Unknown",
}

_UNKNOWN = -9
_UNKNOWN_COUNT = -99
_HOSTAGE_TYPES = {4, 5, 6}  # Hijacking, Hostage Taking (Barricade), (Kidnapping)
_FACILITY = 7
_INCENDIARY = 8
_SUMMARY_CHARS = 2_000
# Words of a claim's outlet / channel that say how it was made, most telling first.
_MODE_WORDS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (6, ("video",)),
    (4, ("e-mail", "email")),
    (1, ("letter",)),
    (5, ("note left", "note at")),
    (
        7,
        (
            "telegram", "website", "web site", "blog", "internet", "online", "twitter",
            "facebook", "social media", "channel", "forum", "x.com", "tiktok", "youtube",
        ),
    ),
    (2, ("phone", "telephone", "call")),
)  # fmt: skip


def eventid(incident_id: str, date: dt.date | None, precision: Precision, used: set[str]) -> str:
    """GTD-style id: YYYYMMDD (00 for an unknown month or day) + a 4-digit sequence.

    The sequence comes from a hash of the incident id, so an incident keeps its eventid from
    one export to the next; a clash within one export takes the next free number.
    """
    year, month, day = _date_parts(date, precision)
    prefix = f"{year:04d}{month:02d}{day:02d}"
    seq = int(hashlib.sha256(incident_id.encode("utf-8")).hexdigest(), 16) % 10_000
    for step in range(10_000):
        candidate = f"{prefix}{(seq + step) % 10_000:04d}"
        if candidate not in used:
            used.add(candidate)
            return candidate
    return f"{prefix}{seq:04d}"  # 10,000 incidents on one day: give up on uniqueness


def _date_parts(date: dt.date | None, precision: Precision) -> tuple[int, int, int]:
    if date is None:
        return 0, 0, 0
    if precision == Precision.year:
        return date.year, 0, 0
    if precision == Precision.month:
        return date.year, date.month, 0
    return date.year, date.month, date.day


def _approxdate(date: dt.date | None, precision: Precision) -> str:
    if date is None:
        return ""
    if precision == Precision.year:
        return str(date.year)
    if precision == Precision.month:
        return date.strftime("%B %Y")
    if precision == Precision.week:
        return f"week of {date.isoformat()}"
    return ""


def claim_mode(claim: Claim) -> int:
    """GTD claimmode of one claim, from the outlet and channel it went through."""
    text = " ".join(x for x in (claim.via, claim.channel) if x).lower()
    for code, words in _MODE_WORDS:
        if any(w in text for w in words):
            return code
    for name in (claim.via, claim.channel):
        if name and outlet_kind(name)[0] in {"propaganda", "platform", "online"}:
            return 7  # an IS-style news agency or a platform publishes online
    return 10


def _root(group: str, parents: dict[str, str]) -> str:
    seen = {group}
    while group in parents and parents[group] not in seen and len(seen) < 8:
        group = parents[group]
        seen.add(group)
    return group


def _citation(incident: Incident, n: int) -> str:
    if n >= len(incident.articles):
        return ""
    ref = incident.articles[n]
    head = " ".join(x for x in (ref.title, f"({ref.source})" if ref.source else None) if x)
    date = ref.published.date().isoformat() if ref.published else None
    parts = [x for x in (head, date, ref.url) if x]
    return ", ".join(parts) or ref.id


def _summary_text(incident: Incident) -> str:
    s = incident.summary
    lead = s.date.strftime("%m/%d/%Y") + ": " if s.date else ""
    extra = next((" ".join(r.summary.split()) for r in incident.reports if r.summary), None)
    text = lead + s.title + ("." if not s.title.endswith(".") else "")
    if extra and extra != s.title:
        text += " " + extra
    return text[:_SUMMARY_CHARS]


def gtd_row(incident: Incident, facts: Facts, used: set[str]) -> dict[str, Any]:
    s = incident.summary
    year, month, day = _date_parts(s.date, s.precision)
    country = country_info(s.country_code)
    row: dict[str, Any] = {
        "eventid": eventid(s.id, s.date, s.precision, used),
        "iyear": year,
        "imonth": month,
        "iday": day,
        "approxdate": _approxdate(s.date, s.precision),
        "extended": 0,
        "country": country.gtd if country else None,
        "country_txt": (country.gtd_name or country.name) if country else s.country,
        "region": country.gtd_region if country else None,
        "region_txt": country.gtd_region_txt if country else None,
        "provstate": s.region,
        "city": s.city or s.venue,
        "latitude": s.latitude,
        "longitude": s.longitude,
        "specificity": facts.specificity,
        "vicinity": 0,
        "summary": _summary_text(incident),
        "crit1": 1,
        "crit2": 1,
        "crit3": 1,
        "doubtterr": 0,
        "multiple": 0,
        "success": 1,
        "suicide": int(facts.suicide),
        "dbsource": "incidex",
        "INT_LOG": _UNKNOWN,
        "INT_IDEO": _UNKNOWN,
        "INT_MISC": _UNKNOWN,
        "INT_ANY": _UNKNOWN,
    }
    for n, (code, name) in enumerate(facts.attack_types[:3], start=1):
        row[f"attacktype{n}"], row[f"attacktype{n}_txt"] = code, name
    if not facts.attack_types:
        row["attacktype1"], row["attacktype1_txt"] = 9, "Unknown"
    if facts.targets:
        code, name, sub_code, sub_name, entity = facts.targets[0]
        row.update(
            targtype1=code,
            targtype1_txt=name,
            targsubtype1=sub_code,
            targsubtype1_txt=sub_name,
            target1=entity,
        )
    else:
        row["targtype1"], row["targtype1_txt"] = 20, "Unknown"

    if facts.groups:
        group = facts.groups[0]
        root = _root(group, facts.group_parent)
        row["gname"] = root
        row["gsubname"] = group if root != group else None
        row["guncertain1"] = int(facts.disputed)
    else:
        row["gname"] = "Unknown"
    row["nperps"] = facts.perpetrator_count if facts.perpetrator_count else _UNKNOWN_COUNT
    row["nperpcap"] = facts.arrested if facts.arrested is not None else _UNKNOWN_COUNT

    claimed = bool(facts.claims)
    row["claimed"] = int(claimed)
    if claimed:
        modes = [claim_mode(c) for c in facts.claims]
        mode = next((m for m in modes if m != 10), 10)
        row["claimmode"], row["claimmode_txt"] = mode, CLAIM_MODES[mode]
        claimants = {c.group or c.by for c in facts.claims if c.group or c.by}
        row["compclaim"] = int(len(claimants) > 1)

    for n, (code, name, sub_code, sub_name) in enumerate(facts.weapons[:4], start=1):
        row[f"weaptype{n}"], row[f"weaptype{n}_txt"] = code, name
        row[f"weapsubtype{n}"], row[f"weapsubtype{n}_txt"] = sub_code, sub_name
    if not facts.weapons:
        row["weaptype1"], row["weaptype1_txt"] = 13, "Unknown"
    row["weapdetail"] = "; ".join(facts.weapon_models) or None

    row["nkill"] = s.killed
    row["nkillter"] = facts.perpetrators_killed
    row["nwound"] = s.wounded
    codes = {code for code, _ in facts.attack_types}
    weapons = {w[0] for w in facts.weapons}
    row["property"] = 1 if _FACILITY in codes or _INCENDIARY in weapons else _UNKNOWN
    hostage = bool(codes & _HOSTAGE_TYPES) or facts.hostages is not None
    row["ishostkid"] = int(hostage)
    if hostage:
        row["nhostkid"] = facts.hostages if facts.hostages is not None else _UNKNOWN_COUNT
        row["ransom"] = _UNKNOWN
    for n in range(3):
        row[f"scite{n + 1}"] = _citation(incident, n)
    return row


def write_gtd(incidents: Iterator[Incident], out: IO[str], summary: ExportSummary) -> None:
    rows = CsvRows(out, GTD_COLUMNS)
    used: set[str] = set()  # eventids of this export: a short string per incident
    for incident in incidents:
        rows.write(gtd_row(incident, facts_of(incident), used))
        summary.incidents += 1
