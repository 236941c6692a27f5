"""Dask ingest on a LocalCluster gives the same database as a local, single-process one."""

from __future__ import annotations

from pathlib import Path

import pytest

from incidex.bench import store_fingerprint, write_corpus
from incidex.jobs import example_corpus, ingest
from incidex.store import open_store

pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


@pytest.fixture()
def corpus(tmp_path: Path) -> list[Path]:
    return [example_corpus(), write_corpus(tmp_path / "m.jsonl", 20, relevant_fraction=0.3)]


@pytest.fixture()
def expected(tmp_path: Path, corpus: list[Path]) -> object:
    with open_store(tmp_path / "local.db") as store:
        ingest(corpus, store, prefilter=False)
        return store_fingerprint(store)


# Two worker threads in this process (processes=False): worker processes would each build
# the pipeline (several seconds); the code path on the client is the same.
@pytest.mark.parametrize("spill", [False, True], ids=["results-back", "partitions-on-disk"])
def test_dask_ingest_equals_local_ingest(
    tmp_path: Path, corpus: list[Path], expected: object, spill: bool
) -> None:
    from incidex.distributed import dask_ingest

    parts = tmp_path / "parts" if spill else None
    with open_store(tmp_path / "dask.db") as store:
        report = dask_ingest(
            corpus, store, scheduler="local-threads:2", partition_size=8, results_dir=parts
        )
        assert store_fingerprint(store) == expected
    assert report.summary.stored == report.read
    if parts is not None:
        assert sorted(p.name for p in parts.iterdir())[0] == "part-00000000.jsonl"
        assert not list(parts.glob("*.worker"))
