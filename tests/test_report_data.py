"""Shape checks for the bundled example corpus and the hand-written test reports.

The extraction tests trust these files as gold data, so a typo in a type name, a date that does
not parse or an attribution that is not in the text must fail here, not in an obscure way later.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from incidex.model import Article

__all__: list[str] = []

_ROOT = Path(__file__).resolve().parents[1]
_CORPUS = _ROOT / "incidex" / "data" / "examples" / "reports.jsonl"
_REPORTS = _ROOT / "tests" / "data" / "reports"

_ATTACK_TYPES = {
    "Assassination",
    "Armed Assault",
    "Bombing/Explosion",
    "Hijacking",
    "Hostage Taking (Barricade Incident)",
    "Hostage Taking (Kidnapping)",
    "Facility/Infrastructure Attack",
    "Unarmed Assault",
}
_OTHER_TYPES = {
    "Threat/Propaganda",
    "Claim of Responsibility",
    "Arrest",
    "Charge/Trial",
    "Official Statement",
}
_TYPES = _ATTACK_TYPES | _OTHER_TYPES

# GTD codebook weapon types and subtypes.
_WEAPONS: dict[str, set[str]] = {
    "Biological": set(),
    "Chemical": set(),
    "Radiological": set(),
    "Nuclear": set(),
    "Firearms": {
        "Automatic or Semi-Automatic Rifle",
        "Handgun",
        "Rifle/Shotgun (non-automatic)",
        "Unknown Gun Type",
        "Other Gun Type",
    },
    "Explosives": {
        "Grenade",
        "Mine",
        "Mail Bomb",
        "Letter Bomb",
        "Pressure Trigger",
        "Projectile (rockets, mortars, RPGs, etc.)",
        "Remote Trigger",
        "Suicide (carried bodily by human being)",
        "Time Fuse",
        "Vehicle",
        "Unknown Explosive Type",
        "Other Explosive Type",
        "Dynamite/TNT",
        "Sticky Bomb",
        "Pipe Bomb",
    },
    "Fake Weapons": set(),
    "Incendiary": {
        "Arson/Fire",
        "Molotov Cocktail/Petrol Bomb",
        "Gasoline or Alcohol",
        "Flame Thrower",
    },
    "Melee": {
        "Blunt Object",
        "Hands, Feet, Fists",
        "Knife or Other Sharp Object",
        "Rope or Other Strangling Device",
        "Suffocation",
        "Unknown Weapon Type",
    },
    "Vehicle (not to include vehicle-borne explosives, i.e., car or truck bombs)": set(),
    "Sabotage Equipment": set(),
    "Other": set(),
    "Unknown": set(),
}

# GTD codebook target types.
_TARGETS = {
    "Abortion Related",
    "Airports & Aircraft",
    "Business",
    "Educational Institution",
    "Food or Water Supply",
    "Government (Diplomatic)",
    "Government (General)",
    "Journalists & Media",
    "Maritime",
    "Military",
    "NGO",
    "Other",
    "Police",
    "Private Citizens & Property",
    "Religious Figures/Institutions",
    "Telecommunication",
    "Terrorists/Non-State Militia",
    "Tourists",
    "Transportation",
    "Unknown",
    "Utilities",
    "Violent Political Party",
}

# Every case the brief asks for, by file-name prefix.
_REQUIRED_CASES = (
    "bombing_",
    "kidnapping_",
    "barricade_",
    "arson_",
    "assassination_",
    "ramming_",
    "stabbing_",
    "claim_only_",
    "arrest_followup_",
    "conflicting_tolls_",
    "trial_",
    "wire_upper_",
)

# Incident -> a word of its reports' URLs (see incidex/data/examples/README.md).
_INCIDENT_KEYWORDS = {
    "Paris 2015": "paris",
    "Manchester 2017": "manchester",
    "Chibok 2014": "chibok",
    "Kyoto Animation 2019": "kyoto",
    "Nice 2016": "nice",
    "Solingen 2024": "solingen",
    "Shinzo Abe 2022": "abe",
}

_MIN_WORDS, _MAX_WORDS = 80, 250


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Count(_Strict):
    exact: int | None = Field(default=None, ge=0)
    low: int | None = Field(default=None, ge=0)
    high: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_form(self) -> _Count:
        if self.exact is not None:
            if self.low is not None or self.high is not None:
                raise ValueError("exact excludes low/high")
        elif self.low is None:
            raise ValueError("need exact or low")
        elif self.high is not None and self.high < self.low:
            raise ValueError("high < low")
        return self


class _Scene(_Strict):
    venue: str | None = None
    city: str | None = None
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")


class _ClaimRow(_Strict):
    kind: Literal["claimed", "confirmed", "denied", "doubted", "attributed"]
    by: str | None
    group: str | None
    via: str | None
    channel: str | None


class _SuspectRow(_Strict):
    step: Literal["arrested", "charged", "convicted", "sentenced"]
    count: int | None = Field(ge=1)
    nationality: str | None
    reported_by: str | None


class _Attribution(_Strict):
    value: str = Field(min_length=1)
    speaker: str = Field(min_length=1)


class _Expected(_Strict):
    types: list[str]
    date: str | None = None
    date_precision: Literal["minute", "hour", "day", "month", "year", "unknown"] | None = None
    timeline: list[tuple[str, str]] | None = None
    scene: _Scene | None = None
    not_scene: list[str] | None = None
    groups: list[str] | None = None
    perpetrator_count: int | None = Field(default=None, ge=1)
    perpetrator_nationality: str | None = None
    weapons: list[tuple[str, str | None]] | None = None
    targets: list[str] | None = None
    killed: _Count | None = None
    wounded: _Count | None = None
    perpetrators_killed: _Count | None = None
    not_casualties: list[int] | None = None
    claims: list[_ClaimRow] | None = None
    suspects: list[_SuspectRow] | None = None
    attributions: list[_Attribution] | None = None

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = set(value) - _TYPES
        if unknown:
            raise ValueError(f"unknown types {sorted(unknown)}")
        return value

    @field_validator("date")
    @classmethod
    def _date_form(cls, value: str | None) -> str | None:
        if value is not None:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                dt.date.fromisoformat(value)
            elif not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
                raise ValueError(f"bad date {value!r}")
        return value

    @field_validator("timeline")
    @classmethod
    def _times(cls, value: list[tuple[str, str]] | None) -> list[tuple[str, str]] | None:
        for time, action in value or []:
            if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", time) or not action.strip():
                raise ValueError(f"bad timeline step {time!r} {action!r}")
        return value

    @field_validator("weapons")
    @classmethod
    def _gtd_weapons(
        cls, value: list[tuple[str, str | None]] | None
    ) -> list[tuple[str, str | None]] | None:
        for kind, subtype in value or []:
            if kind not in _WEAPONS:
                raise ValueError(f"unknown weapon type {kind!r}")
            if subtype is not None and subtype not in _WEAPONS[kind]:
                raise ValueError(f"unknown subtype {subtype!r} of {kind!r}")
        return value

    @field_validator("targets")
    @classmethod
    def _gtd_targets(cls, value: list[str] | None) -> list[str] | None:
        unknown = set(value or []) - _TARGETS
        if unknown:
            raise ValueError(f"unknown target types {sorted(unknown)}")
        return value


class _TestReport(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    title: str = Field(min_length=1)
    published: dt.datetime | None
    source: str = Field(min_length=1)
    text: str
    expected: _Expected


class _CorpusLine(_Strict):
    url: str = Field(pattern=r"^https://[a-z0-9.-]+\.test/\S+$")
    title: str = Field(min_length=1)
    published: dt.datetime
    source: str = Field(min_length=1)
    text: str


def _corpus_lines() -> list[str]:
    return [line for line in _CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _corpus() -> list[_CorpusLine]:
    return [_CorpusLine.model_validate_json(line) for line in _corpus_lines()]


def _report_files() -> list[Path]:
    return sorted(_REPORTS.glob("*.json"))


def _load_report(path: Path) -> _TestReport:
    return _TestReport.model_validate_json(path.read_text(encoding="utf-8"))


def _url_words(url: str) -> set[str]:
    return set(re.split(r"[/\-_.]+", url.lower()))


def _number_in_text(number: int, text: str) -> bool:
    pattern = rf"(?<![\d,]){re.escape(str(number))}(?![\d])|(?<![\d,]){re.escape(f'{number:,}')}"
    return re.search(pattern, text) is not None


# ---- example corpus ----


def test_corpus_has_enough_lines() -> None:
    assert len(_corpus_lines()) >= 20


@pytest.mark.parametrize(
    "line", _corpus_lines(), ids=[f"line{n}" for n in range(1, len(_corpus_lines()) + 1)]
)
def test_corpus_line_is_valid(line: str) -> None:
    record = _CorpusLine.model_validate_json(line)
    assert set(json.loads(line)) == {"url", "title", "published", "source", "text"}
    assert record.published.tzinfo is not None, "published needs a UTC offset"
    assert _MIN_WORDS <= len(record.text.split()) <= _MAX_WORDS
    # The corpus must load as incidex articles.
    article = Article.from_text(
        record.text,
        url=record.url,
        title=record.title,
        published=record.published,
        source=record.source,
    )
    assert article.id.startswith("a")


def test_corpus_covers_seven_incidents_with_several_reports() -> None:
    records = _corpus()
    counts = {
        name: sum(keyword in _url_words(rec.url) for rec in records)
        for name, keyword in _INCIDENT_KEYWORDS.items()
    }
    assert all(n >= 2 for n in counts.values()), counts
    assert len(counts) >= 7


def test_corpus_urls_and_texts_are_distinct() -> None:
    records = _corpus()
    assert len({rec.url for rec in records}) == len(records)
    assert len({rec.text for rec in records}) == len(records)


def test_corpus_reports_of_an_incident_come_from_several_outlets() -> None:
    records = _corpus()
    for keyword in _INCIDENT_KEYWORDS.values():
        sources = {rec.source for rec in records if keyword in _url_words(rec.url)}
        assert len(sources) >= 2, keyword


def test_corpus_rejects_a_broken_line() -> None:
    # The schema above must actually bite, or the other tests prove nothing.
    bad = json.dumps(
        {
            "url": "https://x.test/a",
            "title": "t",
            "published": "yesterday",
            "source": "s",
            "text": "t",
        }
    )
    with pytest.raises(ValidationError):
        _CorpusLine.model_validate_json(bad)


# ---- hand-written test reports ----


def test_enough_test_reports_covering_every_case() -> None:
    names = [path.stem for path in _report_files()]
    assert len(names) >= 12
    missing = [case for case in _REQUIRED_CASES if not any(n.startswith(case) for n in names)]
    assert not missing


@pytest.mark.parametrize("path", _report_files(), ids=lambda p: p.stem)
def test_report_file_is_valid(path: Path) -> None:
    report = _load_report(path)
    assert report.id == path.stem
    assert _MIN_WORDS <= len(report.text.split()) <= _MAX_WORDS
    if report.published is not None:
        assert report.published.tzinfo is not None


@pytest.mark.parametrize("path", _report_files(), ids=lambda p: p.stem)
def test_expected_values_are_grounded_in_text(path: Path) -> None:
    report = _load_report(path)
    text, folded = report.text, report.text.casefold()
    expected = report.expected
    for item in expected.attributions or []:
        assert item.value.casefold() in folded, item.value
        assert item.speaker.casefold() in folded, item.speaker
    for place in expected.not_scene or []:
        assert place.casefold() in folded, place
    if expected.scene is not None and expected.scene.city is not None:
        assert expected.scene.city.casefold() in folded
    for number in expected.not_casualties or []:
        assert _number_in_text(number, text), number


def test_non_attack_reports_have_no_new_casualties() -> None:
    for path in _report_files():
        report = _load_report(path)
        if not set(report.expected.types) & _ATTACK_TYPES:
            assert report.expected.killed is None, path.stem
            assert report.expected.wounded is None, path.stem


def test_expected_rejects_an_unknown_type() -> None:
    with pytest.raises(ValidationError):
        _Expected.model_validate({"types": ["Massacre"]})
    with pytest.raises(ValidationError):
        _Expected.model_validate({"types": [], "killed": {"exact": 3, "low": 2}})
