"""Event types, weapons and targets, coded to the GTD codebook through the knowledge base."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import EventType, Stance, Target, Weapon
from .._doc import (
    SentInfo,
    add_assertion,
    ensure_extensions,
    ents_in,
    lemmas,
    sent_info,
    sentence_of,
    sentences,
    tokens,
)
from ..kb import WeaponClass, default_kb
from ..lexicon import default_lexicon
from .attribution import phrase_of
from .casualties import read_number
from .matching import hypothetical, inflections
from .victims import blocker_of

__all__ = ["TaxonomyExtractor"]

EXTRACTOR_TYPES = "incidex_types_v1"
EXTRACTOR_WEAPONS = "incidex_weapons_v1"
EXTRACTOR_TARGETS = "incidex_targets_v1"
_ARSON_WORDS = {
    "fire",
    "ablaze",
    "alight",
    "arson",
    "torch",
    "torched",
    "flames",
    "firebomb",
    "burned",
    "burnt",
    "arsonist",
}


_NOT_OFFICIAL = {
    "witness",
    "witnesses",
    "resident",
    "residents",
    "survivor",
    "survivors",
    "relative",
    "relatives",
    "neighbour",
    "neighbours",
    "neighbor",
    "neighbors",
    "friend",
    "friends",
    "family",
    "people",
    "person",
    "man",
    "woman",
    "source",
    "sources",
    "attackers",
    "gunmen",
    "militants",
    "group",
}
_POLITICAL = {
    "mp",
    "mps",
    "minister",
    "president",
    "mayor",
    "governor",
    "senator",
    "judge",
    "prosecutor",
    "politician",
    "lawmaker",
    "legislator",
    "councillor",
    "councilor",
    "ambassador",
    "candidate",
    "parliamentarian",
    "congressman",
    "congresswoman",
    "deputy",
    "premier",
    "chancellor",
    "official",
    "leader",
    "commander",
    "general",
}


def _dies(ent: Span) -> Token | None:
    """The verb of which the person is the one who died or was killed (subject of die,
    object of kill); None when there is none."""
    root = ent.root
    node = root
    for _ in range(3):
        if node.dep_ == "appos":
            node = node.head
    head = node.head
    lemma = head.lemma_.lower()
    if node.dep_ in {"nsubj", "nsubjpass"} and lemma in {
        "die",
        "kill",
        "assassinate",
        "shoot",
        "murder",
        "stab",
    }:
        return head if node.dep_ == "nsubjpass" or lemma == "die" else None
    if node.dep_ == "dobj" and lemma in {"kill", "assassinate", "murder", "shoot"}:
        return head
    return None


_EXPLOSION_WORDS = frozenset({"explode", "detonate", "blast", "explosion", "bombing", "attack"})
_AMMUNITION = {
    "cartridge",
    "bullet",
    "round",
    "shell",
    "casing",
    "magazine",
    "ammunition",
    "cartridges",
    "bullets",
    "rounds",
    "shells",
    "casings",
    "magazines",
}


def _not_a_target(span: Span) -> bool:
    """Hits that name no target: a title before a name ("President Putin"), a source ("TASS
    news agency"), an instrument or accompaniment ("armed with", "colliding with")."""
    root = span.root
    if (
        any(t.ent_type_ == "PERSON" for t in span)
        or root.head.ent_type_ == "PERSON"
        and (root.dep_ == "compound")
    ):
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "with":
        return True
    lex = default_lexicon()
    if root.dep_ in {"nsubj", "nsubjpass"} and root.head.lemma_.lower() in lex.speech_verbs:
        return True  # "prosecutors said": a speaker, not a target
    if root.dep_ == "dobj" and root.head.lemma_.lower() in {"tell", "inform", "brief"}:
        return True  # "told reporters"
    if (
        root.dep_ == "pobj"
        and root.head.lower_ == "to"
        and root.head.head.lemma_.lower() in (lex.speech_verbs)
    ):
        return True  # "said to reporters"
    for ancestor in list(root.ancestors)[:3]:
        if ancestor.lower_ == "according":
            return True
    return False


class TaxonomyExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.kb = default_kb()
        self.lex = default_lexicon()
        self.events = {e.name: e for e in self.lex.events}
        self.weapon_by_code = {(w.type_code, w.subtype_code or 0): w for w in self.kb.weapons}
        self.target_by_code = {(t.type_code, t.subtype_code or 0): t for t in self.kb.targets}
        self.official_words = {w for phrase in self.lex.officials for w in phrase.split()} | {
            "minister",
            "president",
            "spokesman",
            "spokeswoman",
            "commissioner",
            "constable",
            "director",
            "general",
            "secretary",
            "senator",
            "governor",
            "mayor",
            "judge",
        }
        # a verb's first word, as lemma or as any regular form ("machinegunned", which the
        # lemmatizer reads "machinegunne") -> (the words after it, the weapon class)
        self.weapon_verbs: dict[str, list[tuple[list[str], WeaponClass]]] = {}
        for w in self.kb.weapons:
            for verb in w.verbs:
                first, *rest = verb.split()
                for form in inflections(first):
                    self.weapon_verbs.setdefault(form, []).append((rest, w))

    def __call__(self, doc: Doc) -> Doc:
        infos = sent_info(doc)
        self._types(doc, infos)
        self._assassination(doc)
        self._weapons(doc)
        self._targets(doc)
        return doc

    def _types(self, doc: Doc, infos: list[SentInfo]) -> None:
        for span in doc.spans["triggers"]:
            _, info = sentence_of(doc, span.start)
            event = self.events[span.label_]
            if event.attack and info.background:
                continue
            # "threatened to blow up", "there will be no more bombings": kept, as told; a
            # sentence denied or doubted stays so ("denied that ... a plot to assassinate")
            told = (
                event.attack
                and info.stance is Stance.asserted
                and hypothetical(span, self.lex.modality_cues)
            )
            add_assertion(
                doc,
                "types",
                span,
                EventType(name=event.name, gtd_code=event.gtd_code, attack=event.attack),
                extractor=EXTRACTOR_TYPES,
                confidence=0.8 if event.attack else 0.7,
                stance=Stance.hypothetical if told else None,
            )
        # a statement by an official, a government or a named person (not by a news outlet,
        # a witness or the attackers' group)
        for info in infos:
            if info.speaker is None or info.speaker_start is None:
                continue
            if self.kb.outlet(info.speaker) is not None or self.kb.group(info.speaker) is not None:
                continue
            head = doc[info.speaker_start]
            phrase = {t.lower_ for t in phrase_of(head)}
            if phrase & _NOT_OFFICIAL:
                continue
            named = head.ent_type_ in {"PERSON", "GPE", "ORG", "NORP"}
            if not (named or phrase & self.official_words):
                continue
            add_assertion(
                doc,
                "types",
                doc[head.i : head.i + 1],
                EventType(name="Official Statement", gtd_code=None, attack=False),
                extractor=EXTRACTOR_TYPES,
                confidence=0.6,
            )

    def _assassination(self, doc: Doc) -> None:
        """A named official or politician killed is an assassination (GTD's first type)."""
        for sent in sentences(doc):
            _, info = sentence_of(doc, sent.start)
            if not info.attack and not any(
                lemma in {"die", "kill"} for lemma in lemmas(doc)[sent.start : sent.end]
            ):
                continue
            # PERSON entities, and proper-noun subjects the small model does not tag
            people = [e for e in ents_in(sent) if e.label_ == "PERSON"]
            people += [
                doc[t.left_edge.i if t.left_edge.pos_ == "PROPN" else t.i : t.i + 1]
                for t in tokens(doc)[sent.start : sent.end]
                if t.pos_ == "PROPN"
                and t.dep_ in {"nsubj", "nsubjpass", "dobj"}
                and not t.ent_type_
            ]
            for ent in people:
                verb = _dies(ent)
                if verb is None:
                    continue
                window = doc[max(sent.start, ent.start - 6) : min(sent.end, ent.end + 16)]
                words = {t.lower_ for t in window}
                if words & _POLITICAL or "member of parliament" in window.text.lower():
                    # "threatened to kill Senator X": told as the trigger types are (_types)
                    told = info.stance is Stance.asserted and hypothetical(
                        doc[verb.i : verb.i + 1], self.lex.modality_cues
                    )
                    add_assertion(
                        doc,
                        "types",
                        ent,
                        EventType(name="Assassination", gtd_code=1, attack=True),
                        extractor=EXTRACTOR_TYPES,
                        confidence=0.6,
                        stance=Stance.hypothetical if told else None,
                    )
                    return

    def _weapons(self, doc: Doc) -> None:
        for span in doc.spans["weapons"]:
            _, info = sentence_of(doc, span.start)
            if not info.attack or ("Threat/Propaganda" in info.events and not info.events_attack):
                continue  # a knife on a propaganda poster is not the attack's weapon
            if span.root.pos_ == "VERB" and not info.events_attack:
                continue  # "firing the winner" in a match report
            type_code, _, subtype_code = span.label_.partition("/")
            weapon = self.weapon_by_code.get((int(type_code), int(subtype_code)))
            if weapon is None:
                continue
            self._add_weapon(
                doc, span, weapon.type, weapon.type_code, weapon.subtype, weapon.subtype_code
            )
        toks = tokens(doc)
        named = {i for span in doc.spans["weapons"] for i in range(span.start, span.end)}
        end = 0
        for i, lemma in enumerate(lemmas(doc)):
            token = toks[i]
            # upper-case wire text: the tagger reads "SHOT", "OPENED" as nouns or names
            if i < end or i in named or not (token.pos_ == "VERB" or token.is_upper):
                continue
            found = self._weapon_verb(toks, i, lemma)
            if found is None:
                continue
            end, weapon = found
            _, info = sentence_of(doc, token.i)
            # any attack word will do ("WAS SHOT DURING THE NIGHT" has no typed trigger);
            # "beat Riverside 2-1" has none and is no weapon
            if info.attack and not info.background:
                self._add_weapon(
                    doc,
                    doc[token.i : end],
                    weapon.type,
                    weapon.type_code,
                    weapon.subtype,
                    weapon.subtype_code,
                    confidence=0.5,
                )
        for span in doc.spans["triggers"]:
            if span.label_ != "Facility/Infrastructure Attack":
                continue
            if not any(t.lower_ in _ARSON_WORDS for t in span):
                continue
            arson = self.weapon_by_code.get((8, 18))
            if arson is not None:
                self._add_weapon(doc, span, arson.type, 8, arson.subtype, 18, confidence=0.75)

    def _weapon_verb(self, toks: list[Token], i: int, lemma: str) -> tuple[int, WeaponClass] | None:
        """The end and weapon class of the longest kb weapon verb starting at token i ("opened
        fire" before "open"), its first word read as lemma or as written."""
        best: tuple[int, WeaponClass] | None = None
        for key in dict.fromkeys((lemma, toks[i].lower_)):
            for rest, weapon in self.weapon_verbs.get(key, ()):
                end = i + 1 + len(rest)
                words = [t.lower_ for t in toks[i + 1 : end]]
                if words == rest and (best is None or end > best[0]):
                    best = (end, weapon)
        return best

    def _add_weapon(
        self,
        doc: Doc,
        span: Span,
        type_: str,
        type_code: int,
        subtype: str | None,
        subtype_code: int | None,
        confidence: float = 0.8,
    ) -> None:
        count = None
        prev = span.start - 1
        if span[-1].lemma_.lower() in _AMMUNITION:
            prev = -1  # "500 spent cartridges" counts rounds, not weapons
        if prev >= 0:
            number = read_number(doc, prev, self.lex)
            if number is not None and not number.vague and number.end == span.start:
                count = number.value
        model = (
            span.text
            if any(ch.isdigit() for ch in span.text)
            or (span[0].is_title and span[0].pos_ == "PROPN")
            else None
        )
        add_assertion(
            doc,
            "weapons",
            span,
            Weapon(
                type=type_,
                type_code=type_code,
                subtype=subtype,
                subtype_code=subtype_code or None,
                model=model,
                count=count,
            ),
            extractor=EXTRACTOR_WEAPONS,
            confidence=confidence,
        )

    def _attack_tokens(self, doc: Doc) -> set[int]:
        """Tokens that name the attack: attack triggers, attack and explosion verbs."""
        found = {
            i
            for span in doc.spans["triggers"]
            if (event := self.events.get(span.label_)) is not None and event.attack
            for i in range(span.start, span.end)
        }
        words = self.lex.target_verbs | self.lex.victim_verbs.keys() | _EXPLOSION_WORDS
        generic = self.lex.generic_attack_lemmas
        for i, lemma in enumerate(lemmas(doc)):
            if lemma in words or lemma in generic:
                found.add(i)
            elif lemma == "go" and any(c.lower_ == "off" for c in doc[i].children):
                found.add(i)  # "a bomb went off at the market"
        return found

    def _attacked(self, span: Span, attack: set[int]) -> bool:
        """The span is what was attacked, not merely mentioned: object or passive subject of
        an attack word ("bombed the embassy", "the post was attacked"), after "on", "at"...
        of one ("attack on a police post", "exploded at the market"), after "of" of an attack
        noun ("the bombing of the embassy"), or its modifier ("embassy bombing", "the
        embassy's bombing")."""
        node = span.root
        for _ in range(3):  # "the embassy and the consulate", "the post, a barracks"
            if node.dep_ not in {"conj", "appos"}:
                break
            node = node.head
        head = node.head
        if node.dep_ == "nsubj" and head.lemma_.lower() == "die":
            return True  # "Jo Cox, a member of parliament, died"
        if node.dep_ in {"dobj", "nsubjpass", "compound", "poss", "npadvmod"}:
            word = head
        elif node.dep_ == "pobj" and head.lower_ in self.lex.target_preps:
            word = head.head if head.head.i in attack else head.head.head
        elif node.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
            word = head.head  # "the bombing of the federal building"
        else:
            return False
        return word.i in attack and blocker_of(word) != "skip"

    def _targets(self, doc: Doc) -> None:
        attack = self._attack_tokens(doc)
        for span in doc.spans["targets"]:
            _, info = sentence_of(doc, span.start)
            if not info.attack or info.background:
                continue
            if not self._attacked(span, attack):
                continue  # a place or group merely mentioned in the story
            if "Threat/Propaganda" in info.events and not info.events_attack:
                continue
            if _not_a_target(span) or any(
                o.start <= span.start < o.end for o in doc.spans["outlets"]
            ):
                continue
            type_code, _, subtype_code = span.label_.partition("/")
            target = self.target_by_code.get((int(type_code), int(subtype_code)))
            if target is None:
                continue
            add_assertion(
                doc,
                "targets",
                span,
                Target(
                    type=target.type,
                    type_code=target.type_code,
                    subtype=target.subtype,
                    subtype_code=target.subtype_code or None,
                    entity=span.text,
                ),
                extractor=EXTRACTOR_TARGETS,
                confidence=0.7,
            )


@Language.factory(
    "incidex_taxonomy_v1",
    assigns=["doc._.assertions"],
)
def make_taxonomy(nlp: Language, name: str) -> TaxonomyExtractor:
    return TaxonomyExtractor()
