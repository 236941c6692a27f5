"""Where: the scene (venue, city, region, country, coordinates) told apart from other places.

Each place mention gets a role from its syntax: "heading to Ukraine" is a destination, "formed
in Afghanistan" background, "the United States confirming" a country making a statement,
"attack on Moscow's concert center" the scene, "police in Lyon were searching" only mentioned
(the place of a subject doing something other than attacking). Coordinates come from the
offline gazetteer. Precision is GTD's specificity: 1 city (or finer) known, 4 region, 5
country only. A scene told by a common noun ("bombs across the city", ``scene_nouns`` in
``kb/lexicon.json``; not one locating another, "the Old Park district of the city") is kept
as written, with no coordinates or country (precision 5).
"""

from __future__ import annotations

from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ...model import Place
from .._doc import (
    SentInfo,
    add_assertion,
    doc_text,
    ensure_extensions,
    ents,
    sentence_of,
    span_sentence,
)
from ..dateline import parse_dateline
from ..gazetteer import City, Country, default_gazetteer, place_words
from ..kb import default_kb
from ..lexicon import default_lexicon
from ..truecase import WIRE_KEY

__all__ = ["PlaceExtractor", "VENUE_WORDS"]

EXTRACTOR = "incidex_places_v1"
VENUE_WORDS = frozenset(
    "hall center centre arena stadium theatre theater mall market mosque church synagogue temple "
    "cathedral hotel school university college airport station club nightclub cafe café "
    "restaurant bar embassy consulate hospital museum studio studios square bridge promenade "
    "park office offices headquarters base barracks prison court parliament plaza shrine "
    "chapel academy complex building tower terminal".split()
)
_VENUE_PREPS = {"at", "in", "into", "on", "near", "outside", "inside", "of", "against"}
_FACILITIES = frozenset(
    "post checkpoint terminal store shop supermarket house home residence compound camp "
    "station market library office outpost barracks base mall hotel restaurant cafe "
    "bar nightclub stadium arena theatre theater hall school college university dormitory "
    "hospital clinic church mosque synagogue temple shrine embassy consulate court courthouse "
    "prison jail factory plant pipeline refinery mine port airport bridge tower headquarters "
    "building apartment warehouse farm kiosk bank ministry parliament palace studio "
    "studios gate venue centre center square".split()
)
_SCENE_PREPS = {"in", "at", "near", "outside", "inside", "on", "of", "across", "around", "into"}
_TOWARD = {"to", "toward", "towards", "into", "for"}


