"""Kidnappings: one that began long before the report is news while its victim is held or
just freed (MUC-4 template-doc-part1 1.0 (6), new information on an older incident), not
when a trial report recalls it; a claim report keeps one within two months of the article
(template-doc-part1, 6); a siege is a KIDNAPPING only where people are held; the
kidnapping of other people than those held so far is another kidnapping. Texts in mixed
and upper case."""

from __future__ import annotations

from typing import Any

import pytest
from _records import said, sentence_of

from incidex.evaluate._predict import incident_type_of, split_incidents
from incidex.model import Assertion, EventType, IncidentReport, Victim


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


_KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)


def _taken_report(text: str, words: list[str], victims: dict[str, Victim]) -> IncidentReport:
    """A kidnapping report of ``text``: a kidnapping type at each of ``words`` (in text
    order, each found after the one before) and the ``victims`` (mention -> record)."""

    def at(part: str, after: int = 0) -> Assertion[Any]:
        start = text.index(part, after)
        return said(text[start:], "types", part, _KIDNAPPING).model_copy(
            update={
                "start": start,
                "end": start + len(part),
                "sentence": sentence_of(text, text[start:]),
            }
        )

    types: list[Assertion[Any]] = []
    for word in words:
        types.append(at(word, types[-1].end if types else 0))
    return IncidentReport(
        article_id="a0",
        types=types,
        victims=[said(text, "victims", m, v) for m, v in victims.items()],
    )


def _names(*names: str) -> Victim:
    return Victim(names=list(names), fate="kidnapped")


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "words", "victims", "expected"),
    [
        # another named person taken: another kidnapping (at another time)
        (
            "Guerrillas kidnapped the banker Pedro Ruiz on Monday. Police believe the same "
            "gang kidnapped the publisher Ana Torres last year.",
            ["kidnapped", "kidnapped"],
            {"Pedro Ruiz": _names("Pedro Ruiz"), "Ana Torres": _names("Ana Torres")},
            [["Pedro Ruiz"], ["Ana Torres"]],
        ),
        # the same person told again
        (
            "Guerrillas kidnapped the banker Pedro Ruiz on Monday. Mr Ruiz was kidnapped as he "
            "left his office.",
            ["kidnapped", "kidnapped"],
            {"Pedro Ruiz": _names("Pedro Ruiz"), "Mr Ruiz": _names("Ruiz")},
            [["Pedro Ruiz", "Mr Ruiz"]],
        ),
        # a mention referring back is nobody new
        (
            "Guerrillas kidnapped the banker Pedro Ruiz on Monday. His driver was also kidnapped.",
            ["kidnapped", "kidnapped"],
            {"Pedro Ruiz": _names("Pedro Ruiz"), "His driver": Victim(description="his driver")},
            [["Pedro Ruiz", "His driver"]],
        ),
        # the names of the people counted before
        (
            "Gunmen kidnapped two engineers near the dam. Those kidnapped were Pedro Ruiz and "
            "Ana Torres.",
            ["kidnapped", "kidnapped"],
            {
                "two engineers": Victim(description="two engineers", count=2),
                "Pedro Ruiz": _names("Pedro Ruiz"),
                "Ana Torres": _names("Ana Torres"),
            },
            [["two engineers", "Pedro Ruiz", "Ana Torres"]],
        ),
        # a person named far from the kidnapping word is not told as taken
        (
            "Guerrillas kidnapped the banker Pedro Ruiz on Monday. The kidnappers phoned the "
            "newspaper owned by his friend and partner Ana Torres.",
            ["kidnapped", "kidnappers"],
            {"Pedro Ruiz": _names("Pedro Ruiz"), "Ana Torres": _names("Ana Torres")},
            [["Pedro Ruiz", "Ana Torres"]],
        ),
    ],
)
def test_a_kidnapping_of_other_people_is_another_kidnapping(
    text: str, words: list[str], victims: dict[str, Victim], expected: list[list[str]], upper: bool
) -> None:
    if upper:
        text, words = text.upper(), [w.upper() for w in words]
        victims = {m.upper(): v for m, v in victims.items()}
        expected = [[m.upper() for m in part] for part in expected]
    parts = split_incidents(_taken_report(text, words, victims))
    assert [[a.value for a in part.victims] for part in parts] == expected
    assert all(incident_type_of(part) == "kidnapping" for part in parts)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("second", "victim", "parts"),
    [
        # someone held already is named: the same kidnapping, whatever sets the sentence apart
        (
            "Meanwhile, police said Ruiz and his driver were abducted near the airport.",
            "his driver",
            1,
        ),
        ("Meanwhile, police said a driver was abducted near the airport.", "a driver", 2),
    ],
)
def test_a_kidnapping_told_again_of_someone_held_is_the_same(
    second: str, victim: str, parts: int, upper: bool
) -> None:
    text = f"Gunmen kidnapped the mayor Pedro Ruiz in Lima. {second}"
    victims = {"Pedro Ruiz": _names("Pedro Ruiz"), victim: Victim(description=victim)}
    words = ["kidnapped", "abducted"]
    if upper:
        text, words = text.upper(), [w.upper() for w in words]
        victims = {m.upper(): v for m, v in victims.items()}
    # no split model: the cue "meanwhile" sets the sentence apart
    assert len(split_incidents(_taken_report(text, words, victims))) == parts
