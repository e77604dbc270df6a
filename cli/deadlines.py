"""``cchc deadlines import|template|list``: plan-issuing deadlines entered from a spreadsheet.

Staff keep each province's deadlines (set by a letter of the UBND tỉnh or the Sở Nội vụ) in Excel; this
command validates such a sheet cell by cell and stores it in the user's configuration folder
(reports/deadlines.py says where and why), where `cchc report compliance` and `cchc report scorecard`
read it over the bundled reports/data/deadlines.yaml. A bad sheet changes nothing and gives one
``error: FILE: row R, column 'C': 'value' why`` line (every problem of the sheet in that line), exit 2.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from cli.db import DB_OPTION_HELP
from cli.params import BOM, excel_option, excel_requested, lang_option
from cli.report import report_errors_exit_2
from reports.base import ReportError

LIST_KEYS = ("province", "level", "year", "kind", "deadline", "source", "origin")


@click.group("deadlines")
def deadlines_group() -> None:
    """Plan-issuing deadlines from a spreadsheet (province, level, year, kind, deadline)."""


@deadlines_group.command("template")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="FILE.xlsx (with drop-down lists and a help sheet) or FILE.csv.")
@lang_option
@report_errors_exit_2
def template_cmd(out_path: str) -> None:
    """Write an empty sheet to fill: columns province, level, year, kind, deadline, source."""
    from reports.deadlines import write_template
    from reports.formatting import current_lang

    path = write_template(out_path, current_lang())
    click.echo(f"template written to {path}", err=True)


@deadlines_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", "db_url", default=None, metavar="URL",
              help=DB_OPTION_HELP + " Used only to check province names (read-only); without it, the registry's.")
@report_errors_exit_2
def import_cmd(file: str, db_url: str | None) -> None:
    """Validate FILE (.xlsx or .csv) and store its deadlines in your configuration folder; a row for a
    province, level, year and kind already stored replaces it."""
    from reports.deadlines import (
        known_provinces,
        load_user_entries,
        merge,
        parse_sheet,
        save_user_entries,
    )

    if not Path(file).exists():
        raise ReportError(f"{file}: no such file")
    if db_url:
        from reports.base import open_store

        with open_store(db_url) as store:
            provinces = known_provinces(store.engine)
    else:
        provinces = known_provinces()
    entries = parse_sheet(file, provinces)
    stored = load_user_entries()
    path = save_user_entries(merge(stored, entries))
    click.echo(f"{len(entries)} deadline(s) imported from {file} into {path}")


@deadlines_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--deadlines", "config_path", type=click.Path(dir_okay=False), default=None,
              help="The bundled configuration to list under yours (default: reports/data/deadlines.yaml).")
@lang_option
@excel_option
@report_errors_exit_2
def list_cmd(fmt: str, config_path: str | None) -> None:
    """Every deadline the reports use: yours (imported) first, then the bundled ones; where yours are kept."""
    from reports.compliance import load_config
    from reports.deadlines import user_deadlines_path
    from reports.formatting import (
        Column,
        Table,
        current_lang,
        dumps_json,
        render_text,
        write_csv,
    )
    from reports.labels import vn_sort_key

    if excel_requested() and fmt != "csv":
        raise ReportError(f"--excel applies to --format csv (CSV for Excel), not to --format {fmt}")
    entries = sorted(load_config(config_path)["deadlines"],
                     key=lambda e: (e["origin"] != "user", e["year"], vn_sort_key(e["province"]), e["level"], e["kind"]))
    rows = [{k: e.get(k) for k in LIST_KEYS} for e in entries]
    if fmt == "json":
        sys.stdout.write(dumps_json(rows))
        return
    if fmt == "csv":
        buf = io.StringIO()
        write_csv(rows, LIST_KEYS, buf, excel=excel_requested())
        sys.stdout.write((BOM if excel_requested() else "") + buf.getvalue())
        return
    lang = current_lang()
    cols = [Column("province", "Tỉnh"), Column("level", "Cấp"), Column("year", "Năm"), Column("kind", "Loại"),
            Column("deadline", "Hạn", "date"), Column("source", "Căn cứ"), Column("origin", "Nguồn nhập")]
    title = ("Hạn ban hành kế hoạch" if lang == "vi" else "Plan-issuing deadlines") + f" — {user_deadlines_path()}"
    sys.stdout.write(render_text(Table(title, cols, rows, part="deadlines")))


COMMANDS = [deadlines_group]
