"""What the resolver compares: per-report features and per-incident profiles.

Everything here is a pure function of reports and texts. Sizes are bounded (texts are cut,
term and entity sets capped) so one report costs the same however long the article is.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..model import DAY_PRECISIONS, IncidentReport, Stance, attack_told
from .summary import _date, report_figure, scene_of

__all__ = [
    "FOLLOW_UP_EVENTS",
    "IncidentProfile",
    "ReportFeatures",
    "TermStats",
    "cosine",
    "is_generic",
    "report_features",
    "report_text",
    "victims_overlap",
]

# Non-attack events that make a report a follow-up of an earlier attack.
FOLLOW_UP_EVENTS = frozenset(
    {"Arrest", "Charge/Trial", "Claim of Responsibility", "Threat/Propaganda"}
)

_MAX_TEXT = 6_000  # characters of a report's text that are compared
_MAX_TERMS = 300  # distinct terms kept per report / profile
_MAX_ENTITIES = 60
# Added to every idf. Small, so a word in nearly every report (wire formulae: "officials
# said", "armed forces") weighs next to nothing, as it tells no incident from another.
_IDF_FLOOR = 0.1
# Reports assumed seen, none with the term: with few reports, no word is deemed common yet.
_IDF_PRIOR_DOCS = 10
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]{1,29}")
# A run of one to four capitalised words; bounded, so linear on any input.
_CAP_RUN = re.compile(r"[A-Z][A-Za-z'\-]{1,29}(?:[ \t]+[A-Z][A-Za-z'\-]{1,29}){0,3}")
_MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday today yesterday tonight".split()
)
# Words that are capitalised in news text but name nothing in particular.
_NOT_NAMES = (
    frozenset(
        "the a an and but in on at of for to by with from after before as it its he she they "
        "we i his her their this that these those there police officials official president "
        "minister government authorities mr mrs ms dr said says according state islamic".split()
    )
    | _MONTHS_DAYS
)
_STOP = frozenset(ENGLISH_STOP_WORDS) | _MONTHS_DAYS | {"said", "says", "told", "according"}


def report_text(report: IncidentReport, title: str | None = None) -> str:
    """The text that is this report's own: title, summary and its assertions' sentences.

    Not the whole article, so two reports of one article (two attacks) differ.
    """
    parts: list[str] = [title or "", report.summary or ""]
    seen: set[int] = set()
    for a in report.assertions():
        if a.sentence.start in seen:
            continue
        seen.add(a.sentence.start)
        parts.append(a.sentence.text)
        if sum(len(p) for p in parts) > _MAX_TEXT:
            break
    return "\n".join(p for p in parts if p)[:_MAX_TEXT]


def _terms(words: Iterable[str]) -> dict[str, float]:
    """Weighted terms of the text's ``words`` (its ``_WORD`` matches, in order)."""
    counts = Counter(
        w
        for w in (word.lower().strip("'-") for word in words)
        if w and w not in _STOP and len(w) > 2
    )
    top = counts.most_common(_MAX_TERMS)
    return {w: 1.0 + math.log(c) for w, c in top}


@functools.cache
def _generic_words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Noun phrases that name a kind of target or person, not one ("army", "civilians",
    "gunmen", "presidential candidate"): the knowledge base's target terms and the lexicon's
    perpetrator, suspect and people nouns; the same without the terms the KB writes
    capitalised ("Crocus City Hall", "National Police"); and demonyms."""
    from ..nlp.kb import default_kb
    from ..nlp.lexicon import default_lexicon

    kb = default_kb()
    lex = default_lexicon()
    nouns = {
        n for group in (lex.perpetrator_nouns, lex.suspect_nouns, lex.people_nouns) for n in group
    }
    targets = [t for t, _ in kb.target_terms()]
    lower = frozenset({t for t in targets if t.islower()} | {n for n in nouns if n.islower()})
    every = lower | {t.lower() for t in targets}
    demonyms = frozenset(d.lower() for d, _, _ in kb.nationality_terms())
    return every, lower, demonyms


@functools.lru_cache(maxsize=65_536)
def is_generic(name: str, *, extracted: bool = True) -> bool:
    """Whether a name only describes (a kind of target or person, optionally after a
    demonym or a determiner: "the salvadoran army") or is a group (scored as a group).

    An extracted target matching any KB target term is its class word, even a capitalised
    one ("National Police"); a capitalised run in the text ("Crocus City Hall") is
    generic only as a lower-case term or noun ("Gunmen" at the start of a sentence).
    """
    from ..nlp.kb import default_kb

    every, lower, demonyms = _generic_words()
    words = name.lower().split()
    while words and (words[0] in demonyms or words[0] in _STOP):
        words = words[1:]
    if not words or " ".join(words) in (every if extracted else lower):
        return True
    return default_kb().group(name) is not None


def _entities(
    text: str, words: list[str], extra: Iterable[str], drop: Iterable[str] = ()
) -> frozenset[str]:
    """Names: capitalised word runs (not in an all-capitals text) and extracted names;
    ``words``: the text's ``_WORD`` matches."""
    found: Counter[str] = Counter()
    letters = "".join(filter(str.isalpha, text[:2000]))  # C loops, not a Python one per char
    mostly_upper = bool(letters) and sum(map(str.isupper, letters)) > 0.7 * len(letters)
    if not mostly_upper:
        # A word also written in lower case in the text is a common word capitalised at the
        # start of a sentence ("People fled"), not a name.
        lower = {w for w in words if w.islower()}
        for m in _CAP_RUN.finditer(text):
            words = [w for w in m.group(0).split() if w.lower() not in _NOT_NAMES]
            if len(words) == 1 and (words[0].lower() in lower or words[0].lower() in _STOP):
                continue
            if words and not is_generic(" ".join(words), extracted=False):
                found[" ".join(words).lower()] += 1
    for name in extra:
        name = " ".join(name.split()).lower()[:80]
        if name and name not in _NOT_NAMES and not is_generic(name):
            found[name] += 2
    for name in drop:
        found.pop(name.lower(), None)
    return frozenset(n for n, _ in found.most_common(_MAX_ENTITIES))


