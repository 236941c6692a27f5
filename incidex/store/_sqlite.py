"""The SQLite store: one file, WAL mode, schema by ordered migrations, one batch per transaction."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import cast

from ..errors import CorruptStoreError, StoreError
from ..model import (
    Article,
    ArticleResult,
)
from . import _sql as sql
from ._base import (
    IncidentOf,
    MigrationRecord,
    SaveSummary,
    SearchHit,
    SQLStoreBase,
    bounded,
    incident_id_for,
    now,
)

__all__ = ["SQLiteStore", "incident_id_for"]

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_TIMEOUT_MS = 10_000


class SQLiteStore(SQLStoreBase):
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
        self._q = sql.SQLITE
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
            self._wal()
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(str(exc)) from None

    def _wal(self) -> None:
        """Switch to WAL. The switch needs the file to itself and SQLite does not wait for it
        through the busy handler: a second process opening the same new database at that
        moment got "database is locked" (1 open in 300 of two at once), which read as a
        corrupt file. Wait for it as the busy timeout would."""
        deadline = time.monotonic() + _BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.path}: the database is busy ({exc}); another incidex process "
                        "holds it. Try again when it has finished."
                    ) from None
                time.sleep(0.01)

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
                self._conn.execute(sql.RECORD_MIGRATION, (migration.version, migration.name, now()))
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

    # ---- the shared code's hooks ----

    def _exec(self, statement: str, params: Sequence[object] = ()) -> sqlite3.Cursor:
        return self._conn.execute(statement, params)

    def _many(self, statement: str, rows: list[tuple[object, ...]]) -> None:
        if rows:
            self._conn.executemany(statement, rows)

    def _incident_where(self, f: sql.IncidentFilter) -> tuple[str, list[object]]:
        return sql.incident_where(f)

    # ---- writing ----

    def save_results(
        self, results: Iterable[ArticleResult], incident_of: IncidentOf | None = None
    ) -> SaveSummary:
        """Store a batch of extraction results in one transaction: all of it or nothing.

        Articles already stored (same content hash or URL) are skipped as duplicates. Each
        report of an extracted article joins the incident ``incident_of(report)`` names, or
        founds a new one (:func:`incident_id_for`); touched incidents are re-summarised once
        per batch, from their stored summary state and the new reports.
        """
        try:
            with self._transaction():
                return self._save_batch(results, incident_of)
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.IntegrityError | sqlite3.OperationalError):
                raise StoreError(f"{self.path}: the batch was not saved ({exc}).") from None
            raise CorruptStoreError.make("E031", path=self.path, detail=str(exc)) from None

    # ---- reading ----

    def articles(self, *, limit: int | None = None) -> Iterator[Article]:
        if limit is None:
            cur = self._conn.execute(sql.LIST_ARTICLES)
        else:
            cur = self._conn.execute(sql.LIST_ARTICLES_LIMIT, (max(limit, 0),))
        for row in cur:
            yield self._article_of(row)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and texts; every word must occur.

        User text is quoted phrase by phrase, so FTS5 syntax in it is searched for as words.
        """
        match = sql.fts_phrase_query(query)
        if match is None:
            return []
        rows = self._conn.execute(sql.SEARCH, (match, bounded(limit, "limit"))).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3] or "", float(r[4])) for r in rows]


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
