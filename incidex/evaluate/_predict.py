"""From incidex's extraction to benchmark predictions: GTT five-role templates, MUC-4 slot
templates and WikiEvents events.

Each :class:`~incidex.model.IncidentReport` of an article becomes one template per incident
its sentences tell of (:func:`split_incidents`: a kidnapping and, in other sentences, a
bombing give two templates, each with the roles of its sentences), and WikiEvents events
(see [8]); for MUC-4, only the incidents MUC-4's definition of relevance admits
(:func:`muc_relevance`: recent, not a clash with soldiers or police, reported as fact), and
where the trained models ran, those the template filter keeps (:mod:`._prune`). The
mapping is fixed here; the WikiEvents choices marked [8] were
made looking at WikiEvents dev errors (the tuning split, see docs/accuracy.md):

=================== ================== ======================== ============================
incidex field       GTT five-role      MUC-4 slot               WikiEvents role [8]
=================== ================== ======================== ============================
types (attack)      incident_type      INCIDENT: TYPE           Conflict.Attack.* (type)
when (day or finer) --                 INCIDENT: DATE [1]       --
where (scene) [7]   --                 LOCATION country, place  Place
perpetrators, group PerpOrg [2]        PERP: ORGANIZATION ID    Attacker; Killer, Injurer
perpetrators, other PerpInd [3]        --                       Attacker; Killer, Injurer
claims, stances     --                 PERP: ORG. CONFIDENCE    --
targets, things     Target [4]         --                       Target
targets, people     Victim [4]         --                       Target (if not harmed)
victims, names      Victim             HUM TGT [9]              --
victims by fate     --                 HUM TGT [9]              Victim (Die, Injure); Target
casualties' people  Victim [5]         HUM TGT [9]              Victim (Die, Injure); Detainee
weapons             Weapon [6]         INSTRUMENT TYPE          Instrument, ExplosiveDevice
suspects (arrested) --                 --                       Detainee (named only), Jailer
=================== ================== ======================== ============================

[1] The first day-precision date not denied and within the year before publication; else
    the publication date (the MUC dateline). The country is the scene's; when the report
    names no scene, the MUC dateline's country (``extra["dateline_place"]``).
[2] Mention strings as written ("FMLN", not the canonical name), one entity per canonical
    group (``_org_of``), groups the knowledge base does not know one per name without case
    or article ("THE ARMY" = "ARMY"). MUC takes one fill per GTT PerpOrg entity, its first
    mention. Where the tagger names none, the groups the rules find inside its perpetrators'
    descriptions (``_with_groups_described``), else the state force they are members of
    (``_members_force``).
    When a message's templates name one organisation only, those naming none take it
    (``_message_org``).
    Every GTT entity (all roles) is given by its first mention only (see ``_gtt_template``).
[3] One entity per description ("gunmen"); the descriptions by a perpetrator or suspect
    noun of the lexicon ("terrorists", "gunmen", "several men", "a group of armed men") are
    one entity, the attackers (``_attacker_key``), named by their fullest mention, not the
    attributive "terrorist" where there is another (``_fullest``); descriptions by one head
    noun, one's words among the other's, are one entity (``_one_per_head``); a party
    "between X and Y" (clashes, talks) is no perpetrator (``_a_side``). Targets coded
    Terrorists/Non-State Militia (GTD 17) count here, not as targets: in these reports such
    words ("guerrillas", "terrorists") are nearly always the attackers.
[4] A target is a person when its head word names people (soldiers, civilian, policemen,
    president...), else a thing (buildings, vehicles, institutions).
[5] The people part of a killed/wounded/hostages phrase: "THREE SOLDIERS WERE KILLED" ->
    "THREE SOLDIERS"; "AT LEAST 20" names nobody. Life.Die / Life.Injure events exist when
    killed / wounded figures exist.
[6] One entity per GTD weapon class (type, subtype). Mentions naming the event rather than
    an instrument ("explosion", "sabotage", verbs such as "burned") are left out.
[7] MUC: the first scene place with a country, else the first mentioned place below country
    level in the dateline's country, else the dateline's place (its city when the text
    names it, else its country), else the first mentioned place below country level, else
    the first mentioned country; the place is its city (else region). A place of the
    dateline's country that is no scene, the dateline city too, counts only where a sentence
    telling of the incident names it (MUC-4 template notes, 7.4 note 4: no place where it
    may be the reporting's or some other rather than the incident's). A dateline that names
    no place ("CLANDESTINE") is filed in its station's home country (``_outlet_home``). No
    scene: a country after "from" (``_come_from``), a town outside the dateline's country
    in a text naming no country of it (``_unnamed_abroad``).
[8] WikiEvents: one attack event per sentence with an attack type (DetonateExplode when
    the report is a bombing, but Unspecified for a sentence telling only of another attack
    type; DetonateExplode for a sentence telling only of a bombing; else Unspecified), with
    the arguments that sentence names:
    Attacker (perpetrator mentions, not a group inside a wider one, "Taliban gunmen"; the
    first also gets the groups that claimed it), Target
    (things attacked, victims only targeted and people attacked whom the sentence tells of no
    harm, "aimed at civilians": people harmed are Victims; streets, roads
    and parks are Places; not the car of "a car bomb"),
    ExplosiveDevice (the first device, when the sentence also has an event word such as
    "exploded") / Instrument (not event words such as "bombing", "bomber", "explosion"),
    Place (its scene places of the finest precision found in attack sentences, and scenes
    told by a common noun, "across the city"; a country only in the first event naming it;
    not a venue that is the Target).
    Life.Die / Life.Injure: one event per sentence telling of deaths / injuries
    (WikiEvents annotates one event per trigger; none in a report with no attack type,
    perpetrator or weapon, "died of an unknown virus"), Victim = victims of that fate and the
    people of casualty phrases (a bare figure, "at least 12", is the victim mention; people
    counted one by one, "two Americans and an Afghani", are a victim each;
    attackers killed are Die victims), Killer / Injurer = the perpetrators that sentence
    names (not those among its dead) and, for Die, Place = its most specific scene places
    (none when the deaths are told by a clause of the attack before them, "exploded at the
    market, killing three": WikiEvents gives that place to the attack).
    Justice.ArrestJailDetain only with named detainees (a suspect record's text is often
    just "arrested"); Jailer = who made the arrest (LegalStep.by), no Place (the
    attack's scene is not where they are held); and one per sentence telling of hostages
    taken (Detainee = the hostages, Jailer = the perpetrators it names). An argument's
    head is the word before a preposition, comma or relative pronoun when there is one
    ("people killed in the blast" -> people; but "hundreds of hostages" -> hostages).

[9] MUC HUM TGT: NUMBER and EFFECT OF INCIDENT, one fill each per human target (the key's
    one per person named or group described, ``_hum_targets``): the rules' victims (DEATH
    if killed, INJURY if wounded; the count, 1 for a name or a singular noun, PLURAL for a
    plural one), the tagger's victims not among them (the effect their sentence tells; not a
    name inside another name, "THE NELSON MANDELA CELL"), the names listed after one of
    theirs ("X AND Y WERE KILLED"), the killed / wounded figures of people not listed yet,
    and NO INJURY OR DEATH / NO INJURY / NO DEATH when the only figures are zero ("no one
    was hurt").

With the trained role tagger (``incidex_roles_v1``; it adds perpetrators, targets, victims
and weapons) and the candidate role classifier beside it (``incidex_role_candidates_v1``:
noun phrases the tagger left untagged; the mapping treats both as the tagger), each GTT
role takes its field's assertions as ``ROLE_SOURCE`` says; today every role (and PERP:
ORGANIZATION ID, INSTRUMENT TYPE) takes the tagger's only (Victim: not the casualty phrases'
people either, even where the tagger found no victim: on TST1+TST2 they matched no gold
victim). The tagger's targets are all things (GTT Target), its victims people; a weapon the
knowledge base cannot code is an entity of its own. This choice was made on TST1+TST2.
WikiEvents uses the rules' assertions only.
Within a template's role, an entity whose first mention has the head word of an earlier
entity's and a subset or superset of its words is dropped (one thing named twice), and so is
one the text gives in brackets after an earlier one or before it ("ARMY OF NATIONAL
LIBERATION (ELN)"). GTT Target takes only things named in a sentence that names an attack
type or in the first sentence of the incident's account, or told as the thing struck
("ATTACKED THE SUBSTATION", "THE ATTACK ON THE UCA"), and no piece of a name cut at an
abbreviation's stop (``_attacked_things``). GTT Victim leaves out a name inside another
name ("THE NELSON MANDELA CELL", "ALAMEDA JUAN PABLO II"), adds the names listed after a
tagged victim's ("X AND Y"), and names each victim by the fullest form of the name the
message gives, the rules' names too (``_named_in_full``).

Incident type (GTT lower case, MUC upper case): the type the report (or the part of it
:func:`split_incidents` made) tells first; a report naming no attack type takes its
instrument's (a bomb -> bombing, an incendiary -> arson), else ``attack``:

* Bombing/Explosion -> bombing, but not where its sentence tells otherwise (lexicon
  ``bombing_cues``, template-doc-part2 slot 4: BOMBING is a bomb set off): weapons seized
  name no type; bombs dropped from the air (not a bomb exploding on a plane) and projectiles
  fired (rockets, mortars) -> attack;
* Hostage Taking (Kidnapping or Barricade) -> kidnapping; a barricade or a siege whose
  sentence names no people held (lexicon ``hostage_words``) names no type;
* Facility/Infrastructure Attack -> arson with an incendiary weapon (GTD weapon type 8) in
  its sentence, bombing with an explosive one (type 6, not a projectile), else attack;
* Armed Assault, Assassination, Unarmed Assault, Hijacking -> attack;
* a robbery told in a part's sentences (the non-attack event Robbery) -> a ROBBERY template
  beside that part (:func:`_with_robberies`); things burned (the non-attack event Burning)
  -> an ARSON beside a part that is no arson (:func:`_with_burnings`); a bombing part whose
  type is told with gunfire -> attack (:func:`_gunfire_attacks`); forced work stoppage:
  never predicted.

INSTRUMENT TYPE, from the mention's words first, then the GTD class: machine gun -> MACHINE
GUN, mortar -> MORTAR, rifle -> RIFLE, pistol/revolver/handgun -> HANDGUN, other firearms ->
GUN; car/vehicle bomb -> VEHICLE BOMB, dynamite/TNT -> DYNAMITE, mine -> MINE, grenade ->
GRENADE, rocket -> ROCKET, missile -> MISSILE, other projectiles -> PROJECTILE, bomb -> BOMB,
other explosives -> EXPLOSIVE; Molotov cocktail -> MOLOTOV COCKTAIL, other incendiaries ->
FIRE; knife, machete -> CUTTING DEVICE; stone -> STONE. Where no instrument is named, the
act tells the type (the keys' GUN: "-"): a firearm act ("shot", "shooting", a knowledge-base
weapon verb such as "machinegunned" or "opened fire") -> GUN (MACHINE GUN), an explosive
one ("explosion", "a bomb attack") -> EXPLOSIVE (BOMB); else a firearm act word of the
incident's sentences (lexicon ``firearm_act_words``: "shot", "machinegunned", "sniper"). A
general fill beside a more specific one of its branch is dropped (EXPLOSIVE beside DYNAMITE,
BOMB beside VEHICLE BOMB; not BOMB beside DYNAMITE, the container and its material). A
weapon the knowledge base cannot code whose head word names people ("several individuals")
is none.

PERP: ORGANIZATION CONFIDENCE per group, the first that applies: the group claimed it (claim
of kind ``claimed`` or a perpetrator assertion with stance ``claimed``) -> CLAIMED OR
ADMITTED, but SUSPECTED OR ACCUSED BY AUTHORITIES when an authority claims another
organisation did it; an authority (army, police, minister, government, spokesman..., or a
speaker its sentence titles so, ``_is_authority``) said so -> SUSPECTED OR ACCUSED BY
AUTHORITIES, unless it reports the act with no word of accusation or suspicion beside the
group (``_authority_confidence``); the outlet states it (speaker is the outlet or none,
stance asserted/confirmed) -> REPORTED AS FACT, unless a claim, accusation or suspicion word
stands beside the group (``_confidence_beside``); another speaker asserts or attributes it,
or it is denied -> SUSPECTED OR ACCUSED; doubted -> POSSIBLE.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any, TypeVar

from incidex.evaluate._common import normalize_string
from incidex.evaluate._gtt import GTT_ROLES, PredTemplate
from incidex.evaluate._prune import TemplateFilter, template_features, template_filter
from incidex.evaluate._slots import PLURAL, HumNumber, SlotTemplate
from incidex.evaluate._split import (
    ROLE_FIELDS,
    SplitModel,
    Unit,
    split_model,
    units,
    value_key,
)
from incidex.evaluate._wikievents import WikiPredArgument, WikiPredEvent, default_head
from incidex.model import (
    DAY_PRECISIONS,
    RECENT_DAYS,
    ArticleResult,
    Assertion,
    EventType,
    IncidentReport,
    Perpetrator,
    Place,
    SentenceRef,
    Stance,
    Target,
    Weapon,
)
from incidex.nlp.components.matching import inflections
from incidex.nlp.gazetteer import default_gazetteer, place_words
from incidex.nlp.kb import default_kb, longest_term
from incidex.nlp.lexicon import BURNING, ROBBERY, default_lexicon, separate_cues

__all__ = [
    "split_incidents",
    "split_units",
    "incident_type_of",
    "instrument_type_of",
    "muc_relevance",
    "org_confidence_of",
    "muc_predictions",
    "to_gtt_templates",
    "to_muc_slots",
    "to_wikievents",
]

# -- incident type ---------------------------------------------------------------------

_GTD_TO_GTT: dict[str, str] = {
    "Bombing/Explosion": "bombing",
    "Hostage Taking (Kidnapping)": "kidnapping",
    "Hostage Taking (Barricade Incident)": "kidnapping",
    "Armed Assault": "attack",
    "Assassination": "attack",
    "Unarmed Assault": "attack",
    "Hijacking": "attack",
    ROBBERY: "robbery",  # in the ROBBERY parts of the MUC mapping (_with_robberies)
    BURNING: "arson",  # in the ARSON parts of the MUC mapping (_with_burnings)
}
_FACILITY = "Facility/Infrastructure Attack"
_BARRICADE = "Hostage Taking (Barricade Incident)"
_ASSAULT, _ASSAULT_CODE = "Armed Assault", 2
_INCENDIARY, _EXPLOSIVES, _FIREARMS, _MELEE = 8, 6, 5, 9
_MILITIA_TARGET = 17
_PROJECTILE = 11  # GTD explosives subtype: rockets, mortars, RPGs
_UNKNOWN_WEAPON = 13


def _facility_type(report: IncidentReport, assertion: Assertion[Any]) -> str:
    """Arson, bombing or attack by the means its sentence names ("BURNED", "DYNAMITED"): a
    bomb named elsewhere in the report, or a mortar fired, makes sabotage no bombing."""
    start = assertion.sentence.start
    codes = {
        w.normalized.type_code
        for w in report.weapons
        if w.sentence.start == start
        and (w.normalized.type_code == _INCENDIARY or _names_instrument(w))
        and w.normalized.subtype_code != _PROJECTILE
    }
    if _INCENDIARY in codes:
        return "arson"
    if _EXPLOSIVES in codes:
        return "bombing"
    return "attack"


def _kind_of(report: IncidentReport, assertion: Assertion[Any]) -> str | None:
    """GTT incident type an attack-type assertion names (None for non-attack events)."""
    event = assertion.normalized
    if not event.attack:
        return None
    if event.name == _FACILITY:
        return _facility_type(report, assertion)
    if event.name == _BARRICADE and not _holds_people(assertion.sentence.text):
        return None
    kind = _GTD_TO_GTT.get(event.name)
    if event.name == _ASSAULT and _told_with_kidnapping(report, assertion):
        return "kidnapping"
    return _bombing_kind(report, assertion) if kind == "bombing" else kind


_KIDNAPPING = "Hostage Taking (Kidnapping)"


def _told_with_kidnapping(report: IncidentReport, assertion: Assertion[Any]) -> bool:
    """Whether the sentence of an armed assault names a kidnapping too ("...
    WAS SHOT TO DEATH AFTER HE WAS KIDNAPPED BY UNIDENTIFIED MEN"): the killing is then
    the kidnapping's, as MUC-4 types an incident ATTACK only when it fits no other type
    (template-doc-part1, 7.5, note 1). Those killed get an ATTACK of their own when the
    message tells no other (:func:`_with_kidnap_attacks`)."""
    start = assertion.sentence.start
    return any(a.sentence.start == start and a.normalized.name == _KIDNAPPING for a in report.types)


@lru_cache(maxsize=4096)
def _holds_people(sentence: str) -> bool:
    """Whether a sentence tells of people held (lexicon ``hostage_words``: "hostages",
    "kidnapped"): MUC-4's KIDNAPPING is the taking of people (template-doc-part2, slot 4), so
    a siege or a barricade that holds none ("THE STATE OF SIEGE", "LAID SIEGE TO THE
    GARRISON") is none."""
    words = default_lexicon().hostage_words
    return any(w in words for w in _sentence_words(sentence))


def _bombing_kind(report: IncidentReport, assertion: Assertion[Any]) -> str | None:
    """MUC-4's BOMBING is a bomb set off (template-doc-part2, slot 4); the sentence of a bomb
    word tells when it is none (lexicon ``bombing_cues``): weapons seized ("SEIZED ... SIX
    GRENADES") are no incident; bombs dropped from the air ("THE AIR FORCE BOMBED"; but not
    a bomb set off in a plane, "A BOMB EXPLODED ON THE PLANE") and a projectile fired (a
    type implied by "ATTACKED ... WITH MORTARS") are ATTACK."""
    cues = _bombing_cues(assertion.sentence.text)
    weapons = [w for w in report.weapons if w.start < assertion.end and assertion.start < w.end]
    if "seized" in cues and any(_names_instrument(w) for w in weapons):
        return None
    if "aerial" in cues and "set off" not in cues:
        return "attack"
    if any(w.normalized.subtype_code == _PROJECTILE for w in weapons):
        return "attack"
    return "bombing"


@lru_cache(maxsize=4096)
def _bombing_cues(sentence: str) -> frozenset[str]:
    """The kinds of the lexicon's ``bombing_cues`` among the words and word pairs of the
    whole sentence (linear in its length)."""
    cues = default_lexicon().bombing_cues
    words = _sentence_words(sentence)
    grams = [*words, *(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))]
    return frozenset(cues[g] for g in grams if g in cues)


def incident_type_of(report: IncidentReport) -> str:
    """GTT incident type of a report (lower case; upper-case it for MUC): the type it tells
    first (a report's lead tells its incident; later sentences recall others, "... THE
    CURRENT WAVE OF KIDNAPPINGS"), else the type of the instrument it names."""
    for assertion in sorted(report.types, key=lambda a: a.start):
        kind = _kind_of(report, assertion)
        if kind is not None:
            return kind
    return _untyped_type(report)


def _untyped_type(report: IncidentReport) -> str:
    """The type of a report naming no attack type: a bomb or a fire bomb named as an
    instrument ("A HOMEMADE BOMB ... IN THIS ATTACK") makes it a bombing or an arson (MUC-4:
    ATTACK only when the incident fits no other type), else an attack. A projectile fired
    ("ATTACKED THE PRESIDENCY WITH MORTAR FIRE") is no bomb set off: an ATTACK, as in
    :func:`_bombing_kind`."""
    codes = {
        w.normalized.type_code
        for w in report.weapons
        if _names_instrument(w) and w.normalized.subtype_code != _PROJECTILE
    }
    return "bombing" if _EXPLOSIVES in codes else "arson" if _INCENDIARY in codes else "attack"


# -- mentions --------------------------------------------------------------------------

_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "its", "their", "his", "her"})
_NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve dozen dozens scores
    hundreds some several at least more than about nearly almost over up to around
    approximately some of""".split()
)
_YEAR = re.compile(r"^(19|20)\d\d$")
_COUNT_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve dozens scores".split()
)
_CASUALTY_STOP = frozenset(
    """were was are is have has had been be being killed dead died deaths death wounded
    injured injuries hurt casualties fatalities lost kidnapped missing including who""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d[\d,.]*")


