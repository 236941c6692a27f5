"""Victims: who was killed, wounded, kidnapped or targeted, named or described.

Read from the dependency parse (on the truecased copy of upper-case wire text):

* the passive subject or the object of a victim verb ("Jo Cox was shot", "killed journalist
  Daphne Caruana Galizia", "killing five policemen", "some of the victims were blown to
  pieces": killed, as "shot dead"), the subject of "die" and of a harm
  verb with a harm noun ("13 people suffered minor injuries"), the noun a
  participle or relative clause qualifies ("people killed in the blast", "soldiers who were
  wounded");
* what "the dead", "the victims" include or are ("among the dead were two soldiers", "the
  victims included a Russian general, Valery Asapov");
* who a killing noun is of ("the killing of three soldiers").

Each victim keeps its most severe fate, but a wounding word joined to a killing one ("the
slaughter and maiming of", "were killed and wounded") gives both fates. Only people count (a
person's name, a people noun, a nationality); attackers ("two gunmen were killed") are
casualties, not victims. A verb under "accused of", "plotted to", "threatened to"
names no new victim; under "tried to" the person was only targeted. Verbs and nouns are in
``kb/lexicon.json``.
"""

from __future__ import annotations

from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import Victim, VictimFate
from .._doc import (
    add_assertion,
    ensure_extensions,
    ents,
    lemmas,
    sent_bounds,
    sentence_of,
    tokens,
)
from ..lexicon import default_lexicon
from .casualties import read_number
from .matching import hypothetical

__all__ = ["VictimExtractor", "blocker_of"]

EXTRACTOR = "incidex_victims_v1"
_SEVERITY: dict[str, int] = {"killed": 3, "kidnapped": 2, "wounded": 1, "targeted": 0}
_RELATIVE = {"who", "whom", "that", "which"}
_MAX_TOKENS = 12
_CLIMB = {"xcomp", "pcomp", "pobj", "prep", "dobj", "auxpass"}


class VictimExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.lex = default_lexicon()
        lex = self.lex
        self.people = {p for p in lex.people_nouns | lex.person_nouns if " " not in p}
        self.perps = {p for p in lex.perpetrator_nouns if " " not in p}

    def __call__(self, doc: Doc) -> Doc:
        found: dict[int, VictimFate] = {}  # victim head token -> most severe fate
        # heads wounded by a word paired with a killing one ("the slaughter and maiming of
        # X", "X were killed and wounded"): both befell them, so both are kept
        maimed: set[int] = set()
        named: Token | None = None  # the last named victim, for "he" / "she"
        for token, lemma in zip(tokens(doc), lemmas(doc), strict=True):
            if token.pos_ in {"VERB", "AUX"}:
                fate = self._verb_fate(token, lemma)
                if fate is not None:
                    paired = fate == "wounded" and self._after_killing(token)
                    for head in self._verb_victims(token, lemma):
                        if paired and head.pos_ != "PRON":
                            maimed.add(head.i)
                        if head.pos_ == "PRON":
                            if (
                                named is not None
                                and sent_bounds(doc, head.i)[0] - sent_bounds(doc, named.i)[1] < 200
                            ):
                                _keep(found, named, fate)  # "Jo Cox was shot ... She died"
                            continue
                        if lemma == "die" and not sentence_of(doc, token.i)[1].attack:
                            continue  # "Chávez, who died in 2013": no attack told there
                        _keep(found, head, fate)
                        if head.ent_type_ == "PERSON":
                            named = head
            elif token.pos_ == "NOUN" and lemma in self.lex.victim_event_nouns:
                event_fate = self.lex.victim_event_nouns[lemma]
                for head in self._of_victims(token):
                    _keep(found, head, event_fate)
                    if event_fate == "wounded" and self._after_killing(token):
                        maimed.add(head.i)
            noun_fate = self.lex.victim_nouns.get(token.lower_)
            if noun_fate is not None and not sentence_of(doc, token.i)[1].background:
                for head in _included(token):
                    if self._is_person(head):  # "among the dead were two gunmen": no victims
                        _keep(found, head, noun_fate)  # type: ignore[arg-type]
        for i in sorted(found):
            self._add(doc, doc[i], found[i])
            if found[i] == "killed" and i in maimed:
                self._add(doc, doc[i], "wounded")
        return doc

    # ---- which verbs, which people ----

    def _verb_fate(self, verb: Token, lemma: str) -> VictimFate | None:
        if lemma == "die":
            fate: str | None = "killed"
        elif lemma in {"take", "hold"} and any(
            c.lower_ in {"hostage", "captive"} for c in verb.children
        ):
            fate = "kidnapped"
        elif lemma in self.lex.harm_verbs:  # "13 people suffered minor injuries"
            fate = next(
                (
                    self.lex.harm_nouns[c.lemma_.lower()]
                    for c in verb.children
                    if c.dep_ == "dobj" and c.lemma_.lower() in self.lex.harm_nouns
                ),
                None,
            )
        else:
            fate = self.lex.victim_verbs.get(lemma)
        if fate is None or any(c.dep_ == "neg" for c in verb.children):
            return None
        _, info = sentence_of(verb.doc, verb.i)
        if info.background or ("Threat/Propaganda" in info.events and not info.events_attack):
            return None
        blocker = blocker_of(verb)
        if blocker == "skip":
            return None  # "accused of killing", "threatened to kill"
        if blocker == "attempt":
            return "targeted"  # "tried to kill": aimed at, not killed
        if fate == "targeted" and _to_death(verb):
            return "killed"  # "shot dead", "stabbed to death"
        return fate  # type: ignore[return-value]

    def _after_killing(self, word: Token) -> bool:
        """A word joined to a killing word before it: "killed and wounded", "the slaughter
        and maiming"."""
        if word.dep_ != "conj":
            return False
        lemma = word.head.lemma_.lower()
        return lemma == "die" or "killed" in (
            self.lex.victim_verbs.get(lemma),
            self.lex.victim_event_nouns.get(lemma),
        )

    def _of_victims(self, noun: Token) -> list[Token]:
        """'the killing of three soldiers', 'the slaughter and maiming of men, women and
        children' (the "of" may hang on the first noun of the pair)."""
        _, info = sentence_of(noun.doc, noun.i)
        if not info.attack or info.background or blocker_of(noun) == "skip":
            return []
        nouns = [noun, noun.head] if noun.dep_ == "conj" else [noun]
        objects = [
            o
            for n in nouns
            for prep in n.children
            if prep.dep_ == "prep" and prep.lower_ == "of"
            for o in prep.children
            if o.dep_ == "pobj"
        ]
        return [h for o in objects for h in (o, *o.conjuncts) if self._is_person(h)]

    def _verb_victims(self, verb: Token, lemma: str) -> list[Token]:
        subjects = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if lemma == "die" or lemma in self.lex.harm_verbs:
            subjects += [c for c in verb.children if c.dep_ == "nsubj"]
        if not subjects and verb.dep_ == "conj" and _passive(verb.head):
            # "Jo Cox was shot and stabbed": the second verb shares the subject
            subjects = [c for c in verb.head.children if c.dep_ == "nsubjpass"]
        heads = subjects + [c for c in verb.children if c.dep_ == "dobj"]
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            heads.append(verb.head)  # "people killed in the blast"
        out = []
        for head in heads:
            if head.lower_ in _RELATIVE and verb.dep_ == "relcl":
                head = verb.head  # "soldiers who were wounded"
            if head.lower_ in _PARTITIVES:
                head = _of_whom(head)  # "some of the victims were blown to pieces"
            if head.lower_ in {"he", "she"}:
                out.append(head)
                continue
            out.extend(h for h in (head, *head.conjuncts) if self._is_person(h))
        return out

    def _is_person(self, token: Token) -> bool:
        if token.pos_ == "PRON" or token.lower_ in self.perps or token.lemma_.lower() in self.perps:
            return False
        if token.ent_type_ in {"PERSON", "NORP"}:
            return True
        return token.lower_ in self.people or token.lemma_.lower() in self.people

    # ---- the record ----

    def _add(self, doc: Doc, head: Token, fate: VictimFate) -> None:
        person = _entity_at(doc, head, "PERSON")
        names = [person.text] if person is not None else []
        names += [
            e.text
            for c in head.children
            if c.dep_ == "appos" and (e := _entity_at(doc, c, "PERSON")) is not None
        ]
        start = head.left_edge.i
        end = person.end if person is not None else head.i + 1
        if end - start > _MAX_TOKENS:
            start = person.start if person is not None else head.i
        if person is not None:
            described = doc[start : person.start]
            appos = next((c for c in head.children if c.dep_ == "appos"), None)
            if appos is not None and _entity_at(doc, appos, "PERSON") is None:
                described = doc[appos.left_edge.i : appos.i + 1]  # "Jo Cox, a Labour MP"
        else:
            described = doc[start : head.i + 1]
        description = described.text.strip(" ,") or None
        add_assertion(
            doc,
            "victims",
            doc[start:end],
            Victim(
                names=names,
                description=description,
                fate=fate,
                count=self._count(doc, head, names),
                nationality=_nationality(doc[start:end]),
            ),
            extractor=EXTRACTOR,
            confidence=0.7 if names or description else 0.5,
        )

    def _count(self, doc: Doc, head: Token, names: list[str]) -> int | None:
        if names:
            return len(names)
        for child in head.children:
            if child.dep_ == "nummod" or child.like_num:
                # from the number's first word: "twenty-eight" hangs on "eight"
                number = read_number(doc, child.left_edge.i, self.lex)
                if number is None or number.end <= child.i:
                    number = read_number(doc, child.i, self.lex)
                if number is not None and not number.vague:
                    return number.value
        if head.tag_ in {"NN", "NNP"} and any(
            c.dep_ == "det" and c.lower_ in {"a", "an", "one"} for c in head.children
        ):
            return 1
        return None


