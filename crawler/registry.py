"""The portal registry: loads and validates `crawler/data/portals.csv` into typed, frozen `Portal` rows.

Why this module is strict: every crawl decides *which hosts it may contact* from the registry
(`Portal.allowed_hosts`), and later issues count coverage per unit from it. A row that is half
right (a typo in `level`, a URL with a space) would silently narrow a crawl or skew a count, so a
registry with any malformed row is refused whole, and every problem is reported at once with the
file, the physical line (comment lines counted) and the column, so a person can fix the file in
one pass. Schema: docs/ARCHITECTURE.md and docs/REGISTRY.md.

Only `core` and the stdlib-only address guard `crawler.guard` are imported (see the dependency table
in docs/ARCHITECTURE.md): a row naming a loopback, private, link-local or metadata address, in any
form the C resolver reads (`2130706433`, `0x7f000001`, `127.1`, …), is refused here, so neither a
registry file, `cchc sources add` nor `cchc crawl --url` can aim a crawl at the local network.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core.families import CMS_FAMILIES
from core.registry_schema import COLUMNS, MULTI_COLUMNS, REQUIRED_COLUMNS, URL_LIST_COLUMNS
from core.vntext import fold, nfc
from crawler.guard import host_problem

__all__ = [
    "ADHOC_PREFIX",
    "CMS_FAMILIES",
    "COLUMNS",
    "DEFAULT_REGISTRY_PATH",
    "KINDS",
    "LEVELS",
    "MULTI_COLUMNS",
    "NationalSource",
    "REQUIRED_COLUMNS",
    "Portal",
    "Registry",
    "RegistryError",
    "RegistryInvalid",
    "UnknownPortalError",
    "for_url",
    "load_registry",
    "parse_registry",
    "registry_files",
    "registry_to_csv",
    "validate_file",
    "validate_text",
]

DEFAULT_REGISTRY_PATH: Path = Path(__file__).resolve().parent / "data" / "portals.csv"


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

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_DIGITS = re.compile(r"^[0-9]+$")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
#: placeholders a widget_url may carry, filled from the crawl's observed date
WIDGET_PLACEHOLDERS = frozenset({"year", "month", "date"})
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
            loc = _display_path(self.path)
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


def _display_path(path: Path) -> str:
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


# --------------------------------------------------------------------------------------------- parsing
class _Lines:
    """Feeds physical lines to csv.reader, skipping comment and blank lines *between* records and
    remembering the physical line number where each record starts (quoted cells may span lines)."""

    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)
        self._next = 0            # index of the next physical line
        self.record_start = 0     # 1-based line number of the current record's first line
        self._between = True

    def begin_record(self) -> None:
        self._between = True

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        while self._next < len(self._lines):
            line = self._lines[self._next]
            self._next += 1
            if self._between:
                stripped = line.strip()
                if not stripped or stripped.startswith("#"):
                    continue
                self._between = False
                self.record_start = self._next
            return line
        raise StopIteration


class _CsvSyntaxError(Exception):
    """csv.Error located at the physical line where the broken record starts."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) for every CSV record that is not a comment or blank line."""
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    while True:
        lines.begin_record()
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _CsvSyntaxError(lines.record_start or 1, str(exc)) from None
        yield lines.record_start, cells


def _check_url(url: str) -> str | None:
    """Why `url` is not an acceptable absolute http(s) URL, or None when it is."""
    if any(ch.isspace() for ch in url):
        return "contains whitespace"
    if "\\" in url:
        return "contains a backslash (read as '/' by browsers and Scrapy, so the host is not what it seems)"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        return f"malformed ({exc})"
    if parts.scheme not in ("http", "https"):
        return "scheme must be http or https"
    if not parts.hostname:
        return "no host"
    internal = host_problem(parts.hostname)
    if internal:
        return f"internal address, never crawled: {internal}"
    if not _HOST.match(parts.hostname):
        return f"bad host '{parts.hostname}'"
    return None


_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


#: Free-text columns where a line break or tab is content (a quoted multi-line cell).
_MULTILINE_COLUMNS = frozenset({"notes"})


def _control_problem(cell: str, multiline: bool = False) -> str | None:
    """Why a cell cannot be kept: a NUL, a line break or another control character would truncate
    or split the value wherever it is shown or logged (C strings, log lines, one-line CSV exports,
    HTTP requests built from a URL). Free-text notes may hold line breaks and tabs, never a NUL."""
    for ch in cell:
        if ch == "\x00":
            return "contains a NUL character"
        if multiline and ch in _LINE_BREAKS | {"\t"}:
            continue
        if ch in _LINE_BREAKS:
            return "contains a line break"
        if unicodedata.category(ch) == "Cc":
            return f"contains the control character U+{ord(ch):04X}"
    return None


