"""Throughput and memory of ``incidex ingest`` against bare spaCy (what ``incidex bench`` runs).

python bench/ingest_bench.py                      # 1,000 articles, every run, a table
python bench/ingest_bench.py --articles 10000 --parts mixed --json
python bench/ingest_bench.py --articles 100000 --parts mixed --workers 2
"""

from __future__ import annotations

import argparse
import json
import sys

from incidex._threads import one_blas_thread
from incidex.bench import run_bench

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    one_blas_thread()  # as the incidex command does (see incidex/_threads.py)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--relevant-fraction", type=float, default=0.1)
    parser.add_argument(
        "--parts",
        default="spacy,end-to-end,mixed,no-filter",
        help="comma-separated: spacy, end-to-end, mixed, no-filter",
    )
    parser.add_argument("--db", default=None, help="PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run_bench(
        args.articles,
        workers=args.workers,
        relevant_fraction=args.relevant_fraction,
        parts=tuple(p.strip() for p in args.parts.split(",") if p.strip()),
        log=lambda msg: print(f"... {msg}", file=sys.stderr, flush=True),
        db=args.db,
    )
    print(json.dumps(result.to_json()) if args.json else result.table())
    return 0


if __name__ == "__main__":
    sys.exit(main())
