"""Resolving incidents from incident reports under a stated policy (docs/resolution.md).

- :class:`IncidentResolver`: incremental clustering, called by the store for each report;
- :func:`summarize`: the headline values the store keeps per incident;
- :func:`resolve_incident`: the full resolved view (toll series, claims, disputes,
  follow-ups, independent sources);
- :func:`merge_incidents`, :func:`split_incident`: human corrections, logged.
"""

from ._resolver import CandidateScore, IncidentResolver, score_candidate
from .edit import find_incident, merge_incidents, split_id, split_incident
from .summary import report_figure, scene_of, summarize
from .views import (
    ClaimView,
    FollowUp,
    PerpetratorView,
    ResolvedIncident,
    SourceGroup,
    SourceRef,
    TollPoint,
    TollSeries,
    independent_groups,
    resolve_incident,
    resolve_stored_incident,
)

__all__ = [
    "CandidateScore",
    "ClaimView",
    "FollowUp",
    "IncidentResolver",
    "PerpetratorView",
    "ResolvedIncident",
    "SourceGroup",
    "SourceRef",
    "TollPoint",
    "TollSeries",
    "find_incident",
    "independent_groups",
    "merge_incidents",
    "report_figure",
    "resolve_incident",
    "resolve_stored_incident",
    "scene_of",
    "score_candidate",
    "split_id",
    "split_incident",
    "summarize",
]
