"""The five-role MUC-4 data of GTT (Du, Rush & Cardie, NAACL 2021) and its scorer.

``gtt/train.jsonl`` and ``gtt/dev.jsonl`` hold one document a line: ``docid``, lower-cased
``doctext`` and ``templates``, each with an ``incident_type`` and five roles (``PerpInd``,
``PerpOrg``, ``Target``, ``Victim``, ``Weapon``) given as entities, an entity being a list of
``[mention, char_offset]`` pairs.

Scoring follows GTT's ``eval.py``:

* per document, the one-to-one mapping of predicted templates to gold templates (or to
  nothing) with the best micro F1 is chosen; all partial maps are enumerated in GTT's order
  (the first best wins) unless there are more than 20 000, when the Hungarian method over
  pairwise correct counts is used (exact here, since the denominators do not depend on the
  mapping);
* a mapped pair counts only if the predicted incident type is one of the gold type's
  alternatives (gold ``"bombing / attack"``; GTT tests ``pred in gold``); otherwise both
  templates count as unmapped;
* a predicted entity is correct if all its mentions are mentions of one gold entity of the
  same role in the mapped gold template; strings are normalised (lower case, punctuation
  and the articles a/an/the removed, white space collapsed);
* the incident type is one slot per template, correct for every mapped pair;
* unmapped predicted templates count every entity (and their type) as false positives,
  unmapped gold templates every entity (and type) as misses;
* the micro average (``micro``) sums all six rows, incident type included, as GTT does;
  ``micro (roles)`` sums the five roles only.

Deviation from GTT: matching of entities is one-to-one (each gold entity credits at most one
predicted entity, found by maximum bipartite matching). GTT credits every predicted entity
that is a subset of some gold entity, so two predicted entities made of mentions of one gold
entity both count as correct there; here the second is a false positive. Gold documents
missing from the predictions are scored as empty predictions (GTT raises); predictions for
documents not in the gold are ignored. Gold templates are deduplicated and empty entities
dropped, as GTT's loader does.

Prediction files are JSON Lines, one document a line::

    {"docid": "TST1-MUC3-0001", "templates": [{"incident_type": "attack",
      "PerpInd": [["guerrillas", "guerrilla column"]], "PerpOrg": [], "Target": [],
      "Victim": [], "Weapon": []}]}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from incidex.evaluate._common import (
    Score,
    ScoreTable,
    Tally,
    _best_mapping,
    _error,
    _hungarian,
    _iter_json_lines,
    _max_matching,
    _sum_scores,
    normalize_string,
)

__all__ = [
    "GTT_ROLES",
    "INCIDENT_TYPES",
    "ErrorBudget",
    "GoldTemplate",
    "GttDoc",
    "GttMention",
    "GttTemplate",
    "PredTemplate",
    "RoleScores",
    "error_budget",
    "gold_from_gtt",
    "mapped_templates",
    "read_gtt",
    "read_predictions",
    "score_five_role",
]

GTT_ROLES: tuple[str, ...] = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")
INCIDENT_TYPES: tuple[str, ...] = (
    "attack",
    "bombing",
    "kidnapping",
    "arson",
    "robbery",
    "forced work stoppage",
)
_TYPE_ROW = "incident_type"
_MAX_ENTITIES = 1000  # per role and template: more is not a template


@dataclass(frozen=True, slots=True)
class GttMention:
    """A mention string and its character offset in ``doctext``."""

    text: str
    offset: int


Entity = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GttTemplate:
    """A template of the GTT data; each role is a tuple of entities, an entity a tuple of
    mentions."""

    incident_type: str
    roles: tuple[tuple[tuple[GttMention, ...], ...], ...]  # in GTT_ROLES order

    def role(self, name: str) -> tuple[tuple[GttMention, ...], ...]:
        """Entities of one role (``"PerpInd"`` ...)."""
        return self.roles[GTT_ROLES.index(name)]


@dataclass(frozen=True, slots=True)
class GttDoc:
    """A GTT document: id, lower-cased text and its templates (empty if irrelevant)."""

    docid: str
    doctext: str
    templates: tuple[GttTemplate, ...]


@dataclass(frozen=True, slots=True)
class PredTemplate:
    """A predicted template: incident type and, per role, entities as mention strings."""

    incident_type: str
    roles: tuple[tuple[Entity, ...], ...]  # in GTT_ROLES order

    @classmethod
    def build(cls, incident_type: str, **roles: Sequence[Sequence[str]]) -> Self:
        """Make one from keyword roles: ``PredTemplate.build("attack", PerpOrg=[["fmln"]])``."""
        unknown = set(roles) - set(GTT_ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}; expected {GTT_ROLES}")
        return cls(
            incident_type,
            tuple(
                tuple(tuple(entity) for entity in roles.get(name, ()) if entity)
                for name in GTT_ROLES
            ),
        )

    def role(self, name: str) -> tuple[Entity, ...]:
        """Entities of one role."""
        return self.roles[GTT_ROLES.index(name)]


@dataclass(frozen=True, slots=True)
class GoldTemplate(PredTemplate):
    """A gold template; ``incident_type`` may list alternatives (``"bombing / attack"``)."""

    @property
    def incident_types(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.incident_type.split("/") if t.strip())


@dataclass(frozen=True)
class RoleScores(ScoreTable):
    """Five-role scores: rows ``incident_type`` and the roles; averages ``micro`` (with the
    incident type, as GTT) and ``micro (roles)``."""


# -- reading ----------------------------------------------------------------------------


def read_gtt(path: str | Path) -> Iterator[GttDoc]:
    """Documents of a GTT JSON Lines file (``gtt/train.jsonl``, ``gtt/dev.jsonl``)."""
    file = Path(path)
    for number, obj in _iter_json_lines(file):
        try:
            yield GttDoc(
                str(obj["docid"]),
                str(obj["doctext"]),
                tuple(_gtt_template(t) for t in obj["templates"]),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise _error(file, f"line {number}: unexpected structure ({exc!r})") from None


def _gtt_template(obj: Mapping[str, Any]) -> GttTemplate:
    roles = []
    for name in GTT_ROLES:
        entities = obj[name]
        if len(entities) > _MAX_ENTITIES:
            raise ValueError(f"{len(entities)} entities in {name}")
        roles.append(
            tuple(tuple(GttMention(str(m[0]), int(m[1])) for m in entity) for entity in entities)
        )
    return GttTemplate(str(obj["incident_type"]), tuple(roles))


def gold_from_gtt(docs: Iterable[GttDoc]) -> dict[str, list[GoldTemplate]]:
    """Gold for :func:`score_five_role`: mention strings only, empty entities dropped,
    duplicate templates removed (as GTT's loader)."""
    gold: dict[str, list[GoldTemplate]] = {}
    for doc in docs:
        templates: list[GoldTemplate] = []
        for t in doc.templates:
            roles = tuple(
                tuple(tuple(m.text for m in entity) for entity in role if entity)
                for role in t.roles
            )
            template = GoldTemplate(t.incident_type, roles)
            if template not in templates:
                templates.append(template)
        gold[doc.docid] = templates
    return gold


def read_predictions(path: str | Path) -> dict[str, list[PredTemplate]]:
    """Five-role predictions from JSON Lines (see the module docstring for the format)."""
    file = Path(path)
    preds: dict[str, list[PredTemplate]] = {}
    for number, obj in _iter_json_lines(file):
        try:
            docid = obj["docid"]
            templates = obj.get("templates", [])
            if not isinstance(docid, str) or not isinstance(templates, list):
                raise TypeError("docid must be a string and templates a list")
            preds.setdefault(docid, []).extend(_pred_template(t) for t in templates)
        except (KeyError, TypeError, ValueError) as exc:
            raise _error(file, f"line {number}: {exc}") from None
    return preds


def _pred_template(obj: Any) -> PredTemplate:
    if not isinstance(obj, dict):
        raise TypeError("a template must be a JSON object")
    kind = obj.get("incident_type")
    if not isinstance(kind, str):
        raise TypeError("incident_type must be a string")
    roles: dict[str, list[list[str]]] = {}
    for name in GTT_ROLES:
        entities = obj.get(name, [])
        if not isinstance(entities, list) or len(entities) > _MAX_ENTITIES:
            raise TypeError(f"{name} must be a list of entities")
        checked: list[list[str]] = []
        for entity in entities:
            if not isinstance(entity, list) or not all(isinstance(m, str) for m in entity):
                raise TypeError(f"an entity of {name} must be a list of mention strings")
            checked.append(entity)
        roles[name] = checked
    return PredTemplate.build(kind, **roles)


# -- scoring ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Normed:
    types: tuple[str, ...]
    roles: tuple[tuple[frozenset[str], ...], ...]


def _norm(template: PredTemplate) -> _Normed:
    if isinstance(template, GoldTemplate):
        types = tuple(t.lower() for t in template.incident_types)
    else:
        types = (template.incident_type.strip().lower(),)
    roles = tuple(
        tuple(frozenset(normalize_string(m) for m in entity) for entity in role if entity)
        for role in template.roles
    )
    return _Normed(types, roles)


def _alone(template: _Normed, *, pred: bool) -> Tally:
    tally: Tally = {_TYPE_ROW: Score(_TYPE_ROW, 0, int(pred), 0, int(not pred))}
    for name, role in zip(GTT_ROLES, template.roles, strict=True):
        n = len(role)
        tally[name] = Score(name, 0, n if pred else 0, 0, 0 if pred else n)
    return tally


def _pair(pred: _Normed, gold: _Normed) -> Tally | None:
    if pred.types[0] not in gold.types:
        return None
    tally: Tally = {_TYPE_ROW: Score(_TYPE_ROW, 1, 1, 1, 1)}
    for name, p_role, g_role in zip(GTT_ROLES, pred.roles, gold.roles, strict=True):
        correct = _max_matching(len(p_role), len(g_role), _subset_of(p_role, g_role))
        tally[name] = Score(name, correct, len(p_role), correct, len(g_role))
    return tally


def _subset_of(
    pred: Sequence[frozenset[str]], gold: Sequence[frozenset[str]]
) -> Callable[[int, int], bool]:
    """Edge test: every mention of predicted entity i is a mention of gold entity j."""
    return lambda i, j: pred[i] <= gold[j]


def _gain(tally: Tally) -> float:
    return float(sum(s.correct_pred for s in tally.values()))


def score_five_role(
    pred: Mapping[str, Sequence[PredTemplate]],
    gold: Mapping[str, Sequence[PredTemplate]],
) -> RoleScores:
    """GTT five-role P/R/F1 per role, incident type and micro averages, over the gold docs."""
    total: Tally = {}
    for docid, gold_templates in gold.items():
        p = [_norm(t) for t in pred.get(docid, ())]
        g = [_norm(t) for t in gold_templates]
        pair = [[_pair(pt, gt) for gt in g] for pt in p]
        best = _best_mapping(
            pair,
            [_alone(t, pred=True) for t in p],
            [_alone(t, pred=False) for t in g],
            _gain,
        )
        for label, score in best.items():
            total[label] = total[label] + score if label in total else score
    rows = tuple(total.get(label, Score(label)) for label in (_TYPE_ROW, *GTT_ROLES))
    averages = (_sum_scores("micro", rows), _sum_scores("micro (roles)", rows[1:]))
    return RoleScores("Role", rows, averages, documents=len(gold))


# -- error budget ---------------------------------------------------------------------------


@dataclass
class ErrorBudget:
    """Where the five-role items go: every gold item (a template's type or a role entity) is
    found or lost in one way, every predicted item correct or wrong in one way. Templates are
    mapped to maximise correct items (the scorer's mapping, up to ties)."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0
    lost_no_prediction: int = 0  # gold items of messages with no predicted template
    lost_other_templates: int = 0  # gold templates left over once the predictions are mapped
    lost_wrong_type: int = 0  # the gold template a wrongly typed prediction overlaps most
    lost_roles: int = 0  # role entities missed within mapped templates
    spurious_irrelevant: int = 0  # predicted items of messages without a gold template
    spurious_templates: int = 0  # predictions left over with no gold template to take
    spurious_wrong_type: int = 0  # predictions of a type no gold template left has
    spurious_roles: int = 0  # role entities wrong within mapped templates
    messages: dict[str, int] = field(default_factory=dict)

    @property
    def markdown(self) -> str:
        """Two tables: lost gold items and wrong predicted items, with message counts."""
        m = self.messages
        lost = (
            ("messages with no prediction", self.lost_no_prediction, m.get("no_prediction", 0)),
            ("further gold templates left unmapped", self.lost_other_templates, m.get("multi", 0)),
            ("template of the wrong incident type", self.lost_wrong_type, m.get("wrong_type", 0)),
            ("role entities missed in mapped templates", self.lost_roles, 0),
        )
        wrong = (
            (
                "templates on messages without gold",
                self.spurious_irrelevant,
                m.get("irrelevant", 0),
            ),
            ("templates with no gold template left", self.spurious_templates, 0),
            ("templates of the wrong incident type", self.spurious_wrong_type, 0),
            ("role entities wrong in mapped templates", self.spurious_roles, 0),
        )
        lines = [
            f"Gold items {self.gold}: {self.correct} found, {self.gold - self.correct} lost.",
            "",
            "| lost gold items | items | messages |",
            "|---|---:|---:|",
            *(f"| {label} | {n} | {k or ''} |" for label, n, k in lost),
            "",
            f"Predicted items {self.predicted}: {self.correct} correct, "
            f"{self.predicted - self.correct} wrong.",
            "",
            "| wrong predicted items | items | messages |",
            "|---|---:|---:|",
            *(f"| {label} | {n} | {k or ''} |" for label, n, k in wrong),
        ]
        return "\n".join(lines) + "\n"


def _items(template: _Normed) -> int:
    return 1 + sum(len(role) for role in template.roles)


def _overlap(pred: _Normed, gold: _Normed) -> int:
    """Role entities of ``pred`` correct against ``gold``, whatever the types."""
    return sum(
        _max_matching(len(p), len(g), _subset_of(p, g))
        for p, g in zip(pred.roles, gold.roles, strict=True)
    )


def mapped_templates(pred: Sequence[PredTemplate], gold: Sequence[PredTemplate]) -> dict[int, int]:
    """The error budget's one-to-one mapping of one message's predicted templates to its
    gold templates (the scorer's, up to ties): predicted index -> gold index, pairs of one
    type only."""
    if not pred or not gold:
        return {}
    return _mapping([_norm(t) for t in pred], [_norm(t) for t in gold])


def _mapping(p: Sequence[_Normed], g: Sequence[_Normed]) -> dict[int, int]:
    gains = [[(1.0 + _overlap(pt, gt)) if _pair(pt, gt) else 0.0 for gt in g] for pt in p]
    mapped: dict[int, int] = {}
    for i, j in enumerate(_hungarian(gains)):
        if j is not None and gains[i][j] > 0:
            mapped[i] = j
    return mapped


def error_budget(
    pred: Mapping[str, Sequence[PredTemplate]],
    gold: Mapping[str, Sequence[PredTemplate]],
) -> ErrorBudget:
    """Count where five-role items are lost or wrong, message by message (see ErrorBudget)."""
    out = ErrorBudget(messages={"no_prediction": 0, "multi": 0, "wrong_type": 0, "irrelevant": 0})
    for docid, gold_templates in gold.items():
        p = [_norm(t) for t in pred.get(docid, ())]
        g = [_norm(t) for t in gold_templates]
        out.gold += sum(map(_items, g))
        out.predicted += sum(map(_items, p))
        if not g:
            out.spurious_irrelevant += sum(map(_items, p))
            out.messages["irrelevant"] += bool(p)
            continue
        if not p:
            out.lost_no_prediction += sum(map(_items, g))
            out.messages["no_prediction"] += 1
            continue
        mapped = _mapping(p, g)
        for i, j in mapped.items():
            found = _overlap(p[i], g[j])
            out.correct += 1 + found
            out.lost_roles += _items(g[j]) - 1 - found
            out.spurious_roles += _items(p[i]) - 1 - found
        left = [j for j in range(len(g)) if j not in mapped.values()]
        wrong_type = False
        for i in (i for i in range(len(p)) if i not in mapped):
            if not left:
                out.spurious_templates += _items(p[i])
                continue
            j = max(left, key=lambda j: _overlap(p[i], g[j]))
            left.remove(j)
            out.lost_wrong_type += _items(g[j])
            out.spurious_wrong_type += _items(p[i])
            wrong_type = True
        out.messages["wrong_type"] += wrong_type
        out.lost_other_templates += sum(_items(g[j]) for j in left)
        out.messages["multi"] += bool(left) and bool(mapped)
    return out
