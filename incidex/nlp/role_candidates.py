"""Role candidates of a parsed text and their features, for the candidate role classifier
(``incidex_role_candidates_v1``, trained by ``incidex train``; docs/accuracy.md).

A candidate is a noun phrase the classifier may call a perpetrator individual or
organisation, a target, a victim or a weapon (or nothing): the parser's noun chunks, named
entities, and for every noun several cuts of its phrase (the noun alone; with its compounds;
with the words left of it; with its dependents but no prepositional phrase or clause; with
its prepositional phrases too), never across a conjunction, an apposition or a relative
clause (a GTT mention names one entity). Features are those a
classic IE system used: head word and shape, the governing verb or preposition and the
dependency relation (passive agent included), the distance to the nearest attack trigger of
the lexicon, entity label, knowledge-base membership (groups, weapons, targets) and position
in the message. Everything here reads the spaCy parse and the knowledge base only, so
training (on MUC-4 DEV) and the pipeline compute the same features.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from .kb import default_kb
from .lexicon import default_lexicon
from .linear import LinearModel

__all__ = ["Candidate", "CandidateModel", "Scored", "candidates", "compound_start", "features"]

_NOUNS = frozenset({"NOUN", "PROPN", "X"})
# Dependents that start another phrase: cut them for the "core" cut of a noun's phrase.
_CUT = frozenset({"conj", "cc", "appos", "relcl", "acl", "punct", "advcl", "prep", "parataxis"})
_LIST = frozenset({"conj", "cc", "appos", "relcl", "punct", "parataxis", "advcl"})
_MAX_TOKENS = 12  # longer phrases are never one gold mention in MUC-4 (and cost time)
_EDGE_PUNCT = frozenset({"PUNCT", "CCONJ"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """One candidate phrase: token offsets in the Doc, its head token, and how it was cut."""

    start: int
    end: int
    head: int
    kind: str  # "chunk", "entity", "head", "compound", "left", "core", "full"

    def span(self, doc: Doc) -> Span:
        return doc[self.start : self.end]


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].pos_ in _EDGE_PUNCT or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].pos_ in _EDGE_PUNCT or doc[end - 1].is_space):
        end -= 1
    return start, end


def _extent(token: Token, cut: frozenset[str]) -> tuple[int, int]:
    """Token range of ``token`` and its dependents' subtrees, leaving out those in ``cut``."""
    start, end = token.i, token.i + 1
    for child in token.children:
        if child.dep_ in cut:
            continue
        start = min(start, child.left_edge.i)
        end = max(end, child.right_edge.i + 1)
    return start, end


def compound_start(token: Token) -> int:
    """First token of the noun and the compounds (and their own compounds) left of it."""
    start = token.i
    for child in token.lefts:
        if child.dep_ == "compound":
            start = min(start, child.left_edge.i)
    return start


def candidates(doc: Doc) -> list[Candidate]:
    """The message's candidate phrases, each token range once (the first cut that made it)."""
    found: dict[tuple[int, int], Candidate] = {}

    def add(start: int, end: int, head: int, kind: str) -> None:
        start, end = _trim(doc, start, end)
        if 0 < end - start <= _MAX_TOKENS and (start, end) not in found:
            found[(start, end)] = Candidate(start, end, head, kind)

    for chunk in doc.noun_chunks:
        add(chunk.start, chunk.end, chunk.root.i, "chunk")
    for ent in doc.ents:
        add(ent.start, ent.end, ent.root.i, "entity")
    for token in doc:
        if token.pos_ not in _NOUNS or token.dep_ == "compound":
            continue
        add(token.i, token.i + 1, token.i, "head")
        add(compound_start(token), token.i + 1, token.i, "compound")
        add(token.left_edge.i, token.i + 1, token.i, "left")
        add(*_extent(token, _CUT), token.i, "core")
        add(*_extent(token, _LIST), token.i, "full")
    return sorted(found.values(), key=lambda c: (c.start, c.end))


