"""A robbery told in an incident's sentences is a MUC-4 ROBBERY template beside it (the
benchmark mapping; template-doc-part1, 5.0 and slot 4): records built by hand."""

from __future__ import annotations

import pytest
from _records import said

from incidex.evaluate._gtt import PredTemplate
from incidex.evaluate._predict import muc_predictions, to_gtt_templates, to_muc_slots
from incidex.model import (
    Article,
    ArticleResult,
    EventType,
    IncidentReport,
    Perpetrator,
    Target,
    Weapon,
)

_ARSON = EventType(name="Facility/Infrastructure Attack", gtd_code=7)
_ROBBERY = EventType(name="Robbery", gtd_code=None, attack=False)
_BUSINESS = Target(type="Business", type_code=1)
_RIFLE = Weapon(type="Firearms", type_code=5, subtype="Automatic Weapon", subtype_code=2)


def _result(
    text: str,
    types: list[tuple[str, EventType]],
    targets: list[str],
    weapons: tuple[str, ...] = (),
) -> ArticleResult:
    report = IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in types],
        perpetrators=[said(text, "perpetrators", text.split()[0], Perpetrator(group="FMLN"))],
        targets=[said(text, "targets", word, _BUSINESS) for word in targets],
        weapons=[said(text, "weapons", word, _RIFLE) for word in weapons],
    )
    article = Article.from_text(text, source="Test Wire")
    return ArticleResult(article=article, status="extracted", incidents=[report])


def _templates(
    text: str,
    types: list[tuple[str, EventType]],
    targets: list[str],
    weapons: tuple[str, ...] = (),
) -> list[PredTemplate]:
    return to_gtt_templates(_result(text, types, targets, weapons), tagger=False)


def test_one_pass_gives_both_predictions_of_a_message() -> None:
    """The muc4-jsonl writer maps a message once for its GTT templates and its slots."""
    text = "FMLN rebels burned the farm with rifles on Monday. They also looted the store nearby."
    types = [("burned", _ARSON), ("looted", _ROBBERY)]
    result = _result(text, types, ["the farm", "the store"], ("rifles",))
    templates, slots = muc_predictions(result, tagger=False)
    assert [t.incident_type for t in templates] == ["attack", "robbery"]
    assert (templates, slots) == (
        to_gtt_templates(result, tagger=False),
        to_muc_slots(result, tagger=False),
    )


@pytest.mark.parametrize("upper", [False, True])
def test_a_robbery_inside_an_incident_is_a_template_of_its_own(upper: bool) -> None:
    case = str.upper if upper else str
    text = case(
        "FMLN rebels burned the farm with rifles on Monday. They also looted the store nearby."
    )
    templates = _templates(
        text,
        [(case("burned"), _ARSON), (case("looted"), _ROBBERY)],
        [case("the farm"), case("the store")],
        (case("rifles"),),
    )
    assert [t.incident_type for t in templates] == ["attack", "robbery"]
    attack, robbery = templates
    # the same people; what they robbed, not what they burned; no weapon of the other act
    assert robbery.role("PerpOrg") == attack.role("PerpOrg") != ()
    assert [e[0].upper() for e in robbery.role("Target")] == ["THE STORE"]
    assert robbery.role("Weapon") == ()


@pytest.mark.parametrize("upper", [False, True])
def test_a_report_telling_only_a_robbery_is_a_robbery(upper: bool) -> None:
    case = str.upper if upper else str
    text = case("FMLN rebels robbed the bank in Usulutan on Monday. Nobody was hurt.")
    templates = _templates(text, [(case("robbed"), _ROBBERY)], [case("the bank")])
    assert [t.incident_type for t in templates] == ["robbery"]


@pytest.mark.parametrize("upper", [False, True])
def test_an_incident_without_a_robbery_gets_none(upper: bool) -> None:
    case = str.upper if upper else str
    text = case("FMLN rebels burned the farm with rifles on Monday. The store was closed.")
    templates = _templates(text, [(case("burned"), _ARSON)], [case("the farm")], (case("rifles"),))
    assert [t.incident_type for t in templates] == ["attack"]
