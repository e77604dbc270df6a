"""`cchc sources list|validate|add|detect`: read, check and extend the portal registry from the command line.

`add` exists so that a person never has to hand-edit quoting in the CSV; it runs the very same
validator as `validate` over the file *with* the new row, so a row that `add` accepts is a row
that every later `load_registry()` accepts, and a refused row leaves the file byte-identical.
`detect` fetches portals' pages through the crawl's own guarded downloads and says which CMS family
they match, so a row's `cms` is checked rather than guessed.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import click

from cli.params import LEVEL
from core.paths import registry_to_read, user_registry_path
from crawler.registry import (
    CMS_FAMILIES,
    COLUMNS,
    DEFAULT_REGISTRY_PATH,
    LEVELS,
    NationalSource,
    Portal,
    Registry,
    RegistryError,
    RegistryInvalid,
    UnknownPortalError,
    load_registry,
    validate_file,
    validate_text,
)

_FILE_OPTION = click.option(
    "--file", "--registry", "file_", type=click.Path(path_type=Path), default=None,
    help="Registry CSV, or a folder of them such as the candidates `sources generate` writes, to read (default: $CCHC_REGISTRY, else your own registry if `sources add` made one, "
         "else the bundled crawler/data/portals.csv).",
)
_ADD_FILE_OPTION = click.option(
    "--file", "file_", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Your registry CSV to add to (default: $CCHC_REGISTRY, else portals.csv in $CCHC_DATA_DIR or "
         "~/.local/share/cchc-watch, started as a copy of the bundled registry). Never the bundled file.",
)


def _reading_path(file_: Path | None) -> Path:
    """The registry a reading command uses: --file, else the user's own (core.paths), else the bundled one."""
    return file_ if file_ is not None else registry_to_read() or DEFAULT_REGISTRY_PATH


def _load_or_exit(path: Path | None) -> Registry:
    """Load the registry, or print every problem and exit 1 (no traceback for a data error)."""
    try:
        return load_registry(path)
    except RegistryInvalid as exc:
        for e in exc.errors:
            click.echo(str(e), err=True)
        click.echo(f"registry refused: {len(exc.errors)} error(s)", err=True)
        raise SystemExit(1) from None
    except RegistryError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None


@click.group("sources")
def sources_group() -> None:
    """The portal registry: list, validate, add portals."""


# --------------------------------------------------------------------------------------------- list
def _portal_json(p: Portal) -> dict[str, object]:
    return {
        "id": p.id, "name": p.name, "level": p.level, "province": p.province, "parent": p.parent,
        "base_url": p.base_url, "host": p.host, "cms": p.cms,
        "feeds": list(p.feeds), "sitemaps": list(p.sitemaps), "listings": list(p.listings),
        "registers": list(p.registers), "hosts": list(p.hosts), "widget_url": p.widget_url,
        "unit_code": p.unit_code, "unverified": p.unverified, "notes": p.notes,
        "allowed_hosts": list(p.allowed_hosts), "kind": "portal",
    }


def _national_json(s: NationalSource) -> dict[str, object]:
    """A national source in the portal JSON shape (portal-only fields null or empty), kind last."""
    return {
        "id": s.id, "name": s.name, "level": None, "province": "", "parent": None, "base_url": s.base_url,
        "host": s.host, "cms": None, "feeds": [], "sitemaps": [], "listings": [], "registers": [],
        "hosts": list(s.hosts), "widget_url": s.widget_url, "unit_code": None, "unverified": s.unverified,
        "notes": s.notes, "allowed_hosts": list(s.allowed_hosts), "kind": s.kind,
    }


def _table(portals: list[Portal]) -> str:
    headers = ("id", "level", "province", "cms", "host", "unverified")
    rows = [(p.id, p.level or "", p.province, p.cms, p.host, "yes" if p.unverified else "")
            for p in portals]
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in (headers, *rows)]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@sources_group.command("list")
@click.option("--province", default=None, help='Province name, diacritics-insensitive ("tuyen quang").')
@click.option("--level", type=LEVEL, default=None, help="Only portals of this level (tỉnh, sở, huyện, xã/phường; xa…).")
@click.option("--format", "fmt", type=click.Choice(("table", "json", "csv")), default="table",
              show_default=True, help="Output format.")
