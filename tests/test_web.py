"""The web app and HTTP API: filters, paging, detail views, auth, limits, hostile input."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _records import said

from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    Claim,
    EventType,
    IncidentReport,
    LegalStep,
    Perpetrator,
    Place,
    Precision,
    Stance,
    TimelineStep,
    When,
)
from incidex.store import Store
from incidex.web import create_app
from incidex.web._pages import _Span, highlight, safe_url, toll_chart
from incidex.web._views import TollPoint

with warnings.catch_warnings():
    # Starlette's TestClient warns about httpx on import; pytest turns warnings into errors.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

TOKEN = "s3cret-token"
HOSTILE = "<script>alert(1)</script>"
HOSTILE_IMG = "<img src=x onerror=alert(1)>"

# ---- a hand-made database ----


def _a(field: str, value: str, normalized: Any, text: str, **kw: Any) -> Assertion[Any]:
    return said(text, field, value, normalized, whole_text=True, **kw)


def _article(text: str, *, title: str, source: str, published: dt.datetime, url: str) -> Article:
    return Article.from_text(
        text, title=title, source=source, published=published, url=url, origin="test"
    )


CROCUS_1 = (
    "Gunmen opened fire at Crocus City Hall near Moscow on Friday, killing 60 people. "
    "The gunmen entered at 19:58. Islamic State claimed responsibility through Amaq."
)
CROCUS_2 = (
    "The toll from the Crocus City Hall attack rose to 137 killed and 180 wounded. "
    "Four men were arrested and charged with terrorism. The Kremlin doubted the claim "
    "and pointed to Ukraine."
)
KABUL = "A suicide bomber killed 12 people at a checkpoint in Kabul on Monday, officials said."
PARIS = "Gunmen killed 130 people in Paris on Friday in attacks claimed by Islamic State."
EVIL = f"Attack at {HOSTILE_IMG} in Berlin killed 3 people; {HOSTILE} claimed it."


def _crocus(text: str, published: dt.datetime, killed: int, url: str) -> ArticleResult:
    art = _article(
        text, title="Crocus City Hall attack", source="Wire", published=published, url=url
    )
    r = IncidentReport(article_id=art.id)
    r.types.append(
        _a(
            "types",
            "opened fire" if "opened" in text else "attack",
            EventType(name="Armed Assault", gtd_code=2),
            text,
        )
    )
    r.when.append(
        _a(
            "when",
            "Friday" if "Friday" in text else "Crocus",
            When(date=dt.date(2024, 3, 22), precision=Precision.day),
            text,
        )
    )
    r.where.append(
        _a(
            "where",
            "Crocus City Hall",
            Place(
                name="Crocus City Hall",
                venue="Crocus City Hall",
                city="Moscow",
                country_code="RU",
                country="Russia",
                latitude=55.82,
                longitude=37.39,
                precision=1,
            ),
            text,
        )
    )
    word = "60 people" if killed == 60 else "137 killed"
    r.casualties.append(
        _a(
            "casualties",
            word,
            Casualties(category="killed", exact=killed),
            text,
            speaker="officials",
        )
    )
    if "19:58" in text:
        r.timeline.append(
            _a(
                "timeline",
                "19:58",
                TimelineStep(time=dt.time(19, 58), date=dt.date(2024, 3, 22), action="entered"),
                text,
            )
        )
        r.perpetrators.append(
            _a(
                "perpetrators",
                "Islamic State",
                Perpetrator(group="Islamic State"),
                text,
                speaker="Amaq",
                stance=Stance.claimed,
            )
        )
        r.claims.append(
            _a(
                "claims",
                "claimed responsibility",
                Claim(kind="claimed", by="Islamic State", group="Islamic State", via="Amaq"),
                text,
                speaker="Islamic State",
                stance=Stance.claimed,
            )
        )
    else:
        r.casualties.append(
            _a("casualties", "180 wounded", Casualties(category="wounded", exact=180), text)
        )
        r.suspects.append(_a("suspects", "arrested", LegalStep(step="arrested", count=4), text))
        r.suspects.append(
            _a("suspects", "charged", LegalStep(step="charged", count=4, charge="terrorism"), text)
        )
        r.claims.append(
            _a(
                "claims",
                "doubted the claim",
                Claim(kind="doubted", by="Kremlin", group="Islamic State", alternative="Ukraine"),
                text,
                speaker="Kremlin",
                stance=Stance.doubted,
            )
        )
    return ArticleResult(article=art, status="extracted", incidents=[r])


def _simple(
    text: str,
    *,
    title: str,
    url: str,
    date: dt.date,
    country: str,
    city: str,
    lat: float,
    lon: float,
    killed: int,
    event: str,
    group: str | None,
    published: dt.datetime,
    source: str = "Ledger",
) -> ArticleResult:
    art = _article(text, title=title, source=source, published=published, url=url)
    r = IncidentReport(article_id=art.id)
    r.types.append(_a("types", "killed", EventType(name=event, gtd_code=3), text))
    r.when.append(_a("when", "killed", When(date=date, precision=Precision.day), text))
    r.where.append(
        _a(
            "where",
            city if city in text else "killed",
            Place(
                name=city, city=city, country_code=country, latitude=lat, longitude=lon, precision=2
            ),
            text,
        )
    )
    r.casualties.append(
        _a("casualties", f"{killed} people", Casualties(category="killed", exact=killed), text)
    )
    if group:
        r.perpetrators.append(_a("perpetrators", group, Perpetrator(group=group), text))
    return ArticleResult(article=art, status="extracted", incidents=[r])


def _evil() -> ArticleResult:
    art = Article.from_text(
        EVIL,
        title=f"{HOSTILE} {HOSTILE_IMG}",
        source=f"<b>{HOSTILE_IMG}</b>",
        url="javascript:alert(1)",
        published=dt.datetime(2020, 1, 2, tzinfo=dt.UTC),
        origin="test",
    )
    r = IncidentReport(article_id=art.id, summary=HOSTILE)
    r.types.append(_a("types", "Attack", EventType(name=f"Armed {HOSTILE}", gtd_code=2), EVIL))
    r.when.append(
        _a("when", "Attack", When(date=dt.date(2020, 1, 1), precision=Precision.day), EVIL)
    )
    r.where.append(
        _a(
            "where",
            HOSTILE_IMG,
            Place(
                name=HOSTILE_IMG,
                venue=HOSTILE_IMG,
                city="Berlin",
                country_code="DE",
                country=HOSTILE,
                latitude=52.5,
                longitude=13.4,
                precision=1,
            ),
            EVIL,
            speaker=HOSTILE,
        )
    )
    r.perpetrators.append(
        _a(
            "perpetrators",
            HOSTILE,
            Perpetrator(group=HOSTILE),
            EVIL,
            speaker=HOSTILE_IMG,
            stance=Stance.claimed,
        )
    )
    r.casualties.append(
        _a("casualties", "3 people", Casualties(category="killed", exact=3), EVIL, speaker=HOSTILE)
    )
    r.timeline.append(
        _a("timeline", "Attack", TimelineStep(time=dt.time(9, 0), action=HOSTILE_IMG), EVIL)
    )
    r.claims.append(
        _a(
            "claims",
            HOSTILE,
            Claim(kind="claimed", by=HOSTILE, group=HOSTILE, via=HOSTILE_IMG),
            EVIL,
            stance=Stance.claimed,
        )
    )
    r.suspects.append(
        _a(
            "suspects",
            "killed",
            LegalStep(step="arrested", names=[HOSTILE], charge=HOSTILE_IMG),
            EVIL,
        )
    )
    return ArticleResult(article=art, status="extracted", incidents=[r])


def populate(db: Path) -> dict[str, str]:
    """Four incidents (one with two reports, one hostile); returns ids by name."""
    utc = dt.UTC
    c1 = _crocus(CROCUS_1, dt.datetime(2024, 3, 22, 21, 0, tzinfo=utc), 60, "https://w.test/1")
    c2 = _crocus(CROCUS_2, dt.datetime(2024, 3, 24, 9, 0, tzinfo=utc), 137, "https://w.test/2")
    kabul = _simple(
        KABUL,
        title="Kabul checkpoint bombing",
        url="https://l.test/kabul",
        date=dt.date(2023, 5, 1),
        country="AF",
        city="Kabul",
        lat=34.5,
        lon=69.2,
        killed=12,
        event="Bombing/Explosion",
        group=None,
        published=dt.datetime(2023, 5, 1, 12, tzinfo=utc),
    )
    paris = _simple(
        PARIS,
        title="Paris attacks",
        url="http://l.test/paris",
        date=dt.date(2015, 11, 13),
        country="FR",
        city="Paris",
        lat=48.85,
        lon=2.35,
        killed=130,
        event="Armed Assault",
        group="Islamic State",
        published=dt.datetime(2015, 11, 14, 8, tzinfo=utc),
    )
    with Store(db) as store:
        store.save_results([c1])
        crocus_id = next(iter(store.incidents(country="RU"))).id
        store.save_results([c2], incident_of=lambda _r: crocus_id)
        store.save_results([kabul, paris, _evil()])
        ids = {s.country_code: s.id for s in store.incidents(limit=10)}
    return {
        "crocus": crocus_id,
        "kabul": ids["AF"],
        "paris": ids["FR"],
        "evil": ids["DE"],
        "crocus_a1": c1.article.id,
        "crocus_a2": c2.article.id,
        "evil_article": _evil().article.id,
    }


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    path = tmp_path / "web.db"
    return path, populate(path)


@pytest.fixture
def client(db: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(str(db[0]))) as c:
        yield c


@pytest.fixture
def ids(db: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return db[1]


def _ids(payload: dict[str, Any]) -> list[str]:
    return [item["id"] for item in payload["items"]]


# ---- the list API ----


def test_filters_select_the_matching_incidents(client: TestClient, ids: dict[str, str]) -> None:
    def found(**params: Any) -> set[str]:
        r = client.get("/api/incidents", params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["total"] == len(body["items"])
        return set(_ids(body))

    assert found(country="RU") == {ids["crocus"]}
    assert found(country="ru") == {ids["crocus"]}
    assert found(group="islamic state") == {ids["crocus"], ids["paris"]}
    assert found(type="bombing") == {ids["kabul"]}
    assert found(since="2023-01-01") == {ids["crocus"], ids["kabul"]}
    assert found(until="2016-01-01") == {ids["paris"]}
    assert found(since="2019-01-01", until="2023-12-31") == {ids["kabul"], ids["evil"]}
    assert found(min_killed=100) == {ids["crocus"], ids["paris"]}
    assert found(q="checkpoint") == {ids["kabul"]}
    assert found(q="Kremlin Ukraine") == {ids["crocus"]}
    assert found(country="RU", min_killed=200) == set()


def test_paging_and_sorting(client: TestClient, ids: dict[str, str]) -> None:
    r = client.get("/api/incidents", params={"sort": "-killed", "limit": 2}).json()
    assert r["total"] == 4 and r["limit"] == 2 and r["offset"] == 0
    assert _ids(r) == [ids["crocus"], ids["paris"]]
    r = client.get("/api/incidents", params={"sort": "-killed", "limit": 2, "offset": 2}).json()
    assert r["total"] == 4 and _ids(r) == [ids["kabul"], ids["evil"]]
    killed = [i["killed"] for i in client.get("/api/incidents?sort=killed").json()["items"]]
    assert killed == sorted(killed)
    dates = [i["date"] for i in client.get("/api/incidents").json()["items"]]
    assert dates == sorted(dates, reverse=True)  # newest first by default
    top = client.get("/api/incidents?sort=-reports&limit=1").json()["items"][0]
    assert top["id"] == ids["crocus"] and top["n_reports"] == 2


@pytest.mark.parametrize(
    "query", ["sort=name", "limit=0", "limit=100000", "offset=-1", "since=yesterday"]
)
def test_bad_list_parameters_are_rejected_with_422(client: TestClient, query: str) -> None:
    r = client.get(f"/api/incidents?{query}")
    assert r.status_code == 422
    assert "detail" in r.json()


# ---- one incident, one report ----


def test_incident_detail_has_sources_and_derived_views(
    client: TestClient, ids: dict[str, str]
) -> None:
    r = client.get(f"/api/incidents/{ids['crocus']}")
    assert r.status_code == 200
    d = r.json()
    incident = d["incident"]
    assert incident["summary"]["killed"] == 137  # the latest report's figure
    assert len(incident["reports"]) == 2 and len(incident["articles"]) == 2
    killed = next(a for a in incident["reports"][0]["casualties"])
    assert killed["sentence"]["text"] and killed["speaker"] == "officials"
    # Toll series: one point per report, in publication order, with outlet and figures.
    assert [(p["killed"], p["wounded"]) for p in d["toll"]] == [(60, None), (137, 180)]
    assert [p["article_id"] for p in d["toll"]] == [ids["crocus_a1"], ids["crocus_a2"]]
    assert d["toll"][0]["outlet"] == "Wire" and d["toll"][0]["published"].startswith("2024-03-22")
    assert d["toll"][1]["evidence"][0]["value"] == "137 killed"
    # Claims and disputes keep who said what.
    kinds = {(c["claim"]["kind"], c["claim"]["by"]) for c in d["claims"]}
    assert kinds == {("claimed", "Islamic State"), ("doubted", "Kremlin")}
    doubt = next(c for c in d["claims"] if c["claim"]["kind"] == "doubted")
    assert doubt["claim"]["alternative"] == "Ukraine"
    assert doubt["evidence"]["stance"] == "doubted"
    assert [s["step"]["step"] for s in d["suspects"]] == ["arrested", "charged"]
    assert d["suspects"][1]["step"]["charge"] == "terrorism"
    assert [(t["step"]["time"], t["step"]["action"]) for t in d["timeline"]] == [
        ("19:58:00", "entered")
    ]


def test_report_endpoint_gives_article_status_and_reports(
    client: TestClient, ids: dict[str, str]
) -> None:
    r = client.get(f"/api/reports/{ids['crocus_a2']}")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "extracted"
    assert body["article"]["text"] == CROCUS_2
    assert body["article"]["source"] == "Wire"
    assert len(body["reports"]) == 1 and body["reports"][0]["suspects"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/incidents/i000000000000",
        "/api/reports/a0000000000000000",
        "/incidents/i000000000000",
        "/reports/a0000000000000000",
    ],
)
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    if path.startswith("/api/"):
        assert "no" in r.json()["detail"]
    else:
        assert "text/html" in r.headers["content-type"] and "Not found" in r.text


def test_actors_and_search(client: TestClient, ids: dict[str, str]) -> None:
    actors = client.get("/api/actors").json()
    assert {"group": "Islamic State", "incidents": 2} in actors
    assert actors[0]["incidents"] >= actors[-1]["incidents"]
    hits = client.get("/api/search", params={"q": "checkpoint"}).json()
    assert [h["title"] for h in hits] == ["Kabul checkpoint bombing"]
    assert "[checkpoint]" in hits[0]["snippet"]
    assert client.get("/api/search").status_code == 422  # q is required


def test_openapi_schema_documents_the_api(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/incidents",
        "/api/incidents/{incident_id}",
        "/api/reports/{article_id}",
        "/api/actors",
        "/api/search",
        "/api/reports",
    ):
        assert path in paths, path
    assert "post" in paths["/api/reports"]
    components = schema["components"]["schemas"]
    assert {"IncidentDetail", "IncidentSummary", "IncidentPage", "ReportIn"} <= set(components)
    assert "bearer" in json.dumps(schema["components"]["securitySchemes"]).lower()
    params = {p["name"] for p in paths["/api/incidents"]["get"]["parameters"]}
    assert {
        "since",
        "until",
        "country",
        "group",
        "type",
        "min_killed",
        "q",
        "limit",
        "offset",
        "sort",
    } <= params
    assert "/" not in paths  # pages are not part of the API


# ---- submitting reports ----

_REPORT = {
    "url": "https://news.test/x",
    "title": "Blast in Kabul",
    "published": "2024-05-01T10:00:00Z",
    "source": "News",
    "text": "A bomb exploded in Kabul on Monday, killing five people, police said.",
}


def test_post_is_refused_when_no_token_is_configured(client: TestClient) -> None:
    r = client.post("/api/reports", json=[_REPORT], headers={"Authorization": "Bearer x"})
    assert r.status_code == 403
    assert "read-only" in r.json()["detail"]


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic czNjcmV0LXRva2Vu", "Bearer "])
def test_post_with_missing_or_wrong_token_is_401(
    db: tuple[Path, dict[str, str]], header: str | None
) -> None:
    headers = {"Authorization": header} if header else {}
    with TestClient(create_app(str(db[0]), token=TOKEN)) as c:
        r = c.post("/api/reports", json=[_REPORT], headers=headers)
        assert r.status_code == 401
        assert r.headers.get("www-authenticate") == "Bearer"
        assert c.get("/api/search", params={"q": "Blast"}).json() == []


def test_oversized_body_is_413(db: tuple[Path, dict[str, str]]) -> None:
    with TestClient(create_app(str(db[0]), token=TOKEN, max_body_bytes=2_000)) as c:
        big = [dict(_REPORT, text="word " * 1_000)]
        auth = {"Authorization": f"Bearer {TOKEN}"}
        r = c.post("/api/reports", json=big, headers=auth)
        assert r.status_code == 413
        assert "limit" in r.json()["detail"]
        r = c.post("/api/reports", content=b"x" * 5_000, headers=auth)
        assert r.status_code == 413


class _StubExtractor:
    """Stands in for the spaCy pipeline: every article has no incident."""

    def extract_articles(self, articles: Any) -> Iterator[ArticleResult]:
        for a in articles:
            yield ArticleResult(article=a, status="no_incident")


def test_post_with_the_right_token_stores_reports(db: tuple[Path, dict[str, str]]) -> None:
    app = create_app(str(db[0]), token=TOKEN)
    app.state.stores._extractor = _StubExtractor()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(app) as c:
        r = c.post("/api/reports", json=[_REPORT, _REPORT], headers=auth)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["stored"] == 1 and body["no_incident"] == 1 and body["duplicates"] == 1
        [first, second] = body["entries"]
        assert first["status"] == "no_incident" and second["status"] == "duplicate"
        stored = c.get(f"/api/reports/{first['article_id']}").json()
        assert stored["article"]["title"] == "Blast in Kabul"
        assert stored["article"]["published"].startswith("2024-05-01T10:00")
        again = c.post("/api/reports", json=[_REPORT], headers=auth).json()
        assert again["stored"] == 0 and again["duplicates"] == 1
        assert c.post("/api/reports", json=[], headers=auth).status_code == 422
        assert c.post("/api/reports", json=[{"title": "no text"}], headers=auth).status_code == 422


@pytest.mark.slow
def test_post_runs_the_real_pipeline_and_resolves(db: tuple[Path, dict[str, str]]) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(str(db[0]), token=TOKEN)) as c:
        r = c.post("/api/reports", json=[_REPORT], headers=auth)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["stored"] == 1 and body["extracted"] == 1 and body["reports"] >= 1
        article_id = body["entries"][0]["article_id"]
        report = c.get(f"/api/reports/{article_id}").json()
        killed = [a for rep in report["reports"] for a in rep["casualties"]]
        assert any(a["normalized"].get("exact") == 5 for a in killed)
        assert c.get("/api/incidents", params={"q": "exploded"}).json()["total"] == 1


@pytest.mark.slow
def test_posts_share_one_resolver_and_join_one_incident(
    db: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building a resolver reads the latest 10,000 stored reports: the server builds one, not
    one per POST, and a second report of the same attack still joins the first's incident."""
    import incidex.resolve

    built: list[object] = []

    class Counting(incidex.resolve.IncidentResolver):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(incidex.resolve, "IncidentResolver", Counting)
    auth = {"Authorization": f"Bearer {TOKEN}"}
    second = dict(
        _REPORT,
        url="https://other.test/y",
        source="Other",
        text="Five people were killed when a bomb exploded in Kabul on Monday, officials said.",
    )
    with TestClient(create_app(str(db[0]), token=TOKEN)) as c:
        a = c.post("/api/reports", json=[_REPORT], headers=auth).json()
        b = c.post("/api/reports", json=[second], headers=auth).json()
        assert a["extracted"] == 1 and b["extracted"] == 1
        assert len(built) == 1
        found = c.get("/api/incidents", params={"q": "exploded Kabul"}).json()
        assert found["total"] == 1
        assert found["items"][0]["n_reports"] == 2


