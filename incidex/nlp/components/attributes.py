"""spaCy's attribute ruler, compiled to a table lookup (same rules, same annotations).

The English pipelines' ``attribute_ruler`` maps each token's fine-grained tag (and, for a few
words, its lower-case form and dependency label) to its coarse part of speech, morphology and
some lemmas, with ~180 Matcher patterns. Run through spaCy's general ``Matcher`` this costs
~1.8 ms of the ~11.8 ms the small English pipeline spends on a 100-token news article, more
than the tagger and the lemmatizer together, for what is a function of a handful of token
attributes. No maintained library compiles Matcher patterns to lookups, so this module does
it for the pattern shapes the ruler uses (fixed-length token sequences whose token specs test
attribute equality, ``IN``, ``NOT_IN`` or ``REGEX``), remembering each distinct combination
of the tested attributes. A ruler with any other shape (operators, other predicates) is left
to spaCy; :func:`compile_attribute_ruler` then returns ``None``.

The result equals spaCy's on every token (tests compare them over whole documents): matches
are applied in the order the patterns were added, a later one overriding an earlier one, as
``AttributeRuler.set_annotations`` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc
from spacy.tokens._retokenize import set_token_attrs

__all__ = [
    "CompiledRules",
    "LookupAttributeRuler",
    "compile_attribute_ruler",
    "use_lookup_attribute_ruler",
]

# Attributes a token spec may test (with a literal, IN, NOT_IN or REGEX).
_TESTED = ("TAG", "LOWER", "ORTH", "NORM", "DEP", "IS_SPACE", "IS_PUNCT", "IS_DIGIT")
# Attributes written with one ``Doc.from_array`` call; others (DEP) token by token.
_COLUMNS = (POS, MORPH, LEMMA, TAG)
# Distinct attribute combinations remembered before the memo starts again (~600 bytes each:
# ~60 MB at most; a news corpus meets a few thousand per 1,000 articles).
_MAX_MEMO = 100_000

_Test = Callable[[Any], bool]


@dataclass(frozen=True)
class _Rule:
    """One pattern of one ``add`` call: its token specs, the index of the token it writes,
    the attributes it writes and its rank (later ranks override earlier ones)."""

    rank: int
    specs: tuple[int, ...]  # the spec bit of each token
    index: int
    attrs: tuple[tuple[int, int], ...]


def _predicate(value: dict[str, Any]) -> _Test | None:
    """The test an ``IN`` / ``NOT_IN`` / ``REGEX`` spec value makes, or None for another."""
    if len(value) != 1:
        return None
    ((op, arg),) = value.items()
    if op == "REGEX" and isinstance(arg, str):
        pattern = re.compile(arg)
        return lambda v: isinstance(v, str) and pattern.search(v) is not None
    if op in ("IN", "NOT_IN") and isinstance(arg, list | tuple):
        members = frozenset(arg)
        return (lambda v: v in members) if op == "IN" else (lambda v: v not in members)
    return None


class CompiledRules:
    """The rules of a spaCy ``AttributeRuler``, applied by table lookup.

    Each distinct token spec is a bit; a token's spec bits are the AND, over the tested
    attributes, of the specs each attribute value passes (remembered per value: most specs
    test one literal, found in a dict, so a new word costs a few tests, not ~180)."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.vocab = ruler.vocab
        keys: list[str] = []
        spec_ids: dict[str, int] = {}
        # per tested attribute: literal -> specs wanting it; other tests; specs testing it
        equal: list[dict[Any, int]] = []
        tests: list[list[tuple[int, _Test]]] = []
        tested: list[int] = []
        rules: list[_Rule] = []
        entries: list[dict[str, Any]] = list(ruler.patterns)
        for rank, entry in enumerate(entries):
            attrs = ruler.attrs[rank]
            for pattern in entry["patterns"]:
                ids = []
                for spec in pattern:
                    signature = repr(sorted(spec.items(), key=lambda kv: str(kv[0])))
                    if signature not in spec_ids:
                        spec_ids[signature] = bit = len(spec_ids)
                        for key, value in spec.items():
                            name = str(key).upper()
                            # a literal (a flag's bool, else a string) or a predicate
                            literal = bool if name.startswith("IS_") else str
                            test = _predicate(value) if isinstance(value, dict) else None
                            if name not in _TESTED or not (test or isinstance(value, literal)):
                                raise _Unsupported(f"{key}: {value!r}")
                            if name not in keys:
                                keys.append(name)
                                equal.append({})
                                tests.append([])
                                tested.append(0)
                            col = keys.index(name)
                            tested[col] |= 1 << bit
                            if test is not None:
                                tests[col].append((1 << bit, test))
                            else:
                                equal[col][value] = equal[col].get(value, 0) | 1 << bit
                    ids.append(spec_ids[signature])
                if not ids:
                    raise _Unsupported("empty pattern")
                written = tuple((int(k), int(v)) for k, v in attrs.items())
                rules.append(_Rule(rank, tuple(ids), int(entry.get("index", 0)), written))
        every = (1 << len(spec_ids)) - 1
        self.keys = tuple(keys)
        self._key_ids = [IDS[k] for k in keys]
        self._flags = frozenset(i for i, k in enumerate(keys) if k.startswith("IS_"))
        self._free = tuple(every & ~t for t in tested)  # specs that do not test the column
        self._equal = equal
        self._tests = tests
        self._column_memo: dict[tuple[int, int], int] = {}
        self.single = tuple(r for r in rules if len(r.specs) == 1)
        self.multi = tuple(r for r in rules if len(r.specs) > 1)
        by_spec: dict[int, list[_Rule]] = {}
        for rule in self.single:
            by_spec.setdefault(rule.specs[0], []).append(rule)
        self._rules_of = by_spec
        self._start_mask = sum(1 << s for s in {r.specs[0] for r in self.multi})
        self._memo: dict[tuple[int, ...], _Entry] = {}

    def _column_mask(self, col: int, raw: int) -> int:
        """The specs attribute ``col`` with value ``raw`` (a string hash or a flag) passes."""
        found = self._column_memo.get((col, raw))
        if found is not None:
            return found
        strings = self.vocab.strings
        if col in self._flags:
            value: Any = bool(raw)
        else:
            value = strings[raw] if raw and raw in strings else ""  # type: ignore[operator]
        mask = self._free[col] | self._equal[col].get(value, 0)
        for bit, test in self._tests[col]:
            if test(value):
                mask |= bit
        if len(self._column_memo) >= _MAX_MEMO:
            self._column_memo.clear()
        self._column_memo[(col, raw)] = mask
        return mask

    def _entry(self, key: tuple[int, ...]) -> _Entry:
        """For one combination of tested attribute values: what the single-token rules write
        and the bit set of specs it meets."""
        mask = -1
        for col, raw in enumerate(key):
            mask &= self._column_mask(col, raw)
        written: dict[int, int] = {}
        for rule in self._rules_for(mask):
            written.update(rule.attrs)
        if len(self._memo) >= _MAX_MEMO:
            self._memo.clear()
        found = self._memo[key] = _Entry.of(written, mask)
        return found

    def _rules_for(self, mask: int) -> list[_Rule]:
        """The single-token rules whose spec is in ``mask``, in the order they were added."""
        found: list[_Rule] = []
        while mask:
            low = mask & -mask
            found.extend(self._rules_of.get(low.bit_length() - 1, ()))
            mask ^= low
        found.sort(key=lambda r: r.rank)
        return found

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n or not self._key_ids:
            return doc
        table: Any = doc.to_array(self._key_ids)
        rows = table.reshape(n, -1).tolist()  # (one column comes back as a vector)
        known = self._memo.get
        entries = [known(key) or self._entry(key) for key in map(tuple, rows)]
        if self._start_mask and any(e.mask & self._start_mask for e in entries):
            entries = self._with_sequences(entries)
        current: Any = doc.to_array(list(_COLUMNS))
        written = numpy.array([e.values for e in entries], dtype=current.dtype)
        keep = numpy.array([e.keep for e in entries], dtype=bool)
        merged: Any = numpy.where(keep, current, written)
        doc.from_array(list(_COLUMNS), merged)
        for i, e in enumerate(entries):
            if e.others:
                set_token_attrs(doc[i], e.others)
        return doc

    def _with_sequences(self, entries: list[_Entry]) -> list[_Entry]:
        """Entries with the multi-token rules' matches merged in rank order (rare: "gonna",
        "let's")."""
        n = len(entries)
        hits: dict[int, list[_Rule]] = {}
        for start in range(n):
            for rule in self.multi:
                end = start + len(rule.specs)
                if end > n:
                    continue
                if all(entries[start + k].mask >> s & 1 for k, s in enumerate(rule.specs)):
                    target = start + rule.index if rule.index >= 0 else end + rule.index
                    if start <= target < end:
                        hits.setdefault(target, []).append(rule)
        out = list(entries)
        for target, rules in hits.items():
            mask = entries[target].mask
            ranked = self._rules_for(mask) + rules
            merged: dict[int, int] = {}
            for rule in sorted(ranked, key=lambda r: r.rank):
                merged.update(rule.attrs)
            out[target] = _Entry.of(merged, mask)
        return out