@dataclass(frozen=True)
class _Lexicons:
    attack: frozenset[str]  # lemmas of attack triggers
    types: frozenset[str]  # lemmas naming an incident type (not the generic ones)
    perpetrators: frozenset[str]
    people: frozenset[str]
    persons: frozenset[str]
    weapons: frozenset[str]  # knowledge-base weapon terms, lower case
    targets: frozenset[str]


@lru_cache(maxsize=1)
def _lexicons() -> _Lexicons:
    lexicon = default_lexicon()
    kb = default_kb()
    return _Lexicons(
        attack=lexicon.attack_lemmas,
        types=lexicon.typed_attack_lemmas,
        perpetrators=frozenset(lexicon.perpetrator_nouns),
        people=lexicon.people_nouns,
        persons=lexicon.person_nouns,
        weapons=frozenset(term.lower() for term, _ in kb.weapon_terms()),
        targets=frozenset(term.lower() for term, _ in kb.target_terms()),
    )


def _shape(token: Token) -> str:
    if token.like_num:
        return "num"
    text = token.text
    if text.isupper():
        return "upper"
    if text[:1].isupper():
        return "title"
    return "lower"


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    for edge in edges:
        if value <= edge:
            return f"<={edge}"
    return f">{edges[-1]}"


def _governor(head: Token) -> Iterator[str]:
    """The relation of the phrase to its governor: dependency, verb or noun, preposition."""
    dep = head.dep_
    gov = head.head
    yield f"dep={dep}"
    if dep == "pobj" and gov.pos_ == "ADP":
        prep = gov.lower_
        above = gov.head
        yield f"prep={prep}"
        yield f"prep_gov={prep}|{above.lemma_.lower()}"
        if gov.dep_ == "agent":
            yield "agent"
            yield f"agent_of={above.lemma_.lower()}"
        gov = above
    elif dep in ("conj", "appos"):
        # a conjunct or apposition shares its first member's relation
        first = gov
        while first.dep_ in ("conj", "appos") and first.head is not first:
            first = first.head
        yield f"first_dep={first.dep_}"
        yield f"first_gov={first.dep_}|{first.head.lemma_.lower()}"
    yield f"gov={gov.lemma_.lower()}"
    yield f"gov_dep={dep}|{gov.lemma_.lower()}"
    yield f"gov_pos={gov.pos_}"


def _in_kb(words: list[str], terms: frozenset[str]) -> bool:
    for size in range(min(len(words), 4), 0, -1):
        for start in range(len(words) - size + 1):
            if " ".join(words[start : start + size]) in terms:
                return True
    return False


