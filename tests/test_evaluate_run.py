"""Mapping incidex records to benchmark predictions, and the runners' file formats."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any, TypeVar

import pytest
from _records import said
from pydantic import BaseModel

from incidex.evaluate import (
    INCIDENT_TYPES,
    MucMessage,
    SlotTemplate,
    WikiPredArgument,
    read_predictions,
    read_slot_predictions,
    to_gtt_templates,
    to_muc_slots,
    to_wikievents,
)
from incidex.evaluate._predict import _args
from incidex.evaluate._run import _gtt_json, _muc_article, _slot_json
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    Claim,
    EventType,
    IncidentReport,
    LegalStep,
    Perpetrator,
    Place,
    Precision,
    SentenceRef,
    Stance,
    Target,
    Victim,
    Weapon,
    When,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
T = TypeVar("T", bound=BaseModel)

TEXT = (
    "A BOMB EXPLODED AT THE EMBASSY IN SAN SALVADOR YESTERDAY, KILLING THREE SOLDIERS. "
    "THE FMLN CLAIMED RESPONSIBILITY FOR THE ATTACK."
)


def _at(
    field: str,
    value: str,
    normalized: T,
    *,
    stance: Stance = Stance.asserted,
    speaker: str | None = "EFE",
) -> Assertion[T]:
    return said(
        TEXT,
        field,
        value,
        normalized,
        whole_text=True,
        anywhere=True,
        extractor="test",
        speaker=speaker,
        outlet="EFE",
        stance=stance,
    )


def _result(report: IncidentReport | None, published: dt.datetime | None = None) -> ArticleResult:
    article = Article.from_text(TEXT, source="EFE", published=published)
    if report is None:
        return ArticleResult(article=article, status="no_incident")
    report.article_id = article.id
    return ArticleResult(article=article, status="extracted", incidents=[report])


def _bombing(**changes: Any) -> IncidentReport:
    fields: dict[str, Any] = {
        "article_id": "a0",
        "types": [_at("types", "EXPLODED", EventType(name="Bombing/Explosion", gtd_code=3))],
        "when": [
            _at(
                "when",
                "YESTERDAY",
                When(date=dt.date(1990, 2, 3), precision=Precision.day, relative=True),
            )
        ],
        "where": [
            _at(
                "where",
                "SAN SALVADOR",
                Place(
                    role="scene",
                    name="SAN SALVADOR",
                    city="San Salvador",
                    country="El Salvador",
                    country_code="SV",
                    precision=1,
                ),
            )
        ],
        "perpetrators": [
            _at(
                "perpetrators",
                "FMLN",
                Perpetrator(group="Farabundo Marti National Liberation Front"),
                stance=Stance.claimed,
                speaker="FMLN",
            )
        ],
        "claims": [
            _at(
                "claims",
                "CLAIMED RESPONSIBILITY",
                Claim(kind="claimed", by="FMLN", group="Farabundo Marti National Liberation Front"),
                stance=Stance.claimed,
                speaker="FMLN",
            )
        ],
        "weapons": [_at("weapons", "BOMB", Weapon(type="Explosives", type_code=6))],
        "targets": [
            _at(
                "targets",
                "EMBASSY",
                Target(type="Government (Diplomatic)", type_code=7, entity="EMBASSY"),
            )
        ],
        "casualties": [
            _at("casualties", "THREE SOLDIERS", Casualties(category="killed", exact=3)),
        ],
    }
    fields.update(changes)
    return IncidentReport(**fields)


# -- GTT five-role ---------------------------------------------------------------------


def test_bombing_with_group_claim_gives_a_bombing_template_with_mention_strings() -> None:
    templates = to_gtt_templates(_result(_bombing()))
    assert len(templates) == 1
    template = templates[0]
    assert template.incident_type == "bombing"
    # The mention as written, not the canonical name: the five-role metric matches strings.
    assert template.role("PerpOrg") == (("FMLN",),)
    assert template.role("Target") == (("EMBASSY",),)
    assert template.role("Victim") == (("THREE SOLDIERS",),)
    assert template.role("Weapon") == (("BOMB",),)


def test_mentions_of_one_group_form_one_entity_given_by_its_first_mention() -> None:
    group = "Farabundo Marti National Liberation Front"
    perps = [
        _at("perpetrators", "FARABUNDO MARTI", Perpetrator(group=group)),
        _at("perpetrators", "FMLN", Perpetrator(group=group)),
        _at("perpetrators", "FMLN", Perpetrator(group=group)),
    ]
    template = to_gtt_templates(_result(_bombing(perpetrators=perps)))[0]
    # one entity, not three; a second mention could only make it wrong under the metric
    assert template.role("PerpOrg") == (("FARABUNDO MARTI",),)


@pytest.mark.parametrize(("first", "second"), [("ARMY", "THE ARMY"), ("the army", "Army")])
def test_one_organisation_unknown_to_the_knowledge_base_gives_one_slot_fill(
    first: str, second: str
) -> None:
    perps = [
        _at("perpetrators", first, Perpetrator(group=first)),
        _at("perpetrators", second, Perpetrator(group=second)),
    ]
    slot = to_muc_slots(_result(_bombing(perpetrators=perps, claims=[])))[0]
    assert slot.perp_orgs == (first,)
    assert slot.perp_org_confidences == ("REPORTED AS FACT",)


def test_the_claim_of_a_group_named_otherwise_gives_its_confidence() -> None:
    # the tagger's mention and the claim name one organisation the groups kb does not know
    perp = _at("perpetrators", "THE HONDURAN ARMY", Perpetrator(group="THE HONDURAN ARMY"))
    claim = _at(
        "claims",
        "ADMITTED",
        Claim(kind="claimed", by="Honduran army", group="Honduran army"),
    )
    slot = to_muc_slots(_result(_bombing(perpetrators=[perp], claims=[claim])))[0]
    assert slot.perp_orgs == ("THE HONDURAN ARMY",)
    assert slot.perp_org_confidences == ("CLAIMED OR ADMITTED",)


def _two_reports(first: list[Any], second: list[Any]) -> ArticleResult:
    article = Article.from_text(TEXT, source="EFE")
    # the second names no target: two distinct templates (equal ones are given once)
    reports = [
        _bombing(perpetrators=first, claims=[]),
        _bombing(perpetrators=second, claims=[], targets=[]),
    ]
    for report in reports:
        report.article_id = article.id
    return ArticleResult(article=article, status="extracted", incidents=reports)


@pytest.mark.parametrize("fmln", ["FMLN", "the Farabundo Marti National Liberation Front"])
def test_incidents_told_without_perpetrator_share_the_one_organisation_of_the_message(
    fmln: str,
) -> None:
    perp = _at("perpetrators", fmln, Perpetrator(group="Farabundo Marti National Liberation Front"))
    result = _two_reports([perp], [])
    assert [t.role("PerpOrg") for t in to_gtt_templates(result)] == [((fmln,),), ((fmln,),)]
    slots = to_muc_slots(result)
    assert [t.perp_orgs for t in slots] == [(fmln,), (fmln,)]
    # how sure the report is of the group is told for the first incident only
    assert [len(t.perp_org_confidences) for t in slots] == [1, 0]


def test_incidents_of_two_organisations_share_neither() -> None:
    fmln = _at(
        "perpetrators", "FMLN", Perpetrator(group="Farabundo Marti National Liberation Front")
    )
    army = _at("perpetrators", "THE ARMY", Perpetrator(group="THE ARMY"))
    result = _two_reports([fmln, army], [])
    assert [len(t.role("PerpOrg")) for t in to_gtt_templates(result)] == [2, 0]
    assert [len(t.perp_orgs) for t in to_muc_slots(result)] == [2, 0]


def test_facility_attack_with_incendiary_weapon_is_arson() -> None:
    report = _bombing(
        types=[
            _at(
                "types",
                "EXPLODED",
                EventType(name="Facility/Infrastructure Attack", gtd_code=7),
            )
        ],
        weapons=[
            _at(
                "weapons",
                "BOMB",
                Weapon(type="Incendiary", type_code=8, subtype="Arson/Fire", subtype_code=18),
            )
        ],
    )
    assert to_gtt_templates(_result(report))[0].incident_type == "arson"
    assert to_muc_slots(_result(report))[0].incident_type == "ARSON"


def test_kidnapping_and_armed_assault_types() -> None:
    kidnap = _bombing(
        types=[_at("types", "BOMB", EventType(name="Hostage Taking (Kidnapping)", gtd_code=6))]
    )
    assault = _bombing(types=[_at("types", "BOMB", EventType(name="Assassination", gtd_code=1))])
    assert to_gtt_templates(_result(kidnap))[0].incident_type == "kidnapping"
    assert to_gtt_templates(_result(assault))[0].incident_type == "attack"


def test_no_incident_gives_no_template() -> None:
    result = _result(None)
    assert to_gtt_templates(result) == []
    assert to_muc_slots(result) == []
    assert to_wikievents("doc", result) == []


def test_event_words_are_not_weapons_and_people_are_victims() -> None:
    report = _bombing(
        weapons=[
            _at("weapons", "EXPLODED", Weapon(type="Explosives", type_code=6)),
            _at("weapons", "BOMB", Weapon(type="Explosives", type_code=6)),
        ],
        targets=[
            _at("targets", "EMBASSY", Target(type="Government", type_code=7, entity="EMBASSY")),
            _at("targets", "SOLDIERS", Target(type="Military", type_code=4, entity="SOLDIERS")),
            _at(
                "targets",
                "GUERRILLAS",
                Target(type="Terrorists/Non-State Militia", type_code=17, entity="GUERRILLAS"),
            ),
        ],
        casualties=[_at("casualties", "AT LEAST 20", Casualties(category="killed", low=20))],
    )
    template = to_gtt_templates(_result(report))[0]
    assert template.role("Weapon") == (("BOMB",),)
    assert template.role("Target") == (("EMBASSY",),)
    assert template.role("Victim") == (("SOLDIERS",),)  # "AT LEAST 20" names nobody
    assert template.role("PerpInd") == (("GUERRILLAS",),)


@pytest.mark.parametrize(
    ("description", "org"),
    [
        ("EIGHT MEMBERS OF THE SALVADORAN ARMY", "SALVADORAN ARMY"),
        ("two soldiers of the armed forces", "armed forces"),
        ('"MEMBERS OF THE NATIONAL POLICE"', "NATIONAL POLICE"),
    ],
)
def test_a_state_force_its_perpetrators_are_members_of_is_the_organisation(
    description: str, org: str
) -> None:
    members = _at("perpetrators", description, Perpetrator(description=description))
    report = _bombing(perpetrators=[members], claims=[])
    assert to_gtt_templates(_result(report))[0].role("PerpOrg") == ((org,),)
    assert to_muc_slots(_result(report))[0].perp_orgs == (org,)


@pytest.mark.parametrize(
    "description",
    ["ARMY TROOPS", "MEMBERS OF THE FMLN", "members of the far left wing of the army"],
)
def test_no_organisation_from_other_descriptions(description: str) -> None:
    people = _at("perpetrators", description, Perpetrator(description=description))
    report = _bombing(perpetrators=[people], claims=[])
    assert to_gtt_templates(_result(report))[0].role("PerpOrg") == ()


def test_a_named_organisation_beside_members_of_a_force_is_the_only_one() -> None:
    members = _at(
        "perpetrators", "MEMBERS OF THE ARMY", Perpetrator(description="MEMBERS OF THE ARMY")
    )
    fmln = _at("perpetrators", "FMLN", Perpetrator(group="FMLN"))
    report = _bombing(perpetrators=[members, fmln], claims=[])
    assert to_gtt_templates(_result(report))[0].role("PerpOrg") == (("FMLN",),)


# -- MUC slots ---------------------------------------------------------------------------


def test_muc_slots_of_a_claimed_bombing() -> None:
    published = dt.datetime(1990, 2, 4)
    slots = to_muc_slots(_result(_bombing(), published))
    assert len(slots) == 1
    slot = slots[0]
    assert slot.incident_type == "BOMBING"
    assert slot.date == dt.date(1990, 2, 3)
    assert (slot.country, slot.place) == ("EL SALVADOR", "SAN SALVADOR")
    assert slot.instrument_types == ("BOMB",)
    assert slot.perp_orgs == ("FMLN",)
    assert slot.perp_org_confidences == ("CLAIMED OR ADMITTED",)
    assert slot.hum_tgt_effects == ("DEATH",)
    assert slot.hum_tgt_numbers == (3,)


@pytest.mark.parametrize(
    ("stance", "speaker", "expected"),
    [
        (Stance.asserted, "EFE", "REPORTED AS FACT"),
        (Stance.asserted, None, "REPORTED AS FACT"),
        (Stance.asserted, "ARMED FORCES SPOKESMAN", "SUSPECTED OR ACCUSED BY AUTHORITIES"),
        (Stance.asserted, "NATIONAL POLICE", "SUSPECTED OR ACCUSED BY AUTHORITIES"),
        (Stance.asserted, "A WITNESS", "SUSPECTED OR ACCUSED"),
        (Stance.doubted, "EFE", "POSSIBLE"),
        (Stance.claimed, "FMLN", "CLAIMED OR ADMITTED"),
    ],
)
def test_org_confidence_from_stance_and_speaker(
    stance: Stance, speaker: str | None, expected: str
) -> None:
    # a sentence without a word of claim or accusation: the stance and speaker decide
    assert _fmln_confidences("THE FMLN DYNAMITED THE EMBASSY.", speaker, stance) == (expected,)


def _fmln_confidences(
    sentence: str, speaker: str | None, stance: Stance = Stance.asserted
) -> tuple[str, ...]:
    """The ORGANIZATION CONFIDENCE fills of a bombing whose one perpetrator is the FMLN,
    named in ``sentence`` (the outlet: EFE)."""
    perp = said(
        sentence,
        "perpetrators",
        "FMLN",
        Perpetrator(group="Farabundo Marti National Liberation Front"),
        whole_text=True,
        speaker=speaker,
        outlet="EFE",
        stance=stance,
    )
    report = _bombing(perpetrators=[perp], claims=[])
    return to_muc_slots(_result(report))[0].perp_org_confidences


@pytest.mark.parametrize(
    ("sentence", "speaker", "stance", "expected"),
    [
        # the speaker is recorded by name; the sentence gives the title before it
        (
            "PRESIDENT-ELECT ALFREDO CRISTIANI ACCUSED THE FMLN OF THE CRIME.",
            "ALFREDO CRISTIANI",
            Stance.asserted,
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
        (
            "Defense Minister Humberto Larios said the FMLN carried out the attack.",
            "Humberto Larios",
            Stance.asserted,
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
        # the title and name read anywhere in a sentence (here after its first 500 characters)
        (
            "At a press conference in the capital on Monday, "
            + "after a long list of the guerrillas' attacks on the roads of the east, " * 7
            + "DEFENSE MINISTER HUMBERTO LARIOS SAID THE FMLN CARRIED OUT THE ATTACK.",
            "HUMBERTO LARIOS",
            Stance.asserted,
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
        (
            "FATHER IGNACIO MARTIN SAID THE FMLN CARRIED OUT THE ATTACK.",
            "IGNACIO MARTIN",
            Stance.asserted,
            "SUSPECTED OR ACCUSED",
        ),
        # an authority "claiming" that another organisation did it accuses it
        (
            "POLICE SOURCES CLAIM IT IS CHARACTERISTIC OF THE FMLN.",
            "police sources",
            Stance.claimed,
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
        ("The FMLN claimed the attack.", "FMLN", Stance.claimed, "CLAIMED OR ADMITTED"),
        # an authority reporting the act, with no word of accusation or suspicion, reports
        # it as fact; one that accuses the group accuses it
        (
            "POLICE AUTHORITIES REPORTED THAT FMLN TERRORISTS BURNED THE OFFICES.",
            "POLICE AUTHORITIES",
            Stance.asserted,
            "REPORTED AS FACT",
        ),
        (
            "According to military sources, the FMLN attacked the town.",
            "military sources",
            Stance.asserted,
            "REPORTED AS FACT",
        ),
        (
            "The police reported that they blamed the FMLN for the attack.",
            "police",
            Stance.asserted,
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
    ],
)
def test_org_confidence_of_an_authority_or_another_speaker(
    sentence: str, speaker: str, stance: Stance, expected: str
) -> None:
    assert _fmln_confidences(sentence, speaker, stance) == (expected,)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the outlet tells of an accusation or a suspicion beside the group's name
        ("THE REBELS BLAMED THE FMLN FOR THE MURDER.", "SUSPECTED OR ACCUSED"),
        ("The attack was presumably carried out by FMLN urban guerrillas.", "SUSPECTED OR ACCUSED"),
        (
            "THE POLICE HOLD THE FMLN RESPONSIBLE FOR THE ATTACK.",
            "SUSPECTED OR ACCUSED BY AUTHORITIES",
        ),
        ("The authorities blamed the FMLN for the murder.", "SUSPECTED OR ACCUSED BY AUTHORITIES"),
        # a claim in the outlet's words; not one withheld
        ("THE FMLN HAS CLAIMED RESPONSIBILITY FOR THE ATTACK.", "CLAIMED OR ADMITTED"),
        ("The attack was claimed by a self-styled FMLN commando.", "CLAIMED OR ADMITTED"),
        ("THE FMLN ACCEPTED RESPONSIBILITY FOR THE DEATHS.", "CLAIMED OR ADMITTED"),
        ("The FMLN has not yet claimed the attack.", "REPORTED AS FACT"),
        # told as fact; a suspicion word far from the name is about something else
        ("THE FMLN DYNAMITED THE BRIDGE.", "REPORTED AS FACT"),
        (
            "The FMLN dynamited the bridge near the town, and the mayor later said the blast"
            " was possibly heard in the capital.",
            "REPORTED AS FACT",
        ),
    ],
)
def test_org_confidence_of_a_group_claimed_accused_or_suspected_in_the_outlets_words(
    sentence: str, expected: str
) -> None:
    assert _fmln_confidences(sentence, "EFE") == (expected,)


def test_instrument_types_and_date_fallback() -> None:
    report = _bombing(
        when=[
            # A date after the report cannot be the incident's: fall back to the dateline.
            _at("when", "YESTERDAY", When(date=dt.date(2330, 2, 18), precision=Precision.day))
        ],
        weapons=[
            _at("weapons", "MACHINE GUNS", Weapon(type="Firearms", type_code=5, subtype_code=2)),
            _at("weapons", "RIFLES", Weapon(type="Firearms", type_code=5, subtype_code=2)),
            _at("weapons", "DYNAMITE", Weapon(type="Explosives", type_code=6, subtype_code=28)),
            _at("weapons", "CAR BOMB", Weapon(type="Explosives", type_code=6, subtype_code=15)),
            _at("weapons", "FIREARMS", Weapon(type="Firearms", type_code=5)),
        ],
        casualties=[
            _at("casualties", "THREE SOLDIERS", Casualties(category="wounded", exact=3)),
        ],
    )
    slot = to_muc_slots(_result(report, dt.datetime(1990, 2, 18)))[0]
    # "FIREARMS" is the machine guns and rifles named: GUN is below them in the set list
    assert slot.instrument_types == ("MACHINE GUN", "RIFLE", "DYNAMITE", "VEHICLE BOMB")
    assert slot.date == dt.date(1990, 2, 18)
    assert slot.hum_tgt_effects == ("INJURY",)


def test_muc_country_falls_back_to_the_dateline_when_the_text_names_no_scene() -> None:
    mentioned = Place(role="mentioned", name="U.S.", country="United States", country_code="US")
    report = _bombing(where=[_at("where", "U.S.", mentioned)])
    article = Article.from_text(TEXT, source="EFE", extra={"dateline_place": "SAN SALVADOR"})
    report.article_id = article.id
    result = ArticleResult(article=article, status="extracted", incidents=[report])
    # "U.S. aid" is no scene; the message was filed in San Salvador
    assert to_muc_slots(result)[0].country == "EL SALVADOR"
    # a scene the text names still wins over the dateline
    assert to_muc_slots(_result(_bombing()))[0].country == "EL SALVADOR"
    # a town named in the filing country says more than the country alone
    town = Place(
        role="mentioned", name="ZACAMIL", city="Zacamil", country="El Salvador", country_code="SV"
    )
    report.where = [
        _at("where", "U.S.", mentioned),
        _at("where", "ZACAMIL", town.model_copy(update={"precision": 1})),
    ]
    assert (to_muc_slots(result)[0].country, to_muc_slots(result)[0].place) == (
        "EL SALVADOR",
        "ZACAMIL",
    )
    scene = mentioned.model_copy(update={"role": "scene"})
    report.where = [_at("where", "U.S.", scene)]
    assert to_muc_slots(result)[0].country == "UNITED STATES"


# -- WikiEvents ---------------------------------------------------------------------------


def test_wikievents_roles() -> None:
    report = _bombing(
        suspects=[
            _at(
                "suspects",
                "ARRESTED",
                LegalStep(step="arrested", names=["Juan Perez"], by="the police"),
            ),
        ],
    )
    events = {e.event_type: e for e in to_wikievents("doc1", _result(report))}
    assert set(events) == {
        "Conflict.Attack.DetonateExplode",
        "Life.Die.Unspecified",
        "Justice.ArrestJailDetain.Unspecified",
    }
    attack = events["Conflict.Attack.DetonateExplode"].arguments
    assert WikiPredArgument("Attacker", "FMLN") in attack
    assert WikiPredArgument("Target", "EMBASSY") in attack
    assert WikiPredArgument("ExplosiveDevice", "BOMB") in attack
    assert WikiPredArgument("Place", "SAN SALVADOR") in attack
    die = events["Life.Die.Unspecified"].arguments
    assert WikiPredArgument("Victim", "THREE SOLDIERS") in die
    assert WikiPredArgument("Killer", "FMLN") in die
    arrest = events["Justice.ArrestJailDetain.Unspecified"].arguments
    assert WikiPredArgument("Detainee", "Juan Perez") in arrest
    assert WikiPredArgument("Jailer", "the police") in arrest
    assert not [a for a in arrest if a.role == "Place"]  # the scene is not where they are held
    assert all(e.doc_id == "doc1" for e in events.values())


def test_armed_assault_is_an_unspecified_attack_with_instruments() -> None:
    report = _bombing(
        types=[_at("types", "EXPLODED", EventType(name="Armed Assault", gtd_code=2))],
        weapons=[_at("weapons", "BOMB", Weapon(type="Firearms", type_code=5))],
        casualties=[],
    )
    events = to_wikievents("d", _result(report))
    assert [e.event_type for e in events] == ["Conflict.Attack.Unspecified"]
    assert WikiPredArgument("Instrument", "BOMB") in events[0].arguments


# -- file formats -------------------------------------------------------------------------


def test_prediction_line_round_trips(tmp_path: Path) -> None:
    result = _result(_bombing(), dt.datetime(1990, 2, 4))
    templates = to_gtt_templates(result)
    slots = to_muc_slots(result)
    line = {
        "docid": "TST1-MUC3-0001",
        "templates": [_gtt_json(t) for t in templates],
        "slots": [_slot_json(s) for s in slots],
    }
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert read_predictions(path) == {"TST1-MUC3-0001": templates}
    assert read_slot_predictions(path) == {"TST1-MUC3-0001": slots}


def test_slot_range_numbers_round_trip(tmp_path: Path) -> None:
    slot = SlotTemplate(incident_type="ATTACK", hum_tgt_numbers=(3, (6, 8), "PLURAL"))
    path = tmp_path / "pred.jsonl"
    path.write_text(json.dumps({"docid": "X", "slots": [_slot_json(slot)]}) + "\n")
    assert read_slot_predictions(path)["X"] == [slot]


def test_muc_article_keeps_dateline_date_and_source() -> None:
    message = MucMessage(
        "TST1-MUC3-0001",
        "SAN SALVADOR, 4 FEB 90 (EFE) -- [TEXT]",
        TEXT,
        None,
        "SAN SALVADOR",
        "4 FEB 90",
        "EFE",
    )
    article = _muc_article(message)
    assert article.published == dt.datetime(1990, 2, 4)
    assert article.source == "EFE"
    assert article.text == TEXT


# -- the real pipeline on real messages ---------------------------------------------------

TST1 = SHARED / "data" / "muc4" / "tst1" / "tst1-muc3"


@pytest.mark.slow
@pytest.mark.skipif(not TST1.is_file(), reason="../shared MUC-4 data is absent")
def test_smoke_three_tst1_messages(tmp_path: Path) -> None:
    from incidex.evaluate import predict_muc4, read_muc_messages

    messages = list(read_muc_messages(TST1))[:3]
    source = tmp_path / "three-muc"
    # Rewrite the three messages as a message file of their own (id line, header, text).
    source.write_text(
        "\n\n".join(f"{m.docid}\n\n{m.header}\n\n{m.text}" for m in messages) + "\n",
        encoding="latin-1",
    )
    out = io.StringIO()
    stats = predict_muc4([source], out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["docid"] for line in lines] == [m.docid for m in messages]
    assert stats.documents == 3 and stats.failed == 0 and stats.per_second > 0
    # TST1-MUC3-0002: the FMLN attack on a power substation.
    second = lines[1]["templates"]
    assert second, "an attack message gives a template"
    # named by either of its names ("MEMBERS OF THE FARABUNDO MARTI ... [FMLN] ATTACKED")
    fmln = [["FMLN"], ["FARABUNDO MARTI NATIONAL LIBERATION FRONT"]]
    assert any(entity in fmln for entity in second[0]["PerpOrg"])
    assert all(t["incident_type"] in INCIDENT_TYPES for line in lines for t in line["templates"])


def test_wikievents_victims_by_fate_and_counts_that_name_nobody() -> None:
    report = _bombing(
        victims=[
            _at("victims", "THREE SOLDIERS", Victim(description="three soldiers", fate="killed")),
            _at("victims", "EMBASSY", Victim(description="the embassy staff", fate="targeted")),
        ],
        casualties=[
            _at("casualties", "THREE SOLDIERS", Casualties(category="killed", exact=3)),
            _at("casualties", "AT LEAST 12", Casualties(category="wounded", low=12)),
        ],
        targets=[],
    )
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    die = [(a.role, a.text) for a in events["Life.Die.Unspecified"].arguments]
    assert die.count(("Victim", "THREE SOLDIERS")) == 1  # victim and casualty: one head
    injure = [(a.role, a.text) for a in events["Life.Injure.Unspecified"].arguments]
    assert ("Victim", "12") in injure  # a figure alone is the victim mention
    attack = events["Conflict.Attack.DetonateExplode"].arguments
    assert WikiPredArgument("Target", "EMBASSY") in attack  # targeted, not harmed


@pytest.mark.parametrize("figure", ["THREE", "three", "3"])
def test_wikievents_figure_inside_a_victim_is_no_second_victim(figure: str) -> None:
    report = _bombing(
        victims=[_at("victims", f"{figure} soldiers", Victim(fate="killed"))],
        casualties=[_at("casualties", figure, Casualties(category="killed", exact=3))],
    )
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    victims = [a.text for a in events["Life.Die.Unspecified"].arguments if a.role == "Victim"]
    assert victims == [f"{figure} soldiers"]


def test_wikievents_leaves_out_event_words_as_devices_and_unnamed_detainees() -> None:
    report = _bombing(
        weapons=[
            _at("weapons", "BOMB", Weapon(type="Explosives", type_code=6)),
            _at("weapons", "EXPLODED", Weapon(type="Explosives", type_code=6)),
        ],
        suspects=[_at("suspects", "ARRESTED", LegalStep(step="arrested"))],
    )
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    devices = [a.text for a in events["Conflict.Attack.DetonateExplode"].arguments]
    assert "BOMB" in devices and "EXPLODED" not in devices
    assert "Justice.ArrestJailDetain.Unspecified" not in events


def test_gtt_victims_include_named_victims() -> None:
    report = _bombing(
        victims=[_at("victims", "SOLDIERS", Victim(names=["JUAN PEREZ"], fate="killed"))],
    )
    (template,) = to_gtt_templates(_result(report))
    assert ("JUAN PEREZ",) in template.role("Victim")


def _tagged(assertion: Assertion[T]) -> Assertion[T]:
    return assertion.model_copy(update={"extractor": "incidex_roles_v1"})


@pytest.mark.parametrize(
    ("sentence", "description", "name", "expected"),
    [
        (
            "A COLUMN OF SHINING PATH TERRORISTS SHOT 16 PEASANTS.",
            "A COLUMN OF SHINING PATH TERRORISTS",
            "SHINING PATH",
            (("SHINING PATH",),),
        ),
        (
            "Alleged members of the FARC killed the peasants.",
            "Alleged members of the FARC",
            "FARC",
            (("FARC",),),
        ),
        # a group the rules find outside the description is not the perpetrators'
        ("GUERRILLAS SHOT 16 PEASANTS, THE FMLN SAID.", "GUERRILLAS", "FMLN", ()),
    ],
)
def test_a_group_inside_the_taggers_description_of_the_perpetrators(
    sentence: str, description: str, name: str, expected: tuple[tuple[str, ...], ...]
) -> None:
    people = _tagged(
        said(sentence, "perpetrators", description, Perpetrator(description=description))
    )
    group = said(sentence, "perpetrators", name, Perpetrator(group=name), extractor="test")
    report = _bombing(perpetrators=[people, group], claims=[])
    assert to_gtt_templates(_result(report))[0].role("PerpOrg") == expected


def test_role_tagger_assertions_replace_the_rules_where_the_mapping_says() -> None:
    from incidex.model import Victim

    report = _bombing(
        weapons=[
            _at("weapons", "EXPLODED", Weapon(type="Explosives", type_code=6)),
            _tagged(_at("weapons", "BOMB", Weapon(type="Explosives", type_code=6))),
        ],
        targets=[
            _at("targets", "SOLDIERS", Target(type="Military", type_code=4, entity="SOLDIERS")),
            _tagged(
                _at("targets", "EMBASSY", Target(type="Government", type_code=7, entity="EMBASSY"))
            ),
        ],
        victims=[_tagged(_at("victims", "THREE SOLDIERS", Victim(description="THREE SOLDIERS")))],
        casualties=[_at("casualties", "KILLING THREE", Casualties(category="killed", exact=3))],
    )
    template = to_gtt_templates(_result(report))[0]
    assert template.role("Weapon") == (("BOMB",),)  # the tagger's only
    assert template.role("Target") == (("EMBASSY",),)  # rule target "SOLDIERS" left out
    assert template.role("Victim") == (("THREE SOLDIERS",),)  # not also the casualty phrase
    # the tagger ran and named no group: the rules' group is not used either
    assert template.role("PerpOrg") == ()
    # without the tagger (models disabled) the rules fill every role
    untagged = to_gtt_templates(_result(report), tagger=False)[0]
    assert untagged.role("PerpOrg") == (("FMLN",),)


def test_casualty_people_are_no_victims_when_the_tagger_ran() -> None:
    report = _bombing(
        weapons=[_tagged(_at("weapons", "BOMB", Weapon(type="Explosives", type_code=6)))]
    )
    # the tagger ran and found no victim: "THREE SOLDIERS" of the casualty phrase is not one
    assert to_gtt_templates(_result(report), tagger=True)[0].role("Victim") == ()
    # the rules alone still take it
    assert to_gtt_templates(_result(report), tagger=False)[0].role("Victim") == (
        ("THREE SOLDIERS",),
    )


def test_an_unclassified_tagged_weapon_is_an_entity_of_its_own() -> None:
    unknown = Weapon(type="Unknown", type_code=13)
    report = _bombing(
        weapons=[
            _tagged(_at("weapons", "BOMB", unknown)),
            _tagged(_at("weapons", "EMBASSY", unknown)),
        ]
    )
    assert to_gtt_templates(_result(report))[0].role("Weapon") == (("BOMB",), ("EMBASSY",))


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "things", "attacked"),
    [
        # the house of a sentence that tells of no attack is background, not a target
        (
            "A car bomb exploded outside the police station in Medellin. "
            "The mayor had left his house minutes earlier.",
            ["police station", "his house"],
            ["police station"],
        ),
        # the lead tells of the incident even where no attack-type word was recognised
        (
            "Seven bank branch offices were shaken by explosive charges in Medellin. "
            "Police said the bombs exploded at dawn. The manager had left his house.",
            ["bank branch offices", "his house"],
            ["bank branch offices"],
        ),
    ],
)
def test_a_gtt_target_is_a_thing_named_where_the_attack_is_told(
    text: str, things: list[str], attacked: list[str], upper: bool
) -> None:
    said = _Said(text, upper)

    def target(value: str) -> Assertion[Target]:
        return _tagged(said("targets", value, Target(type="Unknown", type_code=20, entity=value)))

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "exploded", EventType(name="Bombing/Explosion", gtd_code=3))],
        targets=[target(value) for value in things],
    )
    found = [e[0].lower() for e in to_gtt_templates(_result(report), tagger=True)[0].role("Target")]
    assert found == attacked


@pytest.mark.parametrize("upper", [False, True])
def test_a_gtt_victim_is_named_by_the_fullest_form_of_the_name(upper: bool) -> None:
    said = _Said(
        "Guerrillas kidnapped James Arthur and David Lecky in Medellin. "
        "The victims are David Lecky, director of the school, and James Arthur Donnelly.",
        upper,
    )
    names = ["James Arthur", "David Lecky", "James Arthur Donnelly"]
    report = IncidentReport(
        article_id="a0",
        types=[
            said("types", "kidnapped", EventType(name="Hostage Taking (Kidnapping)", gtd_code=6))
        ],
        victims=[_tagged(said("victims", name, Victim(names=[name]))) for name in names],
    )
    (template,) = to_gtt_templates(_result(report), tagger=True)
    # "James Arthur" is the man named in full later: one entity, by the full name
    assert [e[0].lower() for e in template.role("Victim")] == [
        "james arthur donnelly",
        "david lecky",
    ]


@pytest.mark.parametrize("upper", [False, True])
def test_a_name_and_its_bracketed_alias_are_one_gtt_entity(upper: bool) -> None:
    said = _Said(
        "Guerrillas of the Army of National Liberation (ELN) dynamited the pipeline. "
        "The ELN has attacked it 40 times this year.",
        upper,
    )

    def perp(value: str, normalized: Perpetrator) -> Assertion[Perpetrator]:
        return _tagged(said("perpetrators", value, normalized))

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "dynamited", EventType(name="Bombing/Explosion", gtd_code=3))],
        perpetrators=[
            perp("Army of National Liberation", Perpetrator(group="A")),
            perp("ELN", Perpetrator(group="B")),
            perp("Guerrillas", Perpetrator(description="guerrillas")),
        ],
    )
    (template,) = to_gtt_templates(_result(report), tagger=True)
    assert [e[0].lower() for e in template.role("PerpOrg")] == ["army of national liberation"]
    assert [e[0].lower() for e in template.role("PerpInd")] == ["guerrillas"]


@pytest.mark.parametrize("upper", [False, True])
def test_the_attackers_described_by_common_nouns_are_one_gtt_entity(upper: bool) -> None:
    said = _Said(
        "Three gunmen attacked the bus in Soyapango. "
        "The terrorists fled; Juan Perez, an army deserter, led them, and several men "
        "wearing uniforms covered their escape.",
        upper,
    )
    described = [
        "gunmen",
        "terrorists",
        "Juan Perez",
        "army deserter",
        "several men wearing uniforms",
    ]
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "attacked", EventType(name="Armed Assault", gtd_code=2))],
        perpetrators=[
            _tagged(said("perpetrators", value, Perpetrator(description=value)))
            for value in described
        ],
    )
    (template,) = to_gtt_templates(_result(report), tagger=True)
    # gunmen, terrorists and the men in uniform: one group, by its fullest mention; a name
    # and a description by another noun are entities of their own
    assert [e[0].lower() for e in template.role("PerpInd")] == [
        "several men wearing uniforms",
        "juan perez",
        "army deserter",
    ]


def _perp_ind_entities(text: str, described: list[str], upper: bool) -> list[str]:
    """The GTT PerpInd entities (by the mention naming each) of one attack told by ``text``
    whose tagged perpetrator descriptions are ``described``, in mixed or upper case."""
    said = _Said(text, upper)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "attack", EventType(name="Armed Assault", gtd_code=2))],
        perpetrators=[
            _tagged(said("perpetrators", value, Perpetrator(description=value)))
            for value in described
        ],
    )
    (template,) = to_gtt_templates(_result(report), tagger=True)
    return [e[0].lower() for e in template.role("PerpInd")]


_ATTACKERS = [
    # the attackers are named by a noun phrase, not by the attributive "terrorist"...
    pytest.param(
        "The terrorist attack destroyed the bank. The terrorists fled in a car.",
        ["terrorist", "terrorists"],
        ["terrorists"],
        id="attributive",
    ),
    # ... unless it is all the text gives
    pytest.param(
        "The terrorist attack destroyed the bank.", ["terrorist"], ["terrorist"], id="only"
    ),
    # descriptions of the attackers, and the titles of one person, are one entity
    pytest.param(
        "A group of heavily armed men made the attack on the mayor. The kidnappers fled.",
        ["group of heavily armed men", "kidnappers"],
        ["group of heavily armed men"],
        id="group-of",
    ),
    pytest.param(
        "Unknown persons made the attack on the judge. The criminals fled.",
        ["Unknown persons", "criminals"],
        ["unknown persons"],
        id="persons",
    ),
    pytest.param(
        "Hitmen made the attack on the judge. The gunmen fled.",
        ["Hitmen", "gunmen"],
        ["hitmen"],
        id="hitmen",
    ),
    pytest.param(
        "A guerrilla column made the attack on the farm. The guerrillas fled.",
        ["guerrilla column", "guerrillas"],
        ["guerrilla column"],
        id="column",
    ),
    pytest.param(
        "Maj Roberto Vargas ordered the attack. Major Roberto Vargas denied it.",
        ["Maj Roberto Vargas", "Major Roberto Vargas"],
        ["maj roberto vargas"],
        id="rank",
    ),
    # the attackers are named by their fullest description, the first of the longest
    pytest.param(
        "Gunmen attacked the post. Police said a group of six urban guerrillas fled.",
        ["Gunmen", "group of six urban guerrillas"],
        ["group of six urban guerrillas"],
        id="fullest",
    ),
    pytest.param(
        "Gunmen attacked the post. The assailants fled.",
        ["Gunmen", "assailants"],
        ["gunmen"],
        id="fullest-first",
    ),
    # a group described twice by one head noun is one entity...
    pytest.param(
        "Soldiers with their faces painted black made the attack. The soldiers fled.",
        ["Soldiers with their faces painted black", "soldiers"],
        ["soldiers with their faces painted black"],
        id="one-head",
    ),
    # ... but not two groups of one noun, nor two nouns
    pytest.param(
        "Soldiers of the Atlacatl battalion and soldiers of the 1st brigade made the attack.",
        ["Soldiers of the Atlacatl battalion", "soldiers of the 1st brigade"],
        ["soldiers of the atlacatl battalion", "soldiers of the 1st brigade"],
        id="two-groups",
    ),
    pytest.param(
        "Two lieutenants and one second lieutenant made the attack.",
        ["Two lieutenants", "one second lieutenant"],
        ["two lieutenants", "one second lieutenant"],
        id="two-ranks",
    ),
    # the parties between which a clash or talks are told are no attackers...
    pytest.param(
        "Clashes between guerrillas and soldiers followed the attack. Gunmen killed the mayor.",
        ["guerrillas", "soldiers", "Gunmen"],
        ["gunmen"],
        id="clash",
    ),
    pytest.param(
        "Talks between the government and the rebels stalled after the attack.",
        ["rebels"],
        [],
        id="talks",
    ),
    pytest.param(  # far into a long sentence (the search reads its last 200 characters)
        "On the mountain road that links the capital with the coffee farms of the northern "
        "provinces, where the army has kept a dozen posts since the elections of last year and "
        "the bus companies have stopped their night services, talks between the government and "
        "the rebels stalled after the attack.",
        ["rebels"],
        [],
        id="talks-late",
    ),
    # ... but a range of numbers is no two parties
    pytest.param(
        "Between 10 and 15 men made the attack on the post.", ["15 men"], ["15 men"], id="range"
    ),
]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(("text", "described", "expected"), _ATTACKERS)
def test_the_attackers_entities_of_a_gtt_template(
    text: str, described: list[str], expected: list[str], upper: bool
) -> None:
    assert _perp_ind_entities(text, described, upper) == expected


@pytest.mark.parametrize("upper", [False, True])
def test_a_group_named_as_a_party_to_talks_is_no_perpetrator_organisation(upper: bool) -> None:
    said = _Said("Talks between the government and the FMLN stalled after the attack.", upper)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "attack", EventType(name="Armed Assault", gtd_code=2))],
        perpetrators=[_tagged(said("perpetrators", "FMLN", Perpetrator(group="FMLN")))],
    )
    (template,) = to_gtt_templates(_result(report), tagger=True)
    assert template.role("PerpOrg") == ()


def test_wikievents_ignore_the_role_tagger() -> None:
    report = _bombing(
        weapons=[_tagged(_at("weapons", "BOMB", Weapon(type="Explosives", type_code=6)))]
    )
    events = to_wikievents("d1", _result(report))
    assert not [a for e in events for a in e.arguments if a.text == "BOMB"]


def _said(text: str, field: str, value: str, normalized: T) -> Assertion[T]:
    return said(text, field, value, normalized, extractor="test")


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_roles_come_from_the_sentences_telling_of_the_event(upper: bool) -> None:
    text = (
        "A bomb exploded in the market in Kabul and three soldiers were killed. "
        "The Taliban have fought the army in Helmand for years. "
        "The Haqqani network claimed the attack."
    )
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    def place(name: str) -> Place:
        return Place(role="scene", name=name, city=name, country="Afghanistan", precision=1)

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "exploded", EventType(name="Bombing/Explosion", gtd_code=3))],
        where=[said("where", "Kabul", place("Kabul")), said("where", "Helmand", place("Helmand"))],
        perpetrators=[
            said("perpetrators", "Taliban", Perpetrator(group="Taliban")),
            said("perpetrators", "Haqqani network", Perpetrator(group="Haqqani Network")),
        ],
        casualties=[said("casualties", "three soldiers", Casualties(category="killed", exact=3))],
    )
    report.perpetrators[1].stance = Stance.claimed
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    attack = [
        (a.role, a.text.lower())
        for e in to_wikievents("d", _result(report))
        if e.event_type == "Conflict.Attack.DetonateExplode"
        for a in e.arguments
    ]
    die = [(a.role, a.text.lower()) for a in events["Life.Die.Unspecified"].arguments]
    # a group named in passing is no attacker; the group that claimed it is
    assert ("Attacker", "taliban") not in attack and ("Attacker", "haqqani network") in attack
    assert ("Place", "kabul") in attack and ("Place", "helmand") not in attack
    # the killing's sentence names no attacker and its place is Kabul
    assert die == [("Victim", "three soldiers"), ("Place", "kabul")]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_devices_of_an_explosion_and_the_dead_are_no_attackers(upper: bool) -> None:
    text = (
        "Four militants were killed when the bomb they carried exploded. "
        "Police later found a second bomb nearby."
    )
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    explosive = Weapon(type="Explosives", type_code=6)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "exploded", bombing), said("types", "second bomb", bombing)],
        weapons=[said("weapons", "the bomb", explosive), said("weapons", "second bomb", explosive)],
        perpetrators=[said("perpetrators", "Four militants", Perpetrator(description="militants"))],
        casualties=[
            said(
                "casualties", "Four militants", Casualties(category="perpetrators_killed", exact=4)
            )
        ],
    )
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    devices = [
        a.text.lower()
        for e in to_wikievents("d", _result(report))
        for a in e.arguments
        if a.role == "ExplosiveDevice"
    ]
    assert devices == ["the bomb"]  # the bomb that exploded, not one a sentence only names
    attackers = [a for e in to_wikievents("d", _result(report)) for a in e.arguments]
    assert not [a for a in attackers if a.role in ("Attacker", "Killer")]
    die = [(a.role, a.text.lower()) for a in events["Life.Die.Unspecified"].arguments]
    assert die == [("Victim", "four militants")]  # the dead are not their own killers


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_street_attacked_is_the_place(upper: bool) -> None:
    text = "A bomb exploded on a busy street near the town hall."
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    street = Target(type="Private Citizens & Property", type_code=14, subtype_code=79)
    hall = Target(type="Government (General)", type_code=2, subtype_code=21)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "exploded", EventType(name="Bombing/Explosion", gtd_code=3))],
        targets=[said("targets", "busy street", street), said("targets", "town hall", hall)],
    )
    [attack] = to_wikievents("d", _result(report))
    roles = [(a.role, a.text.lower()) for a in attack.arguments]
    assert ("Place", "busy street") in roles and ("Target", "busy street") not in roles
    assert ("Target", "town hall") in roles


@pytest.mark.parametrize(
    ("phrase", "victim"),
    [
        ("12 initially killed", "12"),
        ("12 INITIALLY KILLED", "12"),
        ("three elderly people were killed", "three elderly people"),
        ("THREE ELDERLY PEOPLE WERE KILLED", "THREE ELDERLY PEOPLE"),
        ("Tamerlan, 26, died", "Tamerlan"),
        ("TAMERLAN, 26, DIED", "TAMERLAN"),
    ],
)
def test_wikievents_an_adverb_or_apposition_is_not_the_victim(phrase: str, victim: str) -> None:
    report = _bombing(casualties=[_at("casualties", phrase, Casualties(category="killed"))])
    events = {e.event_type: e for e in to_wikievents("d", _result(report))}
    victims = [a.text for a in events["Life.Die.Unspecified"].arguments if a.role == "Victim"]
    assert victims == [victim]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_country_is_given_once_as_the_place(upper: bool) -> None:
    text = (
        "A bomb exploded in the village in Afghanistan on Friday. "
        "Another bomb exploded in the village in Afghanistan."
    )
    text = text.upper() if upper else text
    country = Place(role="scene", name="Afghanistan", country="Afghanistan", precision=5)
    village = Place(role="scene", name="the village", precision=5)
    second = text.index(". ") + 2

    def at(value: str, normalized: T, after: int) -> Assertion[T]:
        value = value.upper() if upper else value
        start = text.index(value, after)
        end = text.find(". ", start)
        end = len(text) if end < 0 else end + 1
        return Assertion[
            type(normalized)
        ](  # type: ignore[misc,operator]
            field="x",
            value=value,
            normalized=normalized,
            start=start,
            end=start + len(value),
            sentence=SentenceRef(start=after, end=end, text=text[after:end]),
            extractor="test",
        )

    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    report = IncidentReport(
        article_id="a0",
        types=[at("exploded", bombing, 0), at("exploded", bombing, second)],
        where=[
            at("Afghanistan", country, 0),
            at("the village", village, 0),
            at("Afghanistan", country, second),
            at("the village", village, second),
        ],
    )
    places = [
        a.text.lower()
        for e in to_wikievents("d", _result(report))
        for a in e.arguments
        if a.role == "Place"
    ]
    # the country once; an unnamed scene is no country and is each blast's place
    assert places == ["afghanistan", "the village", "the village"]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_shooting_told_in_a_bombing_report_is_an_attack(upper: bool) -> None:
    text = "A car bomb exploded outside the ministry. Gunmen then opened fire on the guards."
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    report = IncidentReport(
        article_id="a0",
        types=[
            said("types", "car bomb exploded", EventType(name="Bombing/Explosion", gtd_code=3)),
            said("types", "opened fire", EventType(name="Armed Assault", gtd_code=2)),
        ],
        perpetrators=[said("perpetrators", "Gunmen", Perpetrator(description="gunmen"))],
    )
    events = [(e.event_type, e.arguments) for e in to_wikievents("d", _result(report))]
    assert [t for t, _ in events] == [
        "Conflict.Attack.DetonateExplode",
        "Conflict.Attack.Unspecified",
    ]
    assert [(a.role, a.text.lower()) for a in events[1][1]] == [("Attacker", "gunmen")]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_an_unnamed_scene_is_a_place_beside_named_ones(upper: bool) -> None:
    text = "A bomb exploded in Kabul. Another bomb exploded in the village."
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "bomb exploded in K", bombing), said("types", "Another", bombing)],
        where=[
            said("where", "Kabul", Place(name="Kabul", city="Kabul", country="AF", precision=1)),
            said("where", "the village", Place(name="the village", precision=5)),
        ],
    )
    places = [
        a.text.lower()
        for e in to_wikievents("d", _result(report))
        for a in e.arguments
        if a.role == "Place"
    ]
    assert places == ["kabul", "the village"]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_the_car_of_a_car_bomb_is_no_target(upper: bool) -> None:
    text = "Two car bombs exploded outside the ministry."
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "exploded", EventType(name="Bombing/Explosion", gtd_code=3))],
        weapons=[said("weapons", "car bombs", Weapon(type="Explosives", type_code=6))],
        targets=[
            said("targets", "car", Target(type="Private Citizens & Property", type_code=14)),
            said("targets", "ministry", Target(type="Government (General)", type_code=2)),
        ],
    )
    [attack] = to_wikievents("d", _result(report))
    targets = [a.text.lower() for a in attack.arguments if a.role == "Target"]
    assert targets == ["ministry"]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_the_gunmen_are_no_instrument(upper: bool) -> None:
    text = "Gunmen with rifles opened fire on the checkpoint."
    text = text.upper() if upper else text

    def said(field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(text, field, value.upper() if upper else value, normalized)

    firearm = Weapon(type="Firearms", type_code=5)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "opened fire", EventType(name="Armed Assault", gtd_code=2))],
        weapons=[said("weapons", "Gunmen", firearm), said("weapons", "rifles", firearm)],
    )
    [attack] = to_wikievents("d", _result(report))
    assert [a.text.lower() for a in attack.arguments if a.role == "Instrument"] == ["rifles"]


TWO = "GUERRILLAS KIDNAPPED THE MAYOR OF ICA. IN ANOTHER INCIDENT, A BOMB DAMAGED A BANK."


def _in(field: str, value: str, normalized: T, text: str = TWO) -> Assertion[T]:
    """An assertion in its own sentence of ``text`` (the first occurrence of ``value``)."""
    start = text.index(value)
    end = text.index(".", start) + 1
    begin = text.rfind(". ", 0, start)
    begin = 0 if begin < 0 else begin + 2
    return _at(field, value, normalized).model_copy(
        update={
            "start": start,
            "end": start + len(value),
            "sentence": SentenceRef(start=begin, end=end, text=text[begin:end]),
        }
    )


def _two_incidents(**changes: Any) -> IncidentReport:
    fields: dict[str, Any] = {
        "types": [
            _in("types", "KIDNAPPED", EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)),
            _in("types", "BOMB", EventType(name="Bombing/Explosion", gtd_code=3)),
        ],
        "perpetrators": [_in("perpetrators", "GUERRILLAS", Perpetrator(description="guerrillas"))],
        "victims": [_in("victims", "THE MAYOR OF ICA", Victim(description="THE MAYOR OF ICA"))],
        "targets": [_in("targets", "BANK", Target(type="Business", type_code=1, entity="BANK"))],
        "weapons": [_in("weapons", "BOMB", Weapon(type="Explosives", type_code=6))],
        "casualties": [],
    }
    fields.update(changes)
    return _bombing(**fields)


def test_a_report_telling_of_two_incident_types_gives_a_template_per_type() -> None:
    kidnapping, bombing = to_gtt_templates(_result(_two_incidents()), tagger=False)
    # the report's own type first (a tie: the first named); each keeps its sentences' roles
    assert kidnapping.incident_type == "kidnapping"
    assert kidnapping.role("PerpInd") == (("GUERRILLAS",),)
    assert kidnapping.role("Victim") == (("THE MAYOR OF ICA",),)
    assert kidnapping.role("Target") == kidnapping.role("Weapon") == ()
    assert bombing.incident_type == "bombing"
    assert bombing.role("Target") == (("BANK",),)
    assert bombing.role("Weapon") == (("BOMB",),)
    assert bombing.role("PerpInd") == bombing.role("Victim") == ()
    slots = to_muc_slots(_result(_two_incidents()), tagger=False)
    assert [s.incident_type for s in slots] == ["KIDNAPPING", "BOMBING"]
    assert {s.country for s in slots} == {"EL SALVADOR"}  # the report's place in both


def test_a_sentence_naming_two_types_does_not_split_the_report() -> None:
    # a kidnapping and a bomb in one sentence: one incident told with both words
    types = [
        _at("types", "KILLING", EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)),
        _at("types", "BOMB", EventType(name="Bombing/Explosion", gtd_code=3)),
    ]
    assert len(to_gtt_templates(_result(_bombing(types=types)), tagger=False)) == 1


@pytest.mark.parametrize(
    ("second", "templates"),
    [
        ("MEANWHILE, IN BOGOTA, A CAR BOMB EXPLODED AT A BANK.", 2),  # a cue: another bombing
        ("THE CAR BOMB EXPLODED AT A BANK.", 1),  # the same bombing told again
    ],
)
def test_a_second_attack_of_one_type_needs_a_cue_to_be_another_incident(
    second: str, templates: int
) -> None:
    text = "A BOMB EXPLODED AT THE EMBASSY IN LIMA. " + second
    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    report = _bombing(
        types=[_in("types", "BOMB EXPLODED", bombing, text), _in("types", "CAR", bombing, text)],
        targets=[
            _in(
                "targets", "EMBASSY", Target(type="Government", type_code=7, entity="EMBASSY"), text
            ),
            _in("targets", "BANK", Target(type="Business", type_code=1, entity="BANK"), text),
        ],
    )
    found = to_gtt_templates(_result(report), tagger=False)
    assert len(found) == templates
    assert {t.incident_type for t in found} == {"bombing"}
    assert [t.role("Target") for t in found] == (
        [(("EMBASSY",),), (("BANK",),)] if templates == 2 else [(("EMBASSY",), ("BANK",))]
    )


def test_candidate_classifier_assertions_count_as_the_taggers() -> None:
    report = _bombing(
        targets=[
            _at("targets", "SOLDIERS", Target(type="Military", type_code=4, entity="SOLDIERS")),
            _at(
                "targets", "EMBASSY", Target(type="Government", type_code=7, entity="EMBASSY")
            ).model_copy(update={"extractor": "incidex_role_candidates_v1"}),
        ],
    )
    assert to_gtt_templates(_result(report))[0].role("Target") == (("EMBASSY",),)


@pytest.mark.parametrize(
    ("first", "second", "entities"),
    [
        ("THE U.S. EMBASSY", "THE EMBASSY", 1),  # same head, fewer words: the same thing
        ("EMBASSY", "U.S. EMBASSY", 1),  # more words after fewer
        ("THE EMBASSY", "THE EMBASSY GUARDS", 2),  # another head
        ("U.S. EMBASSY", "PERUVIAN EMBASSY", 2),  # neither holds the other's words
    ],
)
def test_a_target_named_again_by_its_head_is_one_entity(
    first: str, second: str, entities: int
) -> None:
    def target(text: str) -> Assertion[Target]:
        found = _at("targets", text, Target(type="Government", type_code=7, entity=text))
        return _tagged(found)

    report = _bombing(targets=[target(first), target(second)])
    found = to_gtt_templates(_result(report))[0].role("Target")
    assert len(found) == entities
    assert found[0] == (first,)


class _Said:
    """``_said`` on the text in mixed or upper case: ``said(field, value, normalized)``."""

    def __init__(self, text: str, upper: bool) -> None:
        self.text = text.upper() if upper else text
        self.upper = upper

    def __call__(self, field: str, value: str, normalized: T) -> Assertion[T]:
        return _said(self.text, field, value.upper() if self.upper else value, normalized)


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_bombing_told_in_a_shooting_report_is_an_explosion(upper: bool) -> None:
    text = "Gunmen opened fire on the guards. Gunmen shot two officers. A bomb exploded nearby."
    said = _Said(text, upper)

    shooting = EventType(name="Armed Assault", gtd_code=2)
    report = IncidentReport(
        article_id="a0",
        types=[
            said("types", "opened fire", shooting),
            said("types", "shot", shooting),
            said("types", "bomb exploded", EventType(name="Bombing/Explosion", gtd_code=3)),
        ],
    )
    # the report is a shooting, but the last sentence tells only of an explosion
    assert [e.event_type for e in to_wikievents("d", _result(report))] == [
        "Conflict.Attack.Unspecified",
        "Conflict.Attack.Unspecified",
        "Conflict.Attack.DetonateExplode",
    ]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "placed"),
    [
        ("A bomb exploded at the market, killing three people.", False),
        ("A bomb attack at the market, which killed three people, shocked the town.", False),
        ("A bomb exploded. Later three people were killed at the market.", True),
    ],
)
def test_wikievents_a_death_told_by_the_attack_clause_leaves_the_place_to_the_attack(
    upper: bool, text: str, placed: bool
) -> None:
    said = _Said(text, upper)

    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "bomb", bombing)],
        where=[said("where", "market", Place(role="scene", name="market", venue="market"))],
        casualties=[said("casualties", "three people", Casualties(category="killed", exact=3))],
    )
    [die] = [e for e in to_wikievents("d", _result(report)) if e.event_type.startswith("Life")]
    assert [a.text.lower() for a in die.arguments if a.role == "Place"] == (
        ["market"] if placed else []
    )


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_people_attacked_and_not_harmed_are_the_target(upper: bool) -> None:
    text = "The bombings were aimed at civilians. A bomb exploded at the market, killing two men."
    said = _Said(text, upper)

    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    people = Target(type="Private Citizens & Property", type_code=14, entity="men")
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "bombings", bombing), said("types", "bomb exploded", bombing)],
        targets=[
            said("targets", "civilians", people.model_copy(update={"entity": "civilians"})),
            said("targets", "two men", people),
        ],
        victims=[said("victims", "two men", Victim(description="two men", fate="killed"))],
    )
    targets = [
        [a.text.lower() for a in e.arguments if a.role == "Target"]
        for e in to_wikievents("d", _result(report))
        if e.event_type.startswith("Conflict")
    ]
    # the men killed are the death's victims, not the attack's target
    assert targets == [["civilians"], []]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_venue_that_is_the_target_is_not_the_place(upper: bool) -> None:
    text = "The federal building in Oklahoma City was shattered by an explosion."
    said = _Said(text, upper)

    city = Place(role="scene", name="Oklahoma City", city="Oklahoma City", precision=1)
    report = IncidentReport(
        article_id="a0",
        types=[said("types", "explosion", EventType(name="Bombing/Explosion", gtd_code=3))],
        where=[
            said("where", "federal building", city.model_copy(update={"venue": "building"})),
            said("where", "Oklahoma City", city),
        ],
        targets=[said("targets", "federal building", Target(type="Government", type_code=2))],
    )
    [attack] = to_wikievents("d", _result(report))
    assert [(a.role, a.text.lower()) for a in attack.arguments] == [
        ("Target", "federal building"),
        ("Place", "oklahoma city"),
    ]


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_a_group_inside_an_attacker_mention_is_no_second_attacker(upper: bool) -> None:
    text = "Taliban gunmen and suicide bombers attacked the camp."
    said = _Said(text, upper)

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "attacked", EventType(name="Armed Assault", gtd_code=2))],
        perpetrators=[
            said("perpetrators", "Taliban", Perpetrator(group="Taliban")),
            said("perpetrators", "Taliban gunmen", Perpetrator(description="gunmen")),
            said("perpetrators", "suicide bombers", Perpetrator(description="bombers")),
        ],
    )
    [attack] = to_wikievents("d", _result(report))
    assert [a.text.lower() for a in attack.arguments if a.role == "Attacker"] == [
        "taliban gunmen",
        "suicide bombers",
    ]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("phrase", "victims"),
    [
        ("two other Americans and an Afghani", ["two other americans", "an afghani"]),
        ("the driver and his wife", ["the driver and his wife"]),
    ],
)
def test_wikievents_people_counted_one_by_one_are_victims_each(
    upper: bool, phrase: str, victims: list[str]
) -> None:
    text = f"A bomb exploded at the market. Six soldiers were killed, with {phrase} injured."
    said = _Said(text, upper)

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "bomb exploded", EventType(name="Bombing/Explosion", gtd_code=3))],
        casualties=[said("casualties", phrase, Casualties(category="wounded", exact=3))],
    )
    [injure] = [e for e in to_wikievents("d", _result(report)) if "Injure" in e.event_type]
    assert [a.text.lower() for a in injure.arguments if a.role == "Victim"] == victims


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(("violent", "events"), [(False, []), (True, ["Life.Die.Unspecified"])])
def test_wikievents_deaths_of_a_report_telling_of_no_violence_are_no_events(
    upper: bool, violent: bool, events: list[str]
) -> None:
    text = "Doctors said eight people died of an unknown virus. Gunmen were seen."
    said = _Said(text, upper)

    report = IncidentReport(
        article_id="a0",
        casualties=[said("casualties", "eight people", Casualties(category="killed", exact=8))],
        perpetrators=[said("perpetrators", "Gunmen", Perpetrator(description="gunmen"))]
        if violent
        else [],
    )
    assert [e.event_type for e in to_wikievents("d", _result(report))] == events


@pytest.mark.parametrize("upper", [False, True])
def test_wikievents_hostages_taken_are_detainees(upper: bool) -> None:
    text = "Gunmen stormed the hospital. The gunmen seized hundreds of hostages."
    said = _Said(text, upper)

    report = IncidentReport(
        article_id="a0",
        types=[said("types", "stormed", EventType(name="Armed Assault", gtd_code=2))],
        perpetrators=[said("perpetrators", "The gunmen", Perpetrator(description="gunmen"))],
        casualties=[
            said("casualties", "hundreds of hostages", Casualties(category="hostages", low=100))
        ],
    )
    [arrest] = [e for e in to_wikievents("d", _result(report)) if "Arrest" in e.event_type]
    # the head of "hundreds of hostages" is the hostages, as the scorer reads it
    assert [(a.role, (a.head or a.text.split()[-1]).lower()) for a in arrest.arguments] == [
        ("Detainee", "hostages"),
        ("Jailer", "gunmen"),
    ]


@pytest.mark.parametrize(
    ("phrase", "head"),
    [("hundreds of hostages", "hostages"), ("11 of the injured", "11"), ("head of police", "head")],
)
def test_wikievents_head_of_a_partitive(phrase: str, head: str) -> None:
    [argument] = _args("Victim", [phrase])
    assert (argument.head or argument.text.split()[-1]).lower() == head


# -- MUC human targets: HUM TGT: NUMBER and EFFECT OF INCIDENT -----------------------------

HUMANS = (
    "GUNMEN KILLED SIX PRIESTS AND THE RECTOR, PEDRO SOLIS. THE PRIESTS WERE SHOT AT "
    "DAWN. TWO GUARDS WERE WOUNDED. THE ASSASSINATION OF JUAN VARGAS WAS CONDEMNED. CIVILIANS "
    "FLED THE AREA. TWO DEAD WERE FOUND."
)


@pytest.mark.parametrize("upper", [True, False])
def test_muc_human_targets_one_fill_per_person_or_group(upper: bool) -> None:
    text = HUMANS if upper else HUMANS.capitalize()

    def said(field: str, value: str, normalized: T, tagged: bool = False) -> Assertion[T]:
        found = _in(field, value if upper else value.lower(), normalized, text)
        return found.model_copy(update={"extractor": "incidex_roles_v1"}) if tagged else found

    def victim(value: str, fate: Any, count: int | None = None, names: Any = ()) -> Victim:
        return Victim(description=value, fate=fate, count=count, names=list(names))

    report = _bombing(
        types=[said("types", "KILLED", EventType(name="Armed Assault", gtd_code=2))],
        victims=[
            said("victims", "SIX PRIESTS", victim("six priests", "killed", 6)),
            said(
                "victims",
                "THE RECTOR, PEDRO SOLIS",
                victim("the rector", "killed", 1, ["Pedro Solis"]),
            ),
            # the same priests again (head word and fate), the same man (within his name)
            said("victims", "THE PRIESTS", victim("the priests", "killed")),
            said("victims", "TWO GUARDS", victim("two guards", "wounded", 2)),
            said("victims", "PEDRO SOLIS", victim("PEDRO SOLIS", "targeted"), True),
            # the tagger's victims have no fate: their sentence tells it, if it does (a name
            # ending in "s" is one person)
            said("victims", "JUAN VARGAS", victim("JUAN VARGAS", "targeted"), True),
            said("victims", "CIVILIANS", victim("CIVILIANS", "targeted"), True),
        ],
        casualties=[
            # a figure within a victim's words tells of no one else; "TWO DEAD" does
            said("casualties", "TWO GUARDS WERE WOUNDED", Casualties(category="wounded", exact=2)),
            said("casualties", "TWO DEAD", Casualties(category="killed", exact=2)),
        ],
    )
    [slot] = to_muc_slots(_result(report))
    assert slot.hum_tgt_effects == ("DEATH", "DEATH", "INJURY", "DEATH", "DEATH")
    assert slot.hum_tgt_numbers == (6, 1, 2, 1, "PLURAL", 2)


@pytest.mark.parametrize(
    ("zero", "effect"),
    [
        (("killed", "wounded"), "NO INJURY OR DEATH"),  # "no one was hurt": neither
        (("wounded",), "NO INJURY"),
        (("killed",), "NO DEATH"),
    ],
)
def test_muc_no_one_hurt_is_a_no_harm_effect(zero: tuple[str, ...], effect: str) -> None:
    casualties = [
        _at("casualties", "NO ONE WAS HURT", Casualties(category=c, exact=0))  # type: ignore[arg-type]
        for c in zero
    ]
    [slot] = to_muc_slots(_result(_bombing(casualties=casualties)))
    assert (slot.hum_tgt_effects, slot.hum_tgt_numbers) == ((effect,), ())


def test_muc_casualties_belong_to_the_incident_whose_sentence_tells_them() -> None:
    text = "GUERRILLAS KIDNAPPED THE MAYOR OF ICA. IN ANOTHER INCIDENT, A BOMB KILLED TWO GUARDS."
    report = _two_incidents(
        types=[
            _in("types", "KIDNAPPED", EventType(name="Hostage Taking (Kidnapping)"), text),
            _in("types", "BOMB", EventType(name="Bombing/Explosion"), text),
        ],
        # the mayor taken, with no casualty phrase of his own (a kidnapping names its hostage)
        victims=[_in("victims", "THE MAYOR OF ICA", Victim(description="THE MAYOR OF ICA"), text)],
        casualties=[_in("casualties", "TWO GUARDS", Casualties(category="killed", exact=2), text)],
    )
    kidnapping, bombing = to_muc_slots(_result(report), tagger=False)
    # the kidnapping counts its one hostage, not the bombing's dead
    assert (kidnapping.hum_tgt_effects, kidnapping.hum_tgt_numbers) == ((), (1,))
    assert (bombing.hum_tgt_effects, bombing.hum_tgt_numbers) == (("DEATH",), (2,))


def test_muc_place_names_are_upper_case_ascii_as_in_the_keys() -> None:
    scene = Place(
        role="scene",
        name="MEDELLIN",
        city="Medellín",
        country="Colombia",
        country_code="CO",
        precision=1,
    )
    report = _bombing(where=[_at("where", "SAN SALVADOR", scene)])
    [slot] = to_muc_slots(_result(report))
    assert (slot.country, slot.place) == ("COLOMBIA", "MEDELLIN")


def test_wikievents_no_one_hurt_is_no_death_or_injury_event() -> None:
    casualties = [
        _at("casualties", "NO ONE WAS HURT", Casualties(category=c, exact=0))  # type: ignore[arg-type]
        for c in ("killed", "wounded")
    ]
    events = to_wikievents("d", _result(_bombing(casualties=casualties)))
    assert {e.event_type for e in events} == {"Conflict.Attack.DetonateExplode"}


def test_muc_place_is_the_finer_scene_in_the_scene_country() -> None:
    # "kidnapped in Colombia from a site near Medellin": the country first, then the town
    colombia = Place(role="scene", name="COLOMBIA", country="Colombia", country_code="CO")
    medellin = colombia.model_copy(update={"name": "MEDELLIN", "city": "Medellín", "precision": 1})
    lima = Place(
        role="scene", name="LIMA", city="Lima", country="Peru", country_code="PE", precision=1
    )
    where = [_at("where", "SAN", colombia), _at("where", "EXPLODED", lima)]
    [slot] = to_muc_slots(_result(_bombing(where=where)))
    assert (slot.country, slot.place) == ("COLOMBIA", None)  # a town of another country
    where.append(_at("where", "SALVADOR", medellin))
    [slot] = to_muc_slots(_result(_bombing(where=where)))
    assert (slot.country, slot.place) == ("COLOMBIA", "MEDELLIN")
