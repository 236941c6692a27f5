"""Parquet corpora (optional extra ``incidex[parquet]``: pyarrow), read in row batches.

A Parquet file holds one article per row with the JSON Lines keys as columns: ``text``
(required), ``url``, ``title``, ``published`` (a timestamp, or an ISO 8601 / RFC 2822 string)
and ``source``; other columns go to ``Article.extra``. Only one row batch is in memory at a
time, so a corpus far larger than memory streams through.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import EmptyInputError, MalformedInputError, TooLargeError
from ._clean import clean_text
from ._readers import ReadItem, _apply_meta, _article, _problem

__all__ = ["BATCH_ROWS", "parquet_rows", "read_parquet", "write_parquet"]

BATCH_ROWS = 512  # rows per pyarrow batch: a few MB of text, whatever the file size
_INSTALL = 'Reading Parquet needs pyarrow: pip install "incidex[parquet]" (or pyarrow).'


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        return None
    return pq


def parquet_rows(path: str | Path) -> int:
    """Rows in a Parquet file, from its footer (no data read)."""
    pq = _pyarrow_parquet()
    if pq is None:
        raise ValueError(_INSTALL)
    return int(pq.ParquetFile(str(path)).metadata.num_rows)


def _jsonable(value: Any) -> Any:
    """Column values as JSON-friendly values for ``Article.extra`` (stored as JSON)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value[:65_536]).decode("ascii")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def read_parquet(path: Path, max_bytes: int, encoding: str | None = None) -> Iterator[ReadItem]:
    """One article per row; ``origin`` is ``path:ROW`` (1-based). ``max_bytes`` bounds each
    row's text; ``encoding`` is ignored (Parquet strings are UTF-8)."""
    name = str(path)
    pq = _pyarrow_parquet()
    if pq is None:
        yield _problem(MalformedInputError, "E008", name, detail=_INSTALL)
        return
    try:
        handle = pq.ParquetFile(name)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a bad file
        yield _problem(MalformedInputError, "E008", name, detail=str(exc)[:200])
        return
    if "text" not in handle.schema_arrow.names:
        keys = ", ".join(handle.schema_arrow.names[:20]) or "none"
        yield _problem(MalformedInputError, "E007", name, line=1, keys=keys)
        return
    if handle.metadata.num_rows == 0:
        yield _problem(EmptyInputError, "E003", name)
        return
    row = 0
    for batch in handle.iter_batches(batch_size=BATCH_ROWS):
        for record in batch.to_pylist():
            row += 1
            yield from _row(name, row, record, max_bytes)


def _row(name: str, row: int, record: dict[str, Any], max_bytes: int) -> Iterator[ReadItem]:
    body = record.get("text")
    where = f"{name}:{row}"
    if isinstance(body, str) and len(body.encode("utf-8", "ignore")) > max_bytes:
        size = len(body.encode("utf-8", "ignore"))
        yield _problem(
            TooLargeError, "E009", name, line=row, where=where, size=size, limit=max_bytes
        )
        return
    cleaned = clean_text(body) if isinstance(body, str) else ""
    if not cleaned:
        keys = ", ".join(sorted(str(k) for k in record)[:20]) or "none"
        yield _problem(MalformedInputError, "E007", name, line=row, keys=keys)
        return
    fields: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    meta = {k: _jsonable(v) for k, v in record.items() if k != "text" and v is not None}
    if isinstance(record.get("published"), dt.datetime):
        meta["published"] = record["published"]  # keep the timestamp, not its string
    _apply_meta(meta, fields, extra)
    yield _article(cleaned, origin=where, extra=extra, **fields)


def write_parquet(records: Iterator[dict[str, Any]], path: str | Path, rows: int = 10_000) -> int:
    """Write JSON-Lines-style records (``text``, ``url``, ...) to a Parquet file in row
    groups of ``rows``, holding one group at a time. Returns the number of rows."""
    pq = _pyarrow_parquet()
    if pq is None:
        raise ValueError(_INSTALL)
    import pyarrow as pa

    writer = None
    count = 0
    group: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal writer
        table = pa.Table.from_pylist(group)
        if writer is None:
            writer = pq.ParquetWriter(str(path), table.schema)
        writer.write_table(table.cast(writer.schema))
        group.clear()

    try:
        for record in records:
            group.append(record)
            count += 1
            if len(group) >= rows:
                flush()
        if group:
            flush()
    finally:
        if writer is not None:
            writer.close()
    return count
