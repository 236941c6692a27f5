"""Concurrency: the web server reads while an ingest writes (SQLite WAL), and two ingests of
the same input at once store everything exactly once.

The server runs as ``python -m incidex serve`` on 127.0.0.1 in a subprocess; the ingests run
as ``python -m incidex ingest`` subprocesses, as a user would run them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_crash import (
    N_ARTICLES,
    _command,
    _env,
    assert_sound,
    count_articles,
    run_ingest,
    snapshot,
    write_corpus,
)

from incidex.store import Store

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "wire.jsonl")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server over an empty database; yields its base URL and the database path."""
    db = tmp_path / "live.db"
    Store(db).close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDEX_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "incidex", "serve", "--db", str(db), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if httpx.get(f"{base}/api/incidents", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield base, db
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def _reader(base: str, stop: threading.Event, statuses: Counter[str], errors: list[str]) -> None:
    """Hit the list, detail, report, search and page endpoints until told to stop."""
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            try:
                page = client.get("/api/incidents", params={"limit": 50, "sort": "-reports"})
                statuses[f"list {page.status_code}"] += 1
                items = page.json()["items"] if page.status_code == 200 else []
                for item in items[:2]:
                    detail = client.get(f"/api/incidents/{item['id']}")
                    statuses[f"detail {detail.status_code}"] += 1
                    html = client.get(f"/incidents/{item['id']}")
                    statuses[f"page {html.status_code}"] += 1
                    reports = detail.json()["incident"]["articles"] if detail.is_success else []
                    for ref in reports[:1]:
                        r = client.get(f"/api/reports/{ref['id']}")
                        statuses[f"report {r.status_code}"] += 1
                hits = client.get("/api/search", params={"q": "market police"})
                statuses[f"search {hits.status_code}"] += 1
                statuses[f"home {client.get('/').status_code}"] += 1
            except (httpx.HTTPError, ValueError, KeyError) as exc:
                errors.append(f"{type(exc).__name__}: {exc}")


def test_the_server_reads_while_an_ingest_writes(server: tuple[str, Path], corpus: Path) -> None:
    base, db = server
    stop = threading.Event()
    statuses: Counter[str] = Counter()
    errors: list[str] = []
    readers = [
        threading.Thread(target=_reader, args=(base, stop, statuses, errors)) for _ in range(4)
    ]
    for thread in readers:
        thread.start()
    try:
        ingest = run_ingest(corpus, db)
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
    assert ingest.returncode == 0, ingest.stderr
    assert f"{N_ARTICLES} stored" in ingest.stdout
    assert errors == []
    failed = {k: n for k, n in statuses.items() if not k.endswith(" 200")}
    assert failed == {}, statuses
    assert statuses["list 200"] > 20 and statuses["detail 200"] > 0, statuses
    # Readers saw the data as it arrived and see all of it now.
    final = httpx.get(f"{base}/api/incidents", params={"limit": 1}, timeout=10).json()
    with Store(db) as store:
        assert final["total"] == store.count_incidents()
    assert_sound(db)


def test_two_ingests_of_the_same_input_at_once_store_everything_once(
    corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "twice.db"
    reference = tmp_path / "once.db"
    Store(db).close()  # both start on an existing database, as they would in practice
    procs = [
        subprocess.Popen(
            _command(corpus, db), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    assert count_articles(db) == N_ARTICLES
    assert_sound(db)
    # Between them the two runs stored each article once and skipped it once.
    stored = [int(out.split(" stored", 1)[0].rsplit(None, 1)[-1]) for out, _ in outputs]
    assert sum(stored) == N_ARTICLES, [o for o, _ in outputs]
    run = run_ingest(corpus, reference)
    assert run.returncode == 0, run.stderr
    ours, theirs = snapshot(db), snapshot(reference)
    assert ours["articles"] == theirs["articles"]
    assert ours["assertions"] == theirs["assertions"]

    def without_incident(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
        return sorted(((r[0], r[1], r[2], r[4]) for r in rows), key=repr)

    assert without_incident(ours["reports"]) == without_incident(theirs["reports"])
    if ours["reports"] != theirs["reports"]:
        # Each process's resolver caches incident profiles and term statistics; it does not
        # see incidents the other process creates meanwhile (docs/robustness.md).
        moved = len(set(ours["reports"]) - set(theirs["reports"]))
        pytest.xfail(
            f"{moved} of {N_ARTICLES} reports joined other incidents than in a single run "
            f"({len(ours['incidents'])} incidents vs {len(theirs['incidents'])})"
        )
