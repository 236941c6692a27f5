"""A kidnapping in which people are killed or wounded is an ATTACK too (MUC-4 mapping)."""

from __future__ import annotations

import pytest
from _records import said

from incidex.evaluate._gtt import PredTemplate
from incidex.evaluate._predict import to_gtt_templates
from incidex.model import (
    Article,
    ArticleResult,
    EventType,
    IncidentReport,
    Perpetrator,
    Victim,
)

_KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)
_ASSAULT = EventType(name="Armed Assault", gtd_code=2)


def _templates(
    text: str, types: list[tuple[str, EventType]], victims: list[tuple[str, Victim]]
) -> list[PredTemplate]:
    report = IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in types],
        perpetrators=[said(text, "perpetrators", text.split()[0], Perpetrator(group="MRTA"))],
        victims=[said(text, "victims", word, victim) for word, victim in victims],
    )
    article = Article.from_text(text, source="Test Wire")
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return to_gtt_templates(result, tagger=False)


def _types(templates: list[PredTemplate]) -> list[str]:
    return [t.incident_type for t in templates]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("fate", ["killed", "wounded"])
def test_a_kidnapping_that_kills_or_wounds_is_an_attack_too(fate: str, upper: bool) -> None:
    text = f"MRTA rebels kidnapped the businessman in Lima on Monday. His driver was {fate}."
    text = text.upper() if upper else text
    case = str.upper if upper else str
    templates = _templates(
        text,
        [(case("kidnapped"), _KIDNAPPING)],
        [
            (case("the businessman"), Victim(description="businessman", fate="kidnapped")),
            (case("His driver"), Victim(description="driver", fate=fate)),  # type: ignore[arg-type]
        ],
    )
    assert _types(templates) == ["kidnapping", "attack"]
    kidnapping, attack = templates
    # the same people did both; the attack's victims are those it harmed
    assert kidnapping.role("PerpOrg") == attack.role("PerpOrg") != ()
    assert [e[0].upper() for e in attack.role("Victim")] == ["HIS DRIVER"]


@pytest.mark.parametrize("upper", [False, True])
def test_a_kidnapping_that_harms_no_one_is_a_kidnapping_only(upper: bool) -> None:
    text = "MRTA rebels kidnapped the businessman in Lima on Monday. No one was hurt."
    text = text.upper() if upper else text
    case = str.upper if upper else str
    victim = Victim(description="businessman", fate="kidnapped")
    templates = _templates(
        text, [(case("kidnapped"), _KIDNAPPING)], [(case("the businessman"), victim)]
    )
    assert _types(templates) == ["kidnapping"]


@pytest.mark.parametrize("upper", [False, True])
def test_an_attack_told_already_is_the_killings_template(upper: bool) -> None:
    text = "MRTA rebels kidnapped the businessman, killing his driver. The attack was in Lima."
    text = text.upper() if upper else text
    case = str.upper if upper else str
    templates = _templates(
        text,
        [(case("kidnapped"), _KIDNAPPING), (case("attack"), _ASSAULT)],
        [(case("his driver"), Victim(description="driver", fate="killed"))],
    )
    assert sorted(_types(templates)) == ["attack", "kidnapping"]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "hostage", "expected"),
    [
        # MUC-4's KIDNAPPING is the taking of people: one spoken of with no one taken is none
        ("MRTA leaders called on their men to kidnap politicians for ransom.", None, []),
        ("MRTA rebels released kidnapped people as proof of their will to talk.", None, []),
        (
            "MRTA rebels kidnapped the businessman in Lima on Monday.",
            "the businessman",
            ["kidnapping"],
        ),
    ],
)
def test_a_kidnapping_naming_no_one_taken_gets_no_template(
    text: str, hostage: str | None, expected: list[str], upper: bool
) -> None:
    case = str.upper if upper else str
    word = "kidnapped" if "kidnapped" in text else "kidnap"
    victims = (
        [] if hostage is None else [(case(hostage), Victim(description=hostage, fate="kidnapped"))]
    )
    templates = _templates(case(text), [(case(word), _KIDNAPPING)], victims)
    assert _types(templates) == expected
