"""The incidex database: articles, their incident reports and assertions, and incidents.

``Store`` is the SQLite implementation of :class:`IncidentStore`; type against the
protocol so a PostgreSQL store with the same schema can stand in later.
"""

from __future__ import annotations

from ._base import (
    IncidentOf,
    IncidentStore,
    MigrationRecord,
    SaveEntry,
    SaveSummary,
    SearchHit,
    StoreStats,
)
from ._sql import SCHEMA_VERSION
from ._sqlite import SQLiteStore, incident_id_for

Store = SQLiteStore

__all__ = [
    "SCHEMA_VERSION",
    "IncidentOf",
    "IncidentStore",
    "MigrationRecord",
    "SQLiteStore",
    "SaveEntry",
    "SaveSummary",
    "SearchHit",
    "Store",
    "StoreStats",
    "incident_id_for",
]
