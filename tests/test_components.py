"""Each pipeline component on short texts written for the test."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from incidex.model import IncidentReport, Stance
from incidex.nlp.components.when import parse_clock
from incidex.nlp.dateline import parse_dateline
from incidex.nlp.gazetteer import default_gazetteer


def run(
    nlp: Any,
    text: str,
    published: str | None = "2024-03-25T12:00:00+00:00",
    source: str | None = "Test Wire",
) -> IncidentReport:
    from incidex.nlp.extract import extract

    result = extract(text, published=published, source=source, nlp=nlp)
    return result.incidents[0] if result.incidents else IncidentReport(article_id="none")


# ---- pure helpers (no model) ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6:54 p.m.", dt.time(18, 54)),
        ("around 7:58 pm", dt.time(19, 58)),
        ("18:54", dt.time(18, 54)),
        ("2300", dt.time(23, 0)),
        ("12 a.m.", dt.time(0, 0)),
        ("noon", dt.time(12, 0)),
        ("7", None),  # a bare number is not a time
        ("25:10", None),
    ],
)
def test_parse_clock(text: str, expected: dt.time | None) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    ("text", "place", "outlet", "date"),
    [
        ("BOSTON (Example Wire) - Two bombs", "BOSTON", "Example Wire", None),
        ("COTABATO CITY, Philippines - Police", "COTABATO CITY", None, None),
        (
            "LIMA, 14 APR 90 (EXAMPLE WIRE) -- [TEXT] A",
            "LIMA",
            "EXAMPLE WIRE",
            dt.date(1990, 4, 14),
        ),
    ],
)
def test_dateline(text: str, place: str, outlet: str | None, date: dt.date | None) -> None:
    dateline = parse_dateline(text)
    assert dateline is not None
    assert (dateline.place, dateline.outlet, dateline.date) == (place, outlet, date)


@pytest.mark.parametrize("text", ["Police said - nothing more", "A recent poster has emerged"])
def test_not_a_dateline(text: str) -> None:
    assert parse_dateline(text) is None


def test_cached_document_views_match_spacy() -> None:
    """The per-document caches the components share (sentences, entities, text, lemmas,
    the extensions read straight from ``user_data``) agree with spaCy's own answers."""
    import spacy
    from spacy.tokens import Doc

    from incidex.nlp import _doc

    _doc.ensure_extensions()
    words = ["Gunmen", "KILLED", "two", "men", "in", "Kabul", ".", "Police", "said", "so", "."]
    doc = Doc(
        spacy.blank("en").vocab,
        words=words,
        spaces=[True] * 5 + [False, True] * 3,
        sent_starts=[True] + [False] * 6 + [True] + [False] * 3,
        lemmas=["gunman", "KILL", "two", "man", "in", "Kabul", ".", "police", "say", "so", "."],
        ents=["O", "O", "O", "O", "O", "B-GPE", "O", "O", "O", "O", "O"],
    )
    infos = _doc.sent_info(doc)
    assert doc._.sent_infos is infos  # where spaCy keeps the extension's value
    assert [s.text for s in _doc.sentences(doc)] == [s.text for s in doc.sents]
    assert _doc.doc_text(doc) == doc.text
    assert _doc.lemmas(doc) == [t.lemma_.lower() for t in doc]
    assert _doc.lowers(doc) == [t.lower_ for t in doc]
    assert [t.text for t in _doc.tokens(doc)] == words
    assert _doc.ents(doc) == doc.ents and doc._.ent_cache is not None
    assert _doc.sent_bounds(doc, 8) == (doc[8].sent.start, doc[8].sent.end)
    for span in (doc[1:3], doc[5:9], doc[7:8]):
        assert _doc.span_sentence(span) == span.sent
    doc._.article = None
    assert _doc.article_of(doc) is None


def test_gazetteer_prefers_the_country_the_text_names() -> None:
    gaz = default_gazetteer()
    assert gaz.city("Moscow").country_code == "RU"  # type: ignore[union-attr]
    assert gaz.city("Reading", prefer=("GB",)).country_code == "GB"  # type: ignore[union-attr]
    assert gaz.country("the United States").code == "US"  # type: ignore[union-attr]


# ---- components through the pipeline ----

