"""Which existing incident a new report belongs to (incremental clustering).

For each incoming report the resolver

1. finds candidate incidents through the store by blocking: event date window (+ country),
   the report's most distinctive names in the incidents' articles (full-text index), its
   perpetrator groups in the weeks before; at most a few hundred summaries, never all;
2. keeps the best dozen by how many blocks found them and how well the summary agrees;
3. scores those on the incident's profile (the union of its reports' features): TF-IDF
   cosine of the reports' own text, shared distinctive names, then agreement or conflict
   of date, country, city, venue, attack type and group;
4. attaches the report to the best incident whose score passes the threshold and whose
   content evidence (text or names) is not nil, else opens a new incident.

Date and place only ever add a little: two attacks in one city on one day share them, so
what merges reports is shared content, and what separates them is a different venue, attack
type or set of names. Missing dates or places cost nothing; text and names then decide.
docs/resolution.md states the policy with the weights.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import NotFoundError
from ..model import Incident, IncidentReport

if TYPE_CHECKING:  # the store imports resolve.summary: no import at run time
    from ..store import IncidentKey, IncidentStore

from ._features import (
    IncidentProfile,
    ReportFeatures,
    TermStats,
    cosine,
    norm,
    report_features,
    victims_overlap,
)

__all__ = ["CandidateScore", "IncidentResolver", "score_candidate"]

_MAX_ENTITY_QUERIES = 4
_MAX_SHORTLIST = 12
_COMMON_NAME_DOCS = 50  # (+1 per 1,000 reports seen) reports with a name: too common
_PROFILE_REPORTS = 40  # reports read to profile a stored incident (first and last halves)
_ATTACH_SCORE = 1.0
_MAX_PLACE_PENALTY = -0.8
_MIN_CONTENT = 0.5
_MIN_CONTENT_DATE_CONFLICT = 1.5
_MIN_TEXT_DATE_CONFLICT = 0.25
# Without specific shared evidence (a distinctive name, victim or target, or venue) only a
# close text links two reports: shared wire vocabulary ("terrorists", "armed forces") does
# not. Set on the MUC-4 DEV messages (docs/accuracy.md).
_MIN_TEXT_GENERIC = 0.3
_MIN_TEXT_GENERIC_FOLLOW_UP = 0.25  # an arrest or a claim shares fewer words with the attack
_SPECIFIC_NAMES = 0.15  # one shared name seen in few reports scores about 0.2-0.33
_VICTIMS_DIFFER = -0.8
_MIN_TEXT_VICTIMS_DIFFER = 0.6  # different named victims: only a near-copy of the text joins
_MIN_TEXT_DAYS_APART = 0.9  # dates to the day 2+ days apart: only a copy (a misread date)
_FOLLOW_UP_DAYS = 400
_WARM_REPORTS = 10_000  # stored reports whose terms seed the statistics of a new resolver
_COUNTED_REPORTS = 100_000  # report ids remembered as counted (see IncidentResolver._count)


@dataclass(frozen=True, slots=True)
class CandidateScore:
    """Why a report would or would not join an incident."""

    incident_id: str
    text: float  # TF-IDF cosine, 0..1
    names: float  # shared distinctive names, 0..1
    compat: float  # date / place / type / group agreement (negative on conflict)
    date_conflict: bool = False
    specific: bool = False  # a distinctive name, victim, target or venue is shared
    victims_differ: bool = False  # both name victims or targets, none in common
    follow_up: bool = False  # the report tells of an arrest, a claim... after an attack
    days_apart: bool = False  # both date the attack to the day, 2+ days apart

    @property
    def content(self) -> float:
        return 3.0 * self.text + 2.0 * self.names

    @property
    def score(self) -> float:
        return self.content + self.compat

    @property
    def min_text(self) -> float:
        """The text similarity this pair needs, whatever else it shares."""
        need = 0.0
        if not self.specific:
            need = _MIN_TEXT_GENERIC_FOLLOW_UP if self.follow_up else _MIN_TEXT_GENERIC
        if self.victims_differ:
            need = max(need, _MIN_TEXT_VICTIMS_DIFFER)
        if self.days_apart:
            need = max(need, _MIN_TEXT_DAYS_APART)
        if self.date_conflict:
            need = max(need, _MIN_TEXT_DATE_CONFLICT)
        return need

    @property
    def attaches(self) -> bool:
        if self.text < self.min_text:
            return False
        if self.date_conflict:
            # Dates far apart: only a close text (not shared officials' names) links them.
            return self.content >= _MIN_CONTENT_DATE_CONFLICT and self.score >= _ATTACH_SCORE
        return self.content >= _MIN_CONTENT and self.score >= _ATTACH_SCORE


def _date_compat(f: ReportFeatures, p: IncidentProfile) -> tuple[float, bool, bool]:
    """Agreement of dates; whether they conflict (then content must be strong); whether
    both give the attack's day, days apart (then only a copy of the text joins)."""
    start = p.start
    if f.date is not None and p.dates:
        # Every date, not the most common few: ties would make it depend on report order.
        gap = min(abs((f.date - d).days) for d in p.dates)
        if gap <= 1:
            return (0.6, False, False) if gap == 0 else (0.4, False, False)
        later = start is not None and f.date > start
        if f.follow_up and later and gap <= 30:
            return 0.0, False, False  # an arrest or a claim days later has its own date
        apart = bool(
            f.date_precise
            and p.precise_dates
            and not f.follow_up
            and min(abs((f.date - d).days) for d in p.precise_dates) >= 2
        )  # both sides date the attack to the day, days apart: two attacks
        if gap <= 7:
            return -0.1 * gap, False, apart
        if f.follow_up and start is not None and 0 < (f.date - start).days <= _FOLLOW_UP_DAYS:
            return -0.5, True, apart  # an arrest or a trial has its own, later date
        return -1.5, True, apart
    anchor = f.anchor
    if anchor is not None and start is not None:
        lag = (anchor - start).days
        if -3 <= lag <= 7:
            return 0.0, False, False
        if lag <= _FOLLOW_UP_DAYS and lag > 0:
            return -0.2, False, False  # published later: a follow-up, unless the text says so
        return -1.0, True, False
    return 0.0, False, False


