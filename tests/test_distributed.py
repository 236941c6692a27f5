"""Several incidents told one by one in one sentence ("one at the park, another at the
university"): one MUC-4 template each, on hand-made reports (mixed and upper case)."""

from __future__ import annotations

from typing import TypeVar

import pytest
from _records import said
from pydantic import BaseModel

from incidex.evaluate._predict import muc_predictions, to_gtt_templates
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    EventType,
    IncidentReport,
    Target,
    Weapon,
)

T = TypeVar("T", bound=BaseModel)
_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_BOMB = Weapon(type="Explosives", type_code=6)


def _said(text: str, field: str, value: str, normalized: T) -> Assertion[T]:
    return said(text, field, value, normalized, outlet="EFE")


def _result(text: str, targets: list[str], upper: bool) -> ArticleResult:
    """An extracted article of ``text`` telling one bombing report naming ``targets``."""
    if upper:
        text, targets = text.upper(), [t.upper() for t in targets]
    bomb = "BOMBS" if upper else "bombs"
    report = IncidentReport(
        article_id="a0",
        types=[_said(text, "types", bomb, _BOMBING)],
        weapons=[_said(text, "weapons", bomb, _BOMB)],
        targets=[
            _said(text, "targets", t, Target(type="Business", type_code=1, entity=t))
            for t in targets
        ],
    )
    article = Article.from_text(text, extra={"muc_docid": "D0"})
    return ArticleResult(article=article, status="extracted", incidents=[report])


def _targets(result: ArticleResult) -> list[list[str]]:
    return [
        [entity[0] for entity in t.role("Target")] for t in to_gtt_templates(result, tagger=False)
    ]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "targets", "expected"),
    [
        # told one by one: an incident per target (template-doc-part1, 5.0)
        (
            "Three bombs went off in the capital, one at the central park, another at the "
            "university, and another at a school.",
            ["central park", "university", "school"],
            [["central park"], ["university"], ["school"]],
        ),
        (
            "Two bombs exploded: one damaged a bank, while the other destroyed a bus.",
            ["bank", "bus"],
            [["bank"], ["bus"]],
        ),
        # people counted one by one before the things do not hide them
        (
            "Two bombs went off: one person died when one exploded at a bank, and another at "
            "a school.",
            ["bank", "school"],
            [["bank"], ["school"]],
        ),
        # the targets of one attack: one incident
        (
            "Two bombs damaged a bank and a bus.",
            ["bank", "bus"],
            [["bank", "bus"]],
        ),
        # one attack's victims told one by one: one incident
        (
            "One person was killed and another injured when bombs damaged a bank and a bus.",
            ["bank", "bus"],
            [["bank", "bus"]],
        ),
    ],
)
def test_incidents_told_one_by_one_get_a_template_each(
    text: str, targets: list[str], expected: list[list[str]], upper: bool
) -> None:
    found = _targets(_result(text, targets, upper))
    assert found == [[t.upper() if upper else t for t in names] for names in expected]


def test_each_incident_told_one_by_one_keeps_the_weapon_and_gets_a_slot_template() -> None:
    text = "Two bombs exploded: one damaged a bank, while the other destroyed a bus."
    templates, slots = muc_predictions(_result(text, ["bank", "bus"], False), tagger=False)
    assert [[e[0] for e in t.role("Weapon")] for t in templates] == [["bombs"], ["bombs"]]
    assert [s.incident_type for s in slots] == ["BOMBING", "BOMBING"]


@pytest.mark.parametrize("upper", [False, True])
def test_a_template_equal_to_one_before_it_is_given_once(upper: bool) -> None:
    """GTT's loader drops duplicate gold templates: a second equal one can only be wrong."""
    result = _result("Two bombs damaged a bank.", ["bank"], upper)
    twice = result.model_copy(update={"incidents": result.incidents * 2})
    assert len(to_gtt_templates(twice, tagger=False)) == 1
    assert len(muc_predictions(twice, tagger=False)[1]) == 2  # slot templates as before