pytestmark_slow = pytest.mark.slow


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "category", "values"),
    [
        (
            "Gunmen attacked the hall, resulting in at least 137 deaths.",
            "killed",
            {"low": 137, "qualifier": "at least"},
        ),
        (
            "A bomb exploded in the market, killing 12 people and wounding 30.",
            "wounded",
            {"exact": 30},
        ),
        (
            "A bomb exploded in the market, killing 12 people and wounding 30.",
            "killed",
            {"exact": 12},
        ),
        ("The death toll from the bombing rose to 40, officials said.", "killed", {"exact": 40}),
        ("Dozens were wounded when the bomb exploded.", "wounded", {"estimate": 12, "vague": True}),
        (
            "Militants attacked the post, killing five policemen and two civilians.",
            "killed",
            {"exact": 7, "qualifier": "total"},
        ),
        (
            "Gunmen opened fire at the rally; between 20 and 30 people were killed.",
            "killed",
            {"low": 20, "high": 30},
        ),
        (
            "Three of the attackers were killed in the shootout with police.",
            "perpetrators_killed",
            {"exact": 3},
        ),
        ("A fire was set deliberately at the mosque. No one was injured.", "wounded", {"exact": 0}),
    ],
)
def test_casualties(nlp: Any, text: str, category: str, values: dict[str, Any]) -> None:
    report = run(nlp, text)
    found = [a.normalized for a in report.casualties if a.normalized.category == category]
    assert any(all(getattr(c, k) == v for k, v in values.items()) for c in found), found


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Gunmen stormed the 6,200-seat hall, which can host up to 6,200 guests.",
        "The attackers left over 500 spent cartridges at the scene of the shooting.",
        "The 24-year-old gunman opened fire in the 2019 attack.",
        "No group has claimed the bombing, in which nobody was killed, police said.",
    ],
)
def test_numbers_that_are_not_casualties(nlp: Any, text: str) -> None:
    report = run(nlp, text)
    figures = {
        v
        for a in report.casualties
        for v in (a.normalized.exact, a.normalized.low, a.normalized.high, a.normalized.estimate)
    }
    assert not figures - {0, None}, figures


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_figure_counting_the_blasts_is_not_a_casualty(nlp: Any, upper: bool) -> None:
    text = (
        "Two soldiers were killed in three explosions near the border on Friday. "
        "A bomb killed 12 people in two villages."
    )
    report = run(nlp, text.upper() if upper else text)
    killed = {a.normalized.exact for a in report.casualties if a.normalized.category == "killed"}
    assert 3 not in killed and 12 in killed


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_group_or_nationality_between_figure_and_noun(nlp: Any, upper: bool) -> None:
    text = (
        "Seven Taliban militants were killed when their bomb exploded in Kandahar on Friday. "
        "In another blast, 23 Afghan soldiers were wounded."
    )
    report = run(nlp, text.upper() if upper else text)
    found = {(a.normalized.category, a.normalized.exact) for a in report.casualties}
    assert {("perpetrators_killed", 7), ("wounded", 23)} <= found, found


@pytest.mark.slow
def test_relative_date_resolved_against_publication(nlp: Any) -> None:
    # published on a Monday; "on Friday" is three days before, "on Monday" the same day
    report = run(
        nlp,
        "Gunmen attacked a police post on Friday, killing two officers.",
        published="2024-03-25T09:00:00+00:00",
    )
    assert {a.normalized.date for a in report.when} == {dt.date(2024, 3, 22)}
    report = run(
        nlp,
        "Gunmen attacked a police post on Monday, killing two officers.",
        published="2024-03-25T20:00:00+00:00",
    )
    assert {a.normalized.date for a in report.when} == {dt.date(2024, 3, 25)}


@pytest.mark.slow
def test_no_date_is_invented_without_publication_date(nlp: Any) -> None:
    report = run(
        nlp, "Gunmen attacked a police post on Friday, killing two officers.", published=None
    )
    assert report.when == []


@pytest.mark.slow
@pytest.mark.parametrize("count", ["58", "42"])
def test_a_casualty_count_is_not_a_year(nlp: Any, count: str) -> None:
    report = run(
        nlp,
        f"A suicide bomber struck a mosque in Kabul, killing 29 people and wounding {count}, "
        "officials said.",
    )
    assert all(a.value != count for a in report.when), [a.value for a in report.when]


@pytest.mark.slow
def test_founding_date_is_not_the_incident_date(nlp: Any) -> None:
    report = run(
        nlp,
        "The group, formed in Afghanistan in late 2014, attacked a police post "
        "in Kabul on Friday, killing two officers.",
    )
    assert all(
        a.normalized.date != dt.date(2014, 12, 1)
        and (a.normalized.date is None or a.normalized.date.year == 2024)
        for a in report.when
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "place", "role"),
    [
        (
            "Police said the attackers who bombed the market in Kabul were heading to Pakistan.",
            "Pakistan",
            "destination",
        ),
        ("A bomb exploded at a bus station in Kabul, killing 12 people.", "Kabul", "scene"),
        (
            "The group, formed in Syria in 2012, bombed a market in Baghdad, killing 9 people.",
            "Syria",
            "mentioned",
        ),
    ],
)
def test_place_roles(nlp: Any, text: str, place: str, role: str) -> None:
    report = run(nlp, text)
    roles = {(a.normalized.name, a.normalized.role) for a in report.where}
    assert (place, role) in roles, roles


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_an_arrest_story_keeps_the_scene_of_the_attacks_it_names(nlp: Any, upper: bool) -> None:
    """In a follow-up about arrests, "Friday's attacks in Paris" still places the attacks, and
    the venue named later is in Paris, not in the suburb where a car turned up; the raids'
    district is no scene."""
    text = (
        "Police have arrested seven people in raids in the Brussels district of Molenbeek over "
        "links to Friday's attacks in Paris, prosecutors said on Sunday. A car was found near "
        "the Bataclan concert hall, where gunmen killed dozens of people, and a second car "
        "turned up on Sunday in the eastern suburb of Montreuil."
    )
    report = run(nlp, text.upper() if upper else text)
    scenes = {
        (a.normalized.city, a.normalized.venue)
        for a in report.where
        if a.normalized.role == "scene"
    }
    assert ("Paris", None) in scenes, scenes
    assert all(city != "Montreuil" for city, venue in scenes if venue), scenes
    assert all(city != "Brussels" for city, _ in scenes), scenes


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_country_after_with_is_a_partner_not_the_scene(nlp: Any, upper: bool) -> None:
    text = (
        "A suicide bomber killed 22 people at a concert in Manchester, England. Police stopped "
        "sharing the bomb inquiry with the United States after photographs leaked."
    )
    report = run(nlp, text.upper() if upper else text)
    roles = {a.normalized.role for a in report.where if "united states" in a.value.lower()}
    assert roles == {"mentioned"}, roles


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_big_city_named_points_at_its_country(nlp: Any, upper: bool) -> None:
    # Saint-Denis is a French city and a Belgian village; the text names Belgium once, and
    # Paris, a French city
    text = (
        "Gunmen killed 130 people in Paris. Police later raided an apartment in Saint-Denis, "
        "where the organiser, who had lived in Belgium, was killed."
    )
    report = run(nlp, text.upper() if upper else text)
    found = {a.normalized.city: a.normalized.country_code for a in report.where}
    assert found.get("Saint-Denis") == "FR", found
    # where someone once lived is background, not a scene of the attack
    belgium = {a.normalized.role for a in report.where if a.normalized.country_code == "BE"}
    assert belgium == {"mentioned"}, belgium


