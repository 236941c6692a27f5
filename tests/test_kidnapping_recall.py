"""Kidnappings: one that began long before the report is news while its victim is held or
just freed (MUC-4 template-doc-part1 1.0 (6), new information on an older incident), not
when a trial report recalls it; a claim report keeps one within two months of the article
(template-doc-part1, 6); a siege is a KIDNAPPING only where people are held. Texts in
mixed and upper case."""

from __future__ import annotations

from typing import Any

import pytest
from _records import said

from incidex.evaluate._predict import incident_type_of
from incidex.model import EventType, IncidentReport


def _attack_types(nlp: Any, text: str) -> set[str]:
    """The attack types extracted from ``text``, an article of 22 January 1990."""
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
def test_a_kidnapping_whose_victim_was_released_is_news(nlp: Any, upper: bool) -> None:
    text = "The engineer who was kidnapped on 10 November by a drug gang was released today."
    types = _attack_types(nlp, text.upper() if upper else text)
    assert "Hostage Taking (Kidnapping)" in types


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "said",
    [
        "a judge said.",
        # "released" of a statement, not of the victim: the trial still recalls an old kidnapping
        "a judge said in a statement released today.",
    ],
)
def test_an_old_kidnapping_recalled_at_a_trial_stays_background(
    nlp: Any, said: str, upper: bool
) -> None:
    text = (
        "A banker's son was kidnapped on 10 November in the capital. "
        f"Two men were charged today with the crime, {said}"
    )
    assert _attack_types(nlp, text.upper() if upper else text) == set()


# no ransom, captivity or release told: the kidnapping is kept for its date alone
_CLAIM = (
    "The National Liberation Army, which kidnapped businessman Pablo Ruiz on {day} in Quito,"
    " has claimed responsibility in a communique."
)


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("day", "kept"),
    [
        # 33 days before the article: recent, though more than 30 days
        ("20 December", True),
        # three months before: the claim recalls an old kidnapping
        ("20 October", False),
    ],
)
def test_a_kidnapping_claimed_within_two_months_is_recent(
    nlp: Any, day: str, kept: bool, upper: bool
) -> None:
    text = _CLAIM.format(day=day)
    types = _attack_types(nlp, text.upper() if upper else text)
    assert ("Hostage Taking (Kidnapping)" in types) is kept


_BARRICADE = EventType(name="Hostage Taking (Barricade Incident)", gtd_code=5)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        # a siege or a barricade that holds no one is no KIDNAPPING (template-doc-part2, 4)
        ("Rebels laid siege to the police garrison in the town.", "siege", "attack"),
        ("Students denounced the siege on the national university.", "siege", "attack"),
        # people held: a hostage siege
        ("Gunmen kept ten hostages during the siege of the embassy.", "siege", "kidnapping"),
        ("The kidnapped diplomats were freed when the siege ended.", "siege", "kidnapping"),
    ],
)
def test_a_siege_is_a_kidnapping_only_where_people_are_held(
    text: str, word: str, expected: str, upper: bool
) -> None:
    if upper:
        text, word = text.upper(), word.upper()
    report = IncidentReport(article_id="a0", types=[said(text, "types", word, _BARRICADE)])
    assert incident_type_of(report) == expected
