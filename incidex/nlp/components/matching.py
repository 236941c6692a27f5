"""Sentence breaks, knowledge-base matching and event triggers.

``incidex.sentences.v1`` runs before the parser: a line break ends a sentence (headings glued
to text are split onto their own line by the reader). ``incidex.kb_matcher.v1`` marks groups,
outlets, weapons, targets and nationalities from the knowledge base as span groups.
``incidex.triggers.v1`` marks event triggers and fills each sentence's :class:`SentInfo`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from spacy.attrs import IDX, LEMMA, LOWER
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from .._doc import SentInfo, doc_text, ensure_extensions, info_at, lemmas, lowers, past_tense
from ..dateline import parse_dateline
from ..kb import default_kb
from ..lexicon import BURNING, ROBBERY, default_lexicon
from ..truecase import mostly_upper

__all__ = [
    "KbMatcher",
    "NewlineSentences",
    "TriggerMatcher",
    "hypothetical",
    "inflections",
    "negated",
]

SPAN_KEYS = ("groups", "outlets", "weapons", "targets", "nationalities")


def inflections(lemma: str) -> Iterator[str]:
    """The lemma and its regular inflections, for text the lemmatizer gets wrong (upper case)."""
    yield lemma
    if " " in lemma:
        return
    yield lemma + "s"
    yield lemma + "es"
    if lemma.endswith("e"):
        yield lemma + "d"
        yield lemma[:-1] + "ing"
    else:
        yield lemma + "ed"
        yield lemma + "ing"
        if len(lemma) > 2 and lemma[-1] in "bdgmnpt" and lemma[-2] in "aeiou":
            yield lemma + lemma[-1] + "ed"
            yield lemma + lemma[-1] + "ing"


class NewlineSentences:
    """A token after a line break starts a sentence; the parser keeps preset boundaries."""

    def __call__(self, doc: Doc) -> Doc:
        for i in _newline_tokens(doc):
            if i < len(doc) - 1:
                doc[i + 1].is_sent_start = True
                # a line does not open with a one-word sentence ("Four | individuals armed")
                if i + 2 < len(doc) and not doc[i + 1].is_space and not doc[i + 2].is_punct:
                    doc[i + 2].is_sent_start = False
        dateline = parse_dateline(doc_text(doc))
        if dateline is not None:
            # "BIRSTALL, England - Jo Cox ...": the dateline is no part of the first sentence
            for token in doc[:40]:
                if token.text in {"-", "--", "–", "—"} and token.idx > dateline.end:
                    nxt = token.i + 1
                    while nxt < len(doc) and (
                        doc[nxt].is_space
                        or doc[nxt].text in {"[", "]"}
                        or doc[nxt].lower_ == "text"
                    ):
                        nxt += 1
                    if nxt < len(doc):
                        doc[nxt].is_sent_start = True
                    break
        return doc


def _newline_tokens(doc: Doc) -> list[int]:
    """Indices of the tokens holding a line break, in order (a token's trailing white space
    is one space at most, so a break is always inside a token). Found from the text's line
    breaks instead of a look at every token."""
    text = doc_text(doc)
    if "\n" not in text:
        return []
    starts = doc.to_array(IDX).tolist()
    found: list[int] = []
    at = text.find("\n")
    while at != -1:
        i = bisect_right(starts, at) - 1
        if not found or found[-1] != i:
            found.append(i)
        at = text.find("\n", at + 1)
    return found


@Language.factory("incidex_sentences_v1", assigns=["token.is_sent_start"])
def make_sentences(nlp: Language, name: str) -> NewlineSentences:
    return NewlineSentences()


class KbMatcher:
    """Knowledge-base terms as span groups; each span's label names the KB entry."""

    def __init__(self, nlp: Language) -> None:
        ensure_extensions()
        kb = default_kb()
        self.lower: dict[str, PhraseMatcher] = {}
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        tokenizer = nlp.tokenizer

        def add(matcher: PhraseMatcher, key: str, terms: Iterable[tuple[str, str]]) -> None:
            by_label: dict[str, list[Doc]] = {}
            for term, label in terms:
                if term.strip():
                    by_label.setdefault(label, []).append(tokenizer(term))
            for label, docs in by_label.items():
                matcher.add(f"{key}|{label}", docs)

        for key in SPAN_KEYS:
            self.lower[key] = PhraseMatcher(nlp.vocab, attr="LOWER")
        add(
            self.lower["groups"],
            "groups",
            ((t, g.name) for t, g, case in kb.group_terms() if not case),
        )
        add(self.exact, "groups", ((t, g.name) for t, g, case in kb.group_terms() if case))
        add(self.lower["outlets"], "outlets", ((t, o.name) for t, o in kb.outlet_terms()))
        add(self.exact, "outlets", ((t, o.name) for t, o in kb.outlet_terms_case_sensitive()))
        add(
            self.lower["weapons"],
            "weapons",
            ((t, f"{w.type_code}/{w.subtype_code or 0}") for t, w in kb.weapon_terms()),
        )
        add(
            self.lower["targets"],
            "targets",
            ((t, f"{c.type_code}/{c.subtype_code or 0}") for t, c in kb.target_terms()),
        )
        add(
            self.lower["nationalities"],
            "nationalities",
            ((t, n.country_code) for t, n, case in kb.nationality_terms() if not case),
        )
        add(
            self.exact,
            "nationalities",
            ((t, n.country_code) for t, n, case in kb.nationality_terms() if case),
        )

    def __call__(self, doc: Doc) -> Doc:
        found: dict[str, list[Span]] = {key: [] for key in SPAN_KEYS}
        matches = [m for matcher in self.lower.values() for m in matcher(doc)]
        if not mostly_upper(doc_text(doc)):
            # exact-case aliases ("IS", "AP") are words in all-capitals wire text
            matches.extend(self.exact(doc))
        for match_id, start, end in matches:
            key, _, label = doc.vocab.strings[match_id].partition("|")
            found[key].append(Span(doc, start, end, label=label))
        for key, spans in found.items():
            doc.spans[key] = filter_spans(spans)
        return doc


