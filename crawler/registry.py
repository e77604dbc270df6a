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

Three modules, one public API (every name is importable from here): `crawler.registry_model` holds the
rows and the `Registry`, `crawler.registry_parse` the validating CSV parser, and this module the file
API (load, validate, write, ad-hoc rows). The columns and family ids are `core`'s.
"""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from core.families import CMS_FAMILIES
from core.registry_schema import COLUMNS, MULTI_COLUMNS, REQUIRED_COLUMNS
from crawler.registry_model import (
    ADHOC_PREFIX,
    KINDS,
    LEVELS,
    NationalSource,
    Portal,
    Registry,
    RegistryError,
    RegistryInvalid,
    UnknownPortalError,
    display_path,
    province_key,
)
from crawler.registry_parse import check_url, parse_text

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
    "province_key",
    "registry_files",
    "registry_to_csv",
    "validate_file",
    "validate_text",
]

DEFAULT_REGISTRY_PATH: Path = Path(__file__).resolve().parent / "data" / "portals.csv"


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
    return parse_text(text, Path(path))[1]


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
        got, errs = parse_text(text, f)
        errors.extend(errs)
        for r in got:
            if r.id in first:
                where, line = first[r.id]
                errors.append(RegistryError(f"duplicate id '{r.id}' (first in {display_path(where)}:{line})",
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
    rows, errors = parse_text(text, p)
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
    why = check_url(url)
    if why:
        raise RegistryError(f"bad URL '{url}' ({why})", field="url")
    parts = urlsplit(url)
    host = parts.hostname or ""
    base = url if parts.path else parts._replace(path="/").geturl()
    return Portal(
        id=ADHOC_PREFIX + host.replace(".", "-"), name=host, level=None, province="", base_url=base,
        cms="unknown", notes=f"ad-hoc crawl of {url}", adhoc=True,
    )
