"""The MUC-4 date and location slots of hand-made reports (incidex.evaluate.to_muc_slots), and
the places and dates the components read in small mixed- and upper-case texts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from _records import cased, said

from incidex.evaluate import to_muc_slots
from incidex.model import (
    Article,
    ArticleResult,
    EventType,
    IncidentReport,
    Place,
    Precision,
    Victim,
    When,
)

BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)


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


# -- places the gazetteer lacks, named as a local unit ----------------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # the unit inside the place the component recorded
        ("Bombs hit a bus near La Tiendita canton, Tecoluca.", "La Tiendita canton", "LA TIENDITA"),
        (
            "Bombs hit the residence in the Escalon neighborhood.",
            "the Escalon neighborhood",
            "ESCALON",
        ),
        # the unit just after it
        ("Bombs exploded at La Fonda corregimiento, Patia.", "La Fonda", "LA FONDA"),
        # a description is no name
        ("Bombs destroyed a peasant village.", "a peasant village", None),
    ],
)
def test_muc_place_a_local_unit_the_gazetteer_lacks_is_the_place(
    text: str, value: str, expected: str | None, upper: bool
) -> None:
    text, value = cased(text, upper), cased(value, upper)
    unplaced = Place(role="scene", name=value, precision=5)
    [slot] = _slots(text, [said(text, "where", value, unplaced)], filed="SAN SALVADOR")
    # its country is the filing country's when the text names no other scene
    assert (slot.country, slot.place) == ("EL SALVADOR", expected)


@pytest.mark.parametrize("upper", [False, True])
def test_muc_place_a_local_unit_the_component_put_in_a_town_is_the_place(upper: bool) -> None:
    # the component read the canton as a venue and put it in a town named in another sentence
    text = cased(
        "Bombs hit a bus near La Tiendita canton. The wounded were taken to Zacatecoluca.",
        upper,
    )
    value = cased("La Tiendita canton", upper)
    venue = _salvadoran(value, "Zacatecoluca").model_copy(
        update={"role": "scene", "venue": value.lower()}
    )
    [slot] = _slots(text, [said(text, "where", value, venue)], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", "LA TIENDITA")


def test_muc_place_a_local_unit_takes_the_country_of_the_scene_the_text_names() -> None:
    text = "Bombs exploded in Ecuador. One person was killed in Tulcan, Carchi province."
    carchi = Place(role="scene", name="Carchi province", precision=5)
    ecuador = Place(role="scene", name="Ecuador", country="Ecuador", country_code="EC")
    where = [
        said(text, "where", "Ecuador", ecuador),
        said(text, "where", "Carchi province", carchi),
    ]
    [slot] = _slots(text, where, filed="BOGOTA")
    assert (slot.country, slot.place) == ("ECUADOR", "CARCHI")


# -- a place named as someone's office or home is not the scene ------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Bombs were condemned by the archbishop of San Salvador today.", "San Salvador"),
        ("Bombs were bought by a man who is a native of Medellin.", "Medellin"),
    ],
)
def test_muc_place_of_someones_office_or_home_is_not_the_place(
    text: str, value: str, upper: bool
) -> None:
    text, value = cased(text, upper), cased(value, upper)
    city = "Medellín" if "edellin" in value.lower() else "San Salvador"
    country, code = ("Colombia", "CO") if city == "Medellín" else ("El Salvador", "SV")
    mentioned = Place(
        role="mentioned", name=value, city=city, country=country, country_code=code, precision=1
    )
    [slot] = _slots(text, [said(text, "where", value, mentioned)])
    assert slot.place is None
    # where something happened in the same city is still the place
    text = cased(f"Bombs exploded in the streets of {city} today.", upper)
    value = cased(city, upper)
    [slot] = _slots(
        text, [said(text, "where", value, mentioned.model_copy(update={"name": value}))]
    )
    assert slot.place == value.upper().replace("Í", "I")


# -- a further incident of a message takes its own sentences' place ---------------------------


def test_muc_a_further_incident_is_where_its_own_sentences_place_it() -> None:
    text = (
        "GUERRILLAS KIDNAPPED A JUDGE IN SAN MIGUEL. "
        "IN ANOTHER INCIDENT, A BOMB EXPLODED IN USULUTAN."
    )

    def town(name: str) -> Any:
        place = Place(
            role="scene",
            name=name,
            city=name.title(),
            country="El Salvador",
            country_code="SV",
            precision=1,
        )
        return said(text, "where", name, place)

    types = [said(text, "types", "KIDNAPPED", KIDNAPPING), said(text, "types", "BOMB", BOMBING)]
    judge = [said(text, "victims", "A JUDGE", Victim(description="judge", fate="kidnapped"))]
    kidnapping, bombing = _slots(
        text, [town("SAN MIGUEL"), town("USULUTAN")], types=types, victims=judge
    )
    assert (kidnapping.incident_type, kidnapping.place) == ("KIDNAPPING", "SAN MIGUEL")
    assert (bombing.incident_type, bombing.place) == ("BOMBING", "USULUTAN")


# -- components: towns the entity recogniser misses, dates that are names ---------------------


def _run(nlp: Any, text: str) -> IncidentReport:
    from incidex.nlp.extract import extract

    result = extract(text, published="1989-10-18T12:00:00+00:00", source="EFE", nlp=nlp)
    return result.incidents[0] if result.incidents else IncidentReport(article_id="none")


def _cities(nlp: Any, text: str) -> set[tuple[str | None, str | None]]:
    return {(a.normalized.city, a.normalized.country_code) for a in _run(nlp, text).where}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "city", "code"),
    [
        ("Terrorists set fire to a bus in Tecoluca, El Salvador, killing two.", "Tecoluca", "SV"),
        # a nationality names its country: Peru is never named
        (
            "A bomb exploded early this morning in the Peruvian town of Yunguyo, on the border "
            "with Bolivia, Peruvian police reported.",
            "Yunguyo",
            "PE",
        ),
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
    found = _cities(nlp, cased(text, upper))
    assert (city, code) in found, found


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "city", "code"),
    [
        # the parser hangs the town on the unit noun ("tulcan" amod of "province")
        (
            "Bombs exploded in Ecuador. One person was killed in Tulcan, Carchi province.",
            "Tulcán",
            "EC",
        ),
        (
            "Incendiary bombs were hurled at a Mormon temple at Nunoa district, in Santiago, "
            "Chile.",
            "Ñuñoa",
            "CL",
        ),
    ],
)
def test_a_town_named_with_its_unit_is_a_scene(
    nlp: Any, text: str, city: str, code: str, upper: bool
) -> None:
    scenes = {
        (a.normalized.city, a.normalized.country_code)
        for a in _run(nlp, cased(text, upper)).where
        if a.normalized.role == "scene"
    }
    assert (city, code) in scenes, scenes


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_division_named_like_a_city_abroad_is_no_scene_there(nlp: Any, upper: bool) -> None:
    # "Cordoba department" is Colombia's; the gazetteer holds only the Argentine city
    text = "Gunmen killed a union leader today in Cordoba department, in the northwest of Colombia."
    report = _run(nlp, cased(text, upper))
    scenes = [(a.value, a.normalized.country_code) for a in report.where]
    assert not any(
        a.normalized.role == "scene" and a.normalized.country_code == "AR" for a in report.where
    ), scenes


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_neighborhood_named_like_a_town_abroad_is_an_unplaced_scene(
    nlp: Any, upper: bool
) -> None:
    # San Miguelito is a town in Panama too; here it is a neighbourhood of San Salvador
    text = (
        "A bomb killed the attorney general at an intersection in San Miguelito neighborhood, "
        "north of San Salvador."
    )
    report = _run(nlp, cased(text, upper))
    [place] = [a.normalized for a in report.where if "miguelito" in a.value.lower()]
    assert (place.role, place.country_code, place.city) == ("scene", None, None)


@pytest.mark.slow
def test_a_local_unit_read_as_a_venue_is_in_no_city(nlp: Any) -> None:
    # wire copy: the recogniser tags the canton a facility; it is a place of its own, not
    # a building of the town named before it
    text = (
        "TERRORISTS ATTACKED A BUS IN ZACATECOLUCA, EL SALVADOR. THE BUS WAS ATTACKED ON THE "
        "COASTAL HIGHWAY NEAR LA TIENDITA CANTON, TECOLUCA JURISDICTION."
    )
    report = _run(nlp, text)
    canton = [a.normalized for a in report.where if "TIENDITA" in a.value]
    assert canton, [a.value for a in report.where]
    assert all(p.city is None and p.country_code == "SV" for p in canton), canton


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_common_noun_after_a_determiner_is_no_town(nlp: Any, upper: bool) -> None:
    # "Temple" and "Area" are towns in the United States, which the text names
    text = (
        "U.S. officials said that last year dynamite was placed at a temple in the same area "
        "of Colombia, where guerrillas attacked a farm."
    )
    report = _run(nlp, cased(text, upper))
    assert not any(a.normalized.country_code == "US" and a.normalized.city for a in report.where)


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_date_opening_a_group_name_is_no_date(nlp: Any, upper: bool) -> None:
    text = (
        "Carlos Pizarro, leader of the 19 April Movement (M-19), was shot dead on a plane "
        "on Thursday."
    )
    report = _run(nlp, cased(text, upper))
    dates = {a.normalized.date for a in report.when}
    assert dt.date(1989, 4, 19) not in dates, dates
    assert dt.date(1989, 10, 12) in dates, dates  # the Thursday before the publication day


def test_muc_date_is_unchanged_by_the_places() -> None:
    # the date slot reads the report's dates: a local unit does not change it
    text = "Bombs hit a bus near La Tiendita canton yesterday."
    unplaced = Place(role="scene", name="La Tiendita canton", precision=5)
    day = When(date=dt.date(1989, 12, 8), precision=Precision.day, relative=True)
    [slot] = _slots(
        text,
        [said(text, "where", "La Tiendita canton", unplaced)],
        filed="SAN SALVADOR",
        when=[said(text, "when", "yesterday", day)],
    )
    assert (slot.date, slot.place) == (dt.date(1989, 12, 8), "LA TIENDITA")


@pytest.mark.parametrize(
    ("name", "prefer", "code"),
    [
        # the United States named more often than Colombia: still Bogotá, not New Jersey's
        ("Bogota", ("US", "CO"), "CO"),
        ("BOGOTA", ("CO", "US"), "CO"),
        # a namesake of about the same size: the country named most
        ("San Miguel", ("SV", "PE"), "SV"),
        ("San Miguel", ("PE", "SV"), "PE"),
    ],
)
def test_a_far_bigger_namesake_in_a_named_country_wins(
    name: str, prefer: tuple[str, ...], code: str
) -> None:
    from incidex.nlp.gazetteer import default_gazetteer

    city = default_gazetteer().city(name, prefer=prefer)
    assert city is not None and city.country_code == code


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "city", "code", "upper"),
    [
        # a small town of a country the text does not name, beside another country named:
        # Arras and Annecy are the French ones, whatever the suspects' origins
        (
            "A teacher was stabbed to death at a school in Arras on Friday. The suspect, a "
            "former pupil of Chechen origin born in Russia, was arrested, police said.",
            "Arras",
            "FR",
            False,
        ),
        (
            "A man armed with a knife attacked children in a park in Annecy on Thursday. The "
            "suspect is a Syrian refugee who had been granted asylum in Sweden.",
            "Annecy",
            "FR",
            False,
        ),
        # a state names its country (in upper case the recogniser misses the town anyway)
        (
            "A gunman opened fire at a school in Uvalde, Texas, killing 21 people. Mexico's "
            "president sent condolences.",
            "Uvalde",
            "US",
            False,
        ),
        # a city of 100,000 people or more names itself
        *(
            (
                "Police in Bogota, Colombia, said the bomb maker was arrested in Miami.",
                "Miami",
                "US",
                upper,
            )
            for upper in (False, True)
        ),
    ],
)
def test_a_town_abroad_keeps_its_country(
    nlp: Any, text: str, city: str, code: str, upper: bool
) -> None:
    found = _cities(nlp, cased(text, upper))
    assert (city, code) in found, found


def _salvadoran(name: str, city: str) -> Place:
    """A town of El Salvador the text mentions (no scene), as the places component records it."""
    return Place(
        role="mentioned",
        name=name,
        city=city,
        country="El Salvador",
        country_code="SV",
        precision=1,
    )


# -- the dateline city the text names, when no other place of its country is told ---------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "filed", "place"),
    [
        ("Bombs went off at a bus stop, the La Paz police said.", "LA PAZ", "LA PAZ"),
        # named only as the archbishop's see: no place (the country only)
        ("Bombs were condemned by the archbishop of San Salvador today.", "SAN SALVADOR", None),
        # not named: the country only
        ("Bombs went off at a bus stop, the police said.", "SAN SALVADOR", None),
        # pointed at: "here", and "the capital" where the dateline city is the capital
        ("Two bombs went off here at a bus stop.", "SAN SALVADOR", "SAN SALVADOR"),
        ("Two bombs went off at a bus stop in this capital.", "SAN SALVADOR", "SAN SALVADOR"),
        # filed elsewhere, "the capital" is still the country's
        ("Two bombs went off at a bus stop in the capital.", "SAN MIGUEL", "SAN SALVADOR"),
        # where it was said or where someone was going is no scene
        (
            "Bombs went off at a bus stop, the police reported in San Salvador.",
            "SAN SALVADOR",
            None,
        ),
        ("Bombs went off as he drove to San Salvador.", "SAN SALVADOR", None),
        # "here is" opens a report, "here in" names the place meant
        ("Here is a report on two bombs at a bus stop.", "SAN SALVADOR", None),
        ("Here's what we know: two bombs went off at a bus stop.", "SAN SALVADOR", None),
        (
            "Two bombs went off at a bus stop, police reported in this capital.",
            "SAN SALVADOR",
            None,
        ),
        # "next to" is where, not where someone went; "said that in" is no place said at
        ("Bombs went off next to San Salvador's cathedral.", "SAN SALVADOR", "SAN SALVADOR"),
        ("Police said that in San Salvador two bombs went off.", "SAN SALVADOR", "SAN SALVADOR"),
        ("Bombs went off at bus stops here in El Salvador.", "SAN SALVADOR", None),
    ],
)
def test_muc_place_is_the_dateline_city_the_text_names(
    text: str, filed: str, place: str | None, upper: bool
) -> None:
    [slot] = _slots(cased(text, upper), [], filed=filed)
    assert slot.place == place


@pytest.mark.parametrize("upper", [False, True])
def test_muc_place_a_town_of_the_filing_country_beats_the_dateline_city(upper: bool) -> None:
    text = cased("Bombs went off in Apopa, north of San Salvador.", upper)
    value = cased("Apopa", upper)
    apopa = _salvadoran(value, "Apopa")
    [slot] = _slots(text, [said(text, "where", value, apopa)], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", "APOPA")


# -- the dateline city only where the incident's sentences name it ----------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "asserted", "place"),
    [
        # the report's city, named only where the text tells of something else: the country
        ("Bombs went off at a bus stop. Ungo left San Salvador on Tuesday.", False, None),
        ("Bombs went off at a bus stop. Ungo left San Salvador on Tuesday.", True, None),
        # named in the sentence telling of the incident: the place
        (
            "Bombs went off at a bus stop in San Salvador. Ungo left on Tuesday.",
            False,
            "SAN SALVADOR",
        ),
        (
            "Bombs went off at a bus stop in San Salvador. Ungo left on Tuesday.",
            True,
            "SAN SALVADOR",
        ),
    ],
)
def test_muc_place_is_the_dateline_city_only_where_the_incident_is_told(
    text: str, asserted: bool, place: str | None, upper: bool
) -> None:
    text = cased(text, upper)
    value = cased("San Salvador", upper)
    city = _salvadoran(value, "San Salvador")
    where = [said(text, "where", value, city)] if asserted else []
    [slot] = _slots(text, where, filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", place)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "place"),
    [
        # another town of the report's country, named only where something else is told
        ("Bombs went off at a bus stop. The mayor fled to Apopa on Tuesday.", None),
        ("Bombs went off at a bus stop near Apopa. The mayor fled on Tuesday.", "APOPA"),
    ],
)
def test_muc_place_a_town_of_the_filing_country_only_where_the_incident_is_told(
    text: str, place: str | None, upper: bool
) -> None:
    text = cased(text, upper)
    value = cased("Apopa", upper)
    apopa = _salvadoran(value, "Apopa")
    [slot] = _slots(text, [said(text, "where", value, apopa)], filed="SAN SALVADOR")
    assert (slot.country, slot.place) == ("EL SALVADOR", place)


# -- each incident of a split message its own place ------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
def test_muc_place_of_the_first_incident_is_told_in_its_own_sentences(upper: bool) -> None:
    # the kidnapping's town is a scene, the bombing's only mentioned: the bombing keeps its own
    text = cased(
        "A bomb exploded at the town hall of Apopa. "
        "Meanwhile, guerrillas kidnapped Juan Perez in Usulutan.",
        upper,
    )
    apopa, usulutan, perez = (cased(w, upper) for w in ("Apopa", "Usulutan", "Juan Perez"))
    where = [
        said(text, "where", apopa, _salvadoran(apopa, "Apopa")),
        said(
            text,
            "where",
            usulutan,
            _salvadoran(usulutan, "Usulután").model_copy(update={"role": "scene"}),
        ),
    ]
    types = [
        said(text, "types", cased("bomb", upper), BOMBING),
        said(text, "types", cased("kidnapped", upper), KIDNAPPING),
    ]
    victims = [said(text, "victims", perez, Victim(names=[perez], fate="kidnapped"))]
    slots = _slots(text, where, filed="SAN SALVADOR", types=types, victims=victims)
    assert [(s.incident_type, s.place) for s in slots] == [
        ("BOMBING", "APOPA"),
        ("KIDNAPPING", "USULUTAN"),
    ]


@pytest.mark.parametrize("upper", [False, True])
def test_muc_place_the_dateline_city_is_finer_than_a_country_scene(upper: bool) -> None:
    text = cased("Bombs killed a diplomat in Guatemala, near a stadium of this capital.", upper)
    value = cased("Guatemala", upper)
    country = Place(role="scene", name=value, country="Guatemala", country_code="GT")
    [slot] = _slots(text, [said(text, "where", value, country)], filed="GUATEMALA CITY")
    assert (slot.country, slot.place) == ("GUATEMALA", "GUATEMALA CITY")


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "place"),
    [
        # the incident told "in the capital" of a country-level scene: its capital
        ("Bombs exploded in the capital of El Salvador last night.", None),  # "capital of"
        ("In El Salvador, bombs exploded in the capital last night.", "SAN SALVADOR"),
        # the capital as a noun's ("the mayor of the capital"), or where it was reported
        ("In El Salvador, bombs hit the home of the mayor of the capital.", None),
        ("In El Salvador, bombs exploded, it was reported in the capital.", None),
        ("In El Salvador, bombs exploded in the capital city of Chalatenango.", None),
    ],
)
def test_muc_place_a_country_scene_told_in_the_capital_is_its_capital(
    text: str, place: str | None, upper: bool
) -> None:
    text = cased(text, upper)
    value = cased("El Salvador", upper)
    country = Place(role="scene", name=value, country="El Salvador", country_code="SV")
    [slot] = _slots(text, [said(text, "where", value, country)])
    assert (slot.country, slot.place) == ("EL SALVADOR", place)


def test_the_capital_is_the_seat_of_government_reports_mean() -> None:
    from incidex.nlp.gazetteer import default_gazetteer

    capital = default_gazetteer().capital("BO")
    assert capital is not None and capital.name == "La Paz"  # GeoNames lists Sucre


@pytest.mark.parametrize("upper", [False, True])
def test_muc_place_a_country_only_mentioned_gets_no_capital(upper: bool) -> None:
    text = cased("Two bombs exploded in the capital. The United States condemned it.", upper)
    value = cased("The United States", upper)
    mentioned = Place(role="mentioned", name=value, country="United States", country_code="US")
    [slot] = _slots(text, [said(text, "where", value, mentioned)])
    assert (slot.country, slot.place) == ("UNITED STATES", None)


# -- a town alone in a country the text never names ---------------------------------------------


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("town", "city", "country", "code", "expected"),
    [
        # "Santa" read as Santa, Ivory Coast: a country the text never names
        ("Santa", "Santa", "Ivory Coast", "CI", ("COLOMBIA", None)),
        # a town of a country the text names is finer than the country
        ("Cali", "Cali", "Colombia", "CO", ("COLOMBIA", "CALI")),
        # a big city names its country itself
        ("Madrid", "Madrid", "Spain", "ES", ("SPAIN", "MADRID")),
    ],
)
def test_muc_place_a_town_alone_in_an_unnamed_country_comes_after_the_named_ones(
    town: str,
    city: str,
    country: str,
    code: str,
    expected: tuple[str, str | None],
    upper: bool,
) -> None:
    # filed abroad ("SOFIA (BULGARIA)"): no dateline place to fall back on
    text = cased(f"Bombs went off in Colombia. The {town} police chief resigned.", upper)
    colombia = Place(role="mentioned", name="Colombia", country="Colombia", country_code="CO")
    found = Place(
        role="mentioned", name=town, city=city, country=country, country_code=code, precision=1
    )
    where = [
        said(text, "where", cased("Colombia", upper), colombia),
        said(text, "where", cased(town, upper), found),
    ]
    [slot] = _slots(text, where)
    assert (slot.country, slot.place) == expected