def _lower(names: Iterable[str]) -> set[str]:
    return {n.lower() for n in names}


def score_candidate(
    f: ReportFeatures, p: IncidentProfile, stats: TermStats, f_norm: float | None = None
) -> CandidateScore:
    """Score one report against one incident profile (see the module docstring);
    ``f_norm``: the norm of the report's terms, when scoring it against several."""
    text = cosine(f.terms, p.terms, stats, a_norm=f_norm)
    # Place and group names are weighed as places and groups below, not again as names.
    names = f.entities - f.place_names - p.place_names - _lower(f.groups) - _lower(p.groups)
    top = stats.idf("\x00\x00never seen")  # the largest idf: a name seen nowhere else
    shared = sum(stats.entity_idf(n) / top for n in names if n in p.entities)
    compat, conflict, apart = _date_compat(f, p)
    specific = shared / 3.0 >= _SPECIFIC_NAMES or bool(f.venue and f.venue in p.venues)
    victims_differ = False
    if f.victims and p.victims:
        if victims_overlap(f.victims, p.victims):
            specific = True
        elif not f.follow_up:
            victims_differ = True  # different people or targets hit: other attacks
            compat += _VICTIMS_DIFFER
    place = 0.0
    # A report that names the incident's city agrees on the place even when its own scene
    # was read elsewhere (a region or a namesake abroad: extracted places are noisy).
    names_city = bool(p.cities & (f.entities | f.place_names))
    if f.country and p.countries:
        place += 0.2 if f.country in p.countries else 0.0 if names_city else -0.6
    if f.city and p.cities:
        place += 0.3 if f.city in p.cities or names_city else -0.3
    if f.venue and p.venues:
        # Not more: one attack may strike several sites (a stadium and a concert hall).
        place += 0.8 if f.venue in p.venues else -0.6
    # Extracted places are noisy: their disagreement alone must not outweigh the text.
    # A follow-up's places are often elsewhere (arrests abroad, a court in the capital).
    compat += max(place, _MAX_PLACE_PENALTY / 2 if f.follow_up else _MAX_PLACE_PENALTY)
    if f.attack_types and p.attack_types and not f.follow_up:
        compat += 0.2 if f.attack_types & set(p.attack_types) else -0.3
    if f.groups and p.groups:
        compat += 0.6 if f.groups & p.groups else -0.4
    return CandidateScore(
        p.id,
        round(text, 4),
        round(min(1.0, shared / 3.0), 4),
        round(compat, 4),
        conflict,
        specific,
        victims_differ,
        f.follow_up,
        apart,
    )


