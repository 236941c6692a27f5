"""The template filter of the MUC-4 mapping: the features of a templated incident on hand-made
reports (mixed and upper case), the templates a model drops, its training labels, the stored
model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest
from _records import said
from pydantic import BaseModel

import incidex.evaluate._predict as predict
from incidex.errors import IncidexError
from incidex.evaluate._gtt import GoldTemplate, PredTemplate, mapped_templates
from incidex.evaluate._predict import (
    muc_template_rows,
    to_gtt_templates,
    to_muc_slots,
    unfiltered_templates,
)
from incidex.evaluate._prune import FIRST, GOLD, NONE, TemplateFilter, template_filter
from incidex.evaluate._split import split_model
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    EventType,
    IncidentReport,
    Target,
)
from incidex.nlp.role_candidates import CandidateModel
from incidex.train._prune import filter_examples, fit_filter_model, fit_template_filter

T = TypeVar("T", bound=BaseModel)
_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_ASSAULT = EventType(name="Armed Assault", gtd_code=2)
_TEXT = (
    "A bomb exploded at the embassy in Lima. "
    "There will not be any more attacks, the guerrillas said."
)


def _said(text: str, field: str, value: str, normalized: T) -> Assertion[T]:
    return said(text, field, value, normalized, extractor="incidex_roles_v1")


def _result(text: str, docid: str = "D1") -> ArticleResult:
    """A bombing of an embassy, then an attack told in a future, negated sentence."""
    embassy = Target(type="Government (Diplomatic)", type_code=7, entity="embassy")
    bomb, assault = ("BOMB", "ATTACKS") if text.isupper() else ("bomb", "attacks")
    report = IncidentReport(
        article_id="a0",
        types=[_said(text, "types", bomb, _BOMBING), _said(text, "types", assault, _ASSAULT)],
        targets=[_said(text, "targets", text[text.lower().index("embassy") :][:7], embassy)],
    )
    published = dt.datetime(1990, 2, 6)
    article = Article.from_text(text, published=published, extra={"muc_docid": docid})
    return ArticleResult(article=article, status="extracted", incidents=[report])


def _model(weights: dict[str, float], bias: float = 0.0, threshold: float = 0.5) -> TemplateFilter:
    names = sorted(weights)
    matrix = np.zeros((len(names), 2), dtype=np.float32)
    matrix[:, 1] = [weights[n] for n in names]
    bias_row = np.array([0.0, bias], dtype=np.float32)
    return TemplateFilter(CandidateModel(names, [NONE, GOLD], matrix, bias_row, threshold))


@pytest.mark.parametrize("text", [_TEXT, _TEXT.upper()])
def test_features_tell_how_a_template_was_made_and_told(text: str) -> None:
    first, further = muc_template_rows(_result(text), tagger=True)
    assert first[FIRST] == first["made=first"] == first["type=bombing"] == 1.0
    assert first["targets=1"] == first["roles=1"] == 1.0
    assert "further" not in first
    # the attack split off the bombing: its trigger and the words before it, lower case
    assert further["further"] == further["made=split_type"] == further["type=attack"] == 1.0
    assert further["trigger=attacks"] == 1.0
    assert {"before=any", "before=more"} <= set(further)
    assert further["roles=0"] == 1.0


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # both sentences name an attack type: a message about attacks
        (_TEXT, "2"),
        # the second tells an arrest only: one attack named in a message about other things
        ("A bomb exploded at the embassy in Lima. Police arrested three suspects today.", "1"),
    ],
)
def test_the_filter_reads_how_many_sentences_of_the_message_tell_attacks(
    text: str, expected: str, upper: bool
) -> None:
    text = text.upper() if upper else text
    result = _result(text) if "attacks" in text.lower() else _arrest_result(text)
    rows = muc_template_rows(result, tagger=True)
    assert all(row[f"message_attack_sentences={expected}"] == 1.0 for row in rows)


def _arrest_result(text: str) -> ArticleResult:
    """A bombing of an embassy, then an arrest (a non-attack event) in another sentence."""
    embassy = Target(type="Government (Diplomatic)", type_code=7, entity="embassy")
    bomb, arrested = ("BOMB", "ARRESTED") if text.isupper() else ("bomb", "arrested")
    arrest = EventType(name="Arrest", gtd_code=None, attack=False)
    report = IncidentReport(
        article_id="a0",
        types=[_said(text, "types", bomb, _BOMBING), _said(text, "types", arrested, arrest)],
        targets=[_said(text, "targets", text[text.lower().index("embassy") :][:7], embassy)],
    )
    article = Article.from_text(text, published=dt.datetime(1990, 2, 6), extra={"muc_docid": "D1"})
    return ArticleResult(article=article, status="extracted", incidents=[report])


@pytest.mark.parametrize("text", [_TEXT, _TEXT.upper()])
def test_a_template_the_filter_finds_unlikely_is_dropped_from_both_predictions(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _result(text)
    both = ["bombing", "attack"]
    monkeypatch.setattr(predict, "_template_filter", lambda tagger: None)
    assert [t.incident_type for t in to_gtt_templates(result, tagger=True)] == both
    # a future, negated mention: P(gold) of the further template low, the first kept
    model = _model({"before=more": -4.0, "further": -1.0}, bias=1.0)
    monkeypatch.setattr(predict, "_template_filter", lambda tagger: model)
    assert [t.incident_type for t in to_gtt_templates(result, tagger=True)] == ["bombing"]
    assert [t.incident_type for t in to_muc_slots(result, tagger=True)] == ["BOMBING"]
    # the unfiltered mapping (what the filter is trained on) keeps both
    assert [t.incident_type for t in to_gtt_templates(result, tagger=True, pruned=False)] == both


def test_the_further_templates_have_their_own_threshold() -> None:
    model = _model({"further": -1.0}, bias=1.0, threshold=0.9)
    rows = [{FIRST: 1.0}, {"further": 1.0}]
    # P(gold) 0.73 for the first template, 0.5 for the further one
    assert model.keep(rows) == [False, False]
    model.model.meta["further_threshold"] = 0.4
    assert model.keep(rows) == [False, True]


@pytest.mark.parametrize("text", [_TEXT, _TEXT.upper()])
def test_the_filter_learns_from_the_unfiltered_mapping_and_its_features(text: str) -> None:
    """The templates and feature rows the filter is trained on are those of the mapping
    without the filter (the split model given: here the one the settings name)."""
    result = _result(text)
    templates, rows = unfiltered_templates(result, split_model())
    assert templates == to_gtt_templates(result, tagger=True, pruned=False)
    assert rows == muc_template_rows(result, tagger=True)
    assert [t.incident_type for t in templates] == ["bombing", "attack"]


def _gold(*kinds: str) -> list[PredTemplate]:
    return [GoldTemplate.build(kind, Target=[["embassy"]]) for kind in kinds]


@pytest.mark.parametrize(
    ("gold", "labels"),
    [
        (("bombing",), [GOLD, NONE]),  # the attack has no gold template of its type
        (("bombing", "attack"), [GOLD, GOLD]),
        ((), [NONE, NONE]),  # a message without gold templates: every template is wrong
        (("attack",), [NONE, GOLD]),
    ],
)
def test_training_labels_come_from_the_scorers_mapping(
    gold: tuple[str, ...], labels: list[str]
) -> None:
    rows, found, docids = filter_examples([_result(_TEXT.upper())], {"D1": _gold(*gold)}, None)
    assert found == labels and docids == ["D1", "D1"] and len(rows) == 2


def test_a_message_outside_the_gold_is_left_out() -> None:
    assert filter_examples([_result(_TEXT)], {"D2": _gold("bombing")}, None) == ([], [], [])


def test_mapped_templates_pair_one_type_only() -> None:
    pred = [PredTemplate.build("attack", Target=[["embassy"]]), *_gold("bombing")]
    assert mapped_templates(pred, _gold("bombing")) == {1: 0}
    assert mapped_templates(pred, []) == {}


def test_the_fitted_filter_is_stored_as_arrays_and_learns_the_labels(tmp_path: Path) -> None:
    results = [_result(_TEXT.upper(), f"D{n}") for n in range(6)]
    gold = {f"D{n}": _gold("bombing") for n in range(6)}
    report = fit_template_filter(results, gold, results, gold, tmp_path, None, log=lambda _: None)
    assert report.labels == {GOLD: 6, NONE: 6}
    assert report.scores["templates"] == 12.0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "model.json",
        "training.json",
        "weights.npy",
    ]
    loaded = TemplateFilter.load(tmp_path)
    first, further = muc_template_rows(results[0], tagger=True)
    p_first, p_further = loaded.gold([first, further])
    assert p_first > 0.5 > p_further
    refit = fit_filter_model([first, further] * 6, [GOLD, NONE] * 6)
    assert refit.gold([first, further]) == pytest.approx([p_first, p_further], abs=1e-5)


@pytest.mark.parametrize("labels", [[GOLD, GOLD], [NONE, NONE], []])
def test_training_data_with_one_label_is_a_clear_error(labels: list[str]) -> None:
    """A training set the filter cannot learn from (every template mapped, or none) is an
    IncidexError with its code, not scikit-learn's traceback."""
    rows = [{"further": 1.0}, {"first_template": 1.0}][: len(labels)]
    with pytest.raises(IncidexError) as raised:
        fit_filter_model(rows, labels)
    assert raised.value.code == "E040" and "template filter" in str(raised.value)