@dataclass(frozen=True, slots=True)
class _Entry:
    """What the rules write on a token: values for the ``_COLUMNS`` (with ``keep`` true where
    none is written), other attributes, and the bit set of specs the token meets."""

    values: tuple[int, ...]
    keep: tuple[bool, ...]
    others: dict[int, int]
    mask: int

    @classmethod
    def of(cls, written: dict[int, int], mask: int) -> _Entry:
        return cls(
            values=tuple(written.get(a, 0) for a in _COLUMNS),
            keep=tuple(a not in written for a in _COLUMNS),
            others={k: v for k, v in written.items() if k not in _COLUMNS},
            mask=mask,
        )


class _Unsupported(ValueError):
    """A pattern shape this compiler does not handle (spaCy's ruler is kept)."""


def compile_attribute_ruler(ruler: AttributeRuler) -> CompiledRules | None:
    """A lookup equivalent to ``ruler``'s patterns, or None when one of them has a shape the
    lookup does not handle."""
    try:
        return CompiledRules(ruler)
    except _Unsupported:
        return None


class LookupAttributeRuler(AttributeRuler):
    """spaCy's ``AttributeRuler`` (same patterns, serialisation and scores) that applies its
    patterns through :class:`CompiledRules` when they compile, through the Matcher when not.
    The table is rebuilt after patterns are added or cleared."""

    _compiled: CompiledRules | None = None
    _stale = True

    def __call__(self, doc: Doc) -> Doc:
        if self._stale:
            self._compiled = compile_attribute_ruler(self)
            self._stale = False
        if self._compiled is None:
            return super().__call__(doc)
        return self._compiled(doc)

    def add(self, patterns: Any, attrs: dict[Any, Any], index: int = 0) -> None:
        super().add(patterns, attrs, index)
        self._stale = True

    def clear(self) -> None:
        super().clear()
        self._stale = True


@Language.factory(
    "incidex_attribute_ruler_v1",
    assigns=["token.pos", "token.morph", "token.lemma", "token.tag"],
    default_config={"validate": False},
)
def make_lookup_attribute_ruler(nlp: Language, name: str, validate: bool) -> LookupAttributeRuler:
    return LookupAttributeRuler(nlp.vocab, name, validate=validate)


def use_lookup_attribute_ruler(nlp: Language) -> bool:
    """Put a :class:`LookupAttributeRuler` with the same patterns in place of ``nlp``'s
    ``attribute_ruler`` when its patterns compile; True when it did."""
    ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in nlp.pipe_names else None
    if type(ruler) is not AttributeRuler or compile_attribute_ruler(ruler) is None:
        return False
    patterns = ruler.patterns
    replacement: Any = nlp.replace_pipe("attribute_ruler", "incidex_attribute_ruler_v1")
    replacement.add_patterns(patterns)
    return True
