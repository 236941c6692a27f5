"""Headline values of an incident, derived from all its reports' assertions.

Policy (docs/resolution.md says the same, at more length):
- place: the scene assertions only; the most specific one (venue > city > region > country)
  whose country agrees with the most-asserted country;
- date: the most precise date asserted; ties go to the date most reports give;
- types: attack types in the GTD codebook's hierarchy (assassination first, facility
  attack last), then non-attack events by how many assertions back them;
- groups: perpetrator groups asserted, claimed or confirmed (never those only denied or
  doubted), most-backed first;
- killed / wounded: each report's figure is the largest conservative figure it gives for that
  category (smaller numbers in one report are usually parts of the total); the incident's
  figure is the latest report's, and ``killed_high`` the largest any report gives.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from pydantic import BaseModel, Field

from ..model import (
    ArticleRef,
    IncidentReport,
    IncidentSummary,
    Place,
    Precision,
    Stance,
    attack_told,
)

__all__ = ["DateTally", "SummaryState", "report_figure", "scene_of", "summarize"]

_PRECISION_ORDER = [
    Precision.minute,
    Precision.hour,
    Precision.day,
    Precision.week,
    Precision.month,
    Precision.year,
    Precision.unknown,
]


def scene_of(reports: Sequence[IncidentReport]) -> Place | None:
    scenes = [a.normalized for r in reports for a in r.where if a.normalized.role == "scene"]
    return _best_scene(scenes, Counter(p.country_code for p in scenes if p.country_code))


def _best_scene(scenes: Sequence[Place], countries: Counter[str]) -> Place | None:
    """The most specific scene in the most-asserted country (``countries`` counts scenes)."""
    if not scenes:
        return None
    country = countries.most_common(1)[0][0] if countries else None
    consistent = [p for p in scenes if country is None or p.country_code in {None, country}]

    def rank(place: Place) -> tuple[int, int]:
        level = 0 if place.venue else 1 if place.city else 2 if place.region else 3
        return level, place.precision

    best = min(consistent, key=rank)
    if best.country_code is None and country is not None:
        other = next((p for p in consistent if p.country_code == country), None)
        if other is not None:
            best = best.model_copy(
                update={"country_code": other.country_code, "country": other.country}
            )
    if best.city is None:
        city = next((p for p in consistent if p.city), None)
        if city is not None:
            best = best.model_copy(
                update={
                    "city": city.city,
                    "latitude": city.latitude,
                    "longitude": city.longitude,
                    "geonameid": city.geonameid,
                    "precision": min(best.precision, city.precision),
                }
            )
    return best


_LEAD_CHARS = 300
# GTD codes the first attack type by this hierarchy (codebook, "attack type").
_GTD_HIERARCHY = [
    "Assassination",
    "Hijacking",
    "Hostage Taking (Kidnapping)",
    "Hostage Taking (Barricade Incident)",
    "Bombing/Explosion",
    "Armed Assault",
    "Unarmed Assault",
    "Facility/Infrastructure Attack",
]


def _gtd_rank(name: str) -> int:
    return _GTD_HIERARCHY.index(name) if name in _GTD_HIERARCHY else len(_GTD_HIERARCHY)


class DateTally(BaseModel):
    """How the reports of an incident back one date."""

    backers: int = 0  # reports giving it
    leads: int = 0  # reports giving it in their lead
    precision: Precision = Precision.unknown  # the most precise form given


def _report_dates(report: IncidentReport) -> tuple[dict[str, DateTally], dict[str, DateTally]]:
    """One report's dates (all, and those of the attack itself), each counted once."""
    every: dict[str, DateTally] = {}
    attack: dict[str, DateTally] = {}
    for a in report.when:
        day = a.normalized.date
        if day is None:
            continue
        lead = a.sentence.start <= _LEAD_CHARS  # the lead of a news report dates the attack
        tables = (every, attack) if a.normalized.event == "attack" else (every,)
        for table in tables:
            tally = table.setdefault(day.isoformat(), DateTally(backers=1))
            tally.leads = max(tally.leads, int(lead))
            if _PRECISION_ORDER.index(a.normalized.precision) < _PRECISION_ORDER.index(
                tally.precision
            ):
                tally.precision = a.normalized.precision
    return every, attack


