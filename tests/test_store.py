"""The SQLite store: round trips, idempotence, incidents, filters, search, safety."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

import incidex.resolve
from incidex.errors import CorruptStoreError, IncidexError, NotFoundError, StoreError
from incidex.model import (
    Article,
    ArticleRef,
    ArticleResult,
    Assertion,
    Casualties,
    EventType,
    IncidentReport,
    IncidentSummary,
    Perpetrator,
    Place,
    Precision,
    SentenceRef,
    Stance,
    Status,
    When,
)
from incidex.store import SCHEMA_VERSION, IncidentStore, SaveSummary, Store, incident_id_for

# ---- building records by hand ----


def _assertion(field: str, value: str, normalized: Any, text: str, **kw: Any) -> Assertion[Any]:
    start = max(text.find(value), 0)
    return Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field,
        value=value,
        normalized=normalized,
        start=start,
        end=start + len(value),
        sentence=SentenceRef(start=0, end=len(text), text=text),
        extractor="tests.v1",
        **kw,
    )


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


def _simple_summarize(
    incident_id: str, reports: Sequence[IncidentReport], articles: Sequence[ArticleRef]
) -> IncidentSummary:
    """A transparent stand-in for the resolver, so these tests do not test its policy."""
    a = [x for r in reports for x in r.assertions()]
    dates = [x.normalized.date for x in a if x.field == "when" and x.normalized.date]
    countries = [x.normalized.country_code for x in a if x.field == "where"]
    killed = [x.normalized.exact for x in a if x.field == "casualties"]
    return IncidentSummary(
        id=incident_id,
        title=next((ar.title for ar in articles if ar.title), incident_id),
        date=min(dates) if dates else None,
        country_code=countries[0] if countries else None,
        types=sorted({x.normalized.name for x in a if x.field == "types"}),
        groups=sorted({x.normalized.group for x in a if x.field == "perpetrators"}),
        killed=min(killed) if killed else None,
        n_reports=len(reports),
        n_sources=len({ar.source for ar in articles if ar.source}),
    )


@pytest.fixture
def simple_summaries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(incidex.resolve, "summarize", _simple_summarize)


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(memory=True) as s:
        yield s


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


MOSCOW = (
    "Gunmen opened fire at Crocus City Hall near Moscow on Friday, killing 137 people. "
    "Islamic State claimed responsibility through Amaq."
)
KABUL = "A suicide bomber killed 12 people at a checkpoint in Kabul on Monday, officials said."
PARIS = "Police in Paris arrested two men over a plot against a concert hall, prosecutors said."


# ---- round trip and idempotence ----


def test_article_and_report_round_trip(store: Store) -> None:
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


def test_duplicate_content_and_url_are_not_stored_twice(store: Store) -> None:
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


def test_second_save_of_a_batch_changes_no_row(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    batch = [
        make_result(MOSCOW, url="https://ex.org/1", title="Crocus", killed=137, country="RU"),
        make_result(KABUL, title="Kabul", status="extracted", n_reports=2),
        make_result(PARIS, title="Paris", status="no_incident"),
    ]
    with Store(db) as s:
        s.save_results(batch)
    before = dump(db)
    with Store(db) as s:
        again = s.save_results(batch)
    assert (again.stored, again.duplicates, again.incidents_created) == (0, 3, 0)
    assert dump(db) == before
    assert len(before["articles"]) == 3 and len(before["reports"]) == 3


def test_non_extracted_articles_are_stored_and_searchable_but_found_no_incident(
    store: Store,
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


# ---- incidents ----


def test_incident_created_with_stable_id_and_second_report_attached(store: Store) -> None:
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


def test_incident_of_naming_an_unknown_incident_fails_the_batch(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.save_results([make_result(MOSCOW)], incident_of=lambda r: "inope")
    assert store.stats().articles == 0


def test_unknown_incident_and_article_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError) as err:
        store.incident("i000000000000")
    assert err.value.code == "E032"
    with pytest.raises(NotFoundError):
        store.article("a0")
    with pytest.raises(NotFoundError):
        store.article_status("a0")


@pytest.fixture
def three(store: Store, simple_summaries: None) -> Store:
    store.save_results(
        [
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
    )
    return store


def _titles(items: list[IncidentSummary]) -> list[str]:
    return [i.title for i in items]


def test_filters(three: Store) -> None:
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


def test_sort_and_paging(three: Store) -> None:
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


def test_relink_moves_a_report_and_resummarises_both(store: Store, simple_summaries: None) -> None:
    a = make_result(MOSCOW, title="Crocus", killed=137)
    b = make_result(KABUL, title="Kabul", killed=12)
    store.save_results([a, b])
    ia, ib = incident_id_for(a.incidents[0]), incident_id_for(b.incidents[0])
    store.relink(b.incidents[0].id, ia, reason="same attack")
    merged = store.incident(ia)
    assert merged.summary.n_reports == 2 and merged.summary.killed == 12
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


def test_search_finds_words_with_snippet(store: Store) -> None:
    store.save_results([make_result(MOSCOW, title="Crocus"), make_result(KABUL, title="Kabul")])
    hits = store.search("Crocus")
    assert len(hits) == 1 and hits[0].title == "Crocus"
    assert "[Crocus]" in hits[0].snippet
    assert [h.title for h in store.search("killed people")] == ["Kabul"]  # every word
    assert {h.title for h in store.search("people")} == {"Crocus", "Kabul"}
    assert store.search("crocus", limit=0) == []


def test_search_folds_diacritics(store: Store) -> None:
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
def test_hostile_queries_neither_crash_nor_harm(three: Store, hostile: str) -> None:
    assert isinstance(three.search(hostile), list)
    assert isinstance(three.incidents(query=hostile), list)
    assert three.count_incidents(query=hostile) >= 0
    assert three.stats().articles == 3 and three.count_incidents() == 3


# ---- schema, migrations, foreign files ----


def test_migrations_recorded_once_across_reopen(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    with Store(db) as s:
        first = s.migrations()
        assert [m.version for m in first] == list(range(1, SCHEMA_VERSION + 1))
        assert s.schema_version == SCHEMA_VERSION
    with Store(db) as s:
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


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(
        "INSERT INTO migrations VALUES (?, 'from the future', '2099-01-01')", (SCHEMA_VERSION + 1,)
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as err:
        Store(db)
    assert err.value.code == "E033"


def test_integrity_check_reports_broken_references(tmp_path: Path) -> None:
    db = tmp_path / "fk.db"
    with Store(db) as s:
        s.save_results([make_result(MOSCOW)])
    conn = sqlite3.connect(db)  # foreign keys are off on this connection
    conn.execute("DELETE FROM incidents")
    conn.commit()
    conn.close()
    with Store(db) as s, pytest.raises(CorruptStoreError) as err:
        s.integrity_check()
    assert err.value.code == "E031"


# ---- transactions and concurrency ----


def test_failing_batch_rolls_back_and_earlier_batch_is_intact(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store(db) as s:
        s.save_results([make_result(MOSCOW, title="Crocus")])
        before = dump(db)

        def explode(report: IncidentReport) -> str | None:
            raise RuntimeError("resolver failed")

        batch = [make_result(KABUL), make_result(PARIS)]
        with pytest.raises(RuntimeError):
            s.save_results(batch, incident_of=explode)
        assert dump(db) == before
        assert not s.has_article(content_hash=batch[0].article.content_hash)
        # The store stays usable after a rollback.
        assert s.save_results(batch).stored == 2


def test_two_writers_on_one_file_store_each_article_once(tmp_path: Path) -> None:
    db = tmp_path / "c.db"  # both writers also create and migrate it at once
    batch = [make_result(f"Report number {i} on the attack in Kabul.") for i in range(40)]
    barrier = threading.Barrier(2)
    outcomes: list[SaveSummary | BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            with Store(db) as s:
                barrier.wait()
                outcomes.append(s.save_results(batch))
        except BaseException as exc:  # noqa: B902 - handed to the main thread
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
    with Store(db) as s:
        stats = s.stats()
        assert (stats.articles, stats.reports, stats.incidents) == (40, 40, 40)
        s.integrity_check()


def test_store_satisfies_the_protocol(store: Store) -> None:
    assert isinstance(store, IncidentStore)


def test_resolver_sees_incidents_created_earlier_in_the_same_batch(
    store: Store, simple_summaries: None
) -> None:
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
    assert store.incidents()[0].killed == 137
