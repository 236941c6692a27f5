"""The stores: round trips, idempotence, incidents, filters, search, safety.

Every behaviour test runs on both backends: SQLite always, PostgreSQL when the environment
variable INCIDEX_TEST_PG names a server (``. .ci/postgres.sh`` starts one); each PostgreSQL
test gets a fresh database, dropped after. Without INCIDEX_TEST_PG (or without psycopg) the
PostgreSQL variants skip. Backend-specific behaviour has backend-specific tests.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from _records import said

from incidex.config import load_settings
from incidex.errors import CorruptStoreError, IncidexError, NotFoundError, StoreError
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    EventType,
    IncidentReport,
    IncidentSummary,
    Perpetrator,
    Place,
    Precision,
    Stance,
    Status,
    When,
)
from incidex.store import (
    SCHEMA_VERSION,
    IncidentOf,
    IncidentStore,
    PostgresStore,
    SaveSummary,
    SQLiteStore,
    Store,
    incident_id_for,
    open_store,
)
from incidex.store import _postgres as pg_store
from incidex.store import _sql as store_sql

# ---- building records by hand ----


def _assertion(field: str, value: str, normalized: Any, text: str, **kw: Any) -> Assertion[Any]:
    return said(text, field, value, normalized, whole_text=True, anywhere=True, **kw)


def make_result(
    text: str,
    *,
    url: str | None = None,
    title: str | None = None,
    source: str | None = "Example News",
    date: dt.date | None = None,
    country: str | None = None,
    killed: int | None = None,
    group: str | None = None,
    event: str | None = None,
    status: Status = "extracted",
    n_reports: int = 1,
) -> ArticleResult:
    article = Article.from_text(
        text,
        url=url,
        title=title,
        source=source,
        origin=f"{title or 'doc'}.txt",
        published=dt.datetime(2024, 3, 23, 9, 30, tzinfo=dt.UTC),
        extra={"feed": "test", "tags": ["a", "b"]},
    )
    reports: list[IncidentReport] = []
    if status == "extracted":
        for index in range(n_reports):
            r = IncidentReport(article_id=article.id, index=index, summary=title)
            if event:
                r.types.append(_assertion("types", event, EventType(name=event, gtd_code=2), text))
            if date:
                r.when.append(
                    _assertion("when", "Friday", When(date=date, precision=Precision.day), text)
                )
            if country:
                r.where.append(
                    _assertion("where", "Moscow", Place(name="Moscow", country_code=country), text)
                )
            if group:
                r.perpetrators.append(
                    _assertion(
                        "perpetrators",
                        group,
                        Perpetrator(group=group),
                        text,
                        speaker="Amaq",
                        stance=Stance.claimed,
                        confidence=0.8,
                    )
                )
            if killed is not None:
                r.casualties.append(
                    _assertion(
                        "casualties",
                        f"{killed} people",
                        Casualties(category="killed", exact=killed),
                        text,
                        speaker="officials",
                    )
                )
            reports.append(r)
    return ArticleResult(article=article, status=status, incidents=reports)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (FTS shadow tables included), read by a separate connection."""
    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}
    finally:
        conn.close()


# ---- the two backends ----

PG_ENV = "INCIDEX_TEST_PG"
PG_SKIP = (
    f"PostgreSQL tests skipped: set {PG_ENV}=postgresql://user:password@host:port/db (a role "
    "that may CREATE DATABASE; `. .ci/postgres.sh` starts a local server and sets it)"
)


class Backend:
    """One test's database on one backend: open stores on it, read or tamper with it directly."""

    name: str
    target: str  # what --db / INCIDEX_DB would say
    # Statements that break a reference the way a careless tool could.
    break_references: tuple[str, ...]

    def open(self) -> IncidentStore:
        return open_store(self.target)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        raise NotImplementedError

    def execute(self, statement: str) -> None:
        raise NotImplementedError


class SQLiteBackend(Backend):
    name = "sqlite"
    break_references = ("DELETE FROM incidents",)  # foreign keys are off on a new connection

    def __init__(self, path: Path) -> None:
        self.path = path
        self.target = str(path)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        return dump(self.path)

    def execute(self, statement: str) -> None:
        conn = sqlite3.connect(self.path)
        try:
            conn.execute(statement)
            conn.commit()
        finally:
            conn.close()


