"""An armed assault told beside an assassination: another act keeps its type, the killing
retold does not (the resolver's type hierarchy, docs/resolution.md). Texts in mixed and
upper case."""

from __future__ import annotations

from typing import Any

import pytest


def _attack_types(nlp: Any, text: str) -> set[str]:
    from incidex.nlp.extract import extract

    result = extract(text, published="1989-11-20T12:00:00+00:00", source="Test Wire", nlp=nlp)
    return {a.normalized.name for r in result.incidents for a in r.types if a.normalized.attack}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_an_assault_on_others_told_apart_keeps_its_type(nlp: Any, upper: bool) -> None:
    text = (
        "Terrorists machinegunned a bus near the capital on Monday. "
        "Later the terrorists killed the mayor of Usulutan."
    )
    types = _attack_types(nlp, text.upper() if upper else text)
    assert types == {"Armed Assault", "Assassination"}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        # the assassination's own sentence tells how the victim was killed
        "Gunmen shot and stabbed the mayor of Usulutan, who was assassinated on Monday.",
        # a wound of a bystander tells the same attack's harm, not another act
        "The mayor of Usulutan was assassinated on Monday. "
        "A man who tried to help him suffered a stab wound.",
        # the assault names whom the assassination names
        "Rebels machinegunned the mayor's house on Monday. "
        "Later they assassinated the mayor of Usulutan.",
    ],
)
def test_the_killing_retold_is_no_second_assault(nlp: Any, text: str, upper: bool) -> None:
    assert _attack_types(nlp, text.upper() if upper else text) == {"Assassination"}