@pytest.mark.slow
def test_a_country_named_with_a_possessive_is_that_country(nlp: Any) -> None:
    # in upper-case wire copy the recogniser may keep the "'S" in the name
    text = "GUERRILLAS KILLED THE RECTOR OF EL SALVADOR'S CATHOLIC UNIVERSITY TODAY."
    report = run(nlp, text)
    found = {a.value: a.normalized.country_code for a in report.where}
    assert found.get("EL SALVADOR'S") == "SV", found


@pytest.mark.slow
def test_a_name_ending_in_s_is_looked_up_whole_first(nlp: Any) -> None:
    report = run(nlp, "A gunman opened fire in St. John's, Newfoundland, Canada, killing two.")
    found = {a.value: a.normalized.country_code for a in report.where}
    assert found.get("St. John's") == "CA", found


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "value", "country"),
    [
        # "a Jenin neighborhood": the town the unit is in, with its country
        ("Israeli troops killed two men in a Jenin neighborhood on Monday.", "Jenin", "PS"),
        # "San Miguelito neighborhood" in a text on El Salvador: the unit's own name, unplaced
        (
            "Gunmen killed two people in San Miguelito neighborhood, El Salvador.",
            "San Miguelito",
            None,
        ),
    ],
)
def test_a_name_before_a_unit_noun_is_the_town_around_it_or_the_units_own(
    nlp: Any, text: str, value: str, country: str | None
) -> None:
    report = run(nlp, text)
    found = {a.value: a.normalized.country_code for a in report.where}
    assert value in found and found[value] == country, found


@pytest.mark.slow
def test_a_venue_ending_in_a_unit_noun_keeps_the_city_named_beside_it(nlp: Any) -> None:
    report = run(nlp, "A bomb exploded at the Olympic Village in Rio de Janeiro, killing two.")
    venues = {a.normalized.venue: a.normalized.city for a in report.where if a.normalized.venue}
    assert venues.get("Olympic Village") == "Rio de Janeiro", venues


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_compass_part_of_a_city_is_in_that_city(nlp: Any, upper: bool) -> None:
    # the recogniser may take "western" into the name: the gazetteer still knows the city
    text = "A senator was kidnapped on Monday at a street corner in western Medellin."
    report = run(nlp, text.upper() if upper else text)
    found = {
        (a.normalized.city, a.normalized.country_code, a.normalized.role) for a in report.where
    }
    assert ("Medellín", "CO", "scene") in found, found


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_half_of_a_hyphenated_name_is_no_place(nlp: Any, upper: bool) -> None:
    # the recogniser cuts "North Rhine-Westphalia" at the hyphen; "Westphalia" alone is a
    # town in Maryland
    text = (
        "A man with a knife attacked people at a festival in Solingen, Germany, killing "
        "three, North Rhine-Westphalia's interior minister Herbert Reul said."
    )
    report = run(nlp, text.upper() if upper else text)
    assert {a.normalized.country_code for a in report.where} == {"DE"}
    assert not any("westphalia" in a.value.lower() for a in report.where)


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_city_the_recogniser_calls_an_organisation_is_still_the_scene(
    nlp: Any, upper: bool
) -> None:
    # en_core_web_sm tags "Bamako" ORG here
    text = "Gunmen attacked a hotel in Bamako on Friday, killing 12 people."
    report = run(nlp, text.upper() if upper else text)
    assert {(a.normalized.city, a.normalized.role) for a in report.where} == {("Bamako", "scene")}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "country", "city"),
    [
        # the recogniser cuts "Guinea-Bissau" at the hyphen; "Guinea" alone is another country
        (
            "Gunmen attacked a police station in Guinea-Bissau's capital on Friday, killing 3.",
            "GW",
            "Bissau",
        ),
        ("GUNMEN ATTACKED A HOTEL IN MALI'S CAPITAL ON FRIDAY, KILLING 20 PEOPLE.", "ML", "Bamako"),
    ],
)
def test_a_countrys_capital_is_its_capital_city(
    nlp: Any, text: str, country: str, city: str
) -> None:
    report = run(nlp, text)
    scenes = {(a.normalized.country_code, a.normalized.city) for a in report.where}
    assert scenes == {(country, city)}
    assert {a.normalized.role for a in report.where} == {"scene"}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "place", "role"),
    [
        (
            "Police in the city of Lyon were searching for a man after a blast at a bakery.",
            "Lyon",
            "mentioned",
        ),
        (
            "A citizen of Kyrgyzstan pleaded not guilty over the marathon bombing.",
            "Kyrgyzstan",
            "mentioned",
        ),
        ("Gunmen in Kabul opened fire on a police post on Friday.", "Kabul", "scene"),
        ("Shootings in Belfast continued overnight, killing a man.", "Belfast", "scene"),
    ],
)
def test_a_place_of_a_subject_doing_something_else_is_no_scene(
    nlp: Any, upper: bool, text: str, place: str, role: str
) -> None:
    report = run(nlp, _upper(text, upper))
    roles = {(a.normalized.name.lower(), a.normalized.role) for a in report.where}
    assert (place.lower(), role) in roles, roles


