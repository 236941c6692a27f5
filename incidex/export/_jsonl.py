"""JSON Lines: the faithful export, and the import that reads it back.

The file holds two kinds of line, each a JSON object:

- ``{"type": "article", "article": {...}}``: an :class:`~incidex.model.Article` with its
  text, written just before the first incident that cites it;
- an :class:`~incidex.model.Incident` exactly as ``Incident.model_dump_json()`` writes it
  (keys ``summary``, ``reports``, ``articles``).

A reader that wants incidents only keeps the lines without a ``"type"`` key. With
``articles=False`` the article lines are left out: the file is smaller, but
:func:`import_jsonl` then cannot restore the reports (a report is stored with its article).
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from ..errors import FileMissingError, MalformedInputError, NotFoundError, TooLargeError
from ..model import Article, ArticleResult, Incident, IncidentReport
from ..store import IncidentStore, incident_id_for
from ._common import ExportSummary

__all__ = ["ImportSummary", "import_jsonl", "write_jsonl"]

# One line holds one incident with all its reports, or one article: bound it generously.
MAX_LINE_BYTES = 64 * 1024 * 1024
# Articles saved per transaction on import.
_BATCH = 50
# Parsed incident lines kept while gathering an article's reports (articles usually cite
# consecutive incidents).
_CACHE = 16


def write_jsonl(
    store: IncidentStore,
    incidents: Iterator[Incident],
    out: IO[str],
    summary: ExportSummary,
    *,
    articles: bool = True,
) -> None:
    written: set[str] = set()  # article ids only: bounded by the number of articles
    for incident in incidents:
        if articles:
            for ref in incident.articles:
                if ref.id in written:
                    continue
                article = store.article(ref.id)
                line = {"type": "article", "article": article.model_dump(mode="json")}
                out.write(json.dumps(line, ensure_ascii=False))
                out.write("\n")
                written.add(ref.id)
                summary.articles += 1
        out.write(incident.model_dump_json())
        out.write("\n")
        summary.incidents += 1


@dataclass(slots=True)
class ImportSummary:
    """What :func:`import_jsonl` did.

    ``articles`` were stored, ``duplicates`` were already in the store (their reports are not
    added again); ``reports`` were stored; ``incidents`` are the incidents of the file now in
    the store; ``relinked`` reports were moved to the incident id the file gives; ``errors``
    are coded messages for lines that were skipped.
    """

    articles: int = 0
    duplicates: int = 0
    reports: int = 0
    incidents: int = 0
    relinked: int = 0
    reports_without_article: int = 0
    skipped_lines: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Index:
    """Pass one: where each article line is, which incident lines hold its reports."""

    article_at: dict[str, int] = field(default_factory=dict)
    incidents_of: dict[str, list[int]] = field(default_factory=dict)  # article id -> offsets
    target: dict[str, str] = field(default_factory=dict)  # report id -> incident id
    incident_ids: list[str] = field(default_factory=list)


def _lines(fh: IO[bytes], path: str, summary: ImportSummary) -> Iterator[tuple[int, int, bytes]]:
    """(offset, line number, bytes) of each non-blank line; over-long lines are skipped."""
    number = 0
    while True:
        offset = fh.tell()
        raw = fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            err = TooLargeError.make(
                "E009", path=f"{path}: line {number}", size=len(raw), limit=MAX_LINE_BYTES
            )
            summary.errors.append(str(err))
            summary.skipped_lines += 1
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = fh.readline(MAX_LINE_BYTES)
            continue
        if raw.strip():
            yield offset, number, raw


def _parse(raw: bytes) -> Article | Incident:
    obj: Any = json.loads(raw)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    if obj.get("type") == "article":
        return Article.model_validate(obj.get("article"))
    if "summary" in obj:
        return Incident.model_validate(obj)
    raise ValueError("neither an article line nor an incident line")


def _malformed(path: str, number: int, exc: Exception) -> str:
    detail = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
    return str(MalformedInputError.make("E006", path=path, line=number, detail=detail))


def _index(fh: IO[bytes], path: str, summary: ImportSummary) -> _Index:
    index = _Index()
    for offset, number, raw in _lines(fh, path, summary):
        try:
            record = _parse(raw)
        except (ValueError, ValidationError) as exc:
            summary.errors.append(_malformed(path, number, exc))
            summary.skipped_lines += 1
            continue
        if isinstance(record, Article):
            index.article_at.setdefault(record.id, offset)
            continue
        index.incident_ids.append(record.id)
        for report in record.reports:
            index.target[report.id] = record.id
            offsets = index.incidents_of.setdefault(report.article_id, [])
            if offset not in offsets:
                offsets.append(offset)
    return index


def _read_at(fh: IO[bytes], offset: int) -> Article | Incident:
    fh.seek(offset)
    return _parse(fh.readline(MAX_LINE_BYTES + 1))


def import_jsonl(path: str | os.PathLike[str], store: IncidentStore) -> ImportSummary:
    """Read a JSON Lines export back into a store: same articles, reports and incident ids.

    Two passes over the file keep memory bounded by one batch of articles: the first indexes
    where each article and incident line is, the second stores each article with all its
    reports (gathered from the incident lines that cite it). A report whose incident id is not
    the one the store would found is stored, then moved with ``store.relink(..., create=True)``.
    Importing into a store that already holds some of the articles skips those (duplicates).
    """
    p = Path(path)
    if not p.is_file():
        raise FileMissingError.make("E001", path=p)
    summary = ImportSummary()
    name = str(p)
    with p.open("rb") as fh:
        index = _index(fh, name, summary)
        importer = _Importer(store, index, summary)
        batch: list[ArticleResult] = []
        for article_id, offset in index.article_at.items():
            offsets = index.incidents_of.get(article_id)
            if not offsets:
                continue  # an article no exported incident cites: nothing to attach
            article = _read_at(fh, offset)
            assert isinstance(article, Article)
            reports = importer.reports_of(fh, article_id, offsets)
            batch.append(ArticleResult(article=article, status="extracted", incidents=reports))
            if len(batch) >= _BATCH:
                importer.save(batch)
                batch = []
        if batch:
            importer.save(batch)
        missing = set(index.incidents_of) - set(index.article_at)
        for article_id in missing:
            summary.reports_without_article += sum(
                1 for rid, _ in _reports_in(fh, index.incidents_of[article_id], article_id)
            )
        if missing:
            summary.errors.append(
                f"{name}: {len(missing)} article(s) cited by incidents have no article line "
                "(exported with articles=False?); their reports were not imported."
            )
    importer.relink()
    summary.incidents = sum(1 for i in dict.fromkeys(index.incident_ids) if importer.exists(i))
    return summary


def _reports_in(
    fh: IO[bytes], offsets: list[int], article_id: str
) -> Iterator[tuple[str, IncidentReport]]:
    for offset in offsets:
        record = _read_at(fh, offset)
        if isinstance(record, Incident):
            for report in record.reports:
                if report.article_id == article_id:
                    yield report.id, report


class _Importer:
    def __init__(self, store: IncidentStore, index: _Index, summary: ImportSummary) -> None:
        self.store = store
        self.index = index
        self.summary = summary
        self.known: set[str] = set()
        self.pending: list[tuple[str, str]] = []  # (report id, incident id) to relink
        self.cache: OrderedDict[int, Incident] = OrderedDict()

    def reports_of(
        self, fh: IO[bytes], article_id: str, offsets: list[int]
    ) -> list[IncidentReport]:
        found: dict[str, IncidentReport] = {}
        for offset in offsets:
            incident = self.cache.get(offset)
            if incident is None:
                record = _read_at(fh, offset)
                assert isinstance(record, Incident)
                incident = record
                self.cache[offset] = incident
                if len(self.cache) > _CACHE:
                    self.cache.popitem(last=False)
            for report in incident.reports:
                if report.article_id == article_id:
                    found.setdefault(report.id, report)
        return sorted(found.values(), key=lambda r: r.index)

    def exists(self, incident_id: str) -> bool:
        if incident_id in self.known:
            return True
        try:
            self.store.incident(incident_id)
        except NotFoundError:
            return False
        self.known.add(incident_id)
        return True

    def incident_of(self, report: IncidentReport) -> str | None:
        wanted = self.index.target.get(report.id)
        if wanted is None:
            return None
        if self.exists(wanted):
            return wanted
        if incident_id_for(report) == wanted:
            self.known.add(wanted)  # the store founds it under the same id
            return None
        # The incident was renamed or split off: found a temporary one, relink after.
        self.pending.append((report.id, wanted))
        return None

    def save(self, batch: list[ArticleResult]) -> None:
        result = self.store.save_results(batch, incident_of=self.incident_of)
        self.summary.articles += result.stored
        self.summary.duplicates += result.duplicates
        self.summary.reports += result.reports

    def relink(self) -> None:
        for report_id, incident_id in self.pending:
            self.store.relink(report_id, incident_id, reason="import", create=True)
            self.known.add(incident_id)
            self.summary.relinked += 1
