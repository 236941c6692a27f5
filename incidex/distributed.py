"""Extraction on a Dask cluster (optional extra ``incidex[dask]``: ``dask[distributed]``).

The client streams the corpus, cuts it into partitions of articles and submits each to the
cluster; workers run the pipeline (built once per worker process and cached) and send back
the results, or write them as JSON Lines partitions to a folder every machine sees. The
client then resolves and saves the results in input order, in one process, so incident ids
are exactly those a local ``incidex ingest`` of the same input would give. At most two
partitions per worker are in flight: memory stays flat whatever the corpus size.

::

    from incidex.distributed import dask_ingest
    report = dask_ingest(["corpus.jsonl"], store, scheduler="tcp://scheduler:8786")
    report = dask_ingest(["corpus.jsonl"], store, scheduler="local:4")   # a LocalCluster
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .config import Settings, load_settings
from .errors import ConfigError
from .ingest import ReadProblem, read_paths
from .jobs import (
    IngestReport,
    StreamStats,
    _chunks,
    _merge,
    _save_in_batches,
    _screen,
    load_results,
    relevance_filter,
    write_results,
)
from .model import Article, ArticleResult
from .store import IncidentStore

__all__ = ["connect", "dask_ingest", "extract_partition"]

_INSTALL = 'Dask support needs dask.distributed: pip install "incidex[dask]".'
_LOCK = threading.Lock()  # one pipeline per process; threads of a worker take turns
_CACHE: dict[str, Any] = {}


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise ConfigError(_INSTALL, code="E021") from None
    return distributed


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``scheduler``, closed on exit.

    ``tcp://host:8786`` (or any address a Client takes) joins a running cluster;
    ``local`` or ``local:N`` starts a LocalCluster of N single-threaded worker processes
    (default: all cores); ``local-threads:N`` one of N threads in this process (tests).
    """
    distributed = _distributed()
    kind, _, count = scheduler.partition(":")
    if kind in ("local", "local-threads"):
        from .jobs import default_workers

        try:
            workers = int(count) if count else default_workers()
        except ValueError:
            raise ConfigError(
                f"{scheduler!r}: expected local, local:N or a scheduler address.", code="E021"
            ) from None
        cluster = distributed.LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=kind == "local",
            dashboard_address=None,
        )
        client = distributed.Client(cluster)
        try:
            yield client
        finally:
            client.close()
            cluster.close()
        return
    client = distributed.Client(scheduler)
    try:
        yield client
    finally:
        client.close()


def _extractor(settings_json: str) -> Any:
    # Cached per worker process: the pipeline is built by the first partition only.
    from .nlp.extract import Extractor

    found = _CACHE.get(settings_json)
    if found is None:
        found = Extractor(settings=Settings.model_validate_json(settings_json))
        found.nlp  # noqa: B018 - build it now, under the lock
        _CACHE[settings_json] = found
    return found


def extract_partition(
    articles_json: list[str], settings_json: str, out: str | None = None
) -> list[str] | int:
    """Run on a worker: extract one partition (articles as JSON).

    Returns the results as JSON strings, or, with ``out`` (a file path on storage shared
    with the client), writes them there as JSON Lines and returns how many.
    """
    with _LOCK:
        extractor = _extractor(settings_json)
        articles = [Article.model_validate_json(a) for a in articles_json]
        results = list(extractor.extract_articles(articles))
    if out is not None:
        return write_results(results, out)
    return [r.model_dump_json() for r in results]