# A mention is read in its first 500 characters: a name or a noun phrase is far shorter, and
# the rules that compare mentions word by word then do bounded work on any input.
_MENTION_CHARS = 500


def _words(text: str) -> list[str]:
    """The words of a mention (lower case), in its first :data:`_MENTION_CHARS` characters."""
    return [w.lower() for w in _WORD.findall(text[:_MENTION_CHARS])]


def _sentence_words(text: str) -> list[str]:
    """The words of a whole sentence (lower case)."""
    return [w.lower() for w in _WORD.findall(text)]


def _is_people(text: str) -> bool:
    words = _words(text)
    if not words:
        return False
    head = words[-1]
    lex = default_lexicon()
    return head in lex.people_heads or (len(head) > 4 and head.endswith(lex.people_head_suffixes))


def _before(a: Assertion[Any], reach: int | None = None) -> str:
    """The text of the assertion's sentence before it (its last ``reach`` characters)."""
    end = max(0, a.start - a.sentence.start)
    return a.sentence.text[0 if reach is None else max(0, end - reach) : end]


def _after(a: Assertion[Any], reach: int | None = None) -> str:
    """The text of the assertion's sentence after it (its first ``reach`` characters)."""
    start = a.end - a.sentence.start
    return a.sentence.text[start : None if reach is None else start + reach]


def _names_instrument(assertion: Assertion[Weapon]) -> bool:
    words = _words(assertion.value)
    return (
        bool(words)
        and words[-1] not in _DETERMINERS
        and words[-1] not in default_lexicon().event_weapon_words
        and tuple(words) not in _weapon_acts()
    )


@cache
def _weapon_acts() -> frozenset[tuple[str, ...]]:
    """The knowledge base's weapon verbs in every regular form ("machinegunned", "fired at",
    "opened fire"), less its weapon terms ("bomb"): an act, not an instrument named."""
    kb = default_kb()
    terms = {tuple(_words(term)) for term, _ in kb.weapon_terms()}
    acts: set[tuple[str, ...]] = set()
    for weapon in kb.weapons:
        for verb in weapon.verbs:
            first, *rest = _words(verb)
            acts.update((form, *rest) for form in inflections(first))
    return frozenset(acts - terms)


def _casualty_people(value: str) -> str | None:
    """The people part of a casualty phrase, as written ("THREE SOLDIERS WERE KILLED" ->
    "THREE SOLDIERS"); None when the phrase names no people ("AT LEAST 20")."""
    kept: list[str] = []
    raws = value[:_MENTION_CHARS].split()
    for raw, after in zip(raws, [*raws[1:], ""], strict=True):
        word = raw.strip(",.;:()\"'").lower()
        if word in _CASUALTY_STOP:
            break
        if word.endswith("ly") and after.lower() in _CASUALTY_STOP:
            break  # "12 initially killed": the adverb of the verb, not "3 elderly people"
        kept.append(raw.strip(",.;:()\"'"))
        if raw.endswith(","):
            break  # "Tamerlan, 26, died": what follows the name is an apposition
    nouns = [w for w in kept if w.lower() not in _NUMBER_WORDS and not w[:1].isdigit()]
    return " ".join(kept) if nouns else None