@Language.factory("incidex_kb_matcher_v1", assigns=["doc.spans"])
def make_kb_matcher(nlp: Language, name: str) -> KbMatcher:
    return KbMatcher(nlp)


def negated(span: Span) -> bool:
    """'No group has claimed responsibility', 'did not claim'."""
    for token in span:
        head = token if token.pos_ in {"VERB", "AUX"} else token.head
        if any(c.dep_ == "neg" for c in head.children):
            return True
        for child in head.children:
            if child.dep_ in {"nsubj", "nsubjpass"} and (
                child.lower_ in {"nobody", "none", "no-one"}
                or any(d.lower_ == "no" for d in child.children)
            ):
                return True
    return False


def _told_robbery(span: Span) -> bool:
    """A robbery told as done ("stole food", "the offices were looted", "the robbery of a
    car"), not a stolen thing used later ("a stolen car"), an intent ("with the intention
    of robbing", "to steal", "could steal"), a denial ("did not steal") or an earlier theft
    told in the past perfect ("he said the company had stolen his novel")."""
    if negated(span):
        return False
    if len(span) > 1:
        return True
    token = span[0]
    if not past_tense(token) or token.dep_ in {"amod", "compound"}:
        return False
    return not any(
        c.dep_ in {"aux", "auxpass"} and (c.tag_ in {"MD", "TO", "VBG"} or c.lower_ == "had")
        for c in token.children
    )


_PERFECT = frozenset({"have", "has", "had", "'ve"})  # "may have killed": the act happened


