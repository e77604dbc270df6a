"""The registry's rows and the registry itself: `Portal`, `NationalSource`, `Registry`, and their errors.

Why apart from the parser (`crawler.registry_parse`) and the file API (`crawler.registry`): every crawl
and report holds these typed, frozen rows, while only loading a file needs the validating parser.
`crawler.registry` re-exports every public name, so callers import from there.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from core.families import CMS_FAMILIES
from core.registry_schema import COLUMNS
from core.vntext import fold

LEVELS: tuple[str, ...] = ("province", "department", "district", "commune")
#: Row kinds (`kind` column; empty = "portal"). A `national_index` row is a national source that
#: publishes figures per province (the National Public Service Portal's 766 index): it is not a unit's
#: portal, so no discovery spider visits it and no unit report counts it; only its own spider reads it,
#: and only its row's hosts are allowed to that spider (`NationalSource.allowed_hosts`).
KINDS: tuple[str, ...] = ("portal", "national_index")
#: Columns a `national_index` row must leave empty: they describe a unit's portal (its level, family,
#: place in the hierarchy and discovery URLs), which a national source does not have.
NATIONAL_EMPTY_COLUMNS: tuple[str, ...] = (
    "level", "province", "parent", "cms", "feeds", "sitemaps", "listings", "registers", "unit_code",
)

#: Ids starting with this are made by `for_url` for ad-hoc crawls; the file may not use them.
ADHOC_PREFIX = "adhoc-"

# Prefixes a person may type before a province name: "tỉnh Tuyên Quang", "TP. Hồ Chí Minh".
_PROVINCE_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp\.?)\s+")


# --------------------------------------------------------------------------------------------- errors
class RegistryError(Exception):
    """One problem in a registry file, located by file, physical line and column.

    `path` and `line` are None when the problem is not in a file (e.g. a bad URL given to `for_url`);
    `field` is None when the problem is the row itself (wrong number of cells).
    """

    def __init__(self, message: str, *, path: str | os.PathLike[str] | None = None,
                 line: int | None = None, field: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts: list[str] = []
        if self.path is not None:
            loc = display_path(self.path)
            parts.append(f"{loc}:{self.line}" if self.line is not None else loc)
        if self.field is not None:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)

    def __reduce__(self):  # keep errors picklable (crawls run in worker processes)
        return (_rebuild_error, (self.message, self.path, self.line, self.field))


def _rebuild_error(message: str, path: Path | None, line: int | None, field: str | None) -> RegistryError:
    return RegistryError(message, path=path, line=line, field=field)


class RegistryInvalid(RegistryError):
    """A registry refused whole: `.errors` lists every problem found, in file order.

    It is itself a `RegistryError` (located at the first problem) so callers need catch only one type.
    """

    def __init__(self, errors: Sequence[RegistryError]) -> None:
        if not errors:
            raise ValueError("RegistryInvalid needs at least one error")
        self.errors: tuple[RegistryError, ...] = tuple(errors)
        first = self.errors[0]
        super().__init__(first.message, path=first.path, line=first.line, field=first.field)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)

    def __reduce__(self):
        return (RegistryInvalid, (self.errors,))


class UnknownPortalError(LookupError):
    """Asked for portal ids the registry does not have (never silently dropped from a selection)."""

    def __init__(self, ids: Sequence[str]) -> None:
        self.ids = tuple(ids)
        super().__init__(f"unknown portal id(s): {', '.join(self.ids)}")


def display_path(path: Path) -> str:
    """Path relative to the working directory when under it: `crawler/data/portals.csv`, as people type it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


