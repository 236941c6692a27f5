"""Benchmark readers and scorers: MUC-4 (raw messages and answer keys, GTT's five-role
version) and WikiEvents.

Data are never bundled: every reader takes a path (``../shared/data/muc4/...``). Readers raise
:class:`incidex.errors.EvaluationError` (E040) for missing or malformed data.

::

    from incidex.evaluate import gold_from_gtt, read_gtt, read_predictions, score_five_role
    gold = gold_from_gtt(read_gtt("muc4/gtt/dev.jsonl"))
    print(format_scores(score_five_role(read_predictions("preds.jsonl"), gold)))
"""

from __future__ import annotations

from collections.abc import Iterable

from incidex.evaluate._common import Score, ScoreTable, format_scores, normalize_string
from incidex.evaluate._gtt import (
    GTT_ROLES,
    INCIDENT_TYPES,
    ErrorBudget,
    GoldTemplate,
    GttDoc,
    GttMention,
    GttTemplate,
    PredTemplate,
    RoleScores,
    error_budget,
    gold_from_gtt,
    read_gtt,
    read_predictions,
    score_five_role,
)
from incidex.evaluate._muc import (
    MUC_SLOT_NAMES,
    MucDate,
    MucFill,
    MucKeyTemplate,
    MucLocation,
    MucMessage,
    MucPlace,
    MucSlot,
    read_muc_keys,
    read_muc_messages,
)
from incidex.evaluate._predict import (
    incident_type_of,
    instrument_type_of,
    org_confidence_of,
    to_gtt_templates,
    to_muc_slots,
    to_wikievents,
)
from incidex.evaluate._run import (
    Evaluation,
    RunStats,
    evaluate_all,
    evaluate_muc4,
    evaluate_muc4_holdout,
    evaluate_muc4_slots,
    evaluate_wikievents,
    format_evaluations,
    predict_muc4,
    read_slot_predictions,
)
from incidex.evaluate._slots import (
    SLOT_ROWS,
    HumNumber,
    SlotScores,
    SlotTemplate,
    score_muc_slots,
)
from incidex.evaluate._wikievents import (
    WIKI_EVENT_TYPES,
    ArgumentError,
    ArgumentScores,
    WikiArgument,
    WikiDoc,
    WikiEntityMention,
    WikiEvent,
    WikiPredArgument,
    WikiPredEvent,
    argument_errors,
    read_wiki_predictions,
    read_wikievents,
    score_wikievents,
)

__all__ = [
    "ArgumentError",
    "ArgumentScores",
    "ErrorBudget",
    "Evaluation",
    "GTT_ROLES",
    "GoldTemplate",
    "GttDoc",
    "GttMention",
    "GttTemplate",
    "HumNumber",
    "INCIDENT_TYPES",
    "MUC_SLOT_NAMES",
    "MucDate",
    "MucFill",
    "MucKeyTemplate",
    "MucLocation",
    "MucMessage",
    "MucPlace",
    "MucSlot",
    "PredTemplate",
    "RoleScores",
    "RunStats",
    "SLOT_ROWS",
    "Score",
    "ScoreTable",
    "SlotScores",
    "SlotTemplate",
    "WIKI_EVENT_TYPES",
    "WikiArgument",
    "WikiDoc",
    "WikiEntityMention",
    "WikiEvent",
    "WikiPredArgument",
    "WikiPredEvent",
    "argument_errors",
    "error_budget",
    "evaluate_all",
    "evaluate_muc4",
    "evaluate_muc4_holdout",
    "evaluate_muc4_slots",
    "evaluate_wikievents",
    "format_evaluations",
    "format_scores",
    "gold_from_gtt",
    "incident_type_of",
    "instrument_type_of",
    "keys_by_docid",
    "normalize_string",
    "org_confidence_of",
    "predict_muc4",
    "read_gtt",
    "read_muc_keys",
    "read_muc_messages",
    "read_predictions",
    "read_slot_predictions",
    "read_wiki_predictions",
    "read_wikievents",
    "score_five_role",
    "score_muc_slots",
    "score_wikievents",
    "to_gtt_templates",
    "to_muc_slots",
    "to_wikievents",
]


def keys_by_docid(templates: Iterable[MucKeyTemplate]) -> dict[str, list[MucKeyTemplate]]:
    """Group key templates by message id (the ``keys`` argument of :func:`score_muc_slots`);
    irrelevant messages keep an entry with their ``*`` template."""
    grouped: dict[str, list[MucKeyTemplate]] = {}
    for template in templates:
        grouped.setdefault(template.docid, []).append(template)
    return grouped
