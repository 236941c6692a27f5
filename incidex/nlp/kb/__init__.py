"""The knowledge base: armed groups, outlets, GTD weapon and target classes, nationalities.

The data are versioned JSON files in this package (``groups.json``, ``outlets.json``,
``weapons.json``, ``targets.json``, ``nationalities.json``); :func:`load_kb` reads them, or the
same five files from another folder so that a user can ship their own knowledge base, checks
them and returns a :class:`KnowledgeBase` of frozen records. :func:`default_kb` is the cached
packaged one.

Look-ups by name (:meth:`KnowledgeBase.group`, :meth:`~KnowledgeBase.outlet`,
:meth:`~KnowledgeBase.nationality`) ignore case, accents, punctuation, hyphens and spaces
("ISIS K", "Isis-K" and "ISIS-K" are the same key), except for the aliases a file lists as case
sensitive ("IS", "ETA", "LeT", "Dawn", "US"): those are ordinary words in lower case and are
found in their exact case only.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ...errors import ConfigError

__all__ = [
    "FILES",
    "Group",
    "KnowledgeBase",
    "Nationality",
    "Outlet",
    "TargetClass",
    "WeaponClass",
    "default_kb",
    "load_kb",
    "longest_term",
]

FILES = ("groups.json", "outlets.json", "weapons.json", "targets.json", "nationalities.json")
# The files are data we ship or a user folder; the bound only guards against a wrong path.
_MAX_FILE_BYTES = 32 * 1024 * 1024
# Longest name a look-up considers; longer input cannot be an alias and is not normalised.
_MAX_LOOKUP_CHARS = 300
_ERROR_CODE = "E022"

GroupKind = Literal[
    "jihadist",
    "ethno-nationalist/separatist",
    "left-wing",
    "right-wing",
    "state-actor",
    "criminal",
    "other",
]
OutletKind = Literal[
    "news_agency",
    "newspaper",
    "broadcaster",
    "magazine",
    "online",
    "government_media",
    "propaganda",
    "platform",
]


# ---------------------------------------------------------------------------------------------
# Public records


@dataclass(frozen=True, slots=True)
class Group:
    """An armed organisation; ``parent`` is the canonical name of the organisation it belongs to."""

    name: str
    aliases: tuple[str, ...]
    case_sensitive_aliases: tuple[str, ...]
    parent: str | None
    kind: str
    countries: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outlet:
    """A news outlet, propaganda channel or platform; ``affiliation`` is a canonical group name."""

    name: str
    aliases: tuple[str, ...]
    kind: str
    country: str | None
    affiliation: str | None
    case_sensitive_aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WeaponClass:
    """A GTD weapon subtype, or a type (``subtype`` None) holding the generic words."""

    type: str
    type_code: int
    subtype: str | None
    subtype_code: int | None
    terms: tuple[str, ...]
    verbs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TargetClass:
    """A GTD target subtype, or a type (``subtype`` None) holding the generic words."""

    type: str
    type_code: int
    subtype: str | None
    subtype_code: int | None
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Nationality:
    """One demonym form ("Tajik", "Tajiks") of a country; ``case_sensitive`` for "US", "Pole"."""

    demonym: str
    country_code: str
    country: str
    case_sensitive: bool = False


# ---------------------------------------------------------------------------------------------
# File schemas (validated with pydantic, then turned into the frozen records above)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_Name = Field(min_length=1, max_length=200)
_Code = Field(pattern=r"^[A-Z]{2}$")


class _GroupIn(_Model):
    name: str = _Name
    aliases: list[str] = []
    case_sensitive_aliases: list[str] = []
    parent: str | None = None
    kind: GroupKind
    countries: list[str] = []
    description: str | None = None


class _OutletIn(_Model):
    name: str = _Name
    aliases: list[str] = []
    case_sensitive_aliases: list[str] = []
    kind: OutletKind
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    affiliation: str | None = None
    description: str | None = None


class _WeaponIn(_Model):
    type: str = _Name
    type_code: int = Field(ge=1)
    subtype: str | None = None
    subtype_code: int | None = Field(default=None, ge=1)
    terms: list[str] = []
    verbs: list[str] = []
    description: str | None = None


class _TargetIn(_Model):
    type: str = _Name
    type_code: int = Field(ge=1)
    subtype: str | None = None
    subtype_code: int | None = Field(default=None, ge=1)
    terms: list[str] = []
    description: str | None = None


class _NationalityIn(_Model):
    country_code: str = _Code
    country: str = _Name
    demonyms: list[str] = []
    case_sensitive_demonyms: list[str] = []


class _File(_Model):
    version: str = Field(min_length=1, max_length=50)
    description: str = ""


class _GroupsFile(_File):
    groups: list[_GroupIn]


class _OutletsFile(_File):
    outlets: list[_OutletIn]


class _WeaponsFile(_File):
    weapons: list[_WeaponIn]


class _TargetsFile(_File):
    targets: list[_TargetIn]


class _NationalitiesFile(_File):
    nationalities: list[_NationalityIn]


_F = TypeVar("_F", bound=_File)
_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------------
# Keys


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65_536)  # the extractors look up the same few names many times
def _key(text: str) -> str:
    """Case-, accent-, punctuation- and space-insensitive key: 'ISIS-K' -> 'isisk'."""
    return "".join(ch for ch in _strip_accents(text).casefold() if ch.isalnum())


@lru_cache(maxsize=65_536)
def _exact_key(text: str) -> str:
    """Like :func:`_key` but keeps case, for the case-sensitive aliases: 'I.S.' -> 'IS'."""
    return "".join(ch for ch in _strip_accents(text) if ch.isalnum())


def _error(path: object, detail: str) -> ConfigError:
    return ConfigError(
        f"{path}: knowledge base file is not valid ({detail}).", code=_ERROR_CODE, path=str(path)
    )


# ---------------------------------------------------------------------------------------------
# The knowledge base


class KnowledgeBase:
    """Frozen KB records plus the name indexes the pipeline looks things up in."""

    def __init__(
        self,
        *,
        versions: dict[str, str],
        groups: Iterable[Group],
        outlets: Iterable[Outlet],
        weapons: Iterable[WeaponClass],
        targets: Iterable[TargetClass],
        nationalities: Iterable[Nationality],
        source: str = "<memory>",
    ) -> None:
        self.version: str = ", ".join(f"{name} {v}" for name, v in versions.items())
        self.groups: tuple[Group, ...] = tuple(groups)
        self.outlets: tuple[Outlet, ...] = tuple(outlets)
        self.weapons: tuple[WeaponClass, ...] = tuple(weapons)
        self.targets: tuple[TargetClass, ...] = tuple(targets)
        self.nationalities: tuple[Nationality, ...] = tuple(nationalities)
        self._source = source
        self._groups_by_name = {g.name: g for g in self.groups}
        self._group_index, self._group_exact = self._index(
            "groups.json",
            "group",
            ((g, g.name, g.aliases, g.case_sensitive_aliases) for g in self.groups),
        )
        self._outlet_index, self._outlet_exact = self._index(
            "outlets.json",
            "outlet",
            ((o, o.name, o.aliases, o.case_sensitive_aliases) for o in self.outlets),
        )
        self._nat_index: dict[str, Nationality] = {}
        self._nat_exact: dict[str, Nationality] = {}
        for n in self.nationalities:
            index, key = (
                (self._nat_exact, _exact_key(n.demonym))
                if n.case_sensitive
                else (self._nat_index, _key(n.demonym))
            )
            seen = index.get(key)
            if seen is not None and seen.country_code != n.country_code:
                raise self._err(
                    "nationalities.json",
                    f"demonym {n.demonym!r} is given for both {seen.country} and {n.country}",
                )
            index.setdefault(key, n)
        self._weapon_by_code = {(w.type_code, w.subtype_code): w for w in self.weapons}
        self._target_by_code = {(t.type_code, t.subtype_code): t for t in self.targets}
        self._check()

    # -- construction helpers ---------------------------------------------------------------

    def _err(self, file: str, detail: str) -> ConfigError:
        return _error(f"{self._source}/{file}", detail)

    def _index(
        self,
        file: str,
        what: str,
        entries: Iterable[tuple[_T, str, tuple[str, ...], tuple[str, ...]]],
    ) -> tuple[dict[str, _T], dict[str, _T]]:
        """Alias indexes; an alias that names two different entries is an error."""
        entries = list(entries)
        loose: dict[str, tuple[_T, str]] = {}
        exact: dict[str, tuple[_T, str]] = {}
        for entry, name, aliases, case_sensitive in entries:
            # A canonical name listed as case sensitive ("Dawn") is matched in exact case only.
            cs_keys = {_exact_key(a) for a in case_sensitive}
            for alias in (name, *aliases):
                if _exact_key(alias) in cs_keys:
                    continue
                key = _key(alias)
                if not key:
                    raise self._err(file, f"{what} {name!r} has an empty alias {alias!r}")
                seen = loose.get(key)
                if seen is not None and seen[0] is not entry:
                    raise self._err(
                        file,
                        f"alias {alias!r} names two {what}s: {seen[1]!r} and {name!r}",
                    )
                loose[key] = (entry, name)
        # Second pass, once every loose key is known: an exact alias whose lower-case form is
        # another entry's loose alias would be shadowed by it.
        for entry, name, _aliases, case_sensitive in entries:
            for alias in case_sensitive:
                key = _exact_key(alias)
                if not key:
                    raise self._err(file, f"{what} {name!r} has an empty alias {alias!r}")
                seen = exact.get(key) or loose.get(key.casefold())
                if seen is not None and seen[0] is not entry:
                    raise self._err(
                        file,
                        f"alias {alias!r} names two {what}s: {seen[1]!r} and {name!r}",
                    )
                exact[key] = (entry, name)
        return {k: v[0] for k, v in loose.items()}, {k: v[0] for k, v in exact.items()}

    def _check(self) -> None:
        if len(self._groups_by_name) != len(self.groups):
            raise self._err("groups.json", "a group name is listed twice")
        for g in self.groups:
            if g.parent is not None and g.parent not in self._groups_by_name:
                raise self._err(
                    "groups.json",
                    f"group {g.name!r} has parent {g.parent!r}, which is not a group name "
                    "(a parent must be the canonical name of another group)",
                )
            self._chain(g.name)  # raises on a cycle
        for o in self.outlets:
            if o.affiliation is not None and o.affiliation not in self._groups_by_name:
                raise self._err(
                    "outlets.json",
                    f"outlet {o.name!r} has affiliation {o.affiliation!r}, "
                    "which is not a group name",
                )
        self._check_terms(
            "weapons.json", ((w, w.terms) for w in self.weapons), self._weapon_by_code
        )
        self._check_terms(
            "targets.json", ((t, t.terms) for t in self.targets), self._target_by_code
        )

    def _check_terms(
        self,
        file: str,
        entries: Iterable[tuple[WeaponClass | TargetClass, tuple[str, ...]]],
        by_code: dict[tuple[int, int | None], WeaponClass]
        | dict[tuple[int, int | None], TargetClass],
    ) -> None:
        entries = list(entries)
        if len(by_code) != len(entries):
            raise self._err(file, "a (type_code, subtype_code) pair is listed twice")
        seen: dict[str, WeaponClass | TargetClass] = {}
        for entry, terms in entries:
            for term in terms:
                key = term.strip().lower()
                if not key:
                    raise self._err(file, f"empty term under {_label(entry)}")
                other = seen.setdefault(key, entry)
                if other is not entry:
                    raise self._err(
                        file, f"term {term!r} is listed under {_label(other)} and {_label(entry)}"
                    )

    def _chain(self, name: str) -> list[str]:
        chain: list[str] = []
        group = self._groups_by_name.get(name)
        while group is not None and group.parent is not None:
            if group.parent in chain or group.parent == name:
                raise self._err("groups.json", f"the parents of {name!r} form a cycle")
            chain.append(group.parent)
            group = self._groups_by_name.get(group.parent)
        return chain

    # -- look-ups -------------------------------------------------------------------------------

    def group(self, alias: str) -> Group | None:
        """The group an alias names: case/punctuation-insensitive; case-sensitive aliases exact."""
        return _lookup(alias, self._group_index, self._group_exact)

    def ancestors(self, name: str) -> list[str]:
        """Canonical names of the parent chain, nearest first; [] for unknown names."""
        group = self._groups_by_name.get(name) or self.group(name)
        return self._chain(group.name) if group is not None else []

    def outlet(self, alias: str) -> Outlet | None:
        """The outlet an alias names (same rules as :meth:`group`)."""
        return _lookup(alias, self._outlet_index, self._outlet_exact)

    def nationality(self, word: str) -> Nationality | None:
        """The country a demonym ("Tajik", "Salvadoreans") names, or None."""
        return _lookup(word, self._nat_index, self._nat_exact)

    def weapon_class(self, type_code: int, subtype_code: int | None = None) -> WeaponClass | None:
        """The weapon class with these GTD codes (subtype None: the type-level entry)."""
        return self._weapon_by_code.get((type_code, subtype_code))

    def target_class(self, type_code: int, subtype_code: int | None = None) -> TargetClass | None:
        """The target class with these GTD codes (subtype None: the type-level entry)."""
        return self._target_by_code.get((type_code, subtype_code))

    # -- matcher feeds ---------------------------------------------------------------------------

    def group_terms(self) -> Iterator[tuple[str, Group, bool]]:
        """(term, group, case_sensitive) for the canonical name and every alias."""
        for g in self.groups:
            yield from _terms(g.name, g.aliases, g.case_sensitive_aliases, g)

    def outlet_terms(self) -> Iterator[tuple[str, Outlet]]:
        """(term, outlet) to match in any case; see :meth:`outlet_terms_case_sensitive`."""
        for o in self.outlets:
            for term, outlet, case in _terms(o.name, o.aliases, o.case_sensitive_aliases, o):
                if not case:
                    yield term, outlet

    def outlet_terms_case_sensitive(self) -> Iterator[tuple[str, Outlet]]:
        """(term, outlet) to match in exact case only ("AP", "Dawn", "X")."""
        for o in self.outlets:
            for term, outlet, case in _terms(o.name, o.aliases, o.case_sensitive_aliases, o):
                if case:
                    yield term, outlet

    def nationality_terms(self) -> Iterator[tuple[str, Nationality, bool]]:
        """(demonym, nationality, case_sensitive)."""
        for n in self.nationalities:
            yield n.demonym, n, n.case_sensitive

    def weapon_terms(self) -> Iterator[tuple[str, WeaponClass]]:
        """(noun phrase, weapon class) for every term."""
        for w in self.weapons:
            for term in w.terms:
                yield term, w

    def target_terms(self) -> Iterator[tuple[str, TargetClass]]:
        """(noun phrase, target class) for every term."""
        for t in self.targets:
            for term in t.terms:
                yield term, t

    def __repr__(self) -> str:
        return (
            f"KnowledgeBase({self.version}; {len(self.groups)} groups, "
            f"{len(self.outlets)} outlets, "
            f"{len(self.weapons)} weapon and {len(self.targets)} target classes, "
            f"{len(self.nationalities)} demonyms)"
        )


def _label(entry: WeaponClass | TargetClass) -> str:
    return f"{entry.type} / {entry.subtype}" if entry.subtype else entry.type


def _terms(
    name: str, aliases: tuple[str, ...], case_sensitive: tuple[str, ...], entry: _T
) -> Iterator[tuple[str, _T, bool]]:
    cs = set(case_sensitive)
    if name not in cs:
        yield name, entry, False
    for alias in aliases:
        if alias not in cs:
            yield alias, entry, False
    for alias in case_sensitive:
        yield alias, entry, True


def longest_term(text: str, index: dict[str, _T], max_words: int = 6) -> _T | None:
    """The entry of the longest term of ``index`` (lower-cased phrases, as ``target_terms``
    and ``weapon_terms`` give them) among the words of ``text``, the rightmost of equal
    length: English heads come last ("the police station of the town" -> "police station")."""
    words = text.lower().split()
    for size in range(min(len(words), max_words), 0, -1):
        for start in range(len(words) - size, -1, -1):
            found = index.get(" ".join(words[start : start + size]))
            if found is not None:
                return found
    return None


def _lookup(text: str, loose: dict[str, _T], exact: dict[str, _T]) -> _T | None:
    if not text or len(text) > _MAX_LOOKUP_CHARS:
        return None
    found = loose.get(_key(text))
    if found is not None:
        return found
    return exact.get(_exact_key(text))


# ---------------------------------------------------------------------------------------------
# Loading


def _read(folder: Traversable, file: str, model: type[_F], source: str) -> _F:
    where = f"{source}/{file}"
    item = folder.joinpath(file)
    if not item.is_file():
        raise _error(
            where,
            "file missing; a knowledge base folder needs all of "
            + ", ".join(FILES)
            + ". Copy the packaged ones from incidex/nlp/kb/ and edit them",
        )
    data = item.read_bytes()
    if len(data) > _MAX_FILE_BYTES:
        raise _error(where, f"{len(data)} bytes is over the limit of {_MAX_FILE_BYTES}")
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _error(where, f"not UTF-8 JSON: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise _error(
            where, f"{exc.error_count()} schema error(s), first at {loc}: {first['msg']}"
        ) from None


def _nationalities(file: _NationalitiesFile) -> Iterator[Nationality]:
    for entry in file.nationalities:
        for demonym in entry.demonyms:
            yield Nationality(demonym, entry.country_code, entry.country, False)
        for demonym in entry.case_sensitive_demonyms:
            yield Nationality(demonym, entry.country_code, entry.country, True)


def load_kb(directory: Path | None = None) -> KnowledgeBase:
    """Load and check the packaged KB, or the five KB files in ``directory``.

    Raises :class:`~incidex.errors.ConfigError` naming the file and the problem: a missing
    file, bad JSON, a schema error, an alias naming two groups (or outlets), a parent or an
    affiliation that is not a group, a term listed under two classes.
    """
    if directory is None:
        folder: Traversable = resources.files(__name__)
        source = "incidex/nlp/kb"
    else:
        path = Path(directory)
        if not path.is_dir():
            raise ConfigError(
                f"{path}: no such knowledge base folder.", code=_ERROR_CODE, path=str(path)
            )
        folder, source = path, str(path)
    groups = _read(folder, "groups.json", _GroupsFile, source)
    outlets = _read(folder, "outlets.json", _OutletsFile, source)
    weapons = _read(folder, "weapons.json", _WeaponsFile, source)
    targets = _read(folder, "targets.json", _TargetsFile, source)
    nationalities = _read(folder, "nationalities.json", _NationalitiesFile, source)
    return KnowledgeBase(
        versions={
            "groups": groups.version,
            "outlets": outlets.version,
            "weapons": weapons.version,
            "targets": targets.version,
            "nationalities": nationalities.version,
        },
        groups=(
            Group(
                g.name,
                tuple(g.aliases),
                tuple(g.case_sensitive_aliases),
                g.parent,
                g.kind,
                tuple(g.countries),
            )
            for g in groups.groups
        ),
        outlets=(
            Outlet(
                o.name,
                tuple(o.aliases),
                o.kind,
                o.country,
                o.affiliation,
                tuple(o.case_sensitive_aliases),
            )
            for o in outlets.outlets
        ),
        weapons=(
            WeaponClass(
                w.type, w.type_code, w.subtype, w.subtype_code, tuple(w.terms), tuple(w.verbs)
            )
            for w in weapons.weapons
        ),
        targets=(
            TargetClass(t.type, t.type_code, t.subtype, t.subtype_code, tuple(t.terms))
            for t in targets.targets
        ),
        nationalities=_nationalities(nationalities),
        source=source,
    )


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The packaged knowledge base, loaded once."""
    return load_kb()
