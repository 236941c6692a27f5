"""`incidex bench`: the runs it reports, its JSON keys, and the PostgreSQL target.

Speed itself is measured by the benchmark, not asserted here; these tests check that the
benchmark measures what it says (same texts, every run stored, ratios from its own rows).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from incidex.bench import run_bench
from incidex.cli import cli

pytestmark = pytest.mark.slow


def test_bench_runs_every_part_on_the_same_articles(tmp_path: Path) -> None:
    result = run_bench(12, workers=1, parts=("spacy", "end-to-end", "mixed"), folder=tmp_path)
    runs = {(r.name, r.stream, r.workers): r for r in result.rows}
    assert set(runs) == {
        ("spacy", "relevant", 1),
        ("spacy", "mixed", 1),
        ("end-to-end", "relevant", 1),
        ("end-to-end", "mixed", 1),
    }
    # every article parsed by bare spaCy is stored end to end, on both streams
    assert all(r.articles == 12 for r in result.rows)
    for stream in ("relevant", "mixed"):
        assert runs[("spacy", stream, 1)].tokens == runs[("end-to-end", stream, 1)].tokens
    data = result.to_json()
    for key in ("articles_per_s", "spacy_articles_per_s", "ratio", "peak_rss_mb", "workers", "n"):
        assert key in data
    assert data["n"] == 12 and data["workers"] == 1 and data["store"] == "sqlite"
    expected = runs[("end-to-end", "relevant", 1)].articles_per_s / (
        runs[("spacy", "relevant", 1)].articles_per_s
    )
    assert data["ratio"] == pytest.approx(expected, abs=1e-3)
    assert "end-to-end / spacy, mixed, 1 worker(s)" in result.table()


def test_bench_db_must_name_a_postgresql_server(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        cli, ["bench", "-n", "5", "--parts", "end-to-end", "--db", str(tmp_path / "x.db")]
    )
    assert out.exit_code != 0
    assert "[E022]" in out.output and "Traceback" not in out.output
    assert not (tmp_path / "x.db").exists()
    closed = "postgresql://nobody@127.0.0.1:1/postgres"  # nothing listens on port 1
    out = CliRunner().invoke(cli, ["bench", "-n", "3", "--parts", "end-to-end", "--db", closed])
    assert out.exit_code != 0
    # raised in the run's child process, told once here: the server cannot be reached, or
    # (where psycopg is not installed) the store cannot be opened at all
    code = "[E024]" if importlib.util.find_spec("psycopg") else "[E021]"
    assert out.output.count(code) == 1 and "Traceback" not in out.output


@pytest.mark.skipif(
    not os.environ.get("INCIDEX_TEST_PG"),
    reason="set INCIDEX_TEST_PG (`. .ci/postgres.sh`) to run the PostgreSQL bench",
)
def test_bench_writes_to_a_throwaway_postgresql_database(tmp_path: Path) -> None:
    import psycopg

    server = os.environ["INCIDEX_TEST_PG"]
    result = run_bench(6, workers=1, parts=("end-to-end",), folder=tmp_path, db=server)
    assert result.store == "postgresql"
    assert [(r.name, r.articles) for r in result.rows] == [("end-to-end", 6)]
    with psycopg.connect(server) as conn:
        left = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'incidex_bench_%'"
        ).fetchall()
    assert left == []  # each run's database is dropped after it
