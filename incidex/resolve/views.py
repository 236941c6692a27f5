"""Resolved views of an incident: toll series, claims and disputes, follow-ups, sources.

Pure functions over an :class:`~incidex.model.Incident` (plus, optionally, its article texts
for near-duplicate detection) returning typed records, so the CLI card, the JSON output and
the web app show the same thing. Nothing is averaged away: every value keeps the reports and
independent sources behind it, and disagreements are listed in ``conflicts``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from datasketch import MinHash, MinHashLSH
from pydantic import BaseModel, Field

from ..model import (
    Article,
    ArticleRef,
    Incident,
    IncidentReport,
    IncidentSummary,
    Place,
    Stance,
)
from ._features import FOLLOW_UP_EVENTS
from .summary import report_figure, scene_of

__all__ = [
    "ClaimView",
    "FollowUp",
    "PerpetratorView",
    "ResolvedIncident",
    "SourceGroup",
    "SourceRef",
    "TollPoint",
    "TollSeries",
    "independent_groups",
    "resolve_incident",
    "resolve_stored_incident",
]

_NUM_PERM = 64
_SHINGLE = 4
_NEAR_DUPLICATE = 0.6  # estimated Jaccard of word 4-shingles: syndicated / relayed copy
_MAX_TEXT = 20_000
_LATEST_WINDOW = dt.timedelta(hours=24)
_WORDS = re.compile(r"\w{1,40}")


class _View(BaseModel):
    pass


class SourceRef(_View):
    article_id: str
    source: str | None = None
    published: dt.datetime | None = None
    url: str | None = None
    group: int = Field(description="independent-source group (near-duplicates share one)")


class SourceGroup(_View):
    """Articles that are copies of one text (syndication, relays): one independent source."""

    group: int
    article_ids: list[str]
    sources: list[str]
    first_published: dt.datetime | None = None


class TollPoint(_View):
    """One report's figure for one casualty category, at the report's publication time."""

    category: str
    figure: int = Field(description="the report's conservative figure (largest it supports)")
    high: int | None = Field(default=None, description="the largest figure the report gives")
    text: str = Field(description="the supporting text as written")
    speaker: str | None = None
    source: SourceRef


class TollSeries(_View):
    category: str
    points: list[TollPoint]
    latest: int | None = Field(default=None, description="the most recent report's figure")
    low: int | None = None
    high: int | None = None
    conservative: int | None = Field(
        default=None,
        description="ACLED-style: the lowest figure among reports of the latest 24 hours",
    )
    independent_sources: int = 0
    conflict: bool = False
    note: str | None = None


class ClaimView(_View):
    """One claim, confirmation or dispute, with every report that carries it."""

    kind: str  # claimed, confirmed, denied, doubted, attributed, asserted
    group: str | None = None
    by: str | None = None
    via: str | None = None
    channel: str | None = None
    alternative: str | None = None
    text: str = ""
    sources: list[SourceRef] = Field(default_factory=list)
    independent_sources: int = 0


class PerpetratorView(_View):
    """What is said about one group: asserted, claimed, confirmed, disputed, kept apart."""

    group: str
    asserted_by: list[str] = Field(default_factory=list)
    claimed_by: list[str] = Field(default_factory=list)
    confirmed_by: list[str] = Field(default_factory=list)
    disputed_by: list[str] = Field(default_factory=list)
    attributed_elsewhere: list[str] = Field(
        default_factory=list, description="where doubters point instead"
    )
    independent_sources: int = 0
    contested: bool = False


class FollowUp(_View):
    """A later report event on the incident's timeline: arrest, charge, claim, propaganda."""

    kinds: list[str]
    report_id: str
    title: str | None = None
    details: list[str] = Field(default_factory=list)
    source: SourceRef


class ResolvedIncident(_View):
    id: str
    summary: IncidentSummary
    place: Place | None = None
    places_asserted: list[str] = Field(default_factory=list)
    toll_series: list[TollSeries] = Field(default_factory=list)
    perpetrators: list[PerpetratorView] = Field(default_factory=list)
    claims: list[ClaimView] = Field(default_factory=list)
    disputes: list[ClaimView] = Field(default_factory=list)
    follow_ups: list[FollowUp] = Field(default_factory=list)
    sources: list[SourceGroup] = Field(default_factory=list)
    n_independent_sources: int = 0
    conflicts: list[str] = Field(default_factory=list)


# ---- independent sources ----


def _minhash(text: str) -> MinHash:
    words = _WORDS.findall(text[:_MAX_TEXT].lower())
    m = MinHash(num_perm=_NUM_PERM, seed=1)
    shingles = {" ".join(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - 3))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


