"""Typed records: articles, assertions and the incident reports built from them.

Every extracted fact is an :class:`Assertion`: the value as written, its normalised form,
where it stands in the article (character span and sentence), who said it (the outlet by
default; "according to TASS" -> TASS), with which stance, how confident the extractor is,
and which component produced it. An :class:`IncidentReport` is one article's account of one
incident: a list of assertions per field, never a flattened value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from enum import Enum
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Article",
    "ArticleRef",
    "ArticleResult",
    "Assertion",
    "Casualties",
    "Claim",
    "DAY_PRECISIONS",
    "EventType",
    "Incident",
    "IncidentReport",
    "IncidentSummary",
    "LegalStep",
    "Perpetrator",
    "Place",
    "Precision",
    "RECENT_DAYS",
    "SentenceRef",
    "Stance",
    "Status",
    "Target",
    "Threat",
    "TimelineStep",
    "Weapon",
    "When",
    "attack_told",
    "content_hash",
]


def content_hash(text: str) -> str:
    """A stable key for a text: white space folded, case kept."""
    folded = " ".join(text.split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Article(Record):
    """One report as read from a file, feed or JSON Lines record."""

    id: str = Field(description="'a' + the first 16 hex digits of the content hash")
    text: str
    url: str | None = None
    title: str | None = None
    published: dt.datetime | None = Field(
        default=None, description="publication time; anchors relative dates"
    )
    source: str | None = Field(default=None, description="the outlet; default speaker")
    language: str | None = None
    origin: str | None = Field(default=None, description="file (and line or entry) read")
    content_hash: str
    extra: dict[str, Any] = Field(
        default_factory=dict, description="input keys incidex does not use, kept as given"
    )

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        url: str | None = None,
        title: str | None = None,
        published: dt.datetime | None = None,
        source: str | None = None,
        origin: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> Article:
        digest = content_hash(text)
        return cls(
            id="a" + digest[:16],
            text=text,
            url=url,
            title=title,
            published=published,
            source=source,
            origin=origin,
            content_hash=digest,
            extra=extra or {},
        )


class Stance(str, Enum):
    """How the speaker holds the value."""

    asserted = "asserted"  # stated as fact
    claimed = "claimed"  # claimed by an interested party (responsibility claims)
    confirmed = "confirmed"  # a third party confirms
    denied = "denied"  # the speaker says it is not so
    doubted = "doubted"  # the speaker questions it or points elsewhere
    # told as threatened, planned, called for, prevented, future or conditional: no act yet
    hypothetical = "hypothetical"


class Precision(str, Enum):
    minute = "minute"
    hour = "hour"
    day = "day"
    week = "week"
    month = "month"
    year = "year"
    unknown = "unknown"


# the precisions of a date that name its day (or a time of it)
DAY_PRECISIONS = frozenset({Precision.minute, Precision.hour, Precision.day})
# an incident is recent when it occurred "within two months of the date of the article"
# (MUC-4, template-doc-part1, 6); older ones a report recalls are background
RECENT_DAYS = 62


class SentenceRef(Record):
    start: int
    end: int
    text: str


# ---- normalised values, one model per field ----


class EventType(Record):
    """GTD attack type (code 1-9) or a non-attack event that reports carry."""

    name: str = Field(description="e.g. 'Armed Assault', 'Claim of Responsibility'")
    gtd_code: int | None = Field(
        default=None, description="GTD attacktype code; None if not an attack"
    )
    attack: bool = True


class When(Record):
    date: dt.date | None = None
    time: dt.time | None = None
    precision: Precision = Precision.unknown
    relative: bool = Field(default=False, description="resolved against the publication date")
    event: str = Field(
        default="attack", description="what the date is of: 'attack' or a non-attack event type"
    )


class TimelineStep(Record):
    time: dt.time
    date: dt.date | None = None
    action: str = Field(description="what happened at that time, e.g. 'entered', 'fled'")


PlaceRole = Literal["scene", "destination", "origin", "statement", "mentioned"]


class Place(Record):
    role: PlaceRole = "scene"
    name: str
    venue: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    precision: int = Field(
        default=5, description="GTD specificity: 1 exact place ... 4 region, 5 country or unknown"
    )
    geonameid: int | None = None


class Perpetrator(Record):
    group: str | None = Field(default=None, description="canonical group name")
    parent: str | None = Field(default=None, description="the group it is part of")
    names: list[str] = Field(default_factory=list, description="named individuals")
    count: int | None = None
    nationality: str | None = None
    description: str | None = Field(default=None, description="e.g. 'gunmen', 'radical Islamists'")


class Weapon(Record):
    type: str = Field(description="GTD weaptype text, e.g. 'Firearms'")
    type_code: int
    subtype: str | None = None
    subtype_code: int | None = None
    model: str | None = Field(default=None, description="make or model as named, e.g. 'AK-74'")
    count: int | None = None


class Target(Record):
    type: str = Field(description="GTD targtype text, e.g. 'Business'")
    type_code: int
    subtype: str | None = None
    subtype_code: int | None = None
    entity: str | None = Field(default=None, description="the target as named")


VictimFate = Literal["killed", "wounded", "kidnapped", "targeted"]


class Victim(Record):
    """A person or group of people harmed or aimed at, as named in the text (MUC-4's HUM TGT)."""

    names: list[str] = Field(default_factory=list, description="named persons, e.g. 'Jo Cox'")
    description: str | None = Field(
        default=None, description="who they were, e.g. 'six Jesuit priests', 'a police officer'"
    )
    fate: VictimFate = "targeted"
    count: int | None = None
    nationality: str | None = None


CasualtyCategory = Literal["killed", "wounded", "perpetrators_killed", "hostages", "missing"]


class Casualties(Record):
    category: CasualtyCategory
    exact: int | None = None
    low: int | None = None
    high: int | None = None
    estimate: int | None = Field(default=None, description="an approximate figure ('about 50')")
    qualifier: str | None = Field(default=None, description="'at least', 'more than', 'about', ...")
    vague: bool = Field(default=False, description="a vague quantity coded by convention")

    @property
    def conservative(self) -> int | None:
        """The lowest figure the text supports, as ACLED codes fatalities."""
        for value in (self.exact, self.low, self.estimate, self.high):
            if value is not None:
                return value
        return None


ClaimKind = Literal["claimed", "confirmed", "denied", "doubted", "attributed"]


class Claim(Record):
    kind: ClaimKind
    by: str | None = Field(default=None, description="who made the claim / confirmation / dispute")
    group: str | None = Field(default=None, description="the group it is about")
    via: str | None = Field(default=None, description="outlet the claim went through, e.g. Amaq")
    channel: str | None = Field(default=None, description="platform, e.g. Telegram")
    alternative: str | None = Field(
        default=None, description="where a doubter points instead ('radical Islamists', Ukraine)"
    )


LegalKind = Literal[
    "arrested", "detained", "charged", "convicted", "sentenced", "confessed", "wanted"
]


class LegalStep(Record):
    step: LegalKind
    count: int | None = None
    nationality: str | None = None
    names: list[str] = Field(default_factory=list)
    charge: str | None = None
    by: str | None = Field(
        default=None, description="who arrested, detained or charged them: police, the army"
    )


class Threat(Record):
    form: str = Field(description="what it is: poster, video, statement, ...")
    medium: str | None = Field(
        default=None, description="where it appeared: social media, Telegram"
    )
    actor: str | None = Field(default=None, description="the channel or actor behind it")
    linked_group: str | None = None
    targets: list[str] = Field(default_factory=list)
    relayed_by: list[str] = Field(default_factory=list)


T = TypeVar("T", bound=BaseModel)


class Assertion(Record, Generic[T]):
    """One extracted value with its evidence and provenance."""

    field: str
    value: str = Field(description="the supporting text as written")
    normalized: T
    start: int = Field(description="character offset of the value in the article text")
    end: int
    sentence: SentenceRef
    speaker: str | None = Field(default=None, description="who it is attributed to")
    outlet: str | None = Field(default=None, description="the article's outlet")
    stance: Stance = Stance.asserted
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    extractor: str = Field(
        description="registered name of the component, e.g. incidex.casualties.v1"
    )


def attack_told(assertion: Assertion[Any]) -> bool:
    """Whether a ``types`` assertion tells of an attack that happened (or was attempted): an
    attack type whose stance is not ``hypothetical`` ("threatened to bomb the embassy")."""
    return bool(assertion.normalized.attack) and assertion.stance is not Stance.hypothetical


FIELDS: tuple[str, ...] = (
    "types",
    "when",
    "timeline",
    "where",
    "perpetrators",
    "weapons",
    "targets",
    "victims",
    "casualties",
    "claims",
    "suspects",
    "threats",
)


class IncidentReport(Record):
    """One article's account of one incident: every field a list of assertions."""

    article_id: str
    index: int = Field(default=0, description="n-th incident in the article")
    summary: str | None = None
    types: list[Assertion[EventType]] = Field(default_factory=list)
    when: list[Assertion[When]] = Field(default_factory=list)
    timeline: list[Assertion[TimelineStep]] = Field(default_factory=list)
    where: list[Assertion[Place]] = Field(default_factory=list)
    perpetrators: list[Assertion[Perpetrator]] = Field(default_factory=list)
    weapons: list[Assertion[Weapon]] = Field(default_factory=list)
    targets: list[Assertion[Target]] = Field(default_factory=list)
    victims: list[Assertion[Victim]] = Field(default_factory=list)
    casualties: list[Assertion[Casualties]] = Field(default_factory=list)
    claims: list[Assertion[Claim]] = Field(default_factory=list)
    suspects: list[Assertion[LegalStep]] = Field(default_factory=list)
    threats: list[Assertion[Threat]] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.article_id}-{self.index}"

    def assertions(self) -> list[Assertion[Any]]:
        out: list[Assertion[Any]] = []
        for name in FIELDS:
            out.extend(getattr(self, name))
        return out


