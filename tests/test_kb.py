"""The knowledge base: alias resolution, GTD classes, nationalities and KB validation."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from incidex.errors import ConfigError
from incidex.nlp.kb import FILES, KnowledgeBase, default_kb, load_kb

ISKP = "Islamic State - Khorasan Province"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return default_kb()


@pytest.fixture()
def user_kb(tmp_path: Path) -> Path:
    """A copy of the packaged KB files in a user folder, to edit."""
    package = resources.files("incidex.nlp.kb")
    for name in FILES:
        (tmp_path / name).write_bytes(package.joinpath(name).read_bytes())
    return tmp_path


def _edit(folder: Path, file: str, key: str, edit: object) -> None:
    path = folder / file
    data = json.loads(path.read_text(encoding="utf-8"))
    assert callable(edit)
    edit(data[key])
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize(
    "alias",
    [
        "IS-K",
        "ISIS-K",
        "ISKP",
        "ISIS K",
        "Isis-K",
        "is-k",
        "Islamic State Khorasan Province",
        "Islamic State in Khorasan",
        "Wilayat Khorasan",
    ],
)
def test_iskp_aliases_resolve_to_the_province(kb: KnowledgeBase, alias: str) -> None:
    group = kb.group(alias)
    assert group is not None and group.name == ISKP
    assert kb.ancestors(group.name) == ["Islamic State"]
    assert group.kind == "jihadist"


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("Daesh", "Islamic State"),
        ("ISIL", "Islamic State"),
        ("IS", "Islamic State"),
        ("FMLN", "Farabundo Marti National Liberation Front"),
        (
            "Frente Farabundo Martí para la Liberación Nacional",
            "Farabundo Marti National Liberation Front",
        ),
        ("Sendero Luminoso", "Shining Path"),
        ("MRTA", "Tupac Amaru Revolutionary Movement"),
        ("FPMR", "Manuel Rodriguez Patriotic Front"),
        ("the Extraditables", "The Extraditables"),
        ("AQAP", "al-Qaeda in the Arabian Peninsula"),
        ("al Shabab", "al-Shabaab"),
        ("ISWAP", "Islamic State West Africa Province"),
        ("ETA", "Euskadi Ta Askatasuna"),
        ("ARMY OF NATIONAL LIBERATION", "National Liberation Army (Colombia)"),
        # the Bolivian group, not the Salvadoran FMLN faction named "Armed Forces of Liberation"
        ("ZARATE WILKA ARMED FORCES OF LIBERATION", "Zarate Willka Armed Forces of Liberation"),
        ("Zárate Willka Armed Forces of Liberation", "Zarate Willka Armed Forces of Liberation"),
        ("Armed Forces of Liberation", "Armed Forces of Liberation (El Salvador)"),
        ("LAUTARO YOUTH FRONT", "Lautaro Youth Movement"),
        ("FAL-ZARATE WILKA", "Zarate Willka Armed Forces of Liberation"),
        ("SECRET ANTICOMMUNIST ARMY", "Secret Anti-Communist Army"),
        ("Ejército Secreto Anticomunista", "Secret Anti-Communist Army"),
        ("WORKERS SELF-DEFENSE", "Workers' Self-Defense Movement"),
        ("ADO", "Workers' Self-Defense Movement"),
        ("CINCHONERO POPULAR LIBERATION MOVEMENT", "Cinchoneros Popular Liberation Movement"),
    ],
)
def test_aliases_resolve_to_canonical_names(kb: KnowledgeBase, alias: str, canonical: str) -> None:
    group = kb.group(alias)
    assert group is not None and group.name == canonical


def test_branch_ancestry(kb: KnowledgeBase) -> None:
    assert kb.ancestors("The Extraditables") == ["Medellin Cartel"]
    assert kb.ancestors("al-Shabaab") == ["al-Qaeda"]
    assert kb.ancestors("Islamic State") == []
    assert kb.ancestors("no such group") == []


@pytest.mark.parametrize("word", ["is", "Is", "eta", "let", "mend", "far", "ado", "Ado"])
def test_ordinary_words_do_not_resolve_to_groups(kb: KnowledgeBase, word: str) -> None:
    assert kb.group(word) is None


def test_case_sensitive_aliases_are_matched_in_exact_case_only(kb: KnowledgeBase) -> None:
    terms = {
        (term, case) for term, group, case in kb.group_terms() if group.name == "Islamic State"
    }
    assert ("IS", True) in terms
    assert ("IS", False) not in terms and ("is", False) not in terms
    assert ("ISIS", False) in terms


def test_no_alias_names_two_groups(kb: KnowledgeBase) -> None:
    owner: dict[str, str] = {}
    for term, group, case in kb.group_terms():
        key = term if case else term.lower()
        assert owner.setdefault(key, group.name) == group.name, term


def test_every_parent_and_affiliation_is_a_group(kb: KnowledgeBase) -> None:
    names = {g.name for g in kb.groups}
    assert all(g.parent in names for g in kb.groups if g.parent)
    assert all(o.affiliation in names for o in kb.outlets if o.affiliation)


@pytest.mark.parametrize("alias", ["TASS", "TASS news agency", "ITAR-TASS"])
def test_tass(kb: KnowledgeBase, alias: str) -> None:
    outlet = kb.outlet(alias)
    assert outlet is not None and outlet.name == "TASS"
    assert outlet.kind == "news_agency" and outlet.country == "RU"


def test_propaganda_outlets_carry_their_group(kb: KnowledgeBase) -> None:
    amaq = kb.outlet("Amaq")
    assert amaq is not None
    assert (amaq.kind, amaq.affiliation) == ("propaganda", "Islamic State")
    azaim = kb.outlet("Al Azaim")
    assert azaim is not None and azaim.affiliation == ISKP
    sahab = kb.outlet("As-Sahab")
    assert sahab is not None and sahab.affiliation == "al-Qaeda"


def test_outlet_names_that_are_words_need_exact_case(kb: KnowledgeBase) -> None:
    dawn = kb.outlet("Dawn")
    assert dawn is not None and dawn.country == "PK"
    assert kb.outlet("dawn") is None
    loose = {term.lower() for term, _ in kb.outlet_terms()}
    assert "dawn" not in loose and "ap" not in loose
    assert ("Dawn", dawn) in set(kb.outlet_terms_case_sensitive())


def test_ak74_is_an_automatic_rifle(kb: KnowledgeBase) -> None:
    weapons = dict(kb.weapon_terms())
    ak = weapons["AK-74"]
    assert (ak.type, ak.type_code) == ("Firearms", 5)
    assert (ak.subtype, ak.subtype_code) == ("Automatic or Semi-Automatic Rifle", 2)
    car_bomb = weapons["car bomb"]
    assert (car_bomb.type_code, car_bomb.subtype_code) == (6, 15)


def test_fire_alone_is_not_a_weapon_term(kb: KnowledgeBase) -> None:
    assert "fire" not in {term.lower() for term, _ in kb.weapon_terms()}


def test_weapon_verbs(kb: KnowledgeBase) -> None:
    by_verb = {verb: w for w in kb.weapons for verb in w.verbs}
    assert by_verb["stab"].subtype == "Knife or Other Sharp Object"
    assert by_verb["shoot"].subtype == "Unknown Gun Type"
    assert by_verb["torch"].subtype == "Arson/Fire"


def test_concert_hall_and_civilians(kb: KnowledgeBase) -> None:
    targets = dict(kb.target_terms())
    hall = targets["concert hall"]
    assert (hall.type, hall.type_code) == ("Business", 1)
    assert hall.subtype == "Entertainment/Cultural/Stadium/Casino" and hall.subtype_code == 11
    civilians = targets["civilians"]
    assert (civilians.type, civilians.type_code) == ("Private Citizens & Property", 14)


def test_gtd_class_lookup_by_code(kb: KnowledgeBase) -> None:
    police_checkpoint = kb.target_class(3, 24)
    assert police_checkpoint is not None and police_checkpoint.subtype == "Police Checkpoint"
    explosives = kb.weapon_class(6)
    assert explosives is not None and explosives.type == "Explosives"
    assert kb.weapon_class(99) is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("Tajik", "TJ"), ("Tajiks", "TJ"), ("Salvadorean", "SV"), ("Americans", "US"), ("US", "US")],
)
def test_nationalities(kb: KnowledgeBase, word: str, code: str) -> None:
    found = kb.nationality(word)
    assert found is not None and found.country_code == code


def test_pronoun_us_is_not_a_nationality(kb: KnowledgeBase) -> None:
    assert kb.nationality("us") is None


def test_version_names_every_file(kb: KnowledgeBase) -> None:
    for part in ("groups", "outlets", "weapons", "targets", "nationalities"):
        assert part in kb.version


def test_user_folder_loads(user_kb: Path) -> None:
    _edit(
        user_kb,
        "groups.json",
        "groups",
        lambda groups: groups.append(
            {
                "name": "Test Front",
                "aliases": ["TF-1"],
                "parent": "Islamic State",
                "kind": "other",
                "countries": [],
            }
        ),
    )
    kb = load_kb(user_kb)
    group = kb.group("tf 1")
    assert group is not None and kb.ancestors(group.name) == ["Islamic State"]


def test_user_folder_with_broken_parent_is_refused(user_kb: Path) -> None:
    _edit(
        user_kb,
        "groups.json",
        "groups",
        lambda groups: groups.append(
            {
                "name": "Orphan Brigade",
                "aliases": [],
                "parent": "No Such Group",
                "kind": "other",
                "countries": [],
            }
        ),
    )
    with pytest.raises(ConfigError, match="No Such Group"):
        load_kb(user_kb)


def test_alias_naming_two_groups_is_refused(user_kb: Path) -> None:
    _edit(
        user_kb,
        "groups.json",
        "groups",
        lambda groups: groups.append(
            {"name": "Another Front", "aliases": ["ISIS K"], "kind": "other", "countries": []}
        ),
    )
    with pytest.raises(ConfigError, match="names two groups"):
        load_kb(user_kb)


def test_missing_file_and_bad_json_are_config_errors(user_kb: Path) -> None:
    (user_kb / "targets.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="targets.json"):
        load_kb(user_kb)
    (user_kb / "targets.json").unlink()
    with pytest.raises(ConfigError, match="missing"):
        load_kb(user_kb)
    shutil.rmtree(user_kb)
    with pytest.raises(ConfigError):
        load_kb(user_kb)


def test_schema_error_is_a_config_error(user_kb: Path) -> None:
    _edit(user_kb, "outlets.json", "outlets", lambda outlets: outlets[0].update(kind="blog"))
    with pytest.raises(ConfigError, match="outlets.json"):
        load_kb(user_kb)
