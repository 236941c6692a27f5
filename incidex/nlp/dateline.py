"""Wire-style datelines at the start of a report: ``PLACE[, REGION][, DATE] [(OUTLET)] -``.

"BOSTON (Example Wire) - ...", "COTABATO CITY, Philippines - ...", "LIMA, 14 APR 90 (EXAMPLE
WIRE) -- [TEXT] ...". The place is where the report was filed (often the scene); the date
anchors relative dates when the article has no publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

__all__ = ["Dateline", "parse_dateline"]

# Bounded pieces, no nested quantifiers: linear on any input.
_DATELINE = re.compile(
    r"^\s{0,5}(?P<place>[A-Z][A-Za-zÀ-ÖØ-öø-ÿ'’.\- ]{1,40}?)"
    r"(?:,\s{0,3}(?P<region>[A-Z][A-Za-zÀ-ÖØ-öø-ÿ .'\-]{1,40}?))?"
    r"(?:,\s{0,3}(?P<date>\d{1,2} [A-Za-z]{3,9}\.? \d{2,4}"
    r"|[A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?))?"
    r"\s{0,3}(?:\((?P<outlet>[^()\n]{1,60})\))?\s{0,3}(?:-{1,2}|–|—)\s"
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


@dataclass(frozen=True)
class Dateline:
    place: str
    region: str | None
    date: dt.date | None
    outlet: str | None
    start: int  # character span of the place name
    end: int


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    m = re.match(r"(\d{1,2}) ([A-Za-z]{3})[A-Za-z]*\.? (\d{2,4})$", text)
    if m:
        day, month, year = int(m[1]), _MONTHS.get(m[2].lower()), int(m[3])
        if year < 100:
            year += 1900 if year > 30 else 2000
        if month:
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def parse_dateline(text: str) -> Dateline | None:
    match = _DATELINE.match(text[:200])
    if match is None:
        return None
    place = match["place"].strip()
    if len(place.split()) > 4 or not all(w[0].isupper() for w in place.split()):
        return None
    return Dateline(
        place=place,
        region=match["region"].strip() if match["region"] else None,
        date=_date(match["date"]),
        outlet=match["outlet"].strip() if match["outlet"] else None,
        start=match.start("place"),
        end=match.start("place") + len(place),
    )
