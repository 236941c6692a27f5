"""A murder told by its victim is an ATTACK, and an assassination of another person named
after an ATTACK is another one (MUC-4 mapping)."""

from __future__ import annotations

import pytest
from _records import cased, said

from incidex.evaluate._gtt import PredTemplate
from incidex.evaluate._predict import to_gtt_templates
from incidex.model import (
    Article,
    ArticleResult,
    EventType,
    IncidentReport,
    Stance,
    Victim,
)

_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_ASSASSINATION = EventType(name="Assassination", gtd_code=1)


def _templates(
    text: str,
    types: list[tuple[str, EventType]],
    victims: list[tuple[str, Victim, Stance]],
) -> list[PredTemplate]:
    report = IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in types],
        victims=[
            said(text, "victims", word, victim, stance=stance) for word, victim, stance in victims
        ],
    )
    article = Article.from_text(text, source="Test Wire")
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return to_gtt_templates(result, tagger=False)


def _named(template: PredTemplate) -> list[str]:
    """The victims' entities of a template, each as the name its mentions hold."""
    names = ("CARLOS PEREZ", "MARIA DIAZ", "CARLOS VALENCIA")
    return [n for e in template.role("Victim") for n in names if n in " ".join(e).upper()]


_JUDGE = Victim(names=["Carlos Perez"], description="judge", fate="killed")


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "victim"),
    [
        ("Judge Carlos Perez was murdered in Cuzco.", "Judge Carlos Perez"),
        ("The murder of judge Carlos Perez shocked Cuzco.", "judge Carlos Perez"),
        ("Rebels murdered judge Carlos Perez in Cuzco.", "judge Carlos Perez"),
    ],
)
def test_a_murder_told_by_its_victim_is_an_attack(sentence: str, victim: str, upper: bool) -> None:
    text = cased(f"A bomb exploded at a bank in Lima on Monday. {sentence}", upper)
    templates = _templates(
        text,
        [(cased("bomb", upper), _BOMBING)],
        [(cased(victim, upper), _JUDGE, Stance.asserted)],
    )
    assert [t.incident_type for t in templates] == ["bombing", "attack"]
    # the murdered man is the attack's victim, not the bombing's
    assert _named(templates[1]) == ["CARLOS PEREZ"]
    assert _named(templates[0]) == []


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "victim", "stance"),
    [
        # a killing with no murder word: the bomb's toll
        ("Judge Carlos Perez was killed.", "Judge Carlos Perez", Stance.asserted),
        # "murdered" as an adjective of the people it names: an organisation's name
        ("It hit the office of Missing and Murdered People.", "People", Stance.asserted),
        # a murder threatened, not done
        (
            "Rebels threatened to murder judge Carlos Perez.",
            "judge Carlos Perez",
            Stance.hypothetical,
        ),
    ],
)
def test_no_murder_no_attack(sentence: str, victim: str, stance: Stance, upper: bool) -> None:
    text = cased(f"A bomb exploded at a bank in Lima on Monday. {sentence}", upper)
    templates = _templates(
        text, [(cased("bomb", upper), _BOMBING)], [(cased(victim, upper), _JUDGE, stance)]
    )
    assert [t.incident_type for t in templates] == ["bombing"]


def _assassinations(second: str, upper: bool) -> list[PredTemplate]:
    text = cased(
        "Gunmen assassinated judge Maria Diaz in Medellin on Monday. "
        f"Judges went on strike after the assassination of {second}.",
        upper,
    )
    diaz = Victim(names=["Maria Diaz"], description="judge", fate="killed")
    other = Victim(names=[second.split(" ", 1)[1]], description="judge", fate="killed")
    return _templates(
        text,
        [
            (cased("assassinated", upper), _ASSASSINATION),
            (cased("assassination", upper), _ASSASSINATION),
        ],
        [
            (cased("judge Maria Diaz", upper), diaz, Stance.asserted),
            (cased(second, upper), other, Stance.asserted),
        ],
    )


@pytest.mark.parametrize("upper", [False, True])
def test_the_assassination_of_another_person_is_another_attack(upper: bool) -> None:
    templates = _assassinations("magistrate Carlos Valencia", upper)
    assert [t.incident_type for t in templates] == ["attack", "attack"]
    assert [_named(t) for t in templates] == [["MARIA DIAZ"], ["CARLOS VALENCIA"]]


@pytest.mark.parametrize("upper", [False, True])
def test_the_assassination_of_the_same_person_retold_is_one_attack(upper: bool) -> None:
    templates = _assassinations("judge Diaz", upper)
    assert [t.incident_type for t in templates] == ["attack"]


_CANDIDATE = Victim(names=["Carlos Perez"], description="candidate")  # no fate told


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "victim", "attack"),
    [
        # a murder told by a possessive of its victim's name, the mention before it or
        # holding it
        ("Students marched to protest candidate Carlos Perez's murder.", "Carlos Perez", True),
        ("Students marched to protest candidate Carlos Perez's murder.", "Perez's murder", True),
        # something else of the victim's, or a murder word not the victim's
        ("Students marched to protest candidate Carlos Perez's arrest.", "Carlos Perez", False),
        ("Carlos Perez's aides denied the murder rumours.", "Carlos Perez", False),
    ],
)
def test_a_murder_told_by_a_possessive_of_its_victim_is_an_attack(
    sentence: str, victim: str, attack: bool, upper: bool
) -> None:
    text = cased(f"A bomb exploded at a bank in Lima on Monday. {sentence}", upper)
    templates = _templates(
        text,
        [(cased("bomb", upper), _BOMBING)],
        [(cased(victim, upper), _CANDIDATE, Stance.asserted)],
    )
    expected = ["bombing", "attack"] if attack else ["bombing"]
    assert [t.incident_type for t in templates] == expected
