"""The same-type incident split: the features of a sentence pair on hand-made text (mixed and
upper case), the split of a report by a model, its training labels, the stored model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from _records import said, sentence_of
from pydantic import BaseModel

from incidex.evaluate._gtt import GTT_ROLES, GttDoc, GttMention, GttTemplate
from incidex.evaluate._predict import split_incidents
from incidex.evaluate._split import (
    ANOTHER,
    SAME,
    SPLIT_THRESHOLD,
    SplitModel,
    pair_features,
    split_model,
)
from incidex.model import (
    Article,
    ArticleResult,
    Assertion,
    Casualties,
    EventType,
    IncidentReport,
    Place,
    Precision,
    SentenceRef,
    Target,
    Victim,
    When,
)
from incidex.nlp.role_candidates import CandidateModel
from incidex.train._candidates import binary_logistic
from incidex.train._split import fit_incident_split, split_examples

T = TypeVar("T", bound=BaseModel)
_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)


def _said(text: str, field: str, value: str, normalized: T) -> Assertion[T]:
    return said(text, field, value, normalized, extractor="incidex_roles_v1", outlet="EFE")


def _target(text: str, value: str, entity: str | None = None) -> Assertion[Target]:
    """A target named by ``value`` in ``text``: the thing ``entity`` (default: the value)."""
    thing = Target(type="Business", type_code=1, entity=entity or value)
    return _said(text, "targets", value, thing)


def _report(
    text: str, bomb: str, targets: list[Assertion[Target]], **fields: Any
) -> IncidentReport:
    return IncidentReport(
        article_id="a0", types=[_said(text, "types", bomb, _BOMBING)], targets=targets, **fields
    )


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("second", "feature"),
    [
        ("The attack destroyed the facade.", "retell"),
        ("Police said the bombing was the third this week.", "retell"),
        ("Terrorists staged three bomb attacks in the capital.", "counted_cur"),
        ("A bomb also damaged a bank.", "also=also"),
        ("Another bomb damaged a bank.", "also=another"),
        ("Meanwhile, a bomb damaged a bank.", "cue"),
    ],
)
def test_pair_features_read_retelling_counting_and_continuation(
    second: str, feature: str, upper: bool
) -> None:
    first = "A bomb exploded at the embassy in Lima."
    text = f"{first} {second}"
    text = text.upper() if upper else text
    one = SentenceRef(start=0, end=len(first), text=text[: len(first)])
    two = SentenceRef(start=len(first) + 1, end=len(text), text=text[len(first) + 1 :])
    report = _report(text, text[2:6], [])
    found = pair_features(report, one, two, "bombing", [one.start, two.start])
    assert feature in found
    assert found["typed"] == 1.0


@pytest.mark.parametrize("upper", [False, True])
def test_pair_features_tell_a_new_target_from_one_named_before(upper: bool) -> None:
    text = "A bomb exploded at the embassy. The embassy was damaged. A bank was burned."
    text = text.upper() if upper else text
    embassy, again, bank = (w.upper() if upper else w for w in ("embassy", "embassy was", "bank"))
    targets = [_target(text, embassy), _target(text, again, embassy), _target(text, bank)]
    report = _report(text, text[2:6], targets)
    s1, s2, s3 = (sentence_of(text, part) for part in (text[:5], again, bank))
    starts = [s1.start, s2.start, s3.start]
    assert "targets_again" in pair_features(report, s1, s2, None, starts)
    assert "targets_new" in pair_features(report, s2, s3, None, starts)


def _model(**weights: float) -> SplitModel:
    """A hand-set split model: each named feature's weight towards another incident."""
    names = list(weights)
    columns = np.array([[w, 0.0] for w in weights.values()], dtype=np.float32)
    # bias: P(another) = 1 / (1 + e^2) = 0.12 without features, under the threshold
    bias = np.array([0.0, 2.0], dtype=np.float32)
    return SplitModel(CandidateModel(names, [ANOTHER, SAME], columns, bias, SPLIT_THRESHOLD))


