"""Time each pipeline component (and the tokenizer and truecaser in front) on a set of texts.

    python bench/profile_components.py                      # 300 generated relevant texts
    python bench/profile_components.py --input examples --input crocus --input muc
    python bench/profile_components.py --cprofile 25        # plus the 25 costliest functions
    python bench/profile_components.py --rounds 3           # the least CPU time of 3 rounds

The docs go through the components a batch at a time, as ``nlp.pipe`` does (a component's own
``pipe`` when it has one), with the articles attached as :class:`incidex.nlp.extract.Extractor`
attaches them, so the figures are those of a real extraction. Inputs: ``relevant`` (the
bench's generated attack reports, ``--n`` of them), ``examples`` (bundled), ``crocus`` and
``muc`` (MUC-4 TST1+TST2, from ``--shared``, default ``../shared``). Times are CPU seconds
of this process (``time.process_time``: other jobs on a shared machine disturb them less than
wall-clock time); with ``--rounds R`` each stage's least time over R rounds.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from incidex.bench import relevant_text
from incidex.config import load_settings
from incidex.model import Article
from incidex.nlp._doc import ensure_extensions
from incidex.nlp.pipeline import pipeline_for, settle_heap
from incidex.nlp.truecase import mostly_upper, truecase

__all__ = ["main", "profile_components"]


def _articles(kind: str, n: int, shared: Path) -> Iterator[Article]:
    if kind == "relevant":
        rng = random.Random(0)
        for i in range(n):
            yield Article.from_text(relevant_text(rng, i), source="Bench Wire")
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from extract_snapshot import snapshot_articles  # the same inputs as the snapshot

    for article in snapshot_articles(shared, 0):
        origin = article.origin or ""
        is_muc = "MUC" in origin
        is_crocus = "crocus" in origin
        if (kind == "muc" and is_muc) or (kind == "crocus" and is_crocus):
            yield article
        elif kind == "examples" and not is_muc and not is_crocus:
            yield article


def profile_components(
    articles: list[Article], batch_size: int | None = None
) -> tuple[dict[str, float], int]:
    """Seconds spent in each stage over ``articles`` (in batches of ``batch_size``, default
    the settings' batch size, as extraction uses); and the token count."""
    settings = load_settings()
    batch_size = batch_size or settings.batch_size
    nlp = pipeline_for(settings)
    ensure_extensions()
    times: dict[str, float] = {"truecase": 0.0, "tokenizer": 0.0}
    times.update({name: 0.0 for name in nlp.pipe_names})
    tokens = 0
    for start in range(0, len(articles), batch_size):
        docs = []
        for article in articles[start : start + batch_size]:
            text = article.model_copy(update={"language": "en"}).text
            text = text[: settings.max_extract_chars]
            t0 = time.process_time()
            upper = mostly_upper(text)
            parsed = truecase(text) if upper else text
            t1 = time.process_time()
            doc = nlp.make_doc(parsed)
            times["tokenizer"] += time.process_time() - t1
            times["truecase"] += t1 - t0
            doc._.article = article
            docs.append(doc)
            tokens += len(doc)
        for name, proc in nlp.pipeline:
            t0 = time.process_time()
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=batch_size))
            else:
                docs = [proc(doc) for doc in docs]
            times[name] += time.process_time() - t0
    return times, tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--input",
        action="append",
        choices=["relevant", "examples", "crocus", "muc"],
        help="texts to profile (repeatable; default: relevant)",
    )
    parser.add_argument("--n", type=int, default=300, help="generated relevant texts")
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--cprofile", type=int, default=0, metavar="K", help="top K functions")
    parser.add_argument("--rounds", type=int, default=1, help="keep each stage's least time")
    args = parser.parse_args(argv)
    articles = [
        a for kind in args.input or ["relevant"] for a in _articles(kind, args.n, args.shared)
    ]
    pipeline_for(load_settings())  # not timed
    settle_heap()  # as the extractor does once the pipeline is loaded
    profiler = cProfile.Profile() if args.cprofile else None
    if profiler is not None:
        profiler.enable()
    times: dict[str, float] = {}
    for _ in range(max(1, args.rounds)):
        this, tokens = profile_components(articles)
        times = {k: min(v, times.get(k, v)) for k, v in this.items()}
    total = sum(times.values())
    if profiler is not None:
        profiler.disable()
    rate = len(articles) / total
    print(f"{len(articles)} texts, {tokens:,} tokens, {total:.2f} CPU s ({rate:.1f} texts/s)")
    print(f"{'stage':<28}{'CPU s':>9}{'share':>8}{'ms/text':>9}")
    incidex_total = 0.0
    for name, seconds in times.items():
        if name.startswith("incidex") or name == "truecase":
            incidex_total += seconds
        per_text = 1000 * seconds / len(articles)
        print(f"{name:<28}{seconds:>9.3f}{seconds / total:>8.1%}{per_text:>9.2f}")
    print(
        f"{'incidex (truecase + components)':<28}{incidex_total:>9.3f}{incidex_total / total:>8.1%}"
    )
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.cprofile)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
