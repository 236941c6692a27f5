"""The MUC-4 date and location slots of hand-made reports (incidex.evaluate.to_muc_slots), and
the places and dates the components read in small mixed- and upper-case texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from _records import said

from incidex.evaluate import to_muc_slots
from incidex.model import (
    Article,
    ArticleResult,
    EventType,
    IncidentReport,
    Place,
)

BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)
EL_SALVADOR = Place(role="scene", name="El Salvador", country="El Salvador", country_code="SV")


def _slots(text: str, where: list[Any], *, filed: str | None = None, **fields: Any) -> list[Any]:
    article = Article.from_text(
        text,
        source="EFE",
        published=dt.datetime(1989, 12, 9),
        extra={"dateline_place": filed} if filed else {},
    )
    types = fields.pop("types", None) or [said(text, "types", _first_word(text), BOMBING)]
    report = IncidentReport(article_id=article.id, types=types, where=where, **fields)
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return to_muc_slots(result, tagger=False)


def _first_word(text: str) -> str:
    return text.split()[0]


def _case(text: str, upper: bool) -> str:
    return text.upper() if upper else text


# -- components: towns the entity recogniser misses, dates that are names ---------------------


def _run(nlp: Any, text: str) -> IncidentReport:
    from incidex.nlp.extract import extract

    result = extract(text, published="1989-10-18T12:00:00+00:00", source="EFE", nlp=nlp)
    return result.incidents[0] if result.incidents else IncidentReport(article_id="none")


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "city", "code"),
    [
        ("Terrorists set fire to a bus in Tecoluca, El Salvador, killing two.", "Tecoluca", "SV"),
        (
            "Terrorists bombed a radio station in Barranca, north of Lima, Peru, on Sunday.",
            "Barranca",
            "PE",
        ),
    ],
)
def test_a_town_the_recogniser_misses_is_placed_in_a_country_the_text_names(
    nlp: Any, text: str, city: str, code: str, upper: bool
) -> None:
    report = _run(nlp, _case(text, upper))
    found = {(a.normalized.city, a.normalized.country_code) for a in report.where}
    assert (city, code) in found, found


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_common_noun_after_a_determiner_is_no_town(nlp: Any, upper: bool) -> None:
    # "Temple" and "Area" are towns in the United States, which the text names
    text = (
        "U.S. officials said that last year dynamite was placed at a temple in the same area "
        "of Colombia, where guerrillas attacked a farm."
    )
    report = _run(nlp, _case(text, upper))
    assert not any(a.normalized.country_code == "US" and a.normalized.city for a in report.where)


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_date_opening_a_group_name_is_no_date(nlp: Any, upper: bool) -> None:
    text = (
        "Carlos Pizarro, leader of the 19 April Movement (M-19), was shot dead on a plane "
        "on Thursday."
    )
    report = _run(nlp, _case(text, upper))
    dates = {a.normalized.date for a in report.when}
    assert dt.date(1989, 4, 19) not in dates, dates
    assert dt.date(1989, 10, 12) in dates, dates  # the Thursday before the publication day