def _group(pairs: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Entities from (key, mention) pairs: one entity per key, mentions in text order, each
    normalised string once."""
    entities: dict[str, list[str]] = {}
    seen: dict[str, set[str]] = {}
    for key, mention in pairs:
        norm = normalize_string(mention)
        if not norm:
            continue
        bucket = entities.setdefault(key, [])
        if norm not in seen.setdefault(key, set()):
            seen[key].add(norm)
            bucket.append(mention.strip())
    return [e for e in entities.values() if e]


def _entity_key(text: str) -> str:
    return normalize_string(text)


# -- which extractor fills the roles ---------------------------------------------------

ROLE_TAGGER = "incidex_roles_v1"  # the trained tagger (incidex/nlp/components/trained.py)
# the trained candidate classifier, beside it: both are "the tagger" to the mapping
ROLE_MODELS = frozenset({ROLE_TAGGER, "incidex_role_candidates_v1"})
# Per GTT role, how the tagger's assertions and the rules' combine in the role's field:
# "rules" (tagger ignored), "union", "tagger-first" (the tagger's when it found any, else the
# rules'), "tagger" (the tagger's only). Chosen on TST1+TST2 (docs/accuracy.md).
ROLE_SOURCE: dict[str, str] = {
    "PerpInd": "tagger",
    "PerpOrg": "tagger",
    "Target": "tagger",
    "Victim": "tagger",
    "Weapon": "tagger",
}


def _from_tagger(a: Assertion[Any]) -> bool:
    return a.extractor in ROLE_MODELS


def _role_view(report: IncidentReport, mode: str) -> IncidentReport:
    """The report with each role field's assertions chosen by ``mode`` (see ROLE_SOURCE)."""
    if mode == "union":
        return report
    update: dict[str, list[Assertion[Any]]] = {}
    for name in ROLE_FIELDS:
        found: list[Assertion[Any]] = getattr(report, name)
        tagged = [a for a in found if _from_tagger(a)]
        rules = [a for a in found if not _from_tagger(a)]
        if mode == "rules":
            update[name] = rules
        elif mode == "tagger":
            update[name] = tagged
        else:
            update[name] = tagged or rules
    return report.model_copy(update=update)


def _perp_orgs(report: IncidentReport) -> list[list[str]]:
    return _group(_org_mentions(report))


def _org_mentions(report: IncidentReport) -> list[tuple[str, str]]:
    """(organisation key, mention) of each perpetrator organisation of the report (see
    :func:`_org_of`), in the order of its perpetrator assertions; where it names none, the
    state forces its perpetrators are members of (:func:`_members_force`)."""
    found = [org for a in report.perpetrators if not _a_side(a) and (org := _org_of(a)) is not None]
    return found or [
        (normalize_string(force), force)
        for a in report.perpetrators
        if a.normalized.group is None
        and not _a_side(a)
        and (force := _members_force(a.value)) is not None
    ]


# words between "OF THE" and the force's name: "MEMBERS OF THE SALVADORAN ARMED FORCES"
_FORCE_WORDS = 2


@cache
def _state_force_words() -> tuple[list[str], ...]:
    """The lexicon's ``state_forces`` as word lists, split once, not at every mention."""
    return tuple(force.split() for force in default_lexicon().state_forces)


def _members_force(mention: str) -> str | None:
    """The state force a description of perpetrators makes them members of, as written
    ("EIGHT MEMBERS OF THE SALVADORAN ARMY" -> "SALVADORAN ARMY", "TWO SOLDIERS OF THE ARMED
    FORCES" -> "ARMED FORCES"): the MUC coders take the force for the perpetrators'
    organisation. Only in a report that names no organisation: DEV-MUC3-0001..1100 PerpOrg
    241 -> 247 correct of 404 -> 410 predicted so (TST1+TST2 unchanged); in every report,
    6 of 9 right, and five-role lower. The sixth round's wider rule ("ARMY TROOPS", any
    description holding a force) was 4 of 17 on DEV."""
    words = _WORD.findall(mention)
    lower = [w.lower() for w in words]
    lexicon = default_lexicon()
    forces = _state_force_words()
    # the force's name ends the description, at most _FORCE_WORDS words after "OF THE": only
    # the description's last words are read (bounded work on a long mention)
    last = len(lower) - 3 - _FORCE_WORDS - max(map(len, forces), default=0)
    for i in range(max(0, last), len(lower) - 3):
        if lower[i] in lexicon.force_member_nouns and lower[i + 1 : i + 3] == ["of", "the"]:
            rest = lower[i + 3 :]
            if any(rest[-len(f) :] == f and len(rest) - len(f) <= _FORCE_WORDS for f in forces):
                return " ".join(words[i + 3 :])
    return None


def _org_of(a: Assertion[Perpetrator]) -> tuple[str, str] | None:
    """The organisation a perpetrator assertion names, as (key, mention as written): a group
    the knowledge base knows by its name, any other by its name without case or article
    ("THE ARMY" and "ARMY" are one organisation)."""
    group = a.normalized.group
    return (_org_key(group), a.value) if group is not None else None


def _org_key(group: str) -> str:
    found = default_kb().group(group)
    return found.name if found is not None else normalize_string(group)


def _perp_inds(report: IncidentReport) -> list[list[str]]:
    described = [
        (_attacker_key(a.normalized.description or a.value), a.value, a.start)
        for a in report.perpetrators
        if a.normalized.group is None and not _a_side(a)
    ]
    # Targets coded Terrorists/Non-State Militia: in these reports, the attackers.
    militia = [
        (_attacker_key(a.normalized.entity or a.value), a.value, a.start)
        for a in report.targets
        if a.normalized.type_code == _MILITIA_TARGET and not _from_tagger(a)
    ]
    ordered = sorted(described + militia, key=lambda item: item[2])
    grouped = _group((key, mention) for key, mention, _ in ordered)
    return _one_per_head([sorted(entity, key=_fullest) for entity in grouped])


def _fullest(mention: str) -> tuple[bool, int]:
    """Sort key naming a perpetrator entity by its fullest description: "general
    descriptions may consist of complete noun phrases, including determiners, modifying PPs,
    restrictive relative clauses" (MUC-4 template-doc-part2, slot 9), and GTT's gold names the
    attackers so ("A GROUP OF SIX URBAN GUERRILLAS" beside "URBAN GUERRILLAS", "AT LEAST THREE
    UNIDENTIFIED INDIVIDUALS" beside "GUNMEN"); never by the attributive "TERRORIST" where
    another mention is written (:func:`_attributive`). The first of the longest, in text
    order. DEV-MUC3-0001..1100 five-role 71.10 -> 71.23 (PerpInd 388 -> 392 correct of 627,
    27 templates' attackers renamed); TST1+TST2 unchanged (49.70; 3 renamed, PerpInd 55 of 121
    correct before and after)."""
    return _attributive(mention), -len(_words(mention))


def _one_per_head(entities: list[list[str]]) -> list[list[str]]:
    """The perpetrator entities without those whose name has the head noun of an earlier
    one's and a subset or superset of its words ("SOLDIERS" after "SOLDIERS WITH THEIR FACES
    PAINTED BLACK"): one group described twice, counted once. Unlike :func:`_same_heads`, the
    head of a description is the noun before its modifiers (:func:`_description_head`), not
    its last word. DEV-MUC3-0001..1100 five-role 71.23 -> 71.26 (PerpInd 3 fewer predicted,
    none correct); TST1+TST2 unchanged."""
    kept: list[tuple[str, set[str]]] = []
    found: list[list[str]] = []
    for entity in entities:
        words = _words(entity[0])
        head, known = _description_head(words), set(words)
        if any(head == h and (known <= w or w <= known) for h, w in kept):
            continue
        kept.append((head, known))
        found.append(entity)
    return found


def _attributive(mention: str) -> bool:
    """Whether a perpetrator mention is one singular perpetrator noun, "TERRORIST": in wire
    text almost always the attributive of "TERRORIST ATTACK", "TERRORIST ACTS", so another
    mention of the attackers ("THE TERRORISTS", "GUNMEN") names them; GTT's gold names them
    by that noun phrase ("terrorists") and lists "terrorist" only where no other is written.
    TST1+TST2 five-role 47.78 -> 47.93 (PerpInd 53 -> 54 correct); DEV-MUC3-0001..1100
    68.69 -> 68.78 (382 -> 385 correct)."""
    words = _words(mention)
    singular = len(words) == 1 and not words[0].endswith(("s", "men"))  # "gunmen" is plural
    return singular and words[0] in default_lexicon().perpetrator_nouns


# "... between (the)" or "... between X and (the)" right before a mention, looked for in the
# last _SIDES_REACH characters only: on the whole prefix a long run of white space after
# "between" made the search super-linear (8,000 spaces: 26 s)
_SIDES = re.compile(r"\bbetween\s+(?:([^.;]{1,80}?)\s+and\s+)?(?:the\s+)?$", re.I)
_SIDES_REACH = 200


def _a_side(a: Assertion[Perpetrator]) -> bool:
    """Whether a perpetrator (a description or a group) is one of two parties "between X and
    Y" ("CLASHES BETWEEN GUERRILLAS AND GOVERNMENT TROOPS", "TALKS BETWEEN THE GOVERNMENT AND
    THE FMLN"): the sides of a clash or of talks, not who attacked. Not a range of numbers
    ("BETWEEN 10 AND 15 MEN"). PerpInd: TST1+TST2 five-role 47.96 -> 48.04 (2 fewer, none
    correct), DEV-MUC3-0001..1100 68.83 -> 68.90 (7 fewer, none correct); PerpOrg: 48.04 ->
    48.07 (1 fewer, not correct), slots 666 correct of 1204 -> of 1202, DEV unchanged."""
    before = _before(a)
    found = _SIDES.search(before, max(0, len(before) - _SIDES_REACH))  # \b sees the char before
    if found is None:
        return False
    first = found.group(1)  # X of "between X and", None for X itself
    numbers = default_lexicon().number_words
    return first is None or not all(w[0].isdigit() or w in numbers for w in _words(first))


_ATTACKERS = "\x00attackers"  # the key of the generic descriptions of one incident's attackers


def _attacker_key(text: str) -> str:
    """One key for the descriptions of the attackers by a common noun ("TERRORISTS",
    "GUNMEN", "SEVERAL HOODED MEN", "INDIVIDUALS WEARING ARMY UNIFORMS": lexicon
    ``perpetrator_nouns`` and ``suspect_nouns``): within one incident's account they name
    the same group, as GTT's gold groups them ("assailants / paid assassins", "guerrillas /
    terrorists"), so they are one entity, named by its first mention. Names and other
    descriptions ("SOLDIERS OF THE ATLACATL BATTALION") keep a key of their own. TST1+TST2
    five-role 38.7 -> 39.1 (PerpInd 40 of 140 correct -> 37 of 112); DEV-MUC3-0001..1100
    60.7 -> 61.3. With "PERSONS", "YOUTHS", "CRIMINALS", "HITMEN" among the suspect nouns
    (GTT's gold groups "unknown people / criminals", "gunmen / hitmen"): 47.68 -> 47.78,
    DEV 68.67 -> 68.69; "A GROUP OF HEAVILY ARMED MEN", "A COLUMN OF GUERRILLAS" (lexicon
    ``collective_nouns``) describing the people gathered: 47.93 -> 47.96, DEV 68.78 ->
    68.83; and "A GUERRILLA COLUMN": 48.07 -> 48.11, DEV 68.90 -> 68.96."""
    lexicon = default_lexicon()
    head = _description_head(_words(text))
    if head in lexicon.perpetrator_nouns or head in lexicon.suspect_nouns:
        return _ATTACKERS
    # "MAJ ROBERTO D'AUBUISSON" and "MAJOR ROBERTO D'AUBUISSON": one person (TST1+TST2
    # 48.11 -> 48.14, DEV 68.96 -> 68.98, one and two fewer PerpInd entities, none correct)
    titles = lexicon.title_abbreviations
    return " ".join(titles.get(w, w) for w in _entity_key(text).split())


def _description_head(words: list[str]) -> str:
    """The head noun of a description of people (lower-case words): the word before a
    preposition, relative pronoun or participle, else the last ("MEN" of "SEVERAL MEN WEARING
    UNIFORMS"); the people a collective noun gathers ("A GROUP OF ARMED MEN", "A GUERRILLA
    COLUMN")."""
    collective = default_lexicon().collective_nouns
    if len(words) > 2 and words[0] in collective and words[1] == "of":
        words = words[2:]
    ends = [i for i, w in enumerate(words) if i and (w in _AFTER_HEAD or w.endswith("ing"))]
    at = ends[0] - 1 if ends else len(words) - 1
    if at > 0 and words[at] in collective:
        at -= 1  # "A GUERRILLA COLUMN", "A TERRORIST GROUP": the people gathered
    return words[at] if at >= 0 else ""


def _target_entities(report: IncidentReport) -> tuple[list[Assertion[Target]], ...]:
    things: list[Assertion[Target]] = []
    people: list[Assertion[Target]] = []
    for a in report.targets:
        if a.normalized.type_code == _MILITIA_TARGET and not _from_tagger(a):
            continue
        if _from_tagger(a) or not _is_people(a.normalized.entity or a.value):
            things.append(a)
        else:
            people.append(a)
    return things, people


def _victim_mentions(
    report: IncidentReport, people: Sequence[Assertion[Target]], tagged: bool = False
) -> list[str]:
    # a named victim by its names; a described one (or a tagged mention) by its text
    victims = [a for a in report.victims if _harmed_person(a)]
    mentions = [name for a in victims for name in (a.normalized.names or [a.value])]
    mentions += [a.value for a in people]
    known = [normalize_string(a.value).split() for a in victims]
    mentions += [name for a in victims if _from_tagger(a) for name in _listed_with(a, known)]
    if tagged:
        # The tagger's victims replace the casualty phrases' people, also where it found
        # none: on TST1+TST2 those people matched no gold victim (0 of 31; 0 of 243 on DEV).
        return mentions
    for c in report.casualties:
        if c.normalized.category in ("killed", "wounded", "hostages"):
            found = _casualty_people(c.value)
            if found is not None:
                mentions.append(found)
    return mentions


def _harmed_person(a: Assertion[Any]) -> bool:
    """Whether a victim mention is someone harmed: not part of another name
    (:func:`_in_another_name`) nor a source, an official or the accused
    (:func:`_source_or_official`); the Victim role and HUM TGT alike."""
    return not _in_another_name(a) and not _source_or_official(a)


def _in_another_name(a: Assertion[Any]) -> bool:
    """Whether the mention is part of the name of something else: a name before a head noun
    ("THE NELSON MANDELA CELL OF THE ELN") or after a street word ("ALAMEDA JUAN PABLO II")
    names a group or a place after a person, not the person (lexicon ``name_heads``,
    ``name_openers``). TST1+TST2 five-role 47.8 -> 47.9 (Victim 37 of 105 correct -> 37 of
    103); as no HUM TGT either, slots 54.39 -> 54.46 (3 fewer predicted, none correct);
    DEV-MUC3-0001..1100 unchanged (68.67; slots 60.38)."""
    after = _words(_after(a))[:1]
    before = _words(_before(a, 40))[-1:]
    lexicon = default_lexicon()
    return bool(set(after) & lexicon.name_heads or set(before) & lexicon.name_openers)


_LISTED = re.compile(r"^(?:\s+of\s+[a-z]+)?\s*,?\s+and\s+", re.IGNORECASE)


def _listed_with(a: Assertion[Any], known: Sequence[list[str]] = ()) -> list[str]:
    """The person named right after a tagged victim's name in a list ("DAGOBERTO RODRIGUEZ AND
    ALFONSO DE LIMA, WHO WERE INSIDE THE CAR, WERE KILLED"; "ROBERTO ROASCIO OF MILAN AND
    MARIO ACCURSO"): people listed together share their part in the sentence, and the tagger
    often marks the first only. The next name is two to four capitalised words up to a comma
    or a clause word, with a nationality or title before it left out ("AND SPANIARD
    FRANCISCO PUJA"); a word of the lexicon's people, person or suspect nouns ("AND HIS
    DRIVER", "AND TWO BODYGUARDS") makes it no name, and so does a victim name of ``known``
    inside it (a name and the words after it, "MICHAEL REYFF RESCUED"). TST1+TST2 five-role
    48.0 -> 48.3 (Victim 37 of 103 correct -> 40 of 107); DEV-MUC3-0001..1100 68.81, unchanged
    (the tagger, trained there, marks every listed victim)."""
    if len(a.value.split()) < 2:
        return []  # a name has two words or more; "RODRIGUEZ" may be a group's
    rest = _after(a, 300)  # the next name is near; bounds the regex work
    lead = _LISTED.match(rest)
    if lead is None:
        return []
    name: list[str] = []
    words = re.findall(r"[^\s,;:?!()\[\]\"]+|[,;:?!]", rest[lead.end() :])[:8] + ["."]
    ends = default_lexicon().name_list_ends
    for word in words:
        if word.lower().rstrip(".") in ends or word in ends:
            break
        name.append(word)
    else:
        return []
    if name and name[-1].endswith("."):
        name[-1] = name[-1][:-1]  # the full stop after the name
    lexicon, kb = default_lexicon(), default_kb()
    titles = lexicon.person_nouns | lexicon.name_titles
    while name and (kb.nationality(name[0]) or name[0].lower().rstrip(".") in titles):
        name.pop(0)
    nouns = lexicon.human_nouns | _LEAD_WORDS | _NUMBER_WORDS
    # capitalised words, but for a short particle inside ("Alfonso de Lima", "Rivera y Damas")
    inner = set(name[1:-1])
    if not 2 <= len(name) <= 4 or any(
        not w[0].isalpha()
        or not (w[0].isupper() or (w in inner and len(w) <= 3))
        or w.lower() in nouns
        for w in name
    ):
        return []
    words = normalize_string(" ".join(name)).split()
    if any(_runs_inside(k, words) for k in known):
        return []
    return [" ".join(name)]


@cache
def _source_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lexicon = default_lexicon()
    before = "|".join(re.escape(p) for p in (*lexicon.source_phrases, *lexicon.agent_phrases))
    after = "|".join(re.escape(p) for p in (*lexicon.office_phrases, *lexicon.blame_phrases))
    # up to three words between: a title or a rank ("SIGNED: JUAN DIAZ JARA"; "A TALK WITH
    # INTERIOR MINISTER X"); an apposition of up to 80 characters before the office phrase
    return (
        re.compile(rf"\b(?:{before})\W*(?:[\w.'-]+\W+){{0,3}}$", re.IGNORECASE),
        re.compile(rf"^(?:,[^.]{{0,80}},)?\s*(?:{after})\b", re.IGNORECASE),
    )


def _source_or_official(a: Assertion[Any]) -> bool:
    """Whether the tagged victim is named as the signer or author of a text ("SIGNED: X", "A
    REPORT BY X"), as its addressee or party to a talk ("A LETTER TO X", "A TALK WITH X"),
    or as an official taking or leaving office ("X HAS BEEN APPOINTED COMMANDER", "X, A KEY
    OFFICIAL, HAS RESIGNED"): a source or a person in the news, not one harmed (lexicon
    ``source_phrases``, ``office_phrases``); nor is the attacker or the accused ("THE
    KILLING HAD BEEN ORDERED BY X", "COLONEL X ... IS RESPONSIBLE"; ``agent_phrases``,
    ``blame_phrases``). Unlike a speaker (a survivor may speak of the attack), none of these
    is a victim in DEV-MUC3-0001..1100's gold. TST1+TST2 five-role 48.4 -> 48.6 -> 48.75
    (Victim 40 of 107 correct -> 40 of 100 -> 40 of 97), and as no HUM TGT, slots 54.57 ->
    54.66 -> 54.80 (669 of 1207 -> 668 of 1199 -> 668 of 1193); DEV-MUC3-0001..1100
    unchanged."""
    if not _from_tagger(a):
        return False
    before, after = _source_patterns()
    return bool(before.search(_before(a, 80)) or after.match(_after(a, 160)))


def _victim_names(result: ArticleResult, tagger: bool | None) -> list[tuple[list[str], str]]:
    """Every victim mention of the message (its normalised words and its text), as the Victim
    role sees them: all its incidents, before any split."""
    mentions = []
    for report in result.incidents:
        view = _views(report, tagger)["Victim"]
        tagged = _tagged(report) if tagger is None else tagger
        mentions += _victim_mentions(view, _target_entities(view)[1], tagged)
        mentions += _full_names(report)
    return [(words, m) for m in mentions if (words := normalize_string(m).split())]


def _full_names(report: IncidentReport) -> list[str]:
    """The names the rules give their victims ("THE COMMANDER'S WIFE, STELA TORRADO DE
    OTALORA" -> "STELA TORRADO DE OTALORA"): a longer form of a name the tagger cut short
    ("TORRADO DE OTALORA"), which the Victim role, taking the tagger's victims only, would
    not see; a nationality the name starts with is no part of it ("Spaniard Jose Maria
    Martinez"). TST1+TST2 five-role 47.7 -> 47.8 (Victim 36 of 105 correct -> 37);
    DEV-MUC3-0001..1100 68.67, unchanged."""
    names = [
        _as_written(n, a.sentence.text).split()
        for a in report.victims
        if not _from_tagger(a)
        for n in a.normalized.names
    ]
    kb = default_kb()
    return [" ".join(words[1:] if kb.nationality(words[0]) else words) for words in names if words]


def _as_written(name: str, sentence: str) -> str:
    """The name as its sentence writes it (the normalised names are lower case)."""
    found = re.search(r"\s+".join(map(re.escape, name.split())), sentence, re.IGNORECASE)
    return found.group(0) if found else name


def _named_in_full(template: PredTemplate, names: Sequence[tuple[list[str], str]]) -> PredTemplate:
    """The template with each Victim named by the fullest form of its name the message gives:
    a mention whose words run, in order, inside a longer victim mention of the message
    ("GARCIA ALVARADO", "JAMES ARTHUR" after "ROBERTO GARCIA ALVARADO", "JAMES ARTHUR
    DONNELLY") is that longer one, as GTT's keys give a person's full name; one person so
    named twice is one entity. TST1+TST2 five-role 40.4 -> 40.7 (Victim 34 of 113 correct ->
    35 of 110); DEV-MUC3-0001..1100 (the tagger's training messages) 65.16 -> 65.18."""
    kept: list[list[str]] = []
    for entity in template.role("Victim"):
        words = normalize_string(entity[0]).split()
        longer = [n for n in names if len(n[0]) > len(words) and _runs_inside(words, n[0])]
        full = max(longer, key=lambda n: len(n[0]))[1] if longer else entity[0]
        if all(normalize_string(full) != normalize_string(k[0]) for k in kept):
            kept.append([full])
    roles = {name: [list(e) for e in template.role(name)] for name in GTT_ROLES}
    return PredTemplate.build(template.incident_type, **{**roles, "Victim": kept})


def _runs_inside(words: list[str], longer: list[str]) -> bool:
    n = len(words)
    return n > 0 and any(longer[i : i + n] == words for i in range(len(longer) - n + 1))


def _weapons(report: IncidentReport) -> list[Assertion[Weapon]]:
    return [w for w in report.weapons if _names_instrument(w)]


def _used_weapons(report: IncidentReport) -> list[Assertion[Weapon]]:
    """The instruments of the incident (GTT Weapon, MUC-4 INSTRUMENT TYPE): not what the
    knowledge base cannot code when its head word names people ("SEVERAL INDIVIDUALS ... FIRE
    VOLLEYS OF SUBMACHINEGUN FIRE"), which the role tagger sometimes takes for a weapon.
    TST1+TST2 Weapon 35 of 61 -> 35 of 60; DEV-MUC3-0001..1100 unchanged."""
    return [
        w
        for w in _weapons(report)
        if not (w.normalized.type_code == _UNKNOWN_WEAPON and _names_people(w.value))
    ]


def _names_people(text: str) -> bool:
    words = _words(text)
    return _is_people(text) or (bool(words) and words[-1] in default_lexicon().human_nouns)


# -- GTT ---------------------------------------------------------------------------------


def _tagged(report: IncidentReport) -> bool:
    return any(_from_tagger(a) for name in ROLE_FIELDS for a in getattr(report, name))


def _views(report: IncidentReport, tagger: bool | None) -> dict[str, IncidentReport]:
    """The report as each GTT role sees it. ``tagger``: whether the role tagger ran (None:
    whether it added anything); without it every role keeps the rules' assertions."""
    if tagger is None:
        tagger = _tagged(report)
    views = {
        role: _role_view(report, ROLE_SOURCE.get(role, "union") if tagger else "rules")
        for role in GTT_ROLES
    }
    if tagger:
        views["PerpOrg"] = _with_groups_described(report, views["PerpOrg"])
    return views


def _with_groups_described(report: IncidentReport, view: IncidentReport) -> IncidentReport:
    """The tagger's view, where it names no organisation, with the groups the rules find
    inside its perpetrators' descriptions ("A COLUMN OF SHINING PATH TERRORISTS", "ALLEGED
    MEMBERS OF THE XXII FRONT OF THE FARC", "UC-ELN MEMBERS DETONATED"): the tagger reads the
    description as the individuals and leaves the group they belong to unread.
    DEV-MUC3-0001..1100 PerpOrg 247 -> 258 correct of 410 -> 435 predicted; TST1+TST2
    unchanged."""
    own = [a for a in view.perpetrators if not _a_side(a)]
    if any(a.normalized.group is not None for a in own):
        return view
    inside = [
        a
        for a in report.perpetrators
        if a.normalized.group is not None
        and not _from_tagger(a)
        and any(d.start <= a.start and a.end <= d.end for d in own)
    ]
    return (
        view.model_copy(update={"perpetrators": [*view.perpetrators, *inside]}) if inside else view
    )


def _gtt_template(report: IncidentReport, tagger: bool | None) -> PredTemplate:
    view = _views(report, tagger)
    things = _attacked_things(report, _target_entities(view["Target"])[0])
    tagged = _tagged(report) if tagger is None else tagger
    victims = _victim_mentions(view["Victim"], _target_entities(view["Victim"])[1], tagged)
    roles = {
        "PerpInd": _perp_inds(view["PerpInd"]),
        "PerpOrg": _perp_orgs(view["PerpOrg"]),
        "Target": _group((_entity_key(a.normalized.entity or a.value), a.value) for a in things),
        "Victim": _group((_entity_key(m), m) for m in victims),
        "Weapon": _group((_weapon_key(w), w.value) for w in _used_weapons(view["Weapon"])),
    }
    # Each entity by its first mention: the metric credits an entity only when every one of
    # its mentions is a mention of one gold entity, so a second mention can only cost ("FMLN"
    # grouped with "FARABUNDO MARTI NATIONAL LIBERATION FRONT" where the gold lists "FMLN"
    # alone); GTT's own predictions give one mention per entity. TST1+TST2: 36.1 -> 36.6.
    said = _sentence_texts(report)
    firsts = {
        role: [entity[:1] for entity in _bracketed_aliases(_same_heads(found), said)]
        for role, found in roles.items()
    }
    return PredTemplate.build(incident_type_of(report), **firsts)


def _sentence_texts(report: IncidentReport) -> list[str]:
    return list(dict.fromkeys(a.sentence.text for a in report.assertions()))


def _bracketed_aliases(entities: list[list[str]], sentences: Sequence[str]) -> list[list[str]]:
    """The entities with those dropped that the text gives, in brackets, as another name of an
    earlier one: "ARMY OF NATIONAL LIBERATION (ELN)", "THE ELN [ARMY OF NATIONAL
    LIBERATION]": a name and its bracketed alias name one thing. TST1+TST2 five-role 38.6 ->
    38.7 (2 PerpOrg entities dropped, none correct)."""
    kept: list[list[str]] = []
    for entity in entities:
        first = entity[0] if entity else ""
        if not any(_bracketed(k[0], first, sentences) for k in kept):
            kept.append(entity)
    return kept


def _bracketed(a: str, b: str, sentences: Sequence[str]) -> bool:
    x, y = re.escape(a.strip()), re.escape(b.strip())
    pattern = re.compile(
        rf"{x}\W{{0,3}}[(\[]\s*{y}\s*[)\]]|{y}\W{{0,3}}[(\[]\s*{x}\s*[)\]]", re.IGNORECASE
    )
    return any(pattern.search(text) for text in sentences)


def _attacked_things(
    report: IncidentReport, things: list[Assertion[Target]]
) -> list[Assertion[Target]]:
    """The things named in a sentence that tells of an attack (names its type): GTT's Target
    is the thing attacked, and a building or vehicle named elsewhere is a landmark ("500
    METERS FROM THE CONGRESS BUILDING"), someone's property or background ("HAD LEFT HIS
    HOUSE"). TST1+TST2 five-role 37.6 -> 38.6 (Target 32 of 125 correct -> 29 of 71)."""
    told = {a.sentence.start for a in report.types}
    # The first sentence of an incident's account (a report's lead, or the sentence a split
    # starts with) tells of that incident even where no attack-type word was recognised:
    # "SEVEN BANK BRANCH OFFICES WERE SHAKEN BY EXPLOSIVE CHARGES". TST1+TST2 five-role
    # 40.1 -> 40.4 (Target 29 of 70 correct -> 32 of 75); DEV-MUC3-0001..1100 65.11 -> 65.16.
    told.add(min((a.sentence.start for a in report.assertions()), default=0))
    return [a for a in things if (a.sentence.start in told or _struck(a)) and not _cut_at_a_stop(a)]


def _cut_at_a_stop(a: Assertion[Target]) -> bool:
    """Whether the tagged thing ends at a full stop inside its sentence, the stop of an
    abbreviation ("THE CHILEAN-U.S. CULTURAL INSTITUTE" tagged as "CHILEAN-U.S"): a piece of
    a name, not a thing. TST1+TST2: 2 wrong targets fewer."""
    rest = _after(a)
    return rest.startswith(".") and bool(rest[1:].strip())


_LEAD_WORDS = _DETERMINERS | _COUNT_WORDS | frozenset("all these those several some other".split())


def _struck(a: Assertion[Target]) -> bool:
    """Whether the target is told as the thing struck, whatever the sentence's attack type:
    the object of a target verb ("ATTACKED AN ELECTRIC POWER SUBSTATION", "SABOTAGED THE
    ELECTRICAL SYSTEM"), of an attack noun's preposition ("THE ATTACK ON THE UCA") or the
    subject of one in the passive ("THE BUS ... WAS ATTACKED"; lexicon ``target_verbs``,
    ``struck_stems``): GTT's Target is the thing attacked, wherever the types component
    recognised no attack type in its sentence. TST1+TST2 five-role 47.9 -> 48.0 (Target 37 of
    79 correct -> 42 of 97); DEV-MUC3-0001..1100 68.67 -> 68.81 (Target 284 of 417 -> 310 of
    476)."""
    before = _words(_before(a, 60))
    while before and before[-1] in _LEAD_WORDS:
        before.pop()
    after = _words(_after(a, 60))
    lexicon = default_lexicon()
    verbs = (*lexicon.target_verbs, *lexicon.struck_stems)
    if before and before[-1].startswith(verbs):
        return True
    # a noun ("THE ATTACK ON"), not a verb with its place ("WAS ATTACKED ON THE HIGHWAY")
    noun = before[-2] if len(before) > 1 else ""
    if before[-1:] in (["on"], ["against"]) and noun.startswith(verbs) and not noun.endswith("ed"):
        return True
    passive = [w for w in after[:6] if w in ("was", "were")]
    if passive:
        rest = after[after.index(passive[0]) + 1 :][:2]
        return any(w.startswith(verbs) for w in rest)
    return False


def _same_heads(entities: list[list[str]]) -> list[list[str]]:
    """The entities with those whose first mention has the head word of an earlier one's and
    a subset or superset of its words dropped ("the embassy" after "the U.S. embassy"; "Oqueli"
    after "Hector Oqueli"): one thing named twice, counted once. TST1+TST2 five-role 37.3 ->
    37.6 (15 entities dropped, 1 of them correct)."""
    kept: list[tuple[list[str], set[str], list[str]]] = []
    for entity in entities:
        words = normalize_string(entity[0]).split() if entity else []
        if words and not any(
            words[-1] == k[0][-1] and (set(words) <= k[1] or k[1] <= set(words)) for k in kept
        ):
            kept.append((words, set(words), entity))
    return [entity for _, _, entity in kept]


def _weapon_key(w: Assertion[Weapon]) -> str:
    if w.normalized.type_code == _UNKNOWN_WEAPON:
        return _entity_key(w.value)  # unclassified: each mention its own weapon
    return f"{w.normalized.type_code}.{w.normalized.subtype_code}"


def split_incidents(
    report: IncidentReport, model: SplitModel | None = None
) -> list[IncidentReport]:
    """A report split into one per incident its sentences tell of, the report's own type
    first: "... WERE KIDNAPPED ... IN ANOTHER INCIDENT, A BOMB ..." gives a kidnapping and a
    bombing. Each sentence naming a MUC incident type tells of that type (of the report's
    type when it names several); the first naming a type starts an incident of it. Whether a
    later sentence starts another incident: without ``model``, only a sentence naming a type
    told of before, with a cue that sets it apart (``separate_event_cues`` in
    kb/segments.json: "meanwhile", "in another incident", "earlier"...); with the split model
    (:mod:`incidex.evaluate._split`), any sentence naming a type or carrying a role assertion,
    when the model finds it tells of another incident than the sentence before it (an
    incident of the type it names, else of the current incident's type). The people told
    overrule both: a kidnapping sentence naming someone the current kidnapping holds is
    not set apart by them (:meth:`_Captives.again`); a kidnapping sentence telling others
    taken (:meth:`_Captives.others`) or an assassination sentence naming victims no ATTACK
    before it names (:meth:`_AttackVictims.another`) starts another. A further incident
    that names nothing the one of its type before it does not is that one
    (:func:`_indistinct`). A typed sentence whose clauses each tell an incident with its
    own place or day is read as one sentence per clause (:func:`_clauses`). Other sentences
    belong to the last incident started or named before them (the report's before the
    first). Each part keeps the types, role assertions (perpetrators, targets, victims,
    weapons) and casualties of its sentences and the report's other fields; a further part
    takes the dates and places its own sentences tell, when they tell any (a group named for
    one incident only is shared at the message's level, :func:`_message_org`)."""
    main = incident_type_of(report)
    typed = _typed_sentences(report, main)
    read = _clauses(
        report,
        units(report, typed)
        if model is not None
        else [Unit(start, kind, sentence) for start, (kind, sentence) in sorted(typed.items())],
    )
    starts = [u.start for u in read]
    # the split model reads whole sentences: a clause is read as its sentence
    sentence_starts = sorted({u.sentence.start for u in read})
    # (type, number of the incident of that type), per sentence of the split
    label_at: dict[int, tuple[str, int]] = {}
    told: Counter[str] = Counter()
    current = (main, 0)
    captives = _Captives(report)
    attacked = _AttackVictims(report)
    for n, unit in enumerate(read):
        kind = unit.kind or current[0]
        prev = read[n - 1].sentence if n else None
        if (
            not told[kind]
            or unit.start != unit.sentence.start  # a clause telling an incident of its own
            or attacked.another(unit)
            or (
                prev is not None
                and _starts_another(model, report, prev, unit, sentence_starts)
                and not captives.again(unit, (kind, told[kind] - 1))
            )
            or captives.others(unit, (kind, told[kind] - 1))
        ):
            told[kind] += 1
        if unit.kind is not None or told[kind] - 1 != current[1]:
            current = (kind, told[kind] - 1)
        label_at[unit.start] = current
        captives.add(unit, current)
        attacked.add(unit, current)

    def owner(start: int) -> tuple[str, int]:
        before = bisect.bisect_right(starts, start)
        return label_at[starts[before - 1]] if before else (main, 0)

    merged = _indistinct(report, set(label_at.values()), owner)
    label_at = {start: merged.get(label, label) for start, label in label_at.items()}
    labels = sorted(set(label_at.values()), key=lambda k: (k[0] != main, k))
    if len(labels) < 2:
        return [report]

    def type_owner(a: Assertion[Any]) -> tuple[str, int] | None:
        kind = _kind_of(report, a)
        found = owner(a.start)
        # a type named in another type's sentence counts for its first incident
        return None if kind is None else found if found[0] == kind else (kind, 0)

    parts = []
    for label in labels:
        update: dict[str, list[Assertion[Any]]] = {
            "types": [a for a in report.types if type_owner(a) == label]
        }
        for name in (*ROLE_FIELDS, "casualties"):
            found: list[Assertion[Any]] = getattr(report, name)
            update[name] = [a for a in found if owner(a.start) == label]
        for name in _OWN_FIELDS if label != labels[0] else ():
            own = [a for a in getattr(report, name) if owner(a.start) == label]
            if own:
                update[name] = own
        parts.append(report.model_copy(update=update))
    return parts


_Label = tuple[str, int]  # (MUC type, number of the incident of that type)


_INDEFINITE = frozenset({"a", "an"})  # someone not named before, as a count of one
# Words opening a mention that refers back to people named before ("THE BUSINESSMAN",
# "THESE TWO PERSONS", "HIS BODYGUARD")
_ANAPHORIC = (_DETERMINERS - _INDEFINITE) | frozenset({"these", "those"})
# How far (characters) a victim may stand after / before a kidnapping word and be the one
# taken: "KIDNAPPED THE PUBLISHER LUIZ SALLES", "POMAS, 30, WHO WAS KIDNAPPED"
_TAKEN_AFTER, _TAKEN_BEFORE = 30, 20
_INITIAL = 2  # a name's words this short ("J.", "DE") name nobody alone


class _Captives:
    """Who each kidnapping of a report holds, as :func:`split_incidents` reads its
    sentences: a kidnapping is the taking of particular people (template-doc-part2, slot 4),
    so a sentence telling of the taking of others than those the current kidnapping holds
    tells another taking, at another time even where the text gives no day ("THE SAME
    GROUP THAT KIDNAPPED THE PUBLISHER LUIZ SALLES", "THE KIDNAPPING OF ANOTHER BUSINESSMAN,
    LUIS SALES"): MUC-4's separate instance (template-doc-part1, 5.0). The people taken are
    the victims beside a kidnapping word, named or counted ("TWO MEXICANS"); a mention
    referring back ("THE HOSTAGES", "HIS BODYGUARD") is nobody new, and names after a
    count are the names of the people counted ("THREE EUROPEANS ... THOSE WHO WERE
    KIDNAPPED ARE JOSE MARIA MARTINEZ, ..."). A sentence naming someone held already tells
    of the same kidnapping whatever the split model finds: the victims are the same, so the
    instances are one. docs/accuracy.md, "Tenth round: kidnapping recall"."""

    def __init__(self, report: IncidentReport) -> None:
        # per sentence, each victim's (head word, kind) and those of the ones told as taken
        self.victims: dict[int, list[tuple[str, str]]] = {}
        self.name_words: dict[int, set[str]] = {}
        self.taken: dict[int, list[tuple[str, str]]] = {}
        takings: dict[int, list[Assertion[Any]]] = {}  # the kidnapping words, per sentence
        for t in report.types:
            if _kind_of(report, t) == "kidnapping":
                takings.setdefault(t.sentence.start, []).append(t)
        for a in report.victims:
            words = _words(a.value)
            if not words:
                continue
            key = (words[-1], _captive_kind(a, words))
            self.victims.setdefault(a.sentence.start, []).append(key)
            if key[1] == "named":  # the words of a name, not its initials
                words_of = self.name_words.setdefault(a.sentence.start, set())
                words_of.update(w for w in words if len(w) > _INITIAL)
            if any(_told_taken(a, t) for t in takings.get(a.sentence.start, ())):
                self.taken.setdefault(a.sentence.start, []).append(key)
        # per incident, the head words and the kinds of the victims its sentences name
        self.heads: dict[_Label, set[str]] = {}
        self.kinds: dict[_Label, set[str]] = {}
        self.names: dict[_Label, set[str]] = {}

    def add(self, unit: Unit, label: _Label) -> None:
        """The people ``unit``'s sentence names, held by the incident ``label``."""
        if unit.start == unit.sentence.start:
            victims = self.victims.get(unit.start, ())
            self.heads.setdefault(label, set()).update(head for head, _ in victims)
            self.kinds.setdefault(label, set()).update(kind for _, kind in victims)
            self.names.setdefault(label, set()).update(self.name_words.get(unit.start, ()))

    def again(self, unit: Unit, label: _Label) -> bool:
        """Whether ``unit`` tells of a kidnapping of someone the kidnapping ``label`` holds,
        named by any word of a name ("OQUELI AND HIS COMPANION ... WERE ABDUCTED" after
        "THE KIDNAPPING OF ... HECTOR OQUELI COLINDRES"): the same kidnapping told again."""
        if unit.kind != "kidnapping" or label[1] < 0:
            return False
        names = self.names.get(label, set())
        return bool(names & set(_sentence_words(unit.sentence.text)))

    def others(self, unit: Unit, label: _Label) -> bool:
        """Whether ``unit`` tells of a kidnapping of others than the kidnapping ``label``
        holds (a sentence read whole: a clause is cut off already)."""
        if unit.kind != "kidnapping" or label[1] < 0 or unit.start != unit.sentence.start:
            return False
        heads, kinds = self.heads.get(label, set()), self.kinds.get(label, set())
        new = {
            kind
            for head, kind in self.taken.get(unit.start, ())
            if kind in ("named", "counted") and head not in heads
        }
        if new == {"named"} and "counted" in kinds and "named" not in kinds:
            return False  # the names of the people counted before
        return bool(kinds) and bool(new)  # someone held, and someone else taken


def _told_taken(victim: Assertion[Any], taking: Assertion[Any]) -> bool:
    """Whether ``victim`` is told as the one ``taking`` (a kidnapping word) takes: in its
    sentence, overlapping it, just after it or just before it."""
    if victim.sentence.start != taking.sentence.start:
        return False
    if taking.start < victim.end and victim.start < taking.end:
        return True
    if taking.end <= victim.start:
        return victim.start - taking.end <= _TAKEN_AFTER
    return taking.start - victim.end <= _TAKEN_BEFORE


def _captive_kind(a: Assertion[Any], words: list[str]) -> str:
    """ "anaphoric" (refers back: "THE HOSTAGES", "HIS BODYGUARD", "DELGADO'S DRIVER"),
    "counted" ("TWO MEXICANS"), "described" ("PEASANTS") or "named"."""
    if words[0] in _ANAPHORIC or any(w.endswith("'s") for w in words):
        return "anaphoric"
    if a.normalized.count is not None or words[0].isdigit() or words[0] in _INDEFINITE:
        return "counted"
    return "described" if _is_people(a.value) else "named"


# Where a sentence may join the clauses of several incidents: a semicolon, or "and" after
# a comma ("JUDGE DIAZ WAS ASSASSINATED ON 28 JULY; MAGISTRATE JIMENEZ WAS KILLED ON 17
# OCTOBER")
_CLAUSE_BREAK = re.compile(r";\s*(?:and\s+)?|,\s+and\s+", re.IGNORECASE)


def _clauses(report: IncidentReport, read: list[Unit]) -> list[Unit]:
    """``read`` with each typed sentence that joins the clauses of several incidents cut
    into one unit per clause (starting at the clause, its ``sentence`` the whole sentence):
    a clause after a semicolon or a comma and "and" starts another incident when it names
    an incident type or a toll and a place or day the sentence has not named before it,
    and the sentence before it since the last cut names a type or toll and a place or day
    too. MUC-4 makes "a separate instance" of one with "a different filler for the
    location, date, category, or perpetrator slot" (template-doc-part1, 5.0); a victim or
    target of its own is no such distinction ("THE EXPLOSION DAMAGED THE OFFICE, AND THREE
    PERSONS WERE INJURED")."""
    # the sentence's types, tolls, places and days, by sentence (in the order read before)
    by_sentence: dict[int, list[Assertion[Any]]] = {}
    for name in ("types", "casualties", "where", "when"):
        for a in getattr(report, name):
            by_sentence.setdefault(a.sentence.start, []).append(a)
    out: list[Unit] = []
    for unit in read:
        out.append(unit)
        if unit.kind is None or unit.start != unit.sentence.start:
            continue
        sentence = unit.sentence
        breaks = list(_CLAUSE_BREAK.finditer(sentence.text))
        if not breaks:
            continue
        here = by_sentence.get(sentence.start, [])
        # a toll tells an incident too ("HECTOR JIMENEZ WAS KILLED ON 17 OCTOBER"), of the
        # sentence's type
        told: list[tuple[int, str]] = []
        for a in here:
            kind = _kind_of(report, a) if a.field == "types" else unit.kind
            if a.field in ("types", "casualties") and kind is not None:
                told.append((a.start, kind))
        marks = sorted(
            (
                a
                for a in here
                if a.field == "where"
                or (a.field == "when" and a.normalized.precision in DAY_PRECISIONS)
            ),
            key=lambda a: a.start,
        )
        # a clause runs from its break to the next one (the last to the sentence's end)
        starts = [sentence.start + b.end() for b in breaks]
        ends = [sentence.start + b.start() for b in breaks[1:]]
        ends.append(sentence.start + len(sentence.text))
        # each clause's first type or toll (in the order read), the clause found by bisection:
        # linear work on a sentence of many clauses
        kind_of_clause: dict[int, str] = {}
        for at, kind in told:
            n = bisect.bisect_right(starts, at) - 1
            if n >= 0 and at < ends[n]:
                kind_of_clause.setdefault(n, kind)
        told_at = sorted(at for at, _ in told)
        mark_at = [a.start for a in marks]
        keys = [value_key(a) for a in marks]
        before: set[Any] = set()  # the places and days named before the clause
        read_before = 0
        cut = sentence.start
        for n, (start, end) in enumerate(zip(starts, ends, strict=True)):
            while read_before < len(marks) and mark_at[read_before] < start:
                before.add(keys[read_before])
                read_before += 1
            own = keys[bisect.bisect_left(mark_at, start) : bisect.bisect_left(mark_at, end)]
            if (
                n in kind_of_clause
                and _any_between(told_at, cut, start)
                and _any_between(mark_at, cut, start)
                and any(key not in before for key in own)
            ):
                out.append(Unit(start, kind_of_clause[n], sentence))
                cut = start
    return out


def _one_target_each(
    split: Sequence[Sequence[IncidentReport]],
    parts: list[IncidentReport],
    keep: list[bool],
    raw: list[PredTemplate] | None,
) -> tuple[list[IncidentReport], list[bool], list[PredTemplate] | None]:
    """``parts`` (with ``keep`` and their templates ``raw``, when made) with each part whose
    sentence tells several incidents one target each made into one part per target
    (:func:`_distributed`); the further parts are kept when their part is. Done after the
    template filter, whose features (the number of templates, a template's rank) would
    otherwise change for the message's other templates. Only the parts as ``split`` made
    them: a part made anew after the split (an ATTACK by :func:`_gunfire_attacks` or
    :func:`_with_kidnap_attacks`) is left whole."""
    from_split = {id(part) for found in split for part in found}
    further: dict[int, tuple[IncidentReport, list[IncidentReport]]] = {}
    for part in parts:
        each = _distributed(part) if id(part) in from_split else []
        if each:
            further[id(part)] = (each[0], each[1:])
    if not further:
        return parts, keep, raw
    out: list[IncidentReport] = []
    out_keep: list[bool] = []
    out_raw: list[PredTemplate] | None = None if raw is None else []
    for n, part in enumerate(parts):
        first, more = further.get(id(part), (part, []))
        for one in (first, *more):
            out.append(one)
            out_keep.append(keep[n])
            if out_raw is not None and raw is not None:
                out_raw.append(raw[n] if one is part else _gtt_template(one, True))
    return out, out_keep, out_raw


def _distributed(part: IncidentReport) -> list[IncidentReport]:
    """``part`` made into one part per target when one of its sentences names two or more
    physical targets and tells of them one by one ("THREE BOMBS WENT OFF, ONE AT THE CENTRAL
    PARK, ANOTHER AT THE UNIVERSITY, AND ANOTHER AT A SCHOOL": ``distributive_firsts`` and
    ``distributive_others`` in kb/lexicon.json): MUC-4 makes one template per incident
    (template-doc-part1, 5.0), and the gold has three bombings, one target each. The first
    part keeps all but the other listed targets; each further one takes one target, the
    perpetrators and weapons the sentence names (else the part's), and the part's other
    fields but its victims and tolls. Empty when no sentence does. A list of targets of one
    attack ("DAMAGED THE OFFICE AND TWO CARS") or of victims is one incident."""
    by_sentence: dict[int, list[Assertion[Target]]] = {}
    for a in _target_entities(part)[0]:
        by_sentence.setdefault(a.sentence.start, []).append(a)
    for start, here in sorted(by_sentence.items()):
        listed = _listed_things(here)
        if len(listed) < 2 or not _one_by_one(here[0].sentence.text):
            continue
        others = {id(a) for a in listed[1:]}
        first = part.model_copy(
            update={"targets": [a for a in part.targets if id(a) not in others]}
        )
        named = {
            name: [a for a in getattr(part, name) if a.sentence.start == start]
            or list(getattr(part, name))
            for name in ("perpetrators", "weapons")
        }
        return [
            first,
            *(
                part.model_copy(update={"targets": [a], "victims": [], "casualties": [], **named})
                for a in listed[1:]
            ),
        ]
    return []


def _listed_things(targets: list[Assertion[Target]]) -> list[Assertion[Target]]:
    """``targets`` (of one sentence) in text order, one per entity, none inside another."""
    out: list[Assertion[Target]] = []
    keys: set[str] = set()
    for a in sorted(targets, key=lambda a: (a.start, -a.end)):
        key = _entity_key(a.normalized.entity or a.value)
        if (out and a.start < out[-1].end) or key in keys:
            continue
        out.append(a)
        keys.add(key)
    return out


@cache
def _one_by_one_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns of "one WORD" and of "another" (lexicon ``distributive_firsts``,
    ``distributive_others``)."""
    lex = default_lexicon()
    firsts = "|".join(map(re.escape, sorted(lex.distributive_firsts)))
    others = "|".join(map(re.escape, sorted(lex.distributive_others)))
    return (
        re.compile(rf"\b(?:{firsts})\s+([a-z\-]+)", re.IGNORECASE),
        re.compile(rf"\b(?:{others})\b", re.IGNORECASE),
    )


def _one_by_one(sentence: str) -> bool:
    """Whether a sentence tells of things one by one: "one ... another", "one ... the other",
    with no "." or ";" between; not of people ("ONE PERSON WAS KILLED AND ANOTHER INJURED"
    is one attack's victims), but of things whatever people the sentence counts so ("ONE
    PERSON DIED WHEN ONE BOMB WENT OFF AT THE BANK AND ANOTHER AT THE SCHOOL")."""
    firsts, others = _one_by_one_patterns()
    for part in re.split(r"[.;]", sentence):
        last = max((m.start() for m in others.finditer(part)), default=-1)
        if any(m.end() <= last and not _is_people(m.group(1)) for m in firsts.finditer(part)):
            return True
    return False


def _any_between(ordered: Sequence[int], low: int, high: int) -> bool:
    """Whether the sorted ``ordered`` holds a number from ``low`` up to (not with) ``high``."""
    i = bisect.bisect_left(ordered, low)
    return i < len(ordered) and ordered[i] < high


def _indistinct(
    report: IncidentReport, labels: set[_Label], owner: Callable[[int], _Label]
) -> dict[_Label, _Label]:
    """The further incidents of a type whose sentences (``owner``: sentence start -> label)
    name no day, place, group, target or victim that the incident of that type before them
    does not, each mapped to that one: MUC-4 makes "a separate instance" of one "which has a
    different filler for the location, date, category, or perpetrator slot. If no
    distinctions of these kinds are made in the text, the instances should be incorporated
    into a single template" (template-doc-part1, 5.0). TST1+TST2 five-role 40.55 -> 40.64
    (3 templates fewer, no correct item lost); DEV 0001..1100 two-fold 64.53 -> 64.58."""

    def marks(label: _Label) -> list[set[Any]]:
        def own(name: str) -> list[Assertion[Any]]:
            return [a for a in getattr(report, name) if owner(a.start) == label]

        days = {a.normalized.date for a in own("when") if a.normalized.precision in DAY_PRECISIONS}
        named = [{value_key(a) for a in own(name)} for name in ("where", "targets", "victims")]
        groups = {a.normalized.group for a in own("perpetrators") if a.normalized.group}
        return [days - {None}, groups, *named]

    merged: dict[_Label, _Label] = {}
    for kind, n in sorted(labels):
        if n:
            before = merged.get((kind, n - 1), (kind, n - 1))
            pairs = zip(marks((kind, n)), marks(before), strict=True)
            if not any(mine - theirs for mine, theirs in pairs):
                merged[(kind, n)] = before
    return merged


def _typed_sentences(report: IncidentReport, main: str) -> dict[int, tuple[str, SentenceRef]]:
    """Sentence start -> (MUC type, sentence) of the sentences naming an incident type."""
    typed: dict[int, tuple[str, SentenceRef]] = {}
    for a in sorted(report.types, key=lambda a: a.sentence.start):
        kind = _kind_of(report, a)
        if kind is not None and (a.sentence.start not in typed or kind == main):
            typed[a.sentence.start] = (kind, a.sentence)
    return typed


_ASSASSINATION = "Assassination"
_MURDER_EXTRACTOR = "incidex.muc.murder"


def _with_murders(report: IncidentReport) -> IncidentReport:
    """The report with an ATTACK type (an Armed Assault) named in each sentence that names
    no attack type but tells a murder by its victim ("VARGAS WAS MURDERED YESTERDAY", "THE
    MURDER OF THE SIX JESUITS", "GUERRILLAS MURDERED TWO OFFICIALS"): MUC-4's MURDER type
    was incorporated into ATTACK (template-doc-part1, v7 notes). A murder word (lexicon
    ``murder_words``) beside a victim killed, told as done, and not an adjective right
    before that victim ("COMMITTEE OF ... MISSING, AND MURDERED PEOPLE", a name), or right
    after a victim of no fate told, by a possessive ("JARAMILLO OSSA'S MURDER",
    :func:`_possessed_by`). The
    MUC mapping only: the type starts an ATTACK incident or marks its sentence as typed for
    the split. TST1+TST2 five-role 50.11 -> 50.18, DEV-MUC3-0001..1100 73.20 -> 73.41
    (docs/accuracy.md, "Tenth round: further ATTACK templates")."""
    typed = {a.sentence.start for a in report.types if a.normalized.attack}
    found: list[Assertion[Any]] = []
    read: dict[int, tuple[tuple[re.Match[str], ...], tuple[int, ...]]] = {}  # per sentence
    for victim in report.victims:
        sentence = victim.sentence
        if sentence.start in typed or victim.stance is Stance.hypothetical:
            continue
        if sentence.start not in read:
            read[sentence.start] = _murder_words(sentence.text)
        tokens, told = read[sentence.start]
        if victim.normalized.fate == "killed":
            murder = next((tokens[n] for n in told if not _attributive_of(victim, tokens, n)), None)
        else:
            murder = next((tokens[n] for n in told if _possessed_by(victim, tokens[n])), None)
        if murder is not None:
            found.append(_murder_type(victim, murder))
            typed.add(sentence.start)
    if not found:
        return report
    types = sorted([*report.types, *found], key=lambda a: a.start)
    return report.model_copy(update={"types": types})


def _possessed_by(victim: Assertion[Any], word: re.Match[str]) -> bool:
    """Whether the murder ``word`` of the victim's sentence is told by a possessive right
    after the victim's name ("TO PROTEST ... BERNARDO JARAMILLO OSSA'S MURDER"; the mention
    may hold it, "JARAMILLO'S MURDER"): the murder of someone the role tagger found as a
    victim, which it gives no fate."""
    text, at = victim.sentence.text, victim.sentence.start
    start, end = victim.start - at, victim.end - at
    return start < word.start() <= end + _POSSESSIVE_REACH and bool(
        _POSSESSIVE.search(text[start : word.start()])
    )


_POSSESSIVE = re.compile(r"'s\s+$", re.IGNORECASE)
_POSSESSIVE_REACH = 3  # the "'S " between a name and the word after it


def _murder_words(sentence: str) -> tuple[tuple[re.Match[str], ...], tuple[int, ...]]:
    """The words of a sentence, and the positions among them of its murder words (lexicon
    ``murder_words``)."""
    words = default_lexicon().murder_words
    tokens = tuple(_WORD.finditer(sentence))
    return tokens, tuple(n for n, m in enumerate(tokens) if m.group().lower() in words)


def _attributive_of(victim: Assertion[Any], tokens: Sequence[re.Match[str]], n: int) -> bool:
    """Whether the murder word ``tokens[n]`` of the victim's sentence (``tokens``: its
    words) qualifies the victim's mention right after it, after a determiner or a
    coordination ("THE MURDERED PRIEST", "MISSING, AND MURDERED PEOPLE"), not telling a
    murder done ("REBELS MURDERED FOUR PEASANTS")."""
    word = tokens[n]
    text, at = victim.sentence.text, victim.start - victim.sentence.start
    if word.end() > at or text[word.end() : at].strip():
        return False
    return n == 0 or tokens[n - 1].group().lower() in _ATTRIBUTIVE_OPENERS


# words after which a participle before a noun qualifies it
_ATTRIBUTIVE_OPENERS = _DETERMINERS | {"and", "or"}


def _murder_type(victim: Assertion[Any], word: re.Match[str]) -> Assertion[EventType]:
    """An Armed Assault told by the murder ``word`` of the victim's sentence."""
    at = victim.sentence.start
    return Assertion[EventType](
        field="types",
        value=word.group(),
        normalized=EventType(name=_ASSAULT, gtd_code=_ASSAULT_CODE),
        start=at + word.start(),
        end=at + word.end(),
        sentence=victim.sentence,
        speaker=victim.speaker,
        outlet=victim.outlet,
        stance=victim.stance,
        confidence=victim.confidence,
        extractor=_MURDER_EXTRACTOR,
    )


def _victim_words(report: IncidentReport) -> dict[int, set[str]]:
    """Sentence start -> the words (of four letters or more) of its victims' names."""
    named: dict[int, set[str]] = {}
    for a in report.victims:
        words = {w for name in a.normalized.names for w in _words(name) if len(w) > 3}
        named.setdefault(a.sentence.start, set()).update(words)
    return named


class _AttackVictims:
    """The victims named so far by the ATTACK incidents of a report, as
    :func:`split_incidents` reads its sentences, to tell whether a sentence naming an
    assassination tells another ATTACK (:meth:`another`)."""

    def __init__(self, report: IncidentReport) -> None:
        self.assassinations = {
            a.sentence.start for a in report.types if a.normalized.name == _ASSASSINATION
        }
        self.named = _victim_words(report)  # per sentence, its victims' name words
        self.told = False  # whether a sentence of an ATTACK incident was read
        self.words: set[str] = set()  # the name words of the ATTACK incidents' victims

    def add(self, unit: Unit, label: _Label) -> None:
        """``unit``'s sentence read as one of the incident ``label``."""
        if unit.start == unit.sentence.start and label[0] == "attack":
            self.told = True
            self.words.update(self.named.get(unit.start, ()))

    def another(self, unit: Unit) -> bool:
        """Whether ``unit``, a sentence naming an assassination, tells another ATTACK than
        those told before it: it names its victims by name, and none of their names' words
        is among those of the victims of the ATTACK incidents before it ("AFTER THE
        ASSASSINATION OF LIBERAL LEADER LUIS CARLOS GALAN" in a report of the murder of a
        judge). A murder's victim is what sets it apart when the text tells no other place
        or day for it. The first ATTACK is started in any case. DEV-MUC3-0001..1100
        five-role 73.20 -> 73.28, TST1+TST2 unchanged (docs/accuracy.md, "Tenth round:
        further ATTACK templates")."""
        if (
            unit.start not in self.assassinations
            or unit.kind != "attack"
            or unit.start != unit.sentence.start
        ):
            return False
        mine = self.named.get(unit.start, set())
        return self.told and bool(mine) and not mine & self.words


def split_units(report: IncidentReport) -> list[Unit]:
    """The sentences the split model learns from (``incidex train``; those naming a type or
    carrying a role), as extraction types them. The mapping's split reads them with
    :func:`_with_murders`' types too (:func:`_muc_parts`), but refitted on those the split
    lowered TST1+TST2 five-role (mean of ten refits 49.74, against 50.07 before the rule
    and 50.14 without them; docs/accuracy.md, "Tenth round: further ATTACK templates")."""
    return units(report, _typed_sentences(report, incident_type_of(report)))


# A further incident's date and scene are those its own sentences tell, when they tell any
# (its casualties are always its own sentences'); the places: TST1+TST2 slots 46.32 -> 46.36,
# DEV 0001..1100 56.30 -> 56.49 (docs/accuracy.md, "Sixth round").
_OWN_FIELDS = ("when", "where")


def _starts_another(
    model: SplitModel | None,
    report: IncidentReport,
    prev: SentenceRef,
    unit: Unit,
    starts: Sequence[int],
) -> bool:
    """Whether ``unit`` starts another incident (of its type, or the current one's)."""
    if model is None:
        return unit.kind is not None and bool(separate_cues().search(unit.sentence.text.lower()))
    return model.another(report, prev, unit.sentence, unit.kind, starts) >= model.threshold


def _split_model(tagger: bool) -> SplitModel | None:
    """The split model where the trained models ran (wire text), else none (the cue rule)."""
    return split_model() if tagger else None


# -- MUC-4 relevance of one incident -------------------------------------------------------

# GTD target types MUC-4 does not count as targets of terrorism (template-doc-part1, 1.0,
# 1 a and b): police and military forces or installations, and other armed groups
_POLICE_TARGET, _MILITARY_TARGET = 3, 4
_COMBATANTS = frozenset({_POLICE_TARGET, _MILITARY_TARGET, _MILITIA_TARGET})


def _muc_incidents(
    result: ArticleResult, tagger: bool | None, *, pruned: bool = True
) -> tuple[list[IncidentReport], list[bool], list[PredTemplate] | None]:
    """The incidents of an extracted article that MUC-4 templates: each report's parts
    (:func:`split_incidents`) but those :func:`muc_relevance` excludes; per incident,
    whether its template is kept: when ``pruned``, not if the template filter drops it or
    it is a kidnapping naming no one taken (:func:`_no_one_taken`; the message's
    organisation is shared before, :func:`_kept`); and the incidents'
    five-role templates when the filter made them as the mapping does (its features read
    them with the tagger's roles: the mapping's when ``tagger`` is True), else None."""
    parts, split = _muc_parts(result, tagger)
    taken = [not (pruned and _no_one_taken(p)) for p in parts]
    model = _template_filter(_wire(result, tagger)) if pruned else None
    if model is None or not parts:
        return _one_target_each(split, parts, taken, None)
    raw = [_gtt_template(p, True) for p in parts]
    keep = model.keep(template_rows(result, parts, split, raw))
    keep = [k and t for k, t in zip(keep, taken, strict=True)]
    return _one_target_each(split, parts, keep, raw if tagger is True else None)


def _no_one_taken(part: IncidentReport) -> bool:
    """Whether ``part`` is a kidnapping that names no one taken, no victim and no target:
    MUC-4's KIDNAPPING is the taking of people (template-doc-part2, slot 4), and such a
    part is a kidnapping spoken of, not told ("CALLING ON THEIR MEN TO ... KIDNAP", "THE
    EXTRADITABLES RELEASED KIDNAPPED PEOPLE"). Dropped as the template filter drops (not in
    the unfiltered mapping it learns from), after the message's organisation is shared.
    TST1+TST2 five-role 50.07 -> 50.33, three templates no gold template takes
    (docs/accuracy.md, "Eleventh round: prec11")."""
    return incident_type_of(part) == "kidnapping" and not part.victims and not part.targets


def _wire(result: ArticleResult, tagger: bool | None) -> bool:
    return any(map(_tagged, result.incidents)) if tagger is None else tagger


def _kept(templates: list[_T], keep: Sequence[bool]) -> list[_T]:
    return [t for t, kept in zip(templates, keep, strict=True) if kept]


def _muc_parts(
    result: ArticleResult,
    tagger: bool | None,
    models: Callable[[bool], SplitModel | None] | None = None,
) -> tuple[list[IncidentReport], list[list[IncidentReport]]]:
    """The incidents MUC-4's relevance admits, and each report's parts they came from
    (``models``: the split model of a report read with the tagger or not; by default
    :func:`_split_model`, looked up at each call so that a patched one is read)."""
    if models is None:
        models = _split_model
    published = result.article.published.date() if result.article.published else None
    split = [
        _with_burnings(
            report,
            _with_robberies(
                report,
                split_incidents(report, models(_tagged(report) if tagger is None else tagger)),
            ),
        )
        for report in map(_with_murders, result.incidents)
    ]
    parts = _with_kidnap_attacks(_gunfire_attacks([p for found in split for p in found]))
    kept = [part for part, keep in zip(parts, muc_relevance(parts, published), strict=True) if keep]
    return kept, split


def _template_filter(tagger: bool) -> TemplateFilter | None:
    """The template filter where the trained models ran (wire text), else none."""
    return template_filter() if tagger else None


def template_rows(
    result: ArticleResult,
    parts: Sequence[IncidentReport],
    split: Sequence[Sequence[IncidentReport]],
    templates: Sequence[PredTemplate],
) -> list[dict[str, float]]:
    """The template filter's features (:func:`~incidex.evaluate._prune.template_features`)
    of the incidents ``parts`` the mapping templates for ``result``, whose reports' parts
    were ``split`` (a part in none of them is a kidnapping's attack), and whose five-role
    templates (:func:`_gtt_template`, before the message's names are shared) are
    ``templates``."""
    published = result.article.published.date() if result.article.published else None
    origins: dict[int, str] = {}
    for found in split:
        kind = incident_type_of(found[0])
        origins[id(found[0])] = "first"
        for part in found[1:]:
            same = incident_type_of(part) == kind
            origins[id(part)] = "split_same" if same else "split_type"
    return [
        template_features(
            result,
            part,
            incident_type_of(part),
            origins.get(id(part), "kidnap_attack"),
            n,
            len(parts),
            not _recent(part, published),
            {role: len(found) for role, found in zip(GTT_ROLES, template.roles, strict=True)},
        )
        for n, (part, template) in enumerate(zip(parts, templates, strict=True))
    ]


def muc_template_rows(result: ArticleResult, tagger: bool | None) -> list[dict[str, float]]:
    """The template filter's features of each template the mapping makes for ``result``
    without the filter, in order."""
    if result.status != "extracted":
        return []
    parts, split = _muc_parts(result, tagger)
    wire = _wire(result, tagger)
    return template_rows(result, parts, split, [_gtt_template(p, wire) for p in parts])


def unfiltered_templates(
    result: ArticleResult, split_model: SplitModel | None
) -> tuple[list[PredTemplate], list[dict[str, float]]]:
    """What the template filter learns from (``incidex train``): the five-role templates the
    mapping makes for ``result`` without the filter, the tagger's roles read and the reports
    split by ``split_model`` (the one trained beside the filter; None: the cue rule), and
    the filter's features of each, in order."""
    if result.status != "extracted":
        return [], []
    parts, split = _muc_parts(result, True, lambda _: split_model)
    raw = [_gtt_template(p, True) for p in parts]
    rows = template_rows(result, parts, split, raw)
    return _gtt_templates(result, True, parts, [True] * len(parts), raw), rows


_HARMED = frozenset({"killed", "wounded"})


def _with_kidnap_attacks(parts: list[IncidentReport]) -> list[IncidentReport]:
    """The parts with, after each kidnapping in whose sentences people are killed or
    wounded, an ATTACK by the same perpetrators on those killed or wounded, unless a part is
    an ATTACK already: MUC-4 templates each relevant type of incident an article tells of
    (template-doc-part1, 5.0), and a killing is no kidnapping ("... WAS KIDNAPPED BY A
    COMMANDO ... HIS DRIVER WAS KILLED": a KIDNAPPING and an ATTACK in GTT). TST1+TST2
    five-role 46.28 -> 46.49, DEV 0001..1100 68.57 -> 68.69 (docs/accuracy.md, "Sixth
    round, second part")."""
    if any(incident_type_of(p) == "attack" for p in parts):
        return parts
    out = []
    for part in parts:
        out.append(part)
        if incident_type_of(part) != "kidnapping":
            continue
        harmed = [a for a in part.victims if a.normalized.fate in _HARMED]
        tolls = [
            a
            for a in part.casualties
            if a.normalized.category in _HARMED and (a.normalized.conservative or 0) > 0
        ]
        if harmed or tolls:
            attack = {"name": _ASSAULT, "gtd_code": _ASSAULT_CODE}
            types = [
                a.model_copy(update={"normalized": a.normalized.model_copy(update=attack)})
                for a in part.types
                if _kind_of(part, a) == "kidnapping"
            ]
            out.append(part.model_copy(update={"types": types, "victims": harmed}))
    return out


def _gunfire_attacks(parts: list[IncidentReport]) -> list[IncidentReport]:
    """The parts, a bombing whose type is told in a sentence that tells of gunfire too as an
    ATTACK ("ATTACKED THE MEETING, THROWING GRENADES AND FIRING THEIR GUNS"; "BOMB
    EXPLOSIONS AND MACHINEGUN FIRE"; :func:`_tells_gunfire`), unless a part is
    an ATTACK already: MUC-4's BOMBING is a bomb set off (template-doc-part2, slot 4), an
    assault with guns and explosives together an ATTACK with both instruments (slot 7).
    After the split, so the incidents are not changed. DEV-MUC3-0001..1100 five-role
    71.10 -> 71.32, slots 63.20 -> 63.45; TST1+TST2 unchanged (docs/accuracy.md, "Eighth
    round: INCIDENT: TYPE")."""
    if any(incident_type_of(p) == "attack" for p in parts):
        return parts  # the gunfire is most often that attack's, told beside the bombing
    return [_gunfire_attack(p) for p in parts]


def _gunfire_attack(part: IncidentReport) -> IncidentReport:
    bombs = [a for a in part.types if _kind_of(part, a) == "bombing"]
    if incident_type_of(part) != "bombing" or not bombs:
        return part
    first = min(bombs, key=lambda a: a.start)
    if not _tells_gunfire(first.sentence.text):
        return part
    attack = {"name": _ASSAULT, "gtd_code": _ASSAULT_CODE}
    types = [
        a.model_copy(update={"normalized": a.normalized.model_copy(update=attack)})
        if any(a is b for b in bombs)
        else a
        for a in part.types
    ]
    return part.model_copy(update={"types": types})


def _tells_gunfire(sentence: str) -> bool:
    """Whether a sentence tells of gunfire: a gunfire word of the lexicon's ``bombing_cues``
    ("gunfire", "opened fire", "snipers"), or a firing word (lexicon ``firing_words``:
    "fired", "shot") tied to gunfire by an aim or people word among the three words after
    it ("fired at the troops", "shot dead", "fired their guns", "shot two guards"; lexicon
    ``firing_aims``, ``shot_people_words``) or, for "shot", a passive ("were shot"; lexicon
    ``passive_auxiliaries``)."""
    if "gunfire" in _bombing_cues(sentence):
        return True
    lex = default_lexicon()
    words = _sentence_words(sentence)
    for n, word in enumerate(words):
        if word not in lex.firing_words:
            continue
        after = words[n + 1 : n + 4]
        if any(w in lex.firing_aims or w in lex.shot_people_words for w in after):
            return True
        # a passive of shooting ("two guards were shot"), not one of firing ("the minister
        # was fired": dismissed)
        if word == "shot" and n > 0 and words[n - 1] in lex.passive_auxiliaries:
            return True
    return False


def _with_robberies(report: IncidentReport, parts: list[IncidentReport]) -> list[IncidentReport]:
    """The parts of ``report`` with a ROBBERY after each part in whose sentences a robbery is
    told ("... BURNED THE FACILITIES AND STOLE FOOD"): MUC-4 templates each relevant type of
    incident an article tells of (template-doc-part1, 5.0), ROBBERY among them (slot 4). It
    has the part's perpetrators, dates and places, and the targets and victims of the
    robbery's sentences. A part naming no attack type but a robbery is that robbery."""
    robberies = [a for a in report.types if a.normalized.name == ROBBERY]
    if not robberies:
        return parts
    out = []
    for n, part in enumerate(parts):
        mine = _typed_in(parts, n, robberies)
        if not mine:
            out.append(part)
            continue
        if not any(_kind_of(part, a) for a in part.types):
            out.append(part.model_copy(update={"types": mine}))
            continue
        out.append(part)
        out.append(_event_part(part, mine, victims=True))
    return out


def _with_burnings(report: IncidentReport, parts: list[IncidentReport]) -> list[IncidentReport]:
    """The parts of ``report`` with an ARSON after each part not an arson in whose sentences
    a thing is burned ("... CRIMINAL TERRORISTS BURNED NINE VEHICLES"; the non-attack event
    Burning): MUC-4 templates each relevant type of incident an article tells of
    (template-doc-part1, 5.0), and an attack or a bombing in which buildings or vehicles
    are burned is an ARSON too. It has the part's perpetrators, dates and places and the
    targets of the burning's sentences. Things burned when a bomb exploded ("THE COCKPIT WAS
    BURNED WHEN A BOMB ... EXPLODED") are the bombing's damage. Unlike a robbery, a part
    naming no attack type keeps its type (an ATTACK): its untyped sentences are most often
    another act ("TERRORISTS MACHINEGUNNED A BUS ... LATER ... BURNED NINE VEHICLES").
    TST1+TST2 five-role 49.70 -> 49.93, DEV-MUC3-0001..1100 71.32 -> 71.78 (with the
    "machinegunned" trigger; docs/accuracy.md, "Eighth round: INCIDENT: TYPE")."""
    burnings = [
        a
        for a in report.types
        if a.normalized.name == BURNING and "set off" not in _bombing_cues(a.sentence.text)
    ]
    if not burnings:
        return parts
    out = []
    for n, part in enumerate(parts):
        out.append(part)
        mine = _typed_in(parts, n, burnings)
        if mine and incident_type_of(part) != "arson":
            out.append(_event_part(part, mine, victims=False))
    return out


def _event_part(
    part: IncidentReport, events: list[Assertion[Any]], *, victims: bool
) -> IncidentReport:
    """The part beside ``part`` that a robbery or a burning told in it makes: typed by those
    ``events``, with the part's perpetrators, dates and places, the targets (and, with
    ``victims``, the victims) of the events' sentences, no weapons or casualties."""
    told = {a.sentence.start for a in events}
    update: dict[str, list[Assertion[Any]]] = {
        "types": events,
        "targets": [a for a in part.targets if a.sentence.start in told],
        "victims": [a for a in part.victims if a.sentence.start in told] if victims else [],
        "weapons": [],
        "casualties": [],
    }
    return part.model_copy(update=update)


def _typed_in(
    parts: Sequence[IncidentReport], n: int, events: list[Assertion[Any]]
) -> list[Assertion[Any]]:
    """The non-attack ``events`` told in part ``n``, as attack types (they name its type)."""
    return [
        a.model_copy(update={"normalized": a.normalized.model_copy(update={"attack": True})})
        for a in events
        if _part_of(parts, a) == n
    ]


def _part_of(parts: Sequence[IncidentReport], a: Assertion[Any]) -> int:
    """The part an assertion's sentence belongs to: the one with an assertion in it, else
    the last with one before it (the first part before all)."""
    start, best, best_at = a.sentence.start, 0, -1
    for n, part in enumerate(parts):
        for name in ("types", *ROLE_FIELDS, "casualties"):
            for b in getattr(part, name):
                at = b.sentence.start
                if at == start:
                    return n
                if best_at < at < start:
                    best, best_at = n, at
    return best


def muc_relevance(parts: Sequence[IncidentReport], published: dt.date | None) -> list[bool]:
    """Per incident an article tells of, whether MUC-4's definition of a relevant incident
    (template-doc-part1, section 1.0) admits it; a MUC-4 convention, applied in the benchmark
    mapping only (incidex's own database keeps attacks on soldiers, as GTD does):

    * recent (6): an incident all of whose days are more than two months before the
      article is historical context when the article tells of a recent one too; the
      article's only incident is kept (the new information the article gives on it);
    * not a guerrilla act (1 a and b): every target and victim a police or military force
      or installation, or an armed group, is a "clash"; foreign forces ("U.S. soldiers")
      and former members ("a retired general") do not count as such;
    * reported as fact (5): every account of its attack denied or doubted."""
    recent = [_recent(part, published) for part in parts]
    return [
        (new or not any(recent)) and not _combatants_only(part) and not _discredited(part)
        for part, new in zip(parts, recent, strict=True)
    ]


def _recent(part: IncidentReport, published: dt.date | None) -> bool:
    """Whether any day the incident's account gives (none: presumed recent) is within two
    months of the article's date."""
    days = [
        a.normalized.date
        for a in part.when
        if a.normalized.date is not None
        and a.normalized.precision in DAY_PRECISIONS
        and a.stance is not Stance.denied
    ]
    if published is None or not days:
        return True
    return any(day >= published - dt.timedelta(days=RECENT_DAYS) for day in days)


def _combatants_only(part: IncidentReport) -> bool:
    """Whether every target and victim of the incident is a military or police force or
    installation of the scene's country, or an armed group; any other target (a civilian, a
    bridge) makes a guerrilla act relevant."""
    home = {a.normalized.country_code for a in part.where if a.normalized.country_code}
    texts = [
        a.normalized.entity or a.value
        for a in part.targets
        # the rules' armed-group "targets" are the attackers (see _perp_inds)
        if _from_tagger(a) or a.normalized.type_code != _MILITIA_TARGET
    ]
    texts += [a.value for a in part.victims]
    return bool(texts) and all(
        _target_type(text) in _COMBATANTS and not _foreign(text, home) and not _former(text)
        for text in texts
    )


def _foreign(text: str, home: set[str]) -> bool:
    """Whether ``text`` names a nationality other than the scene's ("U.S. soldiers")."""
    kb = default_kb()
    found = {n.country_code for w in text.split() if (n := kb.nationality(w.strip(",.;:")))}
    return bool(found - home)


def _former(text: str) -> bool:
    """Whether ``text`` names former members of a force ("a retired general", lexicon
    ``former_words``)."""
    words = default_lexicon().former_words
    return any(w in words or w.split("-")[0] in words for w in _words(text))


def _discredited(part: IncidentReport) -> bool:
    stances = [a.stance for a in part.types if a.normalized.attack]
    return bool(stances) and all(s in (Stance.denied, Stance.doubted) for s in stances)


@cache
def _target_terms() -> dict[str, int]:
    return {term.lower(): entry.type_code for term, entry in default_kb().target_terms()}


def _target_type(text: str) -> int | None:
    """GTD target type of the longest knowledge-base term in ``text``, as the role tagger
    codes its targets."""
    return longest_term(text, _target_terms())


def to_gtt_templates(
    result: ArticleResult, *, tagger: bool | None = None, pruned: bool = True
) -> list[PredTemplate]:
    """One five-role template per incident each incident report tells of
    (:func:`split_incidents`); none when no incident was found. ``pruned``: without the
    templates the template filter drops."""
    if result.status != "extracted":
        return []
    return _gtt_templates(result, tagger, *_muc_incidents(result, tagger, pruned=pruned))


def muc_predictions(
    result: ArticleResult, *, tagger: bool | None = None
) -> tuple[list[PredTemplate], list[SlotTemplate]]:
    """:func:`to_gtt_templates` and :func:`to_muc_slots` of one article, its incidents split,
    admitted and filtered once for both."""
    if result.status != "extracted":
        return [], []
    parts, keep, raw = _muc_incidents(result, tagger)
    return (
        _gtt_templates(result, tagger, parts, keep, raw),
        _slot_templates(result, tagger, parts, keep),
    )


def _gtt_templates(
    result: ArticleResult,
    tagger: bool | None,
    parts: list[IncidentReport],
    keep: list[bool],
    raw: Sequence[PredTemplate] | None = None,
) -> list[PredTemplate]:
    """The kept templates of ``parts`` (``raw``: their :func:`_gtt_template`, when made
    already), named in full and sharing the message's organisation, each distinct one
    once."""
    names = _victim_names(result, tagger)
    if raw is None:
        raw = [_gtt_template(part, tagger) for part in parts]
    templates = [_named_in_full(template, names) for template in raw]
    shared = _share_message_org(
        templates,
        lambda t: [e[0] for e in t.role("PerpOrg")],
        lambda t, source: replace(t, roles=_with(t.roles, _PERP_ORG, source.roles[_PERP_ORG])),
    )
    # A template equal to one before it is the same GTT template twice: GTT's loader drops
    # such duplicates from the gold (:func:`~incidex.evaluate._gtt.gold_from_gtt`), so the
    # second can only map to nothing. DEV 0001..1100: 4 predicted items fewer, none correct.
    return list(dict.fromkeys(_kept(shared, keep)))  # the first of equal ones, in order


_PERP_ORG = GTT_ROLES.index("PerpOrg")


def _with(roles: tuple[Any, ...], i: int, value: Any) -> tuple[Any, ...]:
    return (*roles[:i], value, *roles[i + 1 :])


_T = TypeVar("_T")


def _share_message_org(
    templates: list[_T], orgs_of: Callable[[_T], Sequence[str]], given: Callable[[_T, _T], _T]
) -> list[_T]:
    """The templates, those naming no perpetrator organisation (``orgs_of``) ``given`` the
    one of :func:`_message_org`'s template, when there is one (GTT and MUC slot templates
    alike)."""
    source = _message_org([orgs_of(t) for t in templates])
    if source is None:
        return templates
    return [t if orgs_of(t) else given(t, templates[source]) for t in templates]


def _message_org(orgs: Sequence[Sequence[str]]) -> int | None:
    """The template whose perpetrator organisation the message's templates without one
    share (the first that names it), when the message has several templates and they name
    one organisation only: a report names the group once for a series of its attacks ("THE
    SHINING PATH ... LAST NIGHT IT ALSO DYNAMITED ..."), as a MUC coder reads it. MUC slots
    take the organisation (ORGANIZATION ID) without a confidence: how sure the report is of
    it is told for the other incident. TST1+TST2 five-role 40.33 -> 41.03 (PerpOrg 25 of 69
    correct -> 33 of 85), slots 47.07 -> 47.41 (with the confidence too: 47.58, but 56.24
    against 56.42 on DEV-MUC3-0001..1100, where the shared confidences are 12 % right)."""
    keys = {_org_key(org) for found in orgs for org in found}
    if len(orgs) < 2 or len(keys) != 1:
        return None
    return next(i for i, found in enumerate(orgs) if found)


# -- MUC slots -----------------------------------------------------------------------------

# (GTD type, subtype) -> MUC fill; (type, None) is the type's default.
_INSTRUMENT_CODES: dict[tuple[int, int | None], str] = {
    (_FIREARMS, 2): "RIFLE",
    (_FIREARMS, 3): "HANDGUN",
    (_FIREARMS, 4): "RIFLE",
    (_FIREARMS, None): "GUN",
    (_EXPLOSIVES, 7): "GRENADE",
    (_EXPLOSIVES, 8): "MINE",
    (_EXPLOSIVES, 11): "PROJECTILE",
    (_EXPLOSIVES, 15): "VEHICLE BOMB",
    (_EXPLOSIVES, 28): "DYNAMITE",
    (_EXPLOSIVES, 9): "BOMB",
    (_EXPLOSIVES, 29): "BOMB",
    (_EXPLOSIVES, 31): "BOMB",
    (_EXPLOSIVES, None): "EXPLOSIVE",
    (_INCENDIARY, 19): "MOLOTOV COCKTAIL",
    (_INCENDIARY, None): "FIRE",
    (_MELEE, 23): "CUTTING DEVICE",
}


def instrument_type_of(weapon: Weapon, mention: str) -> str | None:
    """MUC INSTRUMENT TYPE fill of a weapon (None if the set has no fitting fill)."""
    words = set(_words(mention))
    if weapon.type_code in (_FIREARMS, _EXPLOSIVES, _INCENDIARY, _MELEE):
        for word, fill in default_lexicon().instrument_words:
            if word in words:
                return fill
    specific = _INSTRUMENT_CODES.get((weapon.type_code, weapon.subtype_code))
    return specific or _INSTRUMENT_CODES.get((weapon.type_code, None))


def _instrument_fills(weapons: Iterable[Assertion[Weapon]]) -> list[str]:
    fills: list[str] = []
    for w in weapons:
        fill = instrument_type_of(w.normalized, w.value)
        if fill is not None and fill not in fills:
            fills.append(fill)
    return fills


def _specific(fills: list[str]) -> list[str]:
    """The fills without a general one where a more specific one of its branch is there too
    (lexicon ``general_instrument_fills``: "EXPLOSIVES ... 55 KG OF DYNAMITE": DYNAMITE, not
    EXPLOSIVE as well). TST1+TST2 INSTRUMENT TYPE 44 of 70 -> 44 of 66; DEV-MUC3-0001..1100
    235 of 385 -> 232 of 370 (slots micro 60.59 -> 60.61)."""
    below = default_lexicon().general_instrument_fills
    return [f for f in fills if not below.get(f, frozenset()) & set(fills)]


def _shot_instruments(report: IncidentReport) -> list[str]:
    """INSTRUMENT TYPE told by a firearm act word of the incident's sentences where neither an
    instrument nor an act the rules read as a weapon is (lexicon ``firearm_act_words``: "SHOT
    DURING THE NIGHT", "WERE MACHINEGUNNED", "OPENED FIRED ON", "KILLED BY A SNIPER"). TST1+TST2
    INSTRUMENT TYPE 44 of 66 -> 51 of 80; DEV-MUC3-0001..1100 232 of 370 -> 265 of 428 (slots
    micro 60.61 -> 60.84). Since the rules read weapon verbs in upper case too (branch
    ``weaponverbs``) it still adds DEV-MUC3-0001..1100 253 -> 271 of 385 -> 423 (nouns such as
    "SNIPER", "GUNFIRE"; a sentence with no attack word; an act told in another incident's
    sentence) and TST1+TST2 50 -> 51 of 76 -> 81."""
    acts = default_lexicon().firearm_act_words
    fills: list[str] = []
    for text in _sentence_texts(report):
        # the whole sentence (_words reads a mention's first 500 characters only)
        for word in _WORD.findall(text.lower()):
            fill = acts.get(word)
            if fill is not None and fill not in fills:
                fills.append(fill)
    return fills


def _act_instruments(report: IncidentReport) -> list[str]:
    """INSTRUMENT TYPE told by the act alone, where no instrument is named: the keys code
    "GUN" for someone shot and "EXPLOSIVE" for an explosion with no weapon named (template-doc
    slot 7 with an empty INSTRUMENT ID: 21 of TST1+TST2's 78 fills), from the act words the
    rules read as weapons ("SHOT TO DEATH", "A BOMB ATTACK", "THE EXPLOSION"). TST1+TST2
    INSTRUMENT TYPE 36 of 54 -> 44 of 70 (78 in the keys); DEV-MUC3-0001..1100 198 of 311 ->
    235 of 385 (436). Fire acts ("BURNED") are left out: arson has no instrument type."""
    acts = (
        w
        for w in report.weapons
        if not _names_instrument(w) and w.normalized.type_code in (_FIREARMS, _EXPLOSIVES)
    )
    return _instrument_fills(acts)


_CLAIMED = "CLAIMED OR ADMITTED"
_BY_AUTHORITIES = "SUSPECTED OR ACCUSED BY AUTHORITIES"
_FACT = "REPORTED AS FACT"
_SUSPECTED = "SUSPECTED OR ACCUSED"
_POSSIBLE = "POSSIBLE"
_CONFIDENCE_ORDER = (_CLAIMED, _BY_AUTHORITIES, _FACT, _SUSPECTED, _POSSIBLE)


def _is_authority(speaker: str | None, sentence: str = "") -> bool:
    """Whether the speaker is an authority by its words ("ARMED FORCES SPOKESMAN") or by the
    title the sentence gives it before its name ("PRESIDENT-ELECT ALFREDO CRISTIANI",
    "DEFENSE MINISTER HUMBERTO LARIOS": the speaker is recorded by name alone)."""
    if not speaker:
        return False
    authority = default_lexicon().authority_words
    if any(w in authority for w in _words(speaker)):
        return True
    name = [w for part in _words(speaker) for w in part.split("-")]
    if not name:
        return False
    said = [w for part in _sentence_words(sentence) for w in part.split("-")]
    i = _first_place(said, name)
    return i is not None and any(w in authority for w in said[max(0, i - _TITLE_WORDS) : i])


def _first_place(said: Sequence[str], name: Sequence[str]) -> int | None:
    """Where the words ``name`` first run in the words ``said``; linear in the sentence's
    length (the name, a mention, is compared only where its first word is)."""
    if not name:
        return None
    first, size = name[0], len(name)
    return next(
        (i for i, w in enumerate(said) if w == first and list(said[i : i + size]) == list(name)),
        None,
    )


_TITLE_WORDS = 3  # "FORMER DEFENSE MINISTER", "ARMED FORCES CHIEF"


def _stance_confidence(
    stance: Stance, speaker: str | None, outlet: str | None, sentence: str = "", mention: str = ""
) -> str:
    if stance is Stance.claimed:
        # "POLICE SOURCES CLAIM IT IS CHARACTERISTIC OF THE FMLN": an authority's claim about
        # another organisation is its accusation (an authority admitting its own, as "THE
        # POLICE ADMITTED ... MEMBERS OF THE POLICE DEPARTMENT", stays an admission)
        if _is_authority(speaker, sentence) and not set(_words(speaker or "")) & set(
            _words(mention)
        ):
            return _BY_AUTHORITIES
        return _CLAIMED
    if stance is Stance.doubted:
        return _POSSIBLE
    if stance is Stance.denied:
        return _SUSPECTED
    if _is_authority(speaker, sentence):
        return _authority_confidence(stance, sentence, mention)
    if speaker is None or (outlet is not None and speaker == outlet):
        return _confidence_beside(sentence, mention) or _FACT
    return _SUSPECTED


def _authority_confidence(stance: Stance, sentence: str, mention: str) -> str:
    """The confidence of a group an authority names: SUSPECTED OR ACCUSED BY AUTHORITIES,
    but CLAIMED OR ADMITTED beside a claim word ("THE ARMY ACCEPTED RESPONSIBILITY"), and
    REPORTED AS FACT where the authority reports the act ("POLICE AUTHORITIES REPORTED THAT
    ... SHINING PATH TERRORISTS OVERPOWERED ...", lexicon ``report_words``) with no word of
    accusation or suspicion beside the group: the template doc's decision tree (part 2,
    slot 11) asks whether uncertainty was expressed before it asks who accused.
    DEV-MUC3-0001..1100 ORGANIZATION CONFIDENCE 120 -> 124 of 346, TST1+TST2 unchanged (every
    plain assertion of an authority REPORTED AS FACT, report word or not: DEV 126, but
    TST1+TST2 25 -> 23; not kept)."""
    if stance is not Stance.asserted:
        return _BY_AUTHORITIES
    beside = _confidence_beside(sentence, mention)
    if beside == _CLAIMED:
        return _CLAIMED
    if beside is None and default_lexicon().report_words & set(_sentence_words(sentence)):
        return _FACT
    return _BY_AUTHORITIES


_CUE_REACH = 5  # words either side of the group's name; 5 and 10 tried on DEV


def _confidence_beside(sentence: str, mention: str) -> str | None:
    """The confidence of a group the outlet names beside a word that tells how sure the
    report is of it (template doc, slot 11); the first that applies: a claim ("THE FPMR HAS
    CLAIMED RESPONSIBILITY", "WAS CLAIMED BY A SELF-STYLED ... GROUP", "THE ARMY ACCEPTED
    RESPONSIBILITY", not "HAS NOT YET CLAIMED") -> CLAIMED OR ADMITTED; a word of accusation
    or suspicion ("THE POLICE HOLD THE MRTA RESPONSIBLE", "PRESUMABLY CARRIED OUT BY FMLN
    URBAN GUERRILLAS"): someone accuses it, or the report only suspects it -> SUSPECTED OR
    ACCUSED BY AUTHORITIES when an authority is named before the word, else SUSPECTED OR
    ACCUSED. DEV-MUC3-0001..1100 ORGANIZATION CONFIDENCE 99 -> 106 of 322 correct with the
    suspicion, 108 -> 114 of 328 with the claim; TST1+TST2 22 -> 25 of 63, then unchanged."""
    name = _words(mention)
    said = _sentence_words(sentence)
    at = _first_place(said, name)
    if at is None:
        return None
    lexicon = default_lexicon()
    near = range(max(0, at - _CUE_REACH), min(len(said), at + len(name) + _CUE_REACH))
    if any(_claimed_at(said, i) for i in near):
        return _CLAIMED
    cue = next((i for i in near if said[i] in lexicon.suspicion_words), None)
    if cue is None:
        return None
    before = (w for w in said[:cue] if w not in name)
    return _BY_AUTHORITIES if any(w in lexicon.authority_words for w in before) else _SUSPECTED


def _claimed_at(said: Sequence[str], i: int) -> bool:
    """Whether the word ``i`` of ``said`` (or it and the next) tells of a claim ("CLAIMED",
    "ACCEPTED RESPONSIBILITY"; lexicon ``claim_cues``), not negated by one of the two words
    before it ("HAS NOT YET CLAIMED")."""
    cues = default_lexicon().claim_cues
    if cues["negations"] & set(said[max(0, i - 2) : i]):
        return False
    return said[i] in cues["words"] or " ".join(said[i : i + 2]) in cues["phrases"]


def org_confidence_of(report: IncidentReport, group: str) -> str | None:
    """MUC PERP: ORGANIZATION CONFIDENCE of one canonical group in a report."""
    return _org_confidence(report, {_org_key(group)})


def _org_fills(report: IncidentReport, view: IncidentReport) -> tuple[list[str], list[str]]:
    """PERP: ORGANIZATION ID and CONFIDENCE: one fill per GTT PerpOrg entity of the
    template (its first mention), the confidence from every assertion of the report about
    the organisations of the entity's mentions."""
    pairs = _org_mentions(view)
    entities = _bracketed_aliases(_same_heads(_group(pairs)), _sentence_texts(report))
    orgs: list[str] = []
    confidences: list[str] = []
    for entity in entities:
        names = {normalize_string(m) for m in entity}
        keys = {key for key, mention in pairs if normalize_string(mention) in names}
        orgs.append(entity[0])
        confidences.append(_org_confidence(report, keys) or _FACT)
    return orgs, confidences


def _org_confidence(report: IncidentReport, keys: set[str]) -> str | None:
    found: set[str] = set()
    for a in report.perpetrators:
        org = _org_of(a)
        if org is not None and org[0] in keys:
            found.add(_stance_confidence(a.stance, a.speaker, a.outlet, a.sentence.text, a.value))
    for c in report.claims:
        claim = c.normalized
        if claim.group is None or _org_key(claim.group) not in keys:
            continue
        if claim.kind == "claimed":
            found.add(_CLAIMED)
        elif claim.kind == "doubted":
            found.add(_POSSIBLE)
        elif claim.kind == "denied":
            found.add(_SUSPECTED)
        else:  # attributed / confirmed: who says so decides
            found.add(
                _stance_confidence(
                    Stance.asserted, claim.by or c.speaker, c.outlet, c.sentence.text
                )
            )
    return next((label for label in _CONFIDENCE_ORDER if label in found), None)


def _muc_date(report: IncidentReport, published: dt.date | None) -> dt.date | None:
    for a in report.when:
        when = a.normalized
        if when.date is None or when.precision not in DAY_PRECISIONS or a.stance is Stance.denied:
            continue
        if published is not None and not (
            published - dt.timedelta(days=366) <= when.date <= published
        ):
            continue  # a date after the report, or years before: another event
        return when.date
    return published


def _local_unit(a: Assertion[Place], context: Place | None) -> Place | None:
    """A scene the gazetteer could not place that the text names as a local unit ("LA
    TIENDITA CANTON", "the Escalon neighborhood", "LA FONDA CORREGIMIENTO"; ``unit_nouns``
    in kb/places.json): a place below the country, named without the unit, as the MUC keys
    write it ("LA TIENDITA (CANTON)"), not the town the component put it in. Its country is
    its own, else the context's."""
    place = a.normalized
    units = place_words().unit_nouns
    # a unit the component read as a venue and put in a town the text names elsewhere ("LA
    # TIENDITA CANTON" in Zacatecoluca) is still the place, named by itself
    last = place.name.split()[-1:]
    unit_venue = bool(place.venue and last and last[0].lower() in units)
    if place.role != "scene" or (place.city or place.region) and not unit_venue:
        return None
    words = place.name.split()
    after = _after(a).split()[:1]
    if words and words[-1].lower() in units:
        words = words[:-1]
    elif not (after and after[0].strip(",.;").lower() in units):
        return None
    if words and words[0].lower() in _DETERMINERS - {"the"}:
        return None  # a description ("a peasant village"), not a name
    if words and words[0].lower() == "the":
        words = words[1:]
    country = place if place.country else context
    if not words or country is None or not country.country:
        return None
    update = {"country": country.country, "country_code": country.country_code}
    update |= {"city": None, "region": None, "geonameid": None}
    return place.model_copy(update={**update, "name": " ".join(words), "precision": 3})


_OF_SOMEONE = re.compile(r"\b([a-z]+)\s+of\s+(?:the\s+)?$", re.IGNORECASE)


def _someones(a: Assertion[Place]) -> bool:
    """A place named as someone's office or home ("the archbishop of San Salvador", "a
    native of Medellin"), not as where anything happened."""
    return _of_someone(_before(a, 60))


def _of_someone(before: str) -> bool:
    """Whether ``before`` ends in "<person or origin noun> of (the)": "the archbishop of"."""
    match = _OF_SOMEONE.search(before)
    if match is None:
        return False
    noun = match.group(1).lower()
    return noun in place_words().origin_nouns or noun in default_lexicon().person_nouns


def _person_names(report: IncidentReport) -> set[str]:
    """The words of the names of several words that the victims and attackers go by
    ("ROBERTO ARMANDO RIVERA ESCOBAR")."""
    people: list[Assertion[Any]] = [*report.victims, *report.perpetrators]
    values = [a.value for a in people] + [n for a in people for n in a.normalized.names]
    return {w.lower() for v in values if len(v.split()) > 1 for w in v.split()}


def _a_persons_name(a: Assertion[Place], names: set[str]) -> bool:
    """A place name that is someone's name: after a title ("COLONEL PONCE"), or a word of a
    victim's or attacker's name the text gives in full ("RIVERA'S MURDER" after "COLONEL
    ROBERTO ARMANDO RIVERA ESCOBAR") when no locative word puts it where something is."""
    before = _before(a).split()[-1:]
    last = before[0].lower() if before else ""
    if last in default_lexicon().person_nouns:
        return True
    words = a.value.lower().split()
    return bool(words) and all(w in names for w in words) and last not in _LOCATIVE


_VISITED = re.compile(r"\b([a-z]+)\s+(?:in|to)\s+(?:the\s+)?$", re.IGNORECASE)


def _visited(a: Assertion[Place]) -> bool:
    """A place someone stays in or goes to ("CUT SHORT HIS STAY IN JAPAN", "THE VISIT TO
    GUATEMALA OF PETER KOOIJMANS"; ``visit_nouns``), not the scene."""
    match = _VISITED.search(_before(a, 40))
    return match is not None and match.group(1).lower() in place_words().visit_nouns


def _opening_dateline(a: Assertion[Place]) -> bool:
    """A place opening the text before a dash ("PASTO -- COMMERCE AT THE BORDER ..."): the
    report's own dateline, where it was written, not the scene."""
    return a.start < 40 and _after(a).lstrip().startswith("--")


_LOCATIVE = frozenset("in at near outside inside from to into of across around".split())
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or)\s*$", re.IGNORECASE)
_APPOSED_GAP = re.compile(r"^(?:\s+[a-z]+)?\s*,\s*(?:in\s+)?(?:the\s+)?$", re.IGNORECASE)


def _same_sentence(
    a: Assertion[Place], where: Sequence[Assertion[Place]]
) -> list[Assertion[Place]]:
    return sorted((b for b in where if b.sentence.start == a.sentence.start), key=lambda b: b.start)


def _in_a_list(a: Assertion[Place], where: Sequence[Assertion[Place]]) -> bool:
    """A country named among three or more ("LEADERS FROM UNIVERSITIES IN MEXICO, HONDURAS,
    PERU ... AND PANAMA"): a list of where reactions or people come from, not the one scene
    of an incident."""
    if a.normalized.precision < 5:
        return False
    text = a.sentence.text
    base = a.sentence.start
    chain = [a]
    row = [b for b in _same_sentence(a, where) if b.normalized.precision >= 5]
    for step in (1, -1):  # the countries listed after it, then before it
        edge = a
        for b in row if step == 1 else reversed(row):
            left, right = (edge, b) if step == 1 else (b, edge)
            if left.end <= right.start and _LIST_GAP.match(
                text[left.end - base : right.start - base]
            ):
                chain.append(b)
                edge = b
    return len({b.normalized.country_code for b in chain}) >= 3


def _apposed_country(a: Assertion[Place], where: Sequence[Assertion[Place]]) -> Place | None:
    """A town placed by what follows it ("THE HAMLET OF SAN ANDRES, SAN MIGUEL DEPARTMENT,
    IN NORTHERN EL SALVADOR"): its namesake in that country, else the name in that country,
    when the gazetteer put it in another one."""
    place = a.normalized
    if place.precision >= 5 or not place.country_code:
        return None
    text, base, edge = a.sentence.text, a.sentence.start, a
    for b in _same_sentence(a, where):
        if b.start < edge.end:
            continue
        if not _APPOSED_GAP.match(text[edge.end - base : b.start - base]):
            break
        edge = b
        country = b.normalized
        if country.precision < 5 or not country.country_code:
            continue
        if country.country_code == place.country_code:
            return None
        city = default_gazetteer().city(place.name, prefer=(country.country_code,))
        if city is not None and city.country_code == country.country_code:
            update: dict[str, Any] = {"city": city.name, "geonameid": city.geonameid}
        else:
            update = {"city": None, "geonameid": None, "precision": 3}
        update |= {"country": country.country, "country_code": country.country_code}
        return place.model_copy(update=update)
    return None


_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)