def _keep(found: dict[int, VictimFate], head: Token, fate: str) -> None:
    old = found.get(head.i)
    if old is None or _SEVERITY[fate] > _SEVERITY[old]:
        found[head.i] = fate  # type: ignore[assignment]


def blocker_of(verb: Token) -> str | None:
    """How a word above an attack verb changes it: "skip" when it reports no new harm
    ("accused of killing", "threatened to kill", "the trial over the bombing", or a harm told
    as hypothetical: :func:`~incidex.nlp.components.matching.hypothetical`), "attempt"
    when the harm was only tried ("tried to kill"), else None."""
    blockers = default_lexicon().victim_blockers
    if hypothetical(verb.doc[verb.i : verb.i + 1], default_lexicon().modality_cues):
        return "skip"  # "would murder the candidate", "there will be no more murders of"
    node = verb
    for _ in range(4):  # within the clause: "police arrested X after ... killing" is news
        if node.dep_ not in _CLIMB or node.head is node:
            break
        below, node = node, node.head
        blocker = blockers.get(node.lemma_.lower())
        if node.lemma_.lower() == "try" and below.dep_ == "xcomp":
            return "attempt"  # "tried to kill", not "tried for killing"
        if blocker is not None:
            return blocker
    return None


_PARTITIVES = frozenset({"some", "many", "most", "all", "several", "both"})


def _of_whom(pronoun: Token) -> Token:
    for prep in pronoun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for noun in prep.children:
                if noun.dep_ == "pobj":
                    return noun
    return pronoun


def _passive(verb: Token) -> bool:
    return any(c.dep_ == "nsubjpass" for c in verb.children)


def _to_death(verb: Token) -> bool:
    """Killed by the way of it: "shot dead", "stabbed to death", "blown to pieces"."""
    for child in verb.children:
        if child.lower_ == "dead":
            return True
        if child.lower_ == "to" and any(g.lower_ in _DEATH_ENDS for g in child.children):
            return True
    return False


_DEATH_ENDS = frozenset({"death", "pieces", "bits"})


def _included(noun: Token) -> list[Token]:
    """Who "the dead" / "the victims" are: "the victims included X", "among the dead were
    X", "X was among the dead"."""
    verb = noun.head
    if noun.dep_ == "nsubj" and verb.lemma_.lower() in {"include", "be"}:
        objects = [c for c in verb.children if c.dep_ in {"dobj", "attr"}]
    elif noun.dep_ == "pobj" and verb.lower_ == "among":
        verb = verb.head
        objects = [c for c in verb.children if c.dep_ in {"nsubj", "attr"}]
    else:
        return []
    return [h for o in objects for h in (o, *o.conjuncts) if h.pos_ != "PRON"]


def _entity_at(doc: Doc, token: Token, label: str) -> Span | None:
    if token.ent_type_ != label:
        return None
    found = ents(doc)
    i = bisect_right(doc._.ent_cache[1], token.i) - 1  # entity starts, sorted
    return found[i] if i >= 0 and found[i].start <= token.i < found[i].end else None


def _nationality(span: Span) -> str | None:
    for token in span:
        if token.ent_type_ == "NORP":
            return token.text
    return None


@Language.factory("incidex_victims_v1", assigns=["doc._.assertions"])
def make_victims(nlp: Language, name: str) -> VictimExtractor:
    return VictimExtractor()
