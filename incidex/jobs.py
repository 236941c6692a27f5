"""Library functions behind the CLI commands that do work (ingest, load, demo).

``ingest`` streams: articles are read one at a time, extracted a batch at a time (in this
process or in a pool of worker processes that each load the pipeline once), and saved a batch
per transaction, in input order, so that incident resolution sees the same reports in the same
order whatever the number of workers. A cheap :class:`RelevanceFilter` in front of the
pipeline stores articles that cannot hold an incident (no trigger word, weapon or claim at
all) as ``no_incident`` without parsing them.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .config import Settings, load_settings
from .errors import NotFoundError
from .ingest import ReadProblem, detect_language, read_paths
from .model import Article, ArticleResult
from .nlp.extract import Extractor
from .nlp.pipeline import pipeline_for, settle_heap
from .resolve import IncidentResolver
from .store import IncidentStore, SaveSummary

__all__ = [
    "NO_INCIDENT_MESSAGE",
    "IngestReport",
    "ProgressMeter",
    "RelevanceFilter",
    "StreamStats",
    "count_articles",
    "default_workers",
    "example_corpus",
    "extract_paths",
    "extract_stream",
    "ingest",
    "load_results",
    "read_results",
    "relevance_filter",
    "write_results",
]

# What the pipeline says of an English article without an incident; the filter says the same.
NO_INCIDENT_MESSAGE = "no incident of political violence found"
_MAX_RESULT_LINE = 64 * 1024 * 1024  # one stored ArticleResult line (text + reports), bounded
_WORD = re.compile(r"[a-z]+|[0-9]+")  # linear, no backtracking
# Screened chunks held at most while gathering a batch to parse (see ``_screened``).
_HOLD_BATCHES = 16


# Per-article entries (and unreadable-file problems) an ingest keeps (the CLI lists them); past
# this only the counts grow, so memory stays flat on any corpus
MAX_SUMMARY_ENTRIES = 10_000


@dataclass
class IngestReport:
    """What an ingest did: counts, per-file problems, time taken."""

    summary: SaveSummary = field(default_factory=SaveSummary)
    problems: list[ReadProblem] = field(default_factory=list)
    seconds: float = 0.0
    read: int = 0
    workers: int = 1
    # English articles the relevance filter stored as no_incident without parsing them.
    filtered: int = 0
    # Stopped by Ctrl-C: what was committed before is kept; the batch in flight is not.
    interrupted: bool = False
    problems_omitted: int = 0  # problems past MAX_SUMMARY_ENTRIES: counted, not kept

    def add_problem(self, problem: ReadProblem) -> None:
        """Keep a file's problem (the first MAX_SUMMARY_ENTRIES; the rest only counted)."""
        if len(self.problems) < MAX_SUMMARY_ENTRIES:
            self.problems.append(problem)
        else:
            self.problems_omitted += 1

    @property
    def skipped(self) -> int:
        """Files or records that could not be read, kept or not."""
        return len(self.problems) + self.problems_omitted

    @property
    def ok(self) -> bool:
        """False when nothing at all could be read."""
        return self.read > 0 or not self.skipped

    @property
    def articles_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0


def _stored_status(store: IncidentStore, article_id: str) -> str | None:
    try:
        return store.article_status(article_id)[0]
    except NotFoundError:
        return None


def example_corpus() -> Path:
    """The bundled example reports (written for this project)."""
    return Path(str(resources.files("incidex").joinpath("data/examples/reports.jsonl")))


