"""Shared pieces of the benchmark scorers: score records, the Markdown table, string
normalisation, bounded file reading and the template-mapping search."""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from incidex.errors import EvaluationError

__all__ = [
    "Score",
    "ScoreTable",
    "format_scores",
    "normalize_string",
]

# Bounds for untrusted benchmark and prediction files.
_MAX_FILE_BYTES = 512 * 1024 * 1024
_MAX_LINE_CHARS = 16 * 1024 * 1024
# Above this many candidate mappings per document the exact enumeration gives way to the
# Hungarian method over pairwise scores.
_MAX_ENUMERATED_MAPPINGS = 20_000

_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCT = str.maketrans("", "", string.punctuation)


def normalize_string(text: str) -> str:
    """GTT's normalisation: lower case, drop ASCII punctuation and the articles a/an/the,
    collapse white space (``"The FMLN."`` -> ``"fmln"``)."""
    text = text.lower().translate(_PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class Score:
    """Counts and P/R/F1 for one row (a role, a slot, or an average).

    ``correct_pred`` and ``correct_gold`` are equal for one-to-one matching; they are kept
    apart so a scorer may credit predictions and gold items separately. They are whole
    numbers except where a scorer gives MUC's half credit for a partially correct fill.
    """

    label: str
    correct_pred: float = 0
    predicted: int = 0
    correct_gold: float = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        """Correct / predicted; 0 when nothing was predicted (undefined -> 0, as GTT)."""
        return self.correct_pred / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Correct / gold; 0 when there is no gold item."""
        return self.correct_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall; 0 when both are 0."""
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: Score) -> Score:
        return Score(
            self.label,
            self.correct_pred + other.correct_pred,
            self.predicted + other.predicted,
            self.correct_gold + other.correct_gold,
            self.gold + other.gold,
        )

    def relabel(self, label: str) -> Score:
        """The same counts under another label."""
        return Score(label, self.correct_pred, self.predicted, self.correct_gold, self.gold)


@dataclass(frozen=True)
class ScoreTable:
    """Rows of scores plus micro averages; ``kind`` names the first column."""

    kind: str
    rows: tuple[Score, ...]
    averages: tuple[Score, ...] = ()
    documents: int = 0
    notes: tuple[str, ...] = field(default=())

    def __getitem__(self, label: str) -> Score:
        for row in (*self.rows, *self.averages):
            if row.label == label:
                return row
        raise KeyError(label)

    @property
    def micro(self) -> Score:
        """The first average row (the headline number)."""
        return self.averages[0] if self.averages else _sum_scores("micro", self.rows)


def _sum_scores(label: str, rows: Sequence[Score]) -> Score:
    total = Score(label)
    for row in rows:
        total = total + row
    return total.relabel(label)


def _count(value: float) -> str:
    """A count as printed: ``12``, or ``12.5`` where half credits were given."""
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def format_scores(scores: ScoreTable) -> str:
    """Render a score table as Markdown: label, P, R, F1 (percent, one decimal), counts."""
    head = f"| {scores.kind} | P | R | F1 | correct | predicted | gold |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|"]
    for row in (*scores.rows, *scores.averages):
        correct = (
            _count(row.correct_pred)
            if row.correct_pred == row.correct_gold
            else f"{_count(row.correct_pred)}/{_count(row.correct_gold)}"
        )
        label = row.label.replace("|", "\\|")
        if row in scores.averages:
            label = f"**{label}**"
        lines.append(
            f"| {label} | {100 * row.precision:.1f} | {100 * row.recall:.1f} "
            f"| {100 * row.f1:.1f} | {correct} | {row.predicted} | {row.gold} |"
        )
    if scores.documents:
        lines.append("")
        lines.append(f"{scores.documents} documents.")
    for note in scores.notes:
        lines.append(note)
    return "\n".join(lines) + "\n"


# -- reading ----------------------------------------------------------------------------


def _error(path: Path | str, detail: str) -> EvaluationError:
    err = EvaluationError.make("E040", path=path, detail=detail)
    assert isinstance(err, EvaluationError)
    return err


def _read_text(path: Path) -> str:
    """Whole file as text; MUC files are ASCII, latin-1 keeps any stray byte readable."""
    try:
        size = path.stat().st_size
        if size > _MAX_FILE_BYTES:
            raise _error(path, f"{size} bytes is over the {_MAX_FILE_BYTES} byte bound")
        return path.read_bytes().decode("latin-1")
    except FileNotFoundError:
        raise _error(path, "no such file") from None
    except IsADirectoryError:
        raise _error(path, "a folder, not a file") from None
    except OSError as exc:
        raise _error(path, str(exc)) from None


