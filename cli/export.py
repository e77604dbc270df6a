"""``cchc export KIND``: every stored record of one kind as JSON lines or CSV (the machine-readable contract).

The export only reads: it never creates a missing SQLite file and never migrates the schema (an
older database is reported with the ``cchc db upgrade`` command to run).
"""
from __future__ import annotations

import io
import sys

import click

from cli.db import DB_OPTION_HELP, storage_errors_exit_2
from cli.params import excel_option, excel_requested, lang_option, refuse
from storage import Store
from storage.exports import FORMATS, KINDS


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--format", "fmt", type=click.Choice((*FORMATS, "xlsx")), default="jsonl", show_default=True,
              help="jsonl: one JSON object a line; csv: a header row, then one row a record; "
                   "xlsx: a workbook for people (needs --out).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to FILE instead of standard output.")
@excel_option
@lang_option
@storage_errors_exit_2
def export_cmd(kind: str, db_url: str | None, fmt: str, out_path: str | None) -> None:
    """Export documents, widgets, runs or portals: one row per stored record, in a fixed order."""
    if excel_requested() and fmt != "csv":
        refuse(f"--excel applies to --format csv (CSV for Excel), not to --format {fmt}")
    if fmt == "xlsx" and out_path is None:
        refuse("--format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)")
    store = Store.open(db_url, upgrade=False, create=False)
    try:
        if fmt == "xlsx" or (fmt == "csv" and excel_requested()):
            _export_for_people(store, kind, fmt, out_path)
        elif out_path is None:
            count = store.export(kind, fmt, sys.stdout)
        else:
            with open(out_path, "w", encoding="utf-8", newline="") as out:
                count = store.export(kind, fmt, out)
            click.echo(f"{count} {kind} written to {out_path}", err=True)
    finally:
        store.close()


def _export_for_people(store: Store, kind: str, fmt: str, out_path: str | None) -> None:
    """xlsx (labelled, typed cells in --lang) or CSV for Excel (the CSV contract with a BOM and CRLF)."""
    from reports.formatting import current_lang
    from reports.xlsx import export_csv_for_excel, export_workbook

    if fmt == "xlsx":
        count = export_workbook(store.engine, kind, str(out_path), current_lang())
    elif out_path is None:
        out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8-sig", newline="", write_through=True)
        count = export_csv_for_excel(store.engine, kind, out)
        out.flush()
        out.detach()
        return
    else:
        with open(out_path, "w", encoding="utf-8-sig", newline="") as fh:
            count = export_csv_for_excel(store.engine, kind, fh)
    click.echo(f"{count} {kind} written to {out_path}", err=True)


COMMANDS = [export_cmd]
