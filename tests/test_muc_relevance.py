"""MUC-4's definition of a relevant incident in the benchmark mapping (template-doc-part1,
section 1.0): records built by hand, texts in mixed and upper case."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

import pytest
from _records import cased, said
from pydantic import BaseModel

from incidex.evaluate._predict import muc_relevance, to_gtt_templates
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    EventType,
    IncidentReport,
    Place,
    Precision,
    Stance,
    Target,
    Victim,
    When,
)

T = TypeVar("T", bound=BaseModel)
_ASSAULT = EventType(name="Armed Assault", gtd_code=2)
_PUBLISHED = dt.date(1989, 11, 20)


def _said(
    text: str, field: str, value: str, normalized: T, stance: Stance = Stance.asserted
) -> Assertion[T]:
    return said(
        text, field, value, normalized, whole_text=True, stance=stance, extractor="incidex_roles_v1"
    )


def _attack(
    text: str,
    trigger: str,
    *,
    targets: tuple[str, ...] = (),
    victims: tuple[str, ...] = (),
    day: tuple[str, dt.date] | None = None,
    country: str | None = None,
    stance: Stance = Stance.asserted,
) -> IncidentReport:
    """An attack told by ``text``: its trigger word, the targets and victims it names (coded
    Unknown: the mapping reads their words), its day and the scene's country code."""
    return IncidentReport(
        article_id="a0",
        types=[_said(text, "types", trigger, _ASSAULT, stance)],
        targets=[
            _said(text, "targets", t, Target(type="Unknown", type_code=20, entity=t))
            for t in targets
        ],
        victims=[_said(text, "victims", v, Victim(description=v)) for v in victims],
        when=[
            _said(text, "when", day[0], When(date=day[1], precision=Precision.day))
            for _ in [day]
            if day is not None
        ],
        where=[
            _said(text, "where", word, Place(name=word, country_code=country))
            for word in text.split()[-1:]
            if country is not None
        ],
    )


@pytest.mark.parametrize("upper", [False, True])
def test_an_attack_on_soldiers_alone_is_a_clash_not_terrorism(upper: bool) -> None:
    text = cased("Rebels ambushed a military patrol and killed three soldiers.", upper)
    part = _attack(
        text,
        cased("ambushed", upper),
        targets=(cased("a military patrol", upper),),
        victims=(cased("three soldiers", upper),),
    )
    assert muc_relevance([part], _PUBLISHED) == [False]


@pytest.mark.parametrize("upper", [False, True])
def test_a_civilian_target_makes_a_guerrilla_attack_relevant(upper: bool) -> None:
    text = cased("Rebels attacked a police post and burned a bus.", upper)
    part = _attack(
        text,
        cased("attacked", upper),
        targets=(cased("a police post", upper), cased("a bus", upper)),
    )
    assert muc_relevance([part], _PUBLISHED) == [True]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "victim", ["nine U.S. soldiers", "a retired police officer", "a former army colonel"]
)
def test_foreign_forces_and_former_officers_are_not_a_clash(victim: str, upper: bool) -> None:
    text = cased(f"A bomb wounded {victim} in La Ceiba", upper)
    part = _attack(text, cased("bomb", upper), victims=(cased(victim, upper),), country="HN")
    assert muc_relevance([part], _PUBLISHED) == [True]


def test_an_attack_that_names_no_target_is_presumed_relevant() -> None:
    text = "GUERRILLAS ATTACKED LAST NIGHT."
    assert muc_relevance([_attack(text, "ATTACKED")], _PUBLISHED) == [True]


def test_an_old_attack_beside_a_recent_one_is_historical_context() -> None:
    recent = _attack(
        "ON 18 NOVEMBER A BOMB EXPLODED.", "BOMB", day=("18 NOVEMBER", dt.date(1989, 11, 18))
    )
    old = _attack("IN APRIL THEY KILLED A JUDGE.", "KILLED", day=("APRIL", dt.date(1989, 4, 9)))
    undated = _attack("A CAR WAS BURNED.", "BURNED")
    assert muc_relevance([recent, old, undated], _PUBLISHED) == [True, False, True]


def test_an_old_attack_the_article_is_about_is_kept() -> None:
    # new information on an old crime (new suspects...): the article tells of nothing newer
    old = _attack("The 1987 murder of Jaime Pardo.", "murder", day=("1987", dt.date(1987, 10, 11)))
    assert muc_relevance([old], _PUBLISHED) == [True]


@pytest.mark.parametrize(
    ("stances", "kept"), [((Stance.denied,), False), ((Stance.doubted, Stance.asserted), True)]
)
def test_an_attack_the_sources_deny_is_not_templated(
    stances: tuple[Stance, ...], kept: bool
) -> None:
    text = "THE REPORT THAT GUERRILLAS ATTACKED THE EMBASSY IS UNFOUNDED."
    part = _attack(text, "ATTACKED", targets=("THE EMBASSY",))
    part = part.model_copy(
        update={"types": [_said(text, "types", "ATTACKED", _ASSAULT, s) for s in stances]}
    )
    assert muc_relevance([part], _PUBLISHED) == [kept]


def test_a_clash_gives_no_gtt_template() -> None:
    text = "REBELS AMBUSHED AN ARMY PATROL AND KILLED FIVE SOLDIERS."
    part = _attack(text, "AMBUSHED", targets=("AN ARMY PATROL",), victims=("FIVE SOLDIERS",))
    published = dt.datetime(1989, 11, 20)
    result = ArticleResult(
        article=Article.from_text(text, published=published),
        status="extracted",
        incidents=[part],
    )
    assert to_gtt_templates(result, tagger=False) == []