_TWO_BOMBS = (
    "A BOMB EXPLODED AT THE EMBASSY IN LIMA ON MONDAY. "
    "ON TUESDAY A BANK WAS DAMAGED IN CUSCO. "
    "THE BANK WAS CLOSED."
)


def _two_bombs() -> IncidentReport:
    text = _TWO_BOMBS
    monday = When(date=dt.date(1990, 2, 5), precision=Precision.day)
    tuesday = When(date=dt.date(1990, 2, 6), precision=Precision.day)
    banks = [_target(text, "BANK WAS DAMAGED", "BANK"), _target(text, "BANK WAS CLOSED", "BANK")]
    return _report(
        text,
        "BOMB",
        [_target(text, "EMBASSY"), *banks],
        when=[_said(text, "when", "MONDAY", monday), _said(text, "when", "TUESDAY", tuesday)],
    )


def test_a_sentence_the_model_sets_apart_starts_another_incident_of_the_current_type() -> None:
    # the second sentence names no type, only a new target: another bombing with its own day
    first, second = split_incidents(_two_bombs(), _model(targets_new=5.0))
    assert [a.value for a in first.targets] == ["EMBASSY"]
    assert [a.value for a in second.targets] == ["BANK WAS DAMAGED", "BANK WAS CLOSED"]
    assert [a.normalized.date for a in first.when] == [dt.date(1990, 2, 5), dt.date(1990, 2, 6)]
    assert [a.normalized.date for a in second.when] == [dt.date(1990, 2, 6)]
    assert second.types == []  # named in the first incident's sentence only


@pytest.mark.parametrize("upper", [False, True])
def test_a_further_incident_takes_the_places_its_own_sentences_name(upper: bool) -> None:
    text = "A bomb exploded at the embassy in Lima. Later a bank was damaged in Cusco."
    text = text.upper() if upper else text
    lima, cusco, bank = (w.upper() if upper else w for w in ("Lima", "Cusco", "bank"))
    places = [
        _said(text, "where", lima, Place(name="Lima", city="Lima", country_code="PE")),
        _said(text, "where", cusco, Place(name="Cusco", city="Cusco", country_code="PE")),
    ]
    report = _report(text, text[2:6], [_target(text, bank)], where=places)
    first, second = split_incidents(report, _model(targets_new=5.0))
    assert [a.value for a in first.where] == [lima, cusco]  # the report's scene, as before
    assert [a.value for a in second.where] == [cusco]


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("second", "incidents"),
    [
        # names nothing the first bombing does not: one incident, as MUC-4 templates it
        ("A bomb also damaged the embassy.", 1),
        # a target of its own: another bombing
        ("A bomb also damaged a bank.", 2),
    ],
)
def test_a_further_incident_naming_nothing_new_is_the_one_before_it(
    second: str, incidents: int, upper: bool
) -> None:
    text = f"A bomb exploded at the embassy in Lima. {second}"
    text = text.upper() if upper else text
    embassy, bank = (w.upper() if upper else w for w in ("embassy", "bank"))
    later = text[text.index(". ") + 2 :]
    targets = [_target(text, embassy)]
    if embassy in later:
        targets.append(_target(text, later[later.index(embassy) - 4 :], embassy))
    if bank in text:
        targets.append(_target(text, bank))
    report = _report(text, text[2:6], targets)
    assert len(split_incidents(report, _model(**{"also=also": 5.0}))) == incidents


def _constant(another: bool) -> SplitModel:
    """A split model that sets every sentence apart (``another``), or none."""
    bias = np.array([2.0, 0.0] if another else [0.0, 2.0], dtype=np.float32)
    weights = np.zeros((1, 2), dtype=np.float32)
    return SplitModel(CandidateModel(["cue"], [ANOTHER, SAME], weights, bias, SPLIT_THRESHOLD))


