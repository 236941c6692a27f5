"""Word lists read from ``kb/lexicon.json`` (not from code): the rules that use them, in mixed
and upper case, and the lists extended as a user would for another domain or language."""

from __future__ import annotations

import dataclasses

import pytest
from _records import said

from incidex.evaluate import _predict
from incidex.model import Weapon
from incidex.nlp.lexicon import default_lexicon

_GUN = Weapon(type="Firearms", type_code=5)
_BOMB = Weapon(type="Explosives", type_code=6)


def _extend(monkeypatch: pytest.MonkeyPatch, **extra: frozenset[str]) -> None:
    """The mapping rules reading a lexicon with more words in the named lists."""
    lex = default_lexicon()
    changed = dataclasses.replace(lex, **{k: getattr(lex, k) | v for k, v in extra.items()})
    monkeypatch.setattr(_predict, "default_lexicon", lambda: changed)


@pytest.mark.parametrize(
    ("weapon", "mention", "fill"),
    [
        (_GUN, "a machine gun", "MACHINE GUN"),
        (_GUN, "A MACHINE GUN", "MACHINE GUN"),
        (_GUN, "two pistols", "HANDGUN"),
        (_BOMB, "a car bomb", "VEHICLE BOMB"),  # the specific fill before BOMB
        (_BOMB, "A CAR BOMB", "VEHICLE BOMB"),
        (_BOMB, "a bomb", "BOMB"),
    ],
)
def test_instrument_type_from_the_mention_words(weapon: Weapon, mention: str, fill: str) -> None:
    assert _predict.instrument_type_of(weapon, mention) == fill


@pytest.mark.parametrize(
    ("mention", "people"),
    [
        ("three peasants", True),
        ("THREE PEASANTS", True),
        ("the clergymen", True),  # by the word ending
        ("THE BUILDING", False),
        ("a bus", False),
    ],
)
def test_people_mentions(mention: str, people: bool) -> None:
    assert _predict._is_people(mention) is people


def test_people_heads_extended(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not _predict._is_people("LOS CAMPESINOS")
    _extend(monkeypatch, people_heads=frozenset({"campesinos"}))
    assert _predict._is_people("LOS CAMPESINOS")


@pytest.mark.parametrize(
    ("speaker", "sentence", "authority"),
    [
        ("ARMED FORCES SPOKESMAN", "", True),
        ("an army spokesman", "", True),
        ("Humberto Larios", "Defense Minister Humberto Larios said the FMLN did it.", True),
        ("HUMBERTO LARIOS", "DEFENSE MINISTER HUMBERTO LARIOS SAID THE FMLN DID IT.", True),
        ("a witness", "A witness said the FMLN did it.", False),
    ],
)
def test_authority_speakers(speaker: str, sentence: str, authority: bool) -> None:
    assert _predict._is_authority(speaker, sentence) is authority


def test_authority_words_extended(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not _predict._is_authority("EL PORTAVOZ")
    _extend(monkeypatch, authority_words=frozenset({"portavoz"}))
    assert _predict._is_authority("EL PORTAVOZ")


@pytest.mark.parametrize("upper", [False, True])
def test_passive_auxiliaries_extended(monkeypatch: pytest.MonkeyPatch, upper: bool) -> None:
    # "shot" after a passive auxiliary is gunfire ("were shot"); "fired" after one is not
    # ("was fired": dismissed)
    def gunfire(text: str) -> bool:
        return _predict._tells_gunfire(text.upper() if upper else text)

    assert gunfire("Two guards were shot as the bomb went off.")
    assert not gunfire("The guard was fired as the bomb went off.")
    assert not gunfire("Two guards get shot as the bomb went off.")
    _extend(monkeypatch, passive_auxiliaries=frozenset({"get"}))
    assert gunfire("Two guards get shot as the bomb went off.")


def _names_instrument(mention: str) -> bool:
    text = f"Police said {mention} damaged the station."
    return _predict._names_instrument(said(text, "weapon", mention, _BOMB))


def test_act_words_name_no_instrument(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _names_instrument("the bomb")
    assert _names_instrument("THE BOMB")
    assert not _names_instrument("THE EXPLOSION")
    assert not _names_instrument("the blast")
    assert _names_instrument("the detonacion")
    _extend(monkeypatch, event_weapon_words=frozenset({"detonacion"}))
    assert not _names_instrument("the detonacion")


def test_casualty_people_read_in_a_mention_bound() -> None:
    assert _predict._casualty_people("THREE SOLDIERS WERE KILLED") == "THREE SOLDIERS"
    # a phrase longer than a mention is read in its first _MENTION_CHARS characters only
    long = "soldier " * (_predict._MENTION_CHARS // 8 + 10)
    assert len(_predict._casualty_people(long) or "") <= _predict._MENTION_CHARS


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "A man drove a van into the pilgrims outside the shrine on Sunday.",
        "A MAN DROVE A VAN INTO THE PILGRIMS OUTSIDE THE SHRINE ON SUNDAY.",
    ],
)
def test_ramming_into_a_crowd_word(nlp, text: str) -> None:  # type: ignore[no-untyped-def]
    labels = [s.label_ for s in nlp(text).spans["triggers"]]
    assert "Unarmed Assault" in labels
    wall = nlp(text.replace("pilgrims", "wall").replace("PILGRIMS", "WALL"))
    assert "Unarmed Assault" not in [s.label_ for s in wall.spans["triggers"]]
