"""The pages in a real browser: headless Chromium driven by Playwright.

Skips when Playwright or /usr/bin/chromium is missing (.ci/browser.sh installs both).
Set INCIDEX_SCREENSHOTS=1 to refresh docs/screenshots/*.png from the bundled examples.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from incidex.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DOCS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is missing (run .ci/browser.sh)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (run .ci/browser.sh)"
)


class _Server:
    """uvicorn in a background thread on a free local port."""

    def __init__(self, db: Path) -> None:
        import uvicorn

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            create_app(str(db)), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    from test_web import populate

    db = tmp_path_factory.mktemp("browser") / "web.db"
    ids = populate(db)
    with _Server(db) as server:
        yield server.url, ids


class _Watch:
    """Dialogs and console messages of a page: XSS would open a dialog, CSP logs errors."""

    def __init__(self, page: Any) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self) -> None:
        assert self.dialogs == []
        problems = [m for m in self.console if m.startswith(("error", "pageerror"))]
        assert problems == [], problems


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, _Watch]]:
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    pg = context.new_page()
    watch = _Watch(pg)
    try:
        yield pg, watch
    finally:
        context.close()


def test_list_filter_and_map_markers(site: tuple[str, dict[str, str]], page: Any) -> None:
    url, ids = site
    pg, watch = page
    pg.goto(url + "/")
    pg.wait_for_selector(".map[data-ready]")
    assert pg.locator("table.incidents tbody tr").count() == 4
    assert pg.locator(".leaflet-marker-icon").count() == 4
    # Country outlines are drawn from the bundled GeoJSON: no tile server needed.
    pg.wait_for_function("document.querySelectorAll('.leaflet-overlay-pane path').length > 50")
    pg.fill("#filters input[name=country]", "RU")
    pg.click("#filters button[type=submit]")
    pg.wait_for_selector(".map[data-ready]")
    assert "country=RU" in pg.url
    rows = pg.locator("table.incidents tbody tr")
    assert rows.count() == 1
    assert pg.locator(".leaflet-marker-icon").count() == 1
    pg.locator(".leaflet-marker-icon").click()
    popup = pg.locator(".leaflet-popup-content a")
    popup.wait_for()
    assert popup.get_attribute("href") == f"/incidents/{ids['crocus']}"
    watch.check()


def test_incident_page_marker_timeline_and_why(site: tuple[str, dict[str, str]], page: Any) -> None:
    url, ids = site
    pg, watch = page
    pg.goto(url + "/?country=RU")
    pg.click("table.incidents tbody a")
    pg.wait_for_url(f"**/incidents/{ids['crocus']}")
    pg.wait_for_selector(".map[data-ready='1']")
    assert pg.locator(".leaflet-marker-icon").count() == 1
    timeline = pg.locator("ol.timeline li")
    assert timeline.count() == 1
    assert "19:58" in timeline.inner_text() and "entered" in timeline.inner_text()
    assert pg.locator("svg.chart circle.dot.killed").count() == 2
    # The "why" of the killed figure: closed until clicked, then shows the marked span.
    why = pg.locator("dl.facts dd.figure details.why").first
    mark = why.locator("mark")
    assert not mark.is_visible()
    why.locator("summary").click()
    mark.wait_for(state="visible")
    assert mark.inner_text() == "137 killed"
    assert "officials" in why.inner_text() and "Wire" in why.inner_text()
    why.locator("a").first.click()
    pg.wait_for_url(f"**/reports/{ids['crocus_a2']}#s-*")
    target = pg.locator("mark:target")
    assert target.inner_text() == "137 killed"
    assert target.get_attribute("data-field") == "casualties"
    watch.check()


def test_hostile_report_stays_inert(site: tuple[str, dict[str, str]], page: Any) -> None:
    url, ids = site
    pg, watch = page
    for path in (
        "/",
        f"/incidents/{ids['evil']}",
        f"/reports/{ids['evil_article']}",
        "/search?q=alert",
        "/?q=%3Cscript%3Ealert(1)%3C/script%3E",
    ):
        pg.goto(url + path)
        pg.wait_for_load_state("load")
        # Open every "why" view (nested ones included) so all report text is rendered.
        pg.eval_on_selector_all("details", "els => els.forEach(e => { e.open = true; })")
        if pg.locator(".map[data-markers]").count():
            pg.wait_for_selector(".map[data-ready]")
            for marker in pg.locator(".leaflet-marker-icon").all():
                marker.click()
        pg.wait_for_timeout(150)
        assert pg.locator("script:not([src])").count() == 0
        assert pg.locator("a[href^='javascript:' i]").count() == 0
        assert pg.locator("img[src='x']").count() == 0
    pg.goto(url + f"/incidents/{ids['evil']}")
    pg.wait_for_selector(".map[data-ready='1']")
    pg.locator(".leaflet-marker-icon").click()
    assert "<script>" in pg.locator(".leaflet-popup-content").inner_text()  # shown as text
    pg.goto(url + f"/reports/{ids['evil_article']}")
    assert "<img src=x onerror=alert(1)>" in pg.locator(".text mark[data-field=where]").inner_text()
    watch.check()


def test_screenshots_of_the_example_corpus(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages over the bundled examples (needs the spaCy pipeline to ingest them)."""
    pytest.importorskip("spacy")
    from incidex.jobs import example_corpus, ingest
    from incidex.store import Store

    db = tmp_path / "demo.db"
    with Store(db) as store:
        ingest([example_corpus()], store)
        best = store.incidents(sort="-reports", limit=1)[0]
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    pg = context.new_page()
    watch = _Watch(pg)
    try:
        with _Server(db) as server:
            pg.goto(server.url + "/")
            pg.wait_for_selector(".map[data-ready]")
            pg.wait_for_function(
                "document.querySelectorAll('.leaflet-overlay-pane path').length > 50"
            )
            assert pg.locator(".leaflet-marker-icon").count() > 3
            pg.screenshot(path=str(tmp_path / "list.png"))
            pg.goto(server.url + f"/incidents/{best.id}")
            pg.wait_for_selector(".map[data-ready='1']")
            pg.wait_for_function(
                "document.querySelectorAll('.leaflet-overlay-pane path').length > 5"
            )
            pg.locator("dl.facts dd.figure details.why summary").first.click()
            pg.screenshot(path=str(tmp_path / "incident.png"), full_page=True)
    finally:
        context.close()
    watch.check()
    for name in ("list.png", "incident.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 20_000
        if os.environ.get("INCIDEX_SCREENSHOTS"):
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(tmp_path / name, DOCS / name)