class PlaceExtractor:
    def __init__(self) -> None:
        ensure_extensions()
        self.lex = default_lexicon()
        self.gaz = default_gazetteer()
        self.words = place_words()
        self.where_nouns = self.words.unit_nouns | self.lex.place_nouns  # "district", "town"

    def __call__(self, doc: Doc) -> Doc:
        named: Counter[str] = Counter()
        for e in ents(doc):
            if e.label_ not in {"GPE", "LOC"}:
                continue
            country = self.gaz.country(e.text)
            if country is not None:
                named[country.code] += 1
                continue
            # a big city names its country too ("Paris" for France): a town that shares
            # its name with a village in a country named once is then the French one
            city = self.gaz.city(e.text)
            if city is not None and city.names_its_country:
                named[city.country_code] += 1
        countries_named = tuple(code for code, _ in named.most_common())
        dateline = parse_dateline(doc_text(doc))
        if dateline is not None:  # "LIMA, 14 APR 90 --": Santa Rosa is then the Peruvian one
            filed = self.gaz.city(dateline.place, prefer=countries_named)
            if filed is not None and filed.country_code not in countries_named:
                countries_named = (*countries_named, filed.country_code)
        # "the Peruvian town of Yunguyo": a nationality names its country, after the names
        for e in ents(doc):
            nationality = default_kb().nationality(e.text) if e.label_ == "NORP" else None
            if nationality is not None and nationality.country_code not in countries_named:
                countries_named = (*countries_named, nationality.country_code)
        unmarked = self._unmarked_places(doc, countries_named)
        venues: list[Span] = []
        # a venue is in a city named just after it ("a bus station on the outskirts of the
        # capital, Abuja") or just before it, else in the first scene city of the text
        named_cities: list[tuple[int, City]] = []
        scene_city: City | None = None
        scene_country: Country | None = None
        for ent in sorted((*ents(doc), *unmarked), key=lambda e: e.start):
            if dateline is not None and dateline.start <= ent.start_char < dateline.end + 2:
                continue  # the dateline is handled by _dateline
            _, info = sentence_of(doc, ent.start)
            if (
                ent.label_ in {"FAC", "ORG"}
                and ent[-1].lower_ in VENUE_WORDS
                or (ent.label_ == "FAC")
            ):
                if self._role(ent, info) in {"scene", "mentioned"}:
                    venues.append(ent)
                continue
            if (
                ent.label_ not in {"GPE", "LOC"}
                and not _named_as_place(ent)
                and not self._known_place_in_place_slot(ent)
            ):
                continue
            whole = _hyphenated_whole(ent)
            if whole is not ent:
                if self._place(whole, "mentioned", countries_named) is None:
                    continue  # half of a name cut at a hyphen: alone it names another place
                ent = whole  # "Guinea-Bissau" that the recogniser cut to "Guinea"
            ent = self._leftward_whole(ent, countries_named)
            capital = self._capital_of(ent)
            role = self._role(capital or ent, info)
            place = self._place(ent, role, countries_named)
            unit = self._names_a_unit(ent.root)
            if unit is not None:
                place, role = self._unit_place(ent, unit, place, role, info, countries_named)
            if place is not None and capital is not None:
                place = self._capital_place(place) or place
            if place is None:
                continue
            if role == "scene" and place.city:
                city = self.gaz.city(place.city, prefer=(place.country_code or "",))
                if city is not None:
                    named_cities.append((ent.start, city))
                if scene_city is None:
                    scene_city = city
            if role == "scene" and place.country_code and scene_country is None:
                scene_country = self.gaz.country_by_code(place.country_code)
            confidence = 0.8 if role == "scene" else 0.6
            said = doc[ent.start : capital.end] if capital is not None else ent  # "Mali's capital"
            add_assertion(doc, "where", said, place, extractor=EXTRACTOR, confidence=confidence)
        if scene_city is None:
            found = self._dateline(doc, countries_named)
            if found is not None:
                scene_city, scene_country = found
        named_venues = [
            v for v in venues if v[-1].lower_ in VENUE_WORDS and sentence_of(doc, v.start)[1].attack
        ]
        if not named_venues:  # a named venue ("Crocus City Hall") beats "a concert center"
            venues.extend(self._target_venues(doc))
        seen: set[tuple[int, int]] = set()
        for ent in venues:
            if (ent.start, ent.end) in seen:
                continue
            seen.add((ent.start, ent.end))
            _, info = sentence_of(doc, ent.start)
            if not (info.attack or "venue" in span_sentence(ent).text.lower()):
                continue
            if ent[-1].lower_ in {"day", "eve", "night"} or _aftermath(ent):
                continue  # "celebrating Bastille Day", "died in hospital"
            name = _without_article(ent.text)
            city = _city_near(ent, named_cities)
            if city is None and ent[-1].lower_ not in self.words.unit_nouns:
                # "near La Tiendita canton": a place of its own, not in the text's first city
                city = scene_city
            # the city's own country: never Montreuil with Belgium
            country = self.gaz.country_by_code(city.country_code) if city else scene_country
            place = Place(
                role="scene",
                name=name,
                venue=name,
                city=city.name if city else None,
                country_code=country.code if country else None,
                country=country.name if country else None,
                latitude=city.latitude if city else None,
                longitude=city.longitude if city else None,
                precision=1 if city else 5,
                geonameid=city.geonameid if city else None,
            )
            add_assertion(doc, "where", ent, place, extractor=EXTRACTOR, confidence=0.75)
        self._unnamed_scenes(doc)
        return doc

    def _unmarked_places(self, doc: Doc, countries_named: tuple[str, ...]) -> list[Span]:
        """Towns the entity recogniser missed (in all-capitals wire copy above all, where the
        truecaser capitalises only big cities' names): up to four words no entity covers, the
        object of a scene preposition ("in Tulcan", "near Vina del Mar") or named as a place
        ("the town of Yunguyo"), that the gazetteer knows as a place in a country the text
        names. In mixed case the name must be capitalised."""
        if not countries_named:
            return []
        wire = bool(doc.user_data.get(WIRE_KEY))
        # a town the recogniser took for a people ("tulcan" NORP) is still free to read
        taken = {
            i
            for e in ents(doc)
            if e.label_ != "NORP" or default_kb().nationality(e.text) is not None
            for i in range(e.start, e.end)
        }
        found: list[Span] = []
        for token in doc:
            if token.i in taken or not token.is_alpha:
                continue
            if not wire and not self._name_word(token):
                continue  # every name _gazetteer_name tries holds this word: no look-ups
            unit = self._names_a_unit(token)
            if unit is None and not self._place_object(token):
                continue
            span = self._gazetteer_name(doc, token.i, taken, wire, countries_named)
            if span is not None and unit is not None and span.end < unit.i:
                if doc[span.end].text != ",":
                    continue  # "Tomas" of "Santo Tomas de Pata district": part of its name
            if span is not None:
                found.append(span)
                taken.update(range(span.start, span.end))
        return found

    def _place_object(self, token: Token) -> bool:
        """A bare name where a place goes: "in Tulcan", "the town of Yunguyo"."""
        if token.dep_ != "pobj" or any(c.dep_ in {"det", "poss"} for c in token.children):
            return False  # "at a temple", "in the same area": a common noun, not a town
        head = token.head
        return head.lower_ in _UNMARKED_PREPS or (
            head.lower_ == "of" and head.head.lower_ in self.lex.place_nouns
        )

    def _names_a_unit(self, token: Token) -> Token | None:
        """The local unit or place noun that ``token`` names, when that noun is where
        something is ("at Nunoa district", "killed in Tulcan, Carchi province": the parser
        hangs the town on the province); else None."""
        unit = token.head
        if token.dep_ not in {"compound", "amod", "nmod"} or unit.i <= token.i:
            return None
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in unit.children):
            return None  # "the Lima district of San Isidro": the city the district is in
        if unit.lower_ not in self.where_nouns:
            return None
        if unit.dep_ != "pobj" or unit.head.lower_ not in _UNMARKED_PREPS:
            return None
        return unit

    def _unit_place(
        self,
        ent: Span,
        unit: Token,
        place: Place | None,
        role: str,
        info: SentInfo,
        countries_named: tuple[str, ...],
    ) -> tuple[Place | None, str]:
        """The place and role of a name hung on a unit or place noun where something is ("at
        Nunoa district", "in Tulcan, Carchi province", "in San Miguel city"): the noun's
        role, unless the name is a division's own ("in Cordoba department", which the
        gazetteer, holding towns, reads as Cordoba, Argentina). A town abroad of a local
        unit's own name ("in San Miguelito neighborhood" in a text on El Salvador) is not
        it: the name then stands unplaced, as a name the gazetteer lacks."""
        if unit.i == ent.end and unit.lower_ in self.words.division_nouns:
            return place, role
        unit_role = self._role(ent.doc[unit.i : unit.i + 1], info)
        if (
            unit.i == ent.end
            and unit.lower_ in self.words.unit_nouns
            and place is not None
            and place.country_code not in (None, *countries_named)
            and not _town_around(unit)
        ):
            name = _without_article(ent.text)
            return Place(role=unit_role, name=name, precision=5), unit_role
        return self._place(ent, unit_role, countries_named), unit_role

    def _name_word(self, token: Token) -> bool:
        """A word a name in mixed case may hold: capitalised, or a particle ("del")."""
        return token.text[0].isupper() or token.lower_ in self.words.name_particles

    def _gazetteer_name(
        self, doc: Doc, i: int, taken: set[int], wire: bool, countries_named: tuple[str, ...]
    ) -> Span | None:
        """The longest run of words around token ``i`` naming a gazetteer place of a country
        the text names."""
        spans = [
            (start, end)
            for start in range(max(0, i - 3), i + 1)
            for end in range(i + 1, min(len(doc), i + 4) + 1)
            if end - start <= 4
        ]
        for start, end in sorted(spans, key=lambda se: se[0] - se[1]):
            words = doc[start:end]
            if any(t.i in taken or not t.is_alpha for t in words):
                continue
            first = words[0]
            if first.is_stop or first.lower_ in self.lex.compass_adjectives or words[-1].is_stop:
                continue
            if not wire and not all(self._name_word(t) for t in words):
                continue
            city = self.gaz.city(words.text, prefer=countries_named)
            if city is not None and city.country_code in countries_named:
                return Span(doc, start, end, label="GPE")
        return None

    def _unnamed_scenes(self, doc: Doc) -> None:
        """Scenes named by a common noun where an attack is told ("bombs across the city",
        "a patrol in the village"): a place mention without a name the gazetteer could
        place, so no coordinates, country or precision."""
        for token in doc:
            if (
                token.pos_ != "NOUN"
                or token.ent_type_
                or token.dep_ != "pobj"
                or token.head.lower_ not in _SCENE_PREPS | {"throughout"}
                or token.lemma_.lower() not in self.lex.scene_nouns
                or any(_names_it(c) for c in token.children)
            ):
                continue
            if token.head.lower_ == "of" and token.head.head.lemma_.lower() in self.lex.scene_nouns:
                continue  # "the Old Park district of the city": it locates the district
            _, info = sentence_of(doc, token.i)
            span = doc[token.i : token.i + 1]
            if not info.attack or info.background or _aftermath(span):
                continue
            # as written, "this city", "the main Catholic areas", within a few words
            span = doc[max(token.left_edge.i, token.i - 4) : token.i + 1]
            place = Place(role="scene", name=span.text, precision=5)
            add_assertion(doc, "where", span, place, extractor=EXTRACTOR, confidence=0.5)

    def _target_venues(self, doc: Doc) -> list[Span]:
        """Facilities named as where the attack happened: 'at a bus terminal', 'into a police
        checkpoint', 'outside a library'."""
        out = []
        for hit in doc.spans["targets"] if "targets" in doc.spans else []:
            root = hit.root
            if root.lower_ not in VENUE_WORDS | _FACILITIES or root.pos_ != "NOUN":
                continue
            if not (root.dep_ == "pobj" and root.head.lower_ in _VENUE_PREPS):
                continue
            _, info = sentence_of(doc, hit.start)
            if (
                not info.attack
                or info.events & {"Arrest", "Charge/Trial"}
                and not (info.events_attack)
            ):
                continue
            left = root.left_edge.i
            while left < root.i and doc[left].lower_ in {"a", "an", "the", "its", "their"}:
                left += 1
            out.append(doc[left : root.i + 1])
        return out

    def _dateline(
        self, doc: Doc, countries_named: tuple[str, ...]
    ) -> tuple[City | None, Country | None] | None:
        """The dateline's place: where the report was filed. Only when the text names no
        scene itself is it taken as the scene (datelines are often a capital far away)."""
        dateline = parse_dateline(doc_text(doc))
        if dateline is None:
            return None
        span = doc.char_span(dateline.start, dateline.end, alignment_mode="expand")
        if span is None:
            return None
        prefer = countries_named
        if dateline.region:
            country = self.gaz.country(dateline.region)
            if country is not None:
                prefer = (country.code, *prefer)
        place = self._place(span, "scene", prefer)
        if place is not None:
            name = dateline.place.title() if dateline.place.isupper() else dateline.place
            place = place.model_copy(update={"name": name})
            add_assertion(doc, "where", span, place, extractor=EXTRACTOR, confidence=0.5)
            city = (
                self.gaz.city(place.city, prefer=(place.country_code or "",))
                if place.city
                else None
            )
            country = self.gaz.country_by_code(place.country_code) if place.country_code else None
            return city, country
        return None

    def _role(self, ent: Span, info: SentInfo) -> str:
        role = self._syntactic_role(ent, info)
        if (
            role == "scene"
            and info.events & {"Arrest", "Charge/Trial"}
            and not info.events_attack
            and not _of_attack_noun(ent)
        ):
            return "mentioned"  # "detained in a raid on a house in Maguindanao"
        return role

    def _syntactic_role(self, ent: Span, info: SentInfo) -> str:
        root = ent.root
        head = root.head
        lex = self.lex
        if root.dep_ == "pobj" and head.dep_ == "prep":
            prep = head.lower_
            if prep == "with":  # a partner, not a location: "sharing the inquiry with the US"
                return "mentioned"
            verb = head.head
            vlemma = verb.lemma_.lower()
            if prep in _TOWARD and (
                vlemma in lex.motion_verbs
                or verb.pos_ == "VERB"
                and prep != "into"
                and vlemma not in {"attack", "fire", "shoot"}
            ):
                if vlemma in lex.motion_verbs:
                    return "destination"
            if prep == "from" and (vlemma in lex.motion_verbs or verb.pos_ in {"NOUN", "PROPN"}):
                return "origin"
            if lex.is_background_verb(verb):
                return "mentioned"
            if prep in _SCENE_PREPS and (info.attack or _under_attack_word(verb)):
                if _near_attack(ent):
                    return "scene"
        if root.dep_ in {"nsubj", "nsubjpass"} and head.lemma_.lower() in lex.speech_verbs:
            return "statement"
        if root.dep_ in {"compound", "amod", "nmod"} and head.lower_ in {
            "claims",
            "claim",
            "officials",
            "official",
            "response",
            "government",
            "intelligence",
            "authorities",
            "statement",
            "president",
            "forces",
            "ministry",
            "embassy",
        }:
            return "statement"
        if root.dep_ == "poss" and (info.attack or head.lower_ in VENUE_WORDS):
            return "scene"
        if (
            ent.start <= 2
            and ent.end < len(ent.doc)
            and ent.doc[ent.end].text in {",", "(", "—", "-", "–"}
        ):
            return "scene"  # a dateline: "KABUL, March 3 (Wire) -"
        if info.attack and not info.events - info.events_attack and root.dep_ in {"pobj", "appos"}:
            return "scene" if _near_attack(ent) else "mentioned"
        return "mentioned"

    def _known_place_in_place_slot(self, ent: Span) -> bool:
        """'in Bamako', 'in Mali's capital' that the recogniser took for an organisation or a
        person: a country or a city of 100,000 people or more, named where a place goes (after
        'in', 'at', 'near'... or as the owner of a capital)."""
        if ent.label_ not in {"ORG", "PERSON"} or len(ent) > 3:
            return False
        root = ent.root
        in_slot = (
            root.dep_ == "pobj" and root.head.lower_ in _SCENE_PREPS - {"of", "on"}
        ) or self._capital_of(ent) is not None
        if not in_slot:
            return False
        name = _without_article(ent.text)
        if self.gaz.country(name) is not None:
            return True
        city = self.gaz.city(name)
        return city is not None and city.population >= _KNOWN_CITY

    def _leftward_whole(self, ent: Span, countries_named: tuple[str, ...]) -> Span:
        """The whole of a town's name the recogniser cut at its front ("del Mar" of "Vina del
        Mar", which the truecaser left half lower case): up to two words just before it, in
        no entity, that make with it a longer name the gazetteer knows in a country the text
        names; else ``ent``."""
        doc = ent.doc
        for start in (ent.start - 2, ent.start - 1):
            if start < 0 or any(
                not t.is_alpha or t.ent_iob_ != "O" for t in doc[start : ent.start]
            ):
                continue
            city = self.gaz.city(doc[start : ent.end].text, prefer=countries_named)
            if city is not None and city.country_code in countries_named:
                return Span(doc, start, ent.end, label=ent.label_)
        return ent

    @staticmethod
    def _capital_of(ent: Span) -> Span | None:
        """'in Guinea-Bissau's capital': the noun 'capital' the place is the possessor of."""
        head = ent.root.head
        if ent.root.dep_ == "poss" and head.lemma_.lower() == "capital":
            return ent.doc[head.i : head.i + 1]
        return None

    def _capital_place(self, country: Place) -> Place | None:
        """The capital city of a country place (None if it is no country or has none)."""
        if country.precision != 5 or country.country_code is None:
            return None
        city = self.gaz.capital(country.country_code)
        if city is None:
            return None
        return country.model_copy(
            update={
                "city": city.name,
                "latitude": city.latitude,
                "longitude": city.longitude,
                "precision": 1,
                "geonameid": city.geonameid,
            }
        )

    def _place(self, ent: Span, role: str, countries_named: tuple[str, ...]) -> Place | None:
        name = _without_article(ent.text)
        place = self._named_place(name, role, countries_named)
        if place is None and name[-2:].lower() in {"'s", "’s"}:
            # "El Salvador's Jesuit curia" taken with its possessive; "St. John's" found whole
            name = name[:-2]
            place = self._named_place(name, role, countries_named)
        first, _, rest = name.partition(" ")
        if place is None and first.lower() in self.lex.compass_adjectives and rest:
            # "western Medellin", "SOUTHERN COLOMBIA": the part of a place the gazetteer knows
            place = self._named_place(rest, role, countries_named)
            place = place.model_copy(update={"name": name}) if place is not None else None
        if place is None and role == "scene":
            return Place(role=role, name=name, precision=5)
        return place

    def _named_place(self, name: str, role: str, countries_named: tuple[str, ...]) -> Place | None:
        country = self.gaz.country(name)
        if country is not None:
            return Place(
                role=role,
                name=name,
                country_code=country.code,
                country=country.name,
                latitude=country.latitude,
                longitude=country.longitude,
                precision=5,
            )
        state = self.gaz.us_states.get(name.lower())
        if state is not None:
            us = self.gaz.country_by_code("US")
            return Place(
                role=role,
                name=name,
                region=name,
                country_code="US",
                country=us.name if us else "United States",
                precision=4,
            )
        city = self.gaz.city(name, prefer=countries_named)
        if city is not None:
            country = self.gaz.country_by_code(city.country_code)
            return Place(
                role=role,
                name=name,
                city=city.name,
                country_code=city.country_code,
                country=country.name if country else None,
                latitude=city.latitude,
                longitude=city.longitude,
                precision=1,
                geonameid=city.geonameid,
            )
        return None