def test_training_into_a_folder_fits_the_template_filter_with_the_split_model_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``incidex train --out DIR``: the template filter learns from templates split by the
    split model in DIR (the pair the pipeline will use), not by the one the settings name."""
    import incidex.train as train
    from incidex.evaluate._prune import GOLD, NONE
    from incidex.evaluate._split import SPLIT_MODEL

    _constant(False).model.save(tmp_path / "named" / SPLIT_MODEL)
    _constant(True).model.save(tmp_path / "out" / SPLIT_MODEL)
    for pipeline_model in ("relevance", "roles", "role_candidates"):  # as `train --out` wrote
        (tmp_path / "out" / pipeline_model).mkdir()
        (tmp_path / "out" / pipeline_model / "meta.json").write_text("{}")
    monkeypatch.setenv("INCIDEX_TRAINED_MODELS_DIR", str(tmp_path / "named"))
    results = [_extracted(_two_bombs(), f"D{n}") for n in range(4)]
    # odd messages: a template per bombing; even ones: no incident
    docs = {
        f"D{n}": _gtt(f"D{n}", ("EMBASSY",), ("BANK",)) if n % 2 else _gtt(f"D{n}")
        for n in range(4)
    }
    monkeypatch.setattr(train, "_require", lambda path: path)
    monkeypatch.setattr(train, "load_examples", lambda messages, gold: iter(()))
    monkeypatch.setattr(train, "_extracted", lambda root, out, log: (results, docs, [], {}))
    (report,) = train.train_models(
        tmp_path, tmp_path / "out", models=["template_filter"], log=lambda _: None
    )
    # two templates per message (the bombings set apart; the settings' model: one), the
    # embassy's mapped in the odd messages
    assert report.labels == {GOLD: 2, NONE: 6}


@pytest.mark.parametrize(
    ("only", "missing"),
    [
        (["template_filter"], ["relevance/", "roles/", "role_candidates/"]),
        (["role_candidates", "incident_split"], ["relevance/", "roles/"]),
    ],
)
def test_train_out_without_the_pipeline_models_fails_before_training(
    tmp_path: Path, only: list[str], missing: list[str]
) -> None:
    """``incidex train --out EMPTY --only template-filter``: the filter learns from the
    pipeline of EMPTY, which has no models; say so at once, not after training the others."""
    import incidex.train as train
    from incidex.errors import ConfigError

    with pytest.raises(ConfigError) as raised:
        train.train_models(tmp_path / "no-data", tmp_path / "empty", models=only)
    assert raised.value.code == "E041"
    message = str(raised.value)
    assert all(m in message for m in missing)
    assert "--only " + missing[0].rstrip("/") in message
    assert not (tmp_path / "empty").exists()  # nothing trained first


_DAYS = {"28 July": dt.date(1989, 7, 28), "17 October": dt.date(1989, 10, 17)}


def _killings(text: str) -> IncidentReport:
    """One sentence telling of a judge assassinated and a magistrate killed."""
    low = text.lower()

    def at(word: str) -> str:
        return text[low.index(word.lower()) :][: len(word)]

    judge, magistrate = at("Judge Diaz"), at("Magistrate Jimenez")
    days = [
        _said(text, "when", at(d), When(date=_DAYS[d], precision=Precision.day))
        for d in _DAYS
        if d.lower() in low
    ]
    return IncidentReport(
        article_id="a0",
        types=[
            _said(text, "types", at("assassinated"), EventType(name="Assassination", gtd_code=1))
        ],
        casualties=[
            _said(text, "casualties", at("killed"), Casualties(category="killed", exact=1))
        ],
        victims=[
            _said(text, "victims", judge, Victim(names=["Diaz"], fate="killed")),
            _said(text, "victims", magistrate, Victim(names=["Jimenez"], fate="killed")),
        ],
        when=days,
    )


@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "victims"),
    [
        # two clauses, each with its own day: two incidents (template-doc-part1, 5.0)
        (
            "Judge Diaz was assassinated on 28 July; Magistrate Jimenez was killed on 17 October.",
            [["Judge Diaz"], ["Magistrate Jimenez"]],
        ),
        (
            "Judge Diaz was assassinated on 28 July, and Magistrate Jimenez was killed on 17 "
            "October.",
            [["Judge Diaz"], ["Magistrate Jimenez"]],
        ),
        # the later clause names no day or place of its own: one incident
        (
            "Judge Diaz was assassinated on 28 July, and Magistrate Jimenez was killed too.",
            [["Judge Diaz", "Magistrate Jimenez"]],
        ),
        # nor does the first: nothing tells two incidents apart
        (
            "Judge Diaz was assassinated; Magistrate Jimenez was killed on 17 October.",
            [["Judge Diaz", "Magistrate Jimenez"]],
        ),
        # no semicolon nor comma and "and" joins the clauses
        (
            "Judge Diaz was assassinated on 28 July before Magistrate Jimenez was killed on 17 "
            "October.",
            [["Judge Diaz", "Magistrate Jimenez"]],
        ),
    ],
)
def test_clauses_with_their_own_day_are_incidents_of_their_own(
    text: str, victims: list[list[str]], upper: bool
) -> None:
    text = text.upper() if upper else text
    parts = split_incidents(_killings(text))
    expected = [[v.upper() if upper else v for v in names] for names in victims]
    assert [[a.value for a in part.victims] for part in parts] == expected
    if len(parts) == 2:  # the later incident's day is its own clause's
        assert [a.normalized.date for a in parts[1].when] == [dt.date(1989, 10, 17)]


def test_without_the_models_verdict_the_report_stays_whole() -> None:
    assert len(split_incidents(_two_bombs(), _model(cue=5.0))) == 1
    assert len(split_incidents(_two_bombs())) == 1  # no model: a cue alone splits


def _gtt(docid: str, *targets: tuple[str, ...]) -> GttDoc:
    """A GTT document with one bombing template per tuple of target mention strings."""
    templates = tuple(
        GttTemplate(
            "bombing",
            tuple(
                tuple((GttMention(m.lower(), 0),) for m in mentions) if name == "Target" else ()
                for name in GTT_ROLES
            ),
        )
        for mentions in targets
    )
    return GttDoc(docid, "", templates)


def _extracted(report: IncidentReport, docid: str) -> ArticleResult:
    article = Article.from_text(_TWO_BOMBS, extra={"muc_docid": docid})
    return ArticleResult(article=article, status="extracted", incidents=[report])


@pytest.mark.parametrize(("another", "templates"), [(True, 2), (False, 1)])
def test_the_mapping_reads_the_split_model_it_is_given_at_each_call(
    another: bool, templates: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A split model swapped in after import (as bench/model_stability.py does) is the one
    the mapping splits by: two bombings set apart, or one report kept whole."""
    from incidex.evaluate import _predict

    monkeypatch.setattr(_predict, "_split_model", lambda tagger: _constant(another))
    rows = _predict.muc_template_rows(_extracted(_two_bombs(), "D0"), tagger=True)
    assert len(rows) == templates


