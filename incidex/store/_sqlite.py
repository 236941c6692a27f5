"""The SQLite store: one file, WAL mode, schema by ordered migrations, one batch per transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, cast

from ..errors import CorruptStoreError, IncidexError, NotFoundError, StoreError
from ..model import (
    Article,
    ArticleRef,
    ArticleResult,
    Incident,
    IncidentReport,
    IncidentSummary,
    Status,
)
from . import _sql as sql
from ._base import (
    IncidentOf,
    MigrationRecord,
    SaveEntry,
    SaveSummary,
    SearchHit,
    StoreStats,
)

__all__ = ["SQLiteStore", "incident_id_for"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 10_000
_MAX_LIMIT = 10_000  # bound on one page of incidents / search hits


def incident_id_for(report: IncidentReport) -> str:
    """The id of the incident a report founds: stable across re-runs."""
    return "i" + hashlib.sha256(report.id.encode("utf-8")).hexdigest()[:12]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _bounded(value: int, name: str) -> int:
    if value < 0:
        raise IncidexError(f"{name} must be 0 or more, not {value}.")
    return min(value, _MAX_LIMIT)


class SQLiteStore:
    """The incidex database in one SQLite file (or in memory).

    ``Store()`` opens the file named by the ``db`` setting; ``Store(path)`` a given file;
    ``Store(memory=True)`` a private in-memory database (tests, dry runs). Opening creates
    the file if needed and applies missing migrations, each in its own transaction. A
    connection belongs to the thread that opened the store; open one store per thread or
    process; concurrent writers are serialised by SQLite's lock (BEGIN IMMEDIATE, 10 s
    busy timeout) and deduplicated by UNIQUE constraints.
    """

    def __init__(self, path: str | Path | None = None, *, memory: bool = False) -> None:
        if memory:
            self.path = ":memory:"
        else:
            if path is None:
                from ..config import load_settings

                path = load_settings().db
            self.path = str(path)
            if "://" in self.path:
                raise StoreError(
                    f"{self.path}: only SQLite files are supported so far; give a file path."
                )
            _check_file(Path(self.path))
        self._conn = self._connect()
        try:
            self._check_schema()
            self._configure()
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # ---- life cycle ----

    def _connect(self) -> sqlite3.Connection:
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves.
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=_BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc}).") from None
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        return conn

    def _corrupt(self, detail: str) -> CorruptStoreError:
        err = CorruptStoreError.make("E030", path=self.path, detail=detail)
        return cast(CorruptStoreError, err)

    def _check_schema(self) -> None:
        """Refuse, before writing anything, a file that is not ours."""
        try:
            tables = {row[0] for row in self._conn.execute(sql.LIST_TABLES)}
            if not tables:
                return  # a new, empty database
            if "incidex_meta" not in tables:
                shown = ", ".join(sorted(tables)[:5])
                raise self._corrupt(f"it holds tables of another program: {shown}")
            row = self._conn.execute(sql.READ_MARKER, (sql.MARKER_KEY,)).fetchone()
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(str(exc)) from None
        if row is None or row[0] != sql.MARKER_VALUE:
            raise self._corrupt("the incidex schema marker is missing")

    def _configure(self) -> None:
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(str(exc)) from None

    def _applied(self) -> set[int]:
        tables = {row[0] for row in self._conn.execute(sql.LIST_TABLES)}
        if "migrations" not in tables:
            return set()
        return {row[0] for row in self._conn.execute(sql.APPLIED_VERSIONS)}

    def _migrate(self) -> None:
        applied = self._applied()
        found = max(applied | {self._user_version()})
        if found > sql.SCHEMA_VERSION:
            raise StoreError.make("E033", path=self.path, found=found, supported=sql.SCHEMA_VERSION)
        for migration in sql.MIGRATIONS:
            if migration.version in applied:
                continue
            with self._transaction():
                # Another process may have migrated while we waited for the lock.
                if migration.version in self._applied():
                    continue
                for statement in migration.statements:
                    self._conn.execute(statement)
                self._conn.execute(
                    sql.RECORD_MIGRATION, (migration.version, migration.name, _now())
                )
                # PRAGMA takes no parameters; the version is an int from our own table.
                self._conn.execute(f"PRAGMA user_version = {int(migration.version)}")

    def _user_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.path!r})"

    @property
    def schema_version(self) -> int:
        return self._user_version()

    @property
    def journal_mode(self) -> str:
        return str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])

    def migrations(self) -> list[MigrationRecord]:
        return [MigrationRecord(*row) for row in self._conn.execute(sql.LIST_MIGRATIONS)]

    def integrity_check(self) -> None:
        """Raise CorruptStoreError (E031) unless the file, foreign keys and FTS index are sound."""
        try:
            rows = [r[0] for r in self._conn.execute("PRAGMA integrity_check(20)")]
            if rows != ["ok"]:
                raise CorruptStoreError.make("E031", path=self.path, detail="; ".join(rows[:5]))
            bad = self._conn.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                detail = f"{len(bad)} broken reference(s), first in table {bad[0][0]}"
                raise CorruptStoreError.make("E031", path=self.path, detail=detail)
            self._conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        except sqlite3.DatabaseError as exc:
            raise CorruptStoreError.make("E031", path=self.path, detail=str(exc)) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"{self.path}: the database is busy ({exc}); another incidex process holds "
                "the write lock. Try again when it has finished."
            ) from None
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    # ---- writing ----

    def save_results(
        self, results: Iterable[ArticleResult], incident_of: IncidentOf | None = None
    ) -> SaveSummary:
        """Store a batch of extraction results in one transaction: all of it or nothing.

        Articles already stored (same content hash or URL) are skipped as duplicates. Each
        report of an extracted article joins the incident ``incident_of(report)`` names, or
        founds a new one (:func:`incident_id_for`); touched incidents are re-summarised.
        """
        summary = SaveSummary()
        created: set[str] = set()
        updated: set[str] = set()
        try:
            with self._transaction():
                for result in results:
                    self._save_one(result, incident_of, summary, created, updated)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.OperationalError):
                raise StoreError(f"{self.path}: the batch was not saved ({exc}).") from None
            raise CorruptStoreError.make("E031", path=self.path, detail=str(exc)) from None
        summary.incidents_created = len(created)
        summary.incidents_updated = len(updated - created)
        return summary

    def _save_one(
        self,
        result: ArticleResult,
        incident_of: IncidentOf | None,
        summary: SaveSummary,
        created: set[str],
        updated: set[str],
    ) -> None:
        article = result.article
        if self._conn.execute(
            sql.FIND_DUPLICATE, (article.content_hash, article.url, article.url)
        ).fetchone() or not self._insert_article(result):
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
        touched: list[str] = []
        for report in result.incidents:
            if report.article_id != article.id:
                # Keep the report tied to the article row it is stored under.
                report = report.model_copy(update={"article_id": article.id})
            target = incident_of(report) if incident_of is not None else None
            action = "attached"
            if target is None:
                target = incident_id_for(report)
                if self._create_incident(target):
                    created.add(target)
                    action = "created"
            elif not self._incident_exists(target):
                # A resolver bug: fail the batch rather than invent an incident.
                raise NotFoundError.make("E032", kind="incident", id=target, listing="list")
            if not self._insert_report(report, target):
                continue
            summary.reports += 1
            updated.add(target)
            self._log(target, report.id, action, None, None)
            if target not in touched:
                touched.append(target)
        # Re-summarise now, so a resolver called for the next article sees current values.
        for incident_id in touched:
            self._resummarize(incident_id)

    def _insert_article(self, result: ArticleResult) -> bool:
        a = result.article
        extra = json.dumps(a.model_dump(mode="json")["extra"], ensure_ascii=False)
        cur = self._conn.execute(
            sql.INSERT_ARTICLE,
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
                _now(),
            ),
        )
        return cur.rowcount == 1  # 0: another writer stored it first

    def _insert_report(self, report: IncidentReport, incident_id: str) -> bool:
        cur = self._conn.execute(
            sql.INSERT_REPORT,
            (report.id, report.article_id, report.index, incident_id, report.model_dump_json()),
        )
        if cur.rowcount != 1:
            return False
        rows = []
        for pos, a in enumerate(report.assertions()):
            rows.append(
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
            )
        self._conn.executemany(sql.INSERT_ASSERTION, rows)
        return True

    def _incident_exists(self, incident_id: str) -> bool:
        return self._conn.execute(sql.INCIDENT_EXISTS, (incident_id,)).fetchone() is not None

    def _create_incident(self, incident_id: str) -> bool:
        now = _now()
        placeholder = IncidentSummary(id=incident_id, title=incident_id)
        cur = self._conn.execute(
            sql.INSERT_INCIDENT,
            (incident_id, placeholder.model_dump_json(), placeholder.title, now, now),
        )
        return cur.rowcount == 1

    def _log(
        self,
        incident_id: str,
        report_id: str | None,
        action: str,
        from_incident: str | None,
        reason: str | None,
    ) -> None:
        self._conn.execute(
            sql.INSERT_LOG, (incident_id, report_id, action, from_incident, reason, _now())
        )

    def _article_refs(self, incident_id: str) -> list[ArticleRef]:
        return [
            ArticleRef(id=r[0], url=r[1], title=r[2], source=r[3], published=r[4])
            for r in self._conn.execute(sql.ARTICLE_REFS_OF_INCIDENT, (incident_id,))
        ]

    def _resummarize(self, incident_id: str) -> None:
        from ..resolve import summarize  # resolve may import the store; import late

        reports = list(self._iter_reports(sql.REPORTS_OF_INCIDENT, (incident_id,)))
        refs = self._article_refs(incident_id)
        s = summarize(incident_id, reports, refs)
        if s.id != incident_id:
            s = s.model_copy(update={"id": incident_id})
        self._conn.execute(
            sql.UPDATE_INCIDENT,
            (
                s.model_dump_json(),
                s.title,
                s.date.isoformat() if s.date else None,
                s.country_code.upper() if s.country_code else None,
                s.city,
                s.killed,
                s.wounded,
                len(reports),
                _now(),
                incident_id,
            ),
        )
        self._conn.execute(sql.DELETE_TAGS, (incident_id,))
        tags = [(incident_id, "type", t) for t in s.types]
        tags += [(incident_id, "group", g) for g in s.groups]
        self._conn.executemany(sql.INSERT_TAG, tags)

    def relink(
        self, report_id: str, incident_id: str, *, reason: str | None = None, create: bool = False
    ) -> None:
        """Move a report to another incident and re-summarise both, in one transaction.

        With ``create=True`` a missing target incident is created (splitting a report off).
        An incident left with no report is deleted. Both steps are logged.
        """
        with self._transaction():
            row = self._conn.execute(sql.REPORT_INCIDENT, (report_id,)).fetchone()
            if row is None:
                raise NotFoundError.make("E032", kind="report", id=report_id, listing="show")
            old: str | None = row[0]
            if not self._incident_exists(incident_id):
                if not create:
                    raise NotFoundError.make(
                        "E032", kind="incident", id=incident_id, listing="list"
                    )
                self._create_incident(incident_id)
                self._log(incident_id, report_id, "created", old, reason)
            if old == incident_id:
                return
            self._conn.execute(sql.SET_REPORT_INCIDENT, (incident_id, report_id))
            self._log(incident_id, report_id, "relinked", old, reason)
            self._resummarize(incident_id)
            if old is not None:
                if self._conn.execute(
                    "SELECT 1 FROM reports WHERE incident_id = ? LIMIT 1", (old,)
                ).fetchone():
                    self._resummarize(old)
                else:
                    self._conn.execute(sql.DELETE_INCIDENT, (old,))
                    self._log(old, report_id, "deleted", None, reason or "no reports left")

    # ---- reading ----

    def has_article(self, *, content_hash: str | None = None, url: str | None = None) -> bool:
        """Whether an article with this content hash, or with this URL, is stored."""
        if content_hash is None and url is None:
            raise ValueError("has_article needs content_hash or url")
        if content_hash is not None:
            if self._conn.execute(sql.HAS_HASH, (content_hash,)).fetchone() is not None:
                return True
        return url is not None and self._conn.execute(sql.HAS_URL, (url,)).fetchone() is not None

    @staticmethod
    def _article_of(row: Sequence[Any]) -> Article:
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
            extra=json.loads(row[9]),
        )

    def article(self, article_id: str) -> Article:
        row = self._conn.execute(sql.GET_ARTICLE, (article_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="article", id=article_id, listing="search")
        return self._article_of(row)

    def articles(self, *, limit: int | None = None) -> Iterator[Article]:
        if limit is None:
            cur = self._conn.execute(sql.LIST_ARTICLES)
        else:
            cur = self._conn.execute(sql.LIST_ARTICLES_LIMIT, (max(limit, 0),))
        for row in cur:
            yield self._article_of(row)

    def article_status(self, article_id: str) -> tuple[Status, str | None]:
        row = self._conn.execute(sql.ARTICLE_STATUS, (article_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="article", id=article_id, listing="search")
        return cast(Status, row[0]), row[1]

    def _iter_reports(self, query: str, params: Sequence[object]) -> Iterator[IncidentReport]:
        for (text,) in self._conn.execute(query, params).fetchall():
            yield IncidentReport.model_validate_json(text)

    def reports(
        self, *, article_id: str | None = None, incident_id: str | None = None
    ) -> Iterator[IncidentReport]:
        """Stored reports, earliest article first; optionally of one article and/or incident."""
        if article_id is not None and incident_id is not None:
            return self._iter_reports(sql.REPORTS_OF_BOTH, (article_id, incident_id))
        if article_id is not None:
            return self._iter_reports(sql.REPORTS_OF_ARTICLE, (article_id,))
        if incident_id is not None:
            return self._iter_reports(sql.REPORTS_OF_INCIDENT, (incident_id,))
        return self._iter_reports(sql.REPORTS_ALL, ())

    def incident(self, incident_id: str) -> Incident:
        row = self._conn.execute(sql.GET_INCIDENT_SUMMARY, (incident_id,)).fetchone()
        if row is None:
            raise NotFoundError.make("E032", kind="incident", id=incident_id, listing="list")
        return Incident(
            summary=IncidentSummary.model_validate_json(row[0]),
            reports=list(self._iter_reports(sql.REPORTS_OF_INCIDENT, (incident_id,))),
            articles=self._article_refs(incident_id),
        )

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
        order = sql.SORTS.get(sort)
        if order is None:
            choices = ", ".join(sql.SORTS)
            raise IncidexError(f"unknown sort {sort!r}; use one of: {choices}.")
        where, params = sql.incident_where(
            sql.IncidentFilter(country, since, until, type, group, min_killed, query)
        )
        statement = sql.LIST_INCIDENTS.format(where=where, order=order)
        if offset < 0:
            raise IncidexError(f"offset must be 0 or more, not {offset}.")
        params += [_bounded(limit, "limit"), offset]
        rows = self._conn.execute(statement, params).fetchall()
        return [IncidentSummary.model_validate_json(r[0]) for r in rows]

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
        where, params = sql.incident_where(
            sql.IncidentFilter(country, since, until, type, group, min_killed, query)
        )
        return int(
            self._conn.execute(sql.COUNT_INCIDENTS_WHERE.format(where=where), params).fetchone()[0]
        )

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and texts; every word must occur.

        User text is quoted phrase by phrase, so FTS5 syntax in it is searched for as words.
        """
        match = sql.fts_phrase_query(query)
        if match is None:
            return []
        rows = self._conn.execute(sql.SEARCH, (match, _bounded(limit, "limit"))).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3] or "", float(r[4])) for r in rows]

    def stats(self) -> StoreStats:
        by_status = {row[0]: int(row[1]) for row in self._conn.execute(sql.COUNT_BY_STATUS)}

        def count(statement: str) -> int:
            return int(self._conn.execute(statement).fetchone()[0])

        return StoreStats(
            articles=sum(by_status.values()),
            by_status=by_status,
            reports=count(sql.COUNT_REPORTS),
            incidents=count(sql.COUNT_INCIDENTS),
            assertions=count(sql.COUNT_ASSERTIONS),
        )


def _check_file(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite touches it."""
    if path.is_dir():
        raise CorruptStoreError.make("E030", path=path, detail="it is a folder")
    if not path.exists():
        return
    try:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the database ({exc.strerror}).") from None
    if head and head != _SQLITE_HEADER:
        raise CorruptStoreError.make("E030", path=path, detail="the file is not a SQLite database")
