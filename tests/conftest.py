"""Shared fixtures: the spaCy pipeline (loaded once), the shared evaluation data folder."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CROCUS = SHARED / "samples" / "crocus-city-hall.txt"


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    from incidex.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def crocus_text() -> str:
    if not CROCUS.exists():
        pytest.skip(f"{CROCUS} is absent: the shared sample data is not beside this checkout")
    return CROCUS.read_text(encoding="utf-8")
