"""Human corrections: merge two incidents, split reports off into a new one.

Both work through ``store.relink_many`` (one transaction, each incident re-summarised once;
every move logged in ``incident_log`` with the reason and who). Incident ids stay stable: a
merge keeps ``keep_id``; a split's new id is derived from the reports split off, so
repeating the same split gives the same id. A split is also recorded as "kept apart": the
resolver never puts those reports back into the incident they were split from.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import IncidexError, NotFoundError
from ..model import Incident

if TYPE_CHECKING:  # the store imports resolve.summary: no import at run time
    from ..store import IncidentStore

__all__ = ["find_incident", "merge_incidents", "split_id", "split_incident"]


def _reason(reason: str) -> str:
    return " ".join(reason.split())[:500] or "no reason given"


def _who(who: str | None) -> str | None:
    return " ".join(who.split())[:100] or None if who else None


def find_incident(store: IncidentStore, some_id: str) -> str:
    """The incident an id names: an incident id, or an article or report id (whose report
    joined that incident). Raises NotFoundError (E032) when nothing matches and
    IncidexError when an article's reports went to several incidents (they are listed)."""
    try:
        return store.incident(some_id).id
    except NotFoundError:
        found = store.incidents_of(some_id)
    if not found:
        raise NotFoundError.make(
            "E032", kind="incident, article or report", id=some_id, listing="incidents"
        )
    if len(found) > 1:
        raise IncidexError(
            f"{some_id} has reports in {len(found)} incidents: {', '.join(found)}; show one."
        )
    return found[0]


def merge_incidents(
    store: IncidentStore, keep_id: str, other_id: str, *, reason: str, who: str | None = None
) -> Incident:
    """Move every report of ``other_id`` into ``keep_id``; ``other_id`` is then deleted.

    Raises NotFoundError (E032) for an unknown id and IncidexError when both ids are one.
    """
    if keep_id == other_id:
        raise IncidexError(f"cannot merge incident {keep_id!r} with itself.")
    store.incident(keep_id)  # both must exist before anything moves
    other = store.incident(other_id)
    note = _reason(f"merged {other_id} into {keep_id}: {reason}")
    store.relink_many([r.id for r in other.reports], keep_id, reason=note, who=_who(who))
    return store.incident(keep_id)


def split_id(incident_id: str, report_ids: Sequence[str]) -> str:
    """The id of the incident a split creates: stable for the same reports."""
    key = incident_id + "|" + "|".join(sorted(set(report_ids)))
    return "i" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def split_incident(
    store: IncidentStore,
    incident_id: str,
    report_ids: Sequence[str],
    *,
    reason: str,
    who: str | None = None,
) -> str:
    """Move ``report_ids`` out of ``incident_id`` into a new incident; returns its id.

    Every id must be a report of the incident, and at least one report must stay behind
    (moving all of them is a rename, not a split).
    """
    incident = store.incident(incident_id)
    present = {r.id for r in incident.reports}
    wanted = list(dict.fromkeys(report_ids))
    if not wanted:
        raise IncidexError("name at least one report to split off (--reports ID,...).")
    missing = [r for r in wanted if r not in present]
    if missing:
        raise NotFoundError.make(
            "E032", kind=f"report of incident {incident_id}", id=missing[0], listing="show"
        )
    if len(wanted) == len(present):
        raise IncidexError(
            f"splitting every report off {incident_id} would leave it empty; keep at least one."
        )
    new_id = split_id(incident_id, wanted)
    note = _reason(f"split from {incident_id}: {reason}")
    store.relink_many(wanted, new_id, reason=note, create=True, who=_who(who), keep_apart=True)
    return new_id