def _modal(verb: Token, cues: dict[str, str]) -> bool:
    """'will attack', 'would not be bombings', but not 'may have killed' (a guess at a past act)."""
    aux = [c.lower_ for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    return any(cues.get(a) == "modal" for a in aux) and _PERFECT.isdisjoint(aux)


def hypothetical(span: Span, cues: dict[str, str]) -> bool:
    """Whether an event word tells of no event that happened, read up its governing chain
    in the parse (``cues``: lexicon ``modality_cues``): threatened, planned, called for,
    warned of or prevented ("threatened to blow up", "calling on its men to kidnap",
    "threats of attacks", "measures to prevent attacks"), future or modal ("there will not
    be any more bombings", "they will carry out attacks"), or conditional ("if they attack");
    an attempt ("tried to kill", "foiled an attempt to kidnap") is an act.
    A noun's governing verb counts only when it is an occurrence or light verb ("there will
    be bombings", "will carry out attacks"), not an act about the event ("will investigate
    the attack"); a verb joined to a threat ("threatened and killed") is told as done."""
    light = default_lexicon().attacker_light_verbs
    node = span.root
    for _ in range(5):
        if node.pos_ in {"VERB", "AUX"} and _modal(node, cues):
            return True
        if node.dep_ == "advcl" and any(
            c.dep_ == "mark" and cues.get(c.lower_) == "condition" for c in node.children
        ):
            return True
        dep, head = node.dep_, node.head
        if head is node:
            return False
        if dep == "pobj" and head.dep_ == "prep" and head.head is not head:
            if cues.get(head.lower_) == "instrument":
                # "threatened to blow up the embassy with car bombs": the means of an act are
                # told as the act is, whether the parse hangs them on the verb or its object
                node = head.head.head if head.head.dep_ == "dobj" else head.head
                continue
            if cues.get(head.lower_) != "preposition":
                return False  # "after the explosion, agents called off ..."
            dep, head = "prep", head.head  # "threats of attacks", "called for attacks"
        kind = cues.get(head.lemma_.lower())
        if kind == "attempt":
            return False  # "foiled an attempt to kidnap": MUC-4's ATTEMPTED, an act
        if kind in {"intent", "object"} and dep in {"xcomp", "acl", "prep"}:
            return True
        if kind == "object" and dep == "dobj":
            return True
        if dep == "dobj" and head.lemma_.lower() in light:
            node = head  # "will carry out attacks", "planned to carry out attacks"
        elif dep in {"attr", "nsubj", "nsubjpass"} and kind == "occur":
            node = head  # "there will be bombings", "attacks will continue"
        elif dep in {"xcomp", "conj"} or (
            dep == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in node.children)
        ):
            node = head  # "threatened to kidnap and kill", "called on its men to kidnap"
        else:
            return False
    return False


def _past_event(span: Span) -> bool:
    """'the 2017 attack', 'the 1998 bombings': an earlier attack, named for background."""
    for token in span:
        for child in token.children:
            if child.like_num and len(child.text) == 4 and child.text[:2] in {"19", "20"}:
                return True
    return False


def _valid_single_trigger(token: Token, people: frozenset[str]) -> bool:
    """A one-word trigger whose arguments say it is no violence: a shot on goal, an amendment
    'shot down', 'a blast of rising costs', 'under siege' in a match report."""
    lemma = token.lemma_.lower()
    persons = default_lexicon().shot_people_words
    if token.lower_ in {"shot", "shoots", "shoot"}:
        lemma = "shoot"
    if lemma == "shoot":
        if token.pos_ == "NOUN":
            return False  # "a shot" (on goal); the events are "shooting", "shots fired"
        objects = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}]
        if any(c.lower_ == "down" and c.dep_ == "prt" for c in token.children) and not any(
            o.lower_ in persons or o.ent_type_ == "PERSON" for o in objects
        ):
            return False  # "the amendment was shot down"
        aimed = (
            any(
                c.lower_ in {"at", "into", "on", "dead", "down"} or c.dep_ == "conj"
                for c in token.children
            )
            or token.dep_ == "conj"
        )
        if not objects and not aimed:
            return False  # "the striker shot wide": shooting at nobody
        if objects and not any(_names_people(o, people) or o.pos_ == "PRON" for o in objects):
            return False  # "shot a film", "shot the ball"
    if lemma == "blast" and token.pos_ == "NOUN":
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if nxt is not None and nxt.lower_ == "of":
            return False  # "a blast of cold air / rising costs"
    if lemma == "siege" and any(c.lower_ == "under" for c in [token.head]):
        return False  # "we were under siege": a figure of speech far more often than a siege
    if lemma == "siege" and token.head.lower_ == "of" and token.head.head.lemma_ == "state":
        return False  # "a state of siege": an emergency law, not a hostage siege
    if lemma == "burn" or token.lower_.startswith("burn"):  # "burning" may keep its form
        return _burned_thing(token, people)
    if lemma == "barricade" and token.pos_ != "VERB":
        return False  # "set up barricades": roadblocks; "barricaded themselves" is the siege
    return True