# ---- pages and security ----

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def test_pages_render_with_strict_headers(client: TestClient, ids: dict[str, str]) -> None:
    for path in (
        "/",
        f"/incidents/{ids['crocus']}",
        f"/reports/{ids['crocus_a1']}",
        "/search?q=Moscow",
        "/api/incidents",
        "/static/incidex.css",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-security-policy"] == _CSP, path
        assert r.headers["x-content-type-options"] == "nosniff"
        if "text/html" in r.headers["content-type"]:
            assert "<script>" not in r.text  # no inline script anywhere
            assert " style=" not in r.text  # no inline style either (CSP forbids them)


def test_tile_setting_adds_its_host_to_the_csp(
    db: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INCIDEX_TILES", "https://{s}.tiles.test/{z}/{x}/{y}.png")
    with TestClient(create_app(str(db[0]))) as c:
        r = c.get("/")
        assert "img-src 'self' data: https://*.tiles.test;" in r.headers["content-security-policy"]
        assert 'data-tiles="https://{s}.tiles.test/{z}/{x}/{y}.png"' in r.text


def test_list_page_shows_filters_paging_and_markers(
    client: TestClient, ids: dict[str, str]
) -> None:
    page = client.get("/", params={"country": "FR"}).text
    assert f"/incidents/{ids['paris']}" in page and f"/incidents/{ids['kabul']}" not in page
    assert 'value="FR"' in page
    markers = client.get("/").text.split('data-markers="', 1)[1].split('"', 1)[0]
    assert "&#34;lat&#34;" in markers and ids["crocus"] in markers
    # Paging: 4 incidents, 25 a page -> no pager; a page past the end shows the last one.
    assert "page 1 of" not in client.get("/").text
    assert ids["crocus"] in client.get("/?page=99").text
    bad = client.get("/", params={"since": "not-a-date", "min_killed": "many", "sort": "x"})
    assert bad.status_code == 200
    assert "is not a date" in bad.text and "not a whole number" in bad.text


def test_incident_page_shows_timeline_chart_claims_and_why_views(
    client: TestClient, ids: dict[str, str]
) -> None:
    page = client.get(f"/incidents/{ids['crocus']}").text
    assert '<ol class="timeline">' in page and "19:58" in page and "entered" in page
    assert '<svg class="chart"' in page and page.count('<circle class="dot killed"') == 2
    assert "doubted" in page and "Ukraine" in page and "Kremlin" in page
    assert "arrested" in page and "terrorism" in page
    assert '<details class="why">' in page
    # A why view marks the span in its sentence, names the speaker and links to the report.
    assert '<mark id="s-' in page and 'data-field="casualties"' in page
    assert ">137 killed</mark>" in page
    assert "said by <strong>officials</strong>" in page
    assert f'href="/reports/{ids["crocus_a2"]}#s-' in page
    assert 'class="map map-single"' in page


def test_report_page_highlights_every_span(client: TestClient, ids: dict[str, str]) -> None:
    page = client.get(f"/reports/{ids['crocus_a1']}").text
    for field, text in (
        ("casualties", "60 people"),
        ("timeline", "19:58"),
        ("claims", "claimed responsibility"),
        ("where", "Crocus City Hall"),
    ):
        assert f'data-field="{field}"' in page and f">{text}</mark>" in page, field
    assert 'href="https://w.test/1"' in page


def test_hostile_report_is_inert_on_every_page(client: TestClient, ids: dict[str, str]) -> None:
    pages = [
        "/",
        f"/?q={HOSTILE}",
        f"/?group={HOSTILE}",
        f"/incidents/{ids['evil']}",
        f"/reports/{ids['evil_article']}",
        "/search?q=alert",
        f"/search?q={HOSTILE}",
        f"/incidents/{HOSTILE}",
        f"/reports/{HOSTILE_IMG}",
    ]
    for path in pages:
        r = client.get(path)
        assert r.status_code in (200, 404), path
        body = r.text
        assert HOSTILE not in body and "<script>alert" not in body, path
        assert "<img src=x" not in body and "<b><img" not in body, path
        assert 'href="javascript:' not in body.lower() and "href='javascript:" not in body.lower()
    page = client.get(f"/incidents/{ids['evil']}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    report = client.get(f"/reports/{ids['evil_article']}").text
    assert "&lt;img src=x onerror=alert(1)&gt;</mark>" in report
    assert "javascript:alert(1)" in report  # the URL is shown as text, not a link
    # The API returns the raw strings as JSON data, which is not HTML.
    api = client.get(f"/api/reports/{ids['evil_article']}")
    assert api.headers["content-type"].startswith("application/json")
    assert api.json()["article"]["title"].startswith(HOSTILE)


_INJECTIONS = [
    "' OR '1'='1",
    "1; DROP TABLE incidents; --",
    '" OR ""="',
    "x') UNION SELECT summary FROM incidents --",
    "NEAR(a b) OR * ^col:x",
    "%_%",
    "\x00",
]


@pytest.mark.parametrize("value", _INJECTIONS)
def test_sql_injection_strings_are_plain_values(
    client: TestClient, ids: dict[str, str], value: str
) -> None:
    for name in ("country", "group", "type", "q"):
        r = client.get("/api/incidents", params={name: value})
        assert r.status_code == 200, (name, r.text)
        assert r.json()["total"] == 0, name
        assert client.get("/", params={name: value}).status_code == 200
    for name in ("since", "until", "min_killed"):
        assert client.get("/api/incidents", params={name: value}).status_code == 422
        page = client.get("/", params={name: value})
        assert page.status_code == 200 and "ignored" in page.text
    assert client.get("/api/search", params={"q": value}).status_code == 200
    assert client.get("/search", params={"q": value}).status_code == 200
    assert client.get("/api/incidents").json()["total"] == 4  # nothing was dropped


def test_static_files_do_not_reach_outside_their_folder(client: TestClient) -> None:
    assert client.get("/static/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/world/countries-110m.geojson").json()["type"] == (
        "FeatureCollection"
    )
    for path in (
        "/static/../_app.py",
        "/static/..%2f_app.py",
        "/static/%2e%2e/_pages.py",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/templates/base.html",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "import" not in r.text


# ---- building blocks ----


def test_highlight_escapes_every_piece_and_skips_overlaps() -> None:
    text = "<b>12</b> killed & 3 wounded"
    spans = [
        _Span(0, 9, "casualties", 'x" onmouseover="alert(1)'),
        _Span(3, 5, "casualties", "inner"),  # overlaps the first: skipped
        _Span(19, 28, "casualties", "wounded"),
        _Span(20, 999, "x", "out of range"),
    ]
    html = str(highlight(text, spans))
    assert html.startswith('<mark id="s-0-9" data-field="casualties" title="x&#34; onmouseover')
    assert "&lt;b&gt;12&lt;/b&gt;</mark> killed &amp; " in html
    assert html.count("<mark") == 2 and html.endswith(">3 wounded</mark>")


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.test/x", False),
        ("/relative", False),
        ("https://exa mple.org", False),
        (None, False),
    ],
)
def test_only_http_urls_become_links(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_toll_chart_geometry() -> None:
    def point(hour: int, killed: int | None, wounded: int | None = None) -> TollPoint:
        return TollPoint(
            report_id=f"r{hour}",
            article_id=f"a{hour}",
            outlet="W",
            killed=killed,
            wounded=wounded,
            published=dt.datetime(2024, 1, 1, hour, tzinfo=dt.UTC),
        )

    assert toll_chart([]) is None
    assert toll_chart([point(1, None)]) is None
    chart = toll_chart([point(1, 10), point(5, 40, 7), point(3, None)])
    assert chart is not None
    [killed, wounded] = chart.series
    assert [p.value for p in killed.points] == [10, 40]
    assert killed.points[0].x < killed.points[1].x  # later report further right
    assert killed.points[0].y > killed.points[1].y  # larger toll higher up
    assert [p.value for p in wounded.points] == [7]
    assert chart.yticks[-1][1] >= 40
