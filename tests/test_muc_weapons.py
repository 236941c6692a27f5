"""Weapons in the MUC-4 mapping (GTT Weapon, INSTRUMENT TYPE) and the role tagger's weapon
spans, on hand-made records and parses (mixed and upper case)."""

from __future__ import annotations

import pytest
from _records import cased, said
from spacy.tokens import Doc
from spacy.vocab import Vocab

from incidex.evaluate import to_gtt_templates, to_muc_slots
from incidex.model import Article, ArticleResult, Assertion, EventType, IncidentReport, Weapon
from incidex.nlp.components.trained import _to_head

TEXT = "The attack on the mayor took place in the street."

_GUN = Weapon(type="Firearms", type_code=5, subtype_code=5)
_RIFLE = Weapon(type="Firearms", type_code=5, subtype_code=2)
_EXPLOSIVE = Weapon(type="Explosives", type_code=6, subtype_code=16)
_DYNAMITE = Weapon(type="Explosives", type_code=6, subtype_code=28)
_CAR_BOMB = Weapon(type="Explosives", type_code=6, subtype_code=15)
_FIRE = Weapon(type="Incendiary", type_code=8, subtype_code=18)
_UNKNOWN = Weapon(type="Unknown", type_code=13)


def _weapon(value: str, normalized: Weapon, *, tagged: bool = False) -> Assertion[Weapon]:
    extractor = "incidex_roles_v1" if tagged else "incidex_weapons_v1"
    return said(
        TEXT, "weapons", value, normalized, whole_text=True, anywhere=True, extractor=extractor
    )


def _result(weapons: list[Assertion[Weapon]], upper: bool, text: str = TEXT) -> ArticleResult:
    text = text.upper() if upper else text
    article = Article.from_text(text, source="EFE")
    kind = EventType(name="Armed Assault", gtd_code=2)
    report = IncidentReport(
        article_id=article.id,
        types=[said(text, "types", text.split()[1], kind, whole_text=True)],
        weapons=[w.model_copy(update={"value": cased(w.value, upper)}) for w in weapons],
    )
    return ArticleResult(article=article, status="extracted", incidents=[report])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("weapons", "fills"),
    [
        # no instrument named: the act tells the type (the keys' GUN: "-", EXPLOSIVE: "-")
        ([_weapon("shot", _GUN)], ("GUN",)),
        ([_weapon("explosion", _EXPLOSIVE)], ("EXPLOSIVE",)),
        ([_weapon("shot", _GUN), _weapon("exploded", _EXPLOSIVE)], ("GUN", "EXPLOSIVE")),
        # a knowledge-base weapon verb the rules read is an act too, in any form
        ([_weapon("opened fire", _GUN)], ("GUN",)),
        ([_weapon("fired at", _GUN)], ("GUN",)),
        ([_weapon("machinegunned", _RIFLE)], ("MACHINE GUN",)),
        ([_weapon("machine-gunned", _RIFLE)], ("MACHINE GUN",)),
        # an instrument named: its type only, not the act's too
        ([_weapon("bomb", _EXPLOSIVE, tagged=True), _weapon("exploded", _EXPLOSIVE)], ("BOMB",)),
        # a fire set is arson, which has no instrument type
        ([_weapon("burned", _FIRE)], ()),
        # the general fill is dropped beside a more specific one of its branch...
        (
            [
                _weapon("explosives", _EXPLOSIVE, tagged=True),
                _weapon("dynamite", _DYNAMITE, tagged=True),
            ],
            ("DYNAMITE",),
        ),
        (
            [_weapon("bomb", _EXPLOSIVE, tagged=True), _weapon("car bomb", _CAR_BOMB, tagged=True)],
            ("VEHICLE BOMB",),
        ),
        # ... but the material and its container are two fills (template-doc slot 6, note 2)
        (
            [_weapon("bomb", _EXPLOSIVE, tagged=True), _weapon("dynamite", _DYNAMITE, tagged=True)],
            ("BOMB", "DYNAMITE"),
        ),
    ],
)
def test_instrument_type_from_the_act_where_no_instrument_is_named(
    weapons: list[Assertion[Weapon]], fills: tuple[str, ...], upper: bool
) -> None:
    slot = to_muc_slots(_result(weapons, upper), tagger=True)[0]
    assert slot.instrument_types == fills
    # the act is no GTT Weapon: that role takes noun phrases naming an instrument
    template = to_gtt_templates(_result(weapons, upper), tagger=True)[0]
    named = {cased(w.value, upper) for w in weapons if w.extractor == "incidex_roles_v1"}
    found = {e[0] for e in template.role("Weapon")}
    assert found <= named and bool(found) == bool(named)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "fills"),
    [
        ("Six Jesuits were machinegunned by men in uniform.", ("MACHINE GUN",)),
        ("The mayor was shot during the night by armed men.", ("GUN",)),
        ("The archbishop was killed by a sniper while saying mass.", ("GUN",)),
        ("Guerrillas fired on the police post.", ("GUN",)),
        ("The mayor was found dead in the street.", ()),
        # the act word far into a long wire sentence
        (
            "The mayor of the town, who had returned on Monday from the capital, where he had "
            "met the ministers of the interior, of defense and of public works, the governor "
            "of the department, the archbishop, the heads of the coffee growers' association, "
            "the leaders of the opposition parties in the assembly and the delegates of the "
            "international organizations that have followed the talks between the government "
            "and the rebels for the past three months, and who had told reporters at the "
            "airport that he feared for his life, was shot during the night.",
            ("GUN",),
        ),
    ],
)
def test_instrument_type_from_a_firearm_act_word_where_nothing_else_tells(
    text: str, fills: tuple[str, ...], upper: bool
) -> None:
    assert to_muc_slots(_result([], upper, text), tagger=True)[0].instrument_types == fills


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("value", "weapon"),
    [("several individuals", False), ("gunmen", False), ("Galil", True), ("M-16", True)],
)
def test_an_unclassified_weapon_naming_people_is_no_weapon(
    value: str, weapon: bool, upper: bool
) -> None:
    result = _result([_weapon(value, _UNKNOWN, tagged=True)], upper)
    template = to_gtt_templates(result, tagger=True)[0]
    assert template.role("Weapon") == (((cased(value, upper),),) if weapon else ())