def _split_multi(cell: str) -> list[str]:
    return [item.strip() for item in cell.split("|") if item.strip()]


def _parse(text: str, path: Path) -> tuple[list[Portal | NationalSource], list[RegistryError]]:
    """Parse and validate registry text; returns the portals and every problem found (file order)."""
    errors: list[RegistryError] = []

    def err(line: int, fld: str | None, message: str) -> None:
        errors.append(RegistryError(message, path=path, line=line, field=fld))

    records = _records(text)
    try:
        first = next(records, None)
    except _CsvSyntaxError as exc:
        return [], [RegistryError(f"malformed CSV: {exc}", path=path, line=exc.line)]
    if first is None:
        return [], [RegistryError("no header row", path=path, line=1)]
    header_line, header = first
    header = [h.strip() for h in header]
    columns: list[str] = []
    for name in header:
        if name not in COLUMNS:
            err(header_line, name, f"unknown column '{name}' (expected columns: {', '.join(COLUMNS)})")
        elif name in columns:
            err(header_line, name, f"duplicate column '{name}'")
        columns.append(name)
    missing_cols = [c for c in REQUIRED_COLUMNS if c not in header]
    for c in missing_cols:
        err(header_line, c, f"missing required column '{c}'")

    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for line, cells in records:
            if len(cells) != len(header):
                err(line, None, f"row has {len(cells)} cells, header has {len(header)}")
                continue
            row: dict[str, str] = {}
            for name, cell in zip(header, cells):
                if name in COLUMNS and name not in row:
                    row[name] = nfc(cell.strip())
            rows.append((line, row))
    except _CsvSyntaxError as exc:
        # A broken quote makes the rest of the file unreadable; report the record where it started.
        err(exc.line, None, f"malformed CSV: {exc}")

    known_ids = {row.get("id", "") for _, row in rows}
    national_ids = frozenset(row.get("id", "") for _, row in rows if row.get("kind") == "national_index")
    first_line_of: dict[str, int] = {}
    portals: list[Portal | NationalSource] = []
    parents: dict[str, tuple[int, str]] = {}
    for line, row in rows:
        portal = _parse_row(line, row, known_ids, first_line_of, missing_cols, err, national_ids)
        if portal is not None:
            portals.append(portal)
            if isinstance(portal, Portal) and portal.parent:
                parents[portal.id] = (line, portal.parent)

    # Parent chains must end: a cycle would make "which province is this in" unanswerable.
    for pid, (line, _) in parents.items():
        seen = {pid}
        current = pid
        while current in parents:
            current = parents[current][1]
            if current in seen:
                err(line, "parent", f"parent chain of '{pid}' loops back to '{current}'")
                break
            seen.add(current)

    # File order, then column order within a line, so the report reads like the file.
    order = {c: i for i, c in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e.line or 0, order.get(e.field or "", -1 if e.field is None else len(order))))
    return portals, errors


