"""Hand-written reports (tests/data/reports) against the record a careful coder would make.

Each (report, expected key) pair is one test. Pairs incidex does not get right yet are marked
``xfail(strict=True)`` with the reason shown by the check: they document what is missing, and
a fix that makes one pass turns the xfail into a failure, so the list stays honest.
"""

from __future__ import annotations

from typing import Any

import pytest
from _expectations import CHECKS, load_cases, run_case

from incidex.model import ArticleResult

pytestmark = pytest.mark.slow

# Known gaps, measured; see docs/accuracy.md ("hand-written reports").
KNOWN_GAPS: set[tuple[str, str]] = {
    tuple(line.split())  # type: ignore[misc]
    for line in """
arrest_followup_cotabato_2022 weapons
arrest_followup_cotabato_2022 claims
arrest_followup_cotabato_2022 suspects
arson_troeglitz_2015 timeline
arson_troeglitz_2015 scene
arson_troeglitz_2015 weapons
assassination_cox_2016 timeline
assassination_cox_2016 wounded
assassination_cox_2016 attributions
barricade_sydney_2014 perpetrator_nationality
claim_only_ttp_2023 date
claim_only_ttp_2023 scene
claim_only_ttp_2023 not_scene
claim_only_ttp_2023 targets
claim_only_ttp_2023 claims
claim_only_ttp_2023 attributions
kidnapping_dapchi_2018 groups
kidnapping_dapchi_2018 claims
kidnapping_dapchi_2018 attributions
ramming_stockholm_2017 date
ramming_stockholm_2017 timeline
ramming_stockholm_2017 scene
ramming_stockholm_2017 perpetrator_count
stabbing_reading_2020 suspects
stabbing_reading_2020 attributions
threat_poster_2024 date
threat_poster_2024 groups
trial_abedi_2020 scene
trial_abedi_2020 suspects
wire_upper_peru_1990 timeline
wire_upper_peru_1990 scene
""".strip().splitlines()
    if line.strip()
}

CASES = load_cases()
PARAMS = [
    pytest.param(
        case,
        key,
        id=f"{case['id']}-{key}",
        marks=[pytest.mark.xfail(strict=True, reason="known gap")]
        if (case["id"], key) in KNOWN_GAPS
        else [],
    )
    for case in CASES
    for key in case["expected"]
    if key in CHECKS
]


@pytest.fixture(scope="module")
def results(nlp: Any) -> dict[str, ArticleResult]:
    from incidex.nlp.extract import extract

    return {
        case["id"]: extract(
            case["text"], published=case["published"], source=case["source"], nlp=nlp
        )
        for case in CASES
    }


@pytest.mark.parametrize(("case", "key"), PARAMS)
def test_report_field(case: dict[str, Any], key: str, results: dict[str, ArticleResult]) -> None:
    problem = run_case(case, key, results[case["id"]])
    assert problem is None, problem


def test_no_incident_in_a_football_report(results: dict[str, ArticleResult]) -> None:
    football = next(c for c in CASES if c["id"].startswith("no_incident"))
    result = results[football["id"]]
    attack = [a for r in result.incidents for a in r.types if a.normalized.attack]
    assert attack == []


def test_trial_report_is_not_a_new_attack(results: dict[str, ArticleResult]) -> None:
    trial = next(c for c in CASES if c["id"].startswith("trial"))
    result = results[trial["id"]]
    assert result.incidents, "the trial itself is an event worth a record"
    assert not any(a.normalized.attack for a in result.incidents[0].types)