class IncidentResolver:
    """``resolver(report)`` -> the id of the incident the report joins, or None for a new one.

    One resolver serves one ingest (one process): it caches incident profiles and term
    statistics, and updates them with every decision, so the store's ``save_results`` can
    call it report by report. Cost per report is bounded (a few store queries, a dozen
    profiles), so clustering n reports costs O(n).
    """

    def __init__(
        self, store: IncidentStore, *, max_profiles: int = 20_000, warm: int = _WARM_REPORTS
    ) -> None:
        self.store = store
        self.stats = TermStats()
        self.max_profiles = max_profiles
        self._profiles: OrderedDict[str, IncidentProfile] = OrderedDict()
        # Reports whose terms are counted, so none is counted twice (a report read at the
        # start and then resolved). Only the latest are remembered: a set of every report id
        # would grow with the corpus, and a report is resolved soon after it is read.
        self._counted: OrderedDict[str, None] = OrderedDict()
        self.last: list[CandidateScore] = []  # the scored shortlist of the last call
        # Term statistics start from the reports already stored (the latest ``warm``), so
        # an ingest into an existing database, or a re-run after a crash, weighs words as
        # one ingest of everything would (exactly so for stores up to ``warm`` reports).
        for report in reversed(store.recent_reports(warm)):
            self._count(self.features(report))

    def use(self, store: IncidentStore) -> None:
        """Work on ``store`` from now on: another connection to the same database, as a
        server opens one per request. The cached incident profiles are dropped (another
        writer may have changed those incidents since); the term statistics are kept (they
        are weights, and count every report this resolver has seen)."""
        self.store = store
        self._profiles.clear()

    # ---- the decision ----

    def __call__(self, report: IncidentReport) -> str | None:
        features = self.features(report)
        self._count(features)
        kept_apart = self.store.kept_apart(report.id)  # a person split it from these
        f_norm = norm(features.terms, self.stats)
        scored = [
            score_candidate(features, profile, self.stats, f_norm)
            for profile in self._shortlist(features)
            if features.article_id not in profile.articles  # two attacks in one article
            and profile.id not in kept_apart
        ]
        scored.sort(key=lambda c: (-c.score, c.incident_id))
        self.last = scored
        best = next((c for c in scored if c.attaches), None)
        from ..store import incident_id_for  # the store imports us lazily; keep it so

        target = best.incident_id if best is not None else incident_id_for(report)
        profile = self._profiles.get(target) if best is not None else None
        if profile is None:
            profile = IncidentProfile(target)
        profile.add(features)
        self._remember(profile)
        return best.incident_id if best is not None else None

    def features(self, report: IncidentReport) -> ReportFeatures:
        try:
            article = self.store.article(report.article_id)
            title, published, source = article.title, article.published, article.source
        except NotFoundError:
            title, published, source = None, None, None
        return report_features(report, title=title, published=published, source=source)

    def _count(self, features: ReportFeatures) -> None:
        if features.report_id not in self._counted:
            self._counted[features.report_id] = None
            if len(self._counted) > _COUNTED_REPORTS:
                self._counted.popitem(last=False)
            self.stats.add(features)

    # ---- candidates ----

    def _shortlist(self, f: ReportFeatures) -> list[IncidentProfile]:
        hits: dict[str, int] = {}
        summaries: dict[str, IncidentKey] = {}

        def found(items: list[IncidentKey], weight: int = 1) -> None:
            for s in items:
                summaries[s.id] = s
                hits[s.id] = hits.get(s.id, 0) + weight

        store = self.store
        if f.date is not None:
            found(
                store.incident_keys(
                    country=f.country,
                    since=f.date - dt.timedelta(days=3),
                    until=f.date + dt.timedelta(days=3),
                    limit=100,
                )
            )
        elif f.published is not None and f.country is not None:
            found(
                store.incident_keys(
                    country=f.country,
                    since=f.published - dt.timedelta(days=10),
                    until=f.published + dt.timedelta(days=1),
                    limit=100,
                )
            )
        anchor = f.anchor
        for name in self._distinctive(f):
            if anchor is not None:
                found(
                    store.incident_keys(
                        query=name,
                        since=anchor - dt.timedelta(days=_FOLLOW_UP_DAYS),
                        until=anchor + dt.timedelta(days=7),
                        limit=30,
                    ),
                    2,
                )
            # Incidents with no known date are invisible to date windows.
            found(store.incident_keys(query=name, limit=20), 2)
        if anchor is not None:
            for group in sorted(f.groups)[:2]:
                found(
                    store.incident_keys(
                        group=group,
                        since=anchor - dt.timedelta(days=60),
                        until=anchor + dt.timedelta(days=1),
                        limit=20,
                    )
                )
        ranked = sorted(
            hits,
            key=lambda i: (-hits[i] - self._summary_agreement(f, summaries.get(i)), i),
        )
        loaded = (self._profile(incident_id) for incident_id in ranked[:_MAX_SHORTLIST])
        return [p for p in loaded if p is not None]

    def _distinctive(self, f: ReportFeatures) -> list[str]:
        """The report's rarest names shared with some other report, multi-word first."""
        # A name in many reports (a capital city, a word capitalised in every headline) is
        # no block: its full-text posting list grows with the corpus. Dates cover those.
        common = _COMMON_NAME_DOCS + self.stats.docs // 1000
        df = self.stats.df
        names = [
            n
            for n in f.entities
            if 3 <= len(n) <= 60 and any(c.isalpha() for c in n) and df.get("\x00" + n, 0) <= common
        ]
        # Names other reports also gave first (rarest first): a name no other report gave
        # (df 0, the report itself counted) can only match words of other articles' texts.
        # Names some other report also gave come first: a name only this report gave (df 1,
        # itself counted) can match only words of other articles' texts.
        names.sort(
            key=lambda n: (df.get("\x00" + n, 0) <= 1, df.get("\x00" + n, 0), -n.count(" "), n)
        )
        return names[:_MAX_ENTITY_QUERIES]

    @staticmethod
    def _summary_agreement(f: ReportFeatures, s: IncidentKey | None) -> float:
        if s is None:
            return 0.5
        agree = 0.0
        if f.date is not None and s.date is not None and abs((f.date - s.date).days) <= 1:
            agree += 1
        if f.city and s.city and f.city == s.city.lower():
            agree += 1
        if f.groups & set(s.groups):
            agree += 1
        return agree / 3

    # ---- profiles ----

    def _profile(self, incident_id: str) -> IncidentProfile | None:
        cached = self._profiles.get(incident_id)
        if cached is not None:
            self._profiles.move_to_end(incident_id)
            return cached
        try:
            incident = self.store.incident(incident_id)
        except NotFoundError:
            return None
        return self._remember(self.profile_of(incident))

    def profile_of(self, incident: Incident) -> IncidentProfile:
        """Profile a stored incident from (at most) its first and last reports."""
        refs = {a.id: a for a in incident.articles}
        reports = incident.reports
        if len(reports) > _PROFILE_REPORTS:
            half = _PROFILE_REPORTS // 2
            reports = reports[:half] + reports[-half:]
        profile = IncidentProfile(incident.id)
        for report in reports:
            ref = refs.get(report.article_id)
            f = report_features(
                report,
                title=ref.title if ref else None,
                published=ref.published if ref else None,
                source=ref.source if ref else None,
            )
            self._count(f)
            profile.add(f)
        profile.articles.update(refs)
        return profile

    def _remember(self, profile: IncidentProfile) -> IncidentProfile:
        self._profiles[profile.id] = profile
        self._profiles.move_to_end(profile.id)
        while len(self._profiles) > self.max_profiles:
            self._profiles.popitem(last=False)
        return profile
