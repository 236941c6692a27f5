"""Server-rendered pages: the incident list, an incident, a report.

Everything that comes from a report is untrusted. Templates autoescape; the few pieces of
HTML built here (highlighted text, search snippets) escape every piece of text with
markupsafe before wrapping it in a tag, and URLs become links only when they are http(s).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from ..model import FIELDS, Assertion, Incident, IncidentSummary
from ._app import StoresDep
from ._views import Evidence, TollPoint, detail_of, evidence_of, label_of, ordered_reports

__all__ = ["error_page", "highlight", "router", "safe_url", "sentence_html", "toll_chart"]

router = APIRouter(include_in_schema=False)

_PAGE_SIZE = 25
_MAX_PARAM = 500
_SORTS = {
    "-date": "newest first",
    "date": "oldest first",
    "-killed": "most killed",
    "killed": "fewest killed",
    "-reports": "most reports",
    "reports": "fewest reports",
}
_FIELD_TITLES = {
    "types": "Event type",
    "when": "Date and time",
    "timeline": "Timeline",
    "where": "Places",
    "perpetrators": "Perpetrators",
    "weapons": "Weapons",
    "targets": "Targets",
    "victims": "Victims",
    "casualties": "Casualties",
    "claims": "Claims and disputes",
    "suspects": "Suspects and legal steps",
    "threats": "Threats",
}


# ---- safe HTML building ----


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (never a javascript: link)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return None
    return url


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    field: str
    label: str


def highlight(text: str, spans: list[_Span]) -> Markup:
    """``text`` escaped, with non-overlapping ``spans`` wrapped in ``<mark data-field>``.

    Overlaps are resolved left to right, longer span first, so each character is marked
    at most once.
    """
    ordered = sorted(
        (s for s in spans if 0 <= s.start < s.end <= len(text)),
        key=lambda s: (s.start, -(s.end - s.start)),
    )
    out: list[str] = []
    pos = 0
    for span in ordered:
        if span.start < pos:
            continue
        out.append(str(escape(text[pos : span.start])))
        out.append(
            str(
                Markup('<mark id="s-{}-{}" data-field="{}" title="{}">{}</mark>').format(
                    span.start,
                    span.end,
                    span.field,
                    span.label,
                    text[span.start : span.end],
                )
            )
        )
        pos = span.end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def sentence_html(ev: Evidence) -> Markup:
    """The supporting sentence, with the value's span marked."""
    sent = ev.sentence
    start, end = ev.start - sent.start, ev.end - sent.start
    if not (0 <= start < end <= len(sent.text)) or sent.text[start:end] != ev.value:
        found = sent.text.find(ev.value) if ev.value else -1
        if found < 0:
            return Markup(escape(sent.text))
        start, end = found, found + len(ev.value)
    return highlight(sent.text, [_Span(start, end, ev.field, ev.field)])


def _snippet_html(snippet: str) -> Markup:
    """A search snippet whose matches are bracketed ``[like this]``, as marks."""
    out: list[str] = []
    for i, piece in enumerate(snippet.replace("]", "[").split("[")):
        out.append(str(Markup("<mark>{}</mark>").format(piece) if i % 2 else escape(piece)))
    return Markup("".join(out))


# ---- the toll chart ----


@dataclass
class _Point:
    x: float
    y: float
    value: int
    label: str
    article_id: str


@dataclass
class _Series:
    name: str
    css: str
    points: list[_Point] = field(default_factory=list)

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)


@dataclass
class TollChart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    series: list[_Series]
    yticks: list[tuple[float, int]]
    xticks: list[tuple[float, str]]


def _ts(value: dt.datetime) -> float:
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    step = 10 ** int(math.log10(value))
    for mult in (1, 2, 2.5, 5, 10):
        if step * mult >= value:
            return int(step * mult)
    return value


