"""Every SQL statement of the SQLite store: the schema as ordered migrations, then queries.

Kept in one module so a PostgreSQL twin can mirror it statement by statement. Statements
are single strings (no ``executescript``: it commits behind our back), values are always
bound parameters; the only text ever spliced in is chosen from the fixed tables below.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "MARKER_KEY",
    "MARKER_VALUE",
    "MIGRATIONS",
    "Migration",
    "SCHEMA_VERSION",
    "SORTS",
    "SQLITE",
    "IncidentFilter",
    "Statements",
    "fts_chunks",
    "fts_phrase_query",
    "Dialect",
    "SQLITE_DIALECT",
    "incident_where",
]

MARKER_KEY = "schema"
MARKER_VALUE = "incidex"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    # The marker tells an incidex database from any other SQLite file.
    "CREATE TABLE IF NOT EXISTS incidex_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO incidex_meta (key, value) VALUES ('schema', 'incidex') ON CONFLICT DO NOTHING",
    """CREATE TABLE IF NOT EXISTS migrations (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at TEXT NOT NULL
    )""",
    # seq is the stable integer rowid the external-content FTS table points at (a plain
    # rowid may be renumbered by VACUUM); id is the public key.
    """CREATE TABLE articles (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL UNIQUE,
        url TEXT,
        title TEXT,
        source TEXT,
        published TEXT,
        language TEXT,
        origin TEXT,
        status TEXT NOT NULL
            CHECK (status IN ('extracted', 'no_incident', 'not_english', 'failed')),
        message TEXT,
        text TEXT NOT NULL,
        extra TEXT NOT NULL DEFAULT '{}',
        ingested_at TEXT NOT NULL
    )""",
    "CREATE UNIQUE INDEX articles_url ON articles (url) WHERE url IS NOT NULL",
    "CREATE INDEX articles_status ON articles (status)",
    """CREATE VIRTUAL TABLE articles_fts USING fts5 (
        title, text,
        content = 'articles', content_rowid = 'seq',
        tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END""",
    """CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        summary TEXT NOT NULL,
        title TEXT,
        date TEXT,
        country_code TEXT,
        city TEXT,
        killed INTEGER,
        wounded INTEGER,
        n_reports INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE INDEX incidents_date ON incidents (date)",
    "CREATE INDEX incidents_country ON incidents (country_code)",
    "CREATE INDEX incidents_killed ON incidents (killed)",
    # Types and groups of the summary, one row each, so filters stay plain indexed SQL.
    """CREATE TABLE incident_tags (
        incident_id TEXT NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('type', 'group')),
        value TEXT NOT NULL,
        PRIMARY KEY (incident_id, kind, value)
    )""",
    "CREATE INDEX incident_tags_value ON incident_tags (kind, value)",
    """CREATE TABLE reports (
        id TEXT PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        incident_id TEXT REFERENCES incidents (id),
        json TEXT NOT NULL,
        UNIQUE (article_id, idx)
    )""",
    "CREATE INDEX reports_incident ON reports (incident_id)",
    # A query index over the assertions; the report JSON stays the source of truth.
    """CREATE TABLE assertions (
        report_id TEXT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
        pos INTEGER NOT NULL,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        normalized TEXT NOT NULL,
        char_start INTEGER NOT NULL,
        char_end INTEGER NOT NULL,
        sentence TEXT NOT NULL,
        speaker TEXT,
        outlet TEXT,
        stance TEXT NOT NULL,
        confidence REAL NOT NULL,
        extractor TEXT NOT NULL,
        PRIMARY KEY (report_id, pos)
    )""",
    "CREATE INDEX assertions_field ON assertions (field)",
    "CREATE INDEX assertions_speaker ON assertions (speaker)",
    # Audit trail; no foreign keys so entries outlive the incidents they mention.
    """CREATE TABLE incident_log (
        seq INTEGER PRIMARY KEY,
        incident_id TEXT NOT NULL,
        report_id TEXT,
        action TEXT NOT NULL CHECK (action IN ('created', 'attached', 'relinked', 'deleted')),
        from_incident TEXT,
        reason TEXT,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX incident_log_incident ON incident_log (incident_id)",
)

_V2 = (
    # Who made a change (merge, split) apart from why; NULL for the ingest's own decisions.
    "ALTER TABLE incident_log ADD COLUMN who TEXT",
    # Reports a person split away from an incident: the resolver never puts them back.
    """CREATE TABLE kept_apart (
        report_id TEXT NOT NULL,
        incident_id TEXT NOT NULL,
        PRIMARY KEY (report_id, incident_id)
    )""",
    "CREATE INDEX IF NOT EXISTS reports_article ON reports (article_id)",
    # The incident's SummaryState (JSON): its summary is updated from each new report alone.
    "ALTER TABLE incidents ADD COLUMN state TEXT",
)

_V3 = (
    # The incident's date beside each tag, indexed after the tag: the resolver's "incidents
    # of this group in these weeks" reads just those rows. Probing every incident of the
    # weeks for the group read the whole window for a group that is rare there (2.6 ms per
    # lookup with 900 incidents in the window, against 0.03 ms).
    "ALTER TABLE incident_tags ADD COLUMN date TEXT",
    """UPDATE incident_tags SET date =
        (SELECT i.date FROM incidents i WHERE i.id = incident_tags.incident_id)""",
    "CREATE INDEX incident_tags_dated ON incident_tags (kind, value, date)",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _V1),
    Migration(2, "incident_log.who, kept_apart", _V2),
    Migration(3, "incident_tags.date", _V3),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

# ---- opening ----

LIST_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
READ_MARKER = "SELECT value FROM incidex_meta WHERE key = ?"
APPLIED_VERSIONS = "SELECT version FROM migrations ORDER BY version"
LIST_MIGRATIONS = "SELECT version, name, applied_at FROM migrations ORDER BY version"
RECORD_MIGRATION = "INSERT INTO migrations (version, name, applied_at) VALUES (?, ?, ?)"

# ---- articles ----

_ARTICLE_COLUMNS = "id, text, url, title, published, source, language, origin, content_hash, extra"
# url = NULL is never true, so a missing URL matches on the hash alone.
FIND_DUPLICATE = "SELECT id FROM articles WHERE content_hash = ? OR url = ? LIMIT 1"
HAS_HASH = "SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1"
HAS_URL = "SELECT 1 FROM articles WHERE url = ? LIMIT 1"
INSERT_ARTICLE = """INSERT INTO articles (
        id, content_hash, url, title, source, published, language, origin,
        status, message, text, extra, ingested_at
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING"""
GET_ARTICLE = f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?"
LIST_ARTICLES = f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq"
LIST_ARTICLES_LIMIT = f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY seq LIMIT ?"
ARTICLE_STATUS = "SELECT status, message FROM articles WHERE id = ?"
# An article whose extraction failed (E011 time budget, a crash) is extracted again when it
# is ingested again: its row takes the new outcome.
RETRY_ARTICLE = "UPDATE articles SET status = ?, message = ? WHERE id = ? AND status = 'failed'"

# ---- reports and assertions ----

INSERT_REPORT = """INSERT INTO reports (id, article_id, idx, incident_id, json)
    VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"""
INSERT_ASSERTION = """INSERT INTO assertions (
        report_id, pos, field, value, normalized, char_start, char_end, sentence,
        speaker, outlet, stance, confidence, extractor
    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
# Reports in reading order: earliest publication first, then order of arrival.
_REPORT_ORDER = "ORDER BY a.published IS NULL, a.published, a.seq, r.idx"
REPORTS_ALL = f"SELECT r.json FROM reports r JOIN articles a ON a.id = r.article_id {_REPORT_ORDER}"
REPORTS_OF_ARTICLE = (
    f"SELECT r.json FROM reports r JOIN articles a ON a.id = r.article_id "
    f"WHERE r.article_id = ? {_REPORT_ORDER}"
)
REPORTS_OF_INCIDENT = (
    f"SELECT r.json FROM reports r JOIN articles a ON a.id = r.article_id "
    f"WHERE r.incident_id = ? {_REPORT_ORDER}"
)
REPORTS_OF_BOTH = (
    f"SELECT r.json FROM reports r JOIN articles a ON a.id = r.article_id "
    f"WHERE r.article_id = ? AND r.incident_id = ? {_REPORT_ORDER}"
)
# The latest reports stored, newest first (the resolver's term statistics start from them).
RECENT_REPORTS = (
    "SELECT r.json FROM articles a JOIN reports r ON r.article_id = a.id "
    "ORDER BY a.seq DESC, r.idx DESC LIMIT ?"
)
ARTICLE_REFS_OF_INCIDENT = """SELECT a.id, a.url, a.title, a.source, a.published
    FROM articles a
    WHERE a.id IN (SELECT article_id FROM reports WHERE incident_id = ?)
    ORDER BY a.published IS NULL, a.published, a.seq"""
REPORT_INCIDENT = "SELECT incident_id FROM reports WHERE id = ?"
SET_REPORT_INCIDENT = "UPDATE reports SET incident_id = ? WHERE id = ?"

# ---- incidents ----

INCIDENT_EXISTS = "SELECT 1 FROM incidents WHERE id = ?"
INSERT_INCIDENT = """INSERT INTO incidents
    (id, summary, title, n_reports, created_at, updated_at, state)
    VALUES (?, ?, ?, 0, ?, ?, ?) ON CONFLICT DO NOTHING"""
UPDATE_INCIDENT = """UPDATE incidents SET
        summary = ?, title = ?, date = ?, country_code = ?, city = ?, killed = ?, wounded = ?,
        n_reports = ?, updated_at = ?, state = ?
    WHERE id = ?"""
GET_INCIDENT_STATE = "SELECT state FROM incidents WHERE id = ?"
DELETE_INCIDENT = "DELETE FROM incidents WHERE id = ?"
DELETE_TAGS = "DELETE FROM incident_tags WHERE incident_id = ?"
INSERT_TAG = """INSERT INTO incident_tags (incident_id, kind, value, date) VALUES (?, ?, ?, ?)
    ON CONFLICT DO NOTHING"""
GET_INCIDENT_SUMMARY = "SELECT summary FROM incidents WHERE id = ?"
INSERT_LOG = """INSERT INTO incident_log
    (incident_id, report_id, action, from_incident, reason, who, at)
    VALUES (?, ?, ?, ?, ?, ?, ?)"""
# Entries about an incident: its own, and moves out of it (a split names it as the source).
INCIDENT_LOG = """SELECT seq, incident_id, report_id, action, from_incident, reason, who, at
    FROM incident_log WHERE incident_id = ? OR from_incident = ? ORDER BY seq"""
INCIDENT_HAS_REPORTS = "SELECT 1 FROM reports WHERE incident_id = ? LIMIT 1"
INCIDENTS_OF_ARTICLE = """SELECT DISTINCT incident_id FROM reports
    WHERE (article_id = ? OR id = ?) AND incident_id IS NOT NULL ORDER BY incident_id"""
KEEP_APART = "INSERT INTO kept_apart (report_id, incident_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
KEPT_APART = "SELECT incident_id FROM kept_apart WHERE report_id = ?"
# A person moving a report into an incident lifts an earlier "keep apart" from it.
UNKEEP_APART = "DELETE FROM kept_apart WHERE report_id = ? AND incident_id = ?"


@dataclass(frozen=True, slots=True)
class Statements:
    """The statements the shared store code (``_base.SQLStoreBase``) runs, in one dialect."""

    find_duplicate: str
    insert_article: str
    get_article: str
    article_status: str
    retry_article: str
    has_hash: str
    has_url: str
    insert_report: str
    insert_assertion: str
    reports_all: str
    reports_of_article: str
    reports_of_incident: str
    reports_of_both: str
    recent_reports: str
    article_refs_of_incident: str
    report_incident: str
    set_report_incident: str
    incident_has_reports: str
    incident_exists: str
    insert_incident: str
    update_incident: str
    get_incident_state: str
    delete_incident: str
    delete_tags: str
    insert_tag: str
    get_incident_summary: str
    insert_log: str
    incident_log: str
    incidents_of_article: str
    keep_apart: str
    kept_apart: str
    unkeep_apart: str
    count_by_status: str
    count_reports: str
    count_incidents: str
    count_assertions: str
    list_incidents: str
    list_incident_keys: str
    count_incidents_where: str


# ---- search and stats ----

SEARCH = """SELECT a.id, a.title, a.source,
        snippet(articles_fts, -1, '[', ']', '…', 24) AS snip,
        bm25(articles_fts) AS rank
    FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid
    WHERE articles_fts MATCH ?
    ORDER BY rank, a.seq
    LIMIT ?"""
COUNT_BY_STATUS = "SELECT status, count(*) FROM articles GROUP BY status ORDER BY status"
COUNT_REPORTS = "SELECT count(*) FROM reports"
COUNT_INCIDENTS = "SELECT count(*) FROM incidents"
COUNT_ASSERTIONS = "SELECT count(*) FROM assertions"

# ---- incident listing ----

# sort key -> ORDER BY clause; NULLs always last, id breaks ties so pages are stable.
SORTS: dict[str, str] = {
    "date": "date IS NULL, date ASC, id",
    "-date": "date IS NULL, date DESC, id",
    "killed": "killed IS NULL, killed ASC, id",
    "-killed": "killed IS NULL, killed DESC, id",
    "reports": "n_reports ASC, id",
    "-reports": "n_reports DESC, id",
}

_MAX_FTS_TERMS = 32
_MAX_FTS_TERM_CHARS = 100
_MAX_FTS_INPUT_CHARS = 4_000


def fts_chunks(text: str) -> list[str]:
    """User search text as bounded white-space chunks, each to be matched as a phrase.

    Shared by both backends so they read a query the same way.
    """
    # Control, format and surrogate characters (NUL ends the query string inside SQLite and
    # is refused by PostgreSQL, a lone surrogate cannot be encoded) become spaces.
    cleaned = "".join(
        " " if unicodedata.category(ch)[0] == "C" else ch for ch in text[:_MAX_FTS_INPUT_CHARS]
    )
    return [c[:_MAX_FTS_TERM_CHARS] for c in cleaned.split()[:_MAX_FTS_TERMS]]


def fts_phrase_query(text: str) -> str | None:
    """Turn user text into a safe FTS5 query: every white-space chunk a quoted phrase.

    Inside double quotes FTS5 operators (AND, OR, NEAR, *, ^, column filters) are plain
    words, and doubled quotes are literal; the phrases are ANDed. None when nothing is left.
    """
    phrases = ['"' + c.replace('"', '""') + '"' for c in fts_chunks(text)]
    return " ".join(phrases) or None


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    type: str | None = None
    group: str | None = None
    min_killed: int | None = None
    query: str | None = None
    # ``group`` is one group's exact name (an indexed lookup), not a substring of names
    group_exact: bool = False


def is_country_code(value: str) -> bool:
    """Two letters: an ISO 3166 code, never a country's name (the shortest have four)."""
    value = value.strip()
    return len(value) == 2 and value.isascii() and value.isalpha()


@dataclass(frozen=True)
class Dialect:
    """What the incident filter says differently on each backend."""

    mark: str  # a parameter's placeholder
    country_name: str  # the summary's country name, as an SQL expression
    contains: str  # case-blind substring test, with {hay} and {needle}
    nothing: str  # a clause that matches no row
    date_index_hint: bool  # SQLite, without statistics, needs telling to use the date index
    # the full-text clause and its parameters for user text; None when it has no words
    full_text: Callable[[str], tuple[str, list[object]] | None]


def _sqlite_full_text(text: str) -> tuple[str, list[object]] | None:
    match = fts_phrase_query(text)
    if match is None:
        return None
    return (
        "id IN (SELECT r.incident_id FROM reports r JOIN articles a "
        "ON a.id = r.article_id WHERE a.seq IN "
        "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?))",
        [match],
    )


SQLITE_DIALECT = Dialect(
    mark="?",
    country_name="json_extract(summary, '$.country')",
    contains="instr({hay}, {needle}) > 0",
    nothing="0",
    date_index_hint=True,
    full_text=_sqlite_full_text,
)


def incident_where(
    f: IncidentFilter, dialect: Dialect = SQLITE_DIALECT
) -> tuple[str, list[object]]:
    """A WHERE clause (possibly empty) and its parameters for an incident filter."""
    m = dialect.mark
    clauses: list[str] = []
    params: list[object] = []
    dated = f.since is not None or f.until is not None
    if f.country and is_country_code(f.country):
        # No country's name has two letters; codes are stored in upper case (indexed). With
        # a date range the date index narrows most (a window of days): SQLite's unary ``+``
        # keeps it, having no statistics here, from choosing the country index instead and
        # reading every incident of the country (it did: 2.4 -> 3.0 ms per resolved report
        # at 100,000).
        hint = "+" if dated and dialect.date_index_hint else ""
        clauses.append(f"{hint}country_code = {m}")
        params.append(f.country.strip().upper())
    elif f.country:
        # ISO code or country name, case-insensitive.
        clauses.append(
            f"(upper(country_code) = upper({m}) OR lower({dialect.country_name}) = lower({m}))"
        )
        params += [f.country.strip(), f.country.strip()]
    by_group = bool(f.group and f.group_exact and dated)
    # with an exact group, the dates are read from the tags' (kind, value, date) index: as
    # many rows as the group has there, however many other incidents the dates hold
    column = "t.date" if by_group else "date"
    bounds: list[str] = []
    if f.since is not None:
        bounds.append(f"{column} >= {m}")
    if f.until is not None:
        bounds.append(f"{column} <= {m}")
    days = [d.isoformat() for d in (f.since, f.until) if d is not None]
    if by_group:
        clauses.append(
            "id IN (SELECT t.incident_id FROM incident_tags t WHERE t.kind = 'group' "
            f"AND t.value = {m} AND {' AND '.join(bounds)})"
        )
        params += [f.group, *days]
    else:
        clauses += bounds
        params += days
    if f.group and f.group_exact and not by_group:
        # probed row by row (the primary key holds incident_id, kind, value) among the
        # incidents the other filters leave: an IN list would hold every incident of the
        # group, which grows with the corpus
        clauses.append(
            "EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = incidents.id "
            f"AND t.kind = 'group' AND t.value = {m})"
        )
        params.append(f.group)
    for kind, wanted in (("type", f.type), ("group", None if f.group_exact else f.group)):
        if wanted:
            # Case-insensitive substring ('bombing' finds 'Bombing/Explosion'); not LIKE,
            # so user % and _ are not wildcards.
            test = dialect.contains.format(hay="lower(t.value)", needle=f"lower({m})")
            clauses.append(
                "EXISTS (SELECT 1 FROM incident_tags t WHERE t.incident_id = incidents.id "
                f"AND t.kind = {m} AND {test})"
            )
            params += [kind, wanted.strip()]
    if f.min_killed is not None:
        clauses.append(f"killed >= {m}")
        params.append(f.min_killed)
    if f.query is not None:
        found = dialect.full_text(f.query)
        if found is None:
            clauses.append(dialect.nothing)  # an empty query matches nothing
        else:
            clauses.append(found[0])
            params += found[1]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


LIST_INCIDENTS = "SELECT summary FROM incidents{where} ORDER BY {order} LIMIT ? OFFSET ?"
LIST_INCIDENT_KEYS = (
    "SELECT id, date, city, json_extract(summary, '$.groups') FROM incidents{where} "
    "ORDER BY {order} LIMIT ? OFFSET ?"
)
COUNT_INCIDENTS_WHERE = "SELECT count(*) FROM incidents{where}"


SQLITE = Statements(
    find_duplicate=FIND_DUPLICATE,
    insert_article=INSERT_ARTICLE,
    get_article=GET_ARTICLE,
    article_status=ARTICLE_STATUS,
    retry_article=RETRY_ARTICLE,
    has_hash=HAS_HASH,
    has_url=HAS_URL,
    insert_report=INSERT_REPORT,
    insert_assertion=INSERT_ASSERTION,
    reports_all=REPORTS_ALL,
    reports_of_article=REPORTS_OF_ARTICLE,
    reports_of_incident=REPORTS_OF_INCIDENT,
    reports_of_both=REPORTS_OF_BOTH,
    recent_reports=RECENT_REPORTS,
    article_refs_of_incident=ARTICLE_REFS_OF_INCIDENT,
    report_incident=REPORT_INCIDENT,
    set_report_incident=SET_REPORT_INCIDENT,
    incident_has_reports=INCIDENT_HAS_REPORTS,
    incident_exists=INCIDENT_EXISTS,
    insert_incident=INSERT_INCIDENT,
    update_incident=UPDATE_INCIDENT,
    get_incident_state=GET_INCIDENT_STATE,
    delete_incident=DELETE_INCIDENT,
    delete_tags=DELETE_TAGS,
    insert_tag=INSERT_TAG,
    get_incident_summary=GET_INCIDENT_SUMMARY,
    insert_log=INSERT_LOG,
    incident_log=INCIDENT_LOG,
    incidents_of_article=INCIDENTS_OF_ARTICLE,
    keep_apart=KEEP_APART,
    kept_apart=KEPT_APART,
    unkeep_apart=UNKEEP_APART,
    count_by_status=COUNT_BY_STATUS,
    count_reports=COUNT_REPORTS,
    count_incidents=COUNT_INCIDENTS,
    count_assertions=COUNT_ASSERTIONS,
    list_incidents=LIST_INCIDENTS,
    list_incident_keys=LIST_INCIDENT_KEYS,
    count_incidents_where=COUNT_INCIDENTS_WHERE,
)
