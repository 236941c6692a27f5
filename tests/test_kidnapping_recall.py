"""Kidnappings that began long before the report: a victim still held or just freed is news
of the kidnapping (MUC-4 template-doc-part1 1.0 (6), new information on an older incident),
an old kidnapping recalled in a trial report is not. Texts in mixed and upper case."""

from __future__ import annotations

from typing import Any

import pytest


def _attack_types(nlp: Any, text: str) -> set[str]:
    from incidex.nlp.extract import extract

    result = extract(text, published="1990-01-22T12:00:00+00:00", source="Test Wire", nlp=nlp)
    return {a.normalized.name for r in result.incidents for a in r.types if a.normalized.attack}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "The police said the banker's son was freed today near the cemetery. "
        "He was kidnapped on 10 November by a drug gang.",
        "The rebels who kidnapped an Italian engineer on 10 November are demanding a "
        "ransom of $2 million for his release, a spokesman said.",
    ],
)
def test_a_kidnapping_still_told_of_its_captivity_is_news(nlp: Any, text: str, upper: bool) -> None:
    types = _attack_types(nlp, text.upper() if upper else text)
    assert "Hostage Taking (Kidnapping)" in types


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_an_old_kidnapping_recalled_at_a_trial_stays_background(nlp: Any, upper: bool) -> None:
    text = (
        "A banker's son was kidnapped on 10 November in the capital. "
        "Two men were charged today with the crime, a judge said."
    )
    assert _attack_types(nlp, text.upper() if upper else text) == set()