_AFTERMATH_VERBS = {
    "die",
    "treat",
    "airlift",
    "hospitalize",
    "hospitalise",
    "evacuate",
    "pronounce",
    "recover",
}
_MOVED_TO = {"take", "rush", "bring", "transfer", "fly", "admit", "carry", "send"}


def _aftermath(ent: Span) -> bool:
    """A place of the aftermath, not of the attack: 'died in hospital', 'taken to a hospital'."""
    root = ent.root
    node = root
    for _ in range(3):
        node = node.head
        if node.pos_ in {"VERB", "AUX"}:
            lemma = node.lemma_.lower()
            if lemma in _AFTERMATH_VERBS:
                return True
            return lemma in _MOVED_TO and root.dep_ == "pobj" and root.head.lower_ == "to"
    return False


def _names_it(child: Token) -> bool:
    """'Shah Wali Kot district', 'the city of Lyon': the noun is part of a name."""
    if child.dep_ == "compound" and child.pos_ == "PROPN":
        return True
    return (
        child.dep_ == "prep"
        and child.lower_ == "of"
        and any(g.pos_ == "PROPN" or g.ent_type_ for g in child.children if g.dep_ == "pobj")
    )


def _city_near(venue: Span, cities: list[tuple[int, City]]) -> City | None:
    """The scene city named within a few words of the venue in its sentence, if any (not a
    city further on: "the Bataclan, where 89 were killed, ... a Frenchman from Courcouronnes")."""
    sent = span_sentence(venue)
    for start, city in cities:
        if sent.start <= start < sent.end and venue.end <= start <= venue.end + 10:
            return city
    for start, city in cities:
        if sent.start <= start < sent.end and venue.start - 6 <= start < venue.start:
            return city
    return None


