"""Which existing incident a new report belongs to.

A first, conservative resolver: a report joins an incident only when both have a scene in the
same country (and the same city when both name one), their dates are at most one day apart
(or both unknown with the same venue), and they share an attack type or a perpetrator group.
Otherwise the report opens a new incident. Follow-ups without an attack (arrests, charges,
claims) join the most recent incident of the same group or venue in the 60 days before.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from ..model import IncidentReport, IncidentSummary, Stance
from .summary import _date, scene_of

__all__ = ["IncidentResolver"]


class _Incidents(Protocol):
    def incidents(self, **filters: object) -> list[IncidentSummary]: ...


class IncidentResolver:
    def __init__(self, store: _Incidents) -> None:
        self.store = store

    def __call__(self, report: IncidentReport) -> str | None:
        place = scene_of([report])
        date, _ = _date([report])
        types = {a.normalized.name for a in report.types if a.normalized.attack}
        groups = {
            a.normalized.group
            for a in report.perpetrators
            if a.normalized.group and a.stance != Stance.denied
        }
        if place is None or place.country_code is None:
            return None
        if date is not None:
            window = 1 if types else 60
            since = date - dt.timedelta(days=window)
            until = date + dt.timedelta(days=1)
            candidates = self.store.incidents(
                country=place.country_code, since=since, until=until, limit=200
            )
        else:
            candidates = self.store.incidents(country=place.country_code, limit=200)
        best: tuple[int, str] | None = None
        for incident in candidates:
            if place.city and incident.city and place.city != incident.city:
                continue
            if (
                date is None
                and incident.date is not None
                and not (place.venue and incident.venue == place.venue)
            ):
                continue
            shared = len(types & set(incident.types)) + 2 * len(groups & set(incident.groups))
            if place.venue and incident.venue == place.venue:
                shared += 2
            if not types and groups & set(incident.groups):
                shared += 1  # a follow-up about the same group
            if shared and (best is None or shared > best[0]):
                best = (shared, incident.id)
        return best[1] if best else None
