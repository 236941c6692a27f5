"""The acceptance example: the Crocus City Hall report, end to end, every fact with its source.

The report (../shared/samples/crocus-city-hall.txt) is not part of the project; these tests
skip when it is absent.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from incidex.model import ArticleResult, IncidentReport, Stance
from incidex.resolve import summarize

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def result(crocus_text: str, nlp: Any) -> ArticleResult:
    from incidex.nlp.extract import extract

    return extract(crocus_text, nlp=nlp)


@pytest.fixture(scope="module")
def report(result: ArticleResult) -> IncidentReport:
    assert result.status == "extracted"
    assert len(result.incidents) == 1
    return result.incidents[0]


def _sourced(assertion: Any, text: str) -> None:
    """Every value carries its supporting span and sentence from the text."""
    assert text[assertion.start : assertion.end] == assertion.value
    assert assertion.value in assertion.sentence.text
    assert text[assertion.sentence.start : assertion.sentence.end] == assertion.sentence.text
    assert assertion.extractor.startswith("incidex_")


def test_every_assertion_points_into_the_text(
    result: ArticleResult, report: IncidentReport
) -> None:
    for assertion in report.assertions():
        _sourced(assertion, result.article.text)


def test_attack_types(report: IncidentReport) -> None:
    names = {a.normalized.name for a in report.types}
    # shooting then arson: two GTD attack types
    assert {"Armed Assault", "Facility/Infrastructure Attack"} <= names
    assert {
        "Threat/Propaganda",
        "Claim of Responsibility",
        "Charge/Trial",
        "Official Statement",
    } <= names
    attack = {a.normalized.name for a in report.types if a.normalized.attack}
    assert "Bombing/Explosion" not in attack and "Assassination" not in attack


def test_no_invented_date_and_founding_year_ignored(report: IncidentReport) -> None:
    # the report gives no date for the attack; "formed ... in late 2014" is the group's founding
    assert all(a.normalized.date is None or a.normalized.date.year != 2014 for a in report.when)
    assert summarize("x", [report], []).date is None


def test_timeline_in_24h(report: IncidentReport) -> None:
    steps = {a.normalized.time.strftime("%H:%M"): a.normalized.action for a in report.timeline}
    assert steps["18:54"] == "entered"
    assert "began" in steps["19:58"]
    assert steps["20:11"] == "fled"


def test_scene_is_crocus_city_hall_in_moscow(report: IncidentReport) -> None:
    summary = summarize("x", [report], [])
    assert summary.venue == "Crocus City Hall" or "Crocus" in (summary.venue or "")
    assert summary.city == "Moscow"
    assert summary.country_code == "RU" and summary.country == "Russia"
    assert summary.latitude == pytest.approx(55.75, abs=0.1)
    assert summary.longitude == pytest.approx(37.62, abs=0.1)
    venues = {a.normalized.venue for a in report.where if a.normalized.venue}
    assert "Crocus City Hall" in venues


def test_other_places_are_not_the_scene(report: IncidentReport) -> None:
    scene_countries = {
        a.normalized.country_code for a in report.where if a.normalized.role == "scene"
    }
    assert scene_countries == {"RU"}
    roles = {(a.normalized.name, a.normalized.role) for a in report.where}
    assert ("Ukraine", "destination") in roles  # "heading to Ukraine"
    assert ("Afghanistan", "mentioned") in roles  # where IS-K was formed
    assert ("United States", "statement") in roles  # a country confirming


def test_perpetrator_group_resolved_with_parent(report: IncidentReport) -> None:
    groups = {(a.normalized.group, a.normalized.parent) for a in report.perpetrators}
    assert ("Islamic State - Khorasan Province", "Islamic State") in groups
    counts = {a.normalized.count for a in report.perpetrators}
    assert 4 in counts  # "Four individuals armed with Kalashnikov rifles"


def test_weapons_coded_to_gtd(report: IncidentReport) -> None:
    weapons = {
        (a.normalized.type, a.normalized.subtype, a.normalized.model) for a in report.weapons
    }
    assert ("Firearms", "Automatic or Semi-Automatic Rifle", "AK-74") in weapons
    assert any(t == "Incendiary" and s == "Arson/Fire" for t, s, _ in weapons)
    # the knife is on the propaganda poster, not an attack weapon; 500 counts cartridges
    assert not any(t == "Melee" for t, _, _ in weapons)
    assert all(a.normalized.count != 500 for a in report.weapons)


def test_targets_coded_to_gtd(report: IncidentReport) -> None:
    targets = {(a.normalized.type, a.normalized.subtype) for a in report.targets}
    assert ("Business", "Entertainment/Cultural/Stadium/Casino") in targets
    assert any(t == "Private Citizens & Property" for t, _ in targets)


def test_toll_at_least_137_and_no_false_casualties(report: IncidentReport) -> None:
    killed = [a.normalized for a in report.casualties if a.normalized.category == "killed"]
    assert len(killed) == 1
    assert killed[0].low == 137 and killed[0].exact is None
    assert killed[0].qualifier == "at least"
    figures = {
        v
        for a in report.casualties
        for v in (a.normalized.exact, a.normalized.low, a.normalized.high, a.normalized.estimate)
    }
    assert 6200 not in figures and 500 not in figures


def test_claim_confirmation_and_disputes(report: IncidentReport) -> None:
    claims = [a.normalized for a in report.claims]
    assert any(
        c.kind == "claimed"
        and c.group == "Islamic State"
        and c.via == "Amaq News Agency"
        and c.channel == "Telegram"
        for c in claims
    )
    assert any(
        c.kind == "confirmed" and c.by == "United States" and c.group == "Islamic State"
        for c in claims
    )
    assert any(c.kind == "doubted" and c.by == "Vladimir Putin" for c in claims)
    assert any(
        c.kind == "attributed" and c.by == "Vladimir Putin" and c.alternative == "radical Islamists"
        for c in claims
    )
    assert any(
        c.kind == "attributed" and c.by == "Vladimir Putin" and c.alternative == "Ukraine"
        for c in claims
    )
    stances = {(a.normalized.group, a.stance, a.speaker) for a in report.perpetrators}
    assert ("Islamic State", Stance.confirmed, "United States") in stances
    assert ("Islamic State", Stance.doubted, "Vladimir Putin") in stances


def test_suspects_charged_per_tass(report: IncidentReport) -> None:
    charged = [a for a in report.suspects if a.normalized.step == "charged"]
    assert len(charged) == 1
    step = charged[0]
    assert step.normalized.count == 4
    assert step.normalized.nationality == "Tajik"
    assert step.normalized.charge == "terrorism"
    assert step.speaker == "TASS"  # "according to TASS news agency"
    arrested = [a for a in report.suspects if a.normalized.step == "arrested"]
    assert arrested and arrested[0].speaker == "Vladimir Putin"  # "the apprehended attackers"


def test_threat_poster(report: IncidentReport) -> None:
    threats = [a for a in report.threats]
    assert threats
    full = next(a for a in threats if a.normalized.actor)
    assert full.normalized.form == "poster"
    assert full.normalized.actor == "Al-Azaim Foundation"
    assert full.normalized.linked_group == "Islamic State - Khorasan Province"
    assert {"Russia", "Vladimir Putin"} <= set(full.normalized.targets)
    assert {"Iranian media", "Newsweek"} <= set(full.normalized.relayed_by)
    assert any(a.normalized.medium == "social media" for a in threats)


def test_cli_extract_json_holds_the_facts(crocus_text: str) -> None:
    from click.testing import CliRunner
    from conftest import CROCUS

    from incidex.cli import cli

    out = CliRunner().invoke(cli, ["extract", str(CROCUS), "--json"])
    assert out.exit_code == 0, out.output
    records = json.loads(out.output)
    assert len(records) == 1
    report = IncidentReport.model_validate(records[0]["incidents"][0])
    killed = [a for a in report.casualties if a.normalized.category == "killed"]
    assert killed[0].normalized.low == 137
    assert killed[0].sentence.text.startswith("IS-Khorasan, formed in Afghanistan")
    claims = {(a.normalized.kind, a.normalized.by) for a in report.claims}
    assert ("confirmed", "United States") in claims