def toll_chart(toll: list[TollPoint], width: int = 640, height: int = 220) -> TollChart | None:
    """Geometry of the killed / wounded figures over publication time; None with no data."""
    points = [p for p in toll if p.published is not None and (p.killed or p.wounded) is not None]
    points = [p for p in points if p.killed is not None or p.wounded is not None]
    if not points:
        return None
    left, right, top, bottom = 48, 16, 14, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    times = [_ts(p.published) for p in points if p.published]
    t0, t1 = min(times), max(times)
    ymax = _nice_max(max(v for p in points for v in (p.killed, p.wounded) if v is not None))

    def x_of(t: float) -> float:
        return left + (plot_w / 2 if t1 == t0 else (t - t0) / (t1 - t0) * plot_w)

    def y_of(v: int) -> float:
        return top + plot_h - v / ymax * plot_h

    killed = _Series("killed", "killed")
    wounded = _Series("wounded", "wounded")
    for p, t in zip(points, times, strict=True):
        when = p.published.strftime("%Y-%m-%d %H:%M") if p.published else ""
        for series, value in ((killed, p.killed), (wounded, p.wounded)):
            if value is not None:
                label = f"{value} {series.name} per {p.outlet or 'unknown outlet'}, {when}"
                series.points.append(_Point(x_of(t), y_of(value), value, label, p.article_id))
    yticks = [(y_of(v), v) for v in (0, ymax // 2, ymax)]
    first = min(points, key=lambda p: _ts(p.published) if p.published else 0)
    last = max(points, key=lambda p: _ts(p.published) if p.published else 0)
    xticks: list[tuple[float, str]] = []
    for p in (first, last):
        if p.published is not None:
            label = p.published.strftime("%d %b %H:%M")
            if not xticks or xticks[-1][1] != label:
                xticks.append((x_of(_ts(p.published)), label))
    return TollChart(
        width=width,
        height=height,
        left=left,
        top=top,
        bottom=height - bottom,
        series=[s for s in (killed, wounded) if s.points],
        yticks=yticks,
        xticks=xticks,
    )


# ---- templates ----


def _templates() -> Jinja2Templates:
    folder = Path(str(resources.files("incidex.web").joinpath("templates")))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        sentence_html=sentence_html,
        safe_url=safe_url,
        label_of=label_of,
        field_titles=_FIELD_TITLES,
    )
    env.filters["when"] = _fmt_datetime
    return Jinja2Templates(env=env)


def _fmt_datetime(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


_TEMPLATES = _templates()


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    state = request.app.state
    context.setdefault("tiles", state.tiles or "")
    context.setdefault("tiles_attribution", state.tiles_attribution or "")
    context.setdefault("read_only", state.token is None)
    return _TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return _render(request, "error.html", status, title=title, message=message)


# ---- the incident list ----


@dataclass
class _ListQuery:
    """Filters read leniently from the query string: bad values are reported, not fatal."""

    q: str = ""
    country: str = ""
    group: str = ""
    type: str = ""
    since: str = ""
    until: str = ""
    min_killed: str = ""
    sort: str = "-date"
    page: int = 1
    problems: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params: Any) -> _ListQuery:
        def get(name: str) -> str:
            return str(params.get(name, "") or "").strip()[:_MAX_PARAM]

        out = cls(
            q=get("q"),
            country=get("country"),
            group=get("group"),
            type=get("type"),
            since=get("since"),
            until=get("until"),
            min_killed=get("min_killed"),
        )
        sort = get("sort") or "-date"
        if sort in _SORTS:
            out.sort = sort
        else:
            out.problems.append("unknown sort order; showing newest first")
        page = get("page") or "1"
        out.page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
        return out

    def _date(self, name: str) -> dt.date | None:
        raw = getattr(self, name)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            self.problems.append(f"'{name}' is not a date (YYYY-MM-DD); ignored")
            return None

    def filters(self) -> dict[str, Any]:
        min_killed: int | None = None
        if self.min_killed:
            if self.min_killed.isdigit() and len(self.min_killed) <= 9:
                min_killed = int(self.min_killed)
            else:
                self.problems.append("'min killed' is not a whole number; ignored")
        return {
            "query": self.q or None,
            "country": self.country or None,
            "group": self.group or None,
            "type": self.type or None,
            "since": self._date("since"),
            "until": self._date("until"),
            "min_killed": min_killed,
        }

    def link(self, **change: Any) -> str:
        values = {
            "q": self.q,
            "country": self.country,
            "group": self.group,
            "type": self.type,
            "since": self.since,
            "until": self.until,
            "min_killed": self.min_killed,
            "sort": self.sort if self.sort != "-date" else "",
            "page": self.page if self.page != 1 else "",
        }
        values.update(change)
        kept = {k: v for k, v in values.items() if v not in ("", None, 1)}
        return "/?" + urlencode(kept) if kept else "/"


def _marker(s: IncidentSummary) -> dict[str, Any] | None:
    if s.latitude is None or s.longitude is None:
        return None
    return {
        "id": s.id,
        "title": s.title,
        "lat": s.latitude,
        "lon": s.longitude,
        "date": s.date.isoformat() if s.date else None,
        "killed": s.killed,
        "url": f"/incidents/{s.id}",
    }


def _markers_json(summaries: list[IncidentSummary]) -> str:
    # A plain str: autoescape turns it into a safe attribute value.
    return json.dumps([m for m in map(_marker, summaries) if m is not None])


@router.get("/", response_class=HTMLResponse)
def list_page(request: Request, stores: StoresDep) -> HTMLResponse:
    query = _ListQuery.parse(request.query_params)
    filters = query.filters()
    with stores.open() as store:
        total = store.count_incidents(**filters)
        pages = max(1, math.ceil(total / _PAGE_SIZE))
        query.page = min(query.page, pages)
        offset = (query.page - 1) * _PAGE_SIZE
        items = store.incidents(limit=_PAGE_SIZE, offset=offset, sort=query.sort, **filters)
    return _render(
        request,
        "list.html",
        query=query,
        sorts=_SORTS,
        items=items,
        total=total,
        first=offset + 1 if items else 0,
        last=offset + len(items),
        pages=pages,
        markers=_markers_json(items),
    )


# ---- one incident ----


def _supporting(incident: Incident) -> dict[str, list[Evidence]]:
    """For each headline value of the summary, the assertions that back it."""
    s = incident.summary
    refs = {a.id: a for a in incident.articles}
    out: dict[str, list[Evidence]] = {
        k: [] for k in ("date", "place", "types", "groups", "killed", "wounded")
    }
    for report in ordered_reports(incident):
        ref = refs.get(report.article_id)

        def add(key: str, a: Assertion[Any], _r: Any = report, _ref: Any = ref) -> None:
            out[key].append(evidence_of(_r, a, _ref))

        for w in report.when:
            if s.date is not None and w.normalized.date == s.date:
                add("date", w)
        for p in report.where:
            place = p.normalized
            if place.role == "scene" and (
                (s.venue and place.venue == s.venue)
                or (s.city and place.city == s.city)
                or (not s.city and s.country_code and place.country_code == s.country_code)
            ):
                add("place", p)
        for t in report.types:
            if t.normalized.name in s.types[:2]:
                add("types", t)
        for g in report.perpetrators:
            if g.normalized.group and g.normalized.group in s.groups:
                add("groups", g)
        for c in report.casualties:
            for key, figure in (("killed", s.killed), ("wounded", s.wounded)):
                if (
                    c.normalized.category == key
                    and figure is not None
                    and c.normalized.conservative == figure
                ):
                    add(key, c)
    return out


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(incident_id: str, request: Request, stores: StoresDep) -> HTMLResponse:
    with stores.open() as store:
        incident = store.incident(incident_id[:_MAX_PARAM])
    detail = detail_of(incident)
    refs = {a.id: a for a in incident.articles}
    by_field: dict[str, list[tuple[str, Evidence]]] = {f: [] for f in FIELDS}
    for report in ordered_reports(incident):
        ref = refs.get(report.article_id)
        for a in report.assertions():
            by_field.setdefault(a.field, []).append((label_of(a), evidence_of(report, a, ref)))
    s = incident.summary
    return _render(
        request,
        "incident.html",
        s=s,
        detail=detail,
        articles=sorted(
            incident.articles, key=lambda a: (a.published is None, a.published and _ts(a.published))
        ),
        chart=toll_chart(detail.toll),
        support=_supporting(incident),
        by_field={k: v for k, v in by_field.items() if v},
        markers=_markers_json([s]),
    )


# ---- one report ----


@router.get("/reports/{article_id}", response_class=HTMLResponse)
def report_page(article_id: str, request: Request, stores: StoresDep) -> HTMLResponse:
    with stores.open() as store:
        article = store.article(article_id[:_MAX_PARAM])
        status, message = store.article_status(article.id)
        reports = list(store.reports(article_id=article.id))
    spans = [
        _Span(a.start, a.end, a.field, f"{a.field}: {label_of(a)}")
        for r in reports
        for a in r.assertions()
    ]
    return _render(
        request,
        "report.html",
        article=article,
        status=status,
        message=message,
        reports=reports,
        text_html=highlight(article.text, spans),
        fields=[f for f in FIELDS if any(getattr(r, f) for r in reports)],
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, stores: StoresDep) -> HTMLResponse:
    q = str(request.query_params.get("q", "") or "").strip()[:_MAX_PARAM]
    hits = []
    if q:
        with stores.open() as store:
            hits = store.search(q, limit=50)
    return _render(
        request,
        "search.html",
        q=q,
        hits=[(h, _snippet_html(h.snippet)) for h in hits],
    )
