"""Flat CSV: one row per incident, every :class:`~incidex.model.IncidentSummary` field."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import IO, Any

from ..model import Incident, IncidentSummary
from ._common import ExportSummary, safe_cell

__all__ = ["CSV_COLUMNS", "CsvRows", "write_csv"]

CSV_COLUMNS: tuple[str, ...] = tuple(IncidentSummary.model_fields)
LIST_SEPARATOR = "; "


class CsvRows:
    """A csv writer whose text cells are neutralised against spreadsheet formulas."""

    def __init__(self, out: IO[str], columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self._writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        self._writer.writerow(self.columns)

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow([_cell(row.get(c)) for c in self.columns])


def _cell(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    if hasattr(value, "value") and isinstance(value.value, str):  # enums
        value = value.value
    return safe_cell(value)


def write_csv(incidents: Iterator[Incident], out: IO[str], summary: ExportSummary) -> None:
    rows = CsvRows(out, CSV_COLUMNS)
    for incident in incidents:
        rows.write(dict(incident.summary))
        summary.incidents += 1