@pytest.mark.parametrize(
    ("gold", "labels"),
    [
        (("EMBASSY", "BANK"), [SAME, SAME]),  # one template: one incident throughout
        # two templates: the bank sentences are another incident than the embassy's
        ((("EMBASSY",), ("BANK",)), [ANOTHER, SAME]),
    ],
)
def test_training_labels_come_from_the_templates_of_the_mentions(
    gold: tuple[Any, ...], labels: list[str]
) -> None:
    templates = (gold,) if isinstance(gold[0], str) else gold
    docs = {"D1": _gtt("D1", *templates)}
    _, found = split_examples([_extracted(_two_bombs(), "D1")], docs)
    assert found == labels


def test_the_fitted_model_is_stored_as_arrays_and_gives_sklearns_probabilities(
    tmp_path: Path,
) -> None:
    results = [_extracted(_two_bombs(), f"D{n}") for n in range(6)]
    docs = {
        f"D{n}": _gtt(f"D{n}", ("EMBASSY",), ("BANK",))
        if n % 2
        else _gtt(f"D{n}", ("EMBASSY", "BANK"))
        for n in range(6)
    }
    report = fit_incident_split(results, docs, results, docs, tmp_path, log=lambda _: None)
    assert report.labels == {SAME: 9, ANOTHER: 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "model.json",
        "training.json",
        "weights.npy",
    ]
    loaded = SplitModel.load(tmp_path)
    s1, s2, s3 = (sentence_of(_TWO_BOMBS, part) for part in ("MONDAY", "TUESDAY", "CLOSED"))
    starts = [s1.start, s2.start, s3.start]
    # the bank after the embassy is another incident in half the messages, the bank told
    # again never
    assert loaded.another(_two_bombs(), s1, s2, None, starts) > loaded.another(
        _two_bombs(), s2, s3, None, starts
    )


