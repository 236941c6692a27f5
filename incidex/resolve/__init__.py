"""Resolving incidents from incident reports under a stated policy (docs/resolution.md)."""

from ._resolver import IncidentResolver
from .summary import report_figure, scene_of, summarize

__all__ = ["IncidentResolver", "report_figure", "scene_of", "summarize"]
