"""The MUC-4 country and place slots of hand-made reports (incidex.evaluate.to_muc_slots): a
person's name read as a town, a list of countries, a town placed by what follows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from _records import cased, said

from incidex.evaluate import to_muc_slots
from incidex.model import (
    Article,
    ArticleResult,
    Casualties,
    EventType,
    IncidentReport,
    Place,
    Victim,
)

BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)


def _slot(
    text: str, where: list[Any], *, filed: str | None = None, source: str = "EFE", **fields: Any
) -> Any:
    article = Article.from_text(
        text,
        source=source,
        published=dt.datetime(1989, 12, 9),
        extra={"dateline_place": filed} if filed else {},
    )
    types = [said(text, "types", text.split()[0], BOMBING)]
    report = IncidentReport(article_id=article.id, types=types, where=where, **fields)
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    [slot] = to_muc_slots(result, tagger=False)
    return slot


def _town(name: str, country: str, code: str, role: str = "scene") -> Place:
    return Place(role=role, name=name, city=name, country=country, country_code=code, precision=1)


def _country(name: str, code: str, role: str = "scene") -> Place:
    return Place(role=role, name=name, country=name, country_code=code, precision=5)


# -- a person's name is no town ---------------------------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
def test_muc_a_name_after_a_title_is_no_town(upper: bool) -> None:
    text = cased("Attacks go on and Colonel Ponce has shown his desperation.", upper)
    ponce = said(text, "where", cased("Ponce", upper), _town("Ponce", "Puerto Rico", "PR"))
    slot = _slot(text, [ponce], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", None)


@pytest.mark.parametrize("upper", [False, True])
def test_muc_a_word_of_a_victims_full_name_is_no_town(upper: bool) -> None:
    text = cased(
        "Cristiani blamed Rivera's murder on the rebels. "
        "Colonel Roberto Armando Rivera Escobar was killed in an attack.",
        upper,
    )
    name = cased("Roberto Armando Rivera Escobar", upper)
    victim = said(text, "victims", name, Victim(names=[name], fate="killed"))
    rivera = said(text, "where", cased("Rivera", upper), _town("Rivera", "Uruguay", "UY"))
    slot = _slot(text, [rivera], victims=[victim], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", None)
    # the same word after "in" is where something happened
    text = cased("Colonel Roberto Armando Rivera Escobar was killed in Rivera, Uruguay.", upper)
    victim = said(text, "victims", name, Victim(names=[name], fate="killed"))
    rivera = said(text, "where", cased("in Rivera", upper), _town("Rivera", "Uruguay", "UY"))
    rivera = rivera.model_copy(update={"value": rivera.value[3:], "start": rivera.start + 3})
    uruguay = said(text, "where", cased("Uruguay", upper), _country("Uruguay", "UY", "mentioned"))
    slot = _slot(text, [rivera, uruguay], victims=[victim], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("URUGUAY", "RIVERA")


# -- a list of countries is not the scene -----------------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ("Mexico, Honduras, and Peru", "GUATEMALA"),
        ("Mexico, Honduras or Peru", "GUATEMALA"),
        ("Mexico and Honduras", "MEXICO"),  # two are not a list
    ],
)
def test_muc_a_country_in_a_list_of_three_is_not_the_scene(
    listed: str, expected: str, upper: bool
) -> None:
    text = cased(f"Bombings were condemned by leaders from universities in {listed}.", upper)
    names = {"Mexico": "MX", "Honduras": "HN", "Peru": "PE"}
    where = [
        said(text, "where", cased(n, upper), _country(n, c, "scene"))
        for n, c in names.items()
        if n in listed
    ]
    assert _slot(text, where, filed="GUATEMALA CITY").country == expected


# -- a town placed by what follows it ---------------------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "tail",
    [", San Miguel department, in northern El Salvador.", ", El Salvador.", ", in El Salvador."],
)
def test_muc_a_town_takes_the_country_named_after_it(tail: str, upper: bool) -> None:
    text = cased(f"Bombs exploded in the hamlet of San Andres{tail}", upper)
    andres = said(text, "where", cased("San Andres", upper), _town("San Andrés", "Honduras", "HN"))
    salvador = cased("northern El Salvador" if "northern" in tail else "El Salvador", upper)
    where = [andres, said(text, "where", salvador, _country("El Salvador", "SV", "mentioned"))]
    if "San Miguel" in tail:
        miguel = _town("San Miguel", "El Salvador", "SV", "mentioned")
        where.insert(1, said(text, "where", cased("San Miguel", upper), miguel))
    slot = _slot(text, where, filed="TEGUCIGALPA")
    assert (slot.country, slot.place) == ("EL SALVADOR", "SAN ANDRES")


@pytest.mark.parametrize("upper", [False, True])
def test_muc_a_town_keeps_its_country_when_another_country_is_not_its_apposition(
    upper: bool,
) -> None:
    text = cased("Bombs exploded in San Andres, and troops then fled to El Salvador.", upper)
    andres = said(text, "where", cased("San Andres", upper), _town("San Andrés", "Honduras", "HN"))
    salvador = said(
        text, "where", cased("El Salvador", upper), _country("El Salvador", "SV", "mentioned")
    )
    slot = _slot(text, [andres, salvador], filed="TEGUCIGALPA")
    assert (slot.country, slot.place) == ("HONDURAS", "SAN ANDRES")


# -- a place someone visits, and the report's own dateline, are not the scene ----------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "The president cut short his stay in Japan after a bomb exploded in Bogota.",
        "The president ended his visit to Japan after a bomb exploded in Bogota.",
    ],
)
def test_muc_a_place_someone_visits_is_not_the_scene(text: str, upper: bool) -> None:
    text = cased(text, upper)
    japan = said(text, "where", cased("Japan", upper), _country("Japan", "JP"))
    bogota = said(text, "where", cased("Bogota", upper), _town("Bogotá", "Colombia", "CO"))
    slot = _slot(text, [japan, bogota], filed="TOKYO")
    assert (slot.country, slot.place) == ("COLOMBIA", "BOGOTA")
    # a place the attack happened in stays the scene
    text = cased("A bomb exploded in Japan and another in Bogota.", upper)
    japan = said(text, "where", cased("Japan", upper), _country("Japan", "JP"))
    bogota = said(text, "where", cased("Bogota", upper), _town("Bogotá", "Colombia", "CO"))
    assert _slot(text, [japan, bogota], filed="TOKYO").country == "JAPAN"


@pytest.mark.parametrize("upper", [False, True])
def test_muc_the_reports_own_dateline_is_not_the_scene(upper: bool) -> None:
    text = cased("Pasto -- Commerce is paralyzed. One person was killed in Ecuador.", upper)
    pasto = said(text, "where", cased("Pasto", upper), _town("Pasto", "Colombia", "CO"))
    ecuador = said(text, "where", cased("Ecuador", upper), _country("Ecuador", "EC"))
    assert _slot(text, [pasto, ecuador], filed="BOGOTA").country == "ECUADOR"
    # alone, it is still where the report comes from
    assert _slot(text, [pasto], filed="BOGOTA").place == "PASTO"


# -- a town's name the recogniser cut at its front --------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_town_name_cut_at_its_front_is_read_whole(nlp: Any, upper: bool) -> None:
    from incidex.nlp.extract import extract

    # "DEL MAR" alone is Del Mar, California
    text = "A bomb destroyed the offices of Citicorp in downtown Vina del Mar, Chile, today."
    result = extract(cased(text, upper), published="1989-12-29T12:00:00+00:00", nlp=nlp)
    found = {
        (a.normalized.city, a.normalized.country_code) for i in result.incidents for a in i.where
    }
    assert ("Viña del Mar", "CL") in found
    assert not any(code == "US" for _, code in found)


# -- a dateline that names no place: the station's country ----------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("RADIO VENCEREMOS", ("EL SALVADOR", None)),  # the FMLN's station (kb/outlets.json)
        ("RADIO FARABUNDO MARTI", ("EL SALVADOR", None)),
        ("EFE", ("VENEZUELA", "CARACAS")),  # a news agency files from anywhere
        ("A STATION NOBODY KNOWS", ("VENEZUELA", "CARACAS")),
    ],
)
def test_muc_a_clandestine_station_speaks_of_its_own_country(
    source: str, expected: tuple[str, str | None]
) -> None:
    text = "THE BOMB ATTACK CAME A WEEK AFTER THE TALKS IN CARACAS WERE SUSPENDED."
    caracas = said(text, "where", "CARACAS", _town("Caracas", "Venezuela", "VE", "mentioned"))
    slot = _slot(text, [caracas], filed="CLANDESTINE", source=source)
    assert (slot.country, slot.place) == expected


def test_muc_a_named_dateline_is_not_the_stations_country() -> None:
    text = "THE BOMB ATTACK CAME A WEEK AFTER THE TALKS IN CARACAS WERE SUSPENDED."
    caracas = said(text, "where", "CARACAS", _town("Caracas", "Venezuela", "VE", "mentioned"))
    slot = _slot(text, [caracas], filed="TEGUCIGALPA", source="RADIO VENCEREMOS")
    assert slot.country == "HONDURAS"


# -- a town abroad in a text naming no country of it -------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
def test_muc_a_scene_town_of_a_country_the_text_never_names_yields_to_the_dateline(
    upper: bool,
) -> None:
    # "Street" is a village in England the gazetteer knows
    text = cased("The bomb went off on San Antonio Abad Street.", upper)
    street = said(text, "where", cased("Street", upper), _town("Street", "United Kingdom", "GB"))
    slot = _slot(text, [street], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", None)


def test_muc_a_big_city_abroad_with_a_namesake_at_home_yields_to_the_dateline() -> None:
    # Berlin, Usulutan: a big city names its country only where home has no such town
    text = "A NATIONAL POLICE POST IN BERLIN WAS RAIDED AND ATTACKED."
    berlin = said(text, "where", "BERLIN", _town("Berlin", "Germany", "DE"))
    assert _slot(text, [berlin], filed="SAN SALVADOR").country == "EL SALVADOR"
    assert _slot(text, [berlin], filed="TOKYO").country == "GERMANY"


@pytest.mark.parametrize(
    ("text", "country_named", "expected"),
    [
        # the text names the town's country
        ("THE BOMB WENT OFF IN BERLIN, WHERE GERMANY HOLDS TALKS.", True, ("GERMANY", "BERLIN")),
        # a sentence giving the toll names the town: the scene wherever it was filed
        ("THIRTEEN PEOPLE DIED IN BERLIN WHEN THE BOMB WENT OFF.", False, ("GERMANY", "BERLIN")),
    ],
)
def test_muc_a_scene_town_abroad_stays_where_the_text_supports_it(
    text: str, country_named: bool, expected: tuple[str, str]
) -> None:
    berlin = said(text, "where", "BERLIN", _town("Berlin", "Germany", "DE"))
    where = [berlin]
    if country_named:
        where.append(said(text, "where", "GERMANY", _country("Germany", "DE", "mentioned")))
    tolls = []
    if not country_named:
        killed = Casualties(category="killed", exact=13)
        tolls.append(said(text, "casualties", "THIRTEEN PEOPLE DIED", killed))
    slot = _slot(text, where, filed="SAN SALVADOR", casualties=tolls)
    assert (slot.country, slot.place) == expected


# -- a country something comes from is not the scene -------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Information received from the United States says the bomb was theirs.", "EL SALVADOR"),
        ("The bomb that exploded in the United States was theirs.", "UNITED STATES"),
    ],
)
def test_muc_a_country_something_came_from_is_not_the_scene(
    upper: bool, sentence: str, expected: str
) -> None:
    text = cased(sentence, upper)
    us = said(text, "where", cased("the United States", upper), _country("United States", "US"))
    slot = _slot(text, [us], filed="SAN SALVADOR")
    assert slot.country == expected
