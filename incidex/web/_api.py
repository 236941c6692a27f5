"""The JSON API under ``/api``; its OpenAPI schema is served at ``/api/openapi.json``."""

from __future__ import annotations

import datetime as dt
import hmac
from collections import Counter
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from ..ingest import clean_text, detect_language
from ..model import Article, ArticleResult, IncidentReport, IncidentSummary, Status
from ..store import IncidentStore, SaveSummary
from ._app import StoresDep
from ._views import IncidentDetail, detail_of

__all__ = [
    "ActorCount",
    "IncidentPage",
    "IngestEntry",
    "IngestResult",
    "ReportDetail",
    "ReportIn",
    "SearchResult",
    "collect_actors",
    "router",
]

router = APIRouter(prefix="/api", tags=["api"])

Sort = Literal["date", "-date", "killed", "-killed", "reports", "-reports"]
_ID = Path(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
_MAX_TEXT = 500  # characters of a filter or query string
_MAX_SCAN = 10_000  # incidents read to count actors
_MAX_REPORTS_PER_POST = 100


class IncidentPage(BaseModel):
    """One page of incident summaries and the number of incidents matching the filters."""

    total: int
    limit: int
    offset: int
    sort: Sort
    items: list[IncidentSummary]


class ReportDetail(BaseModel):
    """An article, what became of it, and the incident reports extracted from it."""

    article: Article
    status: Status
    message: str | None = None
    reports: list[IncidentReport]


class ActorCount(BaseModel):
    group: str
    incidents: int


class SearchResult(BaseModel):
    """A full-text hit; ``snippet`` marks the matched words with ``[`` and ``]``."""

    article_id: str
    title: str | None = None
    source: str | None = None
    snippet: str
    rank: float = Field(description="bm25; lower is better")


class ReportIn(BaseModel):
    """A report to ingest, as in a JSON Lines input file."""

    text: str = Field(min_length=1, max_length=1_000_000)
    url: str | None = Field(default=None, max_length=2_000)
    title: str | None = Field(default=None, max_length=1_000)
    published: dt.datetime | None = None
    source: str | None = Field(default=None, max_length=200)


class IngestEntry(BaseModel):
    article_id: str
    status: Status | Literal["duplicate"]
    message: str | None = None


class IngestResult(BaseModel):
    """Counts as in ``incidex ingest``, and one entry per submitted report, in order."""

    stored: int
    extracted: int
    duplicates: int
    not_english: int
    no_incident: int
    failed: int
    reports: int
    incidents_created: int
    incidents_updated: int
    entries: list[IngestEntry]


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:_MAX_TEXT] or None


Filter = Annotated[str | None, Query(max_length=_MAX_TEXT)]


@router.get("/incidents", response_model=IncidentPage, summary="List incidents")
def list_incidents(
    stores: StoresDep,
    since: dt.date | None = None,
    until: dt.date | None = None,
    country: Filter = None,
    group: Filter = None,
    event_type: Annotated[str | None, Query(alias="type", max_length=_MAX_TEXT)] = None,
    min_killed: Annotated[int | None, Query(ge=0, le=10**9)] = None,
    q: Annotated[str | None, Query(max_length=_MAX_TEXT, description="full text")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=10**7)] = 0,
    sort: Sort = "-date",
) -> IncidentPage:
    """Incident summaries matching every given filter, a page at a time.

    ``country`` is an ISO code or a name; ``type`` and ``group`` match substrings
    (case-insensitive); ``q`` is full text over the incident's articles.
    """
    filters = dict(
        since=since,
        until=until,
        country=_text(country),
        group=_text(group),
        type=_text(event_type),
        min_killed=min_killed,
        query=_text(q),
    )
    with stores.open() as store:
        items = store.incidents(limit=limit, offset=offset, sort=sort, **filters)  # type: ignore[arg-type]
        total = store.count_incidents(**filters)  # type: ignore[arg-type]
    return IncidentPage(total=total, limit=limit, offset=offset, sort=sort, items=items)


@router.get(
    "/incidents/{incident_id}",
    response_model=IncidentDetail,
    summary="One incident, with sources and derived views",
    responses={404: {"description": "no such incident"}},
)
def get_incident(incident_id: Annotated[str, _ID], stores: StoresDep) -> IncidentDetail:
    """The full incident (every report's assertions with their sources), plus the toll per
    report over publication time, claims and disputes, suspects and legal steps, and the
    timeline."""
    with stores.open() as store:
        return detail_of(store.incident(incident_id))


