"""STIX 2.1 bundle, built with the ``stix2`` library and written object by object.

Per incident: an ``incident`` (STIX 2.1's incident SDO), a ``report`` citing the articles
(``published`` = the earliest article's date; ``object_refs`` = everything below), a
``threat-actor`` per perpetrator group (``threat_actor_types: ["terrorist"]``), a
``location``, an ``identity`` (class "organization") per outlet, and relationships from the
spec's vocabulary: threat-actor ``targets`` location, and a sub-group ``related-to`` its
parent. Shared objects get deterministic ids (UUIDv5 over a name), so a group or an outlet
is one object across incidents and across exports; each is written once per bundle.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import IO, Any

import stix2

from ..model import Incident
from ._common import ExportSummary, Facts, facts_of, group_aliases

__all__ = ["STIX_NAMESPACE", "stix_id", "write_stix"]

# Fixed namespace for incidex's deterministic STIX ids (a UUIDv5 of the project's name).
STIX_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/incidex/incidex/stix")
_DESCRIPTION_CHARS = 4_000


def stix_id(kind: str, key: str) -> str:
    """A deterministic STIX id: ``kind--uuid5(namespace, kind + ':' + key)``."""
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, f'{kind}:{key}')}"


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def _published(incident: Incident) -> dt.datetime:
    dates = [_aware(a.published) for a in incident.articles if a.published]
    if dates:
        return min(dates)
    d = incident.summary.date
    if d is not None:
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    return dt.datetime.now(dt.UTC)  # STIX requires a date; none is known


def _references(incident: Incident) -> list[stix2.v21.ExternalReference]:
    refs = []
    for a in incident.articles:
        if not a.url and not a.title:
            continue
        refs.append(
            stix2.v21.ExternalReference(
                source_name=a.source or "news report",
                url=a.url,
                description=a.title,
                external_id=a.id,
            )
        )
    return refs


def _description(incident: Incident, facts: Facts) -> str:
    s = incident.summary
    parts = [s.title + "."]
    if s.killed is not None:
        parts.append(f"At least {s.killed} killed (conservative figure).")
    if s.wounded is not None:
        parts.append(f"{s.wounded} wounded.")
    claimed = sorted({c.group for c in facts.claims if c.group})
    if claimed:
        parts.append("Claimed by " + ", ".join(claimed) + ".")
    return " ".join(parts)[:_DESCRIPTION_CHARS]


def _objects(incident: Incident, facts: Facts, written: set[str]) -> list[Any]:
    """The incident's new STIX objects, the report last (it refers to all the others).

    Shared objects (groups, outlets, places, relationships) already in ``written`` are
    referred to but not built again: building STIX objects is most of the export's time.
    """
    refs_of_report: list[str] = []

    def add(object_id: str, build: Callable[[], Any]) -> None:
        refs_of_report.append(object_id)
        if object_id not in written:
            objects.append(build())

    s = incident.summary
    refs = _references(incident)
    description = _description(incident, facts)
    objects: list[Any] = []
    add(
        stix_id("incident", s.id),
        lambda: stix2.v21.Incident(
            id=stix_id("incident", s.id),
            name=s.title,
            description=description,
            labels=list(s.types) or None,
            external_references=refs or None,
        ),
    )
    location_id = None
    has_point = s.latitude is not None and s.longitude is not None
    if s.country_code or has_point:
        key = f"{s.country_code}|{s.region}|{s.city}|{s.latitude}|{s.longitude}"
        location_id = stix_id("location", key)
        add(
            location_id,
            lambda: stix2.v21.Location(
                id=location_id,
                name=", ".join(x for x in (s.city, s.region, s.country) if x) or None,
                country=s.country_code.upper() if s.country_code else None,
                administrative_area=s.region,
                city=s.city,
                latitude=s.latitude if has_point else None,
                longitude=s.longitude if has_point else None,
            ),
        )
    for group in facts.groups:
        actor_id = _add_actor(add, group)
        if location_id is not None:
            _add_relationship(add, actor_id, "targets", location_id)
        parent = facts.group_parent.get(group)
        if parent and parent != group:
            parent_id = _add_actor(add, parent)
            _add_relationship(add, actor_id, "related-to", parent_id, "part of")
    for outlet in facts.outlets:
        _add_identity(add, outlet)
    objects.append(
        stix2.v21.Report(
            id=stix_id("report", s.id),
            name=s.title,
            description=description,
            published=_published(incident),
            report_types=["threat-report"],
            labels=list(s.types) or None,
            object_refs=list(dict.fromkeys(refs_of_report)),
            external_references=refs or None,
        )
    )
    return objects


def _add_actor(add: Callable[[str, Callable[[], Any]], None], group: str) -> str:
    actor_id = stix_id("threat-actor", group)
    add(
        actor_id,
        lambda: stix2.v21.ThreatActor(
            id=actor_id,
            name=group,
            threat_actor_types=["terrorist"],
            aliases=[a for a in group_aliases(group) if a != group] or None,
        ),
    )
    return actor_id


def _add_identity(add: Callable[[str, Callable[[], Any]], None], outlet: str) -> None:
    outlet_id = stix_id("identity", outlet)
    add(
        outlet_id,
        lambda: stix2.v21.Identity(id=outlet_id, name=outlet, identity_class="organization"),
    )


def _add_relationship(
    add: Callable[[str, Callable[[], Any]], None],
    source: str,
    kind: str,
    target: str,
    description: str | None = None,
) -> None:
    rel_id = stix_id("relationship", f"{source}|{kind}|{target}")
    add(
        rel_id,
        lambda: stix2.v21.Relationship(
            id=rel_id,
            relationship_type=kind,
            source_ref=source,
            target_ref=target,
            description=description,
        ),
    )


def write_stix(incidents: Iterator[Incident], out: IO[str], summary: ExportSummary) -> None:
    bundle_id = f"bundle--{uuid.uuid4()}"
    out.write('{"type": "bundle", "id": "' + bundle_id + '", "objects": [\n')
    written: set[str] = set()  # ids of shared objects already in the bundle
    first = True
    for incident in incidents:
        for obj in _objects(incident, facts_of(incident), written):
            if obj.id in written:
                continue
            written.add(obj.id)
            if not first:
                out.write(",\n")
            out.write(obj.serialize())
            first = False
            summary.objects += 1
        summary.incidents += 1
    out.write("\n]}\n")
