"""Components backed by models trained on MUC-4 DEV (``incidex train``, docs/accuracy.md).

* ``incidex_relevance_v1`` scores the text with a bag-of-words multi-label classifier
  (RELEVANT plus the MUC incident types) and records ``doc._.relevance`` (label -> score) and
  ``doc._.relevant``: the verdict, for all-capitals wire text only (the classifier has seen
  nothing else; ordinary news is not scored, both stay None, and the rules decide).
  The incident assembler makes no report when the verdict is False. When the model folder
  holds a logistic regression (``linear/``, ``incidex.nlp.relevance``: the words plus the
  rule components' analysis of the message), RELEVANT is the mean of the two models' scores,
  and the verdict the more admitting of the mean's and the textcat's own. Where that leaves
  no verdict (the abstain band), a message whose first sentence tells of no attack gets
  none (False): the rules decide only for messages that lead with an attack. A rejection is
  lifted (the rules decide) when the outlet tells as fact of an attack on utilities (power
  lines, pipelines), which army and guerrilla reports tell among combat news, or when the
  regression's sentence model scores one sentence as one that tells a relevant attack (an
  interview or a communique whose words as a whole are politics).
* ``incidex_roles_v1`` tags perpetrator individuals and organisations, targets, victims and
  weapons with a small NER model (the English pipeline's entity recogniser, encoder
  included, fine-tuned on the five roles) and adds them as assertions: every
  value keeps its span and sentence; the confidence is the label's precision measured on
  the tuning split (the tagger gives no per-span probability). Names listed with a tagged
  individual perpetrator ("FIDEL CASTANO AND HENRY PEREZ") are perpetrators too. It runs only
  on all-capitals wire text the classifier did not reject.
* ``incidex_role_candidates_v1`` runs after the tagger, on the same texts, and gives the
  message's noun-phrase candidates a role with a logistic regression over classic IE
  features (``incidex.nlp.role_candidates``): those whose most probable role reaches the
  model's threshold and that overlap no tagged span become assertions (extractor
  ``incidex_role_candidates_v1``, confidence = the role's probability).

The models load from ``incidex/nlp/trained/<name>/`` (offline, shipped with the package); a
missing model or ``INCIDEX_TRAINED_MODELS=0`` leaves them out of the pipeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import spacy
from pydantic import BaseModel
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from ...errors import ConfigError, Errors
from ...model import Perpetrator, Stance, Target, Victim, Weapon
from .._doc import (
    add_assertion,
    article_of,
    ensure_extensions,
    info_at,
    past_tense,
    sent_info,
    span_sentence,
    tokens,
)
from ..kb import default_kb, longest_term
from ..lexicon import default_lexicon
from ..relevance import RelevanceModel, attack_verbs
from ..role_candidates import CandidateModel, compound_start
from ..truecase import WIRE_KEY, mostly_upper

__all__ = [
    "RELEVANCE_MODEL",
    "ROLES_MODEL",
    "RelevanceClassifier",
    "RoleClassifier",
    "RoleTagger",
    "model_path",
    "trained_available",
]

RELEVANCE_MODEL = "relevance"
ROLES_MODEL = "roles"
EXTRACTOR_ROLES = "incidex_roles_v1"
EXTRACTOR_CANDIDATES = "incidex_role_candidates_v1"
ROLE_CANDIDATES_MODEL = "role_candidates"
_RELEVANT = "RELEVANT"
_LINEAR = "linear"  # the relevance logistic regression's folder inside the textcat's
_ORDER = (False, None, True)  # verdicts from the strictest
_BOW = "RELEVANT_BOW"  # the textcat's own score when the logistic regression is there too
# The verdict: relevant at or above _ADMIT, not relevant below _REJECT, and in between no
# verdict (the rules decide). The band keeps the classifier from vetoing attacks outside
# MUC-4's scope (Latin America, 1989-91) that it scores near the middle.
_ADMIT = 0.5
_REJECT = 0.35  # TST1+TST2 five-role F1: 33.6 with no band (0.5), 32.9 at 0.35, 32.5 at 0.25
_SENT = "RELEVANT_SENT"  # the highest score of a sentence by the regression's sentence model
# A rejection is lifted (the rules decide) when one sentence scores this high: DEV
# 0001..1100 cross-fitted five-role 64.66 -> 65.31 (65.29 at 0.7, 65.04 at 0.5), TST1+TST2
# TYPE recall 74.0 -> 77.2 (75.9 at 0.7) (docs/accuracy.md, "Eleventh round")
_SENTENCE_ADMIT = 0.6
_TARGET_UNKNOWN = (20, "Unknown")  # GTD target type when the knowledge base has no term
_WEAPON_UNKNOWN = (13, "Unknown")
_TOLD_WITH_THE_ATTACK = frozenset({"TARGET", "PERPORG"})  # roles named where the attack is told
_LISTED = frozenset({"PERPIND"})  # people a list may name several of
_MAX_NAME = 5  # tokens of a listed name ("EDWIN RODRIGO TENEDA PARRENO")
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def model_path(name: str) -> Path:
    """Folder of a shipped trained model."""
    return Path(str(files("incidex.nlp") / "trained" / name))


def trained_available() -> bool:
    """The shipped models are present."""
    return (
        all((model_path(n) / "meta.json").exists() for n in (RELEVANCE_MODEL, ROLES_MODEL))
        and (model_path(ROLE_CANDIDATES_MODEL) / "model.json").exists()
    )


@lru_cache(maxsize=4)
def _load(path: str) -> Language:
    return spacy.load(path)


def _ensure() -> None:
    ensure_extensions()
    for name in ("relevance", "relevant"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class RelevanceClassifier:
    def __init__(self, path: str) -> None:
        _ensure()
        self.model = _load(path)
        self.linear = _linear(Path(path) / _LINEAR)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            # Only wire text gets a verdict (see the module docstring), so only it is scored;
            # same input as in training (incidex.train: lower-cased text).
            wire = [doc for doc in batch if _is_wire(doc)]
            for doc, scored in zip(
                wire, self.model.pipe(d.text.lower() for d in wire), strict=True
            ):
                self._verdict(doc, self._scores(doc, scored))
            yield from batch

    def _scores(self, doc: Doc, scored: Doc) -> dict[str, float]:
        """The textcat's scores; with the logistic regression, RELEVANT is the mean of the
        two models' (kept apart as RELEVANT_BOW and RELEVANT_LR)."""
        cats = dict(scored.cats)
        if self.linear is not None:
            sentences = self.linear.sentence_scores(doc)
            bow, linear = cats.get(_RELEVANT, 0.0), self.linear.score(doc, sentences)
            cats.update({_RELEVANT: (bow + linear) / 2, _BOW: bow, "RELEVANT_LR": linear})
            if sentences is not None:
                cats[_SENT] = max(sentences, default=0.0)
        return cats

    @staticmethod
    def _verdict(doc: Doc, cats: dict[str, float]) -> None:
        doc._.relevance = cats
        verdict = _band(cats.get(_RELEVANT, 0.0))
        if _BOW in cats:
            # The mean may admit more than the textcat, never reject more: the logistic
            # regression learnt MUC-4's scope (no attacks on soldiers or the police) and would
            # reject "FIVE SOLDIERS WERE KILLED BY MILITANTS IN AN AMBUSH NEAR MOSUL".
            verdict = max(verdict, _band(cats[_BOW]), key=_ORDER.index)
        if verdict is None and _lead_tells_no_attack(doc):
            verdict = False
        if verdict is False and (cats.get(_SENT, 0.0) >= _SENTENCE_ADMIT or _reports_sabotage(doc)):
            verdict = None
        doc._.relevant = verdict