@router.get(
    "/reports/{article_id}",
    response_model=ReportDetail,
    summary="One article and its incident reports",
    responses={404: {"description": "no such article"}},
)
def get_report(article_id: Annotated[str, _ID], stores: StoresDep) -> ReportDetail:
    with stores.open() as store:
        article = store.article(article_id)
        status, message = store.article_status(article_id)
        reports = list(store.reports(article_id=article_id))
    return ReportDetail(article=article, status=status, message=message, reports=reports)


def collect_actors(store: IncidentStore) -> list[ActorCount]:
    """Perpetrator groups with the number of incidents naming them, most first."""
    counts: Counter[str] = Counter()
    offset, page = 0, 500
    while offset < _MAX_SCAN:
        items = store.incidents(limit=page, offset=offset, sort="date")
        for item in items:
            counts.update(set(item.groups))
        if len(items) < page:
            break
        offset += page
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
    return [ActorCount(group=g, incidents=n) for g, n in ranked]


@router.get("/actors", response_model=list[ActorCount], summary="Perpetrator groups")
def list_actors(stores: StoresDep) -> list[ActorCount]:
    with stores.open() as store:
        return collect_actors(store)


@router.get("/search", response_model=list[SearchResult], summary="Full-text search")
def search(
    stores: StoresDep,
    q: Annotated[str, Query(max_length=_MAX_TEXT)],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[SearchResult]:
    """Articles whose title or text hold every word of ``q`` (searched as words, not syntax)."""
    with stores.open() as store:
        hits = store.search(q, limit=limit)
    return [
        SearchResult(
            article_id=h.article_id, title=h.title, source=h.source, snippet=h.snippet, rank=h.rank
        )
        for h in hits
    ]


_bearer = HTTPBearer(auto_error=False, description="the server's INCIDEX_TOKEN")


def _require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    token: str | None = request.app.state.token
    if token is None:
        raise HTTPException(
            403,
            "this server is read-only: start it with INCIDEX_TOKEN set to accept reports.",
        )
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            401,
            "a valid 'Authorization: Bearer <token>' header is needed to submit reports.",
            headers={"WWW-Authenticate": "Bearer"},
        )


def _result(summary: SaveSummary, entries: list[IngestEntry]) -> IngestResult:
    return IngestResult(
        stored=summary.stored,
        extracted=summary.extracted,
        duplicates=summary.duplicates,
        not_english=summary.not_english,
        no_incident=summary.no_incident,
        failed=summary.failed,
        reports=summary.reports,
        incidents_created=summary.incidents_created,
        incidents_updated=summary.incidents_updated,
        entries=entries,
    )


@router.post(
    "/reports",
    response_model=IngestResult,
    summary="Submit reports for extraction (needs the token)",
    dependencies=[Depends(_require_token)],
    responses={
        401: {"description": "missing or wrong bearer token"},
        403: {"description": "the server is read-only (no token configured)"},
        413: {"description": "request body too large"},
    },
)
def post_reports(
    reports: Annotated[list[ReportIn], Body(min_length=1, max_length=_MAX_REPORTS_PER_POST)],
    stores: StoresDep,
) -> IngestResult:
    """Extract, resolve and store the given reports, as ``incidex ingest`` does.

    Reports already stored (same text or URL) are skipped as duplicates.
    """
    articles: list[Article] = []
    for item in reports:
        text = clean_text(item.text)
        if not text.strip():
            raise HTTPException(422, "a report's text is empty once cleaned.")
        article = Article.from_text(
            text,
            url=item.url,
            title=item.title,
            published=item.published,
            source=item.source,
            origin="api",
        )
        article.language = detect_language(text)
        articles.append(article)
    summary = SaveSummary()
    entries: list[IngestEntry] = []
    with stores.open() as store:
        fresh: list[Article] = []
        for article in articles:
            seen = {a.content_hash for a in fresh} | {a.url for a in fresh if a.url}
            if (
                article.content_hash in seen
                or (article.url is not None and article.url in seen)
                or store.has_article(content_hash=article.content_hash)
                or (article.url is not None and store.has_article(url=article.url))
            ):
                continue
            fresh.append(article)
        results: list[ArticleResult] = []
        if fresh:
            with stores.extract_lock:
                results = list(stores.extractor().extract_articles(fresh))
            with stores.resolve_lock:
                summary = store.save_results(results, incident_of=stores.resolver(store))
    saved = {e.article_id: e for e in summary.entries}
    for article in articles:
        entry = saved.pop(article.id, None)
        if entry is None:
            entries.append(IngestEntry(article_id=article.id, status="duplicate"))
        else:
            entries.append(
                IngestEntry(article_id=article.id, status=entry.status, message=entry.message)
            )
    summary.duplicates = sum(e.status == "duplicate" for e in entries)
    return _result(summary, entries)