def _iter_json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON Lines file."""
    if not path.is_file():
        raise _error(path, "no such file")
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise _error(path, str(exc)) from None
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if len(line) > _MAX_LINE_CHARS:
                    raise _error(path, f"line {number} is longer than {_MAX_LINE_CHARS} chars")
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise _error(path, f"line {number} is not JSON: {exc.msg}") from None
                if not isinstance(obj, dict):
                    raise _error(path, f"line {number} is not a JSON object")
                yield number, obj
        except UnicodeDecodeError as exc:
            raise _error(path, f"not UTF-8 ({exc.reason})") from None


# -- bipartite matching and template mapping -------------------------------------------


def _max_matching(n_left: int, n_right: int, edge: Callable[[int, int], bool]) -> int:
    """Size of a maximum bipartite matching (Kuhn). Left nodes are tried in order, and an
    augmenting path never unmatches a matched left node, so listing required items first
    keeps as many of them matched as possible."""
    adjacency = [[j for j in range(n_right) if edge(i, j)] for i in range(n_left)]
    owner: list[int | None] = [None] * n_right

    def augment(i: int, seen: list[bool]) -> bool:
        for j in adjacency[i]:
            if seen[j]:
                continue
            seen[j] = True
            current = owner[j]
            if current is None or augment(current, seen):
                owner[j] = i
                return True
        return False

    return sum(1 for i in range(n_left) if augment(i, [False] * n_right))


Tally = dict[str, Score]


def _add_tally(total: Tally, part: Tally) -> None:
    for label, score in part.items():
        total[label] = total[label] + score if label in total else score


def _micro(tally: Tally) -> float:
    return _sum_scores("micro", list(tally.values())).f1


def _count_mappings(m: int, n: int) -> int:
    return sum(math.comb(m, k) * math.comb(n, k) * math.factorial(k) for k in range(min(m, n) + 1))


def _best_mapping(
    pair: Sequence[Sequence[Tally | None]],
    pred_alone: Sequence[Tally],
    gold_alone: Sequence[Tally],
    gain: Callable[[Tally], float],
    objective: Callable[[Tally], float] = _micro,
) -> Tally:
    """Best one-to-one mapping of predicted templates (rows) to gold templates (columns) or to
    nothing, scored by the micro F1 of the document; ``None`` marks a forbidden pair. Small
    cases are enumerated in GTT's order (first best wins); large ones use the Hungarian method
    over ``gain`` of each pair, which is exact whenever the denominators do not depend on the
    mapping (the five-role metric) and a close approximation otherwise. ``objective``
    replaces the micro F1 over all rows (a scorer with a row that restates others)."""
    m, n = len(pred_alone), len(gold_alone)
    if _count_mappings(m, n) <= _MAX_ENUMERATED_MAPPINGS:
        best: Tally | None = None
        best_f1 = -1.0
        options = list(range(n)) + [-1]
        for choice in _injective_choices(m, options, pair):
            tally = _mapping_tally(choice, pair, pred_alone, gold_alone)
            f1 = objective(tally)
            if f1 > best_f1:
                best, best_f1 = tally, f1
        assert best is not None
        return best
    weights = [[gain(t) if t is not None else 0.0 for t in row] for row in pair]
    assignment = _hungarian(weights)
    choice = tuple(
        j if j is not None and pair[i][j] is not None and weights[i][j] > 0 else -1
        for i, j in enumerate(assignment)
    )
    return _mapping_tally(choice, pair, pred_alone, gold_alone)


def _injective_choices(
    m: int, options: Sequence[int], pair: Sequence[Sequence[Tally | None]]
) -> Iterator[tuple[int, ...]]:
    """Allowed partial one-to-one maps, in ``itertools.product`` order (as GTT's search)."""
    chosen: list[int] = []

    def walk(i: int) -> Iterator[tuple[int, ...]]:
        if i == m:
            yield tuple(chosen)
            return
        for j in options:
            if j >= 0 and (j in chosen or pair[i][j] is None):
                continue
            chosen.append(j)
            yield from walk(i + 1)
            chosen.pop()

    return walk(0)


def _mapping_tally(
    choice: Sequence[int],
    pair: Sequence[Sequence[Tally | None]],
    pred_alone: Sequence[Tally],
    gold_alone: Sequence[Tally],
) -> Tally:
    tally: Tally = {}
    mapped_gold = set()
    for i, j in enumerate(choice):
        if j >= 0:
            part = pair[i][j]
            assert part is not None
            _add_tally(tally, part)
            mapped_gold.add(j)
        else:
            _add_tally(tally, pred_alone[i])
    for j, alone in enumerate(gold_alone):
        if j not in mapped_gold:
            _add_tally(tally, alone)
    return tally


def _hungarian(weights: Sequence[Sequence[float]]) -> list[int | None]:
    """Maximum-weight assignment of rows to columns (rectangular allowed); returns the
    column of each row, or None. O(n^3) Kuhn-Munkres with potentials."""
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    size = max(rows, cols)
    if size == 0:
        return []
    top = max((w for row in weights for w in row), default=0.0)
    # Minimise cost = top - weight on a square matrix padded with zero-weight dummies.
    cost = [
        [top - (weights[i][j] if i < rows and j < cols else 0.0) for j in range(size)]
        for i in range(size)
    ]
    inf = float("inf")
    u = [0.0] * (size + 1)
    v = [0.0] * (size + 1)
    p = [0] * (size + 1)
    way = [0] * (size + 1)
    for i in range(1, size + 1):
        p[0] = i
        j0 = 0
        minv = [inf] * (size + 1)
        used = [False] * (size + 1)
        while True:
            used[j0] = True
            i0 = p[j0]
            delta = inf
            j1 = 0
            for j in range(1, size + 1):
                if not used[j]:
                    cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if cur < minv[j]:
                        minv[j] = cur
                        way[j] = j0
                    if minv[j] < delta:
                        delta = minv[j]
                        j1 = j
            for j in range(size + 1):
                if used[j]:
                    u[p[j]] += delta
                    v[j] -= delta
                else:
                    minv[j] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while True:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
            if j0 == 0:
                break
    result: list[int | None] = [None] * rows
    for j in range(1, size + 1):
        i = p[j] - 1
        if 0 <= i < rows and j - 1 < cols:
            result[i] = j - 1
    return result