def _add_dates(into: dict[str, DateTally], new: dict[str, DateTally]) -> None:
    for day, t in new.items():
        old = into.get(day)
        if old is None:
            into[day] = t.model_copy()
            continue
        old.backers += t.backers
        old.leads += t.leads
        if _PRECISION_ORDER.index(t.precision) < _PRECISION_ORDER.index(old.precision):
            old.precision = t.precision


def _pick_date(
    tallies: dict[str, DateTally], published: dt.date | None
) -> tuple[dt.date | None, Precision]:
    """The date most reports give; ties go to the date given in a report's lead, then to the
    more precise date, then to the date closest before the first publication (news reports
    an attack within days)."""
    if not tallies:
        return None, Precision.unknown

    def rank(item: tuple[str, DateTally]) -> tuple[int, int, int, int]:
        day, t = dt.date.fromisoformat(item[0]), item[1]
        gap = (published - day).days if published is not None else 0
        distance = gap if gap >= 0 else 10_000 - gap  # after publication: least likely
        return (-t.backers, -t.leads, _PRECISION_ORDER.index(t.precision), distance)

    # Remaining ties go to the date seen first (reports in order, then text order).
    day, tally = min(tallies.items(), key=rank)
    return dt.date.fromisoformat(day), tally.precision


def _date(
    reports: Sequence[IncidentReport], published: dt.date | None = None
) -> tuple[dt.date | None, Precision]:
    """The attack's date given by most reports (see :func:`_pick_date`); the date of an arrest
    reported with it counts only when no report dates the attack itself."""
    if len(reports) == 1:
        # What SummaryState.add then .date give for one report, without the rest of a
        # summary's tallies (the resolver asks this of every report it reads)
        every, attack = _report_dates(reports[0])
        has_attack = any(attack_told(kind) for kind in reports[0].types)
        return _pick_date(attack if has_attack and attack else every, published)
    state = SummaryState()
    for r in reports:
        state.add(r)
    return state.date(published)


def report_figure(report: IncidentReport, category: str) -> int | None:
    values = [
        a.normalized.conservative
        for a in report.casualties
        if a.normalized.category == category and a.normalized.conservative is not None
    ]
    return max(values) if values else None


class _Latest(BaseModel):
    """A value with the publication order of the report that gave it."""

    missing: bool  # no publication time: sorts first
    published: dt.datetime | None
    article_id: str
    value: int | str

    def key(self, missing_first: bool = True) -> tuple[bool, str, str]:
        return (
            not self.missing if missing_first else self.missing,
            _when(self.published),
            self.article_id,
        )


def _when(published: dt.datetime | None) -> str:
    """A publication time as sortable text: UTC when aware, so mixed time zones still order."""
    if published is None:
        return ""
    if published.tzinfo is not None:
        published = published.astimezone(dt.UTC).replace(tzinfo=None)
    return published.isoformat()