def _parse_row(line: int, row: dict[str, str], known_ids: set[str], first_line_of: dict[str, int],
               missing_cols: list[str], err: Callable[[int, str | None, str], None],
               national_ids: frozenset[str] = frozenset()) -> Portal | NationalSource | None:
    """Validate one row (reporting through `err`) and build its Portal (or NationalSource, for a row of
    kind `national_index`) when it has no problem."""
    problems = 0

    def bad(fld: str | None, message: str) -> None:
        nonlocal problems
        problems += 1
        err(line, fld, message)

    kind = row.get("kind", "") or "portal"
    national = kind == "national_index"
    if kind not in KINDS:
        bad("kind", f"unknown row kind '{kind}' (expected one of {', '.join(KINDS)}, or empty for a portal)")
    # an unknown kind is reported once: the portal-only requirements would only repeat the typo
    for c in (REQUIRED_COLUMNS if kind == "portal" else ("id", "name", "base_url")):
        if c not in missing_cols and not row.get(c):
            bad(c, "missing required field")
    if national:
        for c in NATIONAL_EMPTY_COLUMNS:
            if row.get(c):
                bad(c, f"a national_index row has no {c} (it is a national source, not a unit's portal): leave it empty")
    for c, cell in row.items():
        why = _control_problem(cell, multiline=c in _MULTILINE_COLUMNS)
        if why:
            bad(c, why)
            row[c] = ""  # reported once here; the field's own checks would only repeat it

    pid = row.get("id", "")
    if pid:
        if not _SLUG.match(pid):
            bad("id", f"'{pid}' is not a slug (lower-case letters, digits, single hyphens)")
        elif pid.startswith(ADHOC_PREFIX):
            bad("id", f"'{pid}': ids starting with '{ADHOC_PREFIX}' are reserved for ad-hoc crawls")
        if pid in first_line_of:
            bad("id", f"duplicate id '{pid}' (first on line {first_line_of[pid]})")
        else:
            first_line_of[pid] = line

    level = row.get("level", "")
    if level and level not in LEVELS:
        bad("level", f"unknown level '{level}' (expected one of {', '.join(LEVELS)})")

    cms = row.get("cms", "")
    if cms and cms not in CMS_FAMILIES:
        bad("cms", f"unknown cms family '{cms}' (expected one of {', '.join(CMS_FAMILIES)})")

    parent = row.get("parent", "") or None
    if parent is not None:
        if parent == pid:
            bad("parent", f"'{parent}' is the row's own id")
        elif parent not in known_ids:
            bad("parent", f"unknown parent id '{parent}'")
        elif parent in national_ids:
            bad("parent", f"'{parent}' is a national source, not a portal; a portal's parent is a portal")

    base_url = row.get("base_url", "")
    base_ok = False
    if base_url:
        why = _check_url(base_url)
        if why:
            bad("base_url", f"bad URL '{base_url}' ({why})")
        else:
            base_ok = True

    def resolve(fld: str, item: str) -> str | None:
        if "://" in item:
            why = _check_url(item)
            if why:
                bad(fld, f"bad URL '{item}' ({why})")
                return None
            return item
        if item.startswith("//") or any(ch.isspace() for ch in item):
            bad(fld, f"bad URL '{item}' ({'contains whitespace' if item[:2] != '//' else 'scheme-relative URL'})")
            return None
        if not base_ok:
            bad(fld, f"relative path '{item}' needs a valid base_url")
            return None
        absolute = urljoin(base_url, item)
        why = _check_url(absolute)
        if why:
            bad(fld, f"bad URL '{item}' ({why})")
            return None
        return absolute

    url_lists: dict[str, tuple[str, ...]] = {}
    for fld in URL_LIST_COLUMNS:
        resolved = [resolve(fld, item) for item in _split_multi(row.get(fld, ""))]
        url_lists[fld] = tuple(u for u in resolved if u)

    hosts: list[str] = []
    for item in _split_multi(row.get("hosts", "")):
        h = item.lower()
        internal = host_problem(h)
        if internal:
            bad("hosts", f"'{item}' is an internal address, never crawled: {internal}")
        elif not _HOST.match(h):
            bad("hosts", f"bad host '{item}' (expected a bare host name such as files.example.gov.vn)")
        else:
            hosts.append(h)

    widget_url = row.get("widget_url", "") or None
    if widget_url:
        unknown = sorted(set(_PLACEHOLDER.findall(widget_url)) - WIDGET_PLACEHOLDERS)
        stray = _PLACEHOLDER.sub("", widget_url)
        if unknown or "{" in stray or "}" in stray:
            bad("widget_url", f"unknown placeholder {', '.join('{' + u + '}' for u in unknown) or 'or unbalanced brace'}"
                f" in '{widget_url}' (allowed: {{year}}, {{month}}, {{date}})")
            widget_url = None
        else:
            widget_url = resolve("widget_url", widget_url)

    unit_code = row.get("unit_code", "") or None
    if unit_code and not _DIGITS.match(unit_code):
        bad("unit_code", f"expected digits (a General Statistics Office code), got '{unit_code}'")

    unverified_cell = row.get("unverified", "")
    if unverified_cell not in ("", "0", "1"):
        bad("unverified", f"expected 1, 0 or empty, got '{unverified_cell}'")

    if national and not problems and not missing_cols:
        return NationalSource(id=pid, name=row["name"], base_url=base_url, hosts=tuple(hosts), widget_url=widget_url,
                              unverified=unverified_cell == "1", notes=row.get("notes", ""), line=line)
    if problems or missing_cols:  # without a required column the row cannot be a Portal (header reported it)
        return None
    return Portal(
        id=pid, name=row["name"], level=level, province=row["province"], base_url=base_url, cms=cms,
        parent=parent, feeds=url_lists["feeds"], sitemaps=url_lists["sitemaps"],
        listings=url_lists["listings"], registers=url_lists["registers"], hosts=tuple(hosts),
        widget_url=widget_url, unit_code=unit_code, unverified=unverified_cell == "1",
        notes=row.get("notes", ""), line=line,
    )


