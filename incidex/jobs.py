"""Library functions behind the CLI commands that do work (ingest, demo)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .config import Settings, load_settings
from .ingest import ReadProblem, read_paths
from .model import Article, ArticleResult
from .nlp.extract import Extractor
from .resolve import IncidentResolver
from .store import SaveSummary, Store

__all__ = ["IngestReport", "example_corpus", "extract_paths", "ingest"]


@dataclass
class IngestReport:
    """What an ingest did: counts, per-file problems, time taken."""

    summary: SaveSummary = field(default_factory=SaveSummary)
    problems: list[ReadProblem] = field(default_factory=list)
    seconds: float = 0.0
    read: int = 0

    @property
    def ok(self) -> bool:
        """False when nothing at all could be read."""
        return self.read > 0 or not self.problems


def example_corpus() -> Path:
    """The bundled example reports (written for this project)."""
    return Path(str(resources.files("incidex").joinpath("data/examples/reports.jsonl")))


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    *,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read, extract, resolve and store; one transaction per batch.

    Already stored articles (same text or URL) are skipped before extraction, so re-running
    an ingest changes nothing and costs little.
    """
    settings = settings or load_settings()
    extractor = extractor or Extractor(settings=settings)
    report = IngestReport()
    started = time.perf_counter()
    resolver = IncidentResolver(store)

    def fresh_articles() -> Iterator[Article]:
        for item in read_paths(paths, max_bytes=settings.max_article_bytes, encoding=encoding):
            if isinstance(item, ReadProblem):
                report.problems.append(item)
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

    batch: list[ArticleResult] = []
    for result in extractor.extract_articles(fresh_articles()):
        batch.append(result)
        if len(batch) >= settings.batch_size:
            report.summary.merge(store.save_results(batch, incident_of=resolver))
            if progress is not None:
                progress(len(batch))
            batch = []
    if batch:
        report.summary.merge(store.save_results(batch, incident_of=resolver))
        if progress is not None:
            progress(len(batch))
    report.seconds = time.perf_counter() - started
    return report


def extract_paths(
    paths: Iterable[str | Path],
    *,
    published: dt.datetime | None = None,
    source: str | None = None,
    encoding: str | None = None,
    fmt: str = "json",
    settings: Settings | None = None,
) -> tuple[list[Any], list[ReadProblem]]:
    """Extract records from files without a store (``incidex extract``).

    ``published`` and ``source`` fill in articles that do not carry their own. With
    ``fmt="muc4-jsonl"`` the records are MUC-4 template lines (one per message).
    """
    settings = settings or load_settings()
    problems: list[ReadProblem] = []

    def articles() -> Iterator[Article]:
        for item in read_paths(paths, max_bytes=settings.max_article_bytes, encoding=encoding):
            if isinstance(item, ReadProblem):
                problems.append(item)
                continue
            update: dict[str, Any] = {}
            if item.published is None and published is not None:
                update["published"] = published
            if item.source is None and source is not None:
                update["source"] = source
            yield item.model_copy(update=update) if update else item

    results = list(Extractor(settings=settings).extract_articles(articles()))
    return results, problems
