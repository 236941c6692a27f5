"""The relevance classifier's logistic regression: its features (incidex.nlp.relevance), its
storage (incidex.nlp.linear), its training and its place in ``incidex_relevance_v1``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from incidex.errors import ConfigError
from incidex.evaluate._muc import MucMessage
from incidex.nlp.linear import LinearModel
from incidex.nlp.relevance import RelevanceModel
from incidex.nlp.role_candidates import CandidateModel


def _model() -> RelevanceModel:
    vocabulary = ["w=bomb", "a=attack_any", "w=coffee"]
    weights = np.array([[0.0, 4.0], [0.0, 2.0], [0.0, -4.0]], dtype=np.float32)
    return RelevanceModel(
        vocabulary, ["IRRELEVANT", "RELEVANT"], weights, np.array([0.0, -1.0]), 0.5
    )


def test_linear_model_weighs_feature_values() -> None:
    # a binary model is the logistic of the weighted sum: 4 * 0.5 - 1 = 1
    probs = _model().probabilities([{"w=bomb": 0.5, "unseen": 3.0}])
    assert probs[0, 1] == pytest.approx(1 / (1 + np.exp(-1.0)), rel=1e-5)


def test_linear_model_round_trips_and_refuses_another_format(tmp_path: Path) -> None:
    model = _model()
    model.save(tmp_path / "m")
    loaded = RelevanceModel.load(tmp_path / "m")
    rows = [{"w=bomb": 0.7, "w=coffee": 0.7}, {"a=attack_any": 0.3}]
    assert np.allclose(model.probabilities(rows), loaded.probabilities(rows))
    with pytest.raises(ValueError, match="format"):
        CandidateModel.load(tmp_path / "m")
    assert issubclass(CandidateModel, LinearModel)


def test_unreadable_relevance_model_is_a_one_line_config_error(tmp_path: Path) -> None:
    from incidex.nlp.components.trained import _linear

    (tmp_path / "model.json").write_text('{"format": "something else"}')
    with pytest.raises(ConfigError, match=r"E025"):
        _linear(tmp_path)
    assert _linear(tmp_path / "absent") is None  # an older model folder: the textcat alone


def test_relevance_model_keeps_its_sentence_model_and_drops_a_former_one(tmp_path: Path) -> None:
    from incidex.nlp.relevance import SentenceModel

    model = _model()
    weights = np.array([[0.0, 3.0]], dtype=np.float32)
    model.sentences = SentenceModel(
        ["w=bomb"], ["OTHER", "ATTACK"], weights, np.array([0.0, -1.0]), 0.5
    )
    model.save(tmp_path / "m")
    loaded = RelevanceModel.load(tmp_path / "m")
    assert loaded.sentences is not None
    assert loaded.sentences.probabilities([{"w=bomb": 1.0}])[0, 1] == pytest.approx(
        1 / (1 + np.exp(-2.0)), rel=1e-5
    )
    _model().save(tmp_path / "m")  # retrained without one: the old one must not load
    assert RelevanceModel.load(tmp_path / "m").sentences is None


def _message(n: int, text: str) -> MucMessage:
    return MucMessage(f"T-{n}", "", text, dateline_place="SAN SALVADOR", dateline_date="3 JAN 90")


_ATTACK = (
    "URBAN TERRORISTS EXPLODED A BOMB AT A SUPERMARKET IN SAN SALVADOR LAST NIGHT, KILLING "
    "TWO CIVILIANS AND WOUNDING A CHILD."
)
_COMBAT = (
    "The army reported that soldiers clashed with guerrillas near the border and that "
    "the troops will continue their operations."
)


@pytest.mark.slow
def test_features_read_the_rules_analysis_in_any_case() -> None:
    from incidex.nlp.relevance import message_features
    from incidex.train._relevance import analysed_docs

    attack, combat, lower = analysed_docs(
        [_message(1, _ATTACK), _message(2, _COMBAT), _message(3, _ATTACK.lower())]
    )
    found = message_features(attack)
    assert found["a=attack_any"] > 0 and found["w=bomb"] > 0 and found["w=exploded bomb"] > 0
    assert found.get("a=n_victims@attack", 0) > 0 or found.get("a=n_casualties@attack", 0) > 0
    assert message_features(combat)["a=modal_share"] > 0  # "will continue"
    # words of two letters or more, and pairs of them ("a" is left out); lower-cased, the
    # vector of unit length, whatever the case
    words = {k: v for k, v in message_features(lower).items() if k.startswith("w=")}
    assert words == pytest.approx({k: v for k, v in found.items() if k.startswith("w=")})
    assert sum(v * v for v in words.values()) == pytest.approx(1.0)


_ATTACKS = (
    _ATTACK,
    "GUERRILLAS DYNAMITED THE BRIDGE OVER THE LEMPA RIVER YESTERDAY AND KILLED A PEASANT.",
    "TERRORISTS KIDNAPPED A BUSINESSMAN IN SAN MIGUEL ON MONDAY.",
    "A CAR BOMB EXPLODED OUTSIDE THE EMBASSY THIS MORNING, WOUNDING THREE PASSERSBY.",
)
_OTHER = (
    "THE PRESIDENT MET THE FINANCE MINISTER TO DISCUSS THE BUDGET AND EXPORTS.",
    "COFFEE PRICES ROSE AND THE CENTRAL BANK CUT INTEREST RATES.",
    "THE FOOTBALL TEAM WON THE CUP AFTER A LONG SEASON.",
    "THE MINISTER OPENED A NEW SCHOOL AND A HOSPITAL IN THE CAPITAL.",
)


@pytest.mark.slow
def test_trained_model_tells_an_attack_from_economic_news(tmp_path: Path) -> None:
    from incidex.train import fit_relevance_model
    from incidex.train._relevance import analysed_docs

    messages = [_message(n, t) for n, t in enumerate(_ATTACKS + _OTHER)]
    labels = [True] * len(_ATTACKS) + [False] * len(_OTHER)
    report = fit_relevance_model(
        messages, labels, messages, labels, tmp_path / "lr", c=10.0, log=lambda _: None
    )
    assert report.train_docs == 8 and report.scores["auc"] == 1.0
    model = RelevanceModel.load(tmp_path / "lr")
    attack, economy = analysed_docs(
        [
            _message(20, "GUERRILLAS EXPLODED A BOMB AT A BANK, KILLING A GUARD."),
            _message(21, "The central bank said coffee exports and prices rose."),
        ]
    )
    assert model.score(attack) > 0.5 > model.score(economy)


@pytest.mark.parametrize(
    ("cats", "verdict"),
    [
        ({"RELEVANT": 0.8}, True),
        ({"RELEVANT": 0.4}, None),  # the abstain band: the rules decide
        ({"RELEVANT": 0.2}, False),
        ({"RELEVANT": 0.2, "RELEVANT_BOW": 0.3, "RELEVANT_LR": 0.1}, False),
        ({"RELEVANT": 0.55, "RELEVANT_BOW": 0.3, "RELEVANT_LR": 0.8}, True),
        ({"RELEVANT": 0.4, "RELEVANT_BOW": 0.2, "RELEVANT_LR": 0.6}, None),
        # the mean never rejects more than the textcat alone
        ({"RELEVANT": 0.3, "RELEVANT_BOW": 0.55, "RELEVANT_LR": 0.05}, True),
        ({"RELEVANT": 0.27, "RELEVANT_BOW": 0.43, "RELEVANT_LR": 0.11}, None),
    ],
)
def test_verdict_of_the_mean_is_never_stricter_than_the_textcats(
    cats: dict[str, float], verdict: bool | None
) -> None:
    import spacy

    from incidex.nlp.components.trained import RelevanceClassifier, _ensure

    _ensure()
    doc = spacy.blank("en")("GUNMEN IN KABUL OPENED FIRE ON A POLICE POST ON FRIDAY.")
    RelevanceClassifier._verdict(doc, cats)
    assert doc._.relevant is verdict and doc._.relevance == cats


@pytest.mark.parametrize(("sentence", "verdict"), [(0.95, None), (0.05, False)])
def test_a_rejection_is_lifted_when_one_sentence_tells_a_relevant_attack(
    sentence: float, verdict: bool | None
) -> None:
    import spacy

    from incidex.nlp.components.trained import _SENTENCE_ADMIT, RelevanceClassifier, _ensure

    assert 0.05 < _SENTENCE_ADMIT < 0.95

    _ensure()
    # an interview: its words as a whole are politics, one answer tells the attack
    doc = spacy.blank("en")("[REPORTER] WHAT ABOUT THE BOMB AT THE SUPERMARKET?")
    cats = {"RELEVANT": 0.1, "RELEVANT_BOW": 0.05, "RELEVANT_LR": 0.15, "RELEVANT_SENT": sentence}
    RelevanceClassifier._verdict(doc, cats)
    assert doc._.relevant is verdict


_TALKS_THEN_ATTACK = (
    "President Cristiani met opposition leaders today to discuss the peace talks and the "
    "economy. He said that the rebels had dynamited a bridge in Usulutan last week."
)
_ATTACK_THEN_TALKS = (
    "Urban terrorists exploded a bomb at a supermarket in San Salvador last night, killing "
    "two civilians. President Cristiani said that the peace talks would go on."
)
_SABOTAGE = (
    "The army reported heavy fighting in Usulutan. In San Miguel, urban guerrillas blew up "
    "four electricity pylons last night, cutting power to the city."
)
_BARRACKS = (
    "The army reported heavy fighting in Usulutan. In San Miguel, urban guerrillas blew up "
    "an army barracks last night."
)
_REPAIRS = (
    "The army reported heavy fighting in Usulutan. The power company said that its crews "
    "repaired four electricity pylons in San Miguel."
)
_HABIT = (
    "The army reported heavy fighting in Usulutan. Urban guerrillas are destroying "
    "electricity pylons across the country to sabotage the economy."
)
_UNSURE = {"RELEVANT": 0.42, "RELEVANT_BOW": 0.4, "RELEVANT_LR": 0.44}  # the abstain band
_LOW = {"RELEVANT": 0.2, "RELEVANT_BOW": 0.1, "RELEVANT_LR": 0.3}  # below the band
_SURE = {"RELEVANT": 0.7, "RELEVANT_BOW": 0.6, "RELEVANT_LR": 0.8}


@pytest.mark.slow
@pytest.mark.parametrize("case", [str.upper, str], ids=["upper", "mixed"])
@pytest.mark.parametrize(
    ("text", "cats", "verdict"),
    [
        # unsure: a message whose lead tells of no attack is rejected
        (_TALKS_THEN_ATTACK, _UNSURE, False),
        (_ATTACK_THEN_TALKS, _UNSURE, None),
        # a sure verdict is not second-guessed by the lead
        (_TALKS_THEN_ATTACK, _SURE, True),
        # rejected: power lines blown up are an attack on the civilian population whoever the
        # attacker, so the rules decide; an attack on the army, pylons only repaired, or a
        # campaign told in the present leave the rejection
        (_SABOTAGE, _LOW, None),
        (_BARRACKS, _LOW, False),
        (_REPAIRS, _LOW, False),
        (_HABIT, _LOW, False),
    ],
)
def test_verdict_reads_the_analysed_message_where_the_classifiers_are_unsure_or_reject(
    case: Callable[[str], str], text: str, cats: dict[str, float], verdict: bool | None
) -> None:
    from incidex.nlp.components.trained import RelevanceClassifier, _ensure
    from incidex.train._relevance import analysed_docs

    _ensure()
    (doc,) = analysed_docs([_message(1, case(text))])
    RelevanceClassifier._verdict(doc, dict(cats))
    assert doc._.relevant is verdict


_POLITICS = "THE PRESIDENT MET THE FINANCE MINISTER TO DISCUSS THE BUDGET AND EXPORTS. "


@pytest.mark.slow
def test_sentence_model_finds_the_sentence_that_tells_the_attack(tmp_path: Path) -> None:
    from incidex.train import fit_relevance_model
    from incidex.train._relevance import analysed_docs

    # relevant messages lead with politics and tell the attack further down, as interviews
    # and communiques do; the gold mentions name what the attack sentence holds
    attacks = [_POLITICS + t for t in _ATTACKS] * 2
    messages = [_message(n, t) for n, t in enumerate(attacks + list(_OTHER) * 2)]
    labels = [True] * len(attacks) + [False] * 2 * len(_OTHER)
    mentions = [{"supermarket", "civilians"}, {"bridge", "peasant"}, {"businessman"}, {"embassy"}]
    report = fit_relevance_model(
        messages,
        labels,
        messages,
        labels,
        tmp_path / "lr",
        mentions=mentions * 2 + [set()] * 2 * len(_OTHER),
        log=lambda _: None,
    )
    assert report.scores["auc"] == 1.0
    model = RelevanceModel.load(tmp_path / "lr")
    (doc,) = analysed_docs(
        [_message(30, _POLITICS + "GUERRILLAS BLEW UP A BRIDGE NEAR THE CAPITAL YESTERDAY.")]
    )
    politics, attack = model.sentence_scores(doc) or []
    assert attack > politics