def dask_ingest(
    paths: Iterable[str | Path],
    store: IncidentStore,
    *,
    scheduler: str,
    settings: Settings | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    prefilter: bool = True,
    partition_size: int | None = None,
    results_dir: str | Path | None = None,
) -> IngestReport:
    """``incidex ingest --dask SCHEDULER``: extraction on the cluster, resolution here.

    ``partition_size`` articles go to a worker at a time (default: 4 batches). With
    ``results_dir`` (a folder every worker and the client can reach) workers write their
    partitions there as ``part-NNNNNNNN.jsonl`` and the client loads them in order at the
    end (what ``incidex load`` does); without it results come back over the network and
    are saved as they arrive, in order.
    """
    settings = settings or load_settings()
    size = partition_size or settings.batch_size * 4
    keep = relevance_filter(settings.spacy_model) if prefilter else None
    report = IngestReport()
    stats = StreamStats()
    started = time.perf_counter()
    folder = Path(results_dir) if results_dir is not None else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)

    def fresh_articles() -> Iterator[Article]:
        for item in read_paths(paths, max_bytes=settings.max_article_bytes, encoding=encoding):
            if isinstance(item, ReadProblem):
                report.add_problem(item)
                continue
            report.read += 1
            if store.has_article(content_hash=item.content_hash) or (
                item.url is not None and store.has_article(url=item.url)
            ):
                report.summary.duplicates += 1
                if progress is not None:
                    progress(1)
                continue
            yield item

    with connect(scheduler) as client:
        in_flight = 2 * max(1, len(client.scheduler_info().get("workers", {})) or 1)
        if folder is None:
            results = _stream_back(client, fresh_articles(), settings, keep, stats, size, in_flight)
            saved = _save_in_batches(results, store, settings.batch_size, progress)
            report.summary.merge(saved.summary)
        else:
            _write_partitions(
                client, fresh_articles(), settings, keep, stats, size, in_flight, folder
            )
    if folder is not None:
        loaded = load_results([folder], store, settings=settings, progress=progress)
        report.summary.merge(loaded.summary)
    report.filtered = stats.filtered
    report.workers = in_flight // 2
    report.seconds = time.perf_counter() - started
    return report


def _stream_back(
    client: Any,
    articles: Iterable[Article],
    settings: Settings,
    keep: Any,
    stats: StreamStats,
    size: int,
    in_flight: int,
) -> Iterator[ArticleResult]:
    settings_json = settings.model_dump_json()
    pending: deque[tuple[list[ArticleResult | None], Any]] = deque()

    def drain(limit: int) -> Iterator[ArticleResult]:
        while len(pending) > limit:
            slots, future = pending.popleft()
            done = future.result() if future is not None else []
            yield from _merge(slots, (ArticleResult.model_validate_json(r) for r in done))

    for chunk in _chunks(articles, size):
        slots, todo = _screen(chunk, settings, keep)
        stats.add(len(chunk), len(todo))
        future = (
            client.submit(
                extract_partition, [a.model_dump_json() for a in todo], settings_json, pure=False
            )
            if todo
            else None
        )
        pending.append((slots, future))
        yield from drain(in_flight)
    yield from drain(0)


def _write_partitions(
    client: Any,
    articles: Iterable[Article],
    settings: Settings,
    keep: Any,
    stats: StreamStats,
    size: int,
    in_flight: int,
    folder: Path,
) -> None:
    """Workers write the parsed articles; the client writes what the filter settled, and
    merges both into one ordered partition per chunk once the worker's file is there."""
    settings_json = settings.model_dump_json()
    pending: deque[tuple[int, list[ArticleResult | None], Any]] = deque()

    def drain(limit: int) -> None:
        while len(pending) > limit:
            index, slots, future = pending.popleft()
            part = folder / f"part-{index:08d}.jsonl"
            if future is None:
                write_results([s for s in slots if s is not None], part)
                continue
            future.result()
            worker_file = folder / f"part-{index:08d}.jsonl.worker"
            from .jobs import read_results

            merged = _merge(slots, read_results([worker_file]))
            write_results(merged, part)
            worker_file.unlink()

    for index, chunk in enumerate(_chunks(articles, size)):
        slots, todo = _screen(chunk, settings, keep)
        stats.add(len(chunk), len(todo))
        future = None
        if todo:
            out = str(folder / f"part-{index:08d}.jsonl.worker")
            future = client.submit(
                extract_partition,
                [a.model_dump_json() for a in todo],
                settings_json,
                out,
                pure=False,
            )
        pending.append((index, slots, future))
        drain(in_flight)
    drain(0)