def _come_from(a: Assertion[Place]) -> bool:
    """A country something comes from ("INFORMATION RECEIVED FROM THE UNITED STATES",
    "ARRIVED FROM GUATEMALA"): where it started, not the scene."""
    return a.normalized.precision >= 5 and _FROM.search(_before(a, 20)) is not None


def _not_the_scene(a: Assertion[Place], where: Sequence[Assertion[Place]]) -> bool:
    """A scene the extractor read that is a listed, visited or dateline place, or a country
    something came from."""
    return _in_a_list(a, where) or _visited(a) or _opening_dateline(a) or _come_from(a)


def _unnamed_abroad(
    a: Assertion[Place],
    filed: Place | None,
    where: Sequence[Assertion[Place]],
    tolls: set[str],
) -> bool:
    """A scene town outside the MUC dateline's country in a text that names no country of
    it, but in a sentence giving a toll: in upper-case wire copy mostly a word or a name the
    gazetteer knows as a town somewhere ("SAN ANTONIO ABAD STREET" read as Street, England;
    "ABURRA VALLEY" as Valley, Alabama; "BERLIN" in Usulutan as Germany's; "COLONEL
    PONCE" as Ponce, Puerto Rico), so the dateline's country goes before it. "13 PERSONS
    DIED IN SAN SALVADOR" in a Honduran report is the scene told with its toll; a big city
    ("a bomb exploded in Bogota") names its country itself, unless the dateline's country
    has a town of its name (Berlin, Usulutan)."""
    place = a.normalized
    if filed is None or place.precision >= 5 or place.country_code in {None, filed.country_code}:
        return False
    if a.sentence.text in tolls or (_big_city(place) and not _namesake_in(a, filed)):
        return False
    return not any(
        b.normalized.precision >= 5 and b.normalized.country_code == place.country_code
        for b in where
    )


