"""The incidex database: articles, their incident reports and assertions, and incidents.

``Store`` is the SQLite implementation of :class:`IncidentStore`; ``PostgresStore`` is its
PostgreSQL twin (optional extra ``incidex[postgres]``). Type against the protocol and open
either with :func:`open_store`, which picks the backend from the ``db`` setting.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import StoreError
from ._base import (
    IncidentKey,
    IncidentOf,
    IncidentStore,
    LogEntry,
    MigrationRecord,
    SaveEntry,
    SaveSummary,
    SearchHit,
    StoreStats,
)
from ._postgres import PostgresStore, is_postgres_url, redact_url
from ._sql import SCHEMA_VERSION
from ._sqlite import SQLiteStore, incident_id_for

Store = SQLiteStore


def open_store(url_or_path: str | Path) -> IncidentStore:
    """Open the store a ``db`` setting names: a ``postgresql://`` URL or a SQLite file path.

    The CLI calls ``open_store(load_settings(db=db).db)``. psycopg is imported only for a URL.
    """
    target = str(url_or_path)
    if is_postgres_url(target):
        return PostgresStore(target)
    if "://" in target:
        raise StoreError(
            f"{redact_url(target)}: unsupported database URL. Give a SQLite file path or a "
            "postgresql://user@host/database URL."
        )
    return SQLiteStore(target)


__all__ = [
    "SCHEMA_VERSION",
    "IncidentKey",
    "IncidentOf",
    "IncidentStore",
    "LogEntry",
    "MigrationRecord",
    "PostgresStore",
    "SQLiteStore",
    "SaveEntry",
    "SaveSummary",
    "SearchHit",
    "Store",
    "StoreStats",
    "incident_id_for",
    "is_postgres_url",
    "open_store",
]
