"""From articles to incident reports: language check, batching through ``nlp.pipe``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..config import Settings, load_settings
from ..errors import Errors
from ..ingest import clean_text, detect_language, parse_datetime
from ..model import Article, ArticleResult
from ._doc import ensure_extensions
from .pipeline import pipeline_for, settle_heap
from .truecase import WIRE_KEY, mostly_upper, truecase

__all__ = ["Extractor", "extract"]


class Extractor:
    """Runs the pipeline over a stream of articles; memory stays flat (one batch at a time)."""

    def __init__(self, nlp: Language | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self._nlp = nlp

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = pipeline_for(self.settings)
            settle_heap()
        return self._nlp

    def language_of(self, article: Article) -> str:
        if article.language:
            return article.language
        found = detect_language(article.text, self.settings.min_language_chars)
        return found or "en"

    def extract_articles(self, articles: Iterable[Article]) -> Iterator[ArticleResult]:
        """One :class:`ArticleResult` per article, in input order."""
        ensure_extensions()
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.settings.batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, articles: list[Article]) -> Iterator[ArticleResult]:
        results: list[ArticleResult | None] = []
        docs = []
        for article in articles:
            language = self.language_of(article)
            if language != "en":
                article = article.model_copy(update={"language": language})
                results.append(
                    ArticleResult(
                        article=article,
                        status="not_english",
                        message=f"[E010] {Errors.E010.format(lang=language)}",
                    )
                )
                continue
            article = article.model_copy(update={"language": "en"})
            text = article.text[: self.settings.max_extract_chars]
            # all-capitals wire copy: parse a truecased copy; offsets are the same
            wire = mostly_upper(text)
            doc = self.nlp.make_doc(truecase(text) if wire else text)
            doc.user_data[WIRE_KEY] = wire
            doc._.article = article
            docs.append(doc)
            results.append(None)
        parsed = iter(self._parse(docs))
        for result in results:
            if result is not None:
                yield result
                continue
            doc, failure = next(parsed)
            article = doc._.article
            if failure is not None:
                yield ArticleResult(article=article, status="failed", message=failure)
                continue
            incidents = doc._.incidents or []
            for index, report in enumerate(incidents):
                report.article_id = article.id
                report.index = index
            yield ArticleResult(
                article=article,
                status="extracted" if incidents else "no_incident",
                message=None if incidents else "no incident of political violence found",
                incidents=incidents,
            )

    def _parse(self, docs: list[Doc]) -> list[tuple[Doc, str | None]]:
        """Parse a batch; if a component fails, parse one by one so one bad text fails alone."""
        try:
            return self._run(docs)
        except Exception:  # noqa: BLE001 - a bug on one text must not lose the batch
            out: list[tuple[Doc, str | None]] = []
            for doc in docs:
                fresh = self.nlp.make_doc(doc.text)  # the failed batch left docs half-processed
                fresh._.article = doc._.article
                fresh.user_data[WIRE_KEY] = doc.user_data.get(WIRE_KEY)
                try:
                    out.extend(self._run([fresh]))
                except Exception as exc:  # noqa: BLE001
                    out.append((fresh, f"extraction failed: {type(exc).__name__}: {exc}"[:300]))
            return out

    def _run(self, docs: list[Doc]) -> list[tuple[Doc, str | None]]:
        """What ``nlp.pipe`` does, one component at a time, with a time budget per article.

        Components with a ``pipe`` method (spaCy's statistical ones, linear in the text, which
        ``max_extract_chars`` bounds) run batched as in ``nlp.pipe``; the rule components run
        per document and are timed, and an article that has used up ``max_extract_seconds``
        skips the rest and fails with E011. ``nlp.pipe`` cannot be stopped part-way from
        outside and threads cannot be killed, so the check sits between components.
        """
        limit = self.settings.max_extract_seconds
        spent = [0.0] * len(docs)
        stopped: list[str | None] = [None] * len(docs)
        size = len(docs) or 1
        for name, proc in self.nlp.pipeline:
            if hasattr(proc, "pipe"):
                docs = list(proc.pipe(docs, batch_size=size))
                continue
            for i, doc in enumerate(docs):
                if stopped[i] is not None:
                    continue
                started = time.perf_counter()
                docs[i] = proc(doc)
                spent[i] += time.perf_counter() - started
                if spent[i] > limit:
                    stopped[i] = Errors.E011.format(seconds=spent[i], component=name, limit=limit)
        return [
            (doc, None if why is None else f"[E011] {why}")
            for doc, why in zip(docs, stopped, strict=True)
        ]


def extract(
    text: str,
    published: dt.datetime | dt.date | str | None = None,
    source: str | None = None,
    *,
    url: str | None = None,
    title: str | None = None,
    nlp: Language | None = None,
) -> ArticleResult:
    """Extract incident reports from one text.

    ``published`` anchors relative dates ("on Friday"); ``source`` (the outlet) is the default
    speaker of what the text asserts. Returns a typed :class:`~incidex.model.ArticleResult`
    whose ``model_dump_json()`` is what ``incidex extract --json`` prints.
    """
    if isinstance(published, dt.date) and not isinstance(published, dt.datetime):
        published = dt.datetime.combine(published, dt.time())
    when = parse_datetime(published) if published is not None else None
    article = Article.from_text(
        clean_text(text), url=url, title=title, published=when, source=source
    )
    return next(Extractor(nlp=nlp).extract_articles([article]))
