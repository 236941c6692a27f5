"""The PostgreSQL store: the SQLite store's schema and semantics on a database server.

Same tables, columns, migrations (numbers and names), idempotence and errors as
:class:`~incidex.store.SQLiteStore`; statements are translated here (``%s`` placeholders,
``tsvector`` instead of FTS5). psycopg 3 is an optional dependency (``incidex[postgres]``)
imported only when a PostgresStore is opened, so the default install works without it.

Concurrency: the connection runs in autocommit mode, so reads never hold a transaction
open; every write (a ``save_results`` batch, a relink, a migration) is one transaction that
first takes a transaction-scoped advisory lock. That serialises writers exactly as SQLite's
``BEGIN IMMEDIATE`` does (a resolver's reads and the batch's writes see one consistent
state, and two writers cannot found two incidents for the same report), while readers are
never blocked. Duplicates are also stopped by UNIQUE constraints and ``ON CONFLICT DO
NOTHING``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..errors import ConfigError, CorruptStoreError, StoreError
from ..model import (
    Article,
    ArticleResult,
)
from . import _sql as sql
from ._base import IncidentOf, MigrationRecord, SaveSummary, SearchHit, SQLStoreBase, bounded, now

if TYPE_CHECKING:
    import psycopg

__all__ = ["PG_STEPS", "PostgresStore", "is_postgres_url", "redact_url"]

_SCHEMES = ("postgresql://", "postgres://")
# Advisory lock keys (two int4 keys): writers lock (_WRITE_LOCK, hash of the schema), so
# stores in different schemas of one database do not wait for each other; migrations lock
# database-wide because CREATE EXTENSION is database-wide.
_WRITE_LOCK = 0x1D3E
_MIGRATION_LOCK = 0x1D3F
_LOCK_TIMEOUT = "30s"  # how long a writer waits for another one before giving up
_CONNECT_TIMEOUT_S = 10
_PAGE = 500  # articles() reads this many rows per round trip
_FTS_CONFIG = "incidex_fts"
# Characters of an article indexed and used for snippets: a tsvector is limited to 1 MB.
_FTS_CHARS = 250_000
_FTS_DOC = f"coalesce(title, '') || ' ' || left(text, {_FTS_CHARS})"
_HEADLINE_OPTIONS = (
    'StartSel="[", StopSel="]", MaxWords=24, MinWords=8, MaxFragments=1, FragmentDelimiter=" … "'
)

Step = str | Callable[["psycopg.Connection[Any]"], None]


def is_postgres_url(target: str) -> bool:
    """Whether a ``--db`` value names a PostgreSQL database rather than a SQLite file."""
    return target.strip().lower().startswith(_SCHEMES)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ``***``, fit for messages and ``store.path``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "postgresql://***"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    query = urlencode(
        [
            (k, "***" if k.lower() == "password" else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _psycopg() -> ModuleType:
    try:
        return importlib.import_module("psycopg")
    except ImportError:
        raise ConfigError(
            "the PostgreSQL store needs psycopg 3: pip install 'incidex[postgres]' "
            "(or pip install 'psycopg[binary]').",
            code="E021",
        ) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---- the schema: version 1 of sql.MIGRATIONS, translated ----


def _create_fts_config(conn: psycopg.Connection[Any]) -> None:
    """A text search configuration like SQLite's ``unicode61 remove_diacritics``.

    'simple' (lower case, no stemming, no stop words) behind the ``unaccent`` dictionary,
    so 'sao paulo' finds 'São Paulo' and 'killed' does not find 'killing', as in SQLite.
    """
    pg = _psycopg()
    try:
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except pg.Error as exc:
        raise StoreError(
            f"cannot enable the PostgreSQL extension unaccent ({_first_line(exc)}). It ships "
            "with PostgreSQL (contrib); ask the database owner to run CREATE EXTENSION "
            "unaccent; in this database."
        ) from None
    row = conn.execute(
        "SELECT n.nspname FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace "
        "WHERE d.dictname = 'unaccent' ORDER BY n.nspname = 'public' DESC LIMIT 1"
    ).fetchone()
    if row is None:
        raise StoreError("the unaccent extension is installed but its dictionary is missing.")
    ident = pg.sql.Identifier
    conn.execute(
        pg.sql.SQL("CREATE TEXT SEARCH CONFIGURATION {} (COPY = pg_catalog.simple)").format(
            ident(_FTS_CONFIG)
        )
    )
    conn.execute(
        pg.sql.SQL(
            "ALTER TEXT SEARCH CONFIGURATION {} ALTER MAPPING FOR "
            "asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, "
            "numhword, hword_numpart WITH {}.unaccent, pg_catalog.simple"
        ).format(ident(_FTS_CONFIG), ident(row[0]))
    )


_V1: tuple[Step, ...] = (
    "CREATE TABLE IF NOT EXISTS incidex_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO incidex_meta (key, value) VALUES ('schema', 'incidex') ON CONFLICT DO NOTHING",
    """CREATE TABLE IF NOT EXISTS migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
    )""",
    _create_fts_config,
    # Dates and ids are ISO / ASCII text compared byte-wise (COLLATE "C") so ordering is the
    # same as in SQLite whatever the database's locale.
    f"""CREATE TABLE articles (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT COLLATE "C" NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        url TEXT,
        title TEXT,
        source TEXT,
        published TEXT COLLATE "C",
        language TEXT,
        origin TEXT,
        status TEXT NOT NULL
            CHECK (status IN ('extracted', 'no_incident', 'not_english', 'failed')),
        message TEXT,
        text TEXT NOT NULL,
        extra JSONB NOT NULL DEFAULT '{{}}',
        ingested_at TEXT COLLATE "C" NOT NULL,
        fts tsvector GENERATED ALWAYS AS (to_tsvector('{_FTS_CONFIG}', {_FTS_DOC})) STORED
    )""",
    "CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url IS NOT NULL",
    "CREATE INDEX articles_status ON articles (status)",
    "CREATE INDEX articles_fts ON articles USING GIN (fts)",
    """CREATE TABLE incidents (
        id TEXT COLLATE "C" PRIMARY KEY,
        summary JSONB NOT NULL,
        title TEXT,
        date TEXT COLLATE "C",
        country_code TEXT,
        city TEXT,
        killed BIGINT,
        wounded BIGINT,
        n_reports BIGINT NOT NULL DEFAULT 0,
        created_at TEXT COLLATE "C" NOT NULL,
        updated_at TEXT COLLATE "C" NOT NULL
    )""",
    "CREATE INDEX incidents_date ON incidents (date)",
    "CREATE INDEX incidents_country ON incidents (country_code)",
    "CREATE INDEX incidents_killed ON incidents (killed)",
    """CREATE TABLE incident_tags (
        incident_id TEXT COLLATE "C" NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('type', 'group')),
        value TEXT NOT NULL,
        PRIMARY KEY (incident_id, kind, value)
    )""",
    "CREATE INDEX incident_tags_value ON incident_tags (kind, value)",
    # json stays TEXT: the exact report as written is the source of truth.
    """CREATE TABLE reports (
        id TEXT COLLATE "C" PRIMARY KEY,
        article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        incident_id TEXT COLLATE "C" REFERENCES incidents (id),
        json TEXT NOT NULL,
        UNIQUE (article_id, idx)
    )""",
    "CREATE INDEX reports_incident ON reports (incident_id)",
    "CREATE INDEX reports_article ON reports (article_id)",
    """CREATE TABLE assertions (
        report_id TEXT COLLATE "C" NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        pos INTEGER NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        normalized JSONB NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        sentence JSONB NOT NULL,
        speaker TEXT,
        outlet TEXT,
        stance TEXT NOT NULL,
        confidence DOUBLE PRECISION NOT NULL,
        extractor TEXT NOT NULL,
        PRIMARY KEY (report_id, pos)
    )""",
    "CREATE INDEX assertions_field ON assertions (field)",
    "CREATE INDEX assertions_speaker ON assertions (speaker)",
    """CREATE TABLE incident_log (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        incident_id TEXT NOT NULL,
        report_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('created', 'attached', 'relinked', 'deleted')),
        from_incident TEXT,
        reason TEXT,
        at TEXT COLLATE "C" NOT NULL
    )""",
    "CREATE INDEX incident_log_incident ON incident_log (incident_id)",
)

_V2: tuple[Step, ...] = (
    "ALTER TABLE incident_log ADD COLUMN who TEXT",
    """CREATE TABLE kept_apart (
        report_id TEXT COLLATE "C" NOT NULL,
        incident_id TEXT COLLATE "C" NOT NULL,
        PRIMARY KEY (report_id, incident_id)
    )""",
    "ALTER TABLE incidents ADD COLUMN state TEXT",
)

_V3: tuple[Step, ...] = (
    'ALTER TABLE incident_tags ADD COLUMN date TEXT COLLATE "C"',
    """UPDATE incident_tags t SET date = i.date FROM incidents i WHERE i.id = t.incident_id""",
    "CREATE INDEX incident_tags_dated ON incident_tags (kind, value, date)",
)

# version -> steps; one entry per sql.MIGRATIONS entry (a test keeps them in step).
PG_STEPS: dict[int, tuple[Step, ...]] = {1: _V1, 2: _V2, 3: _V3}

# ---- statements ----

_LIST_TABLES = """SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"""
_SCHEMA_VERSION = "SELECT coalesce(max(version), 0) FROM migrations"
_LOCK_FOR_WRITE = "SELECT pg_advisory_xact_lock(%s, hashtext(coalesce(current_schema(), '')))"
_LOCK_FOR_MIGRATION = "SELECT pg_advisory_xact_lock(%s, 0)"
_SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', %s, true)"

_ARTICLE_COLUMNS = (
    "id, text, url, title, published, source, language, origin, content_hash, extra::text, seq"
)
_INSERT_ARTICLE = """INSERT INTO articles (
        id, content_hash, url, title, source, published, language, origin,
        status, message, text, extra, ingested_at
    ) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s)
    ON CONFLICT DO NOTHING"""
_GET_ARTICLE = f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = %s"
_ARTICLES_AFTER = f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE seq > %s ORDER BY seq LIMIT %s"

_INSERT_ASSERTION = """INSERT INTO assertions (
        report_id, pos, field, value, normalized, char_start, char_end, sentence,
        speaker, outlet, stance, confidence, extractor
    ) VALUES (%s, %s, %s, %s, %s::jsonb, %s, %s, %s::jsonb, %s, %s, %s, %s, %s)"""
_REPORT_INCIDENT = "SELECT incident_id FROM reports WHERE id = %s FOR UPDATE"

_INSERT_INCIDENT = """INSERT INTO incidents
    (id, summary, title, n_reports, created_at, updated_at, state)
    VALUES (%s, %s::jsonb, %s, 0, %s, %s, %s) ON CONFLICT DO NOTHING"""
_UPDATE_INCIDENT = """UPDATE incidents SET
        summary = %s::jsonb, title = %s, date = %s, country_code = %s, city = %s, killed = %s,
        wounded = %s, n_reports = %s, updated_at = %s, state = %s
    WHERE id = %s"""
_GET_INCIDENT_SUMMARY = "SELECT summary::text FROM incidents WHERE id = %s"


_LIST_INCIDENTS = "SELECT summary::text FROM incidents{where} ORDER BY {order} LIMIT %s OFFSET %s"
_LIST_INCIDENT_KEYS = (
    "SELECT id, date, city, (summary -> 'groups')::text FROM incidents{where} "
    "ORDER BY {order} LIMIT %s OFFSET %s"
)

# Rows that point nowhere; only possible if someone dropped a foreign key.
_BROKEN_REFERENCES = (
    (
        "reports",
        "SELECT count(*) FROM reports r WHERE NOT EXISTS "
        "(SELECT 1 FROM articles a WHERE a.id = r.article_id) OR (r.incident_id IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = r.incident_id))",
    ),
    (
        "assertions",
        "SELECT count(*) FROM assertions x WHERE NOT EXISTS "
        "(SELECT 1 FROM reports r WHERE r.id = x.report_id)",
    ),
    (
        "incident_tags",
        "SELECT count(*) FROM incident_tags t WHERE NOT EXISTS "
        "(SELECT 1 FROM incidents i WHERE i.id = t.incident_id)",
    ),
)
_UNVALIDATED_CONSTRAINTS = """SELECT c.conname FROM pg_constraint c
    JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname = current_schema() AND NOT c.convalidated"""
_EXPECTED_TABLES = frozenset(
    {
        "incidex_meta",
        "migrations",
        "articles",
        "incidents",
        "incident_tags",
        "reports",
        "assertions",
        "incident_log",
        "kept_apart",
    }
)


def _pg(statement: str) -> str:
    """A statement of ``_sql`` with PostgreSQL placeholders (only where no cast is needed)."""
    return statement.replace("?", "%s")


PG = sql.Statements(
    find_duplicate=_pg(sql.FIND_DUPLICATE),
    insert_article=_INSERT_ARTICLE,
    get_article=_GET_ARTICLE,
    article_status=_pg(sql.ARTICLE_STATUS),
    retry_article=_pg(sql.RETRY_ARTICLE),
    has_hash=_pg(sql.HAS_HASH),
    has_url=_pg(sql.HAS_URL),
    insert_report=_pg(sql.INSERT_REPORT),
    insert_assertion=_INSERT_ASSERTION,
    reports_all=_pg(sql.REPORTS_ALL),
    reports_of_article=_pg(sql.REPORTS_OF_ARTICLE),
    reports_of_incident=_pg(sql.REPORTS_OF_INCIDENT),
    reports_of_both=_pg(sql.REPORTS_OF_BOTH),
    recent_reports=_pg(sql.RECENT_REPORTS),
    article_refs_of_incident=_pg(sql.ARTICLE_REFS_OF_INCIDENT),
    report_incident=_REPORT_INCIDENT,
    set_report_incident=_pg(sql.SET_REPORT_INCIDENT),
    incident_has_reports=_pg(sql.INCIDENT_HAS_REPORTS),
    incident_exists=_pg(sql.INCIDENT_EXISTS),
    insert_incident=_INSERT_INCIDENT,
    update_incident=_UPDATE_INCIDENT,
    get_incident_state=_pg(sql.GET_INCIDENT_STATE),
    delete_incident=_pg(sql.DELETE_INCIDENT),
    delete_tags=_pg(sql.DELETE_TAGS),
    insert_tag=_pg(sql.INSERT_TAG),
    get_incident_summary=_GET_INCIDENT_SUMMARY,
    insert_log=_pg(sql.INSERT_LOG),
    incident_log=_pg(sql.INCIDENT_LOG),
    incidents_of_article=_pg(sql.INCIDENTS_OF_ARTICLE),
    keep_apart=_pg(sql.KEEP_APART),
    kept_apart=_pg(sql.KEPT_APART),
    unkeep_apart=_pg(sql.UNKEEP_APART),
    count_by_status=_pg(sql.COUNT_BY_STATUS),
    count_reports=_pg(sql.COUNT_REPORTS),
    count_incidents=_pg(sql.COUNT_INCIDENTS),
    count_assertions=_pg(sql.COUNT_ASSERTIONS),
    list_incidents=_LIST_INCIDENTS,
    list_incident_keys=_LIST_INCIDENT_KEYS,
    count_incidents_where=_pg(sql.COUNT_INCIDENTS_WHERE),
)


def _tsquery(chunks: Sequence[str]) -> str:
    """A tsquery expression ANDing one phrase per chunk; the chunks are bound parameters.

    phraseto_tsquery reads its input as plain words, so tsquery operators in user text are
    just punctuation; only the number of placeholders depends on the input.
    """
    one = f"phraseto_tsquery('{_FTS_CONFIG}', %s)"
    return "(" + " && ".join([one] * len(chunks)) + ")"


def _full_text(text: str) -> tuple[str, list[object]] | None:
    chunks = sql.fts_chunks(text)
    if not chunks:
        return None
    return (
        "id IN (SELECT r.incident_id FROM reports r JOIN articles a "
        f"ON a.id = r.article_id WHERE a.fts @@ {_tsquery(chunks)})",
        list(chunks),
    )


_DIALECT = sql.Dialect(
    mark="%s",
    country_name="summary ->> 'country'",
    contains="strpos({hay}, {needle}) > 0",
    nothing="FALSE",
    date_index_hint=False,  # PostgreSQL plans from its own statistics
    full_text=_full_text,
)


class PostgresStore(SQLStoreBase):
    """The incidex database in PostgreSQL (``postgresql://user[:password]@host[:port]/db``).

    Tables live in the connection's current schema (normally ``public``; add
    ``?options=-csearch_path%3Dname`` to the URL for another). Opening applies missing
    migrations; the role needs CREATE on that schema the first time, and the ``unaccent``
    extension must be installed or installable. ``path`` is the URL without its password.
    One store per thread or process, as with SQLite.
    """

    def __init__(self, url: str) -> None:
        if not is_postgres_url(url):
            raise StoreError(f"{url}: not a PostgreSQL URL; it must start with postgresql://.")
        self.path = redact_url(url)
        self._pg = _psycopg()
        self._q = PG
        self._conn = self._connect(url.strip())
        try:
            self._check_schema()
            self._migrate()
        except BaseException:
            self._conn.close()
            raise

    # ---- life cycle ----

    def _connect(self, url: str) -> psycopg.Connection[Any]:
        pg = self._pg
        try:
            given = pg.conninfo.conninfo_to_dict(url)
        except pg.Error as exc:
            raise StoreError(
                f"{self.path}: not a valid PostgreSQL URL ({_first_line(exc)}). Use "
                "postgresql://user[:password]@host[:port]/database."
            ) from None
        extra: dict[str, Any] = {}
        if "connect_timeout" not in given:
            extra["connect_timeout"] = _CONNECT_TIMEOUT_S
        if "application_name" not in given:
            extra["application_name"] = "incidex"
        try:
            conn = cast("psycopg.Connection[Any]", pg.connect(url, autocommit=True, **extra))
        except pg.Error as exc:
            raise StoreError(
                f"{self.path}: cannot connect to PostgreSQL ({_first_line(exc)}). Check that "
                "the server is running and accepts TCP connections on that host and port, "
                "and that the user, password (in the URL, PGPASSWORD or ~/.pgpass) and "
                "database name are right."
            ) from None
        try:
            # Keep NOTICEs ('already exists, skipping') out of the logs.
            conn.execute("SET client_min_messages TO warning")
        except pg.Error as exc:
            conn.close()
            raise StoreError(f"{self.path}: the connection failed ({_first_line(exc)}).") from None
        return conn

    def _corrupt(self, detail: str) -> CorruptStoreError:
        err = CorruptStoreError.make("E030", path=self.path, detail=detail)
        return cast(CorruptStoreError, err)

    def _tables(self) -> set[str]:
        return {row[0] for row in self._conn.execute(_LIST_TABLES)}

    def _check_schema(self) -> None:
        """Refuse, before writing anything, a schema that holds another program's tables."""
        try:
            tables = self._tables()
            if not tables:
                return  # a new, empty schema
            if "incidex_meta" not in tables:
                shown = ", ".join(sorted(tables)[:5])
                raise self._corrupt(f"it holds tables of another program: {shown}")
            row = self._conn.execute(_pg(sql.READ_MARKER), (sql.MARKER_KEY,)).fetchone()
        except self._pg.Error as exc:
            raise self._corrupt(_first_line(exc)) from None
        if row is None or row[0] != sql.MARKER_VALUE:
            raise self._corrupt("the incidex schema marker is missing")

    def _applied(self) -> set[int]:
        if "migrations" not in self._tables():
            return set()
        return {row[0] for row in self._conn.execute(_pg(sql.APPLIED_VERSIONS))}

    def _migrate(self) -> None:
        pg = self._pg
        applied = self._applied()
        found = max(applied | {0})
        if found > sql.SCHEMA_VERSION:
            raise StoreError.make("E033", path=self.path, found=found, supported=sql.SCHEMA_VERSION)
        for migration in sql.MIGRATIONS:
            if migration.version in applied:
                continue
            try:
                with self._conn.transaction():
                    self._conn.execute(_LOCK_FOR_MIGRATION, (_MIGRATION_LOCK,))
                    # Another process may have migrated while we waited for the lock.
                    if migration.version in self._applied():
                        continue
                    for step in PG_STEPS[migration.version]:
                        if isinstance(step, str):
                            self._conn.execute(step)
                        else:
                            step(self._conn)
                    self._conn.execute(
                        _pg(sql.RECORD_MIGRATION), (migration.version, migration.name, now())
                    )
            except StoreError as exc:
                raise StoreError(f"{self.path}: {exc.args[0]}") from None
            except pg.Error as exc:
                raise StoreError(
                    f"{self.path}: cannot create the incidex tables ({_first_line(exc)}). The "
                    "role needs the CREATE privilege on the schema the first time (for "
                    "example, let it own the database)."
                ) from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    @property
    def schema_version(self) -> int:
        row = self._conn.execute(_SCHEMA_VERSION).fetchone()
        return int(row[0]) if row else 0

    def migrations(self) -> list[MigrationRecord]:
        return [MigrationRecord(*row) for row in self._conn.execute(_pg(sql.LIST_MIGRATIONS))]

    def integrity_check(self) -> None:
        """Raise CorruptStoreError (E031) unless every table is there and references hold."""
        try:
            missing = _EXPECTED_TABLES - self._tables()
            if missing:
                detail = "missing table(s): " + ", ".join(sorted(missing))
                raise CorruptStoreError.make("E031", path=self.path, detail=detail)
            broken = [
                (table, n)
                for table, query in _BROKEN_REFERENCES
                if (n := int(self._conn.execute(query).fetchone()[0]))  # type: ignore[index]
            ]
            if broken:
                total = sum(n for _, n in broken)
                detail = f"{total} broken reference(s), first in table {broken[0][0]}"
                raise CorruptStoreError.make("E031", path=self.path, detail=detail)
            loose = [r[0] for r in self._conn.execute(_UNVALIDATED_CONSTRAINTS)]
            if loose:
                detail = "constraint(s) not validated: " + ", ".join(loose[:5])
                raise CorruptStoreError.make("E031", path=self.path, detail=detail)
        except self._pg.Error as exc:
            raise CorruptStoreError.make("E031", path=self.path, detail=_first_line(exc)) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, holding the store's write lock (BEGIN IMMEDIATE's twin)."""
        with self._conn.transaction():
            try:
                self._conn.execute(_SET_LOCK_TIMEOUT, (_LOCK_TIMEOUT,))
                self._conn.execute(_LOCK_FOR_WRITE, (_WRITE_LOCK,))
            except self._pg.errors.LockNotAvailable as exc:
                raise StoreError(
                    f"{self.path}: the database is busy ({_first_line(exc)}); another incidex "
                    "process holds the write lock. Try again when it has finished."
                ) from None
            yield

    # ---- the shared code's hooks ----

    def _exec(self, statement: str, params: Sequence[object] = ()) -> Any:
        return self._conn.execute(statement, params)

    def _many(self, statement: str, rows: list[tuple[object, ...]]) -> None:
        # psycopg 3 pipelines executemany: one round trip per batch, not per row.
        if rows:
            with self._conn.cursor() as cur:
                cur.executemany(statement, rows)

    def _incident_where(self, f: sql.IncidentFilter) -> tuple[str, list[object]]:
        return sql.incident_where(f, _DIALECT)

    # ---- writing ----

    def save_results(
        self, results: Iterable[ArticleResult], incident_of: IncidentOf | None = None
    ) -> SaveSummary:
        """Store a batch of extraction results in one transaction: all of it or nothing.

        Same semantics as :meth:`incidex.store.SQLiteStore.save_results`.
        """
        pg = self._pg
        try:
            with self._transaction():
                return self._save_batch(results, incident_of)
        except pg.Error as exc:
            if isinstance(exc, pg.IntegrityError | pg.OperationalError | pg.DataError):
                raise StoreError(
                    f"{self.path}: the batch was not saved ({_first_line(exc)})."
                ) from None
            raise CorruptStoreError.make("E031", path=self.path, detail=_first_line(exc)) from None

    # ---- reading ----

    def articles(self, *, limit: int | None = None) -> Iterator[Article]:
        """Stored articles in order of arrival, read a page at a time (memory stays bounded)."""
        remaining = None if limit is None else max(limit, 0)
        last = 0
        while remaining is None or remaining > 0:
            size = _PAGE if remaining is None else min(_PAGE, remaining)
            rows = self._conn.execute(_ARTICLES_AFTER, (last, size)).fetchall()
            for row in rows:
                yield self._article_of(row)
            if len(rows) < size:
                return
            last = int(rows[-1][10])
            if remaining is not None:
                remaining -= len(rows)

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        """Full-text search over article titles and texts; every word must occur.

        ``rank`` is minus ts_rank, so lower is better as with SQLite's bm25.
        """
        chunks = sql.fts_chunks(query)
        if not chunks:
            return []
        # Rank and cut first, then build snippets only for the rows returned.
        statement = (
            "SELECT a.id, a.title, a.source, "
            f"ts_headline('{_FTS_CONFIG}', coalesce(a.title, '') || ' ' || "
            f"left(a.text, {_FTS_CHARS}), m.q, '{_HEADLINE_OPTIONS}'), m.rank "
            "FROM (SELECT x.seq, q.q, -ts_rank(x.fts, q.q) AS rank "
            f"FROM articles x, (SELECT {_tsquery(chunks)} AS q) q "
            "WHERE x.fts @@ q.q ORDER BY rank, x.seq LIMIT %s) m "
            "JOIN articles a ON a.seq = m.seq ORDER BY m.rank, m.seq"
        )
        rows = self._conn.execute(statement, [*chunks, bounded(limit, "limit")]).fetchall()
        return [SearchHit(r[0], r[1], r[2], r[3] or "", float(r[4])) for r in rows]