# --------------------------------------------------------------------------------------------- public API
def _read_text(path: Path) -> str:
    """File text as UTF-8 (a BOM from spreadsheet editors is dropped); a missing file is a RegistryError."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RegistryError("no such registry file", path=path) from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=path) from None
    except OSError as exc:
        raise RegistryError(f"cannot read registry file ({exc.strerror})", path=path) from None


def validate_text(text: str, path: str | os.PathLike[str]) -> list[RegistryError]:
    """Every problem in registry `text` (reported as being in `path`); an empty list means valid."""
    return _parse(text, Path(path))[1]


def registry_files(path: str | os.PathLike[str]) -> list[Path]:
    """The CSV files a registry path names: the file itself, or every `*.csv` directly in a folder
    (sorted; hidden files skipped), e.g. the per-province candidate files `cchc sources generate`
    writes. A folder with no CSV file is an error, never an empty registry."""
    p = Path(path)
    if not p.is_dir():
        return [p]
    files = sorted(f for f in p.glob("*.csv") if f.is_file() and not f.name.startswith("."))
    if not files:
        raise RegistryError("folder holds no registry CSV file (*.csv)", path=p)
    return files


def _parse_paths(path: Path) -> tuple[list[Portal | NationalSource], list[RegistryError]]:
    """Rows and problems of a registry file or folder; an id may appear once across a folder's files."""
    rows: list[Portal | NationalSource] = []
    errors: list[RegistryError] = []
    first: dict[str, tuple[Path, int | None]] = {}
    for f in registry_files(path):
        try:
            text = _read_text(f)
        except RegistryError as exc:
            errors.append(exc)
            continue
        got, errs = _parse(text, f)
        errors.extend(errs)
        for r in got:
            if r.id in first:
                where, line = first[r.id]
                errors.append(RegistryError(f"duplicate id '{r.id}' (first in {_display_path(where)}:{line})",
                                            path=f, line=r.line, field="id"))
                continue
            first[r.id] = (f, r.line)
            rows.append(r)
    return rows, errors


def validate_file(path: str | os.PathLike[str] | None = None) -> list[RegistryError]:
    """Every problem in the registry file or folder (default: the bundled file); unreadable -> one error."""
    p = Path(path) if path is not None else DEFAULT_REGISTRY_PATH
    try:
        return _parse_paths(p)[1]
    except RegistryError as exc:
        return [exc]


def parse_registry(text: str, path: str | os.PathLike[str] = "<registry>") -> Registry:
    """Registry from CSV text; raises RegistryInvalid listing every problem (nothing half-loaded)."""
    p = Path(path)
    rows, errors = _parse(text, p)
    if errors:
        raise RegistryInvalid(errors)
    return Registry([r for r in rows if isinstance(r, Portal)], path=p,
                    national=[r for r in rows if isinstance(r, NationalSource)])


def load_registry(path: str | os.PathLike[str] | None = None) -> Registry:
    """Load and validate a registry file or a folder of them (default: the bundled crawler/data/portals.csv).

    Raises RegistryError (a RegistryInvalid with `.errors` when the content is malformed); a registry
    is either loaded whole or not at all.
    """
    p = Path(path) if path is not None else DEFAULT_REGISTRY_PATH
    if not p.is_dir():
        return parse_registry(_read_text(p), p)
    rows, errors = _parse_paths(p)
    if errors:
        raise RegistryInvalid(errors)
    return Registry([r for r in rows if isinstance(r, Portal)], path=p,
                    national=[r for r in rows if isinstance(r, NationalSource)])


def registry_to_csv(portals: Iterable[Portal | NationalSource], header_comment: str | None = None) -> str:
    """CSV text of `portals` in the bundled file's format (for generated registries, e.g. benchmarks);
    given a whole Registry, its national sources follow its portals."""
    if isinstance(portals, Registry):
        portals = [*portals.portals, *portals.national]
    out = io.StringIO()
    if header_comment:
        for line in header_comment.splitlines():
            out.write(f"# {line}\n" if line else "#\n")
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for p in portals:
        writer.writerow(p.to_row())
    return out.getvalue()


def for_url(url: str) -> Portal:
    """A Portal for an ad-hoc crawl (`cchc crawl --url URL`) of a site that is not in the registry.

    Nothing about such a site is known beforehand, so: id `adhoc-<host with dots as hyphens>`
    (a prefix the registry file may not use, so it never collides), name = host, level None (the only
    place level may be None; `adhoc=True` marks it), province "", cms "unknown" (spiders detect the
    family from the pages), base_url = the URL as given (with "/" when it has no path): the crawl
    starts where the user pointed. Its allowed_hosts is just that host; the site spider adds the
    widget and file hosts the pages themselves point to, and records each.
    """
    url = url.strip()
    why = _check_url(url)
    if why:
        raise RegistryError(f"bad URL '{url}' ({why})", field="url")
    parts = urlsplit(url)
    host = parts.hostname or ""
    base = url if parts.path else parts._replace(path="/").geturl()
    return Portal(
        id=ADHOC_PREFIX + host.replace(".", "-"), name=host, level=None, province="", base_url=base,
        cms="unknown", notes=f"ad-hoc crawl of {url}", adhoc=True,
    )