@pytest.mark.slow
def test_a_venue_is_in_the_city_its_own_sentence_names(nlp: Any) -> None:
    """A second attack told in another sentence: its venue is not put in the first city."""
    text = (
        "Gunmen stormed a school in the town of Chibok on Monday night and kidnapped 200 girls. "
        "Hours earlier, a bomb at a crowded bus station on the outskirts of the capital, Abuja, "
        "killed at least 71 people."
    )
    from incidex.nlp.extract import extract

    result = extract(text, published="2014-04-15", source="Test Wire", nlp=nlp)
    venues = {
        (a.normalized.venue, a.normalized.city)
        for r in result.incidents
        for a in r.where
        if a.normalized.venue
    }
    assert ("crowded bus station", "Abuja") in venues, venues
    assert ("crowded bus station", "Chibok") not in venues


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Five people were killed in the bombing, according to TASS news agency.", "TASS"),
        ("Interior Minister Ahmad Khan said five people were killed in the bombing.", "Ahmad Khan"),
        ("Five people were killed in the bombing, police said.", "police"),
    ],
)
def test_attribution(nlp: Any, text: str, speaker: str) -> None:
    report = run(nlp, text)
    killed = [a for a in report.casualties if a.normalized.category == "killed"]
    assert killed and killed[0].speaker == speaker
    assert killed[0].outlet == "Test Wire"


@pytest.mark.slow
def test_outlet_is_the_default_speaker(nlp: Any) -> None:
    report = run(nlp, "A bomb exploded in a market in Kabul, killing 12 people.")
    assert {a.speaker for a in report.casualties} == {"Test Wire"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "group", "parent"),
    [
        (
            "ISKP claimed responsibility for the bombing in Kabul.",
            "Islamic State - Khorasan Province",
            "Islamic State",
        ),
        (
            "Wilayat Khorasan claimed responsibility for the attack on the mosque.",
            "Islamic State - Khorasan Province",
            "Islamic State",
        ),
        (
            "Al-Shabaab claimed responsibility for the attack in Mogadishu through Radio Andalus.",
            "al-Shabaab",
            "al-Qaeda",
        ),
    ],
)
def test_groups_resolved_through_aliases(nlp: Any, text: str, group: str, parent: str) -> None:
    report = run(nlp, text)
    claims = {(a.normalized.group, a.normalized.kind) for a in report.claims}
    assert (group, "claimed") in claims
    perps = {(a.normalized.group, a.normalized.parent) for a in report.perpetrators}
    assert (group, parent) in perps


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "sentence",
    [
        # the group's name in apposition to the subject noun
        "The Peruvian guerrilla movement Tupac Amaru Revolutionary Movement (MRTA) today claimed "
        "responsibility for the kidnapping.",
        "In a communique, the Peruvian guerrilla movement Tupac Amaru Revolutionary Movement "
        "(MRTA) today claimed responsibility for the kidnapping.",
    ],
)
def test_claim_by_a_group_named_in_apposition(nlp: Any, sentence: str, upper: bool) -> None:
    text = "Gunmen kidnapped a businessman in Lima on Friday. " + sentence
    report = run(nlp, text.upper() if upper else text)
    claims = {(a.normalized.group, a.normalized.kind) for a in report.claims}
    assert ("Tupac Amaru Revolutionary Movement", "claimed") in claims


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "accuser"),
    [
        ("President-elect Alfredo Cristiani accused the FMLN of the crime.", "alfredo cristiani"),
        ("PRESIDENT-ELECT ALFREDO CRISTIANI ACCUSED THE FMLN OF THE CRIME.", "alfredo cristiani"),
        ("President Cristiani attributed the murder to the FMLN.", "cristiani"),
        (
            "CRISTIANI CONDEMNED THE KILLING AND ACCUSED THE FARABUNDO MARTI NATIONAL LIBERATION "
            "FRONT (FMLN) OF THE CRIME.",
            "cristiani",
        ),
    ],
)
def test_an_accused_group_is_asserted_by_its_accuser(nlp: Any, sentence: str, accuser: str) -> None:
    text = "A bomb killed the attorney general in San Salvador on Friday. " + sentence
    report = run(nlp, text.upper() if sentence.isupper() else text)
    speakers = {
        (a.speaker or "").lower()
        for a in report.perpetrators
        if a.normalized.group == "Farabundo Marti National Liberation Front"
    }
    assert accuser in speakers


@pytest.mark.slow
def test_negated_claim_is_no_claim(nlp: Any) -> None:
    report = run(
        nlp, "A bomb exploded in Kabul, killing 12 people. No group has claimed responsibility."
    )
    assert report.claims == []
    assert "Claim of Responsibility" not in {a.normalized.name for a in report.types}


