"""Exports in the formats analysts use, and the JSON Lines import that reads one back.

``export(store, fmt, out, **filters)`` streams the incidents matching the filters (the same
filters as ``store.incidents``) to ``out`` in one of :data:`FORMATS`, one page of summaries
and one incident at a time, and returns an :class:`ExportSummary`. ``import_jsonl(path,
store)`` restores a ``jsonl`` export into a store. docs/exports.md describes every format
and every GTD / ACLED column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import IO

from ..errors import IncidexError
from ..model import Incident
from ..store import IncidentStore
from ._acled import ACLED_COLUMNS, write_acled
from ._common import DEFAULT_PAGE_SIZE, ExportFilters, ExportSummary, Output, iter_incidents
from ._common import open_output as _open_output
from ._csv import CSV_COLUMNS, write_csv
from ._geojson import write_geojson
from ._gtd import CLAIM_MODES, GTD_COLUMNS, write_gtd
from ._jsonl import ImportSummary, import_jsonl, write_jsonl

__all__ = [
    "ACLED_COLUMNS",
    "CLAIM_MODES",
    "CSV_COLUMNS",
    "FORMATS",
    "GTD_COLUMNS",
    "ExportFilters",
    "ExportSummary",
    "ImportSummary",
    "export",
    "import_jsonl",
]

FORMATS: tuple[str, ...] = ("jsonl", "csv", "gtd-csv", "acled-csv", "geojson", "stix")

_Writer = Callable[[Iterator[Incident], IO[str], ExportSummary], None]
_TABLE_WRITERS: dict[str, _Writer] = {
    "csv": write_csv,
    "gtd-csv": write_gtd,
    "acled-csv": write_acled,
    "geojson": write_geojson,
}


def export(
    store: IncidentStore,
    fmt: str,
    out: Output,
    *,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    type: str | None = None,
    group: str | None = None,
    min_killed: int | None = None,
    query: str | None = None,
    articles: bool = True,
    page_size: int = DEFAULT_PAGE_SIZE,
) -> ExportSummary:
    """Write the incidents matching the filters to ``out`` in format ``fmt``.

    ``out`` is a path (created or overwritten, UTF-8), or an open text or binary stream (left
    open). ``articles=False`` leaves the article lines (and their text) out of a ``jsonl``
    export. Incidents come oldest first, so two exports of the same data are identical
    (STIX bundles differ only in the bundle id and creation times).
    """
    if fmt not in FORMATS:
        raise IncidexError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    if page_size < 1:
        raise IncidexError(f"page_size must be 1 or more, not {page_size}.")
    filters = ExportFilters(country, since, until, type, group, min_killed, query)
    summary = ExportSummary(format=fmt)
    incidents = iter_incidents(store, filters, page_size=page_size)
    # csv needs newline="" so that its own \r\n line ends are written as they are.
    newline = "" if fmt.endswith("csv") else None
    with _open_output(out, newline=newline) as fh:
        if fmt == "jsonl":
            write_jsonl(store, incidents, fh, summary, articles=articles)
        elif fmt == "stix":
            # stix2 is only needed for this format: import it only when asked for.
            from ._stix import write_stix

            write_stix(incidents, fh, summary)
        else:
            _TABLE_WRITERS[fmt](incidents, fh, summary)
    return summary
