"""Records the store hands back, the interface every store backend implements, and the
code both SQL backends share (:class:`SQLStoreBase`).

Callers (CLI, exporters, resolvers) should type against the protocol, not a concrete class.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Protocol, cast, runtime_checkable

from ..errors import IncidexError, NotFoundError
from ..model import (
    Article,
    ArticleRef,
    ArticleResult,
    Incident,
    IncidentReport,
    IncidentSummary,
    Status,
)
from ..resolve.summary import SummaryState
from ._sql import SORTS, IncidentFilter, Statements

__all__ = [
    "IncidentKey",
    "IncidentOf",
    "IncidentStore",
    "LogEntry",
    "MigrationRecord",
    "SaveEntry",
    "SaveSummary",
    "SearchHit",
    "SQLStoreBase",
    "SortKey",
    "StoreStats",
    "bounded",
    "incident_id_for",
    "now",
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
    entries_omitted: int = 0  # entries past ``max_entries`` in :meth:`merge`: counted only

    def merge(self, other: SaveSummary, max_entries: int | None = None) -> None:
        """Add another batch's counts to this one (the CLI saves in several batches). With
        ``max_entries``, at most that many entries are kept (the counts stay exact): an
        ingest of millions of articles must not hold an entry for each."""
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
        room = len(other.entries) if max_entries is None else max_entries - len(self.entries)
        kept = other.entries[: max(0, room)]
        self.entries.extend(kept)
        self.entries_omitted += other.entries_omitted + len(other.entries) - len(kept)


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

    def incident_keys(
        self,
        *,
        limit: int = 50,
        country: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        group: str | None = None,
        query: str | None = None,
    ) -> list[IncidentKey]: ...

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
        self,
        report_id: str,
        incident_id: str,
        *,
        reason: str | None = None,
        create: bool = False,
        who: str | None = None,
    ) -> None: ...

    def relink_many(
        self,
        report_ids: Sequence[str],
        incident_id: str,
        *,
        reason: str | None = None,
        create: bool = False,
        who: str | None = None,
        keep_apart: bool = False,
    ) -> None: ...

    def incident_log(self, incident_id: str) -> list[LogEntry]: ...

    def recent_reports(self, limit: int) -> list[IncidentReport]: ...

    def incidents_of(self, article_or_report_id: str) -> list[str]: ...

    def kept_apart(self, report_id: str) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class IncidentKey:
    """What the resolver ranks candidate incidents by (``Store.incident_keys``): the summary's
    id, date, city and groups, read without parsing the whole summary."""

    id: str
    date: dt.date | None
    city: str | None
    groups: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One row of an incident's audit log (``Store.incident_log``)."""

    seq: int
    incident_id: str
    report_id: str | None
    action: str  # created, attached, relinked, deleted
    from_incident: str | None
    reason: str | None
    who: str | None
    at: str  # ISO 8601, UTC


def incident_id_for(report: IncidentReport) -> str:
    """The id of the incident a report founds: stable across re-runs."""
    return "i" + hashlib.sha256(report.id.encode("utf-8")).hexdigest()[:12]


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


_MAX_LIMIT = 10_000  # bound on one page of incidents / search hits


def bounded(value: int, name: str) -> int:
    if value < 0:
        raise IncidexError(f"{name} must be 0 or more, not {value}.")
    return min(value, _MAX_LIMIT)