@pytest.mark.slow
def test_denial_keeps_who_denied(nlp: Any) -> None:
    report = run(
        nlp,
        "A bomb exploded in Quetta, killing 12 people. The Pakistani Taliban "
        "denied any involvement in the attack.",
    )
    denied = [a for a in report.claims if a.normalized.kind == "denied"]
    assert denied and denied[0].normalized.group == "Tehrik-i-Taliban Pakistan"


_KABUL = "A bomb killed 12 people in Kabul on Friday. "


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The Taliban refused to accept responsibility for the attack.", "denied"),
        ("The Taliban refused to claim the attack, a spokesman said.", "denied"),
        ("The Taliban said in a statement that it had not carried out the attack.", "denied"),
        ("The Taliban said in a statement that it was not behind the bombing.", "denied"),
        ("The Taliban declined to claim responsibility for the attack.", None),
        ("The Taliban said in a statement that it had carried out the attack.", "claimed"),
    ],
)
def test_refusals_and_negated_statements_are_no_claims(
    nlp: Any, sentence: str, kind: str | None, upper: bool
) -> None:
    """Who said what: refusing to accept responsibility, or saying one did not do it, is a
    denial; declining to claim is neither a claim nor a denial; none of them makes the group
    an asserted perpetrator."""
    text = _KABUL + sentence
    report = run(nlp, text.upper() if upper else text)
    kinds = {a.normalized.kind for a in report.claims if a.normalized.group == "Taliban"}
    assert kinds == ({kind} if kind else set())
    stances = {a.stance for a in report.perpetrators if a.normalized.group == "Taliban"}
    assert Stance.asserted not in stances
    if kind is not None:
        assert stances == {Stance(kind)}
    typed = {a.normalized.name for a in report.types}
    assert ("Claim of Responsibility" in typed) == (kind == "claimed")


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("The Taliban admitted responsibility for the attack.", "claimed"),
        ("The Taliban took responsibility for the attack.", "claimed"),
        ("The Taliban rejected any link to the attack.", "denied"),
        ("The Taliban took the district last year.", None),  # no claim's object
    ],
)
def test_claim_verbs_make_a_claim_with_the_object_of_one(
    nlp: Any, sentence: str, kind: str | None, upper: bool
) -> None:
    """The lexicon's claim verbs ("admit", "take", "reject") make a claim or a denial when
    their object is one of a claim ("responsibility", "any link"), not otherwise."""
    text = _KABUL + sentence
    report = run(nlp, text.upper() if upper else text)
    kinds = {a.normalized.kind for a in report.claims if a.normalized.group == "Taliban"}
    assert kinds == ({kind} if kind else set())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "type_", "subtype"),
    [
        (
            "Gunmen armed with AK-47 rifles attacked the hotel.",
            "Firearms",
            "Automatic or Semi-Automatic Rifle",
        ),
        (
            "A man stabbed three people with a knife at the station.",
            "Melee",
            "Knife or Other Sharp Object",
        ),
        ("Attackers set the school on fire overnight.", "Incendiary", "Arson/Fire"),
    ],
)
def test_weapons(nlp: Any, text: str, type_: str, subtype: str) -> None:
    report = run(nlp, text)
    assert (type_, subtype) in {(a.normalized.type, a.normalized.subtype) for a in report.weapons}


_ANY_GUN = "Unknown Gun Type"


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "value", "subtype"),
    [
        # the lemmatizer reads "machinegunne"; upper case is tagged a name or a noun
        (
            "Guerrillas machinegunned a bus on the highway, killing five passengers.",
            "machinegunned",
            "Automatic or Semi-Automatic Rifle",
        ),
        ("The mayor was shot in the head by two gunmen on Monday.", "shot", _ANY_GUN),
        ("Gunmen opened fire on the police post, killing two officers.", "opened fire", _ANY_GUN),
        ("The judge was gunned down outside his home in an attack.", "gunned down", _ANY_GUN),
    ],
)
def test_weapon_read_off_a_verb_in_any_case(
    nlp: Any, text: str, value: str, subtype: str, upper: bool
) -> None:
    doc = nlp(text.upper() if upper else text)
    found = {
        (a.value.lower(), a.normalized.subtype)
        for a in doc._.assertions
        if a.field == "weapons" and a.normalized.type == "Firearms"
    }
    assert (value, subtype) in found


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The striker shot the ball into the net after 20 minutes.",
        "THE COUNCIL OPENED A NEW PARK ON MONDAY.",
    ],
)
def test_a_weapon_verb_outside_an_attack_is_no_weapon(nlp: Any, text: str) -> None:
    doc = nlp(text)
    assert not [a for a in doc._.assertions or [] if a.field == "weapons"]


@pytest.mark.slow
def test_weapon_on_a_propaganda_poster_is_not_an_attack_weapon(nlp: Any) -> None:
    report = run(nlp, "A new propaganda poster threatening France shows a masked man with a knife.")
    assert report.weapons == []


@pytest.mark.slow
def test_timeline_steps(nlp: Any) -> None:
    report = run(
        nlp,
        "The gunmen entered the mall at 10:05 a.m. and opened fire. They fled "
        "at 10:40 a.m., police said.",
    )
    times = {a.normalized.time for a in report.timeline}
    assert {dt.time(10, 5), dt.time(10, 40)} <= times


