"""``cchc units``: load the administrative-unit reference data (``sync``), look a unit up with its history
(``show``), resolve an issuer name as written (``resolve``) and check the registry's portal links (``check``).

Exit codes: 0 done; 1 a data answer that is "no" (unknown name or code, a portal without exactly one
unit); 2 an environment problem (database unreachable, bad URL, reference data unreadable). Never a traceback.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click
from sqlalchemy import func, inspect, select, text

from cli.db import DB_OPTION_HELP, storage_errors_exit_2
from storage import Store
from units.catalog import Unit, UnitCatalog
from units.errors import UnitError, UnitsNotLoadedError
from units.names import parse_written_name, province_key
from units.portals import describe


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


@click.group("units")
def units_group() -> None:
    """Administrative units before and after 1 July 2025: load, look up, resolve names, check portals."""


# ------------------------------------------------------------------------------------------ sync
@units_group.command("sync")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--wait", "wait_s", type=click.FloatRange(min=0), default=30.0, show_default=True, metavar="SECONDS",
              help="Seconds to wait for a crawl holding the SQLite write lock before giving up (then it is named).")
@storage_errors_exit_2
def sync_cmd(db_url: str | None, wait_s: float) -> None:
    """Load units, successions and portal links into the database (idempotent: a rerun changes nothing).

    During a crawl the sync waits for the crawl's write lock, retrying (it is one transaction, so a
    locked attempt changed nothing) for at most ``--wait`` seconds; then it names the running crawl.
    """
    from crawler.registry import load_registry
    from storage.locks import retry_while_locked
    from units.db import sync
    from units.reference import load_reference

    def attempt(busy_timeout_ms: int) -> tuple[Any, str]:
        with Store.open(db_url, busy_timeout_ms=busy_timeout_ms) as store:
            return sync(store.engine, data, registry), store.display_url

    try:
        # The database is checked first (a bad URL, a damaged file or an outdated schema needs no
        # reference data to be refused), then the reference data and registry are loaded once,
        # outside the wait: only the write waits for a crawl.
        retry_while_locked(lambda busy_timeout_ms: Store.open(db_url, busy_timeout_ms=busy_timeout_ms).close(),
                           wait_s=wait_s)
        data, registry = load_reference(), load_registry()
        report, where = retry_while_locked(attempt, wait_s=wait_s)
    except UnitError as exc:
        _fail(str(exc), 2)
    sources = ", ".join(f"{k} {v}" for k, v in sorted(report.sources.items()))
    click.echo(f"{where}: units from {sources} and curated files")
    click.echo(f"  units:        {report.totals['units']:>6} ({report.units})")
    click.echo(f"  successions:  {report.totals['successions']:>6} ({report.successions})")
    click.echo(f"  portal links: {report.totals['portal_units']:>6} ({report.portal_links}); "
               f"{report.linked_portals} of {report.portal_count} registry portals linked")
    click.echo(f"  {'changed' if report.changed else 'nothing changed'} in {report.seconds:.1f} s")
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    if report.problems:
        click.echo(f"{len(report.problems)} portal(s) not linked to a unit", err=True)
        raise SystemExit(1)


# ------------------------------------------------------------------------------------------ show
def _matches(catalog: UnitCatalog, query: str, province: str | None) -> list[Unit]:
    """Every unit a name or code designates (all versions and namesakes: `show` lists, never picks)."""
    from units.resolve import (
        _Resolver,  # the resolver's name matching, without its choosing
    )

    query = query.strip()
    found: list[Unit] = []
    if query and (query.isdigit() or catalog.by_code(query)):
        found = catalog.by_code(query)
    if not found:
        parsed = parse_written_name(query)
        if parsed.words:
            found = _Resolver(catalog).candidates_for(parsed.words, parsed.tail, parsed.unit_type, parsed.department)
            exact = [u for u in found if parsed.unit_type is not None and u.type == parsed.unit_type]
            found = exact or found
    if not query.isdigit():
        from units.resolve import prefer_spelling

        found = prefer_spelling(found, query)
    if province:
        pkey = province_key(province)
        from units.resolve import _in_province

        found = [u for u in found if _in_province(catalog, u, pkey)]
    order = {"province": 0, "department": 1, "district": 2, "commune": 3}
    return sorted(dict.fromkeys(found), key=lambda u: (order.get(u.level, 9), u.code, u.valid_from or dt.date.min))


def _unit_brief(catalog: UnitCatalog, unit: Unit) -> dict[str, Any]:
    province = catalog.province_of(unit)
    return {"name": unit.name, "full_name": unit.full_name, "code": unit.code, "level": unit.level,
            "type": unit.type, "province": province.name if province else None,
            "valid_from": _iso(unit.valid_from), "valid_to": _iso(unit.valid_to)}


def _portal_info(conn: Any, unit_ids: list[int]) -> tuple[dict[int, list[str]], dict[str, int] | None]:
    """Portals linked to the units, and documents found per portal when the documents table exists."""
    insp = inspect(conn)
    portals: dict[int, list[str]] = {}
    if not unit_ids or not insp.has_table("portal_units"):
        return portals, None
    rows = conn.execute(text("SELECT portal_id, unit_id FROM portal_units WHERE unit_id IN ("
                             + ",".join(str(int(i)) for i in unit_ids) + ") ORDER BY portal_id")).all()
    for pid, uid in rows:
        portals.setdefault(uid, []).append(pid)
    docs: dict[str, int] | None = None
    all_ids = sorted({pid for ids in portals.values() for pid in ids})
    if insp.has_table("documents") and all_ids:
        from storage.models import Document

        docs = dict(conn.execute(select(Document.portal_id, func.count()).where(Document.portal_id.in_(all_ids))
                                 .group_by(Document.portal_id)).all())
    elif insp.has_table("documents"):
        docs = {}
    return portals, docs


def _history(catalog: UnitCatalog, unit: Unit) -> tuple[list[tuple[Unit, Any]], list[tuple[Unit, Any]]]:
    """Predecessors and successors to name: units of the same level when there are any (a new commune
    lists the communes merged into it, not the abolished districts they lay in), else all of them (an
    abolished district lists the communes its territory went to)."""
    def pick(edges: list[tuple[Unit, Any]]) -> list[tuple[Unit, Any]]:
        same = [(u, e) for u, e in edges if u.level == unit.level]
        return same or edges

    return pick(catalog.predecessors_of(unit)), pick(catalog.successors_of(unit))


def _unit_json(catalog: UnitCatalog, unit: Unit, portals: list[str], docs: dict[str, int] | None) -> dict[str, Any]:
    preds, succs = _history(catalog, unit)
    parent = catalog.parent(unit)

    def with_edge(other: Unit, edge: Any) -> dict[str, Any]:
        return {**_unit_brief(catalog, other), "effective": _iso(edge.effective), "whole": edge.whole,
                "main": edge.main}

    current = [] if unit.valid_to is None else catalog.current_units(unit)
    return {
        **_unit_brief(catalog, unit),
        "predecessors": [p.name for p, _ in preds],
        "successors": [s.name for s, _ in succs],
        "parent": parent.full_name if parent else None,
        # Every succession edge, other levels included (the districts a new commune's area came from).
        "predecessor_units": [with_edge(p, e) for p, e in catalog.predecessors_of(unit)],
        "successor_units": [with_edge(s, e) for s, e in catalog.successors_of(unit)],
        "current_units": [{**_unit_brief(catalog, c.unit), "whole": c.whole} for c in current],
        "portals": portals,
        "documents": None if docs is None else sum(docs.get(p, 0) for p in portals),
    }


def _unit_text(catalog: UnitCatalog, unit: Unit, data: dict[str, Any]) -> str:
    lines = [f"{unit.full_name}  [{unit.level}, {unit.type}, code {unit.code}]"]
    province = catalog.province_of(unit)
    where = [a.full_name for a in catalog.ancestors(unit)]
    if province is not None and province is not unit and province.full_name not in where:
        where.append(province.full_name)
    if where:
        lines.append(f"  in:           {', '.join(where)}")
    lines.append(f"  valid:        {unit.valid_from or 'start not recorded'} to {unit.valid_to or 'today (current)'}")

    def edge_text(other: Unit, edge: Any, direction: str) -> str:
        share = "whole" if edge.whole else ("main part" if edge.main else "in part")
        return f"{describe(other, catalog)} — {direction} {edge.effective}, {share}"

    preds, succs = _history(catalog, unit)
    lines.append(f"  predecessors: {'none' if not preds else ''}")
    lines[-1] = lines[-1].rstrip()
    lines += [f"    {edge_text(p, e, 'merged in')}" for p, e in preds]
    lines.append(f"  successors:   {'none' if not succs else ''}".rstrip())
    lines += [f"    {edge_text(s, e, 'became part of it')}" for s, e in succs]
    if data["current_units"]:
        lines.append("  now part of:  " + "; ".join(
            f"{c['full_name']} ({c['code']}, {c['province']}){'' if c['whole'] else ' in part'}"
            for c in data["current_units"]))
    lines.append(f"  portals:      {', '.join(data['portals']) or 'none in the registry'}")
    if data["documents"] is not None:
        lines.append(f"  documents:    {data['documents']} found")
    return "\n".join(lines)


@units_group.command("show")
@click.argument("query", metavar="NAME|CODE")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--province", default=None, help="Only units in this province (as then, or as now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@storage_errors_exit_2
def show_cmd(query: str, db_url: str | None, province: str | None, fmt: str) -> None:
    """Show a unit with its province, predecessors, successors, portals and documents found.

    A name or code that designates several units (namesakes, or one code reused over time) lists them all.
    """
    from units.db import load_catalog

    with Store.open(db_url, read_only=True) as store:
        try:
            with store.engine.connect() as conn:
                catalog = load_catalog(conn)
                found = _matches(catalog, query, province)
                if not found:
                    _fail(f"no unit matches {query!r}{' in ' + province if province else ''} "
                          "(a name such as \"xã Ngọc Liên\" or a code such as 10903)")
                portals, docs = _portal_info(conn, [u.id for u in found if u.id is not None])
        except UnitsNotLoadedError as exc:
            _fail(str(exc))
    data = [_unit_json(catalog, u, portals.get(u.id or -1, []), docs) for u in found]
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if len(found) > 1:
        click.echo(f"{len(found)} units match {query!r}:\n")
    click.echo("\n\n".join(_unit_text(catalog, u, d) for u, d in zip(found, data, strict=True)))


# --------------------------------------------------------------------------------------- resolve
@units_group.command("resolve")
@click.argument("name")
@click.option("--province", default=None, help="The page's province (narrows namesakes).")
@click.option("--at", "at", default=None, callback=_parse_date, metavar="DATE", help="The document's date.")
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Resolve against this database's units (default: the bundled reference data).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@storage_errors_exit_2
def resolve_cmd(name: str, province: str | None, at: dt.date | None, db_url: str | None, fmt: str) -> None:
    """Resolve an issuer as written ("UBND xã Ngọc Liên", "Sở LĐTBXH tỉnh Điện Biên"); exit 1 unless one unit fits."""
    from units.resolve import Resolved, default_catalog, resolve_issuer

    try:
        if db_url:
            from units.db import load_catalog

            with Store.open(db_url, read_only=True) as store:
                catalog = load_catalog(store.engine)
        else:
            catalog = default_catalog()
    except UnitError as exc:
        _fail(str(exc), 2 if not isinstance(exc, UnitsNotLoadedError) else 1)
    result = resolve_issuer(name, context_province=province, at=at, catalog=catalog)
    units = [result.unit] if isinstance(result, Resolved) else list(result.candidates)
    if fmt == "json":
        click.echo(json.dumps({
            "name_as_written": name, "status": type(result).__name__.lower(), "organ": result.organ,
            "reason": getattr(result, "reason", None),
            "units": [_unit_brief(catalog, u) for u in units],
            "current_units": ([_unit_brief(catalog, c.unit) for c in catalog.current_units(result.unit)]
                              if isinstance(result, Resolved) else []),
        }, ensure_ascii=False, indent=2))
    elif isinstance(result, Resolved):
        click.echo(f"{describe(result.unit, catalog)}" + (f"  [organ: {result.organ}]" if result.organ else ""))
        for note in result.notes:
            click.echo(f"  note: {note}")
        if result.unit.valid_to is not None:
            for c in catalog.current_units(result.unit):
                click.echo(f"  now: {describe(c.unit, catalog)}{'' if c.whole else ' (in part)'}")
    else:
        click.echo(f"{type(result).__name__.lower()}: {result.reason}", err=True)
        for u in units:
            click.echo(f"  candidate: {describe(u, catalog)}")
    if not isinstance(result, Resolved):
        raise SystemExit(1)


# ----------------------------------------------------------------------------------------- check
@units_group.command("check")
@click.option("--db", "db_url", default=None, metavar="URL",
              help="Check against this database's units (default: the bundled reference data).")
@click.option("--file", "file_", default=None, metavar="PATH", help="Registry file (default: the bundled one).")
@storage_errors_exit_2
def check_cmd(db_url: str | None, file_: str | None) -> None:
    """Check every registry portal's unit: errors (no single unit) exit 1; notices name successors."""
    from crawler.registry import RegistryError, load_registry
    from units.checks import check_portal_units

    try:
        registry = load_registry(file_)
    except RegistryError as exc:
        _fail(str(exc), 1)
    try:
        if db_url:
            with Store.open(db_url, read_only=True) as store:
                messages = check_portal_units(registry, store.engine)
        else:
            messages = check_portal_units(registry)
    except UnitError as exc:
        _fail(str(exc), 1 if isinstance(exc, UnitsNotLoadedError) else 2)
    for message in messages:
        click.echo(message)
    errors = sum(1 for m in messages if m.startswith("error:"))
    click.echo(f"{'FAILED' if errors else 'OK'}: {len(registry)} portals, {errors} without a unit, "
               f"{len(messages) - errors} notice(s)")
    if errors:
        raise SystemExit(1)


COMMANDS = [units_group]