def _namesake_in(a: Assertion[Place], filed: Place) -> bool:
    """Whether the gazetteer knows a town of this name in the filing country."""
    city = default_gazetteer().city(a.value, prefer=(filed.country_code or "",))
    return city is not None and city.country_code == filed.country_code


def _big_city(place: Place) -> bool:
    """Whether the place is a city whose name points at its country (``City.names_its_country``)."""
    city = default_gazetteer().city(place.city or place.name, prefer=(place.country_code or "",))
    return city is not None and city.country_code == place.country_code and city.names_its_country


def _scene(report: IncidentReport, filed: Place | None = None) -> Place | None:
    names = _person_names(report)
    where = [a for a in report.where if not _a_persons_name(a, names)]
    tolls = {c.sentence.text for c in report.casualties}
    where = [
        a.model_copy(update={"normalized": a.normalized.model_copy(update={"role": "mentioned"})})
        if a.normalized.role == "scene"
        and (_not_the_scene(a, report.where) or _unnamed_abroad(a, filed, report.where, tolls))
        else a
        for a in where
    ]
    scenes = (a.normalized for a in where if a.normalized.role == "scene")
    context = next((p for p in scenes if p.country), filed)
    told = _incident_sentences(report)
    places = []
    for a in where:
        place = _local_unit(a, context) or _apposed_country(a, report.where) or a.normalized
        if place.country and not (place.role == "mentioned" and _someones(a)):
            if not (_in_filing_country(place, filed) and a.sentence.text not in told):
                places.append(place)
    # the dateline city where the incident's sentences name it as a place ("THE ARCHBISHOP
    # OF SAN SALVADOR" does not) or point at it ("HERE", "IN THIS CAPITAL")
    if (
        filed is not None
        and filed.precision < 5
        and not (_names_as_a_place(told, filed.name) or _points_here(told, filed))
    ):
        filed = filed.model_copy(update={"city": None, "precision": 5})
    scene = [p for p in places if p.role == "scene"]
    # Else where the message was filed (the MUC dateline, kept apart from the text), then
    # a place named below the country level: "U.S. aid" says little about the scene.
    mentioned = [p for p in places if p.role == "mentioned"]
    below = [p for p in mentioned if p.precision < 5]
    filing: tuple[Place, ...] = ()
    if filed is not None:  # a town named in the filing country is more precise than it
        filing = (*(p for p in below if p.country_code == filed.country_code), filed)
    # a town alone in its country, which the text never names ("SANTA" read as Santa, Ivory
    # Coast), goes after the countries the text names, unless a big city (names its country)
    stray = [p for p in below if not _big_city(p) and _alone(p, report.where)]
    below = [p for p in below if not any(p is q for q in stray)]
    mentioned = [p for p in mentioned if not any(p is q for q in stray)] + stray
    for place in (*scene, *filing, *below, *mentioned):
        if place.role == "scene" and place.precision >= 5:
            # "kidnapped in Colombia from a site near Medellin": the town is the finer scene;
            # else the dateline city the incident's sentences name ("MURDERED ... IN
            # GUATEMALA. ... IN THIS CAPITAL")
            finer = [p for p in scene if p.precision < 5 and p.country_code == place.country_code]
            if (
                filed is not None
                and filed.precision < 5
                and filed.country_code == place.country_code
            ):
                finer.append(filed)
            return finer[0] if finer else _told_capital(place, told)
        return _told_capital(place, told) if place.precision >= 5 else place
    return None