def independent_groups(
    articles: Sequence[ArticleRef], texts: Mapping[str, str] | None = None
) -> list[SourceGroup]:
    """Group articles whose texts are near-duplicates (MinHash LSH over word 4-shingles).

    Without texts, only articles with the same outlet and the same title are grouped.
    Linear in the number of articles (LSH buckets, no all-pairs comparison).
    """
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    if texts:
        lsh = MinHashLSH(threshold=_NEAR_DUPLICATE, num_perm=_NUM_PERM)
        hashes: dict[int, MinHash] = {}
        for i, ref in enumerate(articles):
            text = texts.get(ref.id)
            if not text:
                continue
            m = _minhash(text)
            for other in lsh.query(m):
                j = int(other)
                if m.jaccard(hashes[j]) >= _NEAR_DUPLICATE:
                    union(i, j)
            lsh.insert(str(i), m)
            hashes[i] = m
    seen: dict[tuple[str, str], int] = {}
    for i, ref in enumerate(articles):
        if ref.source and ref.title:
            key = (ref.source.lower(), ref.title.strip().lower())
            if key in seen:
                union(i, seen[key])
            else:
                seen[key] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(articles)):
        groups.setdefault(find(i), []).append(i)
    out: list[SourceGroup] = []
    for n, members in enumerate(sorted(groups.values(), key=lambda m: m[0]), start=1):
        refs = [articles[i] for i in members]
        times = [r.published for r in refs if r.published is not None]
        out.append(
            SourceGroup(
                group=n,
                article_ids=[r.id for r in refs],
                sources=sorted({r.source for r in refs if r.source}),
                first_published=min(times) if times else None,
            )
        )
    return out


# ---- the resolved incident ----


def _ordered(incident: Incident) -> list[IncidentReport]:
    published = {a.id: a.published for a in incident.articles}
    return sorted(
        incident.reports,
        key=lambda r: (
            published.get(r.article_id) is None,
            _utc(published.get(r.article_id)),
            r.article_id,
            r.index,
        ),
    )


