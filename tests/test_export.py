"""Exports: each format re-read with its own library; the JSON Lines round trip; safety."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import stix2
from _records import said

from incidex.export import FORMATS, ExportSummary, export, import_jsonl
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    Claim,
    EventType,
    IncidentReport,
    Perpetrator,
    Place,
    Precision,
    Stance,
    Target,
    Weapon,
    When,
)
from incidex.store import Store

# ---- hand-made extraction results (no spaCy) ----

ISKP = "Islamic State - Khorasan Province"


def _a(field: str, value: str, normalized: Any, text: str, **kw: Any) -> Assertion[Any]:
    return said(text, field, value, normalized, whole_text=True, anywhere=True, **kw)


def _article(text: str, title: str, url: str, source: str, day: int) -> Article:
    return Article.from_text(
        text,
        url=url,
        title=title,
        source=source,
        published=dt.datetime(2024, 3, day, 9, 0, tzinfo=dt.UTC),
        origin=f"{title}.txt",
    )


def crocus_result(killed: int, day: int) -> ArticleResult:
    """A report of the Crocus City Hall attack: coordinates, an Amaq claim on Telegram."""
    text = (
        f"Gunmen opened fire at Crocus City Hall near Moscow, killing at least {killed} people "
        "and wounding 182. Islamic State claimed the attack through its Amaq news agency on "
        "Telegram. The attackers used assault rifles and set the building on fire."
    )
    article = _article(
        text,
        f"Crocus City Hall attack: at least {killed} dead",
        f"https://news.example/crocus-{day}",
        "Example Wire",
        day,
    )
    r = IncidentReport(article_id=article.id, summary=article.title)
    r.types.append(_a("types", "opened fire", EventType(name="Armed Assault", gtd_code=2), text))
    r.when.append(
        _a("when", "Friday", When(date=dt.date(2024, 3, 22), precision=Precision.day), text)
    )
    r.where.append(
        _a(
            "where",
            "Crocus City Hall",
            Place(
                name="Crocus City Hall",
                venue="Crocus City Hall",
                city="Krasnogorsk",
                region="Moscow Oblast",
                country_code="RU",
                country="Russia",
                latitude=55.8256,
                longitude=37.3886,
                precision=1,
            ),
            text,
        )
    )
    r.perpetrators.append(
        _a(
            "perpetrators",
            "Islamic State",
            Perpetrator(group=ISKP, parent="Islamic State", count=4),
            text,
            speaker="Amaq",
            stance=Stance.claimed,
            confidence=0.8,
        )
    )
    r.claims.append(
        _a(
            "claims",
            "claimed the attack",
            Claim(kind="claimed", by="Islamic State", group=ISKP, via="Amaq", channel="Telegram"),
            text,
            speaker="Amaq",
            stance=Stance.claimed,
        )
    )
    r.weapons.append(
        _a(
            "weapons",
            "assault rifles",
            Weapon(
                type="Firearms",
                type_code=5,
                subtype="Automatic or Semi-Automatic Rifle",
                subtype_code=2,
                model="AK-74",
            ),
            text,
        )
    )
    r.weapons.append(
        _a(
            "weapons",
            "on fire",
            Weapon(type="Incendiary", type_code=8, subtype="Arson/Fire", subtype_code=18),
            text,
        )
    )
    r.targets.append(
        _a(
            "targets",
            "Crocus City Hall",
            Target(
                type="Business",
                type_code=1,
                subtype="Entertainment/Cultural/Stadium/Casino",
                subtype_code=11,
                entity="Crocus City Hall",
            ),
            text,
        )
    )
    r.casualties.append(
        _a(
            "casualties",
            f"at least {killed} people",
            Casualties(category="killed", low=killed, qualifier="at least"),
            text,
            speaker="officials",
        )
    )
    r.casualties.append(_a("casualties", "182", Casualties(category="wounded", exact=182), text))
    return ArticleResult(article=article, status="extracted", incidents=[r])


def kidnap_result() -> ArticleResult:
    """An incident without coordinates or a group: a kidnapping somewhere in Nigeria."""
    text = "Gunmen abducted 20 travellers on a highway, police said. No group has claimed it."
    article = _article(
        text, "Travellers abducted", "https://news.example/kidnap", "Daily Ledger", 5
    )
    r = IncidentReport(article_id=article.id)
    r.types.append(
        _a("types", "abducted", EventType(name="Hostage Taking (Kidnapping)", gtd_code=6), text)
    )
    r.when.append(
        _a("when", "March", When(date=dt.date(2024, 3, 1), precision=Precision.month), text)
    )
    r.where.append(
        _a("where", "Nigeria", Place(name="Nigeria", country_code="NG", country="Nigeria"), text)
    )
    r.casualties.append(
        _a("casualties", "20 travellers", Casualties(category="hostages", exact=20), text)
    )
    return ArticleResult(article=article, status="extracted", incidents=[r])


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(memory=True) as s:
        s.save_results([kidnap_result()])
        s.save_results([crocus_result(133, 23)])
        crocus = next(i for i in s.incidents(limit=10) if i.country_code == "RU")
        # A later report of the same attack, with the higher toll.
        s.save_results([crocus_result(137, 24)], incident_of=lambda _r: crocus.id)
        yield s


def _export(store: Store, fmt: str, **kw: Any) -> tuple[str, ExportSummary]:
    buf = io.StringIO()
    summary = export(store, fmt, buf, **kw)
    return buf.getvalue(), summary


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _by_country(rows: list[dict[str, str]], key: str, value: str) -> dict[str, str]:
    return next(r for r in rows if r[key] == value)


# ---- formats ----


def test_csv_has_every_summary_field(store: Store) -> None:
    text, summary = _export(store, "csv")
    rows = _rows(text)
    assert summary.incidents == 2 and len(rows) == 2
    crocus = _by_country(rows, "country_code", "RU")
    assert crocus["killed"] == "137"
    assert crocus["wounded"] == "182"
    assert crocus["groups"] == ISKP
    assert crocus["date"] == "2024-03-22"
    assert crocus["n_reports"] == "2"


def test_gtd_csv_codes(store: Store) -> None:
    text, _ = _export(store, "gtd-csv")
    rows = _rows(text)
    crocus = _by_country(rows, "country_txt", "Russia")
    assert crocus["country"] == "167"
    assert crocus["region"] == "9" and crocus["region_txt"] == "Eastern Europe"
    assert (crocus["iyear"], crocus["imonth"], crocus["iday"]) == ("2024", "3", "22")
    assert crocus["eventid"].startswith("20240322") and len(crocus["eventid"]) == 12
    assert crocus["nkill"] == "137"
    assert crocus["nwound"] == "182"
    assert crocus["claimed"] == "1"
    assert crocus["claimmode"] == "7"
    assert crocus["claimmode_txt"] == "Posted to website, blog, etc."
    assert crocus["attacktype1"] == "2" and crocus["attacktype1_txt"] == "Armed Assault"
    assert crocus["weaptype1"] == "5" and crocus["weapsubtype1"] == "2"
    assert crocus["weaptype2"] == "8"
    assert crocus["weapdetail"] == "AK-74"
    assert crocus["targtype1"] == "1" and crocus["target1"] == "Crocus City Hall"
    # gname is the organisation, gsubname the branch (the KB's parent relation).
    assert crocus["gname"] == "Islamic State" and crocus["gsubname"] == ISKP
    assert crocus["nperps"] == "4"
    assert crocus["specificity"] == "1"
    assert crocus["dbsource"] == "incidex"
    assert crocus["INT_ANY"] == "-9"
    assert "news.example/crocus-23" in crocus["scite1"]

    kidnap = _by_country(rows, "country_txt", "Nigeria")
    assert kidnap["country"] == "147"
    assert (kidnap["imonth"], kidnap["iday"]) == ("3", "0")  # day unknown: 0, as GTD codes it
    assert kidnap["approxdate"] == "March 2024"
    assert kidnap["eventid"].startswith("20240300")
    assert kidnap["gname"] == "Unknown"
    assert kidnap["claimed"] == "0" and kidnap["claimmode"] == ""
    assert kidnap["ishostkid"] == "1" and kidnap["nhostkid"] == "20"
    assert kidnap["nkill"] == ""  # not reported: blank, not 0
    assert kidnap["nperps"] == "-99"


def test_gtd_eventid_stable_across_exports(store: Store) -> None:
    first = [r["eventid"] for r in _rows(_export(store, "gtd-csv")[0])]
    second = [r["eventid"] for r in _rows(_export(store, "gtd-csv")[0])]
    assert first == second
    assert len(set(first)) == 2


def test_acled_csv(store: Store) -> None:
    rows = _rows(_export(store, "acled-csv")[0])
    crocus = _by_country(rows, "country", "Russia")
    assert crocus["event_date"] == "2024-03-22"
    assert crocus["year"] == "2024" and crocus["time_precision"] == "1"
    assert crocus["fatalities"] == "137"
    assert crocus["iso"] == "643"
    assert crocus["event_id_cnty"].startswith("RUS")
    assert crocus["event_type"] == "Violence against civilians"
    assert crocus["sub_event_type"] == "Attack"
    assert crocus["civilian_targeting"] == "Civilian targeting"
    assert crocus["actor1"] == ISKP and crocus["inter1"] == "2"
    assert crocus["actor2"] == "Civilians (Russia)" and crocus["interaction"] == "27"
    assert crocus["admin1"] == "Moscow Oblast"
    assert crocus["geo_precision"] == "1"
    assert crocus["source"] == "Example Wire"

    kidnap = _by_country(rows, "country", "Nigeria")
    assert kidnap["sub_event_type"] == "Abduction/forced disappearance"
    assert kidnap["time_precision"] == "3"
    assert kidnap["fatalities"] == "0"
    assert kidnap["actor1"] == "Unidentified Armed Group (Nigeria)"


def test_geojson_is_valid_rfc7946(store: Store) -> None:
    text, summary = _export(store, "geojson")
    data = json.loads(text)
    assert data["type"] == "FeatureCollection"
    assert summary.incidents == 1 and summary.skipped == 1
    (feature,) = data["features"]
    assert feature["type"] == "Feature"
    assert set(feature) >= {"type", "geometry", "properties"}
    geometry = feature["geometry"]
    assert geometry["type"] == "Point"
    lon, lat = geometry["coordinates"]
    assert (lon, lat) == (37.3886, 55.8256)  # longitude first
    assert all(isinstance(v, float) and math.isfinite(v) for v in (lon, lat))
    props = feature["properties"]
    assert props["killed"] == 137 and props["groups"] == ISKP
    assert all(not isinstance(v, dict | list) for v in props.values())


def test_stix_bundle_parses_strictly(store: Store) -> None:
    text, summary = _export(store, "stix")
    bundle = stix2.parse(text, allow_custom=False)
    by_type: dict[str, list[Any]] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    assert len(by_type["report"]) == 2
    actors = {a.name: a for a in by_type["threat-actor"]}
    assert ISKP in actors and "Islamic State" in actors
    assert "terrorist" in actors[ISKP].threat_actor_types
    crocus = next(r for r in by_type["report"] if "Crocus" in r.name or "Russia" in r.name)
    assert crocus.published == dt.datetime(2024, 3, 23, 9, 0, tzinfo=dt.UTC)
    urls = {ref.url for ref in crocus.external_references}
    assert urls == {"https://news.example/crocus-23", "https://news.example/crocus-24"}
    ids = {o.id for o in bundle.objects}
    assert set(crocus.object_refs) <= ids
    assert actors[ISKP].id in crocus.object_refs
    rels = {(r.source_ref, r.relationship_type) for r in by_type["relationship"]}
    assert (actors[ISKP].id, "targets") in rels
    locations = by_type["location"]
    assert any(loc.country == "RU" and loc.latitude == 55.8256 for loc in locations)
    outlets = {i.name for i in by_type["identity"]}
    assert outlets == {"Example Wire", "Daily Ledger"}
    assert len(ids) == len(bundle.objects) == summary.objects  # shared objects written once


def test_stix_shares_group_objects_across_incidents() -> None:
    with Store(memory=True) as s:
        s.save_results([crocus_result(133, 23)])
        s.save_results([crocus_result(140, 27)])  # a second incident, same group
        text, _ = _export(s, "stix")
    bundle = stix2.parse(text, allow_custom=False)
    actors = [o for o in bundle.objects if o.type == "threat-actor" and o.name == ISKP]
    reports = [o for o in bundle.objects if o.type == "report"]
    assert len(reports) == 2 and len(actors) == 1
    assert all(actors[0].id in r.object_refs for r in reports)


def test_filters_apply(store: Store) -> None:
    rows = _rows(_export(store, "csv", country="RU")[0])
    assert [r["country_code"] for r in rows] == ["RU"]
    rows = _rows(_export(store, "csv", min_killed=100)[0])
    assert len(rows) == 1
    rows = _rows(_export(store, "csv", since=dt.date(2024, 3, 10))[0])
    assert [r["country_code"] for r in rows] == ["RU"]


def test_output_to_path_and_binary_stream(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    export(store, "gtd-csv", path)
    assert len(_rows(path.read_text(encoding="utf-8"))) == 2
    buf = io.BytesIO()
    export(store, "geojson", buf)
    assert not buf.closed
    assert json.loads(buf.getvalue().decode("utf-8"))["type"] == "FeatureCollection"


def test_unknown_format_is_refused(store: Store) -> None:
    from incidex.errors import IncidexError

    with pytest.raises(IncidexError, match="unknown export format"):
        export(store, "xlsx", io.StringIO())
    assert "jsonl" in FORMATS


# ---- JSON Lines round trip ----


def _all(store: Store) -> dict[str, Any]:
    return {s.id: store.incident(s.id) for s in store.incidents(limit=1000)}


def test_jsonl_round_trip(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "incidents.jsonl"
    summary = export(store, "jsonl", path)
    assert summary.incidents == 2 and summary.articles == 3
    lines = path.read_text(encoding="utf-8").splitlines()
    incident_lines = [json.loads(x) for x in lines if "type" not in json.loads(x)]
    assert len(incident_lines) == 2 and all("summary" in x for x in incident_lines)

    with Store(memory=True) as fresh:
        result = import_jsonl(path, fresh)
        assert result.errors == []
        assert (result.articles, result.reports, result.incidents) == (3, 3, 2)
        assert _all(fresh) == _all(store)  # same ids, summaries, reports, assertions
        assert fresh.article(incident_lines[0]["articles"][0]["id"]).text
        # Importing again adds nothing.
        again = import_jsonl(path, fresh)
        assert again.duplicates == 3 and again.reports == 0
        assert _all(fresh) == _all(store)


def test_jsonl_round_trip_keeps_relinked_incident_ids(store: Store, tmp_path: Path) -> None:
    crocus = next(i for i in store.incidents(limit=10) if i.country_code == "RU")
    report = list(store.reports(incident_id=crocus.id))[-1]
    store.relink(report.id, "isplit0000001", reason="test", create=True)
    path = tmp_path / "incidents.jsonl"
    export(store, "jsonl", path)
    with Store(memory=True) as fresh:
        result = import_jsonl(path, fresh)
        assert result.relinked == 1
        assert _all(fresh) == _all(store)


def test_jsonl_import_reports_bad_lines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "incidents.jsonl"
    export(store, "jsonl", path)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("{not json\n[1, 2]\n")
    with Store(memory=True) as fresh:
        result = import_jsonl(path, fresh)
        assert result.skipped_lines == 2
        assert all("[E006]" in e for e in result.errors)
        assert len(_all(fresh)) == 2


def test_jsonl_without_articles_says_what_it_lost(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "incidents.jsonl"
    export(store, "jsonl", path, articles=False)
    with Store(memory=True) as fresh:
        result = import_jsonl(path, fresh)
        assert result.reports == 0 and result.reports_without_article == 3
        assert result.errors and "no article line" in result.errors[0]


def test_import_missing_file(tmp_path: Path) -> None:
    from incidex.errors import FileMissingError

    with Store(memory=True) as s, pytest.raises(FileMissingError):
        import_jsonl(tmp_path / "nope.jsonl", s)


# ---- hostile text ----

HOSTILE_TITLE = "=cmd|' /C calc'!A0"


def hostile_result() -> ArticleResult:
    text = 'He said "stop" <script>alert(1)</script>\nthen\r\nleft, "quoted", and more.'
    article = Article.from_text(
        text,
        url="https://evil.example/?q=<script>",
        title=HOSTILE_TITLE,
        source="@SUM(1+1)",
        published=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
    )
    r = IncidentReport(article_id=article.id, summary='+1 "line one"\nline two, <b>x</b>')
    r.types.append(_a("types", "said", EventType(name="Armed Assault", gtd_code=2), text))
    r.where.append(
        _a(
            "where",
            "said",
            Place(
                name="-evil",
                city='-2+3 "Town"\nnewline',
                country_code="FR",
                country="France",
                latitude=48.85,
                longitude=2.35,
            ),
            text,
        )
    )
    r.perpetrators.append(
        _a("perpetrators", "said", Perpetrator(group='=HYPERLINK("http://x")'), text)
    )
    return ArticleResult(article=article, status="extracted", incidents=[r])


@pytest.mark.parametrize("fmt", ["csv", "gtd-csv", "acled-csv"])
def test_csv_outputs_neutralise_formulas(fmt: str) -> None:
    with Store(memory=True) as s:
        s.save_results([hostile_result()])
        text, _ = _export(s, fmt)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2  # header + one row: newlines and quotes stayed inside their cells
    header, row = rows
    assert len(row) == len(header)
    for name, cell in zip(header, row, strict=True):
        if cell.startswith(("=", "+", "@", "\t", "\r")):
            pytest.fail(f"{fmt}: column {name} starts a formula: {cell!r}")
        if cell.startswith("-"):  # only numbers may start with a minus
            float(cell)
    joined = "\n".join(row)
    assert "'=HYPERLINK" in joined or "'=cmd" in joined
    if fmt == "gtd-csv":
        cells = dict(zip(header, row, strict=True))
        assert cells["gname"] == '\'=HYPERLINK("http://x")'
        assert cells["nperps"] == "-99"  # numbers are not prefixed
        assert cells["city"] == '\'-2+3 "Town"\nnewline'


def test_geojson_and_stix_carry_hostile_text_as_data() -> None:
    with Store(memory=True) as s:
        s.save_results([hostile_result()])
        geo, _ = _export(s, "geojson")
        bundle_text, _ = _export(s, "stix")
    props = json.loads(geo)["features"][0]["properties"]
    assert props["city"] == '-2+3 "Town"\nnewline'
    bundle = stix2.parse(bundle_text, allow_custom=False)
    report = next(o for o in bundle.objects if o.type == "report")
    assert report.external_references[0].description == HOSTILE_TITLE


# ---- streaming ----


def _many(n: int) -> Iterator[ArticleResult]:
    for i in range(n):
        text = f"Incident number {i}: a bomb exploded in a market, killing {i % 7} people."
        article = Article.from_text(
            text,
            url=f"https://bulk.example/{i}",
            title=f"Bulk {i}",
            source="Bulk Wire",
            published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i % 900),
        )
        r = IncidentReport(article_id=article.id)
        r.types.append(_a("types", "bomb", EventType(name="Bombing/Explosion", gtd_code=3), text))
        r.where.append(
            _a(
                "where",
                "market",
                Place(name="market", country_code="IQ", latitude=33.3, longitude=44.4),
                text,
            )
        )
        r.casualties.append(
            _a("casualties", "killing", Casualties(category="killed", exact=i % 7), text)
        )
        yield ArticleResult(article=article, status="extracted", incidents=[r])


def _peak(store: Store, fmt: str) -> int:
    tracemalloc.start()
    try:
        export(store, fmt, _Sink(), page_size=50)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Sink(io.TextIOBase):
    """A text stream that counts and discards what it is given."""

    def __init__(self) -> None:
        self.chars = 0

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


@pytest.fixture(scope="module")
def sized_stores() -> Iterator[tuple[Store, Store]]:
    with Store(memory=True) as small, Store(memory=True) as large:
        small.save_results(_many(100))
        large.save_results(_many(1000))
        yield small, large


@pytest.mark.parametrize("fmt", ["jsonl", "gtd-csv", "geojson"])
def test_export_memory_is_bounded(fmt: str, sized_stores: tuple[Store, Store]) -> None:
    """Ten times the incidents must not take anywhere near ten times the memory.

    bench/export_memory.py prints the figures for 2,000 incidents and every format (STIX
    included: stix2 builds objects slowly, so it is measured there, not here).
    """
    small, large = sized_stores
    assert large.count_incidents() == 1000
    peak_small = _peak(small, fmt)
    peak_large = _peak(large, fmt)
    # Id sets (articles written, eventids, STIX ids) grow with the export; incidents do not.
    assert peak_large < 2 * peak_small + 1_000_000, (peak_small, peak_large)
