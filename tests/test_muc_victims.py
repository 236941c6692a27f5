"""Victims and physical targets of the MUC-4 mapping: who is a GTT Victim (and a HUM TGT of
the slots), and which tagged things are GTT Targets. Hand-made texts, mixed and upper case."""

from __future__ import annotations

from typing import TypeVar

import pytest
from _records import said
from pydantic import BaseModel

from incidex.evaluate import SlotTemplate, to_gtt_templates, to_muc_slots
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    EventType,
    IncidentReport,
    Target,
    Victim,
)

T = TypeVar("T", bound=BaseModel)
TAGGER = "incidex_roles_v1"  # the trained role tagger's extractor name
KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)
SHOOTING = EventType(name="Armed Assault", gtd_code=2)


class _Text:
    """Assertions told by the words of one text, in mixed or upper case."""

    def __init__(self, text: str, upper: bool, *, one_sentence: bool = False) -> None:
        self.text = text.upper() if upper else text
        self.upper = upper
        self.one_sentence = one_sentence  # the text is one sentence, whatever its stops

    def __call__(
        self, field: str, value: str, normalized: T, extractor: str = TAGGER
    ) -> Assertion[T]:
        words = value.upper() if self.upper else value
        return said(
            self.text, field, words, normalized, extractor=extractor, whole_text=self.one_sentence
        )

    def result(self, report: IncidentReport) -> ArticleResult:
        article = Article.from_text(self.text, source="EFE")
        report.article_id = article.id
        return ArticleResult(article=article, status="extracted", incidents=[report])


def _report(
    text: _Text, kind: EventType, verb: str, victims: list[Assertion[Victim]]
) -> ArticleResult:
    report = IncidentReport(
        article_id="a0",
        types=[text("types", verb, kind, extractor="tests.v1")],
        victims=victims,
    )
    return text.result(report)


def _victims(text: _Text, kind: EventType, verb: str, names: list[str]) -> list[str]:
    """The GTT Victims of an incident told by ``verb`` with these names tagged as victims."""
    tagged = [text("victims", name, Victim()) for name in names]
    (template,) = to_gtt_templates(_report(text, kind, verb, tagged), tagger=True)
    return [entity[0].lower() for entity in template.role("Victim")]


def _slots(text: _Text, kind: EventType, verb: str, names: list[str]) -> SlotTemplate:
    tagged = [text("victims", name, Victim()) for name in names]
    (slots,) = to_muc_slots(_report(text, kind, verb, tagged), tagger=True)
    return slots


def _targets(text: _Text, things: list[str]) -> list[str]:
    """The GTT Targets of a bombing told by "bomb exploded" with these things tagged."""
    bombing = EventType(name="Bombing/Explosion", gtd_code=3)
    report = IncidentReport(
        article_id="a0",
        types=[text("types", "bomb exploded", bombing, extractor="tests.v1")],
        targets=[
            text("targets", value, Target(type="Unknown", type_code=20, entity=value))
            for value in things
        ],
    )
    (template,) = to_gtt_templates(text.result(report), tagger=True)
    return [entity[0].lower() for entity in template.role("Target")]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "tagged", "victims"),
    [
        # a person's name before a group's head noun names the group
        (
            "Both were kidnapped by the so-called Nelson Mandela cell of the ELN.",
            ["Nelson Mandela"],
            [],
        ),
        # ... and after a street word, the street
        (
            "Guerrero was shot dead by terrorists at the Alameda Juan Pablo II.",
            ["Guerrero", "Juan Pablo II"],
            ["guerrero"],
        ),
    ],
)
def test_a_name_inside_another_name_is_no_victim(
    text: str, tagged: list[str], victims: list[str], upper: bool
) -> None:
    told = _Text(text, upper)
    verb = "kidnapped" if "kidnapped" in text else "shot dead"
    kind = KIDNAPPING if verb == "kidnapped" else SHOOTING
    assert _victims(told, kind, verb, tagged) == victims


@pytest.mark.parametrize("upper", [False, True])
def test_a_name_inside_another_name_is_no_human_target_either(upper: bool) -> None:
    told = _Text("Two engineers were kidnapped by the Nelson Mandela cell of the ELN.", upper)
    slots = _slots(told, KIDNAPPING, "kidnapped", ["Nelson Mandela"])
    assert slots.hum_tgt_numbers == ()


