"""Records the store hands back, and the interface every store backend implements.

The SQLite store is the only backend today; a PostgreSQL twin with the same schema is meant
to implement :class:`IncidentStore` too, so callers (CLI, exporters, resolvers) should type
against the protocol, not the concrete class.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Protocol, runtime_checkable

from ..model import Article, ArticleResult, Incident, IncidentReport, IncidentSummary, Status

__all__ = [
    "IncidentOf",
    "IncidentStore",
    "MigrationRecord",
    "SaveEntry",
    "SaveSummary",
    "SearchHit",
    "SortKey",
    "StoreStats",
]

# A resolver callback: the id of an existing incident a report belongs to, or None for "new".
IncidentOf = Callable[[IncidentReport], str | None]

SortKey = Literal["date", "-date", "killed", "-killed", "reports", "-reports"]


@dataclass(frozen=True, slots=True)
class MigrationRecord:
    """One row of the ``migrations`` table."""

    version: int
    name: str
    applied_at: str  # ISO 8601, UTC


@dataclass(frozen=True, slots=True)
class SaveEntry:
    """What became of one article of a batch, for the CLI's per-file report."""

    origin: str | None
    status: Status | Literal["duplicate"]
    message: str | None
    article_id: str


@dataclass(slots=True)
class SaveSummary:
    """Counts for one ``save_results`` call.

    ``stored`` counts every article newly written, whatever its status; ``extracted``,
    ``not_english``, ``no_incident`` and ``failed`` split it by status. ``duplicates`` were
    already stored (same content hash or same URL) and nothing about them was written.
    """

    stored: int = 0
    extracted: int = 0
    duplicates: int = 0
    not_english: int = 0
    no_incident: int = 0
    failed: int = 0
    reports: int = 0
    incidents_created: int = 0
    incidents_updated: int = 0
    entries: list[SaveEntry] = field(default_factory=list)

    def merge(self, other: SaveSummary) -> None:
        """Add another batch's counts to this one (the CLI saves in several batches)."""
        for name in (
            "stored",
            "extracted",
            "duplicates",
            "not_english",
            "no_incident",
            "failed",
            "reports",
            "incidents_created",
            "incidents_updated",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.entries.extend(other.entries)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text match; ``snippet`` marks the matched words with ``[`` and ``]``."""

    article_id: str
    title: str | None
    source: str | None
    snippet: str
    rank: float  # bm25: lower is better


@dataclass(frozen=True, slots=True)
class StoreStats:
    articles: int
    by_status: dict[str, int]
    reports: int
    incidents: int
    assertions: int


@runtime_checkable
class IncidentStore(Protocol):
    """The store interface; see :class:`incidex.store.Store` for the semantics."""

    path: str

    @property
    def schema_version(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> IncidentStore: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def migrations(self) -> list[MigrationRecord]: ...

    def integrity_check(self) -> None: ...

    def save_results(
        self, results: Iterable[ArticleResult], incident_of: IncidentOf | None = None
    ) -> SaveSummary: ...

    def has_article(self, *, content_hash: str | None = None, url: str | None = None) -> bool: ...

    def article(self, article_id: str) -> Article: ...

    def articles(self, *, limit: int | None = None) -> Iterator[Article]: ...

    def article_status(self, article_id: str) -> tuple[Status, str | None]: ...

    def reports(
        self, *, article_id: str | None = None, incident_id: str | None = None
    ) -> Iterator[IncidentReport]: ...

    def incident(self, incident_id: str) -> Incident: ...

    def incidents(
        self,
        *,
        limit: int = 50,
        offset: int = 0,
        country: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        type: str | None = None,
        group: str | None = None,
        min_killed: int | None = None,
        query: str | None = None,
        sort: str = "-date",
    ) -> list[IncidentSummary]: ...

    def count_incidents(
        self,
        *,
        country: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        type: str | None = None,
        group: str | None = None,
        min_killed: int | None = None,
        query: str | None = None,
    ) -> int: ...

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]: ...

    def stats(self) -> StoreStats: ...

    def relink(
        self, report_id: str, incident_id: str, *, reason: str | None = None, create: bool = False
    ) -> None: ...
