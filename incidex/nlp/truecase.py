"""Truecasing of all-capitals wire text (MUC-4 / FBIS style) before parsing.

spaCy's English models are trained on mixed case: on "GUERRILLAS ATTACKED THE POST IN SAN
MIGUEL" they tag every word a proper noun. The parser sees a same-length truecased copy
(lower case, sentence starts capitalised, and names the knowledge base or the gazetteer
knows capitalised); every offset stays valid, and assertions quote the original text.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from .gazetteer import default_gazetteer
from .kb import default_kb

__all__ = ["WIRE_KEY", "mostly_upper", "truecase"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*|--\s*|\]\s*)([a-z])")


# ``doc.user_data`` key: whether the article was all-capitals wire copy (set by the extractor,
# which decides truecasing on it; read by the components trained on such text).
WIRE_KEY = "incidex_wire"


def mostly_upper(text: str) -> bool:
    # filter/map with str methods run in C; a generator over the characters is ~5x slower
    letters = "".join(filter(str.isalpha, text[:5000]))
    return len(letters) > 20 and sum(map(str.isupper, letters)) > 0.8 * len(letters)


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lower-case single words of names -> their usual capitalisation."""
    names: dict[str, str] = {}

    def add(phrase: str) -> None:
        for word in _WORD.findall(phrase):
            if word[0].isupper() and len(word) > 2:
                names.setdefault(word.lower(), word)

    kb = default_kb()
    for group in kb.groups:
        add(group.name)
        for alias in group.aliases:
            add(alias)
    for nationality in kb.nationalities:
        add(nationality.demonym)
    gaz = default_gazetteer()
    for country in gaz.countries.values():
        add(country.name)
    for name in gaz.big_city_names():
        add(name)
    # a name that is also a common English word would be capitalised everywhere: leave those
    for common in _COMMON:
        names.pop(common, None)
    return names


_TITLES = set(
    "president colonel col general gen minister mayor judge father priest archbishop bishop "
    "senator deputy commander captain capt lieutenant lt sergeant sgt governor ambassador "
    "attorney dr mr mrs ms leader journalist congressman councilman councilor chief major "
    "monsignor rector vice-president candidate businessman banker".split()
)
_VERBS_AFTER_NAMES = set(
    "said says told stated reported announced added denied confirmed claimed warned was were "
    "had has is who whose".split()
)
_COMMON = set(
    "the and for with from this that these those there their they them then than when where "
    "which while will would could should after before about above below under over into onto "
    "upon army police state states union national front party people popular forces force "
    "liberation revolutionary movement group groups day days city town new post "
    "general president minister government republic democratic social socialist "
    "independent patriotic unity armed action death squad squads command commando "
    "south north east west central united free workers peasant peasants church "
    "may march june july august most more last first second third said port".split()
)


def truecase(text: str) -> str:
    """A copy of ``text`` of exactly the same length, in sentence case with names capitalised."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a few Unicode letters change length when lowered
        return text
    chars = list(lowered)
    names = _names()
    for match in _WORD.finditer(lowered):
        proper = names.get(match.group())
        if proper is not None and len(proper) == len(match.group()):
            chars[match.start() : match.end()] = proper
    # "PRESIDENT ALFREDO CRISTIANI", "COLONEL LUIS ARTURO ISAACS": names follow titles
    words = list(_WORD.finditer(lowered))
    for i, match in enumerate(words):
        if match.group() not in _TITLES:
            continue
        for follower in words[i + 1 : i + 4]:
            word = follower.group()
            if (
                word in STOP_WORDS
                or word in _TITLES
                or word in _COMMON
                or len(word) < 3
                or (word in _VERBS_AFTER_NAMES)
            ):
                break
            chars[follower.start()] = chars[follower.start()].upper()
    for match in _SENTENCE_START.finditer(lowered):
        i = match.start(1)
        chars[i] = chars[i].upper()
    return "".join(chars)
