"""Parsing and validating registry CSV text into rows, every problem located by file, line and column.

Why apart: the parser is most of the registry's code and only loading a file needs it
(`crawler.registry` is the entry point; `crawler.registry_model` holds what the parser builds).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from core.families import CMS_FAMILIES
from core.registry_schema import COLUMNS, REQUIRED_COLUMNS, URL_LIST_COLUMNS
from core.vntext import nfc
from crawler.guard import host_problem
from crawler.registry_model import (
    ADHOC_PREFIX,
    KINDS,
    LEVELS,
    NATIONAL_EMPTY_COLUMNS,
    NationalSource,
    Portal,
    RegistryError,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_DIGITS = re.compile(r"^[0-9]+$")
_PLACEHOLDER = re.compile(r"\{(\w*)\}")
#: placeholders a widget_url may carry, filled from the crawl's observed date
WIDGET_PLACEHOLDERS = frozenset({"year", "month", "date"})


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


def check_url(url: str) -> str | None:
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


def parse_text(text: str, path: Path) -> tuple[list[Portal | NationalSource], list[RegistryError]]:
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
        why = check_url(base_url)
        if why:
            bad("base_url", f"bad URL '{base_url}' ({why})")
        else:
            base_ok = True

    def resolve(fld: str, item: str) -> str | None:
        if "://" in item:
            why = check_url(item)
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
        why = check_url(absolute)
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