@dataclass(frozen=True, slots=True)
class ReportFeatures:
    """One report reduced to what resolution compares."""

    report_id: str
    article_id: str
    date: dt.date | None
    published: dt.date | None
    country: str | None
    city: str | None
    venue: str | None
    attack_types: frozenset[str]
    events: frozenset[str]
    groups: frozenset[str]
    killed: int | None
    entities: frozenset[str]
    place_names: frozenset[str]
    terms: Mapping[str, float]
    # Named victims and targets ("ignacio ellacuria", "uca"): who or what was hit. Two
    # reports naming different ones are, other things equal, about different attacks.
    victims: frozenset[str] = frozenset()
    date_precise: bool = False  # the date is known to the day

    @property
    def anchor(self) -> dt.date | None:
        """The event date, else the publication date."""
        return self.date or self.published

    @property
    def follow_up(self) -> bool:
        """A report about something after an attack: an arrest, a charge, a claim."""
        return bool(self.events & FOLLOW_UP_EVENTS) or not self.attack_types


def report_features(
    report: IncidentReport,
    *,
    title: str | None = None,
    published: dt.datetime | None = None,
    source: str | None = None,
) -> ReportFeatures:
    """Features of one report; ``title``, ``published`` and ``source`` come from its article
    (the outlet's own name is not evidence that two reports tell of one incident)."""
    place = scene_of([report])
    date, precision = _date([report])
    names: list[str] = []
    place_names: set[str] = set()
    for a in report.where:
        p = a.normalized
        for n in (p.venue, p.city, p.region, p.country, p.name):
            if n:
                place_names.add(n.lower())
    for perp in report.perpetrators:
        names.extend(perp.normalized.names)
        if perp.normalized.group:
            names.append(perp.normalized.group)
    hit: set[str] = set()
    for t in report.targets:
        if t.normalized.entity:
            names.append(t.normalized.entity)
            hit.add(_name_key(t.normalized.entity))
    for v in report.victims:
        names.extend(v.normalized.names)
        hit.update(_name_key(n) for n in v.normalized.names)
    for s in report.suspects:
        names.extend(s.normalized.names)
    text = report_text(report, title)
    words = _WORD.findall(text)  # read once for the names and the terms
    return ReportFeatures(
        report_id=report.id,
        article_id=report.article_id,
        date=date,
        published=published.date() if published else None,
        country=place.country_code.upper() if place and place.country_code else None,
        city=place.city.lower() if place and place.city else None,
        venue=place.venue.lower() if place and place.venue else None,
        attack_types=frozenset(a.normalized.name for a in report.types if attack_told(a)),
        events=frozenset(a.normalized.name for a in report.types if not a.normalized.attack),
        groups=frozenset(
            a.normalized.group
            for a in report.perpetrators
            if a.normalized.group
            and a.stance not in {Stance.denied, Stance.doubted, Stance.hypothetical}
        ),
        killed=report_figure(report, "killed"),
        entities=_entities(text, words, names, [source] if source else []),
        place_names=frozenset(place_names),
        terms=_terms(words),
        victims=frozenset(n for n in hit if len(n) >= 4 and not is_generic(n)),
        date_precise=precision in DAY_PRECISIONS,
    )


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())[:80]


def victims_overlap(a: Iterable[str], b: Iterable[str]) -> bool:
    """Whether two sets of named victims or targets share one: equal, or one name's words
    contained in the other's ("ellacuria" in "ignacio ellacuria")."""
    b = list(b)
    for x in a:
        xw = set(x.split())
        for y in b:
            yw = set(y.split())
            if x == y or xw <= yw or yw <= xw:
                return True
    return False


