"""Readable incident cards: what happened, when, where, who, toll, claims, suspects, timeline,
each value with its sources. Plain text, so it prints anywhere and tests can read it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .model import Assertion, Incident, IncidentReport, Stance
from .resolve import report_figure

if TYPE_CHECKING:
    from .store import LogEntry

__all__ = ["render_incident", "render_log", "render_report"]

_WIDTH = 100


def _source(assertion: Assertion[Any], refs: dict[str, int]) -> str:
    who = assertion.speaker or assertion.outlet or "the article"
    stance = "" if assertion.stance == Stance.asserted else f"{assertion.stance.value} "
    return f"{stance}per {who}"


def _cite(report: IncidentReport, refs: dict[str, int]) -> str:
    return f"[{refs.get(report.article_id, 0)}]"


def _lines(
    reports: Iterable[IncidentReport], field: str, fmt: Any, refs: dict[str, int]
) -> list[str]:
    seen: dict[str, list[str]] = {}
    for report in reports:
        for assertion in getattr(report, field):
            text = fmt(assertion.normalized)
            if not text:
                continue
            source = f"{_source(assertion, refs)} {_cite(report, refs)}"
            sources = seen.setdefault(text, [])
            if source not in sources:
                sources.append(source)
    return [f"{text}  ({'; '.join(sources)})" for text, sources in seen.items()]


def _casualty(value: Any) -> str:
    if value.exact is not None:
        figure = str(value.exact)
    elif value.low is not None and value.high is not None:
        figure = f"{value.low}-{value.high}"
    elif value.low is not None:
        figure = f"at least {value.low}"
    elif value.high is not None:
        figure = f"up to {value.high}"
    else:
        figure = f"about {value.estimate}"
    if value.qualifier and value.qualifier not in figure:
        figure = f"{figure} ('{value.qualifier}')"
    return f"{value.category.replace('_', ' ')}: {figure}"


def _perp(value: Any) -> str:
    parts = []
    if value.group:
        parts.append(value.group + (f" (part of {value.parent})" if value.parent else ""))
    if value.count is not None:
        parts.append(f"{value.count} {value.description or 'perpetrators'}")
    elif value.description and not value.group:
        parts.append(value.description)
    if value.nationality:
        parts.append(f"nationality {value.nationality}")
    if value.names:
        parts.append(", ".join(value.names))
    return "; ".join(parts)


def _claim(value: Any) -> str:
    text = f"{value.kind}: {value.by or 'unknown'}"
    if value.group:
        text += f" -> {value.group}"
    if value.alternative:
        text += f" -> points to {value.alternative}"
    if value.via:
        text += f" via {value.via}"
    if value.channel:
        text += f" on {value.channel}"
    return text


def _legal(value: Any) -> str:
    who = " ".join(str(x) for x in (value.count, value.nationality) if x) or "suspects"
    text = f"{value.step}: {who}"
    if value.names:
        text += f" ({', '.join(value.names)})"
    if value.charge:
        text += f", charge: {value.charge}"
    if value.by:
        text += f", by {value.by}"
    return text


def _victim(value: Any) -> str:
    who = ", ".join(value.names) or value.description or "victims"
    extra = " ".join(str(x) for x in (value.count, value.nationality) if x)
    return f"{value.fate}: {who}" + (f" ({extra})" if extra else "")


def _threat(value: Any) -> str:
    text = value.form + (f" on {value.medium}" if value.medium else "")
    if value.actor:
        text += f" by {value.actor}"
    if value.linked_group:
        text += f" (linked to {value.linked_group})"
    if value.targets:
        text += f", against {', '.join(value.targets)}"
    if value.relayed_by:
        text += f"; relayed by {', '.join(value.relayed_by)}"
    return text


def _weapon(value: Any) -> str:
    text = value.type + (f" / {value.subtype}" if value.subtype else "")
    if value.model:
        text += f" ({value.model})"
    return text


def _place(value: Any) -> str:
    if value.role != "scene":
        return ""
    parts = [x for x in (value.venue, value.city, value.region, value.country) if x]
    return ", ".join(dict.fromkeys(parts)) or value.name


def _resolved_lines(resolved: Any) -> list[str]:
    out: list[str] = []
    for series in resolved.toll_series:
        points = ", ".join(
            f"{p.figure} ({p.source.source or p.source.article_id}"
            f"{', ' + p.source.published.date().isoformat() if p.source.published else ''})"
            for p in series.points
        )
        flag = "  [sources disagree]" if series.conflict else ""
        out.append(
            f"  {series.category}: latest {series.latest}, range {series.low}-{series.high}, "
            f"conservative {series.conservative}; {series.independent_sources} independent "
            f"source(s){flag}"
        )
        if points:
            out.append(f"    over time: {points}")
    if resolved.disputes:
        out.append("  disputes:")
        for claim in resolved.disputes:
            who = claim.by or "unknown"
            target = claim.group or claim.alternative or ""
            out.append(
                f"    {claim.kind} by {who}: {target}  ({claim.independent_sources} source(s))"
            )
    for follow in resolved.follow_ups:
        out.append(f"  follow-up: {', '.join(follow.kinds)} - {follow.title or follow.report_id}")
    out.append(f"  independent sources: {resolved.n_independent_sources}")
    for conflict in resolved.conflicts:
        out.append(f"  conflict: {conflict}")
    return out


def render_incident(incident: Incident, resolved: Any | None = None) -> str:
    s = incident.summary
    refs = {a.id: i + 1 for i, a in enumerate(incident.articles)}
    reports = incident.reports
    out = [f"{s.id}  {s.title}", "=" * min(_WIDTH, len(s.id) + 2 + len(s.title))]
    when = s.date.isoformat() if s.date else "not stated"
    out.append(f"When:   {when} (precision: {s.precision.value})")
    where = ", ".join(x for x in (s.venue, s.city, s.region, s.country) if x) or "not stated"
    if s.latitude is not None and s.longitude is not None:
        where += f"  [{s.latitude:.4f}, {s.longitude:.4f}]"
    out.append(f"Where:  {where}")
    if s.types:
        out.append(f"Type:   {'; '.join(s.types)}")
    figures = []
    if s.killed is not None:
        figures.append(
            f"{s.killed} killed"
            + (
                f" (up to {s.killed_high} reported)"
                if s.killed_high and s.killed_high != s.killed
                else ""
            )
        )
    if s.wounded is not None:
        figures.append(f"{s.wounded} wounded")
    out.append(f"Toll:   {', '.join(figures) or 'not stated'}")
    out.append(f"Reports: {s.n_reports} from {s.n_sources} source(s)")
    sections = [
        (
            "When (as reported)",
            "when",
            lambda v: (
                (v.date.isoformat() if v.date else "")
                + (f" {v.time.strftime('%H:%M')}" if v.time else "")
                + f" [{v.precision.value}]"
            ),
        ),
        ("Where (scene)", "where", _place),
        ("Perpetrators", "perpetrators", _perp),
        ("Weapons", "weapons", _weapon),
        (
            "Targets",
            "targets",
            lambda v: (
                v.type
                + (f" / {v.subtype}" if v.subtype else "")
                + (f": {v.entity}" if v.entity else "")
            ),
        ),
        ("Victims", "victims", _victim),
        ("Casualties", "casualties", _casualty),
        ("Claims and disputes", "claims", _claim),
        ("Suspects and legal steps", "suspects", _legal),
        ("Threats and propaganda", "threats", _threat),
    ]
    for title, field, fmt in sections:
        lines = _lines(reports, field, fmt, refs)
        if lines:
            out.append(f"\n{title}:")
            out.extend(f"  - {line}" for line in lines)
    steps = sorted(
        {
            (a.normalized.time.strftime("%H:%M"), a.normalized.action, refs.get(r.article_id, 0))
            for r in reports
            for a in r.timeline
        }
    )
    if steps:
        out.append("\nTimeline:")
        out.extend(f"  {t}  {action} [{ref}]" for t, action, ref in steps)
    if len(reports) > 1:
        out.append("\nToll by report:")
        for report in reports:
            killed = report_figure(report, "killed")
            wounded = report_figure(report, "wounded")
            k = "-" if killed is None else killed
            w = "-" if wounded is None else wounded
            out.append(f"  [{refs.get(report.article_id, 0)}] killed {k}, wounded {w}")
    if resolved is not None:
        out.append("\nResolution (docs/resolution.md):")
        out.extend(_resolved_lines(resolved))
    out.append("\nSources:")
    for article in incident.articles:
        date = article.published.date().isoformat() if article.published else "undated"
        label = " | ".join(x for x in (article.source, article.title, article.url) if x)
        out.append(f"  [{refs[article.id]}] {date} {label or article.id}")
    return "\n".join(out)


def render_report(report: IncidentReport) -> str:
    """A card for one article's report, without a store (``incidex extract``)."""
    from .model import ArticleRef, Incident
    from .resolve import summarize

    ref = ArticleRef(id=report.article_id)
    incident = Incident(
        summary=summarize(report.id, [report], [ref]), reports=[report], articles=[ref]
    )
    return render_incident(incident)


def render_log(incident_id: str, entries: Sequence[LogEntry]) -> str:
    """An incident's history, one line per entry: when, what, which report, who and why."""
    out = ["History:"]
    for e in entries:
        line = f"  {e.at}  {e.action} {e.report_id or ''}".rstrip()
        if e.incident_id != incident_id:
            line += f" (moved to {e.incident_id})"
        elif e.from_incident:
            line += f" (from {e.from_incident})"
        if e.who:
            line += f" by {e.who}"
        if e.reason:
            line += f": {e.reason}"
        out.append(line)
    return "\n".join(out)
