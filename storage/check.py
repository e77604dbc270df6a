"""`cchc db check`: is this database sound? The full check a person asks for, never run implicitly.

Opening a database only makes cheap checks (the SQLite header; ``quick_check`` before a write, see
`storage.engine` and `storage.store`). This module runs the expensive, complete ones and reports
every finding instead of stopping at the first, so a person can decide whether to restore a backup:

* SQLite: the 100-byte header, ``PRAGMA integrity_check`` (every page, every index entry against its
  row), ``PRAGMA foreign_key_check``, the schema revision, and row counts per table. The file is
  opened read-only (``mode=ro``): checking never changes it.
* PostgreSQL (the server keeps pages consistent itself): a read-only connection, the schema revision,
  indexes left invalid by an interrupted ``CREATE INDEX CONCURRENTLY``, foreign keys not validated,
  and row counts per table.

A database that is not at this code's schema head is a finding too (``cchc db upgrade`` fixes an older
one), because every other command would refuse it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from storage import migrate
from storage.engine import (
    DEFAULT_BUSY_TIMEOUT_MS,
    build_engine,
    check_sqlite_file,
    display_url,
    dispose,
    resolve_url,
    sqlite_path,
)
from storage.errors import DatabaseCorruptError, StorageError

#: integrity_check stops after this many findings (SQLite's own default is 100); enough to judge.
MAX_INTEGRITY_FINDINGS = 100
#: Findings printed one a line under the summary; the rest are counted ("… and N more").
MAX_DETAIL_LINES = 20


@dataclass
class CheckReport:
    """What `check_database` found: one line per check, and the problems among them."""

    url: str
    backend: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(url: str | None = None, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> CheckReport:
    """Run every check on the database named by `url` (``CCHC_DB``, the default); never writes.

    Environment problems that prevent any check (bad URL, missing file, server down) are raised as
    `StorageError`; everything the checks find is returned in the report.
    """
    resolved = resolve_url(url, create_folder=False)
    where = display_url(resolved)
    sqlite = resolved.get_backend_name() == "sqlite"
    report = CheckReport(url=where, backend="SQLite" if sqlite else "PostgreSQL")
    if sqlite:
        path = sqlite_path(resolved)
        try:
            check_sqlite_file(path, where, read_only=True)
        except DatabaseCorruptError as exc:
            report.lines.append(("header", "DAMAGED"))
            report.problems.append(f"the file is damaged: {exc.detail}")
            return report
        report.lines.append(("header", f"ok ({path.stat().st_size:,} bytes)"))
    engine = build_engine(resolved, busy_timeout_ms=busy_timeout_ms, read_only=True)
    steps: list[tuple[str, Callable[[Connection, CheckReport], None]]]
    steps = ([("integrity_check", _sqlite_integrity), ("foreign_key_check", _sqlite_foreign_keys)] if sqlite
             else [("catalog", _postgres_catalog)])
    steps += [("schema", lambda c, r: _schema(c, r, where)), ("rows", _counts)]
    try:
        for name, step in steps:
            # Each step on its own connection, and a damaged page stops only the step that met it:
            # the report says everything that could still be read.
            try:
                with engine.connect() as conn:
                    step(conn, report)
            except DatabaseCorruptError as exc:
                report.lines.append((name, f"DAMAGED: could not finish ({exc.detail})"))
                report.problems.append(f"{name}: the file is damaged ({exc.detail})")
    except DBAPIError as exc:
        message = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        raise StorageError(f"cannot check the database {where}: {message}") from None
    finally:
        dispose(engine)
    return report


def _sqlite_integrity(conn: Connection, report: CheckReport) -> None:
    found = [str(r[0]) for r in conn.exec_driver_sql(f"PRAGMA integrity_check({MAX_INTEGRITY_FINDINGS})")]
    if found == ["ok"]:
        report.lines.append(("integrity_check", "ok"))
    else:
        report.lines.append(("integrity_check", f"{len(found)} finding(s)"))
        report.details += _capped("integrity_check", found)
        report.problems.append(f"integrity_check found {len(found)} problem(s), first: {found[0]}")


def _sqlite_foreign_keys(conn: Connection, report: CheckReport) -> None:
    fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if not fk:
        report.lines.append(("foreign_key_check", "ok"))
    else:
        per_table: dict[str, int] = {}
        for row in fk:
            per_table[str(row[0])] = per_table.get(str(row[0]), 0) + 1
        summary = ", ".join(f"{t} {n}" for t, n in sorted(per_table.items()))
        report.lines.append(("foreign_key_check", f"{len(fk)} row(s) point at missing parents ({summary})"))
        report.details += _capped("foreign_key_check (table, rowid, parent, fk)", [str(tuple(r)) for r in fk])
        report.problems.append(f"foreign_key_check found {len(fk)} row(s) pointing at missing parents ({summary})")


def _capped(label: str, findings: list[str]) -> list[str]:
    lines = [f"{label}: {f}" for f in findings[:MAX_DETAIL_LINES]]
    if len(findings) > MAX_DETAIL_LINES:
        lines.append(f"{label}: … and {len(findings) - MAX_DETAIL_LINES} more")
    return lines


def _postgres_catalog(conn: Connection, report: CheckReport) -> None:
    invalid = [r[0] for r in conn.execute(text(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND NOT i.indisvalid ORDER BY 1"))]
    report.lines.append(("indexes", "ok" if not invalid else f"invalid: {', '.join(invalid)}"))
    if invalid:
        report.problems.append(f"invalid indexes (rebuild them with REINDEX): {', '.join(invalid)}")
    unvalidated = [r[0] for r in conn.execute(text(
        "SELECT conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = current_schema() AND c.contype = 'f' AND NOT c.convalidated ORDER BY 1"))]
    report.lines.append(("foreign keys", "ok" if not unvalidated else f"not validated: {', '.join(unvalidated)}"))
    if unvalidated:
        report.problems.append(f"foreign keys not validated: {', '.join(unvalidated)}")


def _schema(conn: Connection, report: CheckReport, where: str) -> None:
    current = migrate.current_revisions(conn)
    head = migrate.head_revision()
    shown = ", ".join(current) or "(none)"
    try:
        migrate.check_known(current, where)
    except StorageError:
        report.lines.append(("schema", f"{shown}: newer than this CCHC Watch (head {head})"))
        report.problems.append(f"schema {shown} was written by a newer CCHC Watch (head {head}): upgrade CCHC Watch")
        return
    if current == (head,):
        report.lines.append(("schema", f"{shown} (head)"))
    else:
        report.lines.append(("schema", f"{shown}, head is {head}"))
        report.problems.append(f"schema {shown} is older than {head}: run `cchc db upgrade --db {where}`")


def _counts(conn: Connection, report: CheckReport) -> None:
    names = sorted(inspect(conn).get_table_names())
    for name in names:
        quoted = conn.dialect.identifier_preparer.quote(name)
        report.rows[name] = int(conn.execute(text(f"SELECT count(*) FROM {quoted}")).scalar() or 0)
    shown = ", ".join(f"{name} {count}" for name, count in report.rows.items()) or "(no table)"
    report.lines.append(("rows", shown))
    # At head every model table must be there (alerts, portal_yields, raw_fetches, blobs, index766_…:
    # the list is the models', never written out here). Behind head the schema line already says why.
    if any(key == "schema" and value.endswith("(head)") for key, value in report.lines):
        missing = sorted(set(migrate.load_models().tables) - set(names))
        if missing:
            report.lines.append(("tables", f"missing: {', '.join(missing)}"))
            report.problems.append(f"table(s) missing at schema head: {', '.join(missing)} (restore a backup)")


def report_lines(report: CheckReport) -> list[str]:
    """The report as the command prints it on standard output."""
    width = max((len(k) for k, _ in report.lines), default=0)
    out = [f"{report.url} ({report.backend})"]
    out += [f"  {key + ':':<{width + 1}} {value}" for key, value in report.lines]
    out += [f"  {line}" for line in report.details]
    return out


def summary(report: CheckReport) -> dict[str, Any]:
    """A JSON-able digest (tests and scripts)."""
    return {"url": report.url, "backend": report.backend, "ok": report.ok, "problems": list(report.problems),
            "rows": dict(report.rows)}