def test_shipped_filter_loads_with_two_labels() -> None:
    model = template_filter()
    if model is None:
        pytest.skip("no shipped template filter")
    assert sorted(model.model.labels) == [GOLD, NONE]
    assert 0.0 < model.threshold(True) < 1.0 and 0.0 < model.threshold(False) < 1.0


@pytest.mark.parametrize(
    "broken",
    [
        {"model.json": "{not json"},
        {"model.json": '{"format": "incidex-role-candidates-1"}'},  # no vocabulary or weights
        {"model.json": '["a list"]'},
    ],
)
@pytest.mark.parametrize("name", ["template_filter", "incident_split"])
def test_a_corrupt_trained_folder_is_a_coded_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, broken: dict[str, str]
) -> None:
    from incidex.errors import ConfigError

    folder = tmp_path / f"run{len(broken['model.json'])}" / name
    folder.mkdir(parents=True)
    for file, text in broken.items():
        (folder / file).write_text(text)
    monkeypatch.setenv("INCIDEX_TRAINED_MODELS_DIR", str(folder.parent))
    load = template_filter if name == "template_filter" else split_model
    with pytest.raises(ConfigError, match=r"E025.*incidex train --data"):
        load()


def test_weights_that_do_not_fit_the_features_are_refused(tmp_path: Path) -> None:
    model = CandidateModel(["a", "b"], [GOLD, NONE], np.zeros((2, 2)), np.zeros(2), 0.5)
    model.save(tmp_path)
    np.save(tmp_path / "weights.npy", np.zeros((3, 2), dtype=np.float32))  # one row too many
    with pytest.raises(ValueError, match="weights"):
        CandidateModel.load(tmp_path)