def _band(score: float) -> bool | None:
    return True if score >= _ADMIT else False if score < _REJECT else None


def _lead_tells_no_attack(doc: Doc) -> bool:
    """Whether the message's first sentence tells of no attack. News of an attack leads with
    it; where the classifiers are unsure, a message that mentions one only further down
    (peace talks, trials, speeches, army reports) is about something else (docs/accuracy.md,
    "Sixth round: relevance")."""
    if not doc.has_annotation("SENT_START"):
        return False  # not parsed: nothing to go by, the rules decide
    infos = sent_info(doc)
    return bool(infos) and not (infos[0].attack and not infos[0].background)


def _reports_sabotage(doc: Doc) -> bool:
    """Whether the outlet itself tells, as fact, of an attack on power lines, pipelines or
    other utilities (``sabotage_target_types`` of ``kb/lexicon.json``): an act against the
    civilian population whoever the attacker, which the classifiers score low where it is
    told among combat news, in an army or guerrilla report (docs/accuracy.md, "Sixth round,
    second part"). The rules then decide instead of a rejection."""
    codes = default_lexicon().sabotage_target_types
    for a in doc._.assertions or ():
        if a.field != "targets" or a.normalized.type_code not in codes:
            continue
        info = info_at(doc, a.start)
        if (
            info.events_attack
            and not info.background
            and info.speaker is None
            and info.stance is Stance.asserted
            and a.stance is Stance.asserted
            and _told_as_done(doc, a.start, a.end)
        ):
            return True
    return False


