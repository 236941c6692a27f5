"""The command line as a user meets it: set-up, ingest, idempotence, bad input, output."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from incidex.cli import cli

pytestmark = pytest.mark.slow

REPORT = (
    "KABUL (Test Wire) - A suicide bomber blew himself up outside a mosque in Kabul on Friday, "
    "killing at least 12 people and wounding 30, police said. The Islamic State claimed "
    "responsibility through its Amaq news agency."
)
SPANISH = (
    "Un atentado con coche bomba dejó al menos doce muertos en el centro de la ciudad, según "
    "informó la policía local en un comunicado publicado el viernes por la noche."
)


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture()
def db(tmp_path: Path) -> str:
    return str(tmp_path / "test.db")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "kabul.txt").write_text(REPORT, encoding="utf-8")
    (folder / "spanish.txt").write_text(SPANISH, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    (folder / "wire.jsonl").write_text(
        json.dumps(
            {
                "url": "https://w.test/1",
                "title": "Blast",
                "published": "2024-05-03T10:00:00Z",
                "source": "Wire",
                "text": REPORT.replace("Friday", "Thursday"),
                "desk": "asia",
            }
        )
        + "\n{broken json\n",
        encoding="utf-8",
    )
    return folder


def counts(db: str) -> tuple[int, ...]:
    with sqlite3.connect(db) as conn:
        return tuple(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("articles", "reports", "incidents", "assertions")
        )


def _docs_text() -> str:
    root = Path(__file__).resolve().parents[1]
    texts = [(root / "README.md").read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root / "docs").glob("*.md"))]
    return "\n".join(texts)


def test_every_command_has_an_example_and_is_documented() -> None:
    evaluate = cli.commands["evaluate"]
    assert isinstance(evaluate, click.Group)
    commands = [[name] for name in cli.commands if name != "evaluate"]
    commands += [["evaluate", name] for name in evaluate.commands]
    docs = _docs_text()
    for command in commands:
        out = invoke(*command, "--help")
        assert out.exit_code == 0
        assert "Example:" in out.output, command
        assert f"incidex {' '.join(command)}" in docs, f"{command} is not in README or docs/"


def test_extract_json_prints_typed_records(tmp_path: Path) -> None:
    path = tmp_path / "kabul.txt"
    path.write_text(REPORT, encoding="utf-8")
    out = invoke("extract", str(path), "--json", "--published", "2024-05-04", "--source", "Wire")
    assert out.exit_code == 0, out.output
    records = json.loads(out.stdout)
    report = records[0]["incidents"][0]
    killed = [a for a in report["casualties"] if a["normalized"]["category"] == "killed"]
    assert killed[0]["normalized"]["low"] == 12
    assert killed[0]["speaker"] == "police" and killed[0]["outlet"] == "Wire"
    assert report["when"][0]["normalized"]["date"] == "2024-05-03"  # "on Friday"


def test_ingest_mixed_batch_and_idempotence(corpus: Path, db: str) -> None:
    out = invoke("ingest", str(corpus), "--db", db)
    assert out.exit_code == 0, out.output
    # the unreadable files are named with the reason, the good ones stored
    assert "empty.txt" in out.stderr and "[E003]" in out.stderr
    assert "image.png" in out.stderr and "[E004]" in out.stderr
    assert "wire.jsonl" in out.stderr and "[E006]" in out.stderr
    assert "not English" in out.stdout or "'es'" in out.stderr
    first = counts(db)
    assert first[0] == 3  # kabul, spanish (stored, not extracted), the JSON Lines record
    again = invoke("ingest", str(corpus), "--db", db)
    assert again.exit_code == 0
    assert "3 already stored" in again.stdout
    assert counts(db) == first


def test_incidents_show_search(corpus: Path, db: str) -> None:
    invoke("ingest", str(corpus), "--db", db)
    listing = invoke("incidents", "--db", db, "--json")
    rows = json.loads(listing.stdout)
    assert rows and rows[0]["country_code"] == "AF"
    card = invoke("show", rows[0]["id"], "--db", db)
    assert card.exit_code == 0
    assert "Kabul" in card.stdout and "Islamic State" in card.stdout
    assert "per police" in card.stdout  # each value with its source
    hits = invoke("search", "mosque", "--db", db)
    assert "mosque" in hits.stdout.lower()
    csv_out = invoke("incidents", "--db", db, "--csv")
    assert csv_out.stdout.startswith("id,date,title")


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("missing", "[E001]"),
        ("corrupt_db", "[E030]"),
    ],
)
def test_user_errors_are_one_line_and_non_zero(tmp_path: Path, setup: str, code: str) -> None:
    db = tmp_path / "x.db"
    if setup == "corrupt_db":
        db.write_bytes(b"this is not a database" * 100)
        target = tmp_path / "r.txt"
        target.write_text(REPORT, encoding="utf-8")
    else:
        target = tmp_path / "nope.txt"
    out = invoke("ingest", str(target), "--db", str(db))
    assert out.exit_code != 0
    assert code in out.output
    assert "Traceback" not in out.output
    if setup == "corrupt_db":
        assert db.read_bytes() == b"this is not a database" * 100  # nothing lost


def test_show_unknown_id(db: str) -> None:
    out = invoke("show", "i000000000000", "--db", db)
    assert out.exit_code != 0 and "[E032]" in out.output and "Traceback" not in out.output
