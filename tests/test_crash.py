"""Crash safety: an ingest killed (SIGKILL) or interrupted (Ctrl-C) part-way loses nothing
that was committed, duplicates nothing, leaves a sound database, and a re-run ends with the
same database as an uninterrupted ingest.

Each test runs ``python -m incidex ingest`` in a subprocess over a generated corpus of short
articles, with small batches so that there are many commits to interrupt.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

N_ARTICLES = 240
BATCH = 8
_CITIES = ["Kabul", "Baghdad", "Mogadishu", "Peshawar", "Maiduguri", "Mosul", "Quetta", "Bamako"]
_GROUPS = ["Islamic State", "al-Shabaab", "Boko Haram", "the Taliban", "Hezbollah"]
_OPENERS = [
    "{W} struck {V} in {C} on {D}",
    "At least {K} people were killed when {w} hit {V} in {C} on {D}",
    "{C} was shaken on {D} after {w} targeted {V}",
    "Officials in {C} said {w} attacked {V} on {D}",
]
_VENUES = ["a crowded market", "a police checkpoint", "a wedding party", "a bus station"]
_WEAPONS = ["a car bomb", "gunmen", "a suicide bomber", "a roadside bomb"]
_FILLERS = [
    "Witnesses described chaos as ambulances arrived.",
    "The interior ministry condemned the attack.",
    "Hospitals appealed for blood donations.",
    "Security forces sealed off the area.",
    "Residents said the area had been calm for weeks.",
]


def write_corpus(path: Path, n: int = N_ARTICLES, seed: int = 7) -> Path:
    """``n`` short, varied attack reports in JSON Lines (deterministic for a seed)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            city, weapon = rnd.choice(_CITIES), rnd.choice(_WEAPONS)
            day = dt.date(2023, 1, 1) + dt.timedelta(days=rnd.randrange(400))
            killed = rnd.randrange(2, 60)
            opener = rnd.choice(_OPENERS).format(
                W=weapon.capitalize(),
                w=weapon,
                V=rnd.choice(_VENUES),
                C=city,
                D=f"{day:%B} {day.day}, {day.year}",
                K=killed,
            )
            text = (
                f"{opener}, killing {killed} people and wounding {rnd.randrange(3, 90)}, police "
                f"said. {rnd.choice(_GROUPS)} claimed responsibility in a statement. "
                + " ".join(rnd.sample(_FILLERS, 3))
                + f" (ref {i})"
            )
            record = {
                "text": text,
                "url": f"https://wire.test/{i}",
                "title": f"Attack in {city}",
                "published": f"{day.isoformat()}T18:00:00+00:00",
                "source": rnd.choice(["Wire", "Ledger", "Post"]),
            }
            fh.write(json.dumps(record) + "\n")
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCIDEX_")}
    env["INCIDEX_BATCH_SIZE"] = str(BATCH)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _command(corpus: Path | list[Path], db: Path) -> list[str]:
    paths = [str(p) for p in corpus] if isinstance(corpus, list) else [str(corpus)]
    return [sys.executable, "-m", "incidex", "ingest", *paths, "--db", str(db), "--no-progress"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    committed_before: int  # articles stored when the signal was sent


def run_ingest(corpus: Path | list[Path], db: Path, timeout: float = 300) -> Run:
    done = subprocess.run(
        _command(corpus, db), env=_env(), capture_output=True, text=True, timeout=timeout
    )
    return Run(done.returncode, done.stdout, done.stderr, -1)


def count_articles(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:  # not created yet, or mid-migration
        return 0


def interrupted_ingest(corpus: Path, db: Path, sig: int, after: int) -> Run:
    """Start an ingest, send ``sig`` once ``after`` articles are committed, wait for it."""
    # A shell starts background jobs with SIGINT ignored, and a child inherits that (as it
    # should: Ctrl-C is not meant for them), so run from such a job the ingest would never
    # see the signal. The child gets SIGINT as a terminal's Ctrl-C would find it.
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        proc = subprocess.Popen(
            _command(corpus, db),
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        signal.signal(signal.SIGINT, inherited)
    deadline = time.monotonic() + 240
    committed = 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            committed = count_articles(db)
            if committed >= after:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the ingest finished before it could be interrupted"
        assert committed < N_ARTICLES
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return Run(proc.returncode, stdout, stderr, committed)


# Columns compared between databases: everything but timestamps and row sequence numbers.
_TABLES = {
    "articles": (
        "id, content_hash, url, title, source, published, language, origin, status, message, "
        "text, extra"
    ),
    "reports": "id, article_id, idx, incident_id, json",
    "incidents": "id, summary, title, date, country_code, city, killed, wounded, n_reports",
}


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {
            table: sorted(conn.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
            for table, cols in _TABLES.items()
        }
        out["assertions"] = sorted(conn.execute("SELECT * FROM assertions").fetchall(), key=repr)
        out["incident_tags"] = sorted(
            conn.execute("SELECT * FROM incident_tags").fetchall(), key=repr
        )
        return out
    finally:
        conn.close()


def assert_sound(db: Path) -> None:
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for table, key in (("articles", "content_hash"), ("articles", "url"), ("reports", "id")):
            dupes = conn.execute(
                f"SELECT {key}, count(*) FROM {table} WHERE {key} IS NOT NULL "
                f"GROUP BY {key} HAVING count(*) > 1"
            ).fetchall()
            assert dupes == [], (table, key, dupes[:3])
        # Every extracted article has its reports; no report points at a missing incident.
        orphans = conn.execute(
            "SELECT count(*) FROM articles a WHERE a.status = 'extracted' "
            "AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.article_id = a.id)"
        ).fetchone()[0]
        assert orphans == 0
    finally:
        conn.close()
    from incidex.store import Store

    with Store(db) as store:
        store.integrity_check()  # the FTS index too


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "wire.jsonl")


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database an uninterrupted ingest produces."""
    db = tmp_path_factory.mktemp("reference") / "ref.db"
    run = run_ingest(corpus, db)
    assert run.returncode == 0, run.stderr
    assert f"{N_ARTICLES} stored" in run.stdout
    return db


def test_sigkill_part_way_then_rerun_equals_an_uninterrupted_ingest(
    corpus: Path, reference: Path, tmp_path: Path
) -> None:
    db = tmp_path / "killed.db"
    killed = interrupted_ingest(corpus, db, signal.SIGKILL, after=3 * BATCH)
    assert killed.returncode == -signal.SIGKILL
    kept = count_articles(db)
    # Nothing committed was lost: at least what was seen before the kill is still there,
    # and only whole batches were committed.
    assert killed.committed_before <= kept < N_ARTICLES
    assert kept % BATCH == 0
    assert_sound(db)
    partial = snapshot(db)

    rerun = run_ingest(corpus, db)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{N_ARTICLES - kept} stored" in rerun.stdout
    assert f"{kept} already stored" in rerun.stdout
    assert_sound(db)
    final = snapshot(db)
    assert set(partial["articles"]) <= set(final["articles"])  # nothing committed was lost
    assert final == snapshot(reference)

    again = run_ingest(corpus, db)  # a third run changes nothing
    assert "0 stored" in again.stdout and f"{N_ARTICLES} already stored" in again.stdout
    assert snapshot(db) == final


@pytest.fixture(scope="module")
def ctrl_c(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path, int]:
    """An ingest stopped by SIGINT, its database and how many articles it had kept."""
    db = tmp_path_factory.mktemp("sigint") / "int.db"
    run = interrupted_ingest(corpus, db, signal.SIGINT, after=3 * BATCH)
    return run, db, count_articles(db)


def test_ctrl_c_stops_cleanly_and_a_rerun_completes(
    ctrl_c: tuple[Run, Path, int], corpus: Path, reference: Path
) -> None:
    run, db, kept = ctrl_c
    assert run.returncode == 130, run.stderr
    assert "Interrupted: what was committed so far is kept." in run.stderr
    assert "Traceback" not in run.stderr
    assert run.committed_before <= kept < N_ARTICLES
    assert kept % BATCH == 0  # the interrupted batch was rolled back, not half-written
    assert_sound(db)
    rerun = run_ingest(corpus, db)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{kept} already stored" in rerun.stdout
    assert_sound(db)
    assert snapshot(db) == snapshot(reference)


def test_ctrl_c_prints_what_was_stored(ctrl_c: tuple[Run, Path, int]) -> None:
    run, _, kept = ctrl_c
    assert f"{kept} stored" in run.stdout + run.stderr
