"""``cchc export KIND``: every stored record of one kind as JSON lines or CSV (the machine-readable contract).

The export only reads: it opens the database read-only, never creates a missing SQLite file and
never migrates the schema (an older database is reported with the ``cchc db upgrade`` command to run).
``--out`` is checked before the database is opened and the file appears only when complete
(`cli.output`).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.db import DB_OPTION_HELP, storage_errors_exit_2
from cli.output import open_out
from storage import Store
from storage.exports import FORMATS, KINDS


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; csv: a header row, then one row a record.")
@click.option("--out", "out_path", default=None, metavar="FILE",
              help="Write to FILE instead of standard output (its folder must exist and be writable).")
@storage_errors_exit_2
def export_cmd(kind: str, db_url: str | None, fmt: str, out_path: str | None) -> None:
    """Export documents, widgets, runs or portals: one row per stored record, in a fixed order."""
    store = Store.open(db_url, read_only=True)
    try:
        if out_path is None:
            count = store.export(kind, fmt, sys.stdout)
        else:
            with open_out(Path(out_path)) as out:
                count = store.export(kind, fmt, out)
            click.echo(f"{count} {kind} written to {out_path}", err=True)
    finally:
        store.close()


COMMANDS = [export_cmd]
