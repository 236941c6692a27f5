"""Peak memory and time of each export format over N generated incidents (default 2,000).

    python bench/export_memory.py [N]

Builds an in-memory store of N one-report incidents (no spaCy), then exports it in every
format to a sink that discards the output, measuring the peak with tracemalloc. Streaming
exports should show a peak that hardly grows with N (only id sets do).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import time
import tracemalloc
from collections.abc import Iterator
from typing import Any

from incidex.export import FORMATS, export
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    EventType,
    IncidentReport,
    Place,
    SentenceRef,
)
from incidex.store import Store

__all__ = ["main"]


class _Sink(io.TextIOBase):
    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        return len(s)


def _assertion(field: str, value: str, normalized: Any, text: str) -> Assertion[Any]:
    return Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field,
        value=value,
        normalized=normalized,
        start=0,
        end=len(value),
        sentence=SentenceRef(start=0, end=len(text), text=text),
        extractor="bench.v1",
    )


def _results(n: int) -> Iterator[ArticleResult]:
    for i in range(n):
        text = f"Incident {i}: a bomb exploded in a market, killing {i % 7} people. " * 20
        article = Article.from_text(
            text,
            url=f"https://bench.example/{i}",
            title=f"Bench {i}",
            source=f"Outlet {i % 13}",
            published=dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i % 900),
        )
        r = IncidentReport(article_id=article.id)
        r.types.append(
            _assertion("types", "bomb", EventType(name="Bombing/Explosion", gtd_code=3), text)
        )  # noqa: E501
        r.where.append(
            _assertion(
                "where",
                "market",
                Place(name="market", country_code="IQ", latitude=33.3, longitude=44.4),
                text,
            )
        )
        r.casualties.append(
            _assertion("casualties", "killing", Casualties(category="killed", exact=i % 7), text)
        )
        yield ArticleResult(article=article, status="extracted", incidents=[r])


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 2000
    with Store(memory=True) as store:
        store.save_results(_results(n))
        print(f"{n} incidents")
        for fmt in FORMATS:
            tracemalloc.start()
            start = time.perf_counter()
            summary = export(store, fmt, _Sink())
            elapsed = time.perf_counter() - start
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"{fmt:10s} peak {peak / 1e6:7.2f} MB  {elapsed:6.2f} s  "
                f"({summary.incidents} incidents, {summary.objects} STIX objects)"
            )


if __name__ == "__main__":
    main(sys.argv)
