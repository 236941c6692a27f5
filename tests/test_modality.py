"""Attack words that tell of no attack that happened (threats, plans, calls, prevention, the
future, conditions) keep their type with ``Stance.hypothetical``, and start no incident or
MUC-4 template: hand-made texts in mixed and upper case, and records built by hand."""

from __future__ import annotations

from typing import Any

import pytest
from _records import said

from incidex.evaluate._predict import incident_type_of, muc_relevance
from incidex.model import EventType, IncidentReport, Stance, attack_told
from incidex.resolve.summary import summarize

_BOMBING = EventType(name="Bombing/Explosion", gtd_code=3)
_KIDNAPPING = EventType(name="Hostage Taking (Kidnapping)", gtd_code=6)


def _stances(nlp: Any, text: str) -> dict[str, Stance]:
    """Attack-type word (lower case) -> the stance of its type assertion."""
    from incidex.nlp.truecase import WIRE_KEY, mostly_upper, truecase

    wire = mostly_upper(text)
    doc = nlp.make_doc(truecase(text) if wire else text)
    doc.user_data[WIRE_KEY] = wire
    for _, component in nlp.pipeline:
        doc = component(doc)
    return {
        a.value.lower(): a.stance
        for a in doc._.assertions
        if a.field == "types" and a.normalized.attack
    }


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("The rebels are calling on their men to kidnap and kill mayors in the east.", "kidnap"),
        ("The rebels said there will not be any more bombings in the capital.", "bombings"),
        ("The group threatened to bomb the embassy in Lima.", "bomb"),
        ("The guerrillas will carry out more bombings against the power grid.", "bombings"),
        ("The police received threats of bombings against the embassy.", "bombings"),
        ("The rebels warned of new bombings in the capital.", "bombings"),
        ("The army adopted measures to prevent terrorist bombings in the city.", "bombings"),
        ("If they kidnap the mayor, the army will respond.", "kidnap"),
        # the means of a threatened act, whether hung on the verb or on its object
        ("The rebels threatened to blow up the embassy with car bombs next week.", "bombs"),
        # a type the weapon implies is as hypothetical as the act it serves
        ("The group warned it would kill the mayor with a sniper rifle.", "sniper rifle"),
    ],
)
def test_an_attack_told_as_a_threat_plan_or_condition_is_hypothetical(
    nlp: Any, text: str, word: str, upper: bool
) -> None:
    stances = _stances(nlp, text.upper() if upper else text)
    assert stances.get(word) is Stance.hypothetical


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Gunmen kidnapped the mayor of the town on Monday.", "kidnapped"),
        ("The rebels blew up the embassy with car bombs on Monday.", "bombs"),
        ("The rebels attacked the mayor's car with a sniper rifle on Monday.", "sniper rifle"),
        # an act about the attack is not the attack's modality
        ("The government will investigate the bombing of the embassy.", "bombing"),
        # joined to a threat, the act is told as done
        ("The guerrillas threatened and kidnapped the mayor.", "kidnapped"),
        # tried: an attempted kidnapping is an incident (MUC-4 stage ATTEMPTED)
        ("The rebels tried to kidnap the mayor.", "kidnap"),
        # who planned a massacre that happened
        ("The colonel planned the massacre of the peasants.", "massacre"),
        # an attempt foiled is an attempted act (MUC-4's ATTEMPTED), not a plan
        ("Troops foiled an attempt by the rebels to kidnap the envoy.", "kidnap"),
        # a time phrase is no phrase an intent governs
        ("After the explosion, the agents called off the search.", "explosion"),
        # a denial stays a denial
        ("The navy denied that it had uncovered a plot to assassinate the writer.", "assassinate"),
    ],
)
def test_an_attack_told_as_done_is_no_hypothesis(
    nlp: Any, text: str, word: str, upper: bool
) -> None:
    stances = _stances(nlp, text.upper() if upper else text)
    assert word in stances
    assert stances[word] is not Stance.hypothetical


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rebels threatened to kill Senator John Smith, police said.", Stance.hypothetical),
        ("Police said the rebels would murder Mayor Juan Perez.", Stance.hypothetical),
        ("Gunmen killed Senator John Smith in Bogota, police said.", Stance.asserted),
    ],
)
def test_the_assassination_of_a_named_official_is_told_as_its_verb_is(
    nlp: Any, text: str, expected: Stance, upper: bool
) -> None:
    stances = _stances(nlp, text.upper() if upper else text)
    (name,) = [word for word in stances if word in ("john smith", "juan perez")]
    assert stances[name] is expected


def _report(*types: tuple[str, str, EventType, Stance]) -> IncidentReport:
    text = " ".join(sentence for sentence, _, _, _ in types)
    return IncidentReport(
        article_id="a0",
        types=[said(text, "types", word, kind, stance=stance) for _, word, kind, stance in types],
    )


@pytest.mark.parametrize("upper", [False, True])
def test_an_incident_summary_counts_no_hypothetical_type(upper: bool) -> None:
    case = str.upper if upper else str
    report = _report(
        (case("Gunmen kidnapped the mayor."), case("kidnapped"), _KIDNAPPING, Stance.asserted),
        (case("They threatened to bomb the bank."), case("bomb"), _BOMBING, Stance.hypothetical),
    )
    summary = summarize("i1", [report], [])
    assert summary.types == ["Hostage Taking (Kidnapping)"]
    assert [attack_told(a) for a in report.types] == [True, False]


@pytest.mark.parametrize("upper", [False, True])
def test_muc4_still_reads_a_threatened_attack_as_its_type(upper: bool) -> None:
    """MUC-4 templates threatened incidents (STAGE OF EXECUTION THREATENED): the benchmark
    mapping reads a hypothetical type as the type of its incident (docs/accuracy.md)."""
    case = str.upper if upper else str
    report = _report(
        (case("They will bomb the bank."), case("bomb"), _BOMBING, Stance.hypothetical),
    )
    assert incident_type_of(report) == "bombing"
    assert muc_relevance([report], None) == [True]


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    "threat",
    [
        "The group said there will not be any more murders of journalists.",
        "According to the document, a hit squad would murder the candidate.",
    ],
)
def test_a_hypothetical_killing_names_no_victim(nlp: Any, threat: str, upper: bool) -> None:
    from incidex.nlp.extract import extract

    text = f"Gunmen killed two guards at the embassy in Lima on Monday. {threat}"
    result = extract(text.upper() if upper else text, nlp=nlp)
    victims = {v.value.lower() for report in result.incidents for v in report.victims}
    assert "two guards" in victims or "guards" in victims
    assert not victims & {"journalists", "candidate", "the candidate"}