# --------------------------------------------------------------------------------------------- Portal
@dataclass(frozen=True)
class Portal:
    """One registry row, parsed: multi-valued cells are tuples, relative paths are absolute URLs.

    `level` is one of LEVELS for every registry row; it is None only for ad-hoc portals made by
    `for_url` (`adhoc=True`), whose level nobody has established. `line` is the row's first physical
    line in its file (None for ad-hoc portals); it is excluded from equality.
    """

    id: str
    name: str
    level: str | None
    province: str
    base_url: str
    cms: str
    parent: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    registers: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    widget_url: str | None = None
    unit_code: str | None = None
    unverified: bool = False
    notes: str = ""
    adhoc: bool = False
    line: int | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.level is None and not self.adhoc:
            raise ValueError(f"portal {self.id!r}: level may be None only for ad-hoc portals")
        if self.level is not None and self.level not in LEVELS:
            raise ValueError(f"portal {self.id!r}: unknown level {self.level!r}")
        if self.cms not in CMS_FAMILIES:
            raise ValueError(f"portal {self.id!r}: unknown cms family {self.cms!r}")

    def widget_url_on(self, day: dt.date) -> str | None:
        """The widget URL for a crawl observing `day`: a one-door API often takes the period in its
        query ("getthongketoantinh?nam=2026"), so the registry writes it as a placeholder
        (``{year}``, ``{month}``, ``{date}``) instead of a value that goes stale on 1 January."""
        if not self.widget_url:
            return None
        return self.widget_url.format(year=f"{day.year:04d}", month=f"{day.month:02d}", date=day.isoformat())

    @property
    def host(self) -> str:
        """Host of base_url, lower-case, without port: the portal's main identity on the network."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """Every host a crawl of this portal may contact, base host first, no duplicates.

        The base_url host, the `hosts` column (former/new domains, one-door API, file storage) and the
        hosts of every feed, sitemap, listing, register and the widget URL: listing a URL in the row
        is itself the statement that its host belongs to the portal.
        """
        seen: dict[str, None] = {}
        candidates: list[str] = [self.host, *self.hosts]
        for url in (*self.feeds, *self.sitemaps, *self.listings, *self.registers,
                    *((self.widget_url,) if self.widget_url else ())):
            candidates.append(urlsplit(url).hostname or "")
        for h in candidates:
            if h:
                seen.setdefault(h.lower(), None)
        return tuple(seen)

    def to_row(self) -> dict[str, str]:
        """The row as CSV cell strings, in COLUMNS order (URLs written absolute, `unverified` as "1"/"")."""
        return {
            "id": self.id,
            "name": self.name,
            "level": self.level or "",
            "province": self.province,
            "parent": self.parent or "",
            "base_url": self.base_url,
            "cms": self.cms,
            "feeds": "|".join(self.feeds),
            "sitemaps": "|".join(self.sitemaps),
            "listings": "|".join(self.listings),
            "registers": "|".join(self.registers),
            "hosts": "|".join(self.hosts),
            "widget_url": self.widget_url or "",
            "unit_code": self.unit_code or "",
            "unverified": "1" if self.unverified else "",
            "notes": self.notes,
            "kind": "",
        }


@dataclass(frozen=True)
class NationalSource:
    """A registry row of kind `national_index`: a national portal publishing figures per province.

    Why a type of its own rather than a Portal: it has no level, province, family or discovery URLs,
    and every consumer of `Registry.portals` (discovery spiders, unit reports, `units sync`) means the
    units' own portals. `widget_url` is where its figures are read (the index API); empty means the
    spider's default path on base_url.
    """

    id: str
    name: str
    base_url: str
    hosts: tuple[str, ...] = ()
    widget_url: str | None = None
    unverified: bool = False
    notes: str = ""
    kind: str = "national_index"
    line: int | None = field(default=None, compare=False)

    @property
    def host(self) -> str:
        """Host of base_url, lower-case, without port."""
        return urlsplit(self.base_url).hostname or ""

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """The hosts its spider may contact: base host, the `hosts` column, the widget_url host."""
        seen: dict[str, None] = {}
        for h in (self.host, *self.hosts, urlsplit(self.widget_url).hostname if self.widget_url else ""):
            if h:
                seen.setdefault(h.lower(), None)
        return tuple(seen)

    def to_row(self) -> dict[str, str]:
        """The row as CSV cell strings, in COLUMNS order."""
        row = dict.fromkeys(COLUMNS, "")
        row.update(id=self.id, name=self.name, base_url=self.base_url, hosts="|".join(self.hosts),
                   widget_url=self.widget_url or "", unverified="1" if self.unverified else "",
                   notes=self.notes, kind=self.kind)
        return row


# --------------------------------------------------------------------------------------------- Registry
class Registry:
    """An ordered, validated set of portals with lookups used by the CLI, spiders and simulator."""

    def __init__(self, portals: Iterable[Portal], path: Path | None = None,
                 national: Iterable[NationalSource] = ()) -> None:
        self.portals: tuple[Portal, ...] = tuple(portals)
        #: rows of kind `national_index` (never among `portals`: see NationalSource)
        self.national: tuple[NationalSource, ...] = tuple(national)
        self.path = path
        self._by_id: dict[str, Portal] = {}
        for p in self.portals:
            if p.id in self._by_id:
                raise ValueError(f"duplicate portal id {p.id!r}")
            self._by_id[p.id] = p
        self._national_ids = {s.id for s in self.national}
        if self._national_ids & set(self._by_id):
            raise ValueError(f"id used by a portal and a national source: {sorted(self._national_ids & set(self._by_id))}")

    def national_sources(self, ids: Iterable[str] | None = None) -> list[NationalSource]:
        """National sources in registry order: all, or those whose id is in `ids` (other ids ignored:
        a crawl's `--source` list names portals and national sources together)."""
        if ids is None:
            return list(self.national)
        wanted = set(ids)
        return [s for s in self.national if s.id in wanted]

    def __len__(self) -> int:
        return len(self.portals)

    def __iter__(self) -> Iterator[Portal]:
        return iter(self.portals)

    def __contains__(self, portal_id: object) -> bool:
        return portal_id in self._by_id

    def __getitem__(self, portal_id: str) -> Portal:
        try:
            return self._by_id[portal_id]
        except KeyError:
            raise UnknownPortalError([portal_id]) from None

    def __repr__(self) -> str:
        return f"Registry({len(self.portals)} portals, path={str(self.path) if self.path else None!r})"

    def get(self, portal_id: str) -> Portal | None:
        """The portal with this id, or None (use `registry[id]` to raise instead)."""
        return self._by_id.get(portal_id)

    def hosts_of(self, portal_id: str) -> tuple[str, ...]:
        """`allowed_hosts` of one portal; raises UnknownPortalError for an unknown id."""
        return self[portal_id].allowed_hosts

    def ancestors(self, portal: Portal) -> tuple[Portal, ...]:
        """Parent, grandparent, … of `portal` (nearest first); the validator guarantees no cycle."""
        chain: list[Portal] = []
        current = portal
        while current.parent and current.parent in self._by_id and len(chain) <= len(self.portals):
            current = self._by_id[current.parent]
            chain.append(current)
        return tuple(chain)

    def select(self, ids: Iterable[str] | None = None, province: str | None = None,
               level: str | None = None) -> list[Portal]:
        """Portals matching every given criterion, in registry order.

        - `ids`: exact ids; any unknown id raises UnknownPortalError rather than shrinking the crawl.
        - `province`: diacritics-, case- and prefix-insensitive ("tuyen quang", "tỉnh Tuyên Quang").
          A portal matches on its own province *or an ancestor's*: a pre-2025 Hải Dương commune whose
          parent is p-haiphong is found under both "Hải Dương" (as registered) and "Hải Phòng" (now).
        - `level`: one of LEVELS (ValueError otherwise).
        """
        chosen: list[Portal] = list(self.portals)
        if ids is not None:
            wanted = list(dict.fromkeys(ids))
            missing = [i for i in wanted if i not in self._by_id and i not in self._national_ids]
            if missing:
                raise UnknownPortalError(missing)
            wanted_set = set(wanted)
            chosen = [p for p in chosen if p.id in wanted_set]
        if level is not None:
            if level not in LEVELS:
                raise ValueError(f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
            chosen = [p for p in chosen if p.level == level]
        if province is not None:
            key = province_key(province)
            chosen = [p for p in chosen
                      if any(province_key(q.province) == key for q in (p, *self.ancestors(p)))]
        return chosen


def province_key(name: str) -> str:
    """Matching key of a province name: folded, with a leading "tỉnh"/"thành phố"/"TP." removed.

    The look-alike "Ð" (U+00D0, eth), which some keyboards and legacy fonts produce for "Đ", is read
    as "d" too, so "Ðiện Biên" typed that way still matches.
    """
    return _PROVINCE_PREFIX.sub("", fold(name.replace("\u00d0", "D").replace("\u00f0", "d")))