def _alone(place: Place, where: Sequence[Assertion[Place]]) -> bool:
    """Whether no other place of ``where`` (the country, or a town of another name) lies
    in the country of ``place``."""
    name = _muc_name(place.name)
    return not any(
        a.normalized.country_code == place.country_code and _muc_name(a.normalized.name) != name
        for a in where
    )


def _told_capital(place: Place, told: Iterable[str]) -> Place:
    """A country-level scene whose incident's sentences say where it was: "IN THE CAPITAL",
    "IN THIS CAPITAL" (lexicon ``capital_phrases``; not whose, "the mayor of the capital"):
    its capital, the seat of government."""
    city = default_gazetteer().capital(place.country_code or "")
    if city is None or place.role != "scene":
        return place  # "The United States condemned the attack": no scene
    _, capital = _here_patterns()
    if not any(m.group().lower().startswith("in ") for m in _pointing(told, capital)):
        return place
    return place.model_copy(update={"city": city.name, "name": city.name, "precision": 1})


def _incident_sentences(report: IncidentReport) -> set[str]:
    """The texts of the sentences telling of the incident: its type, toll, targets, victims."""
    told = (report.types, report.casualties, report.targets, report.victims)
    return {a.sentence.text for field in told for a in field}


def _points_here(texts: Iterable[str], filed: Place) -> bool:
    """Whether one of ``texts`` points at the dateline city: "HERE", "THIS CITY", and "IN
    THIS CAPITAL" where the dateline city is its country's capital (lexicon ``here_phrases``,
    ``capital_phrases``)."""
    here, capital = _here_patterns()
    city = default_gazetteer().capital(filed.country_code or "")
    patterns = [here, capital] if city is not None and city.name == filed.city else [here]
    return any(True for pattern in patterns for _ in _pointing(texts, pattern))