def _burned_thing(token: Token, people: frozenset[str]) -> bool:
    """'Burn' is arson when a thing is burned ("burned the houses", "the bus was burned", "the
    burning of a restaurant"), not when a fire burns, people are burned ("burned to death"),
    a flag, tyres or bodies are burned (lexicon ``not_arson_burned_words``) or someone has
    burns."""
    if token.pos_ == "NOUN":
        return (
            token.lower_ == "burning"
            and token.i + 1 < len(token.doc)
            and token.nbor(1).lower_ == "of"
        )
    objects = [c for c in token.children if c.dep_ in {"dobj", "nsubjpass"}]
    if not past_tense(token) or not objects:  # not "slow burning fuses"
        return False
    not_arson = default_lexicon().not_arson_burned_words  # "burned the flag", "the bodies"
    return not any(_names_people(o, people) or o.lower_ in not_arson for o in objects)


def _names_people(word: Token, people: frozenset[str]) -> bool:
    """Whether the object of "shoot" or "burn" names people ("shot two soldiers", "burned
    him"): a people word of the lexicon, a person's name or a nationality."""
    return (
        word.lower_ in default_lexicon().shot_people_words
        or word.lower_ in people
        or word.ent_type_ in {"PERSON", "NORP"}
    )


def _property_burned(span: Span) -> bool:
    """Whether an arson trigger ("burned the", "set fire to", "torched") tells of property set
    on fire: not "burned the flag", "set tyres on fire", "torched the bodies" (lexicon
    ``not_arson_burned_words``, in the trigger or the three words after it), nor "the house
    burned down" or "the church burned down yesterday" (no object after it and not
    passive: the fire's doing). Read from the words, not the parse, which upper-case wire
    text often lacks ("BURNED" a proper noun)."""
    doc = span.doc
    after = doc[span.end : span.end + 3]
    lex = default_lexicon()
    if any(t.lower_ in lex.not_arson_burned_words for t in (*span, *after)):
        return False
    if not span[0].lower_.startswith("burn") or span[-1].lower_ != "down":
        return True
    nxt = after[0] if len(after) else None
    if (
        nxt is not None
        and not nxt.is_punct
        and nxt.pos_ not in {"ADP", "SCONJ", "CCONJ"}
        and nxt.lower_ not in lex.not_object_openers
        and nxt.ent_type_ not in {"DATE", "TIME"}  # "burned down last Sunday"
    ):
        return True  # "burned down the town hall"
    before = doc[max(span.start - 2, 0) : span.start]
    # "was (completely) burned down", "had been burned down"
    return any(t.lower_ in lex.passive_auxiliaries for t in before)


class WordTriggers:
    """One-word trigger patterns (``{"LEMMA": {"IN": lemmas}}`` or ``{"LOWER": {"IN": forms}}``
    per key), matched by two dictionary lookups per token.

    spaCy's Matcher evaluates every ``IN`` predicate on every token (about a fifth of the
    incidex components' time); this returns what it returned for these patterns, in its
    order: by token, then by the order the keys were given, each key once per token.
    """

    def __init__(
        self, strings: StringStore, keys: Iterable[tuple[str, Iterable[str], Iterable[str]]]
    ) -> None:
        self._by_lemma: dict[int, set[int]] = {}
        self._by_lower: dict[int, set[int]] = {}
        self._ids: list[int] = []
        for rank, (key, key_lemmas, forms) in enumerate(keys):
            self._ids.append(strings.add(key))
            for lemma in key_lemmas:
                self._by_lemma.setdefault(strings.add(lemma), set()).add(rank)
            for form in forms:
                self._by_lower.setdefault(strings.add(form), set()).add(rank)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        out: list[tuple[int, int, int]] = []
        if not len(doc):
            return out
        by_lemma, by_lower, ids = self._by_lemma, self._by_lower, self._ids
        for i, (lemma, lower) in enumerate(doc.to_array([LEMMA, LOWER]).tolist()):
            a, b = by_lemma.get(lemma), by_lower.get(lower)
            if a is None and b is None:
                continue
            ranks = (a or set()) | (b or set())
            out.extend((ids[rank], i, i + 1) for rank in sorted(ranks))
        return out


