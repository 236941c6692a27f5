"""Who says what: the speaker and stance of every sentence.

"according to TASS news agency" -> TASS; "as reported by Newsweek" -> Newsweek; "President
Vladimir Putin stated that ..." -> Vladimir Putin; "He attributed ..." -> the last named
speaker. Sentences without a cue keep speaker None: the article's outlet speaks.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import Stance
from .._doc import ensure_extensions, ents, ents_in, lemmas, lowers, sent_info, sentences, tokens
from ..kb import default_kb
from ..lexicon import default_lexicon

__all__ = ["Attribution", "actor_name", "phrase_of"]

PRONOUNS = {"he", "she", "they", "it", "him", "her", "them"}
_DROP_LEFT = {"the", "a", "an", "its", "their", "his", "her", "this", "that", "these", "those"}
_TITLES = {
    "president",
    "prime",
    "minister",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "mr",
    "mrs",
    "ms",
    "dr",
    "general",
    "gen",
    "colonel",
    "col",
    "chief",
    "commander",
    "secretary",
    "senator",
    "governor",
    "mayor",
    "king",
    "queen",
    "prince",
    "sheikh",
    "pope",
    "chancellor",
    "lieutenant",
}


def phrase_of(token: Token) -> Span:
    """The noun phrase headed by ``token`` without relative clauses and trailing appositions."""
    doc = token.doc
    left = token.left_edge.i
    right = token.i
    for child in token.rights:
        if child.dep_ in {"compound", "flat", "nummod", "amod", "nmod", "poss"} or (
            child.dep_ == "appos" and child.pos_ == "PROPN"  # "the Islamist group al-Shabaab"
        ):
            right = max(right, child.right_edge.i)
    while left < token.i and (doc[left].lower_ in _DROP_LEFT or doc[left].is_punct):
        left += 1
    # stop the left edge at a comma or a relative clause boundary
    for i in range(token.i - 1, left - 1, -1):
        if doc[i].is_punct and (
            doc[i].text not in {"-", "'", "’"} or doc[i].whitespace_ or doc[i - 1].whitespace_
        ):
            left = i + 1
            break
    return doc[left : right + 1]


def actor_name(span: Span) -> str:
    """A readable, canonical name for the actor a phrase names."""
    kb = default_kb()
    doc = span.doc
    for key, lookup in (("outlets", kb.outlet), ("groups", kb.group)):
        for hit in doc.spans[key] if key in doc.spans else []:
            if hit.start >= span.start and hit.end <= span.end:
                found = lookup(hit.text)
                if found is not None:
                    return found.name
    root = span.root
    for ent in ents_in(span):  # a person named anywhere in the phrase is the speaker
        if ent.label_ == "PERSON":
            return _full_person(doc, ent)
    for ent in ents_in(
        span
    ):  # the phrase is a named entity: "the United States", "Thames Valley Police"
        if ent.start <= root.i < ent.end and ent.label_ in {"GPE", "ORG", "NORP", "FAC", "LOC"}:
            text = ent.text
            return text[4:] if text.lower().startswith("the ") else text
    # a common noun with modifiers: "Swedish police", "Iranian media", "Yobe state officials"
    start = span.start
    while start < span.end - 1 and (doc[start].lower_ in _DROP_LEFT or doc[start].is_punct):
        start += 1
    text = doc[start : span.end].text
    return text.strip(" ,.;:\"“”'’-")


def _full_person(doc: Doc, ent: Span) -> str:
    """'Putin' -> 'Vladimir Putin' when the article named him in full before."""
    tokens = [t for t in ent if t.lower_.rstrip(".") not in _TITLES]
    name = " ".join(t.text for t in tokens) or ent.text
    if len(tokens) == 1:
        for other in ents(doc):
            if other.label_ == "PERSON" and other.end <= ent.start and len(other) > 1:
                if other[-1].lower_ == tokens[0].lower_:
                    return " ".join(t.text for t in other if t.lower_.rstrip(".") not in _TITLES)
    return name


class Attribution:
    def __init__(self) -> None:
        ensure_extensions()
        lex = default_lexicon()
        self.speech = lex.speech_verbs
        self.attribution_verbs = lex.attribution_verbs

    def __call__(self, doc: Doc) -> Doc:
        infos = sent_info(doc)
        last_person: str | None = None
        for sent, info in zip(sentences(doc), infos, strict=False):
            speaker, stance, start = self._speaker(sent, last_person)
            if speaker is not None:
                info.speaker, info.stance, info.speaker_start = speaker, stance, start
            for ent in ents_in(sent):
                if ent.label_ == "PERSON":
                    last_person = _full_person(doc, ent)
            if speaker is not None and _is_person(doc, speaker):
                last_person = speaker
        return doc

    def _speaker(
        self, sent: Span, last_person: str | None
    ) -> tuple[str | None, Stance, int | None]:
        doc = sent.doc
        toks, low, lems = tokens(doc), lowers(doc), lemmas(doc)
        span = range(sent.start, sent.end)
        # 1. "according to X", "as reported by X", "X reported"
        for i in span:
            if low[i] != "according" and lems[i] != "report":
                continue  # neither test below can pass (a cheap look first)
            token = toks[i]
            if token.lower_ == "according" and token.i + 1 < sent.end:
                nxt = token.doc[token.i + 1]
                if nxt.lower_ == "to":
                    objs = [c for c in nxt.children if c.dep_ == "pobj"]
                    if objs:
                        return actor_name(phrase_of(objs[0])), Stance.asserted, objs[0].i
            if token.lemma_ == "report" and token.dep_ in {"advcl", "relcl", "acl", "ROOT"}:
                for agent in token.children:
                    if agent.dep_ == "agent":
                        objs = [c for c in agent.children if c.dep_ == "pobj"]
                        if objs:
                            return actor_name(phrase_of(objs[0])), Stance.asserted, objs[0].i
        # 2. a speech verb with its subject: "Putin stated that ...", "..., police said."
        for i in span:
            stance_name = self.speech.get(lems[i])
            if stance_name is None:
                continue
            token = toks[i]
            if token.pos_ not in {"VERB", "AUX"} and token.dep_ != "ROOT":
                continue
            has_clause = any(c.dep_ in {"ccomp", "xcomp", "parataxis"} for c in token.children)
            is_root = (
                token.dep_ == "ROOT" or token.head.dep_ == "ROOT" and token.dep_ == "parataxis"
            )
            if stance_name != "asserted" and not has_clause:
                continue  # "claimed responsibility" is an event, handled by the claims extractor
            if not (has_clause or is_root):
                continue
            subjects = [c for c in token.children if c.dep_ in {"nsubj", "nsubjpass"}]
            if not subjects:
                # "..., Temporary Chief Constable Dee Collins said." parsed without a subject
                before = [
                    e
                    for e in ents_in(sent)
                    if e.end == token.i and e.label_ in {"PERSON", "ORG", "GPE", "NORP"}
                ]
                if before:
                    return actor_name(before[0]), Stance(stance_name), before[0].root.i
                continue
            subj = subjects[0]
            if subj.lower_ in PRONOUNS:
                if subj.lower_ in {"he", "she"} and last_person:
                    return last_person, Stance(stance_name), subj.i
                continue
            return actor_name(phrase_of(subj)), Stance(stance_name), subj.i
        return None, Stance.asserted, None


def _is_person(doc: Doc, name: str) -> bool:
    return any(e.label_ == "PERSON" and name.endswith(e[-1].text) for e in ents(doc))


@Language.factory("incidex_attribution_v1", assigns=["doc._.sent_infos"])
def make_attribution(nlp: Language, name: str) -> Attribution:
    return Attribution()