@pytest.mark.parametrize("upper", [False, True])
def test_a_tagged_victim_cut_short_is_named_as_the_rules_name_her(upper: bool) -> None:
    told = _Text(
        "The commander's wife, Stela Torrado de Otalora, was killed on Monday. "
        "Spaniard Jose Maria Martinez was killed too.",
        upper,
    )

    def named(mention: str, name: str) -> Assertion[Victim]:  # by the rules, with the name
        # the rules normalise names to lower case; the mention is written as the text has it
        return told("victims", mention, Victim(names=[name.lower()], fate="killed"), "tests.v1")

    victims = [
        named("The commander's wife", "Stela Torrado de Otalora"),
        told("victims", "Torrado de Otalora", Victim()),
        named("Spaniard Jose Maria Martinez", "Spaniard Jose Maria Martinez"),
        told("victims", "Jose Maria Martinez", Victim()),
    ]
    (template,) = to_gtt_templates(_report(told, SHOOTING, "killed", victims), tagger=True)
    # the full name as written, and no nationality taken for a part of one
    expected = ["Stela Torrado de Otalora", "Jose Maria Martinez"]
    assert [e[0] for e in template.role("Victim")] == [
        name.upper() if upper else name for name in expected
    ]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "tagged", "victims"),
    [
        (
            "Two of her bodyguards, Dagoberto Rodriguez and Alfonso de Lima, who were inside "
            "the car, were killed instantly.",
            "Dagoberto Rodriguez",
            ["dagoberto rodriguez", "alfonso de lima"],
        ),
        # a place after the first name, a nationality before the second: not of the name
        (
            "Roberto Roascio of Milan and Spaniard Francisco Puja were kidnapped.",
            "Roberto Roascio",
            ["roberto roascio", "francisco puja"],
        ),
        # a title before the second name
        (
            "Salomon Vallecillo and Dr Ramon Roberto Garay were murdered.",
            "Salomon Vallecillo",
            ["salomon vallecillo", "ramon roberto garay"],
        ),
        # people described, not named, are left to the tagger
        ("Jose Perez and his driver were killed.", "Jose Perez", ["jose perez"]),
        ("Jose Perez and two bodyguards were killed.", "Jose Perez", ["jose perez"]),
        ("Jose Perez and more than 20 peasants were killed.", "Jose Perez", ["jose perez"]),
        # a one-word mention may be a group's
        ("Rodriguez and Garcia Marquez were killed.", "Rodriguez", ["rodriguez"]),
    ],
)
def test_people_listed_after_a_tagged_victim_are_victims(
    text: str, tagged: str, victims: list[str], upper: bool
) -> None:
    told = _Text(text, upper)
    verb = "kidnapped" if "kidnapped" in text else "killed" if "killed" in text else "murdered"
    kind = KIDNAPPING if verb == "kidnapped" else SHOOTING
    assert _victims(told, kind, verb, [tagged]) == victims


@pytest.mark.parametrize("upper", [False, True])
def test_people_listed_after_a_tagged_victim_are_human_targets(upper: bool) -> None:
    told = _Text("Victor Manuel Vasquez and Rafael Romero were murdered by troops.", upper)
    slots = _slots(told, SHOOTING, "murdered", ["Victor Manuel Vasquez"])
    assert slots.hum_tgt_numbers == (1, 1)
    assert slots.hum_tgt_effects == ("DEATH", "DEATH")


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("struck", "thing"),
    [
        ("The rebels later attacked an electric power substation.", "electric power substation"),
        ("Our units also sabotaged the electrical system.", "electrical system"),
        ("The rebels condemned the attack on the university.", "university"),
        ("The bus was attacked on the coastal highway.", "bus"),
    ],
)
def test_a_thing_told_as_struck_is_a_target_where_no_attack_type_was_found(
    struck: str, thing: str, upper: bool
) -> None:
    told = _Text(
        f"A bomb exploded at the police station in the capital. {struck} "
        "The mayor had left his house minutes earlier.",
        upper,
    )
    found = _targets(told, ["police station", thing, "his house"])
    # the house of a sentence telling of no attack stays out
    assert found == ["police station", thing]


@pytest.mark.parametrize("upper", [False, True])
def test_a_tagged_piece_of_a_name_cut_at_an_abbreviation_is_no_target(upper: bool) -> None:
    told = _Text(
        "A bomb exploded at the Chilean-U.S. Cultural Institute in Santiago.",
        upper,
        one_sentence=True,
    )
    assert _targets(told, ["Chilean-U.S", "Cultural Institute"]) == ["cultural institute"]


@pytest.mark.parametrize("upper", [False, True])
def test_the_place_of_a_verb_of_attack_is_no_target(upper: bool) -> None:
    told = _Text(
        "A bomb exploded at the police station. The bus was attacked on the coastal highway.",
        upper,
    )
    # "attacked on the highway" tells where, "the attack on the highway" what
    assert _targets(told, ["police station", "coastal highway"]) == ["police station"]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Signed: Juan Diaz Jara, chief of the police press office.", "Juan Diaz Jara"),
        ("Here is a report by Gladys Vargas from Medellin.", "Gladys Vargas"),
        ("The rebels sent a letter to former president Misael Pastrana.", "Misael Pastrana"),
        (
            "During a talk with Interior Minister Carlos Morales, she asked for help.",
            "Carlos Morales",
        ),
        (
            "Colonel Hector Hernandez has been appointed commander of the brigade.",
            "Hector Hernandez",
        ),
        ("Monica de Greiff, a key official in the war on drugs, has resigned.", "Monica de Greiff"),
        # the attacker and the accused
        ("The killing had been ordered by Fidel Castano.", "Fidel Castano"),
        ("Colonel Hector Hernandez, chief of police, is responsible.", "Hector Hernandez"),
    ],
)
def test_a_source_or_an_official_in_the_news_is_no_victim(
    text: str, named: str, upper: bool
) -> None:
    told = _Text(f"Gunmen killed Jose Perez in Medellin. {text}", upper)
    assert _victims(told, SHOOTING, "killed", ["Jose Perez", named]) == ["jose perez"]
    assert _slots(told, SHOOTING, "killed", ["Jose Perez", named]).hum_tgt_numbers == (1,)