def _first_token_words(patterns: Iterable[list[dict[str, Any]]]) -> frozenset[str]:
    """The lower-cased words a first token must be (LEMMA or LOWER) in any of ``patterns``.
    A pattern whose first token has no such test could match anything: refused."""
    words: set[str] = set()
    for pattern in patterns:
        first = pattern[0]
        tests = [first[attr] for attr in ("LEMMA", "LOWER") if attr in first]
        if not tests or len(first) != len(tests):
            raise ValueError(f"pattern {pattern!r} does not open with a word test")
        for test in tests:
            values = test["IN"] if isinstance(test, dict) else [test]
            words.update(str(v).lower() for v in values)
    return frozenset(words)


class TriggerMatcher:
    """Event triggers from the lexicon; fills every sentence's events and attack flags."""

    def __init__(self, nlp: Language) -> None:
        ensure_extensions()
        lex = default_lexicon()
        self.matcher = Matcher(nlp.vocab)
        added: list[list[dict[str, Any]]] = []  # every Matcher pattern, for the openers

        def add(key: str, patterns: list[list[dict[str, Any]]], **kwargs: Any) -> None:
            added.extend(patterns)
            self.matcher.add(key, patterns, **kwargs)

        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.attack_only: set[tuple[str, str]] = set()  # (event, phrase) of attack sentences
        # Keys whose patterns span several tokens and keep only the longest match; their
        # one-word patterns must stay in the Matcher, which filters a key's matches together.
        greedy = {"Facility/Infrastructure Attack", "Unarmed Assault"}
        single: list[tuple[str, Iterable[str], Iterable[str]]] = []
        for event in lex.events:
            forms = sorted({f for lemma in event.lemmas for f in inflections(lemma)})
            if event.lemmas and event.name in greedy:
                add(
                    event.name,
                    [[{"LEMMA": {"IN": list(event.lemmas)}}], [{"LOWER": {"IN": forms}}]],
                )
            elif event.lemmas:
                single.append((event.name, event.lemmas, forms))
            if event.phrases:
                self.phrases.add(event.name, [nlp.tokenizer(p) for p in event.phrases])
            self.attack_only |= {
                (event.name, " ".join(t.lower_ for t in nlp.tokenizer(p)))
                for p in event.attack_only_phrases
            }
        # "set parts of the building on fire": a verb, a short object, "on fire"
        add(
            "Facility/Infrastructure Attack",
            [
                [
                    {"LEMMA": {"IN": ["set", "put"]}},
                    {"OP": "{0,6}", "IS_PUNCT": False},
                    {"LOWER": "on"},
                    {"LOWER": "fire"},
                ],
                [
                    {"LEMMA": "set"},
                    {"OP": "{0,6}", "IS_PUNCT": False},
                    {"LOWER": {"IN": ["ablaze", "alight"]}},
                ],
            ],
            greedy="LONGEST",
        )
        # the people taken, not "took place as hostages were freed"
        taken = {
            "OP": "{1,6}",
            "IS_PUNCT": False,
            "POS": {"NOT_IN": ["VERB", "AUX", "SCONJ", "CCONJ"]},
            "LOWER": {"NOT_IN": sorted(lex.not_hostage_words)},
        }
        hostage = {"LOWER": {"IN": ["hostage", "hostages"]}}
        # "took a group of students as hostages", "took him hostage"; "seize" only with "as",
        # the form naming the people held ("seized the residents as hostages", a quote may
        # open them), not a count ("seized hundreds of hostages" in a background sentence)
        add(
            "Hostage Taking (Kidnapping)",
            [
                [{"LEMMA": "take"}, taken, {"LOWER": "as", "OP": "?"}, hostage],
                [{"LEMMA": "seize"}, {"ORTH": '"', "OP": "?"}, taken, {"LOWER": "as"}, hostage],
            ],
            greedy="LONGEST",
        )
        # "a truck was driven into shoppers", "rammed his car into the crowd"
        add(
            "Unarmed Assault",
            [
                [
                    {"LEMMA": {"IN": list(lex.ramming_verbs)}},
                    {"OP": "{0,5}", "IS_PUNCT": False},
                    {"LOWER": {"IN": ["into", "through"]}},
                    {"OP": "{0,3}", "IS_PUNCT": False},
                    {"LOWER": {"IN": sorted(lex.crowd_words)}},
                ]
            ],
            greedy="LONGEST",
        )
        generic = sorted({f for lemma in lex.generic_attack_lemmas for f in inflections(lemma)})
        single.append(("generic_attack", lex.generic_attack_lemmas, generic))
        # Every Matcher pattern opens with a LEMMA or LOWER test: a document with none of
        # those words (lower-cased, so a superset) cannot match, and is not scanned.
        self.openers = _first_token_words(added)
        self.words = WordTriggers(nlp.vocab.strings, single)
        self.attack_names = {e.name for e in lex.events if e.attack}
        self.people = lex.people_nouns

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        matches = self.words(doc) + list(self.phrases(doc))
        if not self.openers.isdisjoint(lemmas(doc)) or not self.openers.isdisjoint(lowers(doc)):
            matches += list(self.matcher(doc))
        attack_only: list[Span] = []
        for match_id, start, end in matches:
            label = doc.vocab.strings[match_id]
            span = Span(doc, start, end, label=label)
            info = info_at(doc, span.start_char)
            if label == "generic_attack":
                info.generic_attack = True
                continue
            if label == "Facility/Infrastructure Attack" and span.text.lower().startswith(
                "on fire"
            ):
                # "opened fire on", "came under fire": only a verb of setting makes it arson
                continue
            if len(span) == 1 and span[0].tag_ == "VBG" and span[0].dep_ in {"amod", "compound"}:
                continue  # "blasting caps", "shooting range": a modifier, not an event
            if len(span) == 1 and not _valid_single_trigger(span[0], self.people):
                continue
            if label == "Facility/Infrastructure Attack" and not _property_burned(span):
                continue  # "burned the flag", "the house burned down": no arson
            if label == "Claim of Responsibility" and negated(span):
                continue  # "No group has claimed responsibility"
            if label == ROBBERY and not _told_robbery(span):
                continue
            if label == BURNING and negated(span):
                continue  # "did not burn the houses"
            if (label, " ".join(t.lower_ for t in span)) in self.attack_only:
                # "destroyed by fire" after a fault is no burning: the event only where the
                # sentence tells of an attack, decided after every trigger of it is read
                attack_only.append(span)
                continue
            self._admit(span, info, spans)
        for span in attack_only:
            info = info_at(doc, span.start_char)
            if info.attack:
                self._admit(span, info, spans)
        # a sentence naming a weapon or an armed perpetrator is about the violence too
        for key in ("weapons",):
            for span in doc.spans[key] if key in doc.spans else []:
                info_at(doc, span.start_char).generic_attack = True
        doc.spans["triggers"] = sorted(spans, key=lambda s: (s.start, -s.end))
        return doc

    def _admit(self, span: Span, info: SentInfo, spans: list[Span]) -> None:
        """Record a trigger that passed the checks as its sentence's event."""
        label = span.label_
        if label in self.attack_names and _past_event(span):
            info.generic_attack = True  # about an earlier attack, not a new one
            return
        info.events.add(label)
        if label in self.attack_names:
            info.events_attack.add(label)
        spans.append(span)


@Language.factory("incidex_triggers_v1", assigns=["doc.spans", "doc._.sent_infos"])
def make_triggers(nlp: Language, name: str) -> TriggerMatcher:
    return TriggerMatcher(nlp)