def _parse(words: list[str], heads: list[int], deps: list[str]) -> Doc:
    return Doc(Vocab(), words=words, heads=heads, deps=deps)


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("words", "heads", "deps", "tagged", "carried"),
    [
        # "two bursts of machinegun | fire": the weapon's fire is no weapon; the weapon is
        # what the bursts are of
        (
            ["killed", "with", "two", "bursts", "of", "machinegun", "fire", "."],
            [0, 0, 3, 1, 3, 6, 4, 0],
            ["ROOT", "prep", "nummod", "pobj", "prep", "compound", "pobj", "punct"],
            (2, 6),
            "machinegun",
        ),
        # "9-mm submachine | gun rounds": on to the noun naming the weapon, not its rounds
        (
            ["55", "9-mm", "submachine", "gun", "rounds", "hit", "the", "car"],
            [4, 4, 3, 4, 5, 5, 7, 5],
            ["nummod", "compound", "compound", "compound", "nsubj", "ROOT", "det", "dobj"],
            (1, 3),
            "9-mm submachine gun",
        ),
        # "a dynamite | charge": the charge is of dynamite, and no "of" to cut at
        (
            ["a", "dynamite", "charge", "exploded"],
            [2, 2, 3, 3],
            ["det", "compound", "nsubj", "ROOT"],
            (1, 2),
            "dynamite",
        ),
        # "a car bomb | attack": the attack is the event, not the weapon
        (
            ["the", "car", "bomb", "attack", "destroyed", "it"],
            [3, 2, 3, 4, 4, 4],
            ["det", "compound", "compound", "nsubj", "ROOT", "dobj"],
            (1, 3),
            "car bomb",
        ),
        # a span ending on its head stays as it is
        (
            ["rebels", "fired", "rockets", "."],
            [1, 1, 1, 1],
            ["nsubj", "ROOT", "dobj", "punct"],
            (2, 3),
            "rockets",
        ),
    ],
)
def test_a_weapon_span_cut_before_its_head_noun_is_carried_on_to_it(
    words: list[str],
    heads: list[int],
    deps: list[str],
    tagged: tuple[int, int],
    carried: str,
    upper: bool,
) -> None:
    doc = _parse([cased(w, upper) for w in words], heads, deps)
    assert _to_head(doc, doc[tagged[0] : tagged[1]]).text == cased(carried, upper)