@_FILE_OPTION
def list_cmd(province: str | None, level: str | None, fmt: str, file_: Path | None) -> None:
    """List registry portals (a province matches its own rows and rows under them by parent)."""
    registry = _load_or_exit(_reading_path(file_))
    try:
        portals = registry.select(province=province, level=level)
    except (UnknownPortalError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    # national sources belong to no province or level: listed only when the list is not filtered
    national = registry.national_sources() if province is None and level is None else []
    if fmt == "json":
        click.echo(json.dumps([*(_portal_json(p) for p in portals), *(_national_json(s) for s in national)],
                              ensure_ascii=False, indent=2))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        sources: list[Portal | NationalSource] = [*portals, *national]
        for source in sources:
            writer.writerow(source.to_row())
        click.echo(out.getvalue(), nl=False)
    else:
        click.echo(_table(portals))
        if national:
            click.echo("\nNational sources (kind national_index):")
            for s in national:
                click.echo(f"  {s.id}  {s.name}  {s.widget_url or s.base_url}  allowed hosts: {', '.join(s.allowed_hosts)}")
        click.echo(f"{len(portals)} portal(s)" + (f", {len(national)} national source(s)" if national else ""))


# --------------------------------------------------------------------------------------------- validate
@sources_group.command("validate")
@_FILE_OPTION
def validate_cmd(file_: Path | None) -> None:
    """Check the registry; print "OK: N portals" or every problem (exit 1)."""
    path = _reading_path(file_)
    errors = validate_file(path)
    if errors:
        for e in errors:
            click.echo(str(e))
        click.echo(f"FAILED: {len(errors)} error(s)")
        raise SystemExit(1)
    registry = load_registry(path)
    # every portal must link to exactly one administrative unit (or department) that still exists
    unit_messages = _unit_messages(registry)
    unit_errors = [m for m in unit_messages if m.startswith("error:")]
    for m in unit_messages:
        click.echo(m)
    if unit_errors:
        click.echo(f"FAILED: {len(unit_errors)} portal(s) without exactly one unit")
        raise SystemExit(1)
    click.echo(f"OK: {len(registry)} portals" + (f", {len(registry.national)} national source(s)" if registry.national else ""))


def _unit_messages(registry: Registry) -> list[str]:
    """`units.check_portal_units`, except that a department row naming exactly an agency of the standard
    post-2025 list and its current province (as `sources generate` writes them) is linked to that list:
    the curated units file lists only the departments a person has checked, and a candidate for another
    one is not an error but a guess the probe will confirm."""
    from core.vntext import fold
    from crawler.candidates import standard_department_names
    from units.portals import portal_unit_issues
    from units.resolve import default_catalog

    standard: dict[tuple[str, str], str] | None = None
    out: list[str] = []
    for issue in portal_unit_issues(registry, default_catalog()):
        portal = registry.get(issue.portal_id) if issue.severity == "error" else None
        if portal is not None and portal.level == "department" and not portal.unit_code:
            standard = standard if standard is not None else standard_department_names()
            code = standard.get((fold(portal.province), fold(portal.name)))
            if code is not None:
                out.append(f"notice: {portal.id}: department {code} of the standard post-2025 list "
                           "(crawler/data/departments_standard.csv), not in the curated units file")
                continue
        out.append(str(issue))
    return out


def read_registry_bytes(path: Path, *, starting: bool = False) -> tuple[bytes, str]:
    """The bytes and text of a registry a command writes to (the bundled one's when `starting` a
    user's copy); a missing, unreadable or non-UTF-8 file is a usage error."""
    source = DEFAULT_REGISTRY_PATH if starting else path
    try:
        raw = source.read_bytes()
        return raw, raw.decode("utf-8-sig")
    except FileNotFoundError:
        raise click.UsageError(f"no such registry file: {path}") from None
    except OSError as exc:
        raise click.UsageError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise click.UsageError(f"{path} is not UTF-8 text") from None


def append_rows(path: Path, rows: list[dict[str, str]], *, starting: bool = False) -> int:
    """Append registry rows to a human registry, the one write path of `sources add` and `sources
    review`: the file must validate before, and with the rows; otherwise every problem is printed, the
    command exits 1 and the file is byte-identical. Returns the line of the first new row."""
    raw, text = read_registry_bytes(path, starting=starting)
    existing = validate_text(text, path)
    if existing:
        for e in existing:
            click.echo(str(e), err=True)
        click.echo(f"refused: {path} already has {len(existing)} error(s); fix them first", err=True)
        raise SystemExit(1)
    header = _header_of(text)
    if header is None:  # validate_text would have reported it; kept for the type checker
        raise click.UsageError(f"{path} has no header row")
    dropped = sorted({c for cells in rows for c in COLUMNS if cells.get(c) and c not in header})
    if dropped:
        raise click.UsageError(f"{path} has no column(s) {', '.join(dropped)}; add them to its header first")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for cells in rows:
        writer.writerow([cells.get(c, "") for c in header])
    sep = "" if text.endswith("\n") or not text else "\n"
    added = sep + out.getvalue()
    new_text = text + added
    errors = validate_text(new_text, path)
    if errors:
        for e in errors:
            click.echo(str(e), err=True)
        click.echo(f"refused: {len(errors)} error(s); {path} left unchanged", err=True)
        raise SystemExit(1)
    try:
        _atomic_write(path, raw + added.encode("utf-8"))  # the bytes as they were, a BOM kept
    except OSError as exc:
        click.echo(f"error: cannot write {path}: {exc.strerror}; file left unchanged", err=True)
        raise SystemExit(1) from None
    return len(text.splitlines()) + 1


# --------------------------------------------------------------------------------------------- add
def _multi(values: tuple[str, ...]) -> str:
    """Repeated options and `a|b` values both work: `--feeds /rss --feeds /atom` or `--feeds '/rss|/atom'`."""
    items: list[str] = []
    for v in values:
        items.extend(x.strip() for x in v.split("|") if x.strip())
    return "|".join(items)


def _header_of(text: str) -> list[str] | None:
    """The file's header columns (first line that is not a comment or blank), to write the row in that order."""
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return [c.strip() for c in next(csv.reader([line]))]
    return None


def _atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same directory and os.replace, so readers never see half a file."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@sources_group.command("add")
@click.option("--id", "id_", required=True, help="Stable slug, e.g. d-snv-dienbien.")
@click.option("--name", required=True, help='Unit as it names itself ("Sở Nội vụ tỉnh Điện Biên").')
@click.option("--level", type=LEVEL, required=True, help=f"One of: {', '.join(LEVELS)} (or tỉnh, sở, huyện, xã…).")
@click.option("--province", required=True, help="Province as constituted when the portal is registered.")
@click.option("--base-url", required=True, help="http(s)://host/ of the home page.")
@click.option("--cms", required=True, help=f"One of: {', '.join(CMS_FAMILIES)}.")
@click.option("--parent", default="", help="Id of the parent portal's row.")
@click.option("--feeds", multiple=True, help="Feed URL or path on base_url (repeatable, or a|b).")
@click.option("--sitemaps", multiple=True, help="Sitemap URL or path (repeatable).")
@click.option("--listings", multiple=True, help="CCHC category listing URL or path (repeatable).")
@click.option("--registers", multiple=True, help="Document-register URL or path (repeatable).")
@click.option("--hosts", multiple=True, help="Other host the portal uses (repeatable).")
@click.option("--widget-url", default="", help="Where the TTHC widget is read when not on the home page.")
@click.option("--unit-code", default="", help="General Statistics Office code of the unit.")
@click.option("--unverified", is_flag=True, help="The hostname is a best guess, not confirmed.")
@click.option("--notes", default="", help="Free text.")
@_ADD_FILE_OPTION
def add_cmd(id_: str, name: str, level: str, province: str, base_url: str, cms: str, parent: str,
            feeds: tuple[str, ...], sitemaps: tuple[str, ...], listings: tuple[str, ...],
            registers: tuple[str, ...], hosts: tuple[str, ...], widget_url: str, unit_code: str,
            unverified: bool, notes: str, file_: Path | None) -> None:
    """Append one portal to your own registry; refused (file unchanged) if the file with the new row
    would not validate.

    Never into the bundled registry: it belongs to the installed package (read-only for its users,
    replaced by the next upgrade). Without --file the row goes to your registry (core.paths), which
    the first `add` starts as a copy of the bundled one, so crawls that read it still see every portal.
    """
    path = file_ if file_ is not None else user_registry_path()
    if _same_file(path, DEFAULT_REGISTRY_PATH):
        click.echo(f"error: {path} is the registry bundled with the package and is read-only; add to your own "
                   f"registry (--file PATH, or $CCHC_REGISTRY; default {user_registry_path()})", err=True)
        raise SystemExit(2)
    starting = file_ is None and not path.exists()
    cells = {
        "id": id_, "name": name, "level": level, "province": province, "parent": parent,
        "base_url": base_url, "cms": cms, "feeds": _multi(feeds), "sitemaps": _multi(sitemaps),
        "listings": _multi(listings), "registers": _multi(registers), "hosts": _multi(hosts),
        "widget_url": widget_url, "unit_code": unit_code, "unverified": "1" if unverified else "",
        "notes": notes,
    }
    line_no = append_rows(path, [cells], starting=starting)
    if starting:
        click.echo(f"note: started your registry {path} as a copy of the bundled one; crawls read it by default",
                   err=True)
    click.echo(f"added {id_} at {path}:{line_no}")


def _same_file(a: Path, b: Path) -> bool:
    """True when `a` names `b` (through any relative path or link)."""
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


# --------------------------------------------------------------------------------------------- detect
def _registry_row_for(registry: Registry | None, url: str) -> Portal | None:
    """The registry portal serving `url`: same host (or one of its hosts), longest base_url first."""
    if registry is None:
        return None
    host = (urlsplit(url).hostname or "").lower()
    rows = [p for p in registry if host == p.host or host in p.allowed_hosts]
    rows.sort(key=lambda p: (not url.startswith(p.base_url.rstrip("/")), -len(p.base_url)))
    return rows[0] if rows else None


def _page_text(body: bytes, headers: dict[str, str]) -> str:
    """The page as text, charset from the header, then <meta>, then detection (as Scrapy decides)."""
    from w3lib.encoding import html_to_unicode

    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    return html_to_unicode(ctype, body)[1]


@sources_group.command("detect")
@click.argument("urls", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True,
              help="Output format.")
@_FILE_OPTION
def detect_cmd(urls: tuple[str, ...], fmt: str, file_: Path | None) -> None:
    """Which CMS family each URL's page matches (or `unknown`), with the evidence; a URL that cannot
    be fetched gets an `error:` line (exit 1). Pages are fetched as a crawl fetches them."""
    from crawler.families import detect
    from crawler.fetch import FetchError, fetch_pages
    from pipelines.extract import is_waf_block

    try:
        registry: Registry | None = load_registry(_reading_path(file_))
    except RegistryError:
        registry = None  # detection does not need the registry; it only compares with it
    try:
        pages = fetch_pages(list(urls))
    except FetchError as exc:
        for url in urls:
            click.echo(f"error: {url}: cannot fetch ({exc})", err=True)
        raise SystemExit(1) from None
    results: list[dict[str, object]] = []
    failed = 0
    for url, page in zip(urls, pages):
        problem = page.error or (None if page.status is not None and page.status < 400 else f"HTTP {page.status}")
        text = "" if problem else _page_text(page.body, page.headers)
        if not problem and is_waf_block(text):
            problem = "WAF block page (status 200)"
        if problem:
            failed += 1
            click.echo(f"error: {url}: {problem}", err=True)
            results.append({"url": url, "error": problem})
            continue
        found = detect(text, page.final_url)
        row = _registry_row_for(registry, page.final_url) or _registry_row_for(registry, url)
        results.append({
            "url": url, "final_url": page.final_url, "status": page.status, "family": found.family,
            "generator": found.generator,
            "evidence": [{"family": e.family, "signature": e.label, "count": e.count, "example": e.example}
                         for e in found.evidence],
            "registry": {"id": row.id, "cms": row.cms, "agrees": row.cms == found.family} if row else None,
        })
        if fmt == "text":
            hint = f" (generator: {found.generator})" if found.generator else ""
            click.echo(f"{url}: {found.family}{hint}")
            if found.family == "unknown":
                click.echo("  no family's signatures matched" + (" clearly" if found.evidence else ""))
            for e in found.evidence:
                prefix = "" if found.family != "unknown" else f"{e.family}: "
                click.echo(f"  {prefix}{e.label} ×{e.count} (e.g. {e.example})")
            if row is not None:
                verdict = "agrees" if row.cms == found.family else "differs"
                click.echo(f"  registry: {row.id} cms={row.cms} ({verdict})")
    if fmt == "json":
        click.echo(json.dumps(results, ensure_ascii=False, indent=2))
    if failed:
        raise SystemExit(1)


COMMANDS = [sources_group]