class PostgresBackend(Backend):
    name = "postgres"
    break_references = (
        "ALTER TABLE reports DROP CONSTRAINT reports_incident_id_fkey",
        "DELETE FROM incidents",
    )

    def __init__(self, target: str) -> None:
        self.target = target

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.target, autocommit=True)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        from psycopg import sql

        with self._connect() as conn:
            names = [r[0] for r in conn.execute(pg_store._LIST_TABLES + " ORDER BY 1")]
            return {
                n: conn.execute(
                    sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(n))
                ).fetchall()
                for n in names
            }

    def execute(self, statement: str) -> None:
        with self._connect() as conn:
            conn.execute(statement)


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of the test server, checked once; skips when there is none."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(PG_SKIP)
    try:
        import psycopg
    except ImportError:
        pytest.skip("PostgreSQL tests skipped: psycopg is not installed (incidex[postgres])")
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        pytest.fail(f"{PG_ENV} is set but the server is not usable: {exc}", pytrace=False)
    return url


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty database for one test (URL), dropped afterwards."""
    import psycopg
    from psycopg import sql

    name = "incidex_test_" + uuid.uuid4().hex[:12]
    parts = urlsplit(pg_server)
    with psycopg.connect(pg_server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))
    finally:
        with psycopg.connect(pg_server, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return SQLiteBackend(tmp_path / "store.db")
    return PostgresBackend(request.getfixturevalue("pg_database"))


@pytest.fixture
def store(backend: Backend) -> Iterator[IncidentStore]:
    if isinstance(backend, SQLiteBackend):
        opened: IncidentStore = Store(memory=True)  # as before: SQLite tests run in memory
    else:
        opened = backend.open()
    with opened as s:
        yield s


MOSCOW = (
    "Gunmen opened fire at Crocus City Hall near Moscow on Friday, killing 137 people. "
    "Islamic State claimed responsibility through Amaq."
)
KABUL = "A suicide bomber killed 12 people at a checkpoint in Kabul on Monday, officials said."
PARIS = "Police in Paris arrested two men over a plot against a concert hall, prosecutors said."


# ---- round trip and idempotence ----


def test_article_and_report_round_trip(store: IncidentStore) -> None:
    result = make_result(
        MOSCOW,
        url="https://ex.org/crocus",
        title="Crocus attack",
        date=dt.date(2024, 3, 22),
        country="RU",
        killed=137,
        group="Islamic State",
        event="Armed Assault",
    )
    summary = store.save_results([result])
    assert (summary.stored, summary.extracted, summary.reports) == (1, 1, 1)
    assert store.article(result.article.id) == result.article
    assert store.article_status(result.article.id) == ("extracted", None)
    [report] = store.reports(article_id=result.article.id)
    assert report.model_dump_json() == result.incidents[0].model_dump_json()
    assert report == result.incidents[0]
    assert store.stats().assertions == 5
    assert list(store.articles()) == [result.article]


def test_duplicate_content_and_url_are_not_stored_twice(store: IncidentStore) -> None:
    first = make_result(MOSCOW, url="https://ex.org/a")
    same_text_other_url = make_result(MOSCOW, url="https://ex.org/b")
    same_url_other_text = make_result(KABUL, url="https://ex.org/a")
    summary = store.save_results([first, same_text_other_url, same_url_other_text])
    assert (summary.stored, summary.duplicates) == (1, 2)
    assert [e.status for e in summary.entries] == ["extracted", "duplicate", "duplicate"]
    assert store.stats().articles == 1
    assert store.has_article(content_hash=first.article.content_hash)
    assert store.has_article(url="https://ex.org/a")
    assert not store.has_article(url="https://ex.org/b")
    assert store.save_results([first]).duplicates == 1


def test_second_save_of_a_batch_changes_no_row(backend: Backend) -> None:
    batch = [
        make_result(MOSCOW, url="https://ex.org/1", title="Crocus", killed=137, country="RU"),
        make_result(KABUL, title="Kabul", status="extracted", n_reports=2),
        make_result(PARIS, title="Paris", status="no_incident"),
    ]
    with backend.open() as s:
        s.save_results(batch)
    before = backend.dump()
    with backend.open() as s:
        again = s.save_results(batch)
    assert (again.stored, again.duplicates, again.incidents_created) == (0, 3, 0)
    assert backend.dump() == before
    assert len(before["articles"]) == 3 and len(before["reports"]) == 3


def test_non_extracted_articles_are_stored_and_searchable_but_found_no_incident(
    store: IncidentStore,
) -> None:
    results = [
        make_result("Текст на русском языке о нападении.", status="not_english"),
        make_result(PARIS, status="no_incident"),
        make_result("garbled", status="failed"),
    ]
    results[2] = results[2].model_copy(update={"message": "pipeline crashed"})
    summary = store.save_results(results)
    assert (summary.not_english, summary.no_incident, summary.failed) == (1, 1, 1)
    assert summary.incidents_created == 0 and store.count_incidents() == 0
    assert store.article_status(results[2].article.id) == ("failed", "pipeline crashed")
    assert [h.article_id for h in store.search("concert")] == [results[1].article.id]


def test_an_article_that_failed_is_extracted_when_saved_again(store: IncidentStore) -> None:
    done = make_result(MOSCOW, killed=40)
    failed = done.model_copy(
        update={"status": "failed", "incidents": [], "message": "[E011] stopped after 10.2 s"}
    )
    store.save_results([failed])
    assert store.article_status(done.article.id)[0] == "failed"
    again = store.save_results([done])
    assert (again.stored, again.duplicates, again.reports, again.incidents_created) == (1, 0, 1, 1)
    assert store.article_status(done.article.id) == ("extracted", None)
    assert store.count_incidents() == 1
    # ... and only once: a third save is a duplicate, as is a failure after a success
    assert store.save_results([done]).duplicates == 1
    assert store.save_results([failed]).duplicates == 1
    assert store.article_status(done.article.id)[0] == "extracted"


# ---- incidents ----


def test_incident_created_with_stable_id_and_second_report_attached(store: IncidentStore) -> None:
    first = make_result(MOSCOW, title="Crocus attack", source="TASS")
    summary = store.save_results([first])
    report = first.incidents[0]
    expected_id = incident_id_for(report)
    assert expected_id.startswith("i") and len(expected_id) == 13
    assert summary.incidents_created == 1
    incident = store.incident(expected_id)
    assert [r.id for r in incident.reports] == [report.id]

    second = make_result(MOSCOW + " More later.", title="Update", source="Reuters")
    summary = store.save_results([second], incident_of=lambda r: expected_id)
    assert (summary.incidents_created, summary.incidents_updated) == (0, 1)
    incident = store.incident(expected_id)
    # Summaries come from incidex.resolve.summarize (the real one here).
    assert incident.summary.n_reports == 2 and incident.summary.n_sources == 2
    assert {a.id for a in incident.articles} == {first.article.id, second.article.id}
    assert [s.id for s in store.incidents()] == [expected_id]
    assert {r.id for r in store.reports(incident_id=expected_id)} == {
        report.id,
        second.incidents[0].id,
    }


def test_incident_of_naming_an_unknown_incident_fails_the_batch(store: IncidentStore) -> None:
    with pytest.raises(NotFoundError):
        store.save_results([make_result(MOSCOW)], incident_of=lambda r: "inope")
    assert store.stats().articles == 0


def test_unknown_incident_and_article_raise_not_found(store: IncidentStore) -> None:
    with pytest.raises(NotFoundError) as err:
        store.incident("i000000000000")
    assert err.value.code == "E032"
    with pytest.raises(NotFoundError):
        store.article("a0")
    with pytest.raises(NotFoundError):
        store.article_status("a0")


# incident id -> the title of the article that founded it, so these tests name incidents
# without depending on the summary policy (tests/test_resolve.py tests that).
_NAMES: dict[str, str] = {}


@pytest.fixture
def three(store: IncidentStore) -> IncidentStore:
    results = [
        make_result(
            MOSCOW,
            title="Crocus",
            date=dt.date(2024, 3, 22),
            country="RU",
            killed=137,
            group="Islamic State Khorasan Province",
            event="Armed Assault",
        ),
        make_result(
            KABUL,
            title="Kabul",
            date=dt.date(2023, 1, 2),
            country="AF",
            killed=12,
            group="Taliban",
            event="Bombing/Explosion",
        ),
        make_result(PARIS, title="Paris", date=dt.date(2024, 5, 1), country="FR"),
    ]
    store.save_results(results)
    _NAMES.update({incident_id_for(r.incidents[0]): r.article.title or "" for r in results})
    return store


def _titles(items: list[IncidentSummary]) -> list[str]:
    return [_NAMES[i.id] for i in items]


def test_filters(three: IncidentStore) -> None:
    assert _titles(three.incidents(country="ru")) == ["Crocus"]
    assert _titles(three.incidents(since=dt.date(2024, 1, 1))) == ["Paris", "Crocus"]
    assert _titles(three.incidents(until=dt.date(2024, 3, 22))) == ["Crocus", "Kabul"]
    assert _titles(three.incidents(since=dt.date(2024, 3, 1), until=dt.date(2024, 3, 31))) == [
        "Crocus"
    ]
    assert _titles(three.incidents(min_killed=13)) == ["Crocus"]
    assert _titles(three.incidents(min_killed=12)) == ["Crocus", "Kabul"]
    assert _titles(three.incidents(group="islamic state")) == ["Crocus"]
    assert _titles(three.incidents(type="bombing")) == ["Kabul"]
    assert _titles(three.incidents(query="checkpoint")) == ["Kabul"]
    assert _titles(three.incidents(query="concert hall")) == ["Paris"]
    assert _titles(three.incidents(query="moscow", country="AF")) == []
    assert three.count_incidents() == 3
    assert three.count_incidents(since=dt.date(2024, 1, 1)) == 2
    assert three.count_incidents(group="%") == 0  # no LIKE wildcards
    assert _titles(three.incidents(country=" af ")) == ["Kabul"]


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"country": "ru"},
        {"since": dt.date(2024, 1, 1)},
        {"group": "Islamic State Khorasan Province"},
        {"query": "checkpoint"},
        {"country": "FR", "since": dt.date(2024, 4, 1), "until": dt.date(2024, 6, 1)},
        {"group": "Islamic State Khorasan Province", "since": dt.date(2024, 3, 22)},
        {"group": "Islamic State Khorasan Province", "until": dt.date(2024, 3, 21)},
        {"group": "Taliban", "since": dt.date(2022, 12, 1), "until": dt.date(2023, 1, 2)},
        {"group": "Taliban", "since": dt.date(2023, 1, 3), "until": dt.date(2024, 1, 2)},
    ],
)
def test_incident_keys_are_the_listed_summaries_in_brief(
    three: IncidentStore, filters: dict[str, Any]
) -> None:
    full = three.incidents(limit=10, **filters)
    keys = three.incident_keys(limit=10, **filters)
    assert [k.id for k in keys] == [s.id for s in full]
    assert [(k.date, k.city, list(k.groups)) for k in keys] == [
        (s.date, s.city, s.groups) for s in full
    ]


def test_incident_keys_take_a_group_by_its_exact_name(three: IncidentStore) -> None:
    assert [_NAMES[k.id] for k in three.incident_keys(group="Taliban")] == ["Kabul"]
    assert three.incident_keys(group="taliban") == []  # not a case-blind substring
    assert three.incident_keys(group="Islamic State") == []
    assert _titles(three.incidents(group="Islamic State")) == ["Crocus"]  # the listing's is


def test_a_group_found_by_date_once_its_incident_has_one(store: IncidentStore) -> None:
    undated = make_result(MOSCOW, country="RU", group="Islamic State Khorasan Province")
    store.save_results([undated])
    (only,) = store.incidents()
    march = {"since": dt.date(2024, 3, 1), "until": dt.date(2024, 3, 31)}
    assert store.incident_keys(group="Islamic State Khorasan Province", **march) == []
    dated = make_result(MOSCOW + " Update.", date=dt.date(2024, 3, 22), country="RU")
    store.save_results([dated], incident_of=lambda r: only.id)
    found = store.incident_keys(group="Islamic State Khorasan Province", **march)
    assert [(k.id, k.date) for k in found] == [(only.id, dt.date(2024, 3, 22))]


def test_a_database_before_migration_3_gets_its_tag_dates(tmp_path: Path) -> None:
    db = tmp_path / "v2.db"
    with Store(db) as s:
        s.save_results([make_result(MOSCOW, date=dt.date(2024, 3, 22), group="Taliban")])
        (only,) = s.incidents()
    conn = sqlite3.connect(db)  # as migration 2 left it
    conn.executescript(
        "DROP INDEX incident_tags_dated; ALTER TABLE incident_tags DROP COLUMN date;"
        "DELETE FROM migrations WHERE version = 3; PRAGMA user_version = 2;"
    )
    conn.close()
    with Store(db) as s:
        assert [m.version for m in s.migrations()] == [1, 2, 3]
        keys = s.incident_keys(group="Taliban", since=dt.date(2024, 3, 20))
    assert [k.id for k in keys] == [only.id]


def test_sort_and_paging(three: IncidentStore) -> None:
    assert _titles(three.incidents()) == ["Paris", "Crocus", "Kabul"]
    assert _titles(three.incidents(sort="date")) == ["Kabul", "Crocus", "Paris"]
    # Unknown casualties sort last either way.
    assert _titles(three.incidents(sort="-killed")) == ["Crocus", "Kabul", "Paris"]
    assert _titles(three.incidents(sort="killed")) == ["Kabul", "Crocus", "Paris"]
    assert len(three.incidents(sort="-reports")) == 3
    assert _titles(three.incidents(limit=1, offset=1)) == ["Crocus"]
    for bad in ("title", "date; DROP TABLE incidents", ""):
        with pytest.raises(IncidexError):
            three.incidents(sort=bad)
    assert three.count_incidents() == 3


def test_relink_moves_a_report_and_resummarises_both(store: IncidentStore) -> None:
    a = make_result(MOSCOW, title="Crocus", killed=137)
    b = make_result(KABUL, title="Kabul", killed=12)
    store.save_results([a, b])
    ia, ib = incident_id_for(a.incidents[0]), incident_id_for(b.incidents[0])
    store.relink(b.incidents[0].id, ia, reason="same attack")
    merged = store.incident(ia)
    assert merged.summary.n_reports == 2 and merged.summary.killed_high == 137
    with pytest.raises(NotFoundError):
        store.incident(ib)  # left without reports
    store.relink(b.incidents[0].id, "isplit", create=True)
    assert store.incident("isplit").summary.killed == 12
    assert store.incident(ia).summary.killed == 137
    with pytest.raises(NotFoundError):
        store.relink(b.incidents[0].id, "inope")
    with pytest.raises(NotFoundError):
        store.relink("a0-0", ia)


# ---- full text search ----


def test_search_finds_words_with_snippet(store: IncidentStore) -> None:
    store.save_results([make_result(MOSCOW, title="Crocus"), make_result(KABUL, title="Kabul")])
    hits = store.search("Crocus")
    assert len(hits) == 1 and hits[0].title == "Crocus"
    assert "[Crocus]" in hits[0].snippet
    assert [h.title for h in store.search("killed people")] == ["Kabul"]  # every word
    assert {h.title for h in store.search("people")} == {"Crocus", "Kabul"}
    assert store.search("crocus", limit=0) == []


def test_search_folds_diacritics(store: IncidentStore) -> None:
    store.save_results([make_result("Attack reported in Açores and São Paulo today.")])
    assert len(store.search("sao paulo")) == 1


@pytest.mark.parametrize(
    "hostile",
    [
        '"',
        "AND OR",
        "*",
        "NEAR(",
        "'); DROP TABLE articles; --",
        "title:x",
        "^a",
        "",
        "   ",
        "a" * 10_000,
        "x " * 500,
        "\x00",
        "a\x00b",
        "\ud800",
        "\u200b",
    ],
)
def test_hostile_queries_neither_crash_nor_harm(three: IncidentStore, hostile: str) -> None:
    assert isinstance(three.search(hostile), list)
    assert isinstance(three.incidents(query=hostile), list)
    assert three.count_incidents(query=hostile) >= 0
    assert three.stats().articles == 3 and three.count_incidents() == 3


# ---- schema, migrations, foreign files ----


def test_migrations_recorded_once_across_reopen(backend: Backend) -> None:
    with backend.open() as s:
        first = s.migrations()
        assert [m.version for m in first] == list(range(1, SCHEMA_VERSION + 1))
        assert [m.name for m in first] == [m.name for m in store_sql.MIGRATIONS]
        assert s.schema_version == SCHEMA_VERSION
    with backend.open() as s:
        assert s.migrations() == first
        s.integrity_check()


def test_wal_mode_on_for_file_databases(tmp_path: Path) -> None:
    with Store(tmp_path / "w.db") as s:
        assert s.journal_mode == "wal"
    conn = sqlite3.connect(tmp_path / "w.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_default_path_comes_from_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INCIDEX_DB", str(tmp_path / "settings.db"))
    with Store() as s:
        assert s.path == str(tmp_path / "settings.db")
    assert (tmp_path / "settings.db").exists()


def test_non_database_file_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "notes.db"
    f.write_text("these are my notes, not a database\n" * 20)
    before = f.read_bytes()
    with pytest.raises(CorruptStoreError) as err:
        Store(f)
    assert err.value.code == "E030" and "notes.db" in str(err.value)
    assert f.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_foreign_sqlite_database_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "other.db"
    conn = sqlite3.connect(f)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = f.read_bytes()
    with pytest.raises(CorruptStoreError) as err:
        Store(f)
    assert err.value.code == "E030" and "customers" in str(err.value)
    assert f.read_bytes() == before


def test_database_of_another_program_is_refused_untouched(backend: Backend) -> None:
    backend.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    backend.execute("INSERT INTO customers (id, name) VALUES (1, 'Ada')")
    before = backend.dump()
    with pytest.raises(CorruptStoreError) as err:
        backend.open()
    assert err.value.code == "E030" and "customers" in str(err.value)
    assert backend.dump() == before


def test_newer_schema_is_refused(backend: Backend) -> None:
    backend.open().close()
    backend.execute(
        f"INSERT INTO migrations VALUES ({int(SCHEMA_VERSION) + 1}, 'from the future', "
        "'2099-01-01')"
    )
    with pytest.raises(StoreError) as err:
        backend.open()
    assert err.value.code == "E033"


def test_integrity_check_reports_broken_references(backend: Backend) -> None:
    with backend.open() as s:
        s.save_results([make_result(MOSCOW)])
        s.integrity_check()
    for statement in backend.break_references:
        backend.execute(statement)
    with backend.open() as s, pytest.raises(CorruptStoreError) as err:
        s.integrity_check()
    assert err.value.code == "E031"


# ---- transactions and concurrency ----


def test_failing_batch_rolls_back_and_earlier_batch_is_intact(backend: Backend) -> None:
    with backend.open() as s:
        s.save_results([make_result(MOSCOW, title="Crocus")])
        before = backend.dump()

        def explode(report: IncidentReport) -> str | None:
            raise RuntimeError("resolver failed")

        batch = [make_result(KABUL), make_result(PARIS)]
        with pytest.raises(RuntimeError):
            s.save_results(batch, incident_of=explode)
        assert backend.dump() == before
        assert not s.has_article(content_hash=batch[0].article.content_hash)
        # The store stays usable after a rollback.
        assert s.save_results(batch).stored == 2


def test_a_new_database_another_process_is_writing_opens_once_it_is_free(tmp_path: Path) -> None:
    # Switching a new file to WAL needs it to itself; SQLite does not wait for that through
    # its busy handler, and a second process creating the same database at that moment got
    # "database is locked", reported as a corrupt file (E030).
    path = tmp_path / "new.db"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with open_store(path) as s:
            assert s.journal_mode == "wal"
            assert s.save_results([make_result(KABUL)]).stored == 1
    finally:
        release.join()
        other.close()


def test_two_writers_on_one_database_store_each_article_once(backend: Backend) -> None:
    # Both writers also create and migrate the (empty) database at once.
    batch = [make_result(f"Report number {i} on the attack in Kabul.") for i in range(40)]
    # A timeout and abort(): a writer that fails to open must not leave the other waiting
    barrier = threading.Barrier(2, timeout=60)
    outcomes: list[SaveSummary | BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            with backend.open() as s:
                barrier.wait()
                outcomes.append(s.save_results(batch))
        except BaseException as exc:  # noqa: B902 - handed to the main thread
            barrier.abort()
            outcomes.append(exc)

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    summaries = [o for o in outcomes if isinstance(o, SaveSummary)]
    assert len(summaries) == 2, outcomes
    assert sorted(s.stored for s in summaries) == [0, 40]
    assert sum(s.duplicates for s in summaries) == 40
    with backend.open() as s:
        stats = s.stats()
        assert (stats.articles, stats.reports, stats.incidents) == (40, 40, 40)
        s.integrity_check()


def test_store_satisfies_the_protocol(store: IncidentStore) -> None:
    assert isinstance(store, IncidentStore)


def test_resolver_sees_incidents_created_earlier_in_the_same_batch(store: IncidentStore) -> None:
    seen: list[int] = []

    def same_country(report: IncidentReport) -> str | None:
        # A resolver reads the store inside the batch's transaction.
        country = report.where[0].normalized.country_code if report.where else None
        found = store.incidents(country=country) if country else []
        seen.append(len(found))
        return found[0].id if found else None

    batch = [
        make_result(MOSCOW, country="RU", killed=137),
        make_result(MOSCOW + " Update.", country="RU", killed=140),
    ]
    summary = store.save_results(batch, incident_of=same_country)
    assert seen == [0, 1]
    assert (summary.incidents_created, summary.reports, store.count_incidents()) == (1, 2, 1)
    assert store.incidents()[0].killed_high == 140


def test_articles_are_listed_in_arrival_order_page_by_page(
    store: IncidentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pg_store, "_PAGE", 2)  # PostgreSQL reads articles in pages
    results = [make_result(f"Report {i} on the attack.", status="no_incident") for i in range(5)]
    store.save_results(results)
    ids = [r.article.id for r in results]
    assert [a.id for a in store.articles()] == ids
    assert [a.id for a in store.articles(limit=4)] == ids[:4]
    assert [a.id for a in store.articles(limit=2)] == ids[:2]
    assert list(store.articles(limit=0)) == []


# ---- choosing and opening a backend ----


def test_open_store_picks_the_backend_from_the_db_setting(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDEX_DB", backend.target)
    with open_store(load_settings().db) as s:
        expected = SQLiteStore if backend.name == "sqlite" else PostgresStore
        assert isinstance(s, expected)
        assert s.save_results([make_result(MOSCOW)]).stored == 1
    with open_store(load_settings(db=backend.target).db) as s:
        assert s.stats().articles == 1


def test_open_store_refuses_other_urls(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        open_store("mysql://root:hunter2@localhost/x")
    assert "postgresql://" in str(err.value) and "hunter2" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_importing_the_store_does_not_need_psycopg() -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"  # any import of psycopg now fails
        "import incidex.store as s\n"
        "s.open_store(sys.argv[1]).close()\n"
        "try:\n"
        "    s.open_store('postgresql://u@127.0.0.1:1/x')\n"
        "except s.StoreError:\n"
        "    raise\n"
        "except Exception as e:\n"
        "    print(e)\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        done = subprocess.run(
            [sys.executable, "-c", code, str(Path(d) / "x.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr
    assert "incidex[postgres]" in done.stdout


def test_redacted_url_hides_passwords() -> None:
    assert (
        pg_store.redact_url("postgresql://ann:s3cret@db.example:5433/news?sslmode=require")
        == "postgresql://ann:***@db.example:5433/news?sslmode=require"
    )
    assert "s3cret" not in pg_store.redact_url("postgres://db/news?password=s3cret&user=ann")
    assert pg_store.redact_url("postgresql://ann@db/news") == "postgresql://ann@db/news"


def test_every_migration_has_a_postgres_twin() -> None:
    assert sorted(pg_store.PG_STEPS) == [m.version for m in store_sql.MIGRATIONS]


# ---- PostgreSQL only ----


def test_postgres_connection_failure_says_what_to_check() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError) as err:
        # Port 1 on the loopback: refused at once, no server needed.
        PostgresStore("postgresql://ann:s3cret@127.0.0.1:1/news")
    message = str(err.value)
    assert "cannot connect to PostgreSQL" in message and "server is running" in message
    assert "127.0.0.1:1/news" in message and "s3cret" not in message


def test_postgres_path_is_the_url_without_password(pg_database: str) -> None:
    parts = urlsplit(pg_database)
    with PostgresStore(pg_database) as s:
        assert s.path == pg_store.redact_url(pg_database)
        if parts.password:
            assert ":***@" in s.path and f":{parts.password}@" not in s.path
        assert s.path.endswith(parts.path)


def test_postgres_readers_are_not_blocked_by_a_writer(pg_database: str) -> None:
    """A batch in progress holds the write lock; another connection still reads."""
    with PostgresStore(pg_database) as writer, PostgresStore(pg_database) as reader:
        writer.save_results([make_result(KABUL, title="Kabul")])
        counts: list[int] = []

        def resolver(report: IncidentReport) -> str | None:
            # Runs inside the writer's open transaction.
            counts.append(reader.stats().articles)
            counts.append(len(reader.search("Crocus")))
            return None

        writer.save_results([make_result(MOSCOW, title="Crocus")], incident_of=resolver)
        assert counts == [1, 0]  # the reader saw the committed state, without waiting
        assert reader.stats().articles == 2 and len(reader.search("Crocus")) == 1


def test_postgres_stores_in_separate_schemas_are_independent(pg_database: str) -> None:
    import psycopg

    with psycopg.connect(pg_database, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA newsroom")
    sep = "&" if "?" in pg_database else "?"
    other = pg_database + sep + "options=-csearch_path%3Dnewsroom"
    with PostgresStore(pg_database) as a, PostgresStore(other) as b:
        a.save_results([make_result(MOSCOW)])
        assert b.stats().articles == 0 and b.search("Crocus") == []
        b.save_results([make_result(KABUL)])
        assert [h.title for h in b.search("checkpoint")] == [None]
        assert a.stats().articles == 1


# ---- incremental summaries, audit log, report -> incident, kept apart ----


def _join_first(store: IncidentStore) -> IncidentOf:
    """A stand-in resolver: every report joins the first incident, if there is one."""

    def resolve(report: IncidentReport) -> str | None:
        found = store.incidents(limit=1)
        return found[0].id if found else None

    return resolve


def test_incremental_summary_equals_a_summary_of_all_reports(store: IncidentStore) -> None:
    from incidex.resolve import summarize

    tolls = [40, 115, 137, 143, 139]
    for n, killed in enumerate(tolls):
        result = make_result(
            f"{MOSCOW} Update {n}.",
            title=f"Update {n}",
            source=f"Outlet {n % 3}",
            date=dt.date(2024, 3, 22) if n != 2 else dt.date(2024, 3, 21),
            country="RU",
            killed=killed,
            group="Islamic State Khorasan Province" if n else None,
            event="Armed Assault",
        )
        # One article per batch: each batch updates the stored summary state.
        store.save_results([result], incident_of=_join_first(store))
    (only,) = store.incidents()
    incident = store.incident(only.id)
    assert incident.summary == summarize(only.id, incident.reports, incident.articles)
    assert (incident.summary.n_reports, incident.summary.killed_high) == (5, 143)
    assert incident.summary.date == dt.date(2024, 3, 22)


def test_a_summary_without_stored_state_is_rebuilt_once(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with Store(db) as s:
        s.save_results([make_result(MOSCOW, killed=40, country="RU", date=dt.date(2024, 3, 22))])
        (only,) = s.incidents()
    conn = sqlite3.connect(db)  # as a database written before migration 2 would be
    conn.execute("UPDATE incidents SET state = NULL")
    conn.commit()
    conn.close()
    with Store(db) as s:
        s.save_results(
            [make_result(MOSCOW + " Update.", killed=137, country="RU")],
            incident_of=lambda r: only.id,
        )
        summary = s.incident(only.id).summary
    assert (summary.n_reports, summary.killed_high, summary.date) == (2, 137, dt.date(2024, 3, 22))


def test_reingesting_a_batch_keeps_the_same_incidents(store: IncidentStore) -> None:
    batch = [make_result(MOSCOW, killed=40), make_result(KABUL, killed=12)]
    store.save_results(batch)
    before = {s.id: s.n_reports for s in store.incidents()}
    again = store.save_results(batch)
    assert (again.duplicates, again.reports, again.incidents_created) == (2, 0, 0)
    assert {s.id: s.n_reports for s in store.incidents()} == before
    assert before.keys() == {incident_id_for(r.incidents[0]) for r in batch}


def test_incident_log_records_who_moved_what(store: IncidentStore) -> None:
    a, b = make_result(MOSCOW, killed=40), make_result(KABUL, killed=12)
    store.save_results([a, b])
    ia, ib = incident_id_for(a.incidents[0]), incident_id_for(b.incidents[0])
    store.relink_many([b.incidents[0].id], ia, reason="same attack", who="ana")
    log = store.incident_log(ia)
    assert [(e.action, e.report_id, e.who) for e in log] == [
        ("created", a.incidents[0].id, None),
        ("relinked", b.incidents[0].id, "ana"),
    ]
    assert log[1].from_incident == ib and log[1].reason == "same attack"
    gone = store.incident_log(ib)
    assert [e.action for e in gone] == ["created", "relinked", "deleted"]
    assert gone[-1].who == "ana"


def test_an_article_or_report_id_leads_to_its_incidents(store: IncidentStore) -> None:
    two = make_result(MOSCOW, n_reports=2)
    store.save_results([two])
    first, second = (r.id for r in two.incidents)
    # Without a resolver each report founds its own incident.
    assert len(store.incidents_of(two.article.id)) == 2
    assert store.incidents_of(second) == [incident_id_for(two.incidents[1])]
    assert store.incidents_of("a0000") == []
    assert first != second


def test_split_reports_are_kept_apart_until_a_person_merges_them(store: IncidentStore) -> None:
    a, b = make_result(MOSCOW), make_result(MOSCOW + " Update.")
    store.save_results([a, b], incident_of=_join_first(store))
    (only,) = store.incidents()
    moved = b.incidents[0].id
    store.relink_many([moved], "isplit", create=True, keep_apart=True, who="ana", reason="x")
    assert store.kept_apart(moved) == {only.id}
    assert store.kept_apart(a.incidents[0].id) == set()
    store.relink_many([moved], only.id, who="bo", reason="same after all")
    assert store.kept_apart(moved) == set()
    assert store.count_incidents() == 1