def test_shipped_split_model_prefers_a_cued_new_attack_to_a_retelling() -> None:
    model = split_model()
    if model is None:
        pytest.skip("no shipped split model")
    assert sorted(model.model.labels) == [ANOTHER, SAME]
    text = (
        "A BOMB EXPLODED AT THE EMBASSY IN LIMA. THE ATTACK DESTROYED THE EMBASSY. "
        "MEANWHILE, IN ANOTHER ATTACK, A BOMB EXPLODED AT A BANK IN CUSCO."
    )
    embassy = [_target(text, "EMBASSY"), _target(text, "EMBASSY.", "EMBASSY")]
    report = _report(text, "BOMB", [*embassy, _target(text, "BANK")])
    s1, s2, s3 = (
        sentence_of(text, "LIMA"),
        sentence_of(text, "DESTROYED"),
        sentence_of(text, "CUSCO"),
    )
    starts = [s1.start, s2.start, s3.start]
    retelling = model.another(report, s1, s2, None, starts)
    another = model.another(report, s2, s3, "bombing", starts)
    assert retelling < SPLIT_THRESHOLD <= another


_ROWS = [
    {"cue": 1.0, "first=another": 1.0},
    {"cue": 1.0, "first=also": 1.0},
    {"cue": 1.0},
    {"retell": 1.0, "first=the": 1.0},
    {"retell": 1.0, "first=the": 1.0},
    {"retell": 1.0, "first=police": 1.0},
] * 3
_LABELS = [ANOTHER, ANOTHER, SAME, SAME, SAME, SAME] * 3


@pytest.mark.parametrize(("min_count", "kept"), [(1, True), (4, False)])
def test_a_word_too_rare_in_training_gets_no_weight(min_count: int, kept: bool) -> None:
    # "first=another" is in 3 of the 18 pairs, "cue" in 9
    model = binary_logistic(
        _ROWS, _LABELS, name="incident split", c=1.0, threshold=0.5, min_count=min_count
    )
    assert ("first=another" in model.index) is kept
    assert "cue" in model.index


@pytest.mark.parametrize("bags", [0, 5])
def test_the_fit_is_the_same_for_the_same_pairs(bags: int) -> None:
    def fit() -> CandidateModel:
        return binary_logistic(
            _ROWS, _LABELS, name="incident split", c=1.0, threshold=0.5, bags=bags
        )

    one, two = fit(), fit()
    assert one.index == two.index
    assert np.array_equal(one.weights, two.weights) and np.array_equal(one.bias, two.bias)
    cued = one.probabilities([{"cue": 1.0}])[0, one.labels.index(ANOTHER)]
    retold = one.probabilities([{"retell": 1.0}])[0, one.labels.index(ANOTHER)]
    assert cued > retold
