"""Derived, read-only views of an incident for the API and the pages.

Each item keeps its :class:`Evidence` (the supporting sentence, the span, who said it and in
which article), so every value shown can be traced back to its source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from ..model import (
    ArticleRef,
    Assertion,
    Casualties,
    Claim,
    Incident,
    IncidentReport,
    LegalStep,
    SentenceRef,
    Stance,
    TimelineStep,
)
from ..resolve import report_figure

__all__ = [
    "ClaimView",
    "Evidence",
    "IncidentDetail",
    "LegalView",
    "TimelineView",
    "TollPoint",
    "detail_of",
    "evidence_of",
    "label_of",
    "ordered_reports",
]


class Evidence(BaseModel):
    """Where a value comes from: the sentence, the span in the article, who said it."""

    report_id: str
    article_id: str
    field: str
    value: str = Field(description="the supporting text as written")
    start: int = Field(description="character offset of the value in the article text")
    end: int
    sentence: SentenceRef
    speaker: str | None = None
    outlet: str | None = None
    stance: Stance = Stance.asserted
    confidence: float = 0.5
    extractor: str
    published: dt.datetime | None = Field(default=None, description="the article's time")
    title: str | None = Field(default=None, description="the article's title")


class TollPoint(BaseModel):
    """One report's figures, at the time its article was published."""

    report_id: str
    article_id: str
    published: dt.datetime | None = None
    outlet: str | None = None
    title: str | None = None
    killed: int | None = Field(default=None, description="largest conservative figure given")
    wounded: int | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class ClaimView(BaseModel):
    """A responsibility claim, confirmation, denial, doubt or attribution."""

    claim: Claim
    evidence: Evidence


class LegalView(BaseModel):
    """A suspect-related legal step (arrest, charge, sentence ...)."""

    step: LegalStep
    evidence: Evidence


class TimelineView(BaseModel):
    """A time-stamped step within the incident."""

    step: TimelineStep
    evidence: Evidence


class IncidentDetail(BaseModel):
    """An incident with every report, plus views derived from their assertions."""

    incident: Incident
    toll: list[TollPoint] = Field(description="per report, earliest article first")
    claims: list[ClaimView]
    suspects: list[LegalView]
    timeline: list[TimelineView] = Field(description="sorted by date and time")


def _article_map(articles: list[ArticleRef]) -> dict[str, ArticleRef]:
    return {a.id: a for a in articles}


def evidence_of(
    report: IncidentReport, assertion: Assertion[Any], article: ArticleRef | None
) -> Evidence:
    return Evidence(
        report_id=report.id,
        article_id=report.article_id,
        field=assertion.field,
        value=assertion.value,
        start=assertion.start,
        end=assertion.end,
        sentence=assertion.sentence,
        speaker=assertion.speaker,
        outlet=assertion.outlet or (article.source if article else None),
        stance=assertion.stance,
        confidence=assertion.confidence,
        extractor=assertion.extractor,
        published=article.published if article else None,
        title=article.title if article else None,
    )


def _sort_time(value: dt.datetime | None) -> tuple[bool, float]:
    # Unknown times last; aware and naive datetimes compared by timestamp (naive as UTC).
    if value is None:
        return True, 0.0
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return False, value.timestamp()


def ordered_reports(incident: Incident) -> list[IncidentReport]:
    """The incident's reports, earliest article first (unknown times last)."""
    refs = _article_map(incident.articles)

    def key(r: IncidentReport) -> tuple[bool, float, str, int]:
        ref = refs.get(r.article_id)
        return (*_sort_time(ref.published if ref else None), r.article_id, r.index)

    return sorted(incident.reports, key=key)


def detail_of(incident: Incident) -> IncidentDetail:
    refs = _article_map(incident.articles)
    toll: list[TollPoint] = []
    claims: list[ClaimView] = []
    suspects: list[LegalView] = []
    timeline: list[TimelineView] = []
    for report in ordered_reports(incident):
        ref = refs.get(report.article_id)
        figures = [
            evidence_of(report, a, ref)
            for a in report.casualties
            if isinstance(a.normalized, Casualties)
            and a.normalized.category in {"killed", "wounded"}
        ]
        toll.append(
            TollPoint(
                report_id=report.id,
                article_id=report.article_id,
                published=ref.published if ref else None,
                outlet=ref.source if ref else None,
                title=ref.title if ref else None,
                killed=report_figure(report, "killed"),
                wounded=report_figure(report, "wounded"),
                evidence=figures,
            )
        )
        claims += [
            ClaimView(claim=a.normalized, evidence=evidence_of(report, a, ref))
            for a in report.claims
        ]
        suspects += [
            LegalView(step=a.normalized, evidence=evidence_of(report, a, ref))
            for a in report.suspects
        ]
        timeline += [
            TimelineView(step=a.normalized, evidence=evidence_of(report, a, ref))
            for a in report.timeline
        ]
    timeline.sort(key=lambda t: (t.step.date or dt.date.min, t.step.time))
    return IncidentDetail(
        incident=incident, toll=toll, claims=claims, suspects=suspects, timeline=timeline
    )


def _join(*parts: object) -> str:
    shown: list[str] = []
    for part in parts:
        if part not in (None, "", []) and str(part) not in shown:
            shown.append(str(part))
    return ", ".join(shown)


def label_of(assertion: Assertion[Any]) -> str:
    """A short human label for an assertion's normalised value."""
    n = assertion.normalized
    field = assertion.field
    if field == "types":
        return str(n.name)
    if field == "when":
        when = n.date.isoformat() if n.date else "date unknown"
        if n.time:
            when += " " + n.time.strftime("%H:%M")
        return when
    if field == "timeline":
        return _join(n.date, n.time.strftime("%H:%M"), n.action)
    if field == "where":
        return _join(n.venue, n.city or n.name, n.region, n.country) + f" ({n.role})"
    if field == "perpetrators":
        return _join(n.group, n.description, ", ".join(n.names), n.count and f"{n.count} people")
    if field == "weapons":
        return _join(n.type, n.subtype, n.model)
    if field == "targets":
        return _join(n.type, n.subtype, n.entity)
    if field == "victims":
        return _join(n.fate, ", ".join(n.names), n.description, n.count, n.nationality)
    if field == "casualties":
        figure = n.conservative
        shown = "?" if figure is None else str(figure)
        if n.qualifier:
            shown = f"{n.qualifier} {shown}"
        if n.high is not None and n.low is not None:
            shown = f"{n.low}-{n.high}"
        return f"{n.category.replace('_', ' ')}: {shown}"
    if field == "claims":
        return _join(n.kind, n.group, n.by and f"by {n.by}", n.via and f"via {n.via}")
    if field == "suspects":
        return _join(
            n.step, n.count, n.nationality, ", ".join(n.names), n.charge, n.by and f"by {n.by}"
        )
    if field == "threats":
        return _join(n.form, n.medium, n.actor, n.linked_group)
    return assertion.value
