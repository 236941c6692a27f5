"""Who: perpetrator groups and individuals, responsibility claims and disputes, suspects and
legal steps, threats and propaganda.

Groups are resolved to canonical names through the knowledge base ("IS-Khorasan" ->
"Islamic State - Khorasan Province", part of "Islamic State"); "the group" refers back to the
last group named. A claim keeps who made it, through which outlet and channel; a confirmation,
a denial, a doubt and an attribution elsewhere each keep who said so.
"""

from __future__ import annotations

from collections.abc import Container, Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import Claim, EventType, LegalStep, Perpetrator, Stance, Threat
from .._doc import (
    SentInfo,
    add_assertion,
    ensure_extensions,
    ents,
    ents_in,
    lemmas,
    sent_bounds,
    sent_info,
    sentences,
    tokens,
)
from ..gazetteer import default_gazetteer
from ..kb import default_kb
from ..lexicon import default_lexicon
from .attribution import actor_name, phrase_of
from .casualties import read_number
from .matching import negated

__all__ = ["ActorExtractor"]

EXTRACTOR = "incidex_actors_v1"
_GROUP_REFS = {"group", "organization", "organisation", "movement", "network", "militia"}


def _words(doc: Doc, sent: Span) -> zip[tuple[Token, str]]:
    """The sentence's tokens with their lower-cased lemmas (both made once per document)."""
    return zip(tokens(doc)[sent.start : sent.end], lemmas(doc)[sent.start : sent.end], strict=True)


class ActorExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.lex = default_lexicon()
        self.kb = default_kb()
        self.perp_nouns = {p for p in self.lex.perpetrator_nouns if " " not in p}
        self.perp_phrases = [p.split() for p in self.lex.perpetrator_nouns if " " in p]

    # ---- helpers ----

    def _group_at(self, doc: Doc, token: Token) -> tuple[str, str | None] | None:
        """The canonical group a token belongs to (or refers back to with 'the group')."""
        for span in doc.spans["groups"]:
            if (
                span.start <= token.i < span.end
                or (
                    token.head.i in range(span.start, span.end)
                    and token.dep_ in {"compound", "poss"}
                )
                # "the Peruvian guerrilla movement Tupac Amaru Revolutionary Movement": the name
                # in apposition is the noun's
                or (span.root.head.i == token.i and span.root.dep_ == "appos")
            ):
                return self._canonical(span)
        if token.lower_ in _GROUP_REFS or token.lower_ in {"it", "its"}:
            previous = [s for s in doc.spans["groups"] if s.end <= token.i]
            if previous:
                return self._canonical(previous[-1])
        return None

    def _canonical(self, span: Span) -> tuple[str, str | None]:
        group = self.kb.group(span.text)
        if group is None:
            return span.label_, None
        ancestors = self.kb.ancestors(group.name)
        return group.name, ancestors[0] if ancestors else None

    def _groups_in(self, doc: Doc, span: Span) -> list[tuple[Span, str, str | None]]:
        return [
            (g, *self._canonical(g))
            for g in doc.spans["groups"]
            if g.start >= span.start and g.end <= span.end
        ]

    # ---- main ----

    def __call__(self, doc: Doc) -> Doc:
        infos = sent_info(doc)
        for sent, info in zip(sentences(doc), infos, strict=False):
            self._claims(doc, sent, info)
            self._perpetrators(doc, sent, info)
            self._legal(doc, sent, info)
            self._threats(doc, sent, info)
            self._copula_nationality(doc, sent)
        return doc

    def _perpetrators(self, doc: Doc, sent: Span, info: SentInfo) -> None:
        about_attack = info.attack or bool(info.events & {"Claim of Responsibility"})
        if "Threat/Propaganda" in info.events and not info.events_attack:
            return
        official = info.speaker is not None and self.kb.outlet(info.speaker) is None
        for span, name, parent in self._groups_in(doc, sent):
            if not (about_attack or official or _blamer(span)):
                continue
            if (
                _in_claim_context(span)
                or info.speaker is not None
                and info.stance != Stance.asserted
            ):
                continue  # the claims extractor records these with their stance
            if _is_object_of_doubt(span) or self._withholds_claim(span):
                continue
            if info.speaker_start is not None and span.start <= info.speaker_start < span.end:
                continue  # the group speaking: its statement is a claim or denial, recorded so
            add_assertion(
                doc,
                "perpetrators",
                span,
                Perpetrator(group=name, parent=parent),
                extractor=EXTRACTOR,
                confidence=0.6,
                speaker=_blamer(span),  # who accuses the group, else the sentence's speaker
            )
        for token in tokens(doc)[sent.start : sent.end]:
            if token.lower_ not in self.perp_nouns and not self._armed_individuals(token):
                continue
            if token.dep_ == "compound":
                continue
            count, number_token = self._count(doc, token)
            nationality = self._nationality(doc, token)
            names = self._names(doc, token, {"appos"})
            if count is None and nationality is None and not names and not self._acts(token):
                continue
            start = number_token.i if number_token is not None else token.i
            start = min(start, token.left_edge.i)
            span = doc[start : token.i + 1]
            add_assertion(
                doc,
                "perpetrators",
                span,
                Perpetrator(
                    count=count, nationality=nationality, names=names, description=token.lower_
                ),
                extractor=EXTRACTOR,
                confidence=0.7,
            )
        if info.attack and not info.background:
            self._named_attackers(doc, sent)
        # "He attributed the attack to 'radical Islamists'": a perpetrator asserted by a speaker
        for token, lemma in _words(doc, sent):
            if lemma in {"attribute", "blame"} and token.pos_ == "VERB":
                target = _attributed_to(token)
                if target is not None:
                    speaker = info.speaker or _subject_name(token)
                    description = target.text.strip("“”\"' ")
                    add_assertion(
                        doc,
                        "perpetrators",
                        target,
                        Perpetrator(description=description),
                        extractor=EXTRACTOR,
                        confidence=0.6,
                        speaker=speaker,
                        stance=Stance.asserted,
                    )
                    add_assertion(
                        doc,
                        "claims",
                        doc[token.i : target.end],
                        Claim(kind="attributed", by=speaker, alternative=description),
                        extractor=EXTRACTOR,
                        confidence=0.6,
                        speaker=speaker,
                        stance=Stance.asserted,
                    )
        # "Putin stated that the attackers were heading to Ukraine": a speaker pointing elsewhere
        if info.speaker is not None:
            for token, lemma in _words(doc, sent):
                if lemma not in self.lex.motion_verbs or token.pos_ != "VERB":
                    continue
                subj = next((c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
                if subj is None or subj.lower_ not in self.perp_nouns:
                    continue
                for prep in token.children:
                    if prep.dep_ != "prep" or prep.lower_ not in {"to", "toward", "towards"}:
                        continue
                    for obj in prep.children:
                        if obj.dep_ == "pobj" and obj.ent_type_ in {"GPE", "LOC"}:
                            place = next(e for e in ents(doc) if e.start <= obj.i < e.end)
                            add_assertion(
                                doc,
                                "claims",
                                doc[token.i : place.end],
                                Claim(kind="attributed", by=info.speaker, alternative=place.text),
                                extractor=EXTRACTOR,
                                confidence=0.5,
                                speaker=info.speaker,
                                stance=Stance.asserted,
                            )

    def _count(self, doc: Doc, token: Token) -> tuple[int | None, Token | None]:
        """'four individuals', 'SOME 40 SHINING PATH TERRORISTS', 'a lone gunman' (1)."""
        for child in token.children:
            if child.dep_ == "nummod" or child.like_num:
                number = read_number(doc, child.i, self.lex)
                if number is not None and not number.vague:
                    return number.value, child
        # a number a few words before, over adjectives and a group's name (weak parse)
        for i in range(token.i - 1, max(sent_bounds(doc, token.i)[0], token.i - 5) - 1, -1):
            number = read_number(doc, i, self.lex)
            if number is not None and not number.vague and number.value > 1:
                return number.value, doc[i]
            if doc[i].pos_ not in {"ADJ", "PROPN", "NOUN"} and not doc[i].is_upper:
                break
        if token.tag_ == "NN" and token.lower_ in self.perp_nouns | {"man", "woman"}:
            dets = {c.lower_ for c in token.children if c.dep_ in {"det", "amod"}}
            if dets & {"a", "an", "the", "lone", "single"} and not self._plural_perps(doc):
                return 1, None
        return None, None

    def _acts(self, token: Token) -> bool:
        """The word is who attacked: subject of an attack verb ("gunmen opened fire", "a
        suicide bomber blew himself up") or its agent ("killed by militants")."""
        node = token
        if node.dep_ == "conj":
            node = node.head  # "gunmen and a suicide bomber stormed ..."
        if node.dep_ == "pobj" and node.head.dep_ == "agent":
            verb = node.head.head
        elif node.dep_ == "nsubj":
            verb = node.head
        else:
            return False
        if any(c.dep_ == "neg" for c in verb.children):
            return False
        lemma = verb.lemma_.lower()
        if lemma in self.lex.attacker_verbs:
            return True
        objects = self.lex.attacker_light_verbs.get(lemma, frozenset())
        return any(c.dep_ == "dobj" and c.lower_ in objects for c in verb.children)

    def _named_attackers(self, doc: Doc, sent: Span) -> None:
        """'Khalid Masood stabbed a police officer': a named person as the attacker."""
        for ent in ents_in(sent):
            if ent.label_ != "PERSON" or ent.root.dep_ not in {"nsubj", "conj"}:
                continue
            if self.kb.nationality(ent.text) is not None or not self._acts(ent.root):
                continue
            add_assertion(
                doc,
                "perpetrators",
                ent,
                Perpetrator(names=[ent.text], count=1),
                extractor=EXTRACTOR,
                confidence=0.6,
            )

    def _plural_perps(self, doc: Doc) -> bool:
        return any(t.tag_ == "NNS" and t.lower_ in self.perp_nouns for t in doc)

    def _armed_individuals(self, token: Token) -> bool:
        """'Four individuals armed with rifles', 'three armed men'."""
        if token.lower_ not in {
            "individuals",
            "individual",
            "men",
            "man",
            "people",
            "persons",
            "youths",
            "woman",
            "women",
        }:
            return False
        return any(
            c.lower_ in {"armed", "masked", "hooded", "unidentified"} for c in token.children
        )

    def _names(self, doc: Doc, token: Token, deps: set[str]) -> list[str]:
        """PERSON names in apposition to a noun ("two men, Ali X and Omar Y"), not demonyms."""
        demonyms = {(s.start, s.end) for s in doc.spans["nationalities"]}
        names = []
        for ent in ents(doc):
            if ent.label_ != "PERSON" or (ent.start, ent.end) in demonyms:
                continue
            if self.kb.nationality(ent.text) is not None:
                continue
            if ent.root.head == token and ent.root.dep_ in deps:
                names.append(ent.text)
                conjuncts = {c.i for c in ent.root.conjuncts if c.ent_type_ == "PERSON"}
                # the whole name of each conjunct ("Ahmed Khan and John Smith")
                names.extend(e.text for e in ents(doc) if e.root.i in conjuncts)
        return names

    def _listed_names(self, doc: Doc, including: Token) -> list[str]:
        """The names listed after "including": every proper name in the list, also those
        the small model tags ORG ("Eva Forest"), unless a known group; not the names of
        relatives ("wife of the playwright Alfonso Sastre")."""
        lo, hi = including.i, including.right_edge.i
        names = []
        for ent in ents(doc):
            if not (lo < ent.start and ent.end <= hi + 1) or ent.label_ not in {"PERSON", "ORG"}:
                continue
            if ent.label_ == "ORG" and (
                self.kb.group(ent.text) is not None or any(t.pos_ != "PROPN" for t in ent)
            ):
                continue
            if ent.root.dep_ == "pobj" and ent.root.head.lower_ == "of":
                continue
            names.append(ent.text)
        return names

    @staticmethod
    def _legal_agent(doc: Doc, verb: Token, who: Token | None) -> str | None:
        """Who made the arrest: the agent of a passive ("detained by intelligence forces")
        or the subject of an active verb ("police arrested two men")."""
        agent = None
        for child in verb.children:
            if child.dep_ == "agent":
                agent = next((c for c in child.children if c.dep_ == "pobj"), None)
            elif child.dep_ == "nsubj" and who is not None and who.dep_ == "dobj":
                agent = child
        if agent is None or agent.pos_ not in {"NOUN", "PROPN", "PRON"}:
            return None
        return doc[agent.left_edge.i : agent.i + 1].text

    def _nationality(self, doc: Doc, token: Token) -> str | None:
        """'four Tajik nationals', 'a Libyan man', 'a man from Uzbekistan', 'the gunman, ...
        a 50-year-old Iranian-born cleric'."""
        spans = [(token.left_edge.i, token.i)]  # left modifiers: "four Tajik nationals"
        for child in token.children:  # appositions: "the gunman, ... an Iranian-born cleric"
            if child.dep_ == "appos":
                spans.append((child.left_edge.i, child.right_edge.i))
                spans.extend((g.left_edge.i, g.i) for g in child.children if g.dep_ == "appos")
        for span in doc.spans["nationalities"]:
            if any(lo <= span.start <= hi for lo, hi in spans) or span.root.head == token:
                found = self.kb.nationality(span.text)
                if found is not None:
                    return found.demonym
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "from":
                for obj in child.children:
                    country = default_gazetteer().country(obj.text) if obj.dep_ == "pobj" else None
                    if country is not None:
                        demonym = self._demonym(country.code)
                        if demonym:
                            return demonym
        return None

    def _demonym(self, code: str) -> str | None:
        return next((n.demonym for n in self.kb.nationalities if n.country_code == code), None)

    def _copula_nationality(self, doc: Doc, sent: Span) -> None:
        """'the suspect was a Libyan man', 'Both are Filipinos'."""
        for token, lemma in _words(doc, sent):
            if lemma != "be" or token.lemma_ != "be":
                continue
            subj = next((c for c in token.children if c.dep_ == "nsubj"), None)
            attr = next((c for c in token.children if c.dep_ == "attr"), None)
            if subj is None or attr is None:
                continue
            if subj.lower_ not in self.perp_nouns | {"suspect", "suspects", "both", "they"}:
                continue
            nationality = self._nationality(doc, attr)
            if nationality is None and attr.lower_ in {
                n.demonym.lower() for n in self.kb.nationalities
            }:
                found = self.kb.nationality(attr.text)
                nationality = found.demonym if found else None
            if nationality is None:
                continue
            add_assertion(
                doc,
                "perpetrators",
                doc[subj.i : attr.i + 1],
                Perpetrator(nationality=nationality, description=subj.lower_),
                extractor=EXTRACTOR,
                confidence=0.6,
            )

    def _claims(self, doc: Doc, sent: Span, info: SentInfo) -> None:
        for token, lemma in _words(doc, sent):
            kind = self._claim_kind(token, lemma)
            if kind is None or negated(doc[token.i : token.i + 1]):
                continue  # "No group has claimed responsibility"
            blocker = self.lex.claim_blockers.get(token.head.lemma_.lower())
            if token.dep_ == "xcomp" and blocker is not None:
                if blocker == "none" or kind != "claimed":
                    continue  # "declined to claim it": neither a claim nor a denial
                kind = "denied"  # "refused to accept responsibility"
            self._claim(doc, sent, info, token, kind)
        self._statement_claim(doc, sent, info)

    def _claim_kind(self, token: Token, lemma: str) -> str | None:
        """The kind of claim the word makes (lexicon ``claim_verbs``), when it has the object
        that makes it one (``claim_objects``: "claimed responsibility", "denied any role")."""
        kind = self.lex.claim_verbs.get(lemma)
        if kind is None or (lemma in _VERB_ONLY and token.pos_ != "VERB"):
            return None
        objects = self.lex.claim_objects.get(lemma)
        if objects is None:
            return kind
        if lemma == _ADMIT:  # "admitted to the attack", "admitted responsibility": any child
            return kind if any(c.lower_ in objects for c in token.children) else None
        return kind if _has_object(token, objects) else None

    def _claim(self, doc: Doc, sent: Span, info: SentInfo, verb: Token, kind: str) -> None:
        subj = _subject_of(verb, self.lex.claim_blockers) or _named_before(doc, sent, verb)
        by: str | None = None
        group: tuple[str, str | None] | None = None
        if subj is not None:
            group = self._group_at(doc, subj)
            by = group[0] if group is not None else actor_name(phrase_of(subj))
            if subj.lower_ in {"he", "she"}:
                by = info.speaker
        else:
            by = info.speaker  # "Putin stated ..., expressing doubt about ..."
        # the group the claim is about: in the verb's subtree (or the claimant itself)
        subtree = doc[verb.left_edge.i : verb.right_edge.i + 1]
        about = [g for g in self._groups_in(doc, subtree) if subj is None or g[0].root != subj]
        if kind in {"confirmed", "denied", "doubted"}:
            mentioned = [g for g in about]
            if mentioned:
                group = (mentioned[-1][1], mentioned[-1][2])
            else:
                for t in subtree:
                    if t.lower_ in _GROUP_REFS and t.i != (subj.i if subj is not None else -1):
                        group = self._group_at(doc, t)
                        break
                if kind == "confirmed" and group is None:
                    return  # "police confirmed the toll" is not about responsibility
        if group is None:
            return
        via = channel = None
        for hit in doc.spans["outlets"]:
            if hit.start >= sent.start and hit.end <= sent.end:
                outlet = self.kb.outlet(hit.text)
                if outlet is None:
                    continue
                if outlet.kind == "platform":
                    channel = channel or outlet.name
                elif kind == "claimed":
                    via = via or outlet.name
        if kind != "claimed":
            via = channel = None
        stance = {
            "claimed": Stance.claimed,
            "confirmed": Stance.confirmed,
            "denied": Stance.denied,
            "doubted": Stance.doubted,
        }[kind]
        span = doc[verb.i : verb.i + 1]
        add_assertion(
            doc,
            "claims",
            span,
            Claim(kind=kind, by=by, group=group[0], via=via, channel=channel),  # type: ignore[arg-type]
            extractor=EXTRACTOR,
            confidence=0.75,
            speaker=by if kind != "claimed" else None,
            stance=Stance.asserted if kind == "claimed" else stance,
        )
        # The perpetrator's text is the group as named, not the verb ("accepted").
        named = [g for g in doc.spans["groups"] if subj is not None and g.start <= subj.i < g.end]
        mention = next(
            (g for g in (*named, *(a[0] for a in reversed(about))) if self._canonical(g) == group),
            span,
        )
        add_assertion(
            doc,
            "perpetrators",
            mention,
            Perpetrator(group=group[0], parent=group[1]),
            extractor=EXTRACTOR,
            confidence=0.7,
            speaker=by,
            stance=stance,
        )

    def _withholds_claim(self, span: Span) -> bool:
        """'The Taliban refused to accept (declined to claim) responsibility': the claims
        extractor records the denial; the group is not asserted to be the perpetrator."""
        verb = span.root.head
        return (
            span.root.dep_ in {"nsubj", "nsubjpass"}
            and verb.lemma_.lower() in self.lex.claim_blockers
            and any(
                c.dep_ == "xcomp"
                and (
                    c.lemma_.lower() in self.lex.withheld_claim_verbs
                    or _has_object(c, self.lex.withheld_claim_objects)
                )
                for c in verb.children
            )
        )

    def _statement_claim(self, doc: Doc, sent: Span, info: SentInfo) -> None:
        """A group saying it carried out the attack: 'al-Shabaab said in a statement that it
        had killed 30 soldiers'."""
        if info.speaker is None or not (info.attack or info.events_attack):
            return
        group = self.kb.group(info.speaker)
        if group is None:
            return
        via = channel = None
        for hit in doc.spans["outlets"]:
            if sent.start <= hit.start and hit.end <= sent.end:
                outlet = self.kb.outlet(hit.text)
                if outlet is not None and outlet.kind == "platform":
                    channel = channel or outlet.name
                elif outlet is not None:
                    via = via or outlet.name
        cue = (
            doc[info.speaker_start : info.speaker_start + 1]
            if info.speaker_start is not None
            else sent
        )
        ancestors = self.kb.ancestors(group.name)
        denied = self._denies_attack(doc, sent)  # "... said it had not carried out the attack"
        kind, stance = ("denied", Stance.denied) if denied else ("claimed", Stance.claimed)
        add_assertion(
            doc,
            "claims",
            cue,
            Claim(
                kind=kind,
                by=group.name,
                group=group.name,
                via=None if denied else via,
                channel=None if denied else channel,
            ),
            extractor=EXTRACTOR,
            confidence=0.65,
            speaker=group.name,
            stance=stance,
        )
        add_assertion(
            doc,
            "perpetrators",
            cue,
            Perpetrator(group=group.name, parent=ancestors[0] if ancestors else None),
            extractor=EXTRACTOR,
            confidence=0.65,
            speaker=group.name,
            stance=stance,
        )
        if denied:
            return
        add_assertion(
            doc,
            "types",
            cue,
            EventType(name="Claim of Responsibility", gtd_code=None, attack=False),
            extractor=EXTRACTOR,
            confidence=0.65,
        )

    def _denies_attack(self, doc: Doc, sent: Span) -> bool:
        """A negated verb whose clause names the attack, other than the verb of saying: 'said it
        had not carried out the attack', 'said it was not behind the bombing'."""
        triggers = [t for t in doc.spans["triggers"] if sent.start <= t.start < sent.end]
        for token in sent:
            head = token.head
            if token.dep_ != "neg" or head.lemma_.lower() in self.lex.speech_verbs:
                continue
            lo, hi = head.left_edge.i, head.right_edge.i + 1
            if any(lo <= t.start and t.end <= hi for t in triggers) or any(
                t.lemma_.lower() in self.lex.generic_attack_lemmas for t in doc[lo:hi]
            ):
                return True
        return False

    def _legal(self, doc: Doc, sent: Span, info: SentInfo) -> None:
        steps = self.lex.legal_steps
        for token, lemma in _words(doc, sent):
            step = steps.get(lemma)
            if lemma == "find" and any(c.lower_ == "guilty" for c in token.children):
                step = "convicted"
            if step is None or token.pos_ not in {"VERB", "ADJ"}:
                continue
            if lemma == "hold" and not _CUSTODY_WORDS & {t.lower_ for t in sent}:
                continue  # "the venue holds 21,000 people", "held a vigil"
            if (
                lemma == "charge"
                and not any(c.lower_ == "with" for c in token.children)
                and not any(c.dep_ == "nsubjpass" for c in token.children)
            ):
                continue  # "in charge of"
            # who: the passive subject ("four Tajik nationals were charged"), the object
            # ("police arrested two men"), or the noun an adjectival participle modifies
            # ("the apprehended attackers")
            who = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
            if who is None:
                who = next((c for c in token.children if c.dep_ == "dobj"), None)
            if who is None and token.dep_ == "amod":
                who = token.head
            if who is None and token.dep_ in {"advcl", "conj"}:
                who = next(
                    (c for c in token.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None
                )
                if who is not None and who.dep_ == "nsubj" and step != "confessed":
                    who = None
            if step == "confessed":
                who = who or next((c for c in token.children if c.dep_ == "nsubj"), None)
            count = None
            names: list[str] = []
            nationality = None
            if who is not None:
                for child in who.children:
                    if child.dep_ == "nummod" or child.like_num:
                        number = read_number(doc, child.i, self.lex)
                        if number is not None and not number.vague:
                            count = number.value
                if (
                    count is None
                    and who.tag_ == "NN"
                    and any(c.lower_ in {"a", "an", "one"} for c in who.children)
                ):
                    count = 1  # "police arrested a 52-year-old man"
                nationality = self._nationality(doc, who)
                names = self._names(doc, who, {"appos", "compound"})
                # the subject is itself a name ("General Hector Hernández was detained")
                heads = {who.i, *(c.i for c in who.conjuncts)}
                names += [
                    e.text
                    for e in ents(doc)
                    if e.label_ == "PERSON" and e.root.i in heads and e.text not in names
                ]
            elif step not in {"arrested", "detained", "charged"}:
                continue
            for including in (*token.children, *(who.children if who is not None else ())):
                if including.lower_ == "including":  # "were arrested, including Eva Forest"
                    names += [n for n in self._listed_names(doc, including) if n not in names]
            charge = None
            for child in token.children:
                if child.lower_ in {"with", "for"} and step in {
                    "charged",
                    "convicted",
                    "sentenced",
                }:
                    objs = [c for c in child.children if c.dep_ == "pobj"]
                    if objs:
                        charge = doc[objs[0].left_edge.i : objs[0].right_edge.i + 1].text
            by = None if step == "confessed" else self._legal_agent(doc, token, who)
            span = doc[token.i : token.i + 1]
            if who is not None:
                lo = min(token.i, who.left_edge.i)
                hi = max(token.i, who.i)
                if hi - lo < 12:
                    span = doc[lo : hi + 1]
            add_assertion(
                doc,
                "suspects",
                span,
                LegalStep(
                    step=step,
                    count=count,
                    nationality=nationality,
                    names=names,  # type: ignore[arg-type]
                    charge=charge,
                    by=by,
                ),
                extractor=EXTRACTOR,
                confidence=0.75,
            )

    def _threats(self, doc: Doc, sent: Span, info: SentInfo) -> None:
        if "Threat/Propaganda" not in info.events:
            return
        form_token = next(
            (
                t
                for t in tokens(doc)[sent.start : sent.end]
                if t.lemma_.lower() in self.lex.threat_forms and t.pos_ in {"NOUN", "PROPN"}
            ),
            None,
        )
        if form_token is None:
            return
        form = form_token.lemma_.lower()
        text = sent.text.lower()
        medium = next(
            (
                m
                for m in self.lex.media_words
                if m in text
                and any(
                    t.lower_ == m.split()[-1] and t.head.lower_ in {"on", "across", "via"}
                    for t in sent
                )
            ),
            None,
        )
        actor = linked = None
        relayed: list[str] = []
        for hit in doc.spans["outlets"]:
            if not (hit.start >= sent.start and hit.end <= sent.end):
                continue
            outlet = self.kb.outlet(hit.text)
            if outlet is None:
                continue
            if outlet.kind == "propaganda":
                actor = outlet.name
                linked = outlet.affiliation
            elif outlet.kind == "platform":
                medium = outlet.name
            elif _is_relay(hit.root, self.lex.relay_verbs):
                relayed.append(outlet.name)
        groups = self._groups_in(doc, sent)
        if linked is None and groups:
            linked = groups[0][1]
        for token in tokens(doc)[sent.start : sent.end]:
            if token.dep_ == "agent" and token.head.lemma_.lower() in self.lex.relay_verbs:
                for obj in token.children:
                    if obj.dep_ == "pobj":
                        name = actor_name(phrase_of(obj))
                        for conj in [obj, *obj.conjuncts]:
                            n = actor_name(phrase_of(conj)) if conj is not obj else name
                            if n not in relayed and n != actor:
                                relayed.append(n)
        targets: list[str] = []
        for token, lemma in _words(doc, sent):
            if lemma in {"threaten", "aim", "target", "direct"} or token.lower_ in {"against"}:
                for desc in token.subtree:
                    if desc.ent_iob_ == "B" and desc.ent_type_ in {"GPE", "PERSON", "NORP", "ORG"}:
                        ent = next(e for e in ents(doc) if e.start == desc.i)
                        name = actor_name(ent)
                        if name not in targets and name != actor:
                            targets.append(name)
        add_assertion(
            doc,
            "threats",
            doc[form_token.i : form_token.i + 1],
            Threat(
                form=form,
                medium=medium,
                actor=actor,
                linked_group=linked,
                targets=targets,
                relayed_by=relayed,
            ),
            extractor=EXTRACTOR,
            confidence=0.7,
        )


_CUSTODY_WORDS = {
    "custody",
    "suspicion",
    "questioning",
    "remand",
    "remanded",
    "detention",
    "charge",
    "charges",
    "incommunicado",
    "police",
}


# grammar of the claim words: "the claim", "a confirmed report" (noun, adjective) make none;
# "admitted" takes its object as the parser hangs it ("admitted to", a bare object)
_VERB_ONLY = frozenset({"claim", "confirm", "verify"})
_ADMIT = "admit"


def _has_object(verb: Token, words: Container[str]) -> bool:
    for child in verb.children:
        if child.dep_ in {"dobj", "attr", "pobj", "nsubjpass"} and child.lower_ in words:
            return True
        if child.dep_ == "prep":
            if any(g.lower_ in words for g in child.children if g.dep_ == "pobj"):
                return True
    return False


def _named_before(doc: Doc, sent: Span, verb: Token) -> Token | None:
    """A group named right before a verb the parser left without a subject, with only
    adverbs and punctuation between ("... MOVEMENT (MRTA) TODAY CLAIMED RESPONSIBILITY",
    all-capitals wire text that the parser misreads): the group is the subject."""
    for span in doc.spans["groups"]:
        if span.start < sent.start or span.end > verb.i:
            continue
        between = doc[span.end : verb.i]
        if all(t.dep_ in _BETWEEN_SUBJECT_AND_VERB or t.is_punct for t in between):
            return span.root
    return None


_BETWEEN_SUBJECT_AND_VERB = frozenset({"advmod", "npadvmod", "aux", "punct"})


def _subject_of(verb: Token, blockers: Mapping[str, str]) -> Token | None:
    """The verb's subject, or for 'X refused to accept ...' the subject of the blocking verb
    it completes (not of any verb: 'the group had to admit' is no claim by anyone)."""
    climb = verb.dep_ == "xcomp" and verb.head.lemma_.lower() in blockers
    for node in (verb, verb.head) if climb else (verb,):
        subj = next((c for c in node.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is not None:
            return subj
    return None


def _in_claim_context(span: Span) -> bool:
    head = span.root
    lemmas = default_lexicon().claim_context_lemmas
    for _ in range(4):
        if head.lemma_.lower() in lemmas:
            return True
        if head.head is head:
            break
        head = head.head
    return False


def _is_object_of_doubt(span: Span) -> bool:
    lemmas = default_lexicon().doubt_object_lemmas
    return any(t.lemma_.lower() in lemmas for t in span.root.ancestors)


def _blamer(span: Span) -> str | None:
    """'Police blamed Boko Haram', 'police attributed the attack to Boko Haram': the subject
    of blame/accuse/suspect whose object is the group, or of attribute/blame whose 'to' or
    'on' names it."""
    lex = default_lexicon()
    root = span.root
    head = root.head
    if root.dep_ == "dobj" and head.lemma_.lower() in lex.blame_object_verbs:
        return _subject_name(head)
    if (
        root.dep_ == "pobj"
        and head.lower_ in {"to", "on"}
        and head.head.lemma_.lower() in lex.blame_to_verbs
    ):
        return _subject_name(head.head)
    return None


def _attributed_to(verb: Token) -> Span | None:
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in {"to", "on"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return phrase_of(obj)
    return None


def _subject_name(verb: Token) -> str | None:
    subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subj is None and verb.dep_ == "conj" and verb.head.pos_ in {"VERB", "AUX"}:
        # "Cristiani condemned the killing and accused the FMLN": the first verb's subject
        subj = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
    return actor_name(phrase_of(subj)) if subj is not None else None


def _is_relay(token: Token, relay_verbs: frozenset[str]) -> bool:
    node = token
    for _ in range(3):
        node = node.head
        if node.lemma_.lower() in relay_verbs:
            return True
    return False


@Language.factory("incidex_actors_v1", assigns=["doc._.assertions"])
def make_actors(nlp: Language, name: str) -> ActorExtractor:
    return ActorExtractor()
