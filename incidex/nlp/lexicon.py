"""The trigger and cue lexicons (``kb/lexicon.json``) as a typed, cached object."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["BURNING", "ROBBERY", "EventLexicon", "Lexicon", "default_lexicon", "separate_cues"]

# the names of the lexicon's robbery and burning events (told beside attacks, no GTD attack type)
ROBBERY = "Robbery"
BURNING = "Burning"


@dataclass(frozen=True)
class EventLexicon:
    name: str
    gtd_code: int | None
    attack: bool
    lemmas: tuple[str, ...]
    phrases: tuple[str, ...]
    weak_lemmas: tuple[str, ...] = ()  # evidence of the means more than of the attack type
    # phrases (also in ``phrases``) that name the event only in a sentence telling of an attack:
    # "destroyed by fire" names no one who set it
    attack_only_phrases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    version: str
    events: tuple[EventLexicon, ...]
    generic_attack_lemmas: frozenset[str]
    speech_verbs: dict[str, str]  # lemma -> stance
    doubt_phrases: tuple[str, ...]
    attribution_verbs: frozenset[str]
    officials: tuple[str, ...]
    perpetrator_nouns: tuple[str, ...]
    suspect_nouns: frozenset[str]
    # "a group of gunmen", "a column of guerrillas": nouns that gather the people named after them
    collective_nouns: frozenset[str]
    # words joining people to the phrase they are part of ("two OF the guards", "INCLUDING
    # two officers")
    part_of_words: frozenset[str]
    title_abbreviations: dict[str, str]  # "maj" -> "major": one person as "MAJ X" and "MAJOR X"
    people_nouns: frozenset[str]
    killed_words: frozenset[str]
    wounded_words: frozenset[str]
    hostage_words: frozenset[str]
    vague_quantities: dict[str, int]
    qualifiers: dict[str, str]  # phrase -> "low" | "high" | "estimate"
    number_words: dict[str, int]
    background_verbs: frozenset[str]
    motion_verbs: frozenset[str]
    legal_steps: dict[str, str]  # lemma or phrase -> step
    threat_forms: frozenset[str]
    relay_verbs: frozenset[str]
    media_words: tuple[str, ...]
    timeline_past: dict[str, str]
    victim_verbs: dict[str, str]  # lemma -> fate of its object ("kill" -> killed)
    victim_nouns: dict[str, str]  # "the dead", "the victims" -> fate of who they include
    victim_event_nouns: dict[str, str]  # "the killing of X" -> fate of X
    scene_nouns: frozenset[str]  # "across the city", "in the village": a scene, unnamed
    harm_verbs: frozenset[str]  # "suffer", "sustain": their subject had the harm of the object
    harm_nouns: dict[str, str]  # lemma of that object ("injury") -> fate of the subject
    person_nouns: frozenset[str]  # roles naming a person ("journalist", "general")
    victim_blockers: dict[str, str]  # lemma above the verb -> "skip" (accused of) or "attempt"
    # lemma a claim verb depends on -> "denied" ("refused to accept responsibility") or "none"
    # ("declined to claim it": no claim, and no denial either)
    claim_blockers: dict[str, str]
    attacker_verbs: frozenset[str]  # their subject is an attacker ("gunmen killed")
    attacker_light_verbs: dict[str, frozenset[str]]  # "opened fire", "carried out the attack"
    target_verbs: frozenset[str]  # their object is the attacked target
    target_preps: frozenset[str]  # "attack on", "bomb exploded at"
    former_words: frozenset[str]  # "a retired general": no longer a member of the force
    # word or two-word phrase of a sentence -> why its bomb words are no MUC-4 bombing
    # ("aerial": dropped from the air; "seized": weapons seized; "set off": a bomb set off)
    bombing_cues: dict[str, str]
    # words of firing that tell of gunfire only when tied to it ("was fired" may be a
    # dismissal): by one of ``firing_aims`` or a people word among the three words after
    # them ("fired at", "shot dead", "fired their guns", "shot two soldiers")
    firing_words: frozenset[str]
    firing_aims: frozenset[str]
    # a murder told by its victim ("X WAS MURDERED", "THE MURDER OF X"): MUC-4's ATTACK,
    # which took in its MURDER type (the benchmark mapping only)
    murder_words: frozenset[str]
    # GTD target types whose attack is one on the civilian population whoever the attacker
    # (utilities: power lines, pipelines); see components/trained.py
    sabotage_target_types: frozenset[int]
    # a person's name before a head noun, or after a street word, is part of another name:
    # "the Nelson Mandela cell", "Alameda Juan Pablo II"
    name_heads: frozenset[str]
    name_openers: frozenset[str]
    # beginnings of words for striking a thing beyond ``target_verbs`` ("sabotaged")
    struck_stems: tuple[str, ...]
    name_titles: frozenset[str]  # abbreviated titles before a name ("Dr", "Msgr")
    # what may follow a name in a list: a punctuation mark, a relative pronoun, a verb or a
    # preposition ("X AND Y, WHO WERE ...", "X AND Y WERE KILLED")
    name_list_ends: frozenset[str]
    # a person named after these is a source or a correspondent ("signed", "a letter to"),
    # or before these an official in office ("has been appointed"), not one harmed
    source_phrases: tuple[str, ...]
    office_phrases: tuple[str, ...]
    # a person named after these is the attacker ("ordered by"), before these the accused
    agent_phrases: tuple[str, ...]
    blame_phrases: tuple[str, ...]
    # nouns naming a weapon after a modifier ("submachine GUN", "car BOMB", "explosive
    # DEVICE"): a weapon span the tagger cut before one is carried on to it
    weapon_heads: frozenset[str]
    # word telling of a firearm used -> its MUC-4 INSTRUMENT TYPE ("shot" -> GUN,
    # "machinegunned" -> MACHINE GUN), for incidents naming no instrument
    firearm_act_words: dict[str, str]
    # word -> how it makes an event word tell of no event that happened: "intent" (its
    # clause or "of"/"for" phrase: "threatened to kill", "plans for a bombing"), "object"
    # (its object too: "to prevent attacks"), "modal" ("will attack"), "condition" ("if
    # they attack"), "occur" (a verb whose subject or attribute the event is: "there will be"),
    # "preposition" (the phrases an intent word governs: "threats of"), "instrument" (a
    # phrase of the means, told as its act is: "to blow up the embassy WITH car bombs"),
    # "attempt" ("tried to kill", "foiled an attempt to kidnap": an attempted act, told as done)
    modality_cues: dict[str, str]
    # verb lemma -> the kind of claim it makes ("claim", "take" -> claimed; "deny" -> denied;
    # "confirm"; "doubt"), and the words its object must be for it to make one ("claimed
    # responsibility", "denied involvement", "admitted to"; a verb absent here needs none)
    claim_verbs: dict[str, str]
    claim_objects: dict[str, frozenset[str]]
    # words naming people (nouns and pronouns) as the object of "shoot" or "burn": "shot
    # down a soldier" is violence, "the amendment was shot down" is none; "burned them" is
    # no arson
    shot_people_words: frozenset[str]
    # auxiliaries before a past participle that make it passive ("was burned down", "two
    # guards were shot"), read by the word since upper-case wire text is often misparsed
    passive_auxiliaries: frozenset[str]
    # words that cannot stand between "took" and "as hostages" in a hostage taking ("took
    # place as hostages were freed", "took control")
    not_hostage_words: frozenset[str]
    # "northern Lima": a direction before a place name, not part of it
    compass_adjectives: frozenset[str]
    # things whose burning is a protest or an atrocity, not arson ("burned the flag / tyres /
    # the bodies"), read after the arson phrases "burned the", "burned a", "burned down"
    not_arson_burned_words: frozenset[str]
    # words after "burned down" that open no object of it: a time adverb, a preposition or a
    # conjunction ("the church burned down yesterday / after ..."), read by the word since
    # upper-case wire text is often misparsed
    not_object_openers: frozenset[str]
    # "no other victims", "no further casualties": none besides those told, not none at all
    besides_words: frozenset[str]
    # "ONE AT THE PARK, ANOTHER AT THE UNIVERSITY": a sentence telling several incidents, one
    # after the other, each with its own target
    distributive_firsts: frozenset[str]
    distributive_others: frozenset[str]
    # attack nouns that in an arrest story are the police's ("arrested in raids in X")
    police_operation_nouns: frozenset[str]
    # plural nouns of people not made by adding "s" to a people noun ("men", "police")
    plural_people_nouns: frozenset[str]
    # a general MUC-4 INSTRUMENT TYPE fill -> the fills below it in the set list's hierarchy
    # that name the same instrument more precisely (not DYNAMITE under BOMB: the keys fill
    # the material and its container both, template-doc-part1 slot 6 note 2)
    general_instrument_fills: dict[str, frozenset[str]]
    # head words (and word endings: "clergymen", "journalist") making a mention one of people
    # in the MUC-4 mapping ("THREE PEASANTS", "THE MAYOR")
    people_heads: frozenset[str]
    people_head_suffixes: tuple[str, ...]
    # last words of a weapon mention that name the act, not an instrument ("the explosion")
    event_weapon_words: frozenset[str]
    # (word of a weapon mention, MUC-4 INSTRUMENT TYPE), tried in order: the most specific
    # fill first ("machine gun" is a MACHINE GUN, "car bomb" a VEHICLE BOMB, before BOMB)
    instrument_words: tuple[tuple[str, str], ...]
    # words making a speaker an authority ("ARMED FORCES SPOKESMAN"), or a title before a name
    authority_words: frozenset[str]
    # words beside a group that make it accused or suspected, not told as fact ("THE POLICE
    # BLAMED THE FMLN", "PRESUMABLY CARRIED OUT BY THE FMLN")
    suspicion_words: frozenset[str]
    # the state's forces, and the nouns of their members: "MEMBERS OF THE ARMED FORCES" names
    # the organisation its people belong to
    state_forces: frozenset[str]
    force_member_nouns: frozenset[str]
    # words (and phrases) beside a group that tell it claimed the act ("THE FPMR HAS CLAIMED
    # RESPONSIBILITY", "THE ARMY ACCEPTED RESPONSIBILITY"), unless one of the negations is
    # among the two words before ("HAS NOT YET CLAIMED")
    claim_cues: dict[str, frozenset[str]]
    # words by which a speaker reports an act rather than accuses ("POLICE AUTHORITIES REPORTED
    # THAT ...", "ACCORDING TO MILITARY SOURCES")
    report_words: frozenset[str]
    # "the town of Dapchi", "the province of Kunar": nouns that make the name beside them a
    # place; and those that do so only in apposition ("the capital, Abuja")
    place_nouns: frozenset[str]
    apposed_place_nouns: frozenset[str]
    # "the concert hall in X": nouns of a venue that make a place under them an attack's scene
    venue_nouns: frozenset[str]
    # attack words beside ``generic_attack_lemmas`` that make a place depending on them an
    # attack's scene ("shootings in Belfast"), and heads that make it none ("the conflict in
    # Ukraine")
    scene_attack_lemmas: frozenset[str]
    not_scene_heads: frozenset[str]
    # "drove a truck into the crowd": who a vehicle is driven into in a ramming attack
    crowd_words: frozenset[str]
    # "rammed his car into", "a truck was driven into": verbs of driving a vehicle into them
    ramming_verbs: tuple[str, ...]
    # lemmas over a group that make its mention part of a claim, a denial or a blame, not an
    # attacker ("the FMLN denied", "police blamed the FMLN"); and those that put it in doubt
    claim_context_lemmas: frozenset[str]
    doubt_object_lemmas: frozenset[str]
    # "refused to claim", "declined to accept responsibility": the verb or object of a claim
    # withheld (after a ``claim_blockers`` verb)
    withheld_claim_verbs: frozenset[str]
    withheld_claim_objects: frozenset[str]
    # words telling a kidnapping's victim is still held or was just freed ("ransom", "freed"):
    # such a report is news of the kidnapping however long ago it began
    captivity_words: frozenset[str]
    # "release(d)" tells the same only in a sentence telling of the hostage taking: elsewhere
    # it is as often a statement or a document released
    release_words: frozenset[str]
    # "police blamed / accused / suspected the group": verbs whose object is the group
    # blamed; "attributed the attack to the group": verbs whose "to"/"on" phrase names it
    blame_object_verbs: frozenset[str]
    blame_to_verbs: frozenset[str]
    # words in a report pointing at the city it was filed in ("two bombs exploded here"),
    # but not when followed by ``not_here_after`` ("here is a report", "here in Argentina");
    # and those pointing at it when it is its country's capital ("in this capital")
    here_phrases: tuple[str, ...]
    not_here_after: frozenset[str]
    capital_phrases: tuple[str, ...]
    # "REPORTED IN LIMA", "SAID IN THIS CITY": a place after these (and "in" / "at") is where
    # something was said, not where an incident happened
    said_at_words: frozenset[str]
    # "next to", "according to": a "to" after these is no place someone went
    to_not_going: frozenset[str] = frozenset()

    def is_background_verb(self, verb: Token) -> bool:
        """Whether the verb tells of background (a founding, where someone lived): its lemma
        is a one-word ``background_verbs`` entry, or with the verb it completes it makes a
        two-word one ("began operating": "begin" + the word "operating")."""
        lemma = verb.lemma_.lower()
        if lemma in self.background_verbs:
            return True
        if verb.dep_ != "xcomp":
            return False
        return f"{verb.head.lemma_.lower()} {verb.lower_}" in self.background_verbs

    @cached_property
    def human_nouns(self) -> frozenset[str]:
        """Common nouns of people, of their roles and of suspects ("peasants", "driver",
        "gunmen"): words that make a phrase no proper name."""
        return self.people_nouns | self.person_nouns | self.suspect_nouns

    @property
    def typed_attack_lemmas(self) -> frozenset[str]:
        """The trigger lemmas of the attack event types ("bomb", "kidnap"), not the generic
        attack words."""
        return frozenset(lemma for e in self.events if e.attack for lemma in e.lemmas)

    @property
    def attack_lemmas(self) -> frozenset[str]:
        """Every attack lemma: the attack types' triggers and the generic words ("attack")."""
        return self.typed_attack_lemmas | self.generic_attack_lemmas

    def event(self, name: str) -> EventLexicon:
        for event in self.events:
            if event.name == name:
                return event
        raise KeyError(name)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    raw = json.loads(
        resources.files("incidex.nlp").joinpath("kb/lexicon.json").read_text(encoding="utf-8")
    )
    speech = {lemma: stance for stance, lemmas in raw["speech_verbs"].items() for lemma in lemmas}
    qualifiers = {phrase: kind for kind, phrases in raw["qualifiers"].items() for phrase in phrases}
    legal = {word: step for step, words in raw["legal_steps"].items() for word in words}
    return Lexicon(
        version=raw["version"],
        events=tuple(
            EventLexicon(
                name=e["name"],
                gtd_code=e["gtd_code"],
                attack=e["attack"],
                lemmas=tuple(e["lemmas"]),
                # an attack-only phrase is a phrase of the event too, listed there or not
                phrases=tuple(dict.fromkeys([*e["phrases"], *e.get("attack_only_phrases", ())])),
                weak_lemmas=tuple(e.get("weak_lemmas", ())),
                attack_only_phrases=frozenset(e.get("attack_only_phrases", ())),
            )
            for e in raw["events"]
        ),
        generic_attack_lemmas=frozenset(raw["generic_attack_lemmas"]),
        speech_verbs=speech,
        doubt_phrases=tuple(raw["doubt_phrases"]),
        attribution_verbs=frozenset(raw["attribution_verbs"]),
        officials=tuple(raw["officials"]),
        perpetrator_nouns=tuple(raw["perpetrator_nouns"]),
        suspect_nouns=frozenset(raw["suspect_nouns"]),
        collective_nouns=frozenset(raw["collective_nouns"]),
        part_of_words=frozenset(raw["part_of_words"]),
        title_abbreviations=dict(raw["title_abbreviations"]),
        people_nouns=frozenset(raw["people_nouns"]),
        killed_words=frozenset(raw["killed_words"]),
        wounded_words=frozenset(raw["wounded_words"]),
        hostage_words=frozenset(raw["hostage_words"]),
        vague_quantities={k: v["value"] for k, v in raw["vague_quantities"].items()},
        qualifiers=qualifiers,
        number_words=dict(raw["number_words"]),
        background_verbs=frozenset(raw["background_verbs"]),
        motion_verbs=frozenset(raw["motion_verbs"]),
        legal_steps=legal,
        threat_forms=frozenset(raw["threat_forms"]),
        relay_verbs=frozenset(raw["relay_verbs"]),
        media_words=tuple(raw["media_words"]),
        timeline_past=dict(raw["timeline_past"]),
        victim_verbs=_inverted(raw["victim_verbs"]),
        victim_nouns=_inverted(raw["victim_nouns"]),
        victim_event_nouns=_inverted(raw["victim_event_nouns"]),
        scene_nouns=frozenset(raw["scene_nouns"]),
        harm_verbs=frozenset(raw["harm_verbs"]),
        harm_nouns=_inverted(raw["harm_nouns"]),
        person_nouns=frozenset(raw["person_nouns"]),
        victim_blockers=_inverted(raw["victim_blockers"]),
        claim_blockers=_inverted(raw["claim_blockers"]),
        attacker_verbs=frozenset(raw["attacker_verbs"]),
        attacker_light_verbs=_word_sets(raw["attacker_light_verbs"]),
        target_verbs=frozenset(raw["target_verbs"]),
        target_preps=frozenset(raw["target_preps"]),
        former_words=frozenset(raw["former_words"]),
        bombing_cues=_inverted(raw["bombing_cues"]),
        firing_words=frozenset(raw["firing_words"]),
        firing_aims=frozenset(raw["firing_aims"]),
        murder_words=frozenset(raw["murder_words"]),
        sabotage_target_types=frozenset(raw["sabotage_target_types"]),
        name_heads=frozenset(raw["name_heads"]),
        name_openers=frozenset(raw["name_openers"]),
        struck_stems=tuple(raw["struck_stems"]),
        name_titles=frozenset(raw["name_titles"]),
        name_list_ends=frozenset(raw["name_list_ends"]),
        source_phrases=tuple(raw["source_phrases"]),
        office_phrases=tuple(raw["office_phrases"]),
        agent_phrases=tuple(raw["agent_phrases"]),
        blame_phrases=tuple(raw["blame_phrases"]),
        weapon_heads=frozenset(raw["weapon_heads"]),
        firearm_act_words=_inverted(raw["firearm_act_words"]),
        modality_cues=_inverted(raw["modality_cues"]),
        claim_verbs=_inverted(raw["claim_verbs"]),
        claim_objects=_word_sets(raw["claim_objects"]),
        shot_people_words=frozenset(raw["shot_people_words"]),
        passive_auxiliaries=frozenset(raw["passive_auxiliaries"]),
        not_hostage_words=frozenset(raw["not_hostage_words"]),
        compass_adjectives=frozenset(raw["compass_adjectives"]),
        not_arson_burned_words=frozenset(raw["not_arson_burned_words"]),
        not_object_openers=frozenset(raw["not_object_openers"]),
        besides_words=frozenset(raw["besides_words"]),
        distributive_firsts=frozenset(raw["distributive_firsts"]),
        distributive_others=frozenset(raw["distributive_others"]),
        police_operation_nouns=frozenset(raw["police_operation_nouns"]),
        plural_people_nouns=frozenset(raw["plural_people_nouns"]),
        general_instrument_fills=_word_sets(raw["general_instrument_fills"]),
        people_heads=frozenset(raw["people_heads"]),
        people_head_suffixes=tuple(raw["people_head_suffixes"]),
        event_weapon_words=frozenset(raw["event_weapon_words"]),
        instrument_words=tuple(
            (word, fill) for fill, words in raw["instrument_words"].items() for word in words
        ),
        authority_words=frozenset(raw["authority_words"]),
        suspicion_words=frozenset(raw["suspicion_words"]),
        state_forces=frozenset(raw["state_forces"]),
        force_member_nouns=frozenset(raw["force_member_nouns"]),
        claim_cues=_word_sets(raw["claim_cues"]),
        report_words=frozenset(raw["report_words"]),
        place_nouns=frozenset(raw["place_nouns"]),
        apposed_place_nouns=frozenset(raw["apposed_place_nouns"]),
        venue_nouns=frozenset(raw["venue_nouns"]),
        scene_attack_lemmas=frozenset(raw["scene_attack_lemmas"]),
        not_scene_heads=frozenset(raw["not_scene_heads"]),
        crowd_words=frozenset(raw["crowd_words"]),
        ramming_verbs=tuple(raw["ramming_verbs"]),
        claim_context_lemmas=frozenset(raw["claim_context_lemmas"]),
        doubt_object_lemmas=frozenset(raw["doubt_object_lemmas"]),
        withheld_claim_verbs=frozenset(raw["withheld_claim_verbs"]),
        withheld_claim_objects=frozenset(raw["withheld_claim_objects"]),
        captivity_words=frozenset(raw["captivity_words"]),
        release_words=frozenset(raw["release_words"]),
        blame_object_verbs=frozenset(raw["blame_object_verbs"]),
        blame_to_verbs=frozenset(raw["blame_to_verbs"]),
        here_phrases=tuple(raw["here_phrases"]),
        not_here_after=frozenset(raw["not_here_after"]),
        capital_phrases=tuple(raw["capital_phrases"]),
        said_at_words=frozenset(raw["said_at_words"]),
        to_not_going=frozenset(raw["to_not_going"]),
    )


def _word_sets(groups: dict[str, list[str]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(words) for key, words in groups.items()}


def _inverted(groups: dict[str, list[str]]) -> dict[str, str]:
    """{label: [word, ...]} -> {word: label}."""
    return {word: label for label, words in groups.items() for word in words}


@lru_cache(maxsize=1)
def separate_cues() -> re.Pattern[str]:
    """Phrases that set a sentence's attack apart from the one told before (kb/segments.json),
    matched in lower-cased text."""
    raw = json.loads(
        resources.files("incidex.nlp").joinpath("kb/segments.json").read_text(encoding="utf-8")
    )
    phrases = sorted(raw["separate_event_cues"], key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b")
