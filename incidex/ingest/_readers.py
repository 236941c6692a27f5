"""Readers that stream paths into :class:`~incidex.model.Article` records or read problems."""

from __future__ import annotations

import calendar
import codecs
import datetime as dt
import email.utils
import io
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import (
    EmptyInputError,
    EncodingError,
    FileMissingError,
    InputError,
    MalformedInputError,
    NoArticleError,
    TooLargeError,
)
from ..model import Article
from ._clean import MAX_CLEAN_CHARS, clean_text, html_to_text
from ._decode import binary_kind, bom_encoding, decode_bytes
from ._lang import detect_language

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadItem",
    "ReadProblem",
    "read_feed",
    "read_file",
    "read_html",
    "read_jsonl",
    "read_paths",
    "read_text",
    "parse_datetime",
    "sidecar_path",
]

DEFAULT_MAX_BYTES = 2_000_000
_HEAD_BYTES = 8_192  # enough to sniff the format and spot binary content
_CHUNK = 65_536  # read size when skipping over an overlong JSON line
_MAX_SIDECAR_BYTES = 65_536
_MAX_META_CHARS = 2_000  # titles, urls and outlet names longer than this are not metadata
_MIN_HTML_WORDS = 5  # fewer extracted words than this is a link list or a stub, not an article

_EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
}
_SIDECAR_SUFFIX = ".meta.json"


@dataclass(frozen=True)
class ReadProblem:
    """One input (file, JSON line or feed entry) that was skipped, and why."""

    path: str
    line: int | None  # 1-based JSON Lines line number or feed entry number, when relevant
    error: InputError

    @property
    def code(self) -> str:
        return self.error.code

    @property
    def message(self) -> str:
        return str(self.error)


ReadItem = Article | ReadProblem


# ---- small helpers ----------------------------------------------------------------------


def _problem(
    cls: type[InputError],
    code: str,
    path: str,
    line: int | None = None,
    where: str | None = None,
    **values: object,
) -> ReadProblem:
    # ``where`` names the spot in the message ("feed.xml#3") when the template has no line.
    error = cls.make(code, path=where or path, line=line, **values)
    assert isinstance(error, InputError)  # make() builds an instance of cls
    return ReadProblem(path=path, line=line, error=error)


def _meta_str(value: object) -> str | None:
    """A metadata value as one clean line, or None when missing or absurd."""
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    text = " ".join(clean_text(str(value)[: _MAX_META_CHARS * 2]).split())
    return text[:_MAX_META_CHARS] or None


def parse_datetime(value: object) -> dt.datetime | None:
    """ISO 8601 date or datetime ('Z' allowed) or an RFC 2822 date; None if neither."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    raw = value.strip()
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


def _article(
    text: str,
    *,
    origin: str,
    url: str | None = None,
    title: str | None = None,
    published: dt.datetime | None = None,
    source: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Article:
    article = Article.from_text(
        text,
        url=url,
        title=title,
        published=published,
        source=source,
        origin=origin,
        extra=extra,
    )
    article.language = detect_language(text)
    return article


def _limit(max_bytes: int) -> int:
    # Decoded text is never longer in characters than in bytes, so this keeps every text
    # within what clean_text accepts.
    return max(1, min(max_bytes, MAX_CLEAN_CHARS))


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(_HEAD_BYTES)


def _read_bounded(path: Path, max_bytes: int) -> bytes | None:
    """The whole file, or None if it grew past ``max_bytes`` since it was stat'ed."""
    with path.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    return None if len(data) > max_bytes else data


def _size_problem(path: Path, size: int, max_bytes: int) -> ReadProblem:
    return _problem(TooLargeError, "E009", str(path), size=size, limit=max_bytes)


