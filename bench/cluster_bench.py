"""Clustering cost at scale: generated reports through the real resolver and SQLite store.

Prints, for each size, the CPU time per 1,000 reports (resolver and store together) and the peak
resident memory, plus how many incidents came out (the generator makes incidents of 1-8
reports each, so the expected count is printed too). Each size runs in its own process,
so its peak memory is its own; reports are generated as they are saved, never held all
at once.

    python bench/cluster_bench.py               # 1k, 10k, 100k
    python bench/cluster_bench.py 1000 5000     # chosen sizes
    python bench/cluster_bench.py --one-incident 1600

``--one-incident N`` measures the store alone as one incident grows: N reports saved one
article per batch, every one joining the first incident; it prints the CPU milliseconds per
report for each run of 100 (constant when adding a report does not re-read the others).
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    EventType,
    IncidentReport,
    Place,
    Precision,
    SentenceRef,
    Victim,
    When,
)
from incidex.resolve import IncidentResolver
from incidex.store import Store

__all__ = ["generate", "run"]

_TYPES = [("Bombing/Explosion", 3), ("Armed Assault", 2), ("Hostage Taking (Kidnapping)", 6)]
_COUNTRIES = ["AF", "IQ", "NG", "SO", "PK", "SY", "ML", "CO", "IN", "PH"]
_SYLLABLES = [
    "ka",
    "ro",
    "mi",
    "ta",
    "lu",
    "sen",
    "dar",
    "bel",
    "qu",
    "zor",
    "an",
    "vi",
    "pe",
    "to",
    "gra",
    "nu",
    "sha",
    "el",
    "mon",
    "fi",
    "ba",
    "ker",
    "di",
    "os",
]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _assertion(field: str, value: str, normalized: object, text: str) -> Assertion:  # type: ignore[type-arg]
    return Assertion[type(normalized)](  # type: ignore[misc,operator]
        field=field,
        value=value,
        normalized=normalized,
        start=0,
        end=len(value),
        sentence=SentenceRef(start=0, end=len(text), text=text),
        extractor="bench.v1",
    )


def generate(n: int, seed: int = 7) -> Iterator[ArticleResult]:
    """n reports of about n/4 incidents over three years, in publication order (roughly)."""
    rng = random.Random(seed)
    cities = [(_name(rng, 3), rng.choice(_COUNTRIES)) for _ in range(max(50, n // 40))]
    start = dt.date(2020, 1, 1)
    made = 0
    k = 0
    while made < n:
        k += 1
        city, country = rng.choice(cities)
        day = start + dt.timedelta(days=int(1095 * made / n))
        kind, code = rng.choice(_TYPES)
        venue = f"{_name(rng, 3)} {rng.choice(['market', 'mosque', 'checkpoint', 'school'])}"
        victim = f"{_name(rng, 2)} {_name(rng, 3)}"
        killed = rng.randint(1, 60)
        for j in range(min(rng.randint(1, 8), n - made)):
            text = (
                f"Attackers struck the {venue} in {city} on {day:%A}, killing {killed + j} "
                f"people including {victim}, officials said. Report {k}-{j} by outlet "
                f"{rng.randint(1, 300)}; witnesses described {rng.choice(_SYLLABLES)} scenes."
            )
            article = Article.from_text(
                text,
                title=f"{kind} in {city}",
                published=dt.datetime.combine(day, dt.time(8 + j), tzinfo=dt.UTC),
                source=f"Outlet {rng.randint(1, 300)}",
            )
            r = IncidentReport(article_id=article.id)
            r.types.append(_assertion("types", kind, EventType(name=kind, gtd_code=code), text))
            r.when.append(_assertion("when", "on", When(date=day, precision=Precision.day), text))
            r.where.append(
                _assertion("where", city, Place(name=city, city=city, country_code=country), text)
            )
            r.casualties.append(
                _assertion(
                    "casualties", "killing", Casualties(category="killed", exact=killed), text
                )
            )
            r.victims.append(
                _assertion("victims", victim, Victim(names=[victim], fate="killed"), text)
            )
            yield ArticleResult(article=article, status="extracted", incidents=[r])
            made += 1


def run(n: int) -> tuple[float, int, int, int]:
    """Cluster n generated reports; (seconds, peak bytes, incidents made, incidents meant)."""
    meant: set[str] = set()
    stream = generate(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        try:
            resolver = IncidentResolver(store)
            seconds = 0.0
            while batch := list(islice(stream, 500)):
                meant.update(r.article.text.split(" Report ")[1].split("-")[0] for r in batch)
                # CPU time of this process: the machine is shared, wall time is noisy.
                started = time.process_time()  # generating the batch is not timed
                store.save_results(batch, incident_of=resolver)
                seconds += time.process_time() - started
            # Peak resident memory of this process (Linux reports KiB).
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
            made = store.count_incidents()
        finally:
            store.close()
    return seconds, peak, made, len(meant)


def one_incident(n: int) -> list[tuple[int, float]]:
    """(reports so far, CPU ms per report over the last 100) as one incident grows to n."""
    first: list[str] = []
    out: list[tuple[int, float]] = []
    with Store(memory=True) as store:
        stream = generate(n, seed=3)
        while batch := list(islice(stream, 100)):
            started = time.process_time()
            for result in batch:  # one article per batch, as a trickle of news arrives
                store.save_results([result], incident_of=lambda r: first[0] if first else None)
                if not first:
                    first.append(store.incidents()[0].id)
            out.append((len(out) * 100 + len(batch), (time.process_time() - started) * 10))
    return out


def main(argv: list[str]) -> int:
    if argv[:1] in (["-h"], ["--help"]):
        print(__doc__)
        return 0
    if any(not a.isdigit() for a in argv) and argv[:1] not in (["--one-incident"], ["--one"]):
        print("usage: cluster_bench.py [N ...] | --one-incident N (see --help)", file=sys.stderr)
        return 2
    if argv[:1] == ["--one-incident"]:
        print(" ".join(f"{k}:{ms:.2f}" for k, ms in one_incident(int(argv[1]))))
        return 0
    if argv[:1] == ["--one"]:  # a child process: one size, one line of numbers
        print(*run(int(argv[1])))
        return 0
    sizes = [int(a) for a in argv] or [1_000, 10_000, 100_000]
    head = f"{'reports':>8} {'s/1k reports':>13} {'peak RSS MiB':>13} {'incidents':>10}"
    print(f"{head} {'meant':>7}")
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], check=True, capture_output=True, text=True
        ).stdout.split()
        seconds, peak, made, meant = float(out[0]), int(out[1]), int(out[2]), int(out[3])
        print(f"{n:>8} {seconds / n * 1000:>13.2f} {peak / 2**20:>13.1f} {made:>10} {meant:>7}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