@dataclass(slots=True)
class TermStats:
    """Document frequencies of terms and entities over the reports seen, for IDF weights."""

    docs: int = 0
    df: Counter[str] = field(default_factory=Counter)
    # Distinct terms and names kept: past this, those seen in one report only are dropped
    # (their idf was the highest anyway, and stays near it). News has an open vocabulary of
    # names, so without a bound the table would grow with the corpus.
    max_terms: int = 2_000_000
    # idf values since the last ``add``: one report is scored against a dozen profiles, and
    # its terms' weights (and the norms) were computed again for each
    _idf: dict[str, float] = field(default_factory=dict, repr=False, compare=False)

    def add(self, features: ReportFeatures) -> None:
        self.docs += 1
        self.df.update(features.terms.keys())
        self.df.update("\x00" + e for e in features.entities)
        self._idf.clear()
        if len(self.df) > self.max_terms:
            self._prune()

    def _prune(self) -> None:
        """Drop the rarest terms until at most 3/4 of ``max_terms`` are left (so that pruning
        happens rarely: its cost is the table's size)."""
        floor = 1
        while len(self.df) > self.max_terms * 3 // 4:
            self.df = Counter({t: c for t, c in self.df.items() if c > floor})
            floor += 1

    def idf(self, term: str) -> float:
        value = self._idf.get(term)
        if value is None:
            seen = self.docs + _IDF_PRIOR_DOCS + 1
            value = self._idf[term] = math.log(seen / (self.df.get(term, 0) + 1)) + _IDF_FLOOR
        return value

    def entity_idf(self, name: str) -> float:
        return self.idf("\x00" + name)


def norm(terms: Mapping[str, float], stats: TermStats) -> float:
    idf = stats.idf
    return math.sqrt(sum((w * idf(t)) ** 2 for t, w in terms.items()))


def cosine(
    a: Mapping[str, float],
    b: Mapping[str, float],
    stats: TermStats,
    b_norm: float | None = None,
    a_norm: float | None = None,
) -> float:
    """TF-IDF cosine similarity of two term-frequency maps (``a_norm``, ``b_norm``: their
    norms, if known)."""
    if not a or not b:
        return 0.0
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    dot = 0.0
    for term, weight in small.items():
        other = large.get(term)
        if other is not None:
            dot += weight * other * stats.idf(term) ** 2
    if dot == 0.0:
        return 0.0
    na = norm(a, stats) if a_norm is None else a_norm
    nb = norm(b, stats) if b_norm is None else b_norm
    return dot / (na * nb) if na and nb else 0.0


@dataclass(slots=True)
class IncidentProfile:
    """What the resolver remembers of an incident: the union of its reports' features."""

    id: str
    articles: set[str] = field(default_factory=set)
    dates: Counter[dt.date] = field(default_factory=Counter)
    published: list[dt.date] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)
    cities: set[str] = field(default_factory=set)
    venues: set[str] = field(default_factory=set)
    attack_types: Counter[str] = field(default_factory=Counter)
    groups: set[str] = field(default_factory=set)
    entities: Counter[str] = field(default_factory=Counter)
    place_names: set[str] = field(default_factory=set)
    terms: Counter[str] = field(default_factory=Counter)
    victims: set[str] = field(default_factory=set)
    precise_dates: set[dt.date] = field(default_factory=set)
    n: int = 0

    def add(self, f: ReportFeatures) -> None:
        self.n += 1
        self.articles.add(f.article_id)
        if f.date is not None:
            self.dates[f.date] += 1
            if f.date_precise:
                self.precise_dates.add(f.date)
        # Not capped: what a profile holds must not depend on the order reports came in.
        self.victims.update(f.victims)
        if f.published is not None and len(self.published) < 64:
            self.published.append(f.published)
        if f.country:
            self.countries[f.country] += 1
        if f.city:
            self.cities.add(f.city)
        if f.venue:
            self.venues.add(f.venue)
        self.attack_types.update(f.attack_types)
        self.groups.update(f.groups)
        self.entities.update(f.entities)
        self.place_names.update(f.place_names)
        self.terms.update(f.terms)
        # Not pruned: a pruned union would depend on the order reports came in, and a re-run
        # after a crash must decide as an uninterrupted ingest. Its size is bounded by the
        # vocabulary of the (at most 40, see IncidentResolver.profile_of) reports read.

    @property
    def date(self) -> dt.date | None:
        """The date most reports give (earliest on a tie)."""
        if not self.dates:
            return None
        return min(self.dates, key=lambda d: (-self.dates[d], d))

    @property
    def start(self) -> dt.date | None:
        """The earliest the incident can be: first event date or first publication."""
        known = list(self.dates) + self.published
        return min(known) if known else None