Status = Literal["extracted", "no_incident", "not_english", "failed"]


class ArticleResult(Record):
    """What extraction made of one article."""

    article: Article
    status: Status
    message: str | None = None
    incidents: list[IncidentReport] = Field(default_factory=list)


class ArticleRef(Record):
    """Enough of an article to cite it."""

    id: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: dt.datetime | None = None

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        return cls(
            id=article.id,
            url=article.url,
            title=article.title,
            source=article.source,
            published=article.published,
        )


class IncidentSummary(Record):
    """The resolved headline values of an incident (see resolve/), for lists and tables."""

    id: str
    title: str
    date: dt.date | None = None
    precision: Precision = Precision.unknown
    venue: str | None = None
    city: str | None = None
    region: str | None = None
    country_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    types: list[str] = Field(default_factory=list)
    groups: list[str] = Field(default_factory=list)
    killed: int | None = Field(default=None, description="conservative figure (lowest supported)")
    killed_high: int | None = None
    wounded: int | None = None
    n_reports: int = 0
    n_sources: int = 0


class Incident(Record):
    """An incident with every report that describes it."""

    summary: IncidentSummary
    reports: list[IncidentReport] = Field(default_factory=list)
    articles: list[ArticleRef] = Field(default_factory=list)

    @property
    def id(self) -> str:
        return self.summary.id
