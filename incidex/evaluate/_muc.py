"""Readers for the raw MUC-3/MUC-4 corpus: the message files and the answer keys.

Message files (``dev/dev-muc3-0001-0100``, ``tst1/tst1-muc3``, ``tst2/tst2-muc4``) hold many
upper-case messages, each opening with its id line (``DEV-MUC3-0001 (NOSC)``). The head of a
message, up to and including the first ``[TEXT]``, ``[SUMMARY]``, ``[EXCERPT]`` or
``[EXCERPTS]`` tag (``dev/text-headers-info``), is kept apart from the body as ``header``; its
dateline (``PLACE, DD MMM YY (SOURCE) --``) is parsed too.

Answer keys (``key-dev-*.muc4``, ``key-tst1.v7``, ``key-tst2.v4``) follow
``taskdoc/template-doc-part1.v7``: 25 numbered slots per template, one fill per line with
continuation lines indented, ``/`` between alternatives, a leading ``?`` for an optional fill,
``FILL: "REF"`` cross references, ``"..."`` text strings (``\\"`` escapes a quote), ``-`` for
null, ``*`` for inapplicable, ``N (OPTIONAL)`` for an optional template and ``*`` in MESSAGE:
TEMPLATE for an irrelevant message. ``;`` lines are annotator comments. The reader is lenient
with the few typos in the keys (an unterminated quote ends at the end of the line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from incidex.evaluate._common import _error, _read_text

__all__ = [
    "MUC_SLOT_NAMES",
    "MucDate",
    "MucFill",
    "MucKeyTemplate",
    "MucLocation",
    "MucMessage",
    "MucPlace",
    "MucSlot",
    "read_muc_keys",
    "read_muc_messages",
]

MUC_SLOT_NAMES: tuple[str, ...] = (
    "MESSAGE: ID",
    "MESSAGE: TEMPLATE",
    "INCIDENT: DATE",
    "INCIDENT: LOCATION",
    "INCIDENT: TYPE",
    "INCIDENT: STAGE OF EXECUTION",
    "INCIDENT: INSTRUMENT ID",
    "INCIDENT: INSTRUMENT TYPE",
    "PERP: INCIDENT CATEGORY",
    "PERP: INDIVIDUAL ID",
    "PERP: ORGANIZATION ID",
    "PERP: ORGANIZATION CONFIDENCE",
    "PHYS TGT: ID",
    "PHYS TGT: TYPE",
    "PHYS TGT: NUMBER",
    "PHYS TGT: FOREIGN NATION",
    "PHYS TGT: EFFECT OF INCIDENT",
    "PHYS TGT: TOTAL NUMBER",
    "HUM TGT: NAME",
    "HUM TGT: DESCRIPTION",
    "HUM TGT: TYPE",
    "HUM TGT: NUMBER",
    "HUM TGT: FOREIGN NATION",
    "HUM TGT: EFFECT OF INCIDENT",
    "HUM TGT: TOTAL NUMBER",
)

_MAX_FILL_CHARS = 4000  # a key line longer than this is not a MUC key
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    )
}
_ID_LINE = re.compile(r"^((?:DEV|TST\d)-MUC\d-\d{4})[ \t]*(?:\(([^()\n]{0,200})\))?[ \t]*$", re.M)
_GENERAL_TAG = re.compile(r"\[(?:TEXT|SUMMARY|EXCERPTS?)\]")
# Bounded groups keep this linear; the date is free text ("18 APRIL 89", "JUNE 11 89").
_DATELINE = re.compile(
    r"^(?P<place>[^,\n]{1,120}),\s*(?P<date>[^(\n]{1,40}?)"
    r"\s*(?:\((?P<source>[^()\n]{1,120})\))?\s*--"
)
_DATE = re.compile(r"^(\d{1,2}) ([A-Z]{3})[A-Z]* (\d{2})$")


# -- messages ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MucMessage:
    """One MUC message: ``header`` is the dateline and bracketed head, ``text`` the body."""

    docid: str
    header: str
    text: str
    id_note: str | None = None  # "(NOSC)" on the id line
    dateline_place: str | None = None
    dateline_date: str | None = None  # as written: "3 JAN 90", "NO DATE"
    dateline_source: str | None = None

    @property
    def date(self) -> dt.date | None:
        """The dateline date, when it has a year."""
        return _parse_day(self.dateline_date or "")


def _parse_day(text: str) -> dt.date | None:
    match = _DATE.match(" ".join(text.upper().split()))
    if not match or match.group(2) not in _MONTHS:
        return None
    day, month, year = int(match.group(1)), _MONTHS[match.group(2)], 1900 + int(match.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _files(path: Path, *, keys: bool) -> list[Path]:
    if path.is_dir():
        found = sorted(
            p
            for p in path.iterdir()
            if p.is_file() and p.name.startswith("key-") == keys and "muc" in p.name.lower()
        )
        if not found:
            kind = "answer-key" if keys else "message"
            raise _error(path, f"no MUC {kind} files in this folder")
        return found
    if not path.exists():
        raise _error(path, "no such file or folder")
    return [path]


def read_muc_messages(path: str | Path) -> Iterator[MucMessage]:
    """Messages of a MUC message file, or of every message file in a folder (``dev/``)."""
    for file in _files(Path(path), keys=False):
        text = _read_text(file)
        matches = list(_ID_LINE.finditer(text))
        if not matches:
            raise _error(file, "no message id line such as 'DEV-MUC3-0001'")
        for k, match in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            yield _make_message(match.group(1), match.group(2), text[match.end() : end])


def _make_message(docid: str, note: str | None, body: str) -> MucMessage:
    tag = _GENERAL_TAG.search(body)
    if tag is not None:
        header, rest = body[: tag.end()], body[tag.end() :]
    else:  # no head tags: the dateline alone is the header
        cut = body.find("--")
        header, rest = (body[: cut + 2], body[cut + 2 :]) if cut >= 0 else ("", body)
    header = " ".join(header.split())
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", rest)]
    text = "\n\n".join(p for p in paragraphs if p)
    place = date = source = None
    dateline = _DATELINE.match(header)
    if dateline is not None:
        place = dateline.group("place").strip()
        date = " ".join(dateline.group("date").split())
        source = dateline.group("source")
    return MucMessage(docid, header, text, note, place, date, source)


# -- key records ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MucFill:
    """One filler line of a slot: its alternatives, cross-reference alternatives, flags."""

    values: tuple[str, ...]  # alternatives ("/"), without quotes, upper case
    refs: tuple[str, ...] = ()  # alternatives of the cross reference after ":"
    optional: bool = False  # "?": leaving it out is also correct
    quoted: bool = False  # a text string rather than a set fill or number
    raw: str = ""


@dataclass(frozen=True, slots=True)
class MucSlot:
    """A slot of a key template; ``fills`` is empty unless ``status`` is "filled"."""

    number: int
    name: str
    status: Literal["filled", "null", "inapplicable"]
    fills: tuple[MucFill, ...] = ()
    raw: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MucPlace:
    """A named place of a location fill, with its type(s): ``SAN SALVADOR (CITY)``."""

    name: str
    types: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MucLocation:
    """One alternative of a location fill: the country, then levels of increasing
    specificity; a level holds two places when the incident was between them."""

    country: str
    levels: tuple[tuple[MucPlace, ...], ...] = ()

    @property
    def places(self) -> tuple[MucPlace, ...]:
        """Every place below the country, general to specific."""
        return tuple(p for level in self.levels for p in level)


@dataclass(frozen=True, slots=True)
class MucDate:
    """A date fill: ``26 APR 89`` (start == end), ``20 APR 89 - 26 APR 89`` (a range) or
    ``- 26 APR 89`` (on or before: ``start`` is None)."""

    start: dt.date | None
    end: dt.date

    @property
    def on_or_before(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class MucKeyTemplate:
    """One answer-key template; ``slots[n]`` is slot number ``n`` (0-24)."""

    docid: str
    annotators: str | None
    template_id: int | None  # None for an irrelevant message ("*")
    optional: bool  # "(OPTIONAL)" after the template number
    slots: tuple[MucSlot, ...]
    comments: tuple[str, ...] = ()

    @property
    def relevant(self) -> bool:
        """False for the all-"*" template of an irrelevant message."""
        return self.template_id is not None

    def slot(self, key: int | str) -> MucSlot:
        """A slot by number or by name (``"INCIDENT: TYPE"``)."""
        number = key if isinstance(key, int) else MUC_SLOT_NAMES.index(key)
        return self.slots[number]

    @property
    def incident_types(self) -> tuple[str, ...]:
        """Alternatives of INCIDENT: TYPE (empty if not filled)."""
        fills = self.slots[4].fills
        return fills[0].values if fills else ()

    @property
    def dates(self) -> tuple[MucDate, ...]:
        """Parsed alternatives of INCIDENT: DATE (unparseable ones are left out)."""
        return tuple(
            d for fill in self.slots[2].fills for v in fill.values if (d := _parse_date(v))
        )

    @property
    def locations(self) -> tuple[MucLocation, ...]:
        """Parsed alternatives of INCIDENT: LOCATION."""
        return tuple(loc for fill in self.slots[3].fills for loc in _parse_location(fill.raw))


def _parse_date(value: str) -> MucDate | None:
    text = " ".join(value.split())
    if text.startswith("-"):
        end = _parse_day(text[1:].strip())
        return MucDate(None, end) if end else None
    if " - " in text:
        first, _, last = text.partition(" - ")
        start, end = _parse_day(first), _parse_day(last)
        return MucDate(start, end) if start and end else None
    day = _parse_day(text)
    return MucDate(day, day) if day else None


# -- key tokenizer and parser ----------------------------------------------------------

_Token = tuple[str, str]  # (kind, text); kind in "str", "bare", "/", ":", "(", ")"


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            chars: list[str] = []
            while j < n and text[j] != '"':
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                chars.append(text[j])
                j += 1
            tokens.append(("str", "".join(chars)))
            i = j + 1  # past the closing quote (or the end of a typo'd line)
        elif ch in "/:()":
            tokens.append((ch, ch))
            i += 1
        elif ch.isspace():
            i += 1
        else:
            j = i
            while j < n and text[j] not in '"/:()':
                j += 1
            tokens.append(("bare", " ".join(text[i:j].split())))
            i = j
    return tokens


def _alternatives(tokens: list[_Token], pos: int) -> tuple[list[str], bool, int]:
    """Parse ``item ("/" item)*`` from ``pos`` up to a top-level ":" or ")"; an item is a run
    of strings and bare words, or a parenthesised group of alternatives."""
    values: list[str] = []
    quoted = False
    parts: list[str] = []
    while pos < len(tokens):
        kind, text = tokens[pos]
        if kind in ("str", "bare"):
            quoted = quoted or kind == "str"
            if text:
                parts.append(text)
            pos += 1
        elif kind == "/":
            if parts:
                values.append(" ".join(parts))
            parts = []
            pos += 1
        elif kind == "(":
            inner, inner_quoted, pos = _alternatives(tokens, pos + 1)
            values.extend(inner)
            quoted = quoted or inner_quoted
            if pos < len(tokens) and tokens[pos][0] == ")":
                pos += 1
        else:  # ":" or ")"
            break
    if parts:
        values.append(" ".join(parts))
    return values, quoted, pos


def _parse_fill(line: str) -> MucFill:
    raw = line.strip()
    body = raw
    optional = body.startswith("?")
    if optional:
        body = body[1:].strip()
    tokens = _tokenize(body)
    values, quoted, pos = _alternatives(tokens, 0)
    refs: list[str] = []
    while pos < len(tokens) and tokens[pos][0] == ")":
        pos += 1  # stray closing bracket
    if pos < len(tokens) and tokens[pos][0] == ":":
        refs, _, _ = _alternatives(tokens, pos + 1)
    return MucFill(tuple(values), tuple(refs), optional, quoted, raw)


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts: list[str] = []
    depth = start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i])
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:])
    return [p.strip() for p in parts]


def _parse_location(raw: str) -> list[MucLocation]:
    text = raw.strip().lstrip("?").strip()
    if text in ("", "-", "*"):
        return []
    found: list[MucLocation] = []
    for alt in _split_top(text, "/"):
        while (
            alt.startswith("(")
            and alt.endswith(")")
            and _split_top(alt[1:-1], "/") == [alt[1:-1].strip()]
        ):
            alt = alt[1:-1].strip()
        segments = [s for s in _split_top(alt, ":") if s]
        if not segments:
            continue
        country = _place(segments[0]).name
        levels = tuple(
            tuple(_place(p) for p in _split_top(seg, " - ") if p) for seg in segments[1:]
        )
        found.append(MucLocation(country, tuple(level for level in levels if level)))
    return found


def _place(text: str) -> MucPlace:
    text = text.strip()
    open_at = text.find("(")
    if open_at <= 0:
        return MucPlace(" ".join(text.strip("()").split()))
    name = " ".join(text[:open_at].split())
    inside = text[open_at + 1 :].rstrip(")")
    types = tuple(" ".join(t.split()) for t in inside.split("/") if t.strip())
    return MucPlace(name, types)


def read_muc_keys(path: str | Path) -> Iterator[MucKeyTemplate]:
    """Templates of an answer-key file, or of every ``key-*`` file in a folder."""
    for file in _files(Path(path), keys=True):
        yield from _parse_keys(file, _read_text(file))


def _parse_keys(file: Path, text: str) -> Iterator[MucKeyTemplate]:
    current: dict[int, list[str]] | None = None
    comments: list[str] = []
    pending_comments: list[str] = []
    slot_no = -1
    for line_no, line in enumerate(text.splitlines(), start=1):
        if len(line) > _MAX_FILL_CHARS:
            raise _error(file, f"line {line_no} is longer than {_MAX_FILL_CHARS} characters")
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(";"):
            pending_comments.append(stripped.lstrip(";").strip())
            continue
        if not line[0].isspace():
            number_text, dot, rest = stripped.partition(".")
            if not dot or not number_text.isdigit() or int(number_text) >= len(MUC_SLOT_NAMES):
                raise _error(file, f"line {line_no} is not a numbered slot: {stripped[:60]!r}")
            slot_no = int(number_text)
            name = MUC_SLOT_NAMES[slot_no]
            rest = rest.strip()
            if not rest.startswith(name):
                raise _error(file, f"line {line_no}: expected slot {slot_no} to be {name!r}")
            if slot_no == 0:
                if current is not None:
                    yield _make_template(file, current, comments)
                current, comments, pending_comments = {}, pending_comments, []
            elif current is None:
                raise _error(file, f"line {line_no}: slot {slot_no} before any MESSAGE: ID")
            current[slot_no] = [rest[len(name) :].strip()]
        else:
            if current is None or slot_no < 0:
                raise _error(file, f"line {line_no}: continuation line before any slot")
            current[slot_no].append(stripped)
    if current is not None:
        yield _make_template(file, current, comments)


def _make_template(file: Path, lines: dict[int, list[str]], comments: list[str]) -> MucKeyTemplate:
    missing = [n for n in range(len(MUC_SLOT_NAMES)) if n not in lines]
    ident = lines[0][0] if lines.get(0) else ""
    if missing:
        raise _error(file, f"template {ident!r} lacks slots {missing}")
    docid, _, note = ident.partition(" ")
    annotators = note.strip().strip("()").strip() or None
    number_text = lines[1][0]
    optional = "OPTIONAL" in number_text
    number_text = number_text.replace("(OPTIONAL)", "").strip()
    template_id = int(number_text) if number_text.isdigit() else None
    slots = tuple(
        _make_slot(n, lines[n]) if n >= 2 else MucSlot(n, MUC_SLOT_NAMES[n], "filled", (), ())
        for n in range(len(MUC_SLOT_NAMES))
    )
    return MucKeyTemplate(docid, annotators, template_id, optional, slots, tuple(comments))


def _make_slot(number: int, lines: list[str]) -> MucSlot:
    name = MUC_SLOT_NAMES[number]
    raw = tuple(line for line in lines if line)
    if not raw or raw == ("-",):
        return MucSlot(number, name, "null", (), raw)
    if raw == ("*",):
        return MucSlot(number, name, "inapplicable", (), raw)
    kept = [line for line in raw if line not in ("-", "*")]
    if number == 3:  # locations have their own grammar (see MucKeyTemplate.locations)
        fills = tuple(
            MucFill((line.lstrip("?").strip(),), (), line.startswith("?"), False, line)
            for line in kept
        )
    else:
        fills = tuple(_parse_fill(line) for line in kept)
    return MucSlot(number, name, "filled", fills, raw)
