"""incidex: sourced incident records from reports on terrorism and political violence.

The public API is re-exported here; heavy modules (spaCy, the store) load on first use, so
``import incidex`` and ``incidex --help`` stay fast.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from .errors import IncidexError
from .model import (
    Article,
    ArticleResult,
    Assertion,
    Incident,
    IncidentReport,
    IncidentSummary,
    Stance,
)

try:
    __version__ = version("incidex")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0"

_LAZY = {
    "Extractor": "incidex.nlp.extract",
    "extract": "incidex.nlp.extract",
    "ingest": "incidex.jobs",
    "open_store": "incidex.store",
    "Store": "incidex.store",
}

__all__ = [
    "Article",
    "ArticleResult",
    "Assertion",
    "Extractor",
    "Incident",
    "IncidentReport",
    "IncidentSummary",
    "IncidexError",
    "Stance",
    "Store",
    "__version__",
    "extract",
    "ingest",
    "open_store",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'incidex' has no attribute {name!r}")