def _utc(value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _toll(
    category: str, reports: Sequence[IncidentReport], ref: Mapping[str, SourceRef]
) -> TollSeries | None:
    points: list[TollPoint] = []
    for report in reports:
        figure = report_figure(report, category)
        if figure is None:
            continue
        asserted = [a for a in report.casualties if a.normalized.category == category]
        best = next(a for a in asserted if a.normalized.conservative == figure)
        highs = [
            v
            for a in asserted
            for v in (a.normalized.high, a.normalized.exact, a.normalized.estimate)
            if v is not None
        ]
        points.append(
            TollPoint(
                category=category,
                figure=figure,
                high=max(highs) if highs else None,
                text=best.value,
                speaker=best.speaker,
                source=ref[report.article_id],
            )
        )
    if not points:
        return None
    figures = [p.figure for p in points]
    last_time = points[-1].source.published
    if last_time is not None:
        recent = [
            p
            for p in points
            if p.source.published is not None
            and _utc(last_time) - _utc(p.source.published) <= _LATEST_WINDOW
        ]
    else:
        recent = [points[-1]]
    current = {p.source.group: p.figure for p in recent}
    conflict = len(set(current.values())) > 1
    note = None
    if conflict:
        shown = ", ".join(f"{v} (group {g})" for g, v in sorted(current.items()))
        note = f"independent sources disagree on the current {category} figure: {shown}"
    elif any(b < a for a, b in zip(figures, figures[1:], strict=False)):
        note = f"a later report gives a lower {category} figure than an earlier one"
    return TollSeries(
        category=category,
        points=points,
        latest=figures[-1],
        low=min(figures),
        high=max([*figures, *(p.high for p in points if p.high is not None)]),
        conservative=min(p.figure for p in recent),
        independent_sources=len({p.source.group for p in points}),
        conflict=conflict,
        note=note,
    )


def _claims(reports: Sequence[IncidentReport], ref: Mapping[str, SourceRef]) -> list[ClaimView]:
    views: dict[tuple[str, str | None, str | None], ClaimView] = {}

    def add(key: tuple[str, str | None, str | None], view: ClaimView, src: SourceRef) -> None:
        current = views.setdefault(key, view)
        if all(s.article_id != src.article_id for s in current.sources):
            current.sources.append(src)

    for report in reports:
        src = ref[report.article_id]
        for a in report.claims:
            c = a.normalized
            view = ClaimView(
                kind=c.kind,
                group=c.group,
                by=c.by or a.speaker,
                via=c.via,
                channel=c.channel,
                alternative=c.alternative,
                text=a.value,
            )
            add((c.kind, c.group, view.by), view, src)
        for perp in report.perpetrators:
            group = perp.normalized.group
            if group is None or perp.stance is Stance.hypothetical:
                continue  # "the group threatened to ...": no claim, attribution or dispute
            kind = perp.stance.value
            view = ClaimView(kind=kind, group=group, by=perp.speaker, text=perp.value)
            add((kind, group, perp.speaker), view, src)
    out = list(views.values())
    for view in out:
        view.independent_sources = len({s.group for s in view.sources})
    return out


def _perpetrators(claims: Sequence[ClaimView]) -> list[PerpetratorView]:
    by_group: dict[str, PerpetratorView] = {}
    for c in claims:
        if c.group is None:
            continue
        view = by_group.setdefault(c.group, PerpetratorView(group=c.group))
        who = c.by or "unknown"
        target = {
            "asserted": view.asserted_by,
            "claimed": view.claimed_by,
            "confirmed": view.confirmed_by,
            "denied": view.disputed_by,
            "doubted": view.disputed_by,
            "attributed": view.disputed_by,
        }[c.kind]
        if who not in target:
            target.append(who)
        if c.alternative and c.alternative not in view.attributed_elsewhere:
            view.attributed_elsewhere.append(c.alternative)
    for view in by_group.values():
        groups = {
            s.group
            for c in claims
            if c.group == view.group and c.kind in {"asserted", "claimed", "confirmed"}
            for s in c.sources
        }
        view.independent_sources = len(groups)
        view.contested = bool(view.disputed_by) and bool(
            view.claimed_by or view.confirmed_by or view.asserted_by
        )
    return sorted(by_group.values(), key=lambda v: (-v.independent_sources, v.group))


def _follow_ups(
    reports: Sequence[IncidentReport], ref: Mapping[str, SourceRef], titles: Mapping[str, str]
) -> list[FollowUp]:
    out: list[FollowUp] = []
    first = reports[0].article_id if reports else None
    for report in reports:
        kinds = sorted({a.normalized.name for a in report.types} & FOLLOW_UP_EVENTS)
        kinds += sorted({a.normalized.step for a in report.suspects} - set(kinds))
        if not kinds or report.article_id == first:
            continue
        details = [a.sentence.text.strip()[:300] for a in report.suspects[:3]]
        details += [a.sentence.text.strip()[:300] for a in report.claims[:2]]
        out.append(
            FollowUp(
                kinds=kinds,
                report_id=report.id,
                title=titles.get(report.article_id),
                details=list(dict.fromkeys(details)),
                source=ref[report.article_id],
            )
        )
    return out


def resolve_incident(
    incident: Incident, texts: Mapping[str, str] | None = None
) -> ResolvedIncident:
    """The resolved view of an incident; ``texts`` (article id -> text) enable MinHash
    near-duplicate detection of syndicated copies."""
    groups = independent_groups(incident.articles, texts)
    group_of = {aid: g.group for g in groups for aid in g.article_ids}
    ref = {
        a.id: SourceRef(
            article_id=a.id,
            source=a.source,
            published=a.published,
            url=a.url,
            group=group_of[a.id],
        )
        for a in incident.articles
    }
    reports = [r for r in _ordered(incident) if r.article_id in ref]
    titles = {a.id: a.title for a in incident.articles if a.title}
    tolls = [t for c in ("killed", "wounded", "hostages") if (t := _toll(c, reports, ref))]
    claims = _claims(reports, ref)
    perpetrators = _perpetrators(claims)
    place = scene_of(reports)
    scenes = sorted(
        {
            ", ".join(x for x in (p.venue, p.city, p.country) if x)
            for r in reports
            for a in r.where
            if (p := a.normalized).role == "scene"
        }
        - {""}
    )
    conflicts = [t.note for t in tolls if t.conflict and t.note]
    conflicts += [
        f"{p.group}: claimed/asserted by {', '.join(p.claimed_by + p.confirmed_by + p.asserted_by)}"
        f"; disputed by {', '.join(p.disputed_by)}"
        for p in perpetrators
        if p.contested
    ]
    countries = {
        a.normalized.country_code
        for r in reports
        for a in r.where
        if a.normalized.role == "scene" and a.normalized.country_code
    }
    if len(countries) > 1:
        conflicts.append(f"scene asserted in several countries: {', '.join(sorted(countries))}")
    return ResolvedIncident(
        id=incident.id,
        summary=incident.summary,
        place=place,
        places_asserted=scenes,
        toll_series=tolls,
        perpetrators=perpetrators,
        claims=[c for c in claims if c.kind in {"claimed", "confirmed"}],
        disputes=[c for c in claims if c.kind in {"denied", "doubted", "attributed"}],
        follow_ups=_follow_ups(reports, ref, titles),
        sources=groups,
        n_independent_sources=len(groups),
        conflicts=conflicts,
    )


class _ArticleStore(Protocol):
    def incident(self, incident_id: str) -> Incident: ...

    def article(self, article_id: str) -> Article: ...


def resolve_stored_incident(store: _ArticleStore, incident_id: str) -> ResolvedIncident:
    """:func:`resolve_incident` for a stored incident, with its article texts."""
    incident = store.incident(incident_id)
    texts = {a.id: store.article(a.id).text for a in incident.articles}
    return resolve_incident(incident, texts)
