"""Dump the full extraction output (one ``ArticleResult`` JSON line per text) for a fixed set
of inputs, to check that a speed change leaves the output byte-identical.

    python bench/extract_snapshot.py --out /tmp/before.jsonl
    ... change the code ...
    python bench/extract_snapshot.py --out /tmp/after.jsonl
    cmp /tmp/before.jsonl /tmp/after.jsonl

Inputs: the bundled examples, ``--generated`` bench texts (relevant and mixed), and, when
given (``--data`` / ``--sample``, default ``../shared``), the raw MUC-4 TST1 and TST2
messages and the Crocus City Hall sample. Missing shared files are skipped with a note.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

from incidex.bench import irrelevant_text, relevant_text
from incidex.ingest import ReadProblem, read_paths
from incidex.jobs import example_corpus
from incidex.model import Article
from incidex.nlp.extract import Extractor

__all__ = ["main", "snapshot_articles"]


def _generated(n: int) -> Iterator[Article]:
    rng = random.Random(7)
    for i in range(n):
        text = relevant_text(rng, i) if i % 2 == 0 else irrelevant_text(rng, i)
        yield Article.from_text(text, source="Bench Wire", origin=f"generated-{i}")


def snapshot_articles(shared: Path, generated: int) -> Iterator[Article]:
    """The inputs, in a fixed order."""
    files = [example_corpus(), shared / "samples" / "crocus-city-hall.txt"]
    for path in files:
        if not path.exists():
            print(f"skipped (missing): {path}", file=sys.stderr)
            continue
        for item in read_paths([path]):
            if not isinstance(item, ReadProblem):
                yield item
    muc = [shared / "data/muc4/tst1/tst1-muc3", shared / "data/muc4/tst2/tst2-muc4"]
    if all(p.exists() for p in muc):
        from incidex.evaluate._muc import read_muc_messages
        from incidex.evaluate._run import _muc_article

        for path in muc:
            for message in read_muc_messages(path):
                yield _muc_article(message)
    else:
        print(f"skipped (missing): {muc}", file=sys.stderr)
    yield from _generated(generated)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--generated", type=int, default=100)
    args = parser.parse_args(argv)
    extractor = Extractor()
    count = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for result in extractor.extract_articles(snapshot_articles(args.shared, args.generated)):
            fh.write(result.model_dump_json() + "\n")
            count += 1
    print(f"{count} results -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