def _pointing(texts: Iterable[str], pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` in ``texts`` that are not where something was said or
    where someone went ("REPORTED IN THIS CAPITAL", "TAKEN TO THIS CITY")."""
    for text in texts:
        for m in pattern.finditer(text):
            # the phrase's own preposition ("in this capital") belongs to what comes before
            lead = re.match(r"(?:in|at)\s", m.group(), re.IGNORECASE)
            if not _said_or_reached(_window(text, m.start() + (lead.end() if lead else 0), 40)):
                yield m


@cache
def _here_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    lexicon = default_lexicon()
    not_after = "|".join(map(re.escape, sorted(lexicon.not_here_after)))
    here = "|".join(map(re.escape, lexicon.here_phrases))
    capital = "|".join(map(re.escape, lexicon.capital_phrases))
    return (
        # "here's what we know" opens a report, as "here is" does
        re.compile(rf"(?<!\w)(?:{here})(?!\w)(?!['’]s\b)(?!\s+(?:{not_after})\b)", re.IGNORECASE),
        # "the capital (city) of Peru" names another capital or the country's
        re.compile(rf"(?<!\w)(?:{capital})(?!\w)(?!\s+(?:city\s+)?of\b)", re.IGNORECASE),
    )


def _in_filing_country(place: Place, filed: Place | None) -> bool:
    """A place mentioned (no scene) below the country in the MUC dateline's country."""
    if filed is None or place.role != "mentioned" or place.precision >= 5:
        return False
    return place.country_code == filed.country_code


def _said_or_reached(before: str) -> bool:
    """Whether the words before a place name say it is where something was said ("REPORTED
    IN LIMA", "SAID IN THIS CITY": lexicon ``said_at_words``) or where someone was going
    ("TAKING HIM TO THIS CITY'S AIRPORT"), not where the incident happened."""
    words = re.findall(r"[a-z]+", before.lower())[-3:]
    if not words:
        return False
    lexicon = default_lexicon()
    if words[-1] == "to":  # "next to San Salvador's cathedral" is where it was
        return len(words) < 2 or words[-2] not in lexicon.to_not_going
    # "said in Lima", not "said that in the capital two bombs exploded"
    between = words[-3:-1]
    return (
        words[-1] in ("in", "at")
        and any(w in lexicon.said_at_words for w in between)
        and "that" not in between
    )


def _names_as_a_place(texts: Iterable[str], name: str) -> bool:
    """Whether one of ``texts`` names ``name`` other than as someone's office or home ("THE
    ARCHBISHOP OF SAN SALVADOR": :func:`_someones`)."""
    pattern = _name_pattern(name)
    return any(
        not _of_someone(_window(text, found.start(), 60))
        and not _said_or_reached(_window(text, found.start(), 40))
        for text in texts
        for found in pattern.finditer(text)
    )


@lru_cache(maxsize=256)
def _name_pattern(name: str) -> re.Pattern[str]:
    """``name`` as a whole word or words, any case (a dateline city, read per template)."""
    return re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)", re.IGNORECASE)


def _window(text: str, at: int, reach: int) -> str:
    """The ``reach`` characters of ``text`` before ``at``."""
    return text[max(0, at - reach) : at]


def _muc_name(name: str) -> str:
    """A place name as the MUC keys write it: upper case ASCII ("Medellín" -> "MEDELLIN")."""
    folded = unicodedata.normalize("NFKD", name)
    return "".join(c for c in folded if not unicodedata.combining(c)).upper()


def _outlet_home(result: ArticleResult) -> Place | None:
    """Where a dateline that names no place ("CLANDESTINE, 8 JAN 90 (RADIO VENCEREMOS)")
    was filed: the home country of a station or paper the knowledge base knows (a rebel
    radio speaks of its own country); a news agency files from anywhere, so none."""
    source = result.article.source
    outlet = default_kb().outlet(source) if source else None
    if outlet is None or outlet.country is None or outlet.kind == "news_agency":
        return None
    country = default_gazetteer().country_by_code(outlet.country)
    if country is None:
        return None
    return Place(name=country.name, country_code=country.code, country=country.name)


def _filed_at(result: ArticleResult) -> Place | None:
    """The MUC dateline's place ("SAN SALVADOR, 12 JAN 90 (RADIO ...)"), geocoded: its
    country, and its city too when the gazetteer places it in that country."""
    name = (result.article.extra or {}).get("dateline_place")
    if not isinstance(name, str) or not name.strip():
        return None
    gaz = default_gazetteer()
    country = gaz.country(name)
    if country is None:
        city = gaz.city(name)
        country = gaz.country_by_code(city.country_code) if city is not None else None
    if country is None:
        return (
            _outlet_home(result)
            if name.strip().lower() in place_words().placeless_datelines
            else None
        )
    filed = Place(name=name, country_code=country.code, country=country.name)
    # The city is where it happened when no other place of the country is told (_scene tries
    # the filed place after those) and a sentence telling of the incident names it or points
    # at it ("TWO BOMBS EXPLODED HERE"); else _scene keeps the country only.
    city = gaz.city(name, prefer=(country.code,))
    if city is not None and city.country_code == country.code:
        return filed.model_copy(update={"city": city.name, "precision": 1})
    return filed


# -- human targets: HUM TGT: NUMBER and EFFECT OF INCIDENT -------------------------------

_EFFECTS: dict[str, str] = {"killed": "DEATH", "wounded": "INJURY"}
_NO_HARM = {  # categories given as zero ("no one was hurt") -> the key's "no harm" fill
    frozenset({"killed", "wounded"}): "NO INJURY OR DEATH",
    frozenset({"wounded"}): "NO INJURY",
    frozenset({"killed"}): "NO DEATH",
}


@dataclass(slots=True)
class _HumTarget:
    """One human target as the key lists them: a person named, or people described."""

    number: HumNumber | None
    effect: str | None  # DEATH, INJURY, ... (None: not told)
    fate: str | None  # the victim's fate or the casualty category
    words: frozenset[str] = frozenset()  # of the name, else of the description
    head: str = ""  # last word of a description (empty for a name)


@cache
def _fate_words() -> dict[str, str]:
    """Word forms telling of a death or a wound (kb/lexicon.json) -> the victims' fate."""
    lex = default_lexicon()
    found = {w: "killed" for w in lex.killed_words if " " not in w}
    found.update({w: "wounded" for w in lex.wounded_words if " " not in w})
    for fate in _EFFECTS:
        for noun, noun_fate in lex.victim_event_nouns.items():
            if noun_fate == fate:
                found.setdefault(noun, fate)
        for verb, verb_fate in lex.victim_verbs.items():
            if verb_fate == fate:
                stem = verb[:-1] if verb.endswith("e") else verb
                for form in (verb, verb + "s", stem + "ed", stem + "ing"):
                    found.setdefault(form, fate)
    return found


def _sentence_effect(sentence: str) -> str | None:
    """DEATH when the sentence tells of a death, else INJURY when of a wound, else None."""
    fates = {_fate_words().get(w.lower()) for w in _WORD.findall(sentence)}
    return "DEATH" if "killed" in fates else "INJURY" if "wounded" in fates else None


@cache
def _plural_people() -> frozenset[str]:
    """Plural nouns of people: "peasants", "jesuits", "clergymen" (a name is none)."""
    lex = default_lexicon()
    nouns = {w for w in lex.people_nouns | lex.person_nouns | lex.people_heads if " " not in w}
    plural = {w + "s" for w in nouns} | {w[:-3] + "men" for w in nouns if w.endswith("man")}
    return frozenset(plural | {w for w in nouns if w.endswith("s")} | lex.plural_people_nouns)


def _plural(words: list[str]) -> bool:
    head = words[-1] if words else ""
    return head in _plural_people() or (len(head) > 5 and head.endswith("men"))


def _victim_target(a: Assertion[Any]) -> _HumTarget | None:
    victim = a.normalized
    named = bool(victim.names)
    text = " ".join(victim.names) if named else victim.description or a.value
    words = normalize_string(text).split()
    if not words:
        return None
    tagged = _from_tagger(a)
    if victim.count:
        number: HumNumber = victim.count
    elif named:
        number = 1
    else:
        number = PLURAL if _plural(words) else 1
    # The tagger's victims carry no fate: the sentence naming them tells it.
    effect = _sentence_effect(a.sentence.text) if tagged else _EFFECTS.get(victim.fate)
    fate = None if tagged else victim.fate
    head = "" if named or tagged else words[-1]
    return _HumTarget(number, effect, fate, frozenset(words), head)


def _same_people(new: _HumTarget, old: _HumTarget, by_name: bool) -> bool:
    if new.words == old.words:
        return True
    if by_name:  # "MAZA MARQUEZ" after "MIGUEL MAZA MARQUEZ"
        return new.words <= old.words or old.words <= new.words
    # "PRIESTS" after "SIX PRIESTS", both killed
    return bool(new.head) and new.head == old.head and new.fate == old.fate


def _listed_targets(tagged: Sequence[Assertion[Any]], found: list[_HumTarget]) -> list[_HumTarget]:
    """One person each for the names listed after a tagged victim's (:func:`_listed_with`),
    with the effect their sentence tells, unless already found. TST1+TST2 slots 54.46 ->
    54.57 (669 of 1207 correct); DEV-MUC3-0001..1100 slots unchanged (60.38)."""
    known = [normalize_string(a.value).split() for a in tagged]
    listed: list[_HumTarget] = []
    for a in tagged:
        for name in _listed_with(a, known):
            words = frozenset(normalize_string(name).split())
            person = _HumTarget(1, _sentence_effect(a.sentence.text), None, words)
            if not any(_same_people(person, t, True) for t in (*found, *listed)):
                listed.append(person)
    return listed


def _hum_targets(report: IncidentReport) -> list[_HumTarget]:
    """The human targets of a template, as the key fills HUM TGT: NUMBER and EFFECT OF
    INCIDENT (one fill each per person named or group of people described):

    * each victim the rules found, with its fate (killed -> DEATH, wounded -> INJURY;
      kidnapped or only targeted: no effect) and number (its count; 1 for a name or a
      singular noun; PLURAL for a plural noun without a figure);
    * each victim the tagger found that is not one of those (a name within a name is the
      same person), with the effect its sentence tells (DEATH, INJURY, or none);
    * each killed or wounded figure of the casualties that tells of people not listed yet
      (not within a victim's words, not the same figure and fate as a victim's);
    * when no target has an effect and the casualties give zero killed or wounded ("no one
      was hurt"): NO INJURY OR DEATH, NO INJURY or NO DEATH.

    A described victim with the head word and fate of an earlier one is the same people."""
    found: list[_HumTarget] = []
    rules = [a for a in report.victims if not _from_tagger(a)]
    tagged = [a for a in report.victims if _from_tagger(a) and _harmed_person(a)]
    for a in (*rules, *tagged):
        target = _victim_target(a)
        by_name = bool(a.normalized.names) or _from_tagger(a)
        if target is not None and not any(_same_people(target, t, by_name) for t in found):
            found.append(target)
    found += _listed_targets(tagged, found)
    zero: set[str] = set()
    for c in report.casualties:
        category, figure = c.normalized.category, c.normalized.conservative
        if category not in _EFFECTS or figure is None:
            continue
        if figure == 0:
            zero.add(category)
        elif not any(v.start < c.end and c.start < v.end for v in rules) and not any(
            t.number == figure and t.fate == category for t in found
        ):
            found.append(_HumTarget(figure, _EFFECTS[category], category))
    if zero and not any(t.effect for t in found):
        found.append(_HumTarget(None, _NO_HARM[frozenset(zero)], None))
    return found


def _slot_template(
    report: IncidentReport,
    published: dt.date | None,
    tagger: bool | None,
    filed: Place | None = None,
    placed: IncidentReport | None = None,
) -> SlotTemplate:
    """``placed``: the report whose places give the scene (``report`` when None)."""
    view = _views(report, tagger)
    place = _scene(placed or report, filed)
    country = _muc_name(place.country) if place is not None and place.country else None
    spot = None
    if place is not None and place.precision < 5:
        spot = place.city or place.region or place.name
    instruments = _specific(
        _instrument_fills(_used_weapons(view["Weapon"]))
        or _act_instruments(report)
        or _shot_instruments(report)
    )
    orgs, confidences = _org_fills(report, view["PerpOrg"])
    humans = _hum_targets(report)
    return SlotTemplate(
        incident_type=incident_type_of(report).upper(),
        date=_muc_date(report, published),
        country=country,
        place=_muc_name(spot) if spot else None,
        instrument_types=tuple(instruments),
        perp_orgs=tuple(orgs),
        perp_org_confidences=tuple(confidences),
        hum_tgt_effects=tuple(h.effect for h in humans if h.effect is not None),
        hum_tgt_numbers=tuple(h.number for h in humans if h.number is not None),
    )


def to_muc_slots(
    result: ArticleResult, *, tagger: bool | None = None, pruned: bool = True
) -> list[SlotTemplate]:
    """One MUC slot template per incident each incident report tells of
    (:func:`split_incidents`); none when no incident was found. The date falls back to the
    article's publication date (the MUC dateline). ``pruned``: without the templates the
    template filter drops."""
    if result.status != "extracted":
        return []
    parts, keep, _ = _muc_incidents(result, tagger, pruned=pruned)
    return _slot_templates(result, tagger, parts, keep)


def _slot_templates(
    result: ArticleResult, tagger: bool | None, parts: list[IncidentReport], keep: list[bool]
) -> list[SlotTemplate]:
    published = result.article.published.date() if result.article.published else None
    filed = _filed_at(result)
    # the scene of each part from its places (the first part's own, _first_own_places)
    placed = [_first_own_places(parts[0], parts[1:]), *parts[1:]] if parts else []
    slots = [
        _slot_template(part, published, tagger, filed, scene)
        for part, scene in zip(parts, placed, strict=True)
    ]
    shared = _share_message_org(
        slots,
        lambda t: t.perp_orgs,
        lambda t, source: replace(t, perp_orgs=source.perp_orgs, perp_org_confidences=()),
    )
    return _kept(shared, keep)


# The fields whose assertions tell of an incident (split_incidents gives each part its own).
_TOLD_FIELDS = ("types", *ROLE_FIELDS, "casualties")


def _first_own_places(first: IncidentReport, others: list[IncidentReport]) -> IncidentReport:
    """The first part of a split message with the places of its own sentences, when they
    name one in a country: :func:`split_incidents` gives the further parts their own places
    but keeps the message's for the first, so its scene was the message's first one even
    where another incident's sentences told it ("... IN SAN MIGUEL. MEANWHILE, IN SAN
    SALVADOR ..."). A place's sentence is the first part's when the last sentence before it
    (or it) telling of an incident tells of the first part's; before any, it is the first's."""
    if not others:
        return first
    told = {a.sentence.start: 0 for field in _TOLD_FIELDS for a in getattr(first, field)}
    for n, part in enumerate(others, start=1):
        for field in _TOLD_FIELDS:
            for a in getattr(part, field):
                told.setdefault(a.sentence.start, n)
    starts = sorted(told)

    def owner(start: int) -> int:
        before = bisect.bisect_right(starts, start)
        return told[starts[before - 1]] if before else 0

    own = [a for a in first.where if owner(a.sentence.start) == 0]
    if not any(a.normalized.country for a in own):
        return first
    return first.model_copy(update={"where": own})


# -- WikiEvents ------------------------------------------------------------------------

_DETONATE = "Conflict.Attack.DetonateExplode"
_ATTACK = "Conflict.Attack.Unspecified"
_DIE = "Life.Die.Unspecified"
_INJURE = "Life.Injure.Unspecified"
_ARREST = "Justice.ArrestJailDetain.Unspecified"


# Words after which a phrase's head has been passed: "people killed in the blast",
# "the head of the police", "soldiers who were wounded".
_AFTER_HEAD = frozenset(
    """of in at on near from with by who whom which that killed wounded injured including
    among during after before""".split()
)


def _head(text: str) -> str | None:
    """The head word of a predicted argument when it is not the last word (see the
    scorer's default): the word before a comma, a preposition or a relative pronoun."""
    words = text.replace("-", " ").split()
    for i, word in enumerate(words[1:], start=1):
        if _counts_what_follows(words, i):
            continue  # "hundreds of hostages": the hostages ("11 of the injured": 11)
        if word.lower() in _AFTER_HEAD or words[i - 1].endswith(","):
            return words[i - 1].strip(",") if i < len(words) else None
    return None


_QUANTITIES = frozenset("dozens hundreds thousands scores millions".split())


def _counts_what_follows(words: list[str], i: int) -> bool:
    return (
        words[i].lower() == "of"
        and words[i - 1].lower() in _QUANTITIES
        and i + 1 < len(words)
        and words[i + 1].lower() not in _DETERMINERS
    )


def _args(role: str, texts: Iterable[str]) -> list[WikiPredArgument]:
    """Arguments of one role, one per head word (the scorer matches heads)."""
    out: list[WikiPredArgument] = []
    seen: set[str] = set()
    for text in texts:
        head = _head(text)
        key = (head or default_head(text)).lower()
        if normalize_string(text) and key not in seen:
            seen.add(key)
            out.append(WikiPredArgument(role, text.strip(), head))
    return out


def _victims(report: IncidentReport, fate: str, category: str) -> dict[int, list[str]]:
    """Victims of one fate and the people of the casualty phrases of that category,
    grouped by sentence: each sentence telling of deaths is one death event mention."""
    named = [(a.sentence.start, a.value) for a in report.victims if a.normalized.fate == fate]
    # Attackers killed are victims of a death event too ("twenty insurgents were killed").
    categories = (category, "perpetrators_killed") if category == "killed" else (category,)
    counted = [
        (c.sentence.start, _casualty_people(c.value) or _casualty_number(c.value))
        for c in report.casualties
        if c.normalized.category in categories
    ]
    by_sentence: dict[int, list[str]] = {}
    split = [(start, part) for start, text in named + counted for part in _counted_parts(text)]
    for start, text in sorted(split, key=lambda pair: pair[0]):
        # a figure already inside a victim of that sentence ("23" of "23 Afghan soldiers")
        # is the same mention, not a second victim
        if text and not any(text.lower() in _words(v) for v in by_sentence.get(start, [])):
            by_sentence.setdefault(start, []).append(text)
    return by_sentence


def _counted_parts(text: str | None) -> list[str | None]:
    """The people a casualty phrase counts one by one ("two other Americans and an Afghani"):
    WikiEvents annotates each as a victim."""
    if text is None or " and " not in text.lower():
        return [text]
    parts = re.split(r"\s+and\s+", text, flags=re.IGNORECASE)
    counted = all(
        (w := part.split()[0].lower()) in _COUNT_WORDS or w in {"a", "an"} or w[:1].isdigit()
        for part in parts
        if part
    )
    return list(parts) if counted and all(parts) else [text]


def _casualty_number(value: str) -> str | None:
    """The figure of a casualty phrase that names nobody ("at least 12" -> "12"): WikiEvents
    then annotates the number itself as the victim."""
    for raw in value[:200].split():
        word = raw.strip(",.;:()\"'")
        if word.lower() in _COUNT_WORDS or word[:1].isdigit() and not _YEAR.match(word):
            return word
    return None


# Words that name the attack or the attacker, not the device ("bombing", "suicide bomber",
# "gunmen").
_NOT_DEVICES = frozenset(
    """bomber bombers bombing bombings detonated detonating detonation gunshots gunfire
    fire shooting shootings explosion explosions blast blasts gunman gunmen""".split()
)


def _wiki_weapons(report: IncidentReport) -> list[Assertion[Weapon]]:
    return [w for w in _weapons(report) if _words(w.value)[-1] not in _NOT_DEVICES]


def _overlap(a: Assertion[Any], b: Assertion[Any]) -> bool:
    return a.start < b.end and b.start < a.end


def _in_sentence(assertions: Iterable[Assertion[Any]], start: int) -> list[Assertion[Any]]:
    return [a for a in assertions if a.sentence.start == start]


def _finest(places: Sequence[Assertion[Place]]) -> list[str]:
    """The most specific places: WikiEvents' Place is where it happened, the street or the
    town rather than the country around it."""
    scene = [a for a in places if a.normalized.role == "scene" and not _unnamed(a)]
    finest = min((a.normalized.precision for a in scene), default=5)
    return [a.value for a in scene if a.normalized.precision == finest]


def _unnamed(place: Assertion[Place]) -> bool:
    """A scene told by a common noun ("across the city"), which no gazetteer places."""
    p = place.normalized
    if p.venue or p.city or p.region or p.country:
        return False
    head = _words(place.value)[-1:]
    return bool(head) and (head[0] in _SCENE_NOUNS or head[0].rstrip("s") in _SCENE_NOUNS)


def _wiki_places(report: IncidentReport, attack_sentences: set[int]) -> list[str]:
    """The most specific scene places named where the attack is."""
    return _finest(
        [
            a
            for a in report.where
            if a.normalized.role == "scene" and a.sentence.start in attack_sentences
        ]
    )


_SCENE_NOUNS = default_lexicon().scene_nouns
# GTD target subtypes naming where rather than what: public areas (streets, parks) and roads.
_PUBLIC_AREAS = frozenset({79, 104})


def _agents(report: IncidentReport, start: int) -> list[str]:
    """The perpetrators one sentence names, but for those it tells were killed or hurt
    ("four militants were killed when their bomb went off")."""
    harmed = _in_sentence([*report.victims, *report.casualties], start)
    named = _in_sentence(report.perpetrators, start)
    return [
        a.value
        for a in named
        if not any(_overlap(a, h) for h in harmed)
        # "Taliban gunmen": the group inside a wider mention is that attacker, not a second one
        and not any(_overlap(a, b) and b.end - b.start > a.end - a.start for b in named)
    ]


def _attack_arguments(
    report: IncidentReport, start: int, bombing: bool, places: Sequence[str]
) -> list[WikiPredArgument]:
    """The arguments of the attack one sentence tells of: WikiEvents annotates one event per
    trigger with the arguments its sentence names, so a group or a town named elsewhere in
    the article is not that event's ("the Taliban have fought the army for years")."""
    things = _in_sentence(_target_entities(report)[0], start)
    # a street, a road, a park is where the attack was, not what it was aimed at
    scenes = [a.value for a in things if a.normalized.subtype_code in _PUBLIC_AREAS]
    things = [
        a
        for a in things
        if a.normalized.subtype_code not in _PUBLIC_AREAS
        and not any(_overlap(a, w) for w in report.weapons)  # the car of "a car bomb"
    ]
    targeted = [a for a in report.victims if a.normalized.fate == "targeted"]
    # people attacked whom the sentence tells of no harm ("attacks on innocent people")
    harmed = _in_sentence([*report.victims, *report.casualties], start)
    targeted += [
        a
        for a in _in_sentence(_target_entities(report)[1], start)
        if not any(_overlap(a, h) for h in harmed)
    ]
    arguments = _args("Attacker", _agents(report, start))
    arguments += _args("Target", [a.value for a in _in_sentence([*things, *targeted], start)])
    devices = _in_sentence(_wiki_weapons(report), start)
    # A device is an argument of an explosion its sentence tells of ("the bomb exploded"),
    # not of a sentence that only names it ("police found a second bomb").
    if not any(
        t.sentence.start == start and not any(_overlap(t, w) for w in devices) for t in report.types
    ):
        devices = []
    if bombing:
        explosive = [w.value for w in devices if w.normalized.type_code == _EXPLOSIVES]
        other = [w.value for w in devices if w.normalized.type_code != _EXPLOSIVES]
        arguments += _args("ExplosiveDevice", explosive[:1]) + _args("Instrument", other)
    else:
        arguments += _args("Instrument", [w.value for w in devices])
    # a venue that is the target ("the federal building was shattered") is not the Place too
    here = [p for p in _in_sentence(report.where, start) if not any(_overlap(p, t) for t in things)]
    named = [p for p in _finest(here) if p in places]
    unnamed = [a.value for a in here if a.normalized.role == "scene" and _unnamed(a)]
    return arguments + _args("Place", named + unnamed + scenes)


def _wiki_events(doc_id: str, report: IncidentReport) -> list[WikiPredEvent]:
    attack_sentences = {a.sentence.start for a in report.types if a.normalized.attack}
    places = _wiki_places(report, attack_sentences)
    events: list[WikiPredEvent] = []
    if attack_sentences or report.claims:
        bombing = incident_type_of(report) == "bombing"
        # the group that claimed it is an attacker wherever the claim is told
        claimed = _args(
            "Attacker",
            [
                a.value
                for a in report.perpetrators
                if a.stance == Stance.claimed and a.sentence.start not in attack_sentences
            ],
        )
        for i, start in enumerate(sorted(attack_sentences) or [-1]):
            kinds = {
                t.normalized.name
                for t in report.types
                if t.sentence.start == start and t.normalized.attack
            }
            explodes = (bombing and (not kinds or "Bombing/Explosion" in kinds)) or kinds == {
                "Bombing/Explosion"
            }
            arguments = _attack_arguments(report, start, explodes, places)
            arguments += claimed if i == 0 else []
            events.append(
                WikiPredEvent(doc_id, _DETONATE if explodes else _ATTACK, tuple(arguments))
            )
    for fate, category, event_type, agent, placed in (
        ("killed", "killed", _DIE, "Killer", True),
        ("wounded", "wounded", _INJURE, "Injurer", False),
    ):
        if not (attack_sentences or report.perpetrators or report.weapons):
            break  # deaths in a report telling of no violence ("died of an unknown virus")
        mentions = _victims(report, fate, category)
        if not mentions and not any(c.normalized.category == category for c in report.casualties):
            continue
        for start, victims in (mentions or {-1: []}).items():
            # The killer and the place of a death are those the sentence telling of it names:
            # an attacker or a town named elsewhere in the article is not that event's.
            arguments = _args("Victim", victims) + _args(agent, _agents(report, start))
            if placed and not _death_of_the_attack(report, start):
                arguments += _args("Place", _finest(_in_sentence(report.where, start))[:1])
            events.append(WikiPredEvent(doc_id, event_type, tuple(arguments)))
    detained = [a for a in report.suspects if a.normalized.step in ("arrested", "detained")]
    # Only named detainees: a suspect record's text is often the verb ("arrested").
    names = [n for a in detained for n in a.normalized.names]
    if names:
        jailers = [a.normalized.by for a in detained if a.normalized.names and a.normalized.by]
        # No Place: the attack's scene is not where people were held (a jail, a house).
        arguments = _args("Detainee", names) + _args("Jailer", jailers)
        events.append(WikiPredEvent(doc_id, _ARREST, tuple(arguments)))
    # hostages taken are held too: WikiEvents annotates "seized hostages" as a detention
    for start, hostages in _victims(report, "kidnapped", "hostages").items():
        arguments = _args("Detainee", hostages) + _args("Jailer", _agents(report, start))
        events.append(WikiPredEvent(doc_id, _ARREST, tuple(arguments)))
    return _countries_once(events, report)


# "A bomb exploded at the market, killing three people", "an attack ... which killed 13":
# the death is told by a clause hanging on the attack, whose place WikiEvents gives the attack.
_DEATH_CLAUSE = re.compile(r"(?:,\s*killing|\b(?:which|that)\s+killed)\s*$", re.IGNORECASE)


def _death_of_the_attack(report: IncidentReport, start: int) -> bool:
    """The sentence's deaths are told by a participle or relative clause after its attack."""
    attacks = [t.start for t in _in_sentence(report.types, start) if t.normalized.attack]
    for a in _in_sentence([*report.victims, *report.casualties], start):
        if any(t < a.start for t in attacks) and _DEATH_CLAUSE.search(_before(a)):
            return True
    return False


def _countries_once(events: list[WikiPredEvent], report: IncidentReport) -> list[WikiPredEvent]:
    """A country is the Place of the first event naming it only: repeating "Afghanistan"
    for every blast adds no place."""
    countries = {
        a.value.lower()
        for a in report.where
        if a.normalized.country
        and not (a.normalized.venue or a.normalized.city or a.normalized.region)
    }
    seen: set[str] = set()
    out = []
    for event in events:
        arguments = []
        for a in event.arguments:
            key = a.text.lower()
            if a.role == "Place" and key in countries:
                if key in seen:
                    continue
                seen.add(key)
            arguments.append(a)
        out.append(WikiPredEvent(event.doc_id, event.event_type, tuple(arguments)))
    return out


def to_wikievents(doc_id: str, result: ArticleResult) -> list[WikiPredEvent]:
    """WikiEvents events of one document: per incident report, an attack event
    (DetonateExplode for bombings, else Unspecified), Life.Die / Life.Injure when people were
    killed / wounded (one per sentence telling of it), Justice.ArrestJailDetain when named
    suspects were arrested or detained."""
    if result.status != "extracted":
        return []
    return [e for report in result.incidents for e in _wiki_events(doc_id, _harmed(report))]


def _harmed(report: IncidentReport) -> IncidentReport:
    """The report as WikiEvents sees it: the rules' roles, and no zero figures ("no one was
    hurt" tells of no death or injury event)."""
    view = _role_view(report, "rules")
    figures = [c for c in view.casualties if c.normalized.conservative != 0]
    return view.model_copy(update={"casualties": figures})