class SQLStoreBase:
    """What the SQLite and PostgreSQL stores share: saving, relinking and reading records.

    A backend supplies its statements (``_q``), ``_exec`` / ``_many`` over its connection,
    ``_transaction`` (one write transaction holding the write lock) and ``_incident_where``.

    Writes are batched: a ``save_results`` batch inserts articles and reports as it goes,
    and updates the summary of each incident an article touched right away (a resolver
    called for the next article reads current summaries), but from the incident's
    :class:`~incidex.resolve.summary.SummaryState` and the new report only: the cost of
    adding a report does not grow with the incident. Assertion and log rows are written at
    the end of the batch with one ``executemany`` each.
    """

    path: str
    _q: Statements

    # ---- supplied by the backend ----

    def _exec(self, statement: str, params: Sequence[object] = ()) -> Any:
        raise NotImplementedError

    def _many(self, statement: str, rows: list[tuple[object, ...]]) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _incident_where(self, f: IncidentFilter) -> tuple[str, list[object]]:
        raise NotImplementedError

    # ---- writing ----

    def _save_batch(
        self, results: Iterable[ArticleResult], incident_of: IncidentOf | None
    ) -> SaveSummary:
        """The body of ``save_results``; the caller holds the transaction."""
        batch = _Batch()
        for result in results:
            self._save_one(result, incident_of, batch)
        self._many(self._q.insert_assertion, batch.assertions)
        self._many(self._q.insert_log, batch.log)
        summary = batch.summary
        summary.incidents_created = len(batch.created)
        summary.incidents_updated = len(set(batch.states) - batch.created)
        return summary

    def _save_one(
        self, result: ArticleResult, incident_of: IncidentOf | None, batch: _Batch
    ) -> None:
        article = result.article
        summary = batch.summary
        found = self._exec(self._q.find_duplicate, (article.content_hash, article.url)).fetchone()
        if found is not None and found[0] == article.id and result.status != "failed":
            retried = self._exec(self._q.retry_article, (result.status, result.message, article.id))
            if retried.rowcount == 1:
                found = None  # the stored copy had failed: take this outcome instead
        elif found is None and not self._insert_article(result):
            found = (article.id,)
        if found is not None:
            summary.duplicates += 1
            summary.entries.append(
                SaveEntry(article.origin, "duplicate", "already stored", article.id)
            )
            return
        summary.stored += 1
        status: Status = result.status
        setattr(summary, status, getattr(summary, status) + 1)
        summary.entries.append(SaveEntry(article.origin, status, result.message, article.id))
        if status != "extracted":
            return  # stored and searchable, but no incident
        ref = ArticleRef.of(article)
        touched: dict[str, None] = {}
        for report in result.incidents:
            if report.article_id != article.id:
                # Keep the report tied to the article row it is stored under.
                report = report.model_copy(update={"article_id": article.id})
            target = incident_of(report) if incident_of is not None else None
            action = "attached"
            if target is None:
                target = incident_id_for(report)
                if self._create_incident(target):
                    batch.created.add(target)
                    action = "created"
            elif not self._incident_exists(target):
                # A resolver bug: fail the batch rather than invent an incident.
                raise NotFoundError.make("E032", kind="incident", id=target, listing="incidents")
            # Read the state before the report is stored, so it is counted exactly once (an
            # incident created just now has the empty state it was written with).
            state = batch.states.get(target) or (
                SummaryState() if action == "created" else self._state_of(target)
            )
            if not self._insert_report(report, target, batch):
                continue
            state.add(report, ref)
            batch.states[target] = state
            touched[target] = None
            summary.reports += 1
            batch.log.append((target, report.id, action, None, None, None, now()))
        for incident_id in touched:
            self._write_summary(incident_id, batch.states[incident_id])

    def _insert_article(self, result: ArticleResult) -> bool:
        a = result.article
        extra = json.dumps(a.model_dump(mode="json")["extra"], ensure_ascii=False)
        cur = self._exec(
            self._q.insert_article,
            (
                a.id,
                a.content_hash,
                a.url,
                a.title,
                a.source,
                a.published.isoformat() if a.published else None,
                a.language,
                a.origin,
                result.status,
                result.message,
                a.text,
                extra,
                now(),
            ),
        )
        return bool(cur.rowcount == 1)  # 0: another writer stored it first

    def _insert_report(self, report: IncidentReport, incident_id: str, batch: _Batch) -> bool:
        cur = self._exec(
            self._q.insert_report,
            (report.id, report.article_id, report.index, incident_id, report.model_dump_json()),
        )
        if cur.rowcount != 1:
            return False
        batch.assertions.extend(
            (
                report.id,
                pos,
                a.field,
                a.value,
                a.normalized.model_dump_json(),
                a.start,
                a.end,
                a.sentence.model_dump_json(),
                a.speaker,
                a.outlet,
                a.stance.value,
                a.confidence,
                a.extractor,
            )
            for pos, a in enumerate(report.assertions())
        )
        return True

    def _incident_exists(self, incident_id: str) -> bool:
        return self._exec(self._q.incident_exists, (incident_id,)).fetchone() is not None

    def _create_incident(self, incident_id: str) -> bool:
        stamp = now()
        placeholder = IncidentSummary(id=incident_id, title=incident_id)
        cur = self._exec(
            self._q.insert_incident,
            (
                incident_id,
                placeholder.model_dump_json(),
                placeholder.title,
                stamp,
                stamp,
                SummaryState().model_dump_json(),
            ),
        )
        return bool(cur.rowcount == 1)

    def _log(
        self,
        incident_id: str,
        report_id: str | None,
        action: str,
        from_incident: str | None,
        reason: str | None,
        who: str | None = None,
    ) -> None:
        self._exec(
            self._q.insert_log, (incident_id, report_id, action, from_incident, reason, who, now())
        )

    def _article_refs(self, incident_id: str) -> list[ArticleRef]:
        return [
            ArticleRef(id=r[0], url=r[1], title=r[2], source=r[3], published=r[4])
            for r in self._exec(self._q.article_refs_of_incident, (incident_id,)).fetchall()
        ]

    def _state_of(self, incident_id: str) -> SummaryState:
        """The stored summary state; rebuilt from the reports when missing (an older schema)."""
        row = self._exec(self._q.get_incident_state, (incident_id,)).fetchone()
        if row is not None and row[0]:
            return SummaryState.model_validate_json(row[0])
        return self._rebuilt_state(incident_id)

    def _rebuilt_state(self, incident_id: str) -> SummaryState:
        refs = {a.id: a for a in self._article_refs(incident_id)}
        state = SummaryState()
        for report in self._iter_reports(self._q.reports_of_incident, (incident_id,)):
            state.add(report, refs.get(report.article_id))
        return state

    def _write_summary(self, incident_id: str, state: SummaryState) -> None:
        s = state.summary(incident_id)
        self._exec(
            self._q.update_incident,
            (
                s.model_dump_json(),
                s.title,
                s.date.isoformat() if s.date else None,
                s.country_code.upper() if s.country_code else None,
                s.city,
                s.killed,
                s.wounded,
                state.n_reports,
                now(),
                state.model_dump_json(),
                incident_id,
            ),
        )
        self._exec(self._q.delete_tags, (incident_id,))
        date = s.date.isoformat() if s.date else None
        tags: list[tuple[object, ...]] = [(incident_id, "type", t, date) for t in s.types]
        tags += [(incident_id, "group", g, date) for g in s.groups]
        self._many(self._q.insert_tag, tags)

    def relink(
        self,
        report_id: str,
        incident_id: str,
        *,
        reason: str | None = None,
        create: bool = False,
        who: str | None = None,
    ) -> None:
        """Move one report to another incident (see :meth:`relink_many`)."""
        self.relink_many([report_id], incident_id, reason=reason, create=create, who=who)

    def relink_many(
        self,
        report_ids: Sequence[str],
        incident_id: str,
        *,
        reason: str | None = None,
        create: bool = False,
        who: str | None = None,
        keep_apart: bool = False,
    ) -> None:
        """Move reports to another incident in one transaction; re-summarise each incident
        touched once.

        With ``create=True`` a missing target incident is created (splitting reports off).
        An incident left with no report is deleted. Every step is logged with ``reason`` and
        ``who``. With ``keep_apart=True`` (a split) the resolver will never put the moved
        reports back into the incident they left.
        """
        with self._transaction():
            olds: dict[str, str | None] = {}
            for report_id in dict.fromkeys(report_ids):
                row = self._exec(self._q.report_incident, (report_id,)).fetchone()
                if row is None:
                    raise NotFoundError.make("E032", kind="report", id=report_id, listing="show")
                olds[report_id] = row[0]
            if not self._incident_exists(incident_id):
                if not create:
                    raise NotFoundError.make(
                        "E032", kind="incident", id=incident_id, listing="incidents"
                    )
                self._create_incident(incident_id)
                first = next(iter(olds), None)
                self._log(incident_id, first, "created", olds.get(first or ""), reason, who)
            touched: dict[str, None] = {}
            for report_id, old in olds.items():
                if old == incident_id:
                    continue
                self._exec(self._q.set_report_incident, (incident_id, report_id))
                self._exec(self._q.unkeep_apart, (report_id, incident_id))
                self._log(incident_id, report_id, "relinked", old, reason, who)
                touched[incident_id] = None
                if old is not None:
                    touched[old] = None
                    if keep_apart:
                        self._exec(self._q.keep_apart, (report_id, old))
            for touched_id in touched:
                if self._exec(self._q.incident_has_reports, (touched_id,)).fetchone():
                    self._write_summary(touched_id, self._rebuilt_state(touched_id))
                else:
                    self._exec(self._q.delete_incident, (touched_id,))
                    last = next(r for r, o in olds.items() if o == touched_id)
                    self._log(touched_id, last, "deleted", None, reason or "no reports left", who)

    # ---- reading ----

    def has_article(self, *, content_hash: str | None = None, url: str | None = None) -> bool:
        """Whether an article with this content hash, or with this URL, is stored."""
        if content_hash is None and url is None:
            raise ValueError("has_article needs content_hash or url")
        if content_hash is not None:
            if self._exec(self._q.has_hash, (content_hash,)).fetchone() is not None:
                return True
        return url is not None and self._exec(self._q.has_url, (url,)).fetchone() is not None

    @staticmethod
    def _article_of(row: Sequence[Any]) -> Article:
        extra = row[9]
        return Article(
            id=row[0],
            text=row[1],
            url=row[2],
            title=row[3],
            published=dt.datetime.fromisoformat(row[4]) if row[4] else None,
            source=row[5],
            language=row[6],
            origin=row[7],
            content_hash=row[8],
            extra=json.loads(extra) if isinstance(extra, str) else extra,
        )

    def article(self, article_id: str) -> Article:
        row = self._exec(self._q.get_article, (article_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="article", id=article_id, listing="search")
        return self._article_of(row)

    def article_status(self, article_id: str) -> tuple[Status, str | None]:
        row = self._exec(self._q.article_status, (article_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="article", id=article_id, listing="search")
        return cast(Status, row[0]), row[1]

    def _iter_reports(self, query: str, params: Sequence[object]) -> Iterator[IncidentReport]:
        for (text,) in self._exec(query, params).fetchall():
            yield IncidentReport.model_validate_json(text)

    def reports(
        self, *, article_id: str | None = None, incident_id: str | None = None
    ) -> Iterator[IncidentReport]:
        """Stored reports, earliest article first; optionally of one article and/or incident."""
        q = self._q
        if article_id is not None and incident_id is not None:
            return self._iter_reports(q.reports_of_both, (article_id, incident_id))
        if article_id is not None:
            return self._iter_reports(q.reports_of_article, (article_id,))
        if incident_id is not None:
            return self._iter_reports(q.reports_of_incident, (incident_id,))
        return self._iter_reports(q.reports_all, ())

    def recent_reports(self, limit: int) -> list[IncidentReport]:
        """The ``limit`` reports stored last, newest first."""
        return list(self._iter_reports(self._q.recent_reports, (max(limit, 0),)))

    def incident(self, incident_id: str) -> Incident:
        row = self._exec(self._q.get_incident_summary, (incident_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="incident", id=incident_id, listing="incidents")
        return Incident(
            summary=IncidentSummary.model_validate_json(row[0]),
            reports=list(self._iter_reports(self._q.reports_of_incident, (incident_id,))),
            articles=self._article_refs(incident_id),
        )

    def incident_log(self, incident_id: str) -> list[LogEntry]:
        """The audit log of an incident, oldest first: what joined, moved in or out, and
        who moved it and why (moves out are the entries naming it as ``from_incident``)."""
        rows = self._exec(self._q.incident_log, (incident_id, incident_id)).fetchall()
        return [LogEntry(*row) for row in rows]

    def incidents_of(self, article_or_report_id: str) -> list[str]:
        """The incidents an article's reports (or one report) belong to; [] if none."""
        rows = self._exec(
            self._q.incidents_of_article, (article_or_report_id, article_or_report_id)
        ).fetchall()
        return [r[0] for r in rows]

    def kept_apart(self, report_id: str) -> set[str]:
        """The incidents a person split this report away from (the resolver skips them)."""
        return {r[0] for r in self._exec(self._q.kept_apart, (report_id,)).fetchall()}

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
    ) -> list[IncidentSummary]:
        """A page of incident summaries matching every given filter.

        ``country`` is an ISO code or a name; ``type`` and ``group`` match case-insensitive
        substrings of the summary's types and groups; ``query`` is full text over the
        incident's articles (every word must occur); ``sort`` is date, killed or reports,
        with a leading '-' for descending.
        """
        f = IncidentFilter(country, since, until, type, group, min_killed, query)
        rows = self._list(self._q.list_incidents, f, limit, offset, sort)
        return [IncidentSummary.model_validate_json(r[0]) for r in rows]

    def incident_keys(
        self,
        *,
        limit: int = 50,
        country: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        group: str | None = None,
        query: str | None = None,
    ) -> list[IncidentKey]:
        """The incidents :meth:`incidents` lists for these filters (latest date first), as
        :class:`IncidentKey` records: what the resolver needs of many candidates. ``group``
        is one group's exact name here (an indexed lookup), not a substring."""
        f = IncidentFilter(country, since, until, None, group, None, query, group_exact=True)
        return [
            IncidentKey(
                id=r[0],
                date=dt.date.fromisoformat(r[1]) if r[1] else None,
                city=r[2],
                groups=tuple(json.loads(r[3])) if r[3] else (),
            )
            for r in self._list(self._q.list_incident_keys, f, limit, 0, "-date")
        ]

    def _list(
        self, statement: str, f: IncidentFilter, limit: int, offset: int, sort: str
    ) -> list[Any]:
        order = SORTS.get(sort)
        if order is None:
            choices = ", ".join(SORTS)
            raise IncidexError(f"unknown sort {sort!r}; use one of: {choices}.")
        where, params = self._incident_where(f)
        if offset < 0:
            raise IncidexError(f"offset must be 0 or more, not {offset}.")
        params += [bounded(limit, "limit"), offset]
        return list(self._exec(statement.format(where=where, order=order), params).fetchall())

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
    ) -> int:
        where, params = self._incident_where(
            IncidentFilter(country, since, until, type, group, min_killed, query)
        )
        row = self._exec(self._q.count_incidents_where.format(where=where), params).fetchone()
        return int(row[0]) if row else 0

    def stats(self) -> StoreStats:
        q = self._q
        by_status = {row[0]: int(row[1]) for row in self._exec(q.count_by_status).fetchall()}

        def count(statement: str) -> int:
            row = self._exec(statement).fetchone()
            return int(row[0]) if row else 0

        return StoreStats(
            articles=sum(by_status.values()),
            by_status=by_status,
            reports=count(q.count_reports),
            incidents=count(q.count_incidents),
            assertions=count(q.count_assertions),
        )


@dataclass(slots=True)
class _Batch:
    """What one ``save_results`` call accumulates before writing it in bulk."""

    summary: SaveSummary = field(default_factory=SaveSummary)
    created: set[str] = field(default_factory=set)
    states: dict[str, SummaryState] = field(default_factory=dict)
    assertions: list[tuple[object, ...]] = field(default_factory=list)
    log: list[tuple[object, ...]] = field(default_factory=list)
