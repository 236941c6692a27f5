"""Compare an extraction with a hand-coded expected record (tests/data/reports/*.json).

Each check returns None when the extraction meets the expectation, else a short reason.
Used by tests/test_extract_reports.py and by `python tests/_expectations.py` (a report of
every check, for development).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from incidex.model import ArticleResult, IncidentReport
from incidex.nlp.kb import default_kb
from incidex.resolve import summarize

REPORTS = Path(__file__).parent / "data" / "reports"


def load_cases() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(REPORTS.glob("*.json"))]


def _report(result: ArticleResult) -> IncidentReport:
    return result.incidents[0] if result.incidents else IncidentReport(article_id="none")


def _canonical_group(name: str) -> str:
    group = default_kb().group(name)
    return group.name if group else name


def _same_name(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    x, y = a.lower().strip(), b.lower().strip()
    return x == y or x in y or y in x or x.split()[-1] == y.split()[-1]


def check_types(r: IncidentReport, exp: list[str]) -> str | None:
    got = {a.normalized.name for a in r.types}
    got_attack = {a.normalized.name for a in r.types if a.normalized.attack}
    exp_attack = {t for t in exp if t not in NON_ATTACK}
    missing = set(exp) - got
    extra = got_attack - exp_attack
    if missing or extra:
        return f"missing {sorted(missing)}, extra attack types {sorted(extra)}"
    return None


NON_ATTACK = {
    "Threat/Propaganda",
    "Claim of Responsibility",
    "Arrest",
    "Charge/Trial",
    "Official Statement",
}


def check_date(r: IncidentReport, exp: str | None) -> str | None:
    got = summarize("x", [r], []).date
    if exp is None:
        return None if got is None else f"expected no date, got {got}"
    if got is None or not got.isoformat().startswith(exp):
        return f"date {got} != {exp}"
    return None


def check_timeline(r: IncidentReport, exp: list[list[str]]) -> str | None:
    got = {a.normalized.time.strftime("%H:%M") for a in r.timeline}
    missing = [t for t, _ in exp if t not in got]
    return f"times {sorted(got)} lack {missing}" if missing else None


def check_scene(r: IncidentReport, exp: dict[str, str | None]) -> str | None:
    s = summarize("x", [r], [])
    problems = []
    if exp.get("country_code") and s.country_code != exp["country_code"]:
        problems.append(f"country {s.country_code} != {exp['country_code']}")
    if exp.get("city") and not _same_name(s.city, exp["city"]):
        cities = {a.normalized.city for a in r.where if a.normalized.role == "scene"}
        if not any(_same_name(c, exp["city"]) for c in cities if c):
            problems.append(f"city {s.city} != {exp['city']}")
    if exp.get("venue"):
        venues = [
            a.normalized.venue or a.normalized.name for a in r.where if a.normalized.role == "scene"
        ]
        if not any(_same_name(v, exp["venue"]) for v in venues):
            problems.append(f"venue {exp['venue']} not in {venues}")
    return "; ".join(problems) or None


def check_not_scene(r: IncidentReport, exp: list[str]) -> str | None:
    scenes = [a for a in r.where if a.normalized.role == "scene"]
    bad = [
        p
        for p in exp
        for a in scenes
        if a.value.lower() == p.lower() or (a.normalized.city or "").lower() == p.lower()
    ]
    return f"taken as the scene: {bad}" if bad else None


def check_groups(r: IncidentReport, exp: list[str] | None) -> str | None:
    got = {a.normalized.group for a in r.perpetrators if a.normalized.group}
    if exp is None:
        return f"expected no group, got {sorted(got)}" if got else None
    missing = [g for g in exp if _canonical_group(g) not in got]
    return f"groups {sorted(got)} lack {missing}" if missing else None


def check_perpetrator_count(r: IncidentReport, exp: int) -> str | None:
    got = {a.normalized.count for a in r.perpetrators}
    return None if exp in got else f"counts {got} lack {exp}"


def check_nationality(r: IncidentReport, exp: str) -> str | None:
    kb = default_kb()
    want = kb.nationality(exp)
    got = [
        a.normalized.nationality for a in [*r.perpetrators, *r.suspects] if a.normalized.nationality
    ]
    for g in got:
        found = kb.nationality(g)
        if found and want and found.country_code == want.country_code or g.lower() == exp.lower():
            return None
    return f"nationalities {got} lack {exp}"


def check_weapons(r: IncidentReport, exp: list[list[str | None]]) -> str | None:
    got = {(a.normalized.type, a.normalized.subtype) for a in r.weapons}
    missing = [
        (t, s) for t, s in exp if not any(gt == t and (s is None or gs == s) for gt, gs in got)
    ]
    return f"weapons {sorted(got, key=str)} lack {missing}" if missing else None


def check_targets(r: IncidentReport, exp: list[str]) -> str | None:
    got = {a.normalized.type for a in r.targets}
    missing = [t for t in exp if t not in got]
    return f"targets {sorted(got)} lack {missing}" if missing else None


def _figures(r: IncidentReport, category: str) -> list[dict[str, int | None]]:
    return [
        {
            "exact": a.normalized.exact,
            "low": a.normalized.low,
            "high": a.normalized.high,
            "estimate": a.normalized.estimate,
        }
        for a in r.casualties
        if a.normalized.category == category
    ]


def _check_toll(category: str) -> Callable[[IncidentReport, Any], str | None]:
    def check(r: IncidentReport, exp: dict[str, int] | None) -> str | None:
        got = _figures(r, category)
        if exp is None:
            return f"expected no {category} figure, got {got}" if got else None
        if "exact" in exp:
            ok = any(f["exact"] == exp["exact"] for f in got)
        elif "high" in exp and "low" in exp:
            values = {v for f in got for v in f.values() if v is not None}
            ok = exp["low"] in values and exp["high"] in values
        elif "low" in exp:
            ok = any(f["low"] == exp["low"] for f in got)
        else:
            ok = any(f["high"] == exp.get("high") for f in got)
        return None if ok else f"{category} figures {got} do not give {exp}"

    return check


def check_not_casualties(r: IncidentReport, exp: list[int]) -> str | None:
    values = {
        v
        for a in r.casualties
        for v in (a.normalized.exact, a.normalized.low, a.normalized.high, a.normalized.estimate)
    }
    bad = [n for n in exp if n in values]
    return f"taken as casualties: {bad}" if bad else None


def check_claims(r: IncidentReport, exp: list[dict[str, str | None]]) -> str | None:
    kb = default_kb()
    missing = []
    for want in exp:
        ok = False
        for a in r.claims:
            c = a.normalized
            if c.kind != want["kind"]:
                continue
            if want.get("group") and c.group != _canonical_group(want["group"] or ""):
                continue
            if want.get("via"):
                outlet = kb.outlet(want["via"] or "")
                if c.via != (outlet.name if outlet else want["via"]):
                    continue
            if want.get("channel"):
                outlet = kb.outlet(want["channel"] or "")
                if c.channel != (outlet.name if outlet else want["channel"]):
                    continue
            if want.get("by") and not (
                _same_name(c.by, want["by"]) or c.by == _canonical_group(want["by"] or "")
            ):
                continue
            ok = True
        if not ok:
            missing.append(want)
    got = [a.normalized.model_dump(exclude_defaults=True) for a in r.claims]
    return f"claims {got} lack {missing}" if missing else None


def check_suspects(r: IncidentReport, exp: list[dict[str, Any]]) -> str | None:
    missing = []
    for want in exp:
        ok = any(
            a.normalized.step == want["step"]
            and (want.get("count") is None or a.normalized.count == want["count"])
            and (
                not want.get("nationality")
                or _same_name(a.normalized.nationality, want["nationality"])
            )
            and (not want.get("reported_by") or _same_name(a.speaker, want["reported_by"]))
            for a in r.suspects
        )
        if not ok:
            missing.append(want)
    got = [(a.normalized.model_dump(exclude_defaults=True), a.speaker) for a in r.suspects]
    return f"suspects {got} lack {missing}" if missing else None


def check_attributions(r: IncidentReport, exp: list[dict[str, str]]) -> str | None:
    missing = []
    for want in exp:
        in_sentence = [
            a for a in r.assertions() if want["value"].lower() in a.sentence.text.lower()
        ]
        if not any(_same_name(a.speaker, want["speaker"]) for a in in_sentence):
            missing.append(
                (want["value"], want["speaker"], sorted({str(a.speaker) for a in in_sentence}))
            )
    return f"speakers wrong: {missing}" if missing else None


CHECKS: dict[str, Callable[[IncidentReport, Any], str | None]] = {
    "types": check_types,
    "date": check_date,
    "timeline": check_timeline,
    "scene": check_scene,
    "not_scene": check_not_scene,
    "groups": check_groups,
    "perpetrator_count": check_perpetrator_count,
    "perpetrator_nationality": check_nationality,
    "weapons": check_weapons,
    "targets": check_targets,
    "killed": _check_toll("killed"),
    "wounded": _check_toll("wounded"),
    "perpetrators_killed": _check_toll("perpetrators_killed"),
    "not_casualties": check_not_casualties,
    "claims": check_claims,
    "suspects": check_suspects,
    "attributions": check_attributions,
}


def run_case(case: dict[str, Any], key: str, result: ArticleResult) -> str | None:
    return CHECKS[key](_report(result), case["expected"][key])


if __name__ == "__main__":  # development report: every check of every case
    from incidex.nlp.extract import extract

    total = failed = 0
    for case in load_cases():
        result = extract(case["text"], published=case["published"], source=case["source"])
        for key in case["expected"]:
            if key not in CHECKS:
                continue
            total += 1
            problem = run_case(case, key, result)
            if problem:
                failed += 1
                print(f"FAIL {case['id']:40} {key:22} {problem}"[:400])
    print(f"{total - failed}/{total} checks pass", file=sys.stderr)