@pytest.mark.slow
def test_uppercase_wire_text(nlp: Any) -> None:
    report = run(
        nlp,
        "SAN SALVADOR, 12 JAN 90 (RADIO) -- URBAN GUERRILLAS ATTACKED A POLICE "
        "POST IN SAN MIGUEL LAST NIGHT, KILLING THREE POLICEMEN, POLICE REPORTED.",
        published=None,
    )
    killed = [a.normalized for a in report.casualties if a.normalized.category == "killed"]
    assert killed and killed[0].exact == 3
    assert {a.normalized.date for a in report.when} == {dt.date(1990, 1, 11)}


# ---- victims, attackers, targets ----


def _upper(text: str, upper: bool) -> str:
    return text.upper() if upper else text


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
@pytest.mark.parametrize(
    ("text", "names", "description", "fate", "count", "nationality"),
    [
        (
            "Gunmen killed journalist Daphne Caruana Galizia in Malta on Monday.",
            ["daphne caruana galizia"],
            "journalist",
            "killed",
            1,
            None,
        ),
        (
            "Six Jesuit priests were murdered by soldiers in San Salvador on Thursday.",
            [],
            "six jesuit priests",
            "killed",
            6,
            None,
        ),
        (
            "A bomb exploded in Kabul on Monday. Among the dead were two American soldiers.",
            [],
            "two american soldiers",
            "killed",
            2,
            "american",
        ),
        (
            "A car bomb exploded outside the barracks in Kabul, wounding a police officer.",
            [],
            "a police officer",
            "wounded",
            1,
            None,
        ),
        (
            "Militants kidnapped a French aid worker in Niger on Tuesday.",
            [],
            "a french aid worker",
            "kidnapped",
            1,
            "french",
        ),
        (  # a hyphenated figure is read from its first word, not its last
            "Twenty-eight policemen were killed when gunmen attacked a police post in Medellin.",
            [],
            "twenty-eight policemen",
            "killed",
            28,
            None,
        ),
    ],
)
def test_victims_with_fate_count_and_nationality(
    nlp: Any,
    upper: bool,
    text: str,
    names: list[str],
    description: str,
    fate: str,
    count: int,
    nationality: str | None,
) -> None:
    report = run(nlp, _upper(text, upper))
    found = [
        (
            [n.lower() for n in v.names],
            (v.description or "").lower(),
            v.fate,
            v.count,
            (v.nationality or "").lower() or None,
        )
        for v in (a.normalized for a in report.victims)
    ]
    assert (names, description, fate, count, nationality) in found
    victim = next(a for a in report.victims if a.normalized.fate == fate)
    assert victim.value.lower() in text.lower()  # the span as the article writes it
    assert victim.value in victim.sentence.text


@pytest.mark.slow
def test_named_victim_who_later_died_is_killed(nlp: Any) -> None:
    report = run(nlp, "Labour MP Jo Cox was shot and stabbed in Birstall. She died later.")
    assert [(a.normalized.names, a.normalized.fate) for a in report.victims] == [
        (["Jo Cox"], "killed")
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The trial of the man accused of killing three police officers opened in London.",
        "The group threatened to kill foreign journalists in Kabul after the bombing.",
        "Hugo Chávez, who died in 2013, was the president of Venezuela.",
    ],
)
def test_no_victims_from_trials_threats_or_natural_deaths(nlp: Any, text: str) -> None:
    assert run(nlp, text).victims == []


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
@pytest.mark.parametrize(
    ("text", "attacker"),
    [
        ("Gunmen opened fire on a bus in Peshawar on Monday, killing five people.", "gunmen"),
        ("A suicide bomber blew himself up at a checkpoint in Kabul on Sunday.", "bomber"),
        ("Five soldiers were killed by militants in an ambush near Mosul.", "militants"),
    ],
)
def test_attacker_as_subject_or_agent(nlp: Any, upper: bool, text: str, attacker: str) -> None:
    report = run(nlp, _upper(text, upper))
    assert attacker in {(a.normalized.description or "") for a in report.perpetrators}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
def test_facility_merely_mentioned_is_no_target(nlp: Any, upper: bool) -> None:
    text = (
        "Gunmen attacked a police post in Lima on Monday, killing two officers. "
        "The wounded were taken to a hospital near the airport."
    )
    report = run(nlp, _upper(text, upper))
    targets = {a.value.lower() for a in report.targets}
    assert "police post" in targets
    assert not targets & {"hospital", "airport"}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
def test_what_the_attack_was_aimed_at_is_its_target(nlp: Any, upper: bool) -> None:
    text = "The group admitted the bombings in Belfast, which were aimed at civilians."
    report = run(nlp, _upper(text, upper))
    assert "civilians" in {a.value.lower() for a in report.targets}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
@pytest.mark.parametrize(
    "text",
    [
        "McVeigh rented the truck used in the bombing of the federal building in Oklahoma City.",
        "The federal building in Oklahoma City was shattered by an explosion on Wednesday.",
    ],
)
def test_a_building_bombed_or_shattered_is_a_target(nlp: Any, upper: bool, text: str) -> None:
    report = run(nlp, _upper(text, upper))
    assert "federal building" in {a.value.lower() for a in report.targets}