def _checked_text(path: Path, max_bytes: int, encoding: str | None) -> str | ReadProblem:
    """Size, emptiness, binary and encoding checks shared by the whole-file readers."""
    name = str(path)
    size = path.stat().st_size
    if size > max_bytes:
        return _size_problem(path, size, max_bytes)
    data = _read_bounded(path, max_bytes)
    if data is None:
        return _size_problem(path, max_bytes + 1, max_bytes)
    if not data.strip():
        return _problem(EmptyInputError, "E003", name)
    kind = binary_kind(data[:_HEAD_BYTES])
    if kind is not None and encoding is None:
        return _problem(EmptyInputError, "E004", name, detail=kind)
    decoded = decode_bytes(data, encoding)
    if decoded.text is None:
        return _problem(EncodingError, "E002", name, detail=decoded.detail)
    return decoded.text


# ---- sidecar metadata -------------------------------------------------------------------


def sidecar_path(path: Path) -> Path:
    """``report.txt`` -> ``report.meta.json`` in the same folder."""
    return path.with_name(path.stem + _SIDECAR_SUFFIX)


def _read_sidecar(path: Path) -> dict[str, Any] | ReadProblem | None:
    meta = sidecar_path(path)
    if not meta.is_file():
        return None
    size = meta.stat().st_size
    if size > _MAX_SIDECAR_BYTES:
        return _size_problem(meta, size, _MAX_SIDECAR_BYTES)
    try:
        value = json.loads(meta.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return _problem(MalformedInputError, "E006", str(meta), line=1, detail=_json_detail(exc))
    if not isinstance(value, dict):
        return _problem(
            MalformedInputError, "E006", str(meta), line=1, detail="expected a JSON object"
        )
    return value


def _apply_meta(meta: dict[str, Any], fields: dict[str, Any], extra: dict[str, Any]) -> None:
    """Sidecar values override what was found in the file; unknown keys go to extra."""
    for key, value in meta.items():
        if key in ("url", "title", "source"):
            if _meta_str(value) is not None:
                fields[key] = _meta_str(value)
        elif key == "published":
            parsed = parse_datetime(value)
            if parsed is not None:
                fields["published"] = parsed
            elif value is not None:
                extra["published"] = value
        else:
            extra[key] = value


# ---- plain text -------------------------------------------------------------------------


def read_text(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[ReadItem]:
    """One article from a plain-text file.

    The title is not guessed from the first line; ``origin`` is the path and ``published``
    and ``source`` are None, unless a sidecar ``<stem>.meta.json`` lies beside the file
    (``report.txt`` -> ``report.meta.json``) holding a JSON object with any of ``url``,
    ``title``, ``published`` (ISO 8601 or RFC 2822) and ``source``; its other keys go to
    ``Article.extra``. A broken sidecar is reported (E006) and the text still read.
    """
    yield from _guarded(path, lambda p: _read_text(p, _limit(max_bytes), encoding))


def _read_text(path: Path, max_bytes: int, encoding: str | None) -> Iterator[ReadItem]:
    text = _checked_text(path, max_bytes, encoding)
    if isinstance(text, ReadProblem):
        yield text
        return
    cleaned = clean_text(text)
    if not cleaned:
        yield _problem(EmptyInputError, "E003", str(path))
        return
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    meta = _read_sidecar(path)
    if isinstance(meta, ReadProblem):
        yield meta
    elif meta is not None:
        _apply_meta(meta, fields, extra)
    yield _article(cleaned, origin=str(path), extra=extra, **fields)


# ---- HTML -------------------------------------------------------------------------------


def _date_params() -> dict[str, Any]:
    # trafilatura's own defaults, plus a time of day when the page gives one.
    return {
        "original_date": True,
        "extensive_search": True,
        "max_date": dt.date.today().isoformat(),
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }


def read_html(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[ReadItem]:
    """One article from a saved web page: main text and metadata by trafilatura, offline.

    title, date (-> published), sitename (-> source) and url come from the page's metadata;
    a ``<stem>.meta.json`` sidecar (see :func:`read_text`) overrides them. A page with no
    article text (index, login wall) is a read problem E005.
    """
    yield from _guarded(path, lambda p: _read_html(p, _limit(max_bytes), encoding))


def _read_html(path: Path, max_bytes: int, encoding: str | None) -> Iterator[ReadItem]:
    import trafilatura  # heavy import, only when HTML is read

    name = str(path)
    html = _checked_text(path, max_bytes, encoding)
    if isinstance(html, ReadProblem):
        yield html
        return
    try:
        # A string, never a URL: trafilatura then works on what it is given, no fetching.
        doc = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            date_extraction_params=_date_params(),
        )
    except Exception:  # noqa: BLE001 - a parser crash on odd markup is "no article" here
        doc = None
    raw = getattr(doc, "text", None) if doc is not None else None
    text = clean_text(raw) if isinstance(raw, str) else ""
    if len(text.split()) < _MIN_HTML_WORDS:
        yield _problem(NoArticleError, "E005", name)
        return
    fields: dict[str, Any] = {
        "title": _meta_str(getattr(doc, "title", None)),
        "url": _meta_str(getattr(doc, "url", None)),
        "source": _meta_str(getattr(doc, "sitename", None)),
        "published": parse_datetime(getattr(doc, "date", None)),
    }
    extra: dict[str, Any] = {}
    for key in ("author", "description", "hostname"):
        value = _meta_str(getattr(doc, key, None))
        if value is not None:
            extra[key] = value
    meta = _read_sidecar(path)
    if isinstance(meta, ReadProblem):
        yield meta
    elif meta is not None:
        _apply_meta(meta, fields, extra)
    yield _article(text, origin=name, extra=extra, **fields)


# ---- JSON Lines -------------------------------------------------------------------------


def _json_detail(exc: BaseException) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8: {exc.reason}"
    return str(exc)[:200]


def _bounded_lines(
    fh: IO[bytes] | IO[str], limit: int
) -> Iterator[tuple[int, bytes | str | None, int]]:
    """(line number, line or None if over ``limit``, length) without holding a long line.

    ``readline(limit + 1)`` never returns more than the bound; the rest of an overlong line is
    consumed in chunks and only counted.
    """
    number = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        number += 1
        size = len(line)
        if size > limit and not _ends_line(line):
            while True:
                rest = fh.readline(_CHUNK)
                size += len(rest)
                if not rest or _ends_line(rest):
                    break
            yield number, None, size
            continue
        yield number, line, size


def _ends_line(chunk: bytes | str) -> bool:
    return chunk.endswith(b"\n") if isinstance(chunk, bytes) else chunk.endswith("\n")


def _ascii_compatible(encoding: str) -> bool:
    try:
        return "\n{}".encode(encoding) == b"\n{}"
    except (LookupError, UnicodeEncodeError):
        return False


def read_jsonl(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[ReadItem]:
    """One article per JSON Lines record, streamed line by line.

    Known keys: ``text`` (required), ``url``, ``title``, ``published`` (ISO 8601 date or
    datetime, or RFC 2822; anything else stays in ``extra['published']`` and published is
    None) and ``source``; every other key is kept in ``Article.extra``. ``origin`` is
    ``path:LINE``. ``max_bytes`` bounds each line, not the file. Blank lines are skipped.
    """
    yield from _guarded(path, lambda p: _read_jsonl(p, _limit(max_bytes), encoding))


def _read_jsonl(path: Path, max_bytes: int, encoding: str | None) -> Iterator[ReadItem]:
    name = str(path)
    head = _read_head(path)
    if not head.strip():
        yield _problem(EmptyInputError, "E003", name)
        return
    bom = bom_encoding(head[:4])
    kind = binary_kind(head)
    if kind is not None and encoding is None:
        yield _problem(EmptyInputError, "E004", name, detail=kind)
        return
    line_codec = encoding or bom or "utf-8"
    if line_codec == "utf-8-sig":
        line_codec = "utf-8"
    try:
        codecs.lookup(line_codec)
    except LookupError:
        yield _problem(EncodingError, "E002", name, detail=f"unknown encoding {line_codec!r}")
        return
    text_mode = not _ascii_compatible(line_codec)
    with path.open("rb") as raw:
        fh: IO[bytes] | IO[str] = raw
        if text_mode:
            # UTF-16/32: decode a stream; the bound is then in characters, close enough.
            fh = io.TextIOWrapper(raw, encoding=line_codec, errors="strict", newline=None)
        elif bom == "utf-8-sig":
            raw.read(3)
        seen_any = False
        try:
            for number, line, size in _bounded_lines(fh, max_bytes):
                if line is None:
                    seen_any = True
                    yield _problem(
                        TooLargeError,
                        "E009",
                        name,
                        line=number,
                        where=f"{name}:{number}",
                        size=size,
                        limit=max_bytes,
                    )
                    continue
                item = _jsonl_record(name, number, line, line_codec)
                if item is not None:
                    seen_any = True
                    yield item
        except UnicodeDecodeError as exc:  # only in text mode (UTF-16/32 streams)
            yield _problem(EncodingError, "E002", name, detail=str(exc)[:200])
            return
    if not seen_any:
        yield _problem(EmptyInputError, "E003", name)


def _jsonl_record(name: str, number: int, line: bytes | str, codec: str) -> ReadItem | None:
    try:
        text = line.decode(codec) if isinstance(line, bytes) else line
        text = text.lstrip("\ufeff")  # a BOM left by a forced encoding
    except (UnicodeDecodeError, LookupError) as exc:
        return _problem(MalformedInputError, "E006", name, line=number, detail=_json_detail(exc))
    if not text.strip():
        return None
    try:
        record = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return _problem(MalformedInputError, "E006", name, line=number, detail=_json_detail(exc))
    if not isinstance(record, dict):
        return _problem(
            MalformedInputError,
            "E006",
            name,
            line=number,
            detail=f"expected an object, got {type(record).__name__}",
        )
    body = record.get("text")
    cleaned = clean_text(body) if isinstance(body, str) else ""
    if not cleaned:
        keys = ", ".join(sorted(str(k) for k in record)[:20]) or "none"
        return _problem(MalformedInputError, "E007", name, line=number, keys=keys)
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    _apply_meta({k: v for k, v in record.items() if k != "text"}, fields, extra)
    return _article(cleaned, origin=f"{name}:{number}", extra=extra, **fields)


# ---- RSS / Atom -------------------------------------------------------------------------


def _struct_to_datetime(value: object) -> dt.datetime | None:
    # feedparser normalises dates to UTC struct_time.
    if not isinstance(value, time.struct_time):
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), tz=dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_text(entry: Any) -> str:
    """The fullest body an entry has (content beats summary), as plain text."""
    candidates: list[tuple[str, str]] = []
    for content in entry.get("content") or []:
        candidates.append((str(content.get("value") or ""), str(content.get("type") or "")))
    summary = entry.get("summary")
    if summary:
        detail = entry.get("summary_detail") or {}
        candidates.append((str(summary), str(detail.get("type") or "text/html")))
    best = ""
    for value, kind in candidates:
        plain = html_to_text(value) if "html" in kind or "<" in value else value
        plain = clean_text(plain)
        if len(plain) > len(best):
            best = plain
    return best


def read_feed(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[ReadItem]:
    """One article per RSS/Atom entry, parsed by feedparser from the file's bytes.

    title, link (-> url), published or else updated (-> published, UTC), the entry's
    ``<source>`` title or else the feed title (-> source), content or else summary (-> text,
    HTML stripped). ``origin`` is ``path#N`` with N counting entries from 1; entry id and
    author go to ``extra``. An entry without summary or content is a read problem E007 with
    ``line`` = N; the other entries are still read. A file feedparser cannot parse into any
    entry is E008.
    """
    yield from _guarded(path, lambda p: _read_feed(p, _limit(max_bytes), encoding))


def _read_feed(path: Path, max_bytes: int, encoding: str | None) -> Iterator[ReadItem]:
    import feedparser

    name = str(path)
    size = path.stat().st_size
    if size > max_bytes:
        yield _size_problem(path, size, max_bytes)
        return
    data = _read_bounded(path, max_bytes)
    if data is None:
        yield _size_problem(path, max_bytes + 1, max_bytes)
        return
    if not data.strip():
        yield _problem(EmptyInputError, "E003", name)
        return
    kind = binary_kind(data[:_HEAD_BYTES])
    if kind is not None and encoding is None:
        yield _problem(EmptyInputError, "E004", name, detail=kind)
        return
    headers: dict[str, str] | None = None
    if encoding is not None:
        decoded = decode_bytes(data, encoding)
        if decoded.text is None:
            yield _problem(EncodingError, "E002", name, detail=decoded.detail)
            return
        # An HTTP-style charset outranks the XML declaration in feedparser.
        data = decoded.text.encode("utf-8")
        headers = {"content-type": "application/xml; charset=utf-8"}
    # Bytes, never a str: a str that looks like a URL would be fetched.
    parsed = feedparser.parse(data, response_headers=headers)
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo"):
            detail = str(parsed.get("bozo_exception") or "not XML")[:200]
        else:
            detail = "no entries" if parsed.get("version") else "not an RSS or Atom feed"
        yield _problem(MalformedInputError, "E008", name, detail=detail)
        return
    feed_title = _meta_str((parsed.get("feed") or {}).get("title"))
    for number, entry in enumerate(entries, start=1):
        text = _entry_text(entry)
        if not text:
            keys = ", ".join(sorted(str(k) for k in entry)[:20]) or "none"
            # E007's template speaks of JSON Lines; say what is missing from a feed entry.
            where = f"{name}#{number}"
            error = MalformedInputError(
                f"{where}: feed entry {number} has no summary or content (keys: {keys}); "
                "the entry was skipped.",
                code="E007",
                path=name,
            )
            yield ReadProblem(path=name, line=number, error=error)
            continue
        source_info = entry.get("source") or {}
        extra: dict[str, Any] = {}
        for key in ("id", "author"):
            value = _meta_str(entry.get(key))
            if value is not None:
                extra[key] = value
        published = _struct_to_datetime(entry.get("published_parsed")) or _struct_to_datetime(
            entry.get("updated_parsed")
        )
        yield _article(
            text,
            origin=f"{name}#{number}",
            url=_meta_str(entry.get("link")),
            title=_meta_str(entry.get("title")),
            published=published,
            source=_meta_str(source_info.get("title")) or feed_title,
            extra=extra,
        )


# ---- dispatch ---------------------------------------------------------------------------


def _sniff(path: Path, head: bytes) -> str:
    """The reader for a file: by extension when it has a known one, else by content."""
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension is not None:
        return by_extension
    bom = bom_encoding(head[:4])
    sample = head.decode(bom or "utf-8", errors="ignore") if bom != "utf-32" else ""
    start = sample.lstrip("\ufeff \t\r\n").lower()[:2048]
    if start.startswith("<?xml"):
        if "<rss" in start or "<feed" in start or "<rdf:rdf" in start:
            return "feed"
        return "html" if "<html" in start else "feed"
    if start.startswith(("<rss", "<feed", "<rdf:rdf")):
        return "feed"
    if start.startswith("<!doctype html") or "<html" in start[:1024]:
        return "html"
    if start.startswith("{"):
        return "jsonl"
    return "text"


_READERS = {
    "text": _read_text,
    "html": _read_html,
    "jsonl": _read_jsonl,
    "feed": _read_feed,
}


def read_file(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None
) -> Iterator[ReadItem]:
    """Articles from one file, the reader chosen by extension or else by sniffing content.

    ``.txt``/``.md`` text, ``.html``/``.htm`` HTML, ``.jsonl``/``.ndjson`` JSON Lines,
    ``.xml``/``.rss``/``.atom`` feeds, ``.parquet`` tables (needs pyarrow); other files
    by their first bytes (``<html`` or
    ``<!doctype html`` -> HTML, ``<rss``/``<feed`` -> feed, ``{`` -> JSON Lines, else text).
    Binary files (NUL bytes; PDF, PNG, ZIP, gzip ... signatures) are problems E004. A folder
    is read as by :func:`read_paths`.
    """
    p = Path(path)
    if p.is_dir():
        yield from read_paths([p], max_bytes=max_bytes, encoding=encoding)
        return
    yield from _guarded(p, lambda q: _dispatch(q, _limit(max_bytes), encoding))


def _dispatch(path: Path, max_bytes: int, encoding: str | None) -> Iterator[ReadItem]:
    if path.suffix.lower() == ".parquet":  # binary by design: no sniffing (incidex[parquet])
        from ._parquet import read_parquet

        yield from read_parquet(path, max_bytes, encoding)
        return
    head = _read_head(path)
    if not head:
        yield _problem(EmptyInputError, "E003", str(path))
        return
    kind = binary_kind(head)
    if kind is not None and encoding is None:
        yield _problem(EmptyInputError, "E004", str(path), detail=kind)
        return
    yield from _READERS[_sniff(path, head)](path, max_bytes, encoding)


def _guarded(path: str | Path, reader: Any) -> Iterator[ReadItem]:
    """Run a reader; a missing or unreadable file becomes a problem, never an exception."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        yield _problem(FileMissingError, "E001", name)
        return
    try:
        yield from reader(p)
    except FileNotFoundError:  # removed while being read
        yield _problem(FileMissingError, "E001", name)
    except OSError as exc:
        # No coded template fits "exists but cannot be read" (permissions, a device...).
        reason = exc.strerror or type(exc).__name__
        error = FileMissingError(f"{name}: cannot be read ({reason}).", code="E001", path=name)
        yield ReadProblem(path=name, line=None, error=error)


# A folder's own documentation (README.md, LICENSE...) describes the corpus; it is not one
# of its reports. Named explicitly, such a file is still read.
_FOLDER_DOCS = frozenset({"readme", "license", "licence", "changelog", "notice", "copying"})


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder`` in sorted order; hidden entries, symlinked folders, sidecar
    metadata files (``x.meta.json`` beside ``x.*``) and the folder's documentation files
    (README, LICENSE, CHANGELOG, NOTICE, COPYING, any extension) are skipped."""
    try:
        entries = sorted(folder.iterdir(), key=lambda e: e.name)
    except OSError:
        return
    names = {e.name for e in entries}
    stems = {e.name[: -len(e.suffix)] if e.suffix else e.name for e in entries}
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.name.split(".", 1)[0].lower() in _FOLDER_DOCS and not entry.is_dir():
            continue
        if entry.is_dir():
            if not entry.is_symlink():
                yield from _walk(entry)
            continue
        if entry.name.endswith(_SIDECAR_SUFFIX):
            stem = entry.name[: -len(_SIDECAR_SUFFIX)]
            if stem in stems or stem in names:
                continue
        yield entry


def read_paths(
    paths: Iterable[str | Path] | str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    encoding: str | None = None,
) -> Iterator[ReadItem]:
    """Stream articles and read problems from files and folders (recursively, sorted).

    Nothing read is kept in memory beyond one file (one line for JSON Lines); every failure
    is yielded as a :class:`ReadProblem` and the rest of the batch is still read.
    """
    if isinstance(paths, (str, Path)):  # one path, not an iterable of characters
        paths = [paths]
    for path in paths:
        p = Path(path)
        if not os.path.lexists(p):
            yield _problem(FileMissingError, "E001", str(path))
        elif p.is_dir():
            for file in _walk(p):
                yield from read_file(file, max_bytes=max_bytes, encoding=encoding)
        else:
            yield from read_file(p, max_bytes=max_bytes, encoding=encoding)
