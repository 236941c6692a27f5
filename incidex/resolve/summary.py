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

from ..model import (
    ArticleRef,
    IncidentReport,
    IncidentSummary,
    Place,
    Precision,
    Stance,
)

__all__ = ["report_figure", "scene_of", "summarize"]

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
    if not scenes:
        return None
    countries = Counter(p.country_code for p in scenes if p.country_code)
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


def _date(
    reports: Sequence[IncidentReport], published: dt.date | None = None
) -> tuple[dt.date | None, Precision]:
    """The date most reports give for the attack; ties go to the date given in a report's lead,
    then to the more precise date, then to the date closest before the first publication
    (news reports an attack within days)."""
    items = [(r.article_id, a) for r in reports for a in r.when if a.normalized.date is not None]
    attack_items = [(r, a) for r, a in items if a.normalized.event == "attack"]
    has_attack = any(a.normalized.attack for r in reports for a in r.types)
    if has_attack and attack_items:
        items = attack_items  # the attack's date, not the date of an arrest reported with it
    if not items:
        return None, Precision.unknown
    backers: dict[dt.date, set[str]] = {}
    leads: dict[dt.date, set[str]] = {}
    precision: dict[dt.date, Precision] = {}
    for article_id, a in items:
        day = a.normalized.date
        assert day is not None
        backers.setdefault(day, set()).add(article_id)
        if a.sentence.start <= _LEAD_CHARS:  # the lead of a news report dates the attack
            leads.setdefault(day, set()).add(article_id)
        best_known = precision.get(day, Precision.unknown)
        if _PRECISION_ORDER.index(a.normalized.precision) < _PRECISION_ORDER.index(best_known):
            precision[day] = a.normalized.precision

    def rank(day: dt.date) -> tuple[int, int, int, int]:
        gap = (published - day).days if published is not None else 0
        distance = gap if gap >= 0 else 10_000 - gap  # after publication: least likely
        return (
            -len(backers[day]),
            -len(leads.get(day, ())),
            _PRECISION_ORDER.index(precision[day]),
            distance,
        )

    best = min(backers, key=rank)
    return best, precision[best]


def report_figure(report: IncidentReport, category: str) -> int | None:
    values = [
        a.normalized.conservative
        for a in report.casualties
        if a.normalized.category == category and a.normalized.conservative is not None
    ]
    return max(values) if values else None


def summarize(
    incident_id: str, reports: Sequence[IncidentReport], articles: Sequence[ArticleRef]
) -> IncidentSummary:
    """Resolve the headline values of one incident under the policy above."""
    published = {a.id: a.published for a in articles}
    ordered = sorted(
        reports,
        key=lambda r: (
            published.get(r.article_id) is None,
            published.get(r.article_id) or dt.datetime.min,
            r.article_id,
        ),
    )
    place = scene_of(reports)
    first = min((a.published for a in articles if a.published is not None), default=None)
    date, precision = _date(reports, first.date() if first is not None else None)
    type_counts = Counter(
        a.normalized.name for r in reports for a in r.types if a.normalized.attack
    )
    other_types = Counter(
        a.normalized.name for r in reports for a in r.types if not a.normalized.attack
    )
    group_counts = Counter(
        a.normalized.group
        for r in reports
        for a in r.perpetrators
        if a.normalized.group and a.stance in {Stance.asserted, Stance.claimed, Stance.confirmed}
    )
    killed = [report_figure(r, "killed") for r in ordered]
    wounded = [report_figure(r, "wounded") for r in ordered]
    latest_killed = next((k for k in reversed(killed) if k is not None), None)
    latest_wounded = next((w for w in reversed(wounded) if w is not None), None)
    title = _title(place, type_counts, other_types, date, articles, incident_id)
    return IncidentSummary(
        id=incident_id,
        title=title,
        date=date,
        precision=precision,
        venue=place.venue if place else None,
        city=place.city if place else None,
        region=place.region if place else None,
        country_code=place.country_code if place else None,
        country=place.country if place else None,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
        types=sorted(type_counts, key=_gtd_rank) + [n for n, _ in other_types.most_common()],
        groups=[n for n, _ in group_counts.most_common()],
        killed=latest_killed,
        killed_high=max((k for k in killed if k is not None), default=None),
        wounded=latest_wounded,
        n_reports=len(reports),
        n_sources=len({a.source for a in articles if a.source}) or len(articles),
    )


def _title(
    place: Place | None,
    types: Counter[str],
    other: Counter[str],
    date: dt.date | None,
    articles: Sequence[ArticleRef],
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
    if title == "Incident":
        return next((a.title for a in articles if a.title), fallback)
    return title