def _told_as_done(doc: Doc, start: int, end: int) -> bool:
    """Whether the sentence holding ``start:end`` tells of the attack with a past-tense
    attack verb ("blew up four pylons", "power lines have been sabotaged"): a specific act
    told as done, not a campaign in the present ("are destroying power pylons") or a list
    of grievances ("the sabotage of ...")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    verbs, phrases = attack_verbs()
    sent = span_sentence(span)
    words = tokens(doc)[sent.start : sent.end]
    return any(
        past_tense(t) and (t.lemma_.lower() in verbs or f"{t.lower_} {after.lower_}" in phrases)
        for t, after in zip(words, [*words[1:], words[-1]], strict=True)
    )


def _linear(folder: Path) -> RelevanceModel | None:
    """The relevance logistic regression beside the textcat, when trained (an older
    ``incidex train --out`` folder has none: the textcat alone decides)."""
    if not (folder / "model.json").exists():
        return None
    try:
        return RelevanceModel.load(folder)
    except (OSError, ValueError, KeyError) as error:
        raise ConfigError(
            Errors.E025.format(path=folder, detail=error), code="E025", path=str(folder)
        ) from None


def _is_wire(doc: Doc) -> bool:
    """All-capitals wire copy, as MUC-4's messages (the models' only training text): as the
    extractor found it, else looked at once here."""
    wire = doc.user_data.get(WIRE_KEY)
    if wire is None:
        article = article_of(doc)
        wire = doc.user_data[WIRE_KEY] = mostly_upper(article.text if article else doc.text)
    return bool(wire)


def _precisions(path: str) -> dict[str, float]:
    """Per-label precision on the tuning split, recorded by training."""
    report = Path(path) / "training.json"
    if not report.exists():
        return {}
    scores = json.loads(report.read_text()).get("scores", {})
    return {k[: -len("_p")]: float(v) for k, v in scores.items() if k.endswith("_p")}


def _term_index(terms: Any) -> dict[str, Any]:
    return {term.lower(): entry for term, entry in terms}


class _RoleValues:
    """The assertion a role label makes of a span (shared by the tagger and the candidate
    classifier)."""

    def __init__(self) -> None:
        kb = default_kb()
        self.targets = _term_index(kb.target_terms())
        self.weapons = _term_index(kb.weapon_terms())
        self.groups = kb.group
        self.builders: dict[str, tuple[str, Callable[[str], BaseModel]]] = {
            "PERPORG": ("perpetrators", self._org),
            "PERPIND": ("perpetrators", lambda text: Perpetrator(description=text)),
            "TARGET": ("targets", self._target),
            "VICTIM": ("victims", self._victim),
            "WEAPON": ("weapons", self._weapon),
        }

    def add(self, doc: Doc, span: Span, label: str, extractor: str, confidence: float) -> None:
        """Add the assertion of role ``label`` (a ROLE_LABELS name) for ``span``. Targets and
        perpetrator groups named in a sentence that tells of no attack (the rules' attack
        flag) are left out: a target is the thing attacked, and a building named elsewhere
        is a landmark, someone's property or background; a group named elsewhere is doing
        something else (a peace proposal, a communique on the army's actions). TST1+TST2:
        23 fewer GTT targets, none correct (five-role 39.1 -> 39.2); then PerpOrg 33 of 99
        correct -> 26 of 61 (five-role 39.2, slots 39.2 -> 40.0). People are not gated:
        victims so gated lost 92 of 379 correct on DEV-MUC3-0001..1100."""
        if label not in self.builders:
            return
        if label in _TOLD_WITH_THE_ATTACK and not info_at(doc, span.start_char).attack:
            return
        if label == "PERPIND" and _harmed(span):
            return
        if label == "WEAPON":
            span = _to_head(doc, span)
        field_name, build = self.builders[label]
        add_assertion(
            doc,
            field_name,
            span,
            build(_text(doc, span)),
            extractor=extractor,
            confidence=round(confidence, 3),
        )

    def _org(self, text: str) -> Perpetrator:
        # "THE FARABUNDO MARTI NATIONAL LIBERATION FRONT" is the group the knowledge base
        # names without the article (else it was a second group beside "FMLN")
        group = self.groups(text) or self.groups(_LEADING_ARTICLE.sub("", text))
        if group is None:
            return Perpetrator(group=text)
        return Perpetrator(group=group.name, parent=group.parent)

    def _target(self, text: str) -> Target:
        return Target(entity=text, **_coded(longest_term(text, self.targets), _TARGET_UNKNOWN))

    def _weapon(self, text: str) -> Weapon:
        entry = longest_term(text, self.weapons)
        # an unclassified weapon keeps its words as the model ("Galil", "M-16")
        return Weapon(model=None if entry else text, **_coded(entry, _WEAPON_UNKNOWN))

    @staticmethod
    def _victim(text: str) -> Victim:
        # A name is written in capitals word by word ("Hector Oqueli"); else a description.
        words = text.split()
        if words and all(w[:1].isupper() for w in words) and not text.isupper():
            return Victim(names=[text])
        return Victim(description=text)


_NOUNS = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


def _harmed(span: Span) -> bool:
    """Whether people tagged as perpetrators are those the sentence says were harmed: the
    phrase, or the one it is part of ("FOUR ARMY MEMBERS, INCLUDING TWO OFFICERS", "TWO OF
    HER BODYGUARDS, X AND Y"), is the passive subject of a harm verb (lexicon
    ``victim_verbs``: "WERE KILLED", "WAS WOUNDED"). Attackers killed in the attack keep
    their role when named as such (a ``perpetrator_nouns`` head: "FOUR REBELS WERE
    KILLED"). TST1+TST2 five-role 48.14 -> 48.21 (PerpInd 54/120 -> 54/118);
    DEV-MUC3-0001..1100 68.98 -> 69.01."""
    lexicon = default_lexicon()
    if span.root.lower_ in lexicon.perpetrator_nouns:
        return False
    node = span.root
    for _ in range(4):  # up to the noun phrase the clause is about
        if node.dep_ in {"appos", "conj"}:
            node = node.head
        elif (
            node.dep_ == "pobj"
            and node.head.lower_ in lexicon.part_of_words
            and node.head.head.pos_ in _NOUNS
        ):
            node = node.head.head
        else:
            break
    return node.dep_ == "nsubjpass" and node.head.lemma_.lower() in lexicon.victim_verbs


def _to_head(doc: Doc, span: Span) -> Span:
    """A weapon span the tagger cut on a word modifying the next one: carried on to that word
    where it names a weapon (lexicon ``weapon_heads``: "9-MM SUBMACHINE" -> "9-MM SUBMACHINE
    GUN"), else cut to what follows its last "of" ("TWO BURSTS OF MACHINEGUN [FIRE]" ->
    "MACHINEGUN"): the weapon, not its fire, rounds or charge, is the instrument (the keys give
    "MACHINEGUN" for "MACHINEGUN FIRE", "DYNAMITE" for "DYNAMITE CHARGE"). TST1+TST2 GTT
    Weapon 35 -> 37 correct of 60; carried on to "FIRE", "ROUNDS" and "CHARGE" too, it lost 7
    on DEV-MUC3-0001..1100."""
    heads = default_lexicon().weapon_heads
    end = span.end
    while _modifies_next(doc, end) and doc[end].text.lower() in heads:
        end += 1
    start = span.start
    if _modifies_next(doc, end):
        of = [t.i for t in doc[start:end] if t.text.lower() == "of"]
        start = of[-1] + 1 if of and of[-1] + 1 < end else start
    return span if (start, end) == (span.start, span.end) else doc[start:end]


def _modifies_next(doc: Doc, end: int) -> bool:
    return end < len(doc) and doc[end - 1].dep_ == "compound" and doc[end - 1].head.i == end


def _tagging(doc: Doc) -> bool:
    """Whether the role models read ``doc``: wire text only (the models have seen nothing
    else: on ordinary news the tagger took the performers a venue is "known for hosting" for
    victims), and not where the classifier rejected the text."""
    return _is_wire(doc) and doc._.relevant is not False


class RoleTagger:
    def __init__(self, path: str) -> None:
        _ensure()
        self.model = _load(path)
        self.confidence = _precisions(path)
        self.values = _RoleValues()

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            todo = [doc for doc in batch if _tagging(doc)]
            for doc, tagged in zip(todo, self.model.pipe(d.text for d in todo), strict=True):
                self._add(doc, tagged)
            yield from batch

    def _add(self, doc: Doc, tagged: Doc) -> None:
        spans: list[tuple[Span, str]] = []
        for ent in tagged.ents:
            span = doc.char_span(ent.start_char, ent.end_char, alignment_mode="expand")
            if span is not None:
                spans.append((span, ent.label_))
        for span, label in [*spans, *_listed_names(doc, spans)]:
            confidence = self.confidence.get(label, 0.5)
            self.values.add(doc, span, label, EXTRACTOR_ROLES, confidence)


def _listed_names(doc: Doc, spans: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """Names listed with a tagged individual perpetrator that the tagger left out ("THE
    KILLING WAS ORDERED BY FIDEL CASTANO AND HENRY PEREZ", only the first tagged): the members
    of one list play one part in their sentence, so each takes the tagged one's role, where
    both are names, not descriptions ("THE PEASANTS AND THE WORKERS"). TST1+TST2 five-role
    40.7 -> 41.0 (PerpInd 43 of 134 correct -> 46 of 138). Victims so listed are not added:
    none of the 10 was a gold victim of its template, and slots fell 46.3 -> 46.1."""
    taken = [(span.start, span.end) for span, _ in spans]
    found: list[tuple[Span, str]] = []
    for span, label in spans:
        if label not in _LISTED or not _is_name(span):
            continue
        for token in span.root.conjuncts:
            name = doc[compound_start(token) : token.i + 1]
            if _is_name(name) and all(name.end <= s or name.start >= e for s, e in taken):
                taken.append((name.start, name.end))
                found.append((name, label))
    return found


def _is_name(span: Span) -> bool:
    """A proper name as the parse of wire text shows it: a few nouns, none a common noun of
    people ("SOLDIERS", "PEASANTS", "GUERRILLAS") of the lexicon."""
    lexicon = default_lexicon()
    common = lexicon.human_nouns
    return 0 < len(span) <= _MAX_NAME and all(
        (t.pos_ == "PROPN" or t.ent_type_ == "PERSON")
        and t.is_alpha
        and t.lower_ not in common
        and t.lower_ not in lexicon.perpetrator_nouns
        for t in span
    )


class RoleClassifier:
    """Gives noun-phrase candidates a role with the candidate model; with ``union``, only
    candidates that overlap no span the tagger tagged (the tagger runs first)."""

    def __init__(self, path: str, union: bool) -> None:
        _ensure()
        try:
            self.model = CandidateModel.load(Path(path))
        except (OSError, ValueError, KeyError) as error:
            raise ConfigError(
                Errors.E025.format(path=path, detail=error), code="E025", path=path
            ) from None
        self.union = union
        self.values = _RoleValues()

    def __call__(self, doc: Doc) -> Doc:
        if _tagging(doc):
            tagged = [
                (a.start, a.end)
                for a in doc._.assertions or ()  # None until a component adds one
                if self.union and a.extractor == EXTRACTOR_ROLES
            ]
            for found in self.model.predict(doc):
                span = found.candidate.span(doc)
                if any(span.start_char < e and s < span.end_char for s, e in tagged):
                    continue
                self.values.add(doc, span, found.label, EXTRACTOR_CANDIDATES, found.probability)
        return doc


def _coded(entry: Any, unknown: tuple[int, str]) -> dict[str, Any]:
    """GTD codes of a knowledge-base class, or the codebook's Unknown type."""
    if entry is None:
        return {"type": unknown[1], "type_code": unknown[0]}
    return {
        "type": entry.type,
        "type_code": entry.type_code,
        "subtype": entry.subtype,
        "subtype_code": entry.subtype_code,
    }


def _text(doc: Doc, span: Span) -> str:
    article = article_of(doc)
    return (article.text if article is not None else doc.text)[span.start_char : span.end_char]


@Language.factory(
    "incidex_relevance_v1",
    assigns=["doc._.relevance", "doc._.relevant"],
    default_config={"path": None},
)
def make_relevance(nlp: Language, name: str, path: str | None) -> RelevanceClassifier:
    return RelevanceClassifier(path or str(model_path(RELEVANCE_MODEL)))


@Language.factory("incidex_roles_v1", assigns=["doc._.assertions"], default_config={"path": None})
def make_roles(nlp: Language, name: str, path: str | None) -> RoleTagger:
    return RoleTagger(path or str(model_path(ROLES_MODEL)))


@Language.factory(
    "incidex_role_candidates_v1",
    assigns=["doc._.assertions"],
    default_config={"path": None, "union": True},
)
def make_role_candidates(nlp: Language, name: str, path: str | None, union: bool) -> RoleClassifier:
    return RoleClassifier(path or str(model_path(ROLE_CANDIDATES_MODEL)), union)