@pytest.mark.slow
def test_detainees_named_after_including_keep_whole_names(nlp: Any) -> None:
    report = run(
        nlp,
        "A bomb exploded in Leeds on Monday. Police arrested three men, including Ahmed Khan "
        "and John Smith, on Tuesday.",
    )
    names = [n for a in report.suspects for n in a.normalized.names]
    assert names == ["Ahmed Khan", "John Smith"]


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True], ids=["mixed", "upper"])
@pytest.mark.parametrize(
    ("text", "names", "by"),
    [
        (
            "A bomb exploded in Caracas. General Hector Armando Hernandez was detained by "
            "intelligence forces on Monday.",
            ["Hector Armando Hernandez"],
            "intelligence forces",
        ),
        (
            "A bomb exploded in Leeds on Monday. Police arrested John Smith on Tuesday.",
            ["John Smith"],
            "Police",
        ),
        ("A bomb exploded in Leeds on Monday. Two men were later arrested.", [], None),
    ],
)
def test_arresting_party_and_named_detainee(
    nlp: Any, upper: bool, text: str, names: list[str], by: str | None
) -> None:
    report = run(nlp, _upper(text, upper))
    steps = [a.normalized for a in report.suspects if a.normalized.step != "charged"]
    # upper-case input is truecased before parsing, so compare ignoring case
    assert [([n.lower() for n in s.names], s.by and s.by.lower()) for s in steps] == [
        ([n.lower() for n in names], by and by.lower())
    ]


@pytest.mark.slow
def test_detainees_listed_after_including_not_their_relatives(nlp: Any) -> None:
    report = run(
        nlp,
        "A bomb exploded in Madrid in 1974. Leftists were arrested, including Eva Forest, "
        "wife of the playwright Alfonso Sastre, Lidia Falcon, the theatre director Vicente "
        "Sainz de la Pena, and the writer Eliseo Bayo.",
    )
    names = {n for a in report.suspects for n in a.normalized.names}
    assert {"Eva Forest", "Vicente Sainz de la Pena", "Eliseo Bayo"} <= names
    assert "Alfonso Sastre" not in names


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "description", "fate"),
    [
        ("Gunmen tried to kill a judge in Lima on Monday.", "a judge", "targeted"),
        (
            "A bomb exploded in Kabul, and the soldiers who were wounded fled.",
            "the soldiers",
            "wounded",
        ),
        (
            "A bomb exploded in Kabul, and people killed in the blast were buried.",
            "people",
            "killed",
        ),
        (
            "Militants claimed the killing of three policemen in Quetta.",
            "three policemen",
            "killed",
        ),
    ],
)
def test_victim_constructions(nlp: Any, text: str, description: str, fate: str) -> None:
    report = run(nlp, text)
    assert (description, fate) in {(a.value, a.normalized.fate) for a in report.victims}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_who_suffered_injuries_is_wounded(nlp: Any, upper: bool) -> None:
    text = (
        "A bomb exploded at the market in Lyon on Friday. "
        "Thirteen people suffered minor injuries and a policeman sustained burns."
    )
    report = run(nlp, _upper(text, upper))
    found = {(a.value.lower(), a.normalized.fate) for a in report.victims}
    assert {("thirteen people", "wounded"), ("a policeman", "wounded")} <= found, found


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "Ministers deplored the slaughter and maiming of men, women and children in Belfast.",
        "A bomb exploded in the market. Two women were killed and wounded by the blast.",
    ],
)
def test_killed_and_wounded_together_keeps_both_fates(nlp: Any, upper: bool, text: str) -> None:
    report = run(nlp, _upper(text, upper))
    fates = {(a.value.lower().split()[-1], a.normalized.fate) for a in report.victims}
    assert {("women", "killed"), ("women", "wounded")} <= fates, fates


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_the_slaying_of_people_kills_them(nlp: Any, upper: bool) -> None:
    text = (
        "Gunmen opened fire on a march in Caracas on Monday. "
        "Protests spread following the slaying of seven demonstrators."
    )
    report = run(nlp, _upper(text, upper))
    fates = {(a.value.lower(), a.normalized.fate) for a in report.victims}
    assert ("seven demonstrators", "killed") in fates, fates


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "victim"),
    [
        (
            "A car bomb exploded in Belfast. Some of the victims had been blown to pieces.",
            "victims",
        ),
        (
            "A car bomb exploded in Belfast. Two soldiers were blown to bits by the blast.",
            "soldiers",
        ),
    ],
)
def test_blown_to_pieces_is_killed(nlp: Any, upper: bool, text: str, victim: str) -> None:
    report = run(nlp, _upper(text, upper))
    fates = {(a.value.lower().split()[-1], a.normalized.fate) for a in report.victims}
    assert (victim, "killed") in fates, fates


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize("verb", ["had gone off", "went off", "were going off"])
def test_bombs_going_off_tell_of_the_explosion(nlp: Any, upper: bool, verb: str) -> None:
    report = run(nlp, _upper(f"By nightfall some 21 bombs {verb} in Belfast.", upper))
    told = {a.value.lower() for a in report.types if a.normalized.name == "Bombing/Explosion"}
    assert verb.split()[-2] + " off" in told, told


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_killed_then_wounded_apart_keeps_one_fate_each(nlp: Any, upper: bool) -> None:
    text = "A bomb exploded in the market, killing two women and wounding five men."
    report = run(nlp, _upper(text, upper))
    fates = sorted((a.value.lower(), a.normalized.fate) for a in report.victims)
    assert fates == [("five men", "wounded"), ("two women", "killed")]


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "place", "scene"),
    [
        (
            "A man was shot dead at his home in the Old Park district of the city.",
            "the city",
            False,
        ),
        ("Gunmen opened fire on a patrol in the city, killing two soldiers.", "the city", True),
    ],
)
def test_a_common_noun_locating_another_place_is_no_scene(
    nlp: Any, upper: bool, text: str, place: str, scene: bool
) -> None:
    report = run(nlp, _upper(text, upper))
    found = [a.value.lower() for a in report.where if a.normalized.latitude is None]
    assert (place in found) == scene, found


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_scene_named_by_a_common_noun_is_kept_without_coordinates(nlp: Any, upper: bool) -> None:
    report = run(
        nlp,
        _upper(
            "Gunmen opened fire on a patrol in the village on Monday, killing two soldiers. "
            "Police in the city of Kandahar said the attackers fled.",
            upper,
        ),
    )
    unnamed = [a for a in report.where if a.normalized.latitude is None]
    assert [(a.value.lower(), a.normalized.role) for a in unnamed] == [("the village", "scene")]
    assert unnamed[0].normalized.country is None  # placed by no gazetteer


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_a_figure_of_people_named_by_their_role_is_a_casualty(nlp: Any, upper: bool) -> None:
    text = "Gunmen opened fire in Lima on Monday, killing 13 demonstrators and wounding 5 shoppers."
    report = run(nlp, _upper(text, upper))
    found = {(a.value.lower(), a.normalized.exact) for a in report.casualties}
    assert {("13 demonstrators", 13), ("5 shoppers", 5)} <= found, found


