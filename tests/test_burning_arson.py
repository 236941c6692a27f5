"""Things burned in an incident's sentences are a MUC-4 ARSON template beside it (the
benchmark mapping; template-doc-part1, 5.0 and slot 4): records built by hand."""

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
    Target,
    Weapon,
)

_ASSAULT = EventType(name="Armed Assault", gtd_code=2)
_ARSON = EventType(name="Facility/Infrastructure Attack", gtd_code=7)
_BURNING = EventType(name="Burning", gtd_code=None, attack=False)
_BUSINESS = Target(type="Business", type_code=1)
_GASOLINE = Weapon(type="Incendiary", type_code=8)


def _templates(
    text: str, types: list[tuple[str, EventType]], targets: list[str], weapons: tuple[str, ...] = ()
) -> list[PredTemplate]:
    report = IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in types],
        perpetrators=[said(text, "perpetrators", text.split()[0], Perpetrator(group="FMLN"))],
        targets=[said(text, "targets", word, _BUSINESS) for word in targets],
        weapons=[said(text, "weapons", word, _GASOLINE) for word in weapons],
    )
    article = Article.from_text(text, source="Test Wire")
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return to_gtt_templates(result, tagger=False)


@pytest.mark.parametrize("upper", [False, True])
def test_things_burned_in_an_attack_are_an_arson_beside_it(upper: bool) -> None:
    case = str.upper if upper else str
    text = case("FMLN rebels shot at the bus on Monday. Later they burned nine vehicles.")
    templates = _templates(
        text,
        [(case("shot"), _ASSAULT), (case("burned"), _BURNING)],
        [case("the bus"), case("nine vehicles")],
    )
    assert [t.incident_type for t in templates] == ["attack", "arson"]
    attack, arson = templates
    # the same people; what they burned, not what they shot at
    assert attack.roles[1] == arson.roles[1]
    assert [e[0] for e in arson.roles[2]] == [case("nine vehicles")]


@pytest.mark.parametrize("upper", [False, True])
def test_a_part_naming_no_attack_type_keeps_its_type_beside_the_arson(upper: bool) -> None:
    """Its untyped sentences are most often another act than the burning."""
    case = str.upper if upper else str
    text = case("FMLN terrorists raided the bus on Monday. Later they burned nine vehicles.")
    templates = _templates(
        text, [(case("burned"), _BURNING)], [case("the bus"), case("nine vehicles")]
    )
    assert [t.incident_type for t in templates] == ["attack", "arson"]


@pytest.mark.parametrize("upper", [False, True])
def test_an_arson_burning_things_is_no_second_arson(upper: bool) -> None:
    case = str.upper if upper else str
    text = case("FMLN rebels set fire to the store with gasoline and burned two trucks.")
    templates = _templates(
        text,
        [(case("set fire to"), _ARSON), (case("burned"), _BURNING)],
        [case("the store"), case("two trucks")],
        (case("gasoline"),),
    )
    assert [t.incident_type for t in templates] == ["arson"]