class SummaryState(BaseModel):
    """What an incident's summary is computed from, updated one report at a time.

    The store keeps it with the incident, so adding a report costs the same however many
    reports the incident has: its size is bounded by the distinct dates, scenes, types,
    groups and outlets asserted, not by the number of reports.
    """

    n_reports: int = 0
    scenes: list[Place] = Field(default_factory=list)  # distinct, first seen first
    countries: dict[str, int] = Field(default_factory=dict)  # scene assertions per country
    dates: dict[str, DateTally] = Field(default_factory=dict)
    attack_dates: dict[str, DateTally] = Field(default_factory=dict)
    has_attack: bool = False
    types: dict[str, int] = Field(default_factory=dict)
    other_types: dict[str, int] = Field(default_factory=dict)
    groups: dict[str, int] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    first_published: dt.datetime | None = None
    killed: _Latest | None = None
    killed_high: int | None = None
    wounded: _Latest | None = None
    first_title: _Latest | None = None

    def add(self, report: IncidentReport, article: ArticleRef | None = None) -> None:
        """Count one more report (and the article it comes from) in."""
        self.n_reports += 1
        for place in report.where:
            p = place.normalized
            if p.role != "scene":
                continue
            if p not in self.scenes:
                self.scenes.append(p)
            if p.country_code:
                self.countries[p.country_code] = self.countries.get(p.country_code, 0) + 1
        every, attack = _report_dates(report)
        _add_dates(self.dates, every)
        _add_dates(self.attack_dates, attack)
        for kind in report.types:
            if kind.stance is Stance.hypothetical:
                continue  # "threatened to bomb": kept in the report, no type of the incident
            table = self.types if kind.normalized.attack else self.other_types
            table[kind.normalized.name] = table.get(kind.normalized.name, 0) + 1
            self.has_attack = self.has_attack or attack_told(kind)
        for actor in report.perpetrators:
            g = actor.normalized.group
            if g and actor.stance in {Stance.asserted, Stance.claimed, Stance.confirmed}:
                self.groups[g] = self.groups.get(g, 0) + 1
        published = article.published if article is not None else None
        if article is not None and article.source and article.source not in self.sources:
            self.sources.append(article.source)
        if published is not None and (
            self.first_published is None or _when(published) < _when(self.first_published)
        ):
            self.first_published = published

        def later(old: _Latest | None, value: int | str | None) -> _Latest | None:
            if value is None:
                return old
            new = _Latest(
                missing=published is None,
                published=published,
                article_id=report.article_id,
                value=value,
            )
            return new if old is None or new.key() >= old.key() else old

        killed = report_figure(report, "killed")
        self.killed = later(self.killed, killed)
        if killed is not None:
            self.killed_high = max(killed, self.killed_high or killed)
        self.wounded = later(self.wounded, report_figure(report, "wounded"))
        title = article.title if article is not None else None
        if title:
            new = _Latest(
                missing=published is None,
                published=published,
                article_id=report.article_id,
                value=title,
            )
            # The earliest published article's title; undated articles come last.
            if self.first_title is None or new.key(False) < self.first_title.key(False):
                self.first_title = new

    def date(self, published: dt.date | None) -> tuple[dt.date | None, Precision]:
        # The attack's date, not the date of an arrest reported with it.
        use_attack = self.has_attack and bool(self.attack_dates)
        return _pick_date(self.attack_dates if use_attack else self.dates, published)

    def summary(self, incident_id: str) -> IncidentSummary:
        """The incident's headline values under the policy above."""
        place = _best_scene(self.scenes, Counter(self.countries))
        first = self.first_published
        date, precision = self.date(first.date() if first is not None else None)
        types = Counter(self.types)
        other = Counter(self.other_types)
        fallback = str(self.first_title.value) if self.first_title else incident_id
        return IncidentSummary(
            id=incident_id,
            title=_title(place, types, other, date, fallback),
            date=date,
            precision=precision,
            venue=place.venue if place else None,
            city=place.city if place else None,
            region=place.region if place else None,
            country_code=place.country_code if place else None,
            country=place.country if place else None,
            latitude=place.latitude if place else None,
            longitude=place.longitude if place else None,
            types=sorted(types, key=_gtd_rank) + [n for n, _ in other.most_common()],
            groups=[n for n, _ in Counter(self.groups).most_common()],
            killed=int(self.killed.value) if self.killed else None,
            killed_high=self.killed_high,
            wounded=int(self.wounded.value) if self.wounded else None,
            n_reports=self.n_reports,
            n_sources=len(self.sources) or self.n_reports,
        )


def summarize(
    incident_id: str, reports: Sequence[IncidentReport], articles: Sequence[ArticleRef]
) -> IncidentSummary:
    """Resolve the headline values of one incident under the policy above."""
    refs = {a.id: a for a in articles}
    state = SummaryState()
    for r in reports:
        state.add(r, refs.get(r.article_id))
    return state.summary(incident_id)


def _title(
    place: Place | None,
    types: Counter[str],
    other: Counter[str],
    date: dt.date | None,
    fallback: str,
) -> str:
    kind = (
        min(types, key=_gtd_rank)
        if types
        else (other.most_common(1)[0][0] if other else "Incident")
    )
    where = None
    if place is not None:
        where = ", ".join(x for x in (place.venue, place.city, place.country) if x)
    parts = [kind]
    if where:
        parts.append(f"at {where}" if place and place.venue else f"in {where}")
    if date:
        parts.append(f"on {date.isoformat()}")
    title = " ".join(parts)
    return fallback if title == "Incident" else title