# "in Tulcan", "near Vina del Mar": prepositions whose object is where something is
_UNMARKED_PREPS = frozenset({"in", "at", "near", "outside", "inside"})
_KNOWN_CITY = 100_000  # population from which a city's name is a place whatever NER says


def _hyphen_joins(left: Token, right: Token) -> bool:
    return not left.whitespace_ and (left.text.endswith("-") or right.text.startswith("-"))


def _hyphenated_whole(ent: Span) -> Span:
    """The whole of a name the entity recogniser cut at a hyphen ("Guinea" of
    "Guinea-Bissau", "Westphalia" of "North Rhine-Westphalia"), or ``ent`` itself. The half
    alone names another place (Guinea; a town in Maryland)."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start > 0 and _hyphen_joins(doc[start - 1], doc[start]):
        start -= 1
    while end < len(doc) and _hyphen_joins(doc[end - 1], doc[end]):
        end += 1
    if (start, end) == (ent.start, ent.end):
        return ent
    return Span(doc, start, end, label=ent.label_)


def _named_as_place(ent: Span) -> bool:
    """'the town of Dapchi' (which NER may tag ORG): a place by its apposition."""
    root = ent.root
    places = default_lexicon().place_nouns
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in places:
        return True
    if ent.start > 1 and ent.doc[ent.start - 1].text == ",":
        # "the capital, Abuja": the name after a comma (the parser often attaches it elsewhere
        # and NER may tag it PERSON); the gazetteer still has to know it as a place.
        before = ent.doc[ent.start - 2].lower_
        return before in places or before in default_lexicon().apposed_place_nouns
    return ent.start > 0 and ent.doc[ent.start - 1].lower_ in places and ent.label_ != "PERSON"


def _under_attack_word(token: Token) -> bool:
    lex = default_lexicon()
    return token.lemma_.lower() in lex.generic_attack_lemmas


def _of_attack_noun(ent: Span) -> bool:
    """The place locates an attack named by a noun ("links to Friday's attacks in Paris"): in
    an arrest story it is still the attack's scene, though the sentence's verb is an arrest."""
    root = ent.root
    if not (root.dep_ == "pobj" and root.head.dep_ == "prep" and root.head.lower_ in {"in", "at"}):
        return False
    noun = root.head.head
    if noun.pos_ != "NOUN":
        return False
    lemma = noun.lemma_.lower()
    lex = default_lexicon()
    if lemma in lex.police_operation_nouns:  # "arrested in raids in X": the police's raid
        return False
    return _is_attack_word(lemma)


def _is_attack_word(lemma: str) -> bool:
    """An attack word of the lexicon (``generic_attack_lemmas``, ``scene_attack_lemmas``)."""
    lex = default_lexicon()
    return lemma in lex.generic_attack_lemmas or lemma in lex.scene_attack_lemmas


def _near_attack(ent: Span) -> bool:
    """The place depends on an attack word or on the verb of an attack sentence, not on a
    clause about something else ("the conflict in Ukraine")."""
    lex = default_lexicon()
    node = ent.root
    for _ in range(8):
        node = node.head
        lemma = node.lemma_.lower()
        if _is_attack_word(lemma) or lemma in lex.venue_nouns:
            return True
        if lemma in lex.not_scene_heads:
            return False
        if node.dep_ == "nsubj" and node.pos_ in {"NOUN", "PROPN"}:
            # who does something else: "police in the city of Lyon were searching", "a
            # citizen of Kyrgyzstan pleaded"; not "gunmen in Kabul opened fire", "shootings
            # in Belfast continued" (a capitalised plural may be tagged a name)
            words = (node.head.lemma_.lower(), node.lower_, node.lower_.removesuffix("s"))
            return any(_is_attack_word(w) for w in words)
        if node.dep_ == "ROOT":
            return node.pos_ == "VERB" and lemma not in lex.speech_verbs
    return False


@Language.factory("incidex_places_v1", assigns=["doc._.assertions"])
def make_places(nlp: Language, name: str) -> PlaceExtractor:
    return PlaceExtractor()


def _without_article(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _town_around(unit: Token) -> bool:
    """Whether the name before ``unit`` is the town the unit is in, not the unit's own name:
    "in a Jenin neighborhood", "in his Mosul village" (an indefinite or possessive
    determiner), against "in San Miguelito neighborhood", "in the Escalon neighborhood"."""
    return any(c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ != "the") for c in unit.children)