def features(doc: Doc, found: list[Candidate]) -> list[dict[str, float]]:
    """One feature dict (name -> value) per candidate, in order."""
    lex = _lexicons()
    kb = default_kb()
    triggers = [t.i for t in doc if t.lemma_.lower() in lex.attack]
    typed = {t.sent.start for t in doc if t.lemma_.lower() in lex.types}
    sentence_index = {s.start: n for n, s in enumerate(doc.sents)}
    entities = {(e.start, e.end): e.label_ for e in doc.ents}
    # how often each head lemma is named: the message's protagonists are named again
    heads = Counter(t.lemma_.lower() for t in doc if t.pos_ in _NOUNS)
    rows: list[dict[str, float]] = []
    for cand in found:
        span = cand.span(doc)
        head = doc[cand.head]
        words = [t.lower_ for t in span]
        sent = head.sent
        lemma = head.lemma_.lower()
        row: dict[str, float] = {
            f"kind={cand.kind}": 1.0,
            f"head={lemma}": 1.0,
            f"shape={_shape(head)}": 1.0,
            f"pos={head.pos_}": 1.0,
            f"len={_bucket(len(span), (1, 2, 3, 5, 8))}": 1.0,
            f"first={words[0]}": 1.0,
            f"before={doc[cand.start - 1].lower_ if cand.start else '<s>'}": 1.0,
            f"after={doc[cand.end].lower_ if cand.end < len(doc) else '</s>'}": 1.0,
            f"sentence={_bucket(sentence_index.get(sent.start, 0), (0, 1, 2, 4, 8))}": 1.0,
            f"ent={entities.get((cand.start, cand.end), 'none')}": 1.0,
            f"head_ent={head.ent_type_ or 'none'}": 1.0,
        }
        for word in set(words):
            row[f"word={word}"] = 1.0
        for offset in (-2, 2):
            at = cand.start + offset if offset < 0 else cand.end + offset - 1
            if 0 <= at < len(doc):
                row[f"at{offset}={doc[at].lower_}"] = 1.0
        row[f"head_dep={lemma}|{head.dep_}"] = 1.0
        verb = next((a for a in head.ancestors if a.pos_ in ("VERB", "AUX")), None)
        row[f"verb={verb.lemma_.lower() if verb is not None else 'none'}"] = 1.0
        row[f"named={_bucket(heads[lemma], (1, 2, 4))}"] = 1.0
        for name in _governor(head):
            row[name] = 1.0
        if any(t.like_num for t in span):
            row["has_num"] = 1.0
        if any(t.pos_ == "PROPN" for t in span):
            row["has_propn"] = 1.0
        if any(t.dep_ in ("conj", "cc") for t in span if t.i != cand.head):
            row["has_conj"] = 1.0
        if any(t.dep_ == "prep" for t in span):
            row["has_prep"] = 1.0
        if kb.group(span.text) is not None:
            row["kb_group"] = 1.0
        elif any(kb.group(t.text) is not None for t in span if t.pos_ == "PROPN"):
            row["kb_group_word"] = 1.0
        if _in_kb(words, lex.weapons):
            row["kb_weapon"] = 1.0
        if _in_kb(words, lex.targets):
            row["kb_target"] = 1.0
        if lemma in lex.perpetrators:
            row["perp_noun"] = 1.0
        if lemma in lex.people or lemma in lex.persons:
            row["person_noun"] = 1.0
        if lemma in lex.attack:
            row["head_trigger"] = 1.0
        near = [abs(i - cand.head) for i in triggers if sent.start <= i < sent.end]
        row[f"trigger_dist={_bucket(min(near), (2, 5, 10, 20)) if near else 'none'}"] = 1.0
        if sent.start in typed:
            row["sentence_typed"] = 1.0
        rows.append(row)
    return rows


@dataclass(frozen=True, slots=True)
class Scored:
    """A candidate the model gives a role: the role label and its probability."""

    candidate: Candidate
    label: str
    probability: float


class CandidateModel(LinearModel):
    """A multinomial logistic regression over the candidates' features, stored as plain
    data (``incidex.nlp.linear``: ``weights.npy``, one row per feature and one column per
    label; ``model.json``, the feature names, labels, bias and threshold), so loading needs
    neither pickle nor the scikit-learn version that trained it."""

    FORMAT = "incidex-role-candidates-1"
    NONE = "NONE"

    def predict(self, doc: Doc) -> list[Scored]:
        """The candidates given a role, most probable first among overlapping ones: every
        candidate whose most probable role (other than none) reaches the threshold, then
        greedily the most probable of overlapping candidates."""
        found = candidates(doc)
        if not found:
            return []
        probs = self.probabilities(features(doc, found))
        roles = [n for n, label in enumerate(self.labels) if label != self.NONE]
        best = probs[:, roles].argmax(axis=1)
        scored = [
            Scored(cand, self.labels[roles[k]], float(probs[n, roles[k]]))
            for n, (cand, k) in enumerate(zip(found, best, strict=True))
            if probs[n, roles[k]] >= self.threshold
        ]
        taken: list[Scored] = []
        for item in sorted(scored, key=lambda s: -s.probability):
            c = item.candidate
            if all(c.end <= t.candidate.start or c.start >= t.candidate.end for t in taken):
                taken.append(item)
        return sorted(taken, key=lambda s: s.candidate.start)