def default_workers() -> int:
    """All the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


# ---- progress ---------------------------------------------------------------------------


class ProgressMeter:
    """A ``progress`` callback that knows the rate and the time left.

    Pass it (or its bound ``__call__``) as ``ingest(..., progress=meter)``; ``on_update`` is
    called with the meter after every advance, e.g. to refresh a rich progress bar with
    ``meter.describe()``. ``total`` may be None (unknown: no ETA) or an estimate from
    :func:`count_articles`.
    """

    def __init__(
        self,
        total: int | None = None,
        on_update: Callable[[ProgressMeter], None] | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.total = total
        self.done = 0
        self._clock = clock
        self._started = clock()
        self._on_update = on_update

    def __call__(self, n: int) -> None:
        self.done += n
        if self._on_update is not None:
            self._on_update(self)

    @property
    def elapsed(self) -> float:
        return max(self._clock() - self._started, 1e-9)

    @property
    def rate(self) -> float:
        """Articles per second since the start."""
        return self.done / self.elapsed

    @property
    def eta_seconds(self) -> float | None:
        if self.total is None or self.done == 0:
            return None
        return max(self.total - self.done, 0) / self.rate

    def describe(self) -> str:
        """``"1,200/10,000 articles, 41.3 articles/s, ETA 3m33s"``."""
        count = f"{self.done:,}" + (f"/{self.total:,}" if self.total is not None else "")
        text = f"{count} articles, {self.rate:.1f} articles/s"
        eta = self.eta_seconds
        if eta is not None:
            minutes, seconds = divmod(int(eta + 0.5), 60)
            text += f", ETA {minutes}m{seconds:02d}s" if minutes else f", ETA {seconds}s"
        return text


def count_articles(paths: Iterable[str | Path]) -> int:
    """A quick estimate of how many articles ``paths`` hold, for a progress total.

    Counts non-blank lines of JSON Lines files, rows of Parquet files (from their footer) and
    one per other file; reads each file once in blocks, holding none of it.
    """
    total = 0
    for path in paths:
        p = Path(path)
        files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
        for file in files:
            if file.name.startswith(".") or file.name.endswith(".meta.json"):
                continue
            suffix = file.suffix.lower()
            try:
                if suffix in (".jsonl", ".ndjson"):
                    total += _count_lines(file)
                elif suffix == ".parquet":
                    from .ingest._parquet import parquet_rows

                    total += parquet_rows(file)
                elif file.is_file():
                    total += 1
            except (OSError, ValueError):
                total += 1
    return total


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as fh:
        for line in fh:  # bounded by the OS read size, not the line
            if line.strip():
                count += 1
    return count


# ---- relevance filter -------------------------------------------------------------------

# Past tenses the regular inflection rules miss, in case the model has no exception table.
_IRREGULAR = {
    "shoot": ("shot",),
    "strike": ("struck", "stricken"),
    "blow": ("blew", "blown"),
    "fight": ("fought",),
    "hang": ("hung",),
    "slay": ("slew", "slain"),
    "take": ("took", "taken"),
    "set": ("set",),
    "throw": ("threw", "thrown"),
    "hold": ("held",),
    "seize": ("seized",),
    "drive": ("drove", "driven"),
    "speed": ("sped",),
}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _forms(lemma: str, exceptions: dict[str, set[str]]) -> set[str]:
    from .nlp.components.matching import inflections

    out = set(inflections(lemma))
    out.update(_IRREGULAR.get(lemma, ()))
    out.update(exceptions.get(lemma, ()))
    return out


class RelevanceFilter:
    """Says, from words alone and in linear time, whether an article *may* hold an incident.

    It passes every text that contains one of the pipeline's own cues: an event trigger (any
    inflected form of a trigger lemma, or a trigger phrase), a generic attack word, a weapon
    named in the knowledge base, a ramming verb next to a crowd word, "on fire"/"ablaze". The
    pipeline opens an incident only from such cues, so a text without any cannot yield one;
    the filter errs towards passing (it ignores word order, case and sentence bounds).
    """

    def __init__(self, words: Iterable[str], phrases: Iterable[str]) -> None:
        self.words = frozenset(words)
        by_first: dict[str, set[tuple[str, ...]]] = {}
        raw: set[str] = set()
        for phrase in phrases:
            parts = tuple(_words(phrase))
            if parts and all(p.isdigit() for p in parts) and phrase.strip() != " ".join(parts):
                # ".38", ".45" (calibres): as the bare number "38" they would pass every
                # text with a score or a temperature; the pipeline matches the whole token
                raw.add(phrase.strip().lower())
            elif len(parts) == 1:
                self.words |= {parts[0]}
            elif parts:
                by_first.setdefault(parts[0], set()).add(parts)
        self._phrases = {k: tuple(sorted(v)) for k, v in by_first.items()}
        self._raw = tuple(sorted(raw))
        # "drove a truck into the crowd": the triggers need a ramming verb and a crowd word
        # both (lexicon ``ramming_verbs``, ``crowd_words``; set by :meth:`from_lexicon`)
        self._ram: frozenset[str] = frozenset()
        self._crowd: frozenset[str] = frozenset()

    @classmethod
    def from_lexicon(cls, exceptions: dict[str, set[str]] | None = None) -> RelevanceFilter:
        """Built from the trigger lexicon and the KB weapons. ``exceptions`` maps a lemma to
        its irregular forms (from the spaCy model's lemmatizer table; see
        :func:`relevance_filter`)."""
        from .nlp.kb import default_kb
        from .nlp.lexicon import default_lexicon

        exc = exceptions or {}
        lex = default_lexicon()
        words: set[str] = set()
        phrases: set[str] = set()
        for event in lex.events:
            for lemma in event.lemmas:
                (phrases if " " in lemma else words).update(_forms(lemma, exc))
            phrases.update(event.phrases)
        for lemma in lex.generic_attack_lemmas:
            words.update(_forms(lemma, exc))
        phrases.update(term for term, _ in default_kb().weapon_terms())
        words.update(("ablaze", "alight"))
        phrases.add("on fire")
        made = cls(words, phrases)
        made._ram = frozenset(f for verb in lex.ramming_verbs for f in _forms(verb, exc))
        # a word's first part stands for it: "passers-by" has "passers" (tokens split at "-")
        made._crowd = frozenset(parts[0] for w in lex.crowd_words if (parts := _words(w)))
        return made

    def __call__(self, text: str) -> bool:
        """True when ``text`` may report an incident (run it through the pipeline)."""
        lowered = text.lower()
        tokens = _WORD.findall(lowered)
        present = set(tokens)
        if not present.isdisjoint(self.words):
            return True
        if not present.isdisjoint(self._ram) and not present.isdisjoint(self._crowd):
            return True
        if any(term in lowered for term in self._raw):
            return True
        candidates = [self._phrases[w] for w in present if w in self._phrases]
        if not candidates:
            return False
        joined = " " + " ".join(tokens) + " "
        return any(" " + " ".join(p) + " " in joined for group in candidates for p in group)


@lru_cache(maxsize=4)
def relevance_filter(model: str | None = None) -> RelevanceFilter:
    """The filter for the pipeline built on spaCy ``model`` (cached per process).

    The model's lemmatizer exception table supplies irregular forms ("struck" -> strike) so
    that the filter passes whatever the pipeline's lemma patterns would match.
    """
    exceptions: dict[str, set[str]] = {}
    if model:
        try:
            import spacy

            nlp = spacy.load(
                model,
                exclude=["tok2vec", "tagger", "parser", "ner", "attribute_ruler", "senter"],
            )
            lemmatizer: Any = nlp.get_pipe("lemmatizer")
            table = lemmatizer.lookups.get_table("lemma_exc")
            for pos in ("verb", "noun", "adj"):
                for form, lemmas in dict(table[pos]).items() if pos in table else ():
                    for lemma in lemmas:
                        exceptions.setdefault(str(lemma), set()).add(str(form).lower())
        except Exception:  # noqa: BLE001 - no table: the fixed irregular list still applies
            exceptions = {}
    return RelevanceFilter.from_lexicon(exceptions)


# ---- extraction, one process or many ----------------------------------------------------


def _language(article: Article, settings: Settings) -> str:
    if article.language:
        return article.language
    return detect_language(article.text, settings.min_language_chars) or "en"


def _screen(
    articles: list[Article], settings: Settings, keep: RelevanceFilter | None
) -> tuple[list[ArticleResult | None], list[Article]]:
    """Results for the articles the filter settles (None where the pipeline must run)."""
    slots: list[ArticleResult | None] = []
    todo: list[Article] = []
    for article in articles:
        if keep is not None:
            language = _language(article, settings)
            if language == "en" and not keep(article.text[: settings.max_extract_chars]):
                slots.append(
                    ArticleResult(
                        article=article.model_copy(update={"language": "en"}),
                        status="no_incident",
                        message=NO_INCIDENT_MESSAGE,
                    )
                )
                continue
            if article.language != language:  # the extractor would detect it again
                article = article.model_copy(update={"language": language})
        slots.append(None)
        todo.append(article)
    return slots, todo


def _screened(
    articles: Iterable[Article],
    settings: Settings,
    keep: RelevanceFilter | None,
    stats: StreamStats,
) -> Iterator[tuple[list[ArticleResult | None], list[Article]]]:
    """Screen the stream a chunk at a time, and group the chunks so that each group gives
    the pipeline about a full batch to parse: with the filter on, a chunk of 32 articles
    leaves two or three to parse, and ``nlp.pipe`` costs far more per text on tiny batches.
    A group holds at most ``_HOLD_BATCHES`` chunks, so memory stays bounded when few pass."""
    group_slots: list[ArticleResult | None] = []
    group_todo: list[Article] = []
    hold = _HOLD_BATCHES * settings.batch_size
    for chunk in _chunks(articles, settings.batch_size):
        slots, todo = _screen(chunk, settings, keep)
        stats.add(len(chunk), len(todo))
        group_slots.extend(slots)
        group_todo.extend(todo)
        if len(group_todo) >= settings.batch_size or len(group_slots) >= hold:
            yield group_slots, group_todo
            group_slots, group_todo = [], []
    if group_slots:
        yield group_slots, group_todo


def _merge(slots: list[ArticleResult | None], done: Iterable[ArticleResult]) -> list[ArticleResult]:
    it = iter(done)
    return [slot if slot is not None else next(it) for slot in slots]


@dataclass
class StreamStats:
    """What :func:`extract_stream` did so far: articles seen, parsed, settled by the filter."""

    articles: int = 0
    parsed: int = 0
    filtered: int = 0

    def add(self, seen: int, parsed: int) -> None:
        self.articles += seen
        self.parsed += parsed
        self.filtered += seen - parsed


# Worker-process state: the extractor is built once per process by the pool's initializer.
_WORKER: dict[str, Any] = {}


def _init_worker(settings_json: str) -> None:
    settings = Settings.model_validate_json(settings_json)
    extractor = Extractor(settings=settings)
    extractor.nlp  # noqa: B018 - load the pipeline now, not in the first batch
    _WORKER["extractor"] = extractor


def _extract_in_worker(articles_json: list[str]) -> list[str]:
    # Results travel as JSON: generic pydantic assertions (Assertion[EventType]) do not pickle.
    extractor: Extractor = _WORKER["extractor"]
    articles = [Article.model_validate_json(a) for a in articles_json]
    return [r.model_dump_json() for r in extractor.extract_articles(articles)]


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _mp_context() -> Any:
    # fork is the fastest start on Linux (and shares the imported modules); elsewhere the
    # platform default. Workers load the pipeline themselves either way.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def extract_stream(
    articles: Iterable[Article],
    *,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    workers: int = 1,
    prefilter: bool = True,
    stats: StreamStats | None = None,
) -> Iterator[ArticleResult]:
    """One :class:`ArticleResult` per article, in input order, holding a bounded number of
    batches in memory.

    ``workers > 1`` runs the pipeline in that many processes (each loads it once); at most
    two batches per worker are in flight. ``prefilter`` stores articles without any incident
    cue as ``no_incident`` without parsing them (see :class:`RelevanceFilter`); ``stats``
    counts them.
    """
    settings = settings or load_settings()
    stats = stats if stats is not None else StreamStats()
    keep = relevance_filter(settings.spacy_model) if prefilter else None
    if workers <= 1:
        local = extractor or Extractor(settings=settings)
        for slots, todo in _screened(articles, settings, keep, stats):
            yield from _merge(slots, local.extract_articles(todo) if todo else ())
        return
    pending: deque[tuple[list[ArticleResult | None], Future[list[str]] | None]] = deque()
    context = _mp_context()
    if context.get_start_method() == "fork":
        # Loaded once here, the pipeline is inherited by every forked worker (shared pages)
        # instead of being built again in each.
        pipeline_for(settings)
        settle_heap()  # before the fork: the workers then share these pages untouched
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(settings.model_dump_json(),),
    ) as pool:

        def drain(limit: int) -> Iterator[ArticleResult]:
            while len(pending) > limit:
                slots, future = pending.popleft()
                done = future.result() if future is not None else []
                yield from _merge(slots, (ArticleResult.model_validate_json(r) for r in done))

        for slots, todo in _screened(articles, settings, keep, stats):
            future = (
                pool.submit(_extract_in_worker, [a.model_dump_json() for a in todo])
                if todo
                else None
            )
            pending.append((slots, future))
            yield from drain(2 * workers)
        yield from drain(0)


# ---- ingest -----------------------------------------------------------------------------


def ingest(
    paths: Iterable[str | Path],
    store: IncidentStore,
    *,
    settings: Settings | None = None,
    extractor: Extractor | None = None,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
    prefilter: bool = True,
) -> IngestReport:
    """Read, extract, resolve and store; one transaction per batch.

    Already stored articles (same text or URL) are skipped before extraction, so re-running
    an ingest changes nothing and costs little, except that articles whose extraction failed
    (E011 time budget, a crash) are extracted again. ``workers`` processes run the pipeline
    (``default_workers()`` for all cores); the stored result is the same for any number.
    ``progress(n)`` is called as articles are settled (a :class:`ProgressMeter` adds rate
    and ETA).
    """
    settings = settings or load_settings()
    report = IngestReport(workers=max(1, workers))
    started = time.perf_counter()

    def fresh_articles() -> Iterator[Article]:
        for item in read_paths(paths, max_bytes=settings.max_article_bytes, encoding=encoding):
            if isinstance(item, ReadProblem):
                report.add_problem(item)
                continue
            report.read += 1
            if store.has_article(content_hash=item.content_hash):
                # stored already; one whose extraction failed is extracted again
                known = _stored_status(store, item.id) != "failed"
            else:
                known = item.url is not None and store.has_article(url=item.url)
            if known:
                report.summary.duplicates += 1
                if progress is not None:
                    progress(1)
                continue
            yield item

    stats = StreamStats()
    results = extract_stream(
        fresh_articles(),
        settings=settings,
        extractor=extractor,
        workers=workers,
        prefilter=prefilter,
        stats=stats,
    )
    save = _Saved()
    try:
        _save_in_batches(results, store, settings.batch_size, progress, saved=save)
    except KeyboardInterrupt:
        report.interrupted = True  # the store rolled back the batch in flight
    report.summary.merge(save.summary)
    report.filtered = stats.filtered
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Saved:
    summary: SaveSummary = field(default_factory=SaveSummary)


def _save_in_batches(
    results: Iterable[ArticleResult],
    store: IncidentStore,
    batch_size: int,
    progress: Callable[[int], None] | None,
    saved: _Saved | None = None,
) -> _Saved:
    """Resolve and save in input order, one transaction per batch. ``saved`` collects the
    counts as batches commit, so a caller still has them after an interruption."""
    resolver = IncidentResolver(store)
    saved = saved if saved is not None else _Saved()
    batch: list[ArticleResult] = []

    def flush() -> None:
        saved.summary.merge(
            store.save_results(batch, incident_of=resolver), max_entries=MAX_SUMMARY_ENTRIES
        )
        if progress is not None:
            progress(len(batch))
        batch.clear()

    for result in results:
        batch.append(result)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return saved


# ---- result partitions (Dask workers write them, ``incidex load`` reads them) ------------


def write_results(results: Iterable[ArticleResult], path: str | Path) -> int:
    """Write results as JSON Lines (one ``ArticleResult`` per line); returns the count.

    Written to a temporary name and renamed, so a reader never sees half a partition.
    """
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as fh:
        for result in results:
            fh.write(result.model_dump_json())
            fh.write("\n")
            count += 1
    partial.replace(target)
    return count


def _result_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    for path in paths:
        p = Path(path)
        if p.is_dir():
            yield from sorted(f for f in p.iterdir() if f.suffix == ".jsonl" and f.is_file())
        else:
            yield p


def read_results(paths: Iterable[str | Path]) -> Iterator[ArticleResult]:
    """Stream results back from :func:`write_results` files or folders of them (file names
    sorted, lines in order). Raises :class:`~incidex.errors.InputError` on a broken line."""
    from .errors import MalformedInputError

    for file in _result_files(paths):
        with file.open("rb") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                if len(line) > _MAX_RESULT_LINE:
                    raise MalformedInputError(
                        f"{file}:{number}: result line over {_MAX_RESULT_LINE} bytes.",
                        code="E006",
                        path=str(file),
                    )
                try:
                    yield ArticleResult.model_validate_json(line)
                except ValueError as exc:
                    raise MalformedInputError(
                        f"{file}:{number}: not an incidex result line "
                        f"({str(exc).splitlines()[0][:200]}).",
                        code="E006",
                        path=str(file),
                    ) from None


def load_results(
    paths: Iterable[str | Path],
    store: IncidentStore,
    *,
    settings: Settings | None = None,
    progress: Callable[[int], None] | None = None,
) -> IngestReport:
    """``incidex load``: save extracted results (partitions) into ``store``, resolving
    incidents in file and line order, as a local ingest of the same input would."""
    settings = settings or load_settings()
    report = IngestReport()
    started = time.perf_counter()

    def counted() -> Iterator[ArticleResult]:
        for result in read_results(paths):
            report.read += 1
            yield result

    save = _save_in_batches(counted(), store, settings.batch_size, progress)
    report.summary.merge(save.summary)
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
