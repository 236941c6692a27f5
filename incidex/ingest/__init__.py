"""Input readers: files, folders, JSON Lines and feeds in, :class:`~incidex.model.Article` out.

::

    for item in read_paths(["reports/", "wire.jsonl"]):
        if isinstance(item, ReadProblem):
            print(item.error)          # "[E006] wire.jsonl: line 7 is not a valid JSON object ..."
        else:
            handle(item)               # an Article, text cleaned, language set

Formats: plain text, HTML (trafilatura, offline), JSON Lines and RSS/Atom (feedparser).
Every article's text goes through :func:`clean_text` before it is hashed, so content hashes
and every character offset later computed refer to the cleaned text. Inputs that cannot be
read are yielded as :class:`ReadProblem` records (codes E001-E009) and never stop a batch.
"""

from __future__ import annotations

from ._clean import clean_text, html_to_text
from ._lang import detect_language
from ._readers import (
    DEFAULT_MAX_BYTES,
    ReadItem,
    ReadProblem,
    parse_datetime,
    read_feed,
    read_file,
    read_html,
    read_jsonl,
    read_paths,
    read_text,
    sidecar_path,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "ReadItem",
    "ReadProblem",
    "clean_text",
    "detect_language",
    "html_to_text",
    "parse_datetime",
    "read_feed",
    "read_file",
    "read_html",
    "read_jsonl",
    "read_paths",
    "read_text",
    "sidecar_path",
]