@pytest.mark.slow
def test_retrained_models_are_read_from_the_folder_the_setting_names(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from click.testing import CliRunner

    from incidex.cli import cli
    from incidex.errors import ConfigError
    from incidex.nlp.components.trained import model_path, trained_available
    from incidex.nlp.pipeline import build_pipeline

    if not trained_available():
        pytest.skip("the trained models are not shipped in this checkout")
    folder = tmp_path / "models"
    for name in ("relevance", "roles", "role_candidates"):
        shutil.copytree(model_path(name), folder / name)
    nlp = build_pipeline(trained_dir=str(folder))
    assert nlp.get_pipe_config("incidex_roles_v1")["path"] == str(folder / "roles")
    assert nlp.get_pipe_config("incidex_relevance_v1")["path"] == str(folder / "relevance")
    assert nlp.get_pipe_config("incidex_role_candidates_v1")["path"] == str(
        folder / "role_candidates"
    )
    shutil.rmtree(folder / "roles")
    with pytest.raises(ConfigError, match=r"roles/ missing"):
        build_pipeline(trained_dir=str(folder))
    # the CLI says so in one line, before loading anything
    monkeypatch.setenv("INCIDEX_TRAINED_MODELS_DIR", str(folder))
    report = tmp_path / "r.txt"
    report.write_text("A bomb exploded in Kabul on Monday, killing five people.", encoding="utf-8")
    out = CliRunner().invoke(cli, ["extract", str(report)])
    assert out.exit_code != 0 and "[E023]" in out.output and "Traceback" not in out.output


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
def test_where_a_group_began_operating_is_background(nlp: Any, upper: bool) -> None:
    """'began operating in Somalia last year' tells of the group, not of the attack: neither the
    place nor the date is the incident's (a two-word background verb of the lexicon)."""
    text = (
        "The militants, who began operating in Somalia last year, attacked a hotel in Nairobi "
        "on Friday, killing 21 people."
    )
    report = run(nlp, text.upper() if upper else text)
    roles = {a.value.lower(): a.normalized.role for a in report.where}
    assert roles.get("nairobi") == "scene"
    assert roles.get("somalia") != "scene"
    assert "last year" not in {a.value.lower() for a in report.when}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "zero"),
    [
        ("A bomb exploded at the bank last night, causing damage but no casualties.", 2),
        ("A bomb damaged the institute, causing damage but no victims.", 2),
        ("Explosives shook seven bank branches, causing heavy damage but no fatalities.", 1),
        ("Rebels set fire to the offices of the corporation but injured no one.", 2),
        ("Gunmen opened fire on the bus but hurt nobody.", 2),
        ("A grenade thrown at the station killed nobody.", 1),
        ("The second device went off in a parking lot and maimed no one.", 2),
        ("A bomb exploded in Kabul, killing three people. There were no other victims.", 0),
    ],
)
def test_harm_denied_is_a_zero_figure(nlp: Any, upper: bool, text: str, zero: int) -> None:
    # "no casualties": nobody killed or wounded; "no fatalities": nobody killed; "no other
    # victims" says none besides those told, not none at all
    report = run(nlp, _upper(text, upper))
    zeros = {a.normalized.category for a in report.casualties if a.normalized.exact == 0}
    assert len(zeros) == zero and zeros <= {"killed", "wounded"}, zeros
    assert "killed" in zeros or zero == 0


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "Gunmen shot dead a judge on Monday, August 4, in Medellin.",
        "Gunmen shot dead a judge in Medellin. She was killed on Monday, 4 August.",
    ],
)
def test_a_weekday_with_its_calendar_date_is_that_date(nlp: Any, upper: bool, text: str) -> None:
    # published on Wednesday 6 September 1989: "Monday" alone would be 4 September
    report = run(nlp, _upper(text, upper), published="1989-09-06T12:00:00+00:00")
    dates = {a.normalized.date for a in report.when}
    assert dates == {dt.date(1989, 8, 4)}, dates
