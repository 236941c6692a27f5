"""A bomb word told in a sentence that tells of gunfire too is a MUC-4 ATTACK, not a BOMBING
(the benchmark mapping; template-doc-part2, slots 4 and 7): records built by hand."""

from __future__ import annotations

import pytest
from _records import said

from incidex.evaluate._predict import to_gtt_templates
from incidex.model import Article, ArticleResult, EventType, IncidentReport, Perpetrator

_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_ASSAULT = EventType(name="Armed Assault", gtd_code=2)


def _types(text: str, words: list[tuple[str, EventType]]) -> list[str]:
    report = IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in words],
        perpetrators=[said(text, "perpetrators", text.split()[0], Perpetrator(group="FMLN"))],
    )
    article = Article.from_text(text, source="Test Wire")
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return [t.incident_type for t in to_gtt_templates(result, tagger=False)]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "word", "kind"),
    [
        # grenades thrown and guns fired at a meeting: an armed attack
        (
            "Guerrillas attacked the meeting, throwing grenades and firing their guns.",
            "grenades",
            "attack",
        ),
        (
            "Sporadic bomb explosions and machinegun fire were heard in the capital.",
            "bomb",
            "attack",
        ),
        ("Rebels fired their weapons and detonated explosives at the post.", "detonated", "attack"),
        # "fired" and "shot" tied to gunfire: an aim, "dead", a gun, people, a passive "shot"
        ("A bomb exploded at the post and rebels fired at the troops.", "bomb", "attack"),
        ("Two guards were shot dead when the bomb went off.", "bomb", "attack"),
        ("Two guards were shot and a bomb exploded at the gate.", "bomb", "attack"),
        ("Rebels shot two soldiers and set off a bomb.", "bomb", "attack"),
        # the other sense of "fired": dismissed
        ("The minister was fired after the bombing of the embassy.", "bombing", "bombing"),
        ("Police chief fired over the bomb blast at the market.", "bomb", "bombing"),
        # a bomb set off with no gunfire told beside it stays a bombing
        ("Rebels set off a bomb at the power station on Monday.", "bomb", "bombing"),
        # a fire department speaking of a bomb tells of no gunfire
        ("Rebels set off a bomb, fire department spokesmen said.", "bomb", "bombing"),
    ],
)
def test_a_bomb_told_with_gunfire_is_an_attack(
    text: str, word: str, kind: str, upper: bool
) -> None:
    case = str.upper if upper else str
    assert _types(case(text), [(case(word), _BOMBING)]) == [kind]


@pytest.mark.parametrize("upper", [False, True])
def test_a_bombing_beside_an_attack_keeps_its_type(upper: bool) -> None:
    """Where the message has an attack already, the gunfire is that attack's."""
    case = str.upper if upper else str
    text = case(
        "Rebels shot the mayor in the street on Monday. "
        "In another incident, a bomb exploded at the market while troops fired at the rebels."
    )
    types = _types(text, [(case("shot"), _ASSAULT), (case("bomb"), _BOMBING)])
    assert sorted(types) == ["attack", "bombing"]
