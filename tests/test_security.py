"""Web security beyond tests/test_web.py: hostile values in every report field on every page,
fuzzed filters and search strings, request-size and path tricks, the write endpoint's token.

tests/test_web.py covers the basic cases (one hostile report, a list of SQL injection strings,
a too-large Content-Length, four traversal paths, missing or wrong tokens); this file adds
the rest and reuses its hand-made database.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from _records import said
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from test_web import TOKEN, populate

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
    Target,
    Threat,
    TimelineStep,
    Weapon,
    When,
)
from incidex.store import Store
from incidex.web import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's TestClient warns about httpx on import
    from fastapi.testclient import TestClient

# One payload per field, numbered so that a failure names the field that leaked.
_PAYLOADS = [
    "<script>alert({n})</script>",
    '"><svg onload=alert({n})>',
    "'><img src=x onerror=alert({n})>",
    "</textarea></title><script>alert({n})</script>",
    "<a href=javascript:alert({n})>x</a>",
    "<iframe srcdoc='<script>alert({n})</script>'></iframe>",
    "<style>*{{background:url(//evil.test/{n})}}</style>",
    "<base href=//evil.test/{n}/>",
    "<meta http-equiv=refresh content='0;url=//evil.test/{n}'>",
    "{{{{7*7}}}}{n}",  # template syntax must stay text
]
_FIELDS = [
    "title", "source", "summary", "value", "speaker", "outlet", "type", "venue", "place",
    "city", "region", "country", "group", "parent", "person", "nationality", "description",
    "weapon_type", "weapon_subtype", "model", "target_type", "target_subtype", "entity",
    "claim_by", "claim_group", "via", "channel", "alternative", "legal_name", "charge",
    "threat_form", "medium", "actor", "linked_group", "threat_target", "relayed_by",
    "action", "event", "extractor", "text", "legal_by",
]  # fmt: skip
HOSTILE = {name: _PAYLOADS[i % len(_PAYLOADS)].format(n=1000 + i) for i, name in enumerate(_FIELDS)}
_TEXT = " ".join(HOSTILE.values()) + " killed 7 people in Berlin."


def _a(field: str, value_key: str, normalized: Any, **kw: Any) -> Assertion[Any]:
    return said(
        _TEXT,
        field,
        HOSTILE[value_key],
        normalized,
        whole_text=True,
        extractor=HOSTILE["extractor"],
        speaker=HOSTILE["speaker"],
        outlet=HOSTILE["outlet"],
        stance=kw.pop("stance", Stance.asserted),
        **kw,
    )


def hostile_result() -> ArticleResult:
    """One article whose every string, in every field of every assertion, is hostile."""
    h = HOSTILE
    art = Article.from_text(
        _TEXT,
        title=h["title"],
        source=h["source"],
        url="javascript:alert(2000)//https://ok.test",
        published=dt.datetime(2021, 6, 1, 12, tzinfo=dt.UTC),
        origin=h["text"],
        extra={"note": h["text"]},
    )
    r = IncidentReport(article_id=art.id, summary=h["summary"])
    r.types.append(_a("types", "type", EventType(name=h["type"], gtd_code=2)))
    r.when.append(
        _a(
            "when",
            "event",
            When(date=dt.date(2021, 5, 31), precision=Precision.day, event=h["event"]),
        )
    )
    r.timeline.append(
        _a("timeline", "action", TimelineStep(time=dt.time(9, 30), action=h["action"]))
    )
    r.where.append(
        _a(
            "where",
            "place",
            Place(
                name=h["place"],
                venue=h["venue"],
                city=h["city"],
                region=h["region"],
                country_code="DE",
                country=h["country"],
                latitude=52.5,
                longitude=13.4,
                precision=1,
            ),
        )
    )
    r.perpetrators.append(
        _a(
            "perpetrators",
            "group",
            Perpetrator(
                group=h["group"],
                parent=h["parent"],
                names=[h["person"]],
                count=2,
                nationality=h["nationality"],
                description=h["description"],
            ),
            stance=Stance.claimed,
        )
    )
    r.weapons.append(
        _a(
            "weapons",
            "model",
            Weapon(
                type=h["weapon_type"],
                type_code=5,
                subtype=h["weapon_subtype"],
                subtype_code=5,
                model=h["model"],
                count=1,
            ),
        )
    )
    r.targets.append(
        _a(
            "targets",
            "entity",
            Target(
                type=h["target_type"],
                type_code=14,
                subtype=h["target_subtype"],
                subtype_code=1,
                entity=h["entity"],
            ),
        )
    )
    r.casualties.append(
        _a("casualties", "value", Casualties(category="killed", exact=7, qualifier=h["value"]))
    )
    r.claims.append(
        _a(
            "claims",
            "claim_by",
            Claim(
                kind="claimed",
                by=h["claim_by"],
                group=h["claim_group"],
                via=h["via"],
                channel=h["channel"],
                alternative=h["alternative"],
            ),
            stance=Stance.claimed,
        )
    )
    r.claims.append(
        _a("claims", "alternative", Claim(kind="doubted", by=h["speaker"], alternative=h["via"]))
    )
    r.suspects.append(
        _a(
            "suspects",
            "legal_name",
            LegalStep(
                step="charged",
                count=1,
                names=[h["legal_name"]],
                charge=h["charge"],
                by=h["legal_by"],
            ),
        )
    )
    r.threats.append(
        _a(
            "threats",
            "threat_form",
            Threat(
                form=h["threat_form"],
                medium=h["medium"],
                actor=h["actor"],
                linked_group=h["linked_group"],
                targets=[h["threat_target"]],
                relayed_by=[h["relayed_by"]],
            ),
        )
    )
    return ArticleResult(article=art, status="extracted", incidents=[r])


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of every <script> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


# Every element the templates use; report text must never add another.
_ALLOWED_TAGS = {
    "html", "head", "body", "meta", "title", "link", "script", "header", "nav", "main",
    "footer", "aside", "section", "article", "h1", "h2", "h3", "p", "a", "span", "strong",
    "div", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tr", "th", "td",
    "form", "label", "input", "select", "option", "button", "details", "summary",
    "blockquote", "mark", "time", "svg", "polyline", "circle", "line", "text", "g",
    "em", "small", "code", "br", "abbr", "cite", "q", "b", "i", "hr", "caption", "path", "rect",
}  # fmt: skip
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "data"}


def assert_inert(html: str, where: str) -> None:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    assert parser.scripts == [], (where, "inline script", parser.scripts[:1])
    for tag, attrs in parser.tags:
        assert tag in _ALLOWED_TAGS, (where, "unexpected element", tag, attrs)
        if tag == "script":
            assert str(attrs.get("src") or "").startswith("/static/"), (where, attrs)
        if tag == "meta":
            assert "http-equiv" not in attrs, (where, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name, value)
            assert name != "style", (where, tag, "inline style")
            if name in _URL_ATTRS and value:
                low = re.sub(r"\s", "", value).lower()
                assert not low.startswith(("javascript:", "data:text", "vbscript:")), (where, value)
                assert not low.startswith("//evil") and "evil.test" not in low, (where, value)
    assert "49" + "1039" not in html  # the template payload was not evaluated


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = tmp_path_factory.mktemp("sec") / "sec.db"
    ids = populate(db)
    result = hostile_result()
    with Store(db) as store:
        store.save_results([result])
        found = store.incidents(country="DE", limit=10)
        ids["all_evil"] = next(s.id for s in found if s.id != ids["evil"])
    ids["all_evil_article"] = result.article.id
    return db, ids


@pytest.fixture(scope="module")
def client(world: tuple[Path, dict[str, str]]) -> Iterator[TestClient]:
    with TestClient(create_app(str(world[0]), token=TOKEN)) as c:
        yield c


def test_every_hostile_field_is_inert_on_every_page(
    client: TestClient, world: tuple[Path, dict[str, str]]
) -> None:
    ids = world[1]
    pages = [
        "/",
        "/?sort=-killed",
        "/?country=DE",
        f"/incidents/{ids['all_evil']}",
        f"/reports/{ids['all_evil_article']}",
        "/search?q=alert",
        "/search?q=script",
        "/search?q=evil",
        "/search?q=Berlin",
    ]
    pages += [f"/?{name}={HOSTILE['group']}" for name in ("q", "group", "type", "country")]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert_inert(r.text, path)
    # Shown as text: the hostile strings are there, escaped, on the incident and report pages.
    incident = client.get(f"/incidents/{ids['all_evil']}").text
    report = client.get(f"/reports/{ids['all_evil_article']}").text
    both = incident + report
    for name in ("title", "source", "group", "place", "city", "claim_by", "legal_name", "legal_by"):
        value = HOSTILE[name]
        assert str(escape(value)) in both, name
    assert "{{7*7}}1039" in report  # the text payload stays literal


def test_hostile_values_in_the_api_are_json_data(
    client: TestClient, world: tuple[Path, dict[str, str]]
) -> None:
    ids = world[1]
    for path in (
        f"/api/incidents/{ids['all_evil']}",
        f"/api/reports/{ids['all_evil_article']}",
        "/api/incidents?country=DE",
        "/api/actors",
        "/api/search?q=alert",
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("application/json"), path
        assert r.headers["x-content-type-options"] == "nosniff"
    detail = client.get(f"/api/incidents/{ids['all_evil']}").json()
    report = detail["incident"]["reports"][0]
    assert report["threats"][0]["normalized"]["relayed_by"] == [HOSTILE["relayed_by"]]


def test_the_browser_script_never_builds_html_from_data() -> None:
    js = Path(str(resources.files("incidex.web").joinpath("static/incidex.js"))).read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js, sink
    assert "new Function" not in js and 'setTimeout("' not in js


# ---- SQL and FTS injection through every parameter ----

_ODD = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "'",
            '"',
            "''",
            "\\",
            "%",
            "_",
            "*",
            "^",
            "-",
            ":",
            "(",
            ")",
            "NEAR(",
            "AND",
            "OR",
            "NOT",
            '"unclosed',
            "col:x",
            "a OR b",
            "x*",
            "{a b}",
            "1=1",
            "--",
            ";",
            "/*",
            "*/",
            "\x00",
            "\u202e",
            "\ud7ff",
            "🙂",
            "%00",
            "%27",
            "'; ATTACH DATABASE '/tmp/x' AS x;--",
        ]
    ),  # fmt: skip
)
_LIST_PARAMS = ["country", "group", "type", "q", "sort", "since", "until", "min_killed"]
_FUZZ = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(_LIST_PARAMS + ["limit", "offset", "page"]), _ODD, max_size=4
    )
)
def test_fuzzed_filters_never_fail_the_server(client: TestClient, params: dict[str, str]) -> None:
    clean = {k: v.replace("\x00", "") if k == "limit" else v for k, v in params.items()}
    api = client.get("/api/incidents", params=clean)
    assert api.status_code in (200, 422), (clean, api.text[:200])
    page = client.get("/", params=clean)
    assert page.status_code == 200, (clean, page.text[:200])
    assert_inert(page.text, str(clean))
    for key in ("q",):
        if key in clean:
            assert client.get("/api/search", params={"q": clean[key]}).status_code in (200, 422)
            hits = client.get("/search", params={"q": clean[key]})
            assert hits.status_code == 200
            assert_inert(hits.text, clean[key])


def test_injection_leaves_the_database_intact(
    client: TestClient, world: tuple[Path, dict[str, str]]
) -> None:
    before = client.get("/api/incidents").json()["total"]
    for value in ("'; DROP TABLE articles; --", "x'); DELETE FROM incidents; --"):
        for name in _LIST_PARAMS:
            client.get("/api/incidents", params={name: value})
        client.get("/api/search", params={"q": value})
        client.get(f"/incidents/{value}")
        client.get(f"/api/reports/{value}")
    assert client.get("/api/incidents").json()["total"] == before
    with Store(world[0]) as store:
        store.integrity_check()


@pytest.mark.parametrize(
    "path",
    [
        "/api/incidents/x' OR '1'='1",
        "/api/incidents/" + "a" * 65,
        "/api/reports/..%2f..%2fetc%2fpasswd",
        "/api/reports/a;b",
    ],
)
def test_ids_outside_the_id_pattern_are_refused(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (404, 422), path
    assert "Traceback" not in r.text


def test_over_long_parameters_are_refused_not_processed(client: TestClient) -> None:
    long = "x" * 501
    for name in ("country", "group", "type", "q"):
        assert client.get("/api/incidents", params={name: long}).status_code == 422
    assert client.get("/api/search", params={"q": long}).status_code == 422
    page = client.get("/", params={"q": "y" * 60_000})
    assert page.status_code == 200 and "y" * 501 not in page.text  # cut, not echoed whole
    r = client.get("/api/incidents", params={"limit": 10**30})
    assert r.status_code == 422


# ---- request bodies ----


def _post(client: TestClient, body: bytes, **headers: str) -> Any:
    return client.post(
        "/api/reports",
        content=body,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **headers},
    )


def test_bodies_over_the_limit_are_refused_however_they_are_sent(
    world: tuple[Path, dict[str, str]],
) -> None:
    big = b'[{"text": "' + b"a" * 2_000 + b'"}]'
    with TestClient(create_app(str(world[0]), token=TOKEN, max_body_bytes=1_000)) as c:
        # Chunked, with no Content-Length at all.
        chunked = c.post(
            "/api/reports",
            content=iter([big[:500], big[500:1500], big[1500:]]),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        assert chunked.status_code == 413
        # A Content-Length that is not a number.
        assert _post(c, b"[]", **{"Content-Length": "abc"}).status_code in (400, 413)
        # Refused before the token is even looked at.
        no_token = c.post("/api/reports", content=big, headers={"Content-Type": "application/json"})
        assert no_token.status_code == 413
        with Store(world[0]) as store:
            assert not store.has_article(content_hash=Article.from_text("a" * 2_000).content_hash)


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000 + b"]" * 100_000,  # deeply nested JSON
        b'[{"text": 1}]',
        b'[{"text": "x", "url": "' + b"u" * 3_000 + b'"}]',
        b'{"text": "not a list"}',
        b"[]",
        b"\xff\xfe garbage",
    ],
)
def test_malformed_posts_are_422_not_500(client: TestClient, body: bytes) -> None:
    r = _post(client, body)
    assert r.status_code in (400, 413, 422), (body[:40], r.status_code, r.text[:200])


# ---- the write endpoint's token ----


@pytest.mark.parametrize(
    "headers,params",
    [
        ({"Authorization": f"bearer{TOKEN}"}, {}),
        ({"Authorization": f"Bearer {TOKEN}x"}, {}),
        ({"Authorization": f"Bearer {TOKEN[:-1]}"}, {}),
        ({"Authorization": f"Bearer  {TOKEN} extra"}, {}),
        ({"Authorization": f"Token {TOKEN}"}, {}),
        ({"X-Token": TOKEN}, {}),
        ({}, {"token": TOKEN}),
        ({}, {"access_token": TOKEN}),
        ({"Cookie": f"token={TOKEN}"}, {}),
        ({"Authorization": "Bearer \u00e9\u00e9".encode("latin-1")}, {}),
    ],
)
def test_the_token_is_only_accepted_as_an_exact_bearer_header(
    client: TestClient, headers: dict[str, Any], params: dict[str, str]
) -> None:
    r = client.post(
        "/api/reports",
        json=[{"text": "A bomb killed two people in Lyon on Monday."}],
        headers=headers,
        params=params,
    )
    assert r.status_code == 401, (headers, params, r.status_code)


def test_write_methods_elsewhere_are_refused(client: TestClient) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        for path in ("/api/incidents", "/", "/api/search"):
            r = client.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
            assert r.status_code == 405, (method, path)


# ---- paths ----


@pytest.mark.parametrize(
    "path",
    [
        "/static/%2e%2e%2f%2e%2e%2f_app.py",
        "/static/%252e%252e/_app.py",
        "/static/..\\_app.py",
        "/static/..%5c_app.py",
        "/static/.%2e/.%2e/cli.py",
        "/static/leaflet/../../_pages.py",
        "/static//etc/passwd",
        "/static/%00",
        "/static/incidex.css%00.py",
        "/static/" + "a/" * 2000,
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/reports/..%2f..%2fpyproject.toml",
    ],
)
def test_path_tricks_do_not_escape_the_static_folder(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (400, 404, 405, 422), (path, r.status_code)
    assert "import " not in r.text and "root:" not in r.text
