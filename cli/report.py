"""``cchc report …`` and ``cchc review …``: the questions users ask of the database (issue 6).

Every report takes ``--format table|csv|json|xlsx`` and ``--out FILE``: tables for people (Vietnamese
number formats), CSV/JSON for machines (plain values), xlsx (plain values, one sheet per table) for
spreadsheets. Bad input (unknown unit/province/level/year, a run that does not exist, a future date, an
empty database) prints ``error: …`` and exits 2; reports only read (``search`` too: its index is refreshed by the writers;
``review`` writes its own table).

The report commands are here; what they share (options, errors, `emit`) is in ``cli.reporting``,
``cchc review`` in ``cli.review`` and ``cchc serve`` in ``cli.serve``; ``COMMANDS`` lists all three.
"""
from __future__ import annotations

from typing import IO

import click

from cli.lazystore import open_store
from cli.params import DATE, LEVEL, NAME, RUN_OR_DATE
from cli.reporting import (
    db_option,
    emit,
    output_options,
    report_errors_exit_2,
    units_option,
)
from cli.review import review_cmd
from cli.serve import serve_cmd
from reports.formatting import Table, render_text
from reports.vocab import KINDS, LEVELS, ORGANS, ReportError

#: the shared options are imported from here by other command modules (cli.deadlines, cli.evidence)
__all__ = ["COMMANDS", "db_option", "emit", "output_options", "report_errors_exit_2", "report_group", "units_option"]


@click.group("report")
def report_group() -> None:
    """Reports: coverage, compliance, trend, diff, search, and a static HTML report."""


@report_group.command("coverage")
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--level", type=LEVEL, default=None, help=f"One of {', '.join(LEVELS)}, or tinh, so, huyen, xa/phuong (all by default).")
@click.option("--province", type=NAME, default=None, help="Province name (diacritics- and case-insensitive; all by default).")
@click.option("--organ", type=click.Choice(ORGANS), default="government", show_default=True,
              help="Whose plans count: a Party committee's plan and a People's Committee's are different documents.")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Answer as the database knew it on DATE (dd/mm/yyyy or YYYY-MM-DD).")
@units_option
@output_options
@db_option
@report_errors_exit_2
def coverage_cmd(year: int, kind: str, level: str | None, province: str | None, organ: str, as_of: str | None,
                 as_units: str, fmt: str, out_path: str | None, db_url: str | None) -> None:
    """Which units published a plan of KIND for YEAR, with the evidence, and totals per province and level."""
    from reports.coverage import ROW_KEYS, TOTAL_KEYS, coverage

    with open_store(db_url) as store:
        result = coverage(store.engine, year, kind=kind, level=level, province=province, organ=organ, as_of=as_of,
                          as_units=as_units)
    emit(fmt, out_path, json_value=result.rows, table=result.table(),
         sheets=[("coverage", ROW_KEYS, result.rows), ("totals", TOTAL_KEYS, result.totals)])


@report_group.command("diff")
@click.option("--from", "run_from", type=RUN_OR_DATE, required=True, metavar="RUN|DATE",
              help="The older snapshot: a run id or a date (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--to", "run_to", type=RUN_OR_DATE, required=True, metavar="RUN|DATE",
              help="The newer snapshot: a run id or a date (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--year", type=int, default=None, help="Plan year for coverage gained/lost (default: the --to run's year).")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@output_options
@db_option
@report_errors_exit_2
def diff_cmd(run_from: str, run_to: str, year: int | None, kind: str, fmt: str, out_path: str | None,
             db_url: str | None) -> None:
    """New, changed and removed documents; coverage gained/lost; portals down/up; widgets whose late count rose."""
    from reports.diff import DOC_KEYS, diff

    with open_store(db_url) as store:
        result = diff(store.engine, run_from, run_to, year=year, kind=kind)
    d = result.data
    # read from the spools only when CSV or xlsx is written, once (a diff over the year: ~800,000 rows)
    doc_rows = ({"change": k, **row} for k in ("new", "changed", "removed") for row in d[k])
    emit(fmt, out_path, json_value=d, text=result.write_text,
         sheets=[("documents", ("change", *DOC_KEYS), doc_rows),
                 ("coverage_gained", ("portal", "unit", "doc_number", "url"), d["coverage_gained"]),
                 ("coverage_lost", ("portal", "unit", "doc_number", "url"), d["coverage_lost"]),
                 ("portals_down", ("portal", "unit", "status_from", "status_to", "error"), d["portals_down"]),
                 ("portals_up", ("portal", "unit", "status_from", "status_to", "error"), d["portals_up"]),
                 ("widgets_late_rose", ("portal", "unit", "late_from", "late_to", "increase"), d["widgets_late_rose"])])


@report_group.command("trend")
@click.option("--unit", type=NAME, default=None,
              help="A registry portal id or unit name, diacritics-insensitive (one unit's series).")
@click.option("--province", type=NAME, default=None, help="Every unit of a province, plus the province's summed series.")
@click.option("--level", type=LEVEL, default=None, help=f"One of {', '.join(LEVELS)}, or tinh, so, huyen, xa/phuong.")
@click.option("--by", type=click.Choice(["run", "month"]), default="run", show_default=True,
              help="One point per run, or the last reading of each month.")
@units_option
@output_options
@db_option
@report_errors_exit_2
def trend_cmd(unit: str | None, province: str | None, level: str | None, by: str, as_units: str, fmt: str,
              out_path: str | None, db_url: str | None) -> None:
    """Widget series (on-time rate, dossiers, late) per run or month, and plans found per month."""
    from reports.trend import POINT_KEYS, flat_points, tables, trend

    with open_store(db_url) as store:
        result = trend(store.engine, unit=unit, province=province, level=level, by=by, as_units=as_units)
    # once, for the table and the sheets; not for JSON (the trend of every unit by month: 180,000 points)
    points = flat_points(result) if fmt != "json" else []

    def write_tables(out: IO[str]) -> None:
        for n, t in enumerate(tables(result, points)):
            out.write(("\n" if n else "") + render_text(t))  # one table's text at a time

    emit(fmt, out_path, json_value=result, text=write_tables,
         sheets=[("points", POINT_KEYS, points),
                 ("combined", ("run", "observed_on", "portals", "total", "on_time", "late", "on_time_rate", "late_rate"),
                  result["combined"]),
                 ("plans_per_month", ("month", "propaganda_plan", "plan", "total"), result["plans_per_month"])])


@report_group.command("compliance")
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--level", type=LEVEL, default=None, help=f"One of {', '.join(LEVELS)}, or tinh, so, huyen, xa/phuong (all by default).")
@click.option("--province", type=NAME, default=None, help="Province name (diacritics- and case-insensitive; all by default).")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Answer as the database knew it on DATE (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--deadlines", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Deadline configuration (default: reports/data/deadlines.yaml).")
@click.option("--fresh-days", type=int, default=None, help="A widget updated more days ago than this is stale.")
@units_option
@output_options
@db_option
@report_errors_exit_2
def compliance_cmd(year: int, kind: str, level: str | None, province: str | None, as_of: str | None,
                   config_path: str | None, fresh_days: int | None, as_units: str, fmt: str, out_path: str | None,
                   db_url: str | None) -> None:
    """Per unit: plan issued by a known deadline, sections, citation of the superior's plan, widget health."""
    from reports.base import load_runs
    from reports.compliance import ROW_KEYS, compliance, table
    from reports.coverage import validate_year

    with open_store(db_url) as store:
        validate_year(year, load_runs(store.engine))
        result = compliance(store.engine, year, kind=kind, level=level, province=province, as_of=as_of,
                            config_path=config_path, fresh_days=fresh_days, as_units=as_units)
    emit(fmt, out_path, json_value=result["rows"], table=table(result), sheets=[("compliance", ROW_KEYS, result["rows"])])


@report_group.command("scorecard")
@click.option("--province", type=NAME, required=True, help="The province (diacritics- and case-insensitive).")
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="Answer as the database knew it on DATE (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--deadlines", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Deadline configuration (default: reports/data/deadlines.yaml, under your `cchc deadlines import`).")
@output_options
@db_option
@report_errors_exit_2
def scorecard_cmd(province: str, year: int, kind: str, as_of: str | None, config_path: str | None, fmt: str,
                  out_path: str | None, db_url: str | None) -> None:
    """One province's units as its Home Affairs staff score them: plan found, number, issue date, on time,
    sections, widget on-time rate and late count, evidence link; a totals row. Best as --format xlsx."""
    from reports.base import load_runs
    from reports.coverage import validate_year
    from reports.formatting import current_lang
    from reports.labels import text
    from reports.scorecard import ROW_KEYS, scorecard, table

    with open_store(db_url) as store:
        validate_year(year, load_runs(store.engine))
        result = scorecard(store.engine, province, year, kind=kind, as_of=as_of, config_path=config_path)
    totals_row = dict(result["totals"], unit=text("total_units", current_lang(), n=result["totals"]["units"]))
    emit(fmt, out_path, json_value=result, table=table(result),
         sheets=[("scorecard", ROW_KEYS, result["rows"], totals_row)])


@report_group.command("reconcile")
@click.option("--year", type=int, required=True, help="Year of the widget figures and of the 766 index.")
@output_options
@db_option
@report_errors_exit_2
def reconcile_cmd(year: int, fmt: str, out_path: str | None, db_url: str | None) -> None:
    """Each province's own widget figures beside its national 766 index scores, disagreements flagged."""
    from reports.reconcile import ROW_KEYS, reconcile, table

    with open_store(db_url) as store:
        result = reconcile(store.engine, year)
    emit(fmt, out_path, json_value=result, table=table(result), sheets=[("reconcile", ROW_KEYS, result["rows"])])


@report_group.command("html")
@click.option("--out", "out_dir", required=True, metavar="DIR",
              help="Folder to write index.html into (created if missing; must be writable).")
@click.option("--year", type=int, default=None, help="Plan year (default: the year of the last run).")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--lang", default="vi", show_default=True, metavar="vi|en",
              help="Language of the page's labels (scraped text is shown as written).")
@click.option("--as-of", "as_of", type=DATE, default=None, metavar="DATE",
              help="The report as the database knew it on DATE (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--deadlines", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Deadline configuration for 'who is late' (as `report compliance --deadlines`).")
@db_option
@report_errors_exit_2
def html_cmd(out_dir: str, year: int | None, kind: str, lang: str, as_of: str | None, config_path: str | None,
             db_url: str | None) -> None:
    """A static, offline report: summary first (found per province, late units, changes, portals down),
    then the matrices, widget trends on one shared scale per province, and the tables."""
    from reports.base import load_runs
    from reports.coverage import validate_year
    from reports.html import report_runs, write_html

    with open_store(db_url) as store:
        report_runs(store.engine, lang, as_of)  # bad --lang/--as-of: one error line before any progress
        if year is not None:
            validate_year(year, load_runs(store.engine))
        click.echo("building the report (coverage, compliance, trends, diff)…", err=True)
        try:
            index = write_html(store.engine, out_dir, year, kind, lang, as_of, config_path)
        except OSError as exc:
            from cli.output import OutputError

            raise OutputError(f"cannot write the report into {out_dir} ({exc.strerror})") from None
    click.echo(str(index))


@report_group.command("search")
@click.argument("query")
@click.option("--limit", type=int, default=20, show_default=True, help="How many documents to show.")
@click.option("--province", type=NAME, default=None, help="Only documents of this province's portals.")
@click.option("--level", type=LEVEL, default=None, help=f"One of {', '.join(LEVELS)}, or tinh, so, huyen, xa/phuong.")
@click.option("--year", type=int, default=None, help="Only documents whose plan year is Y.")
@click.option("--kind", default=None, metavar="K",
              help="Only documents of this category: propaganda_plan, plan, report or other.")
@output_options
@db_option
@report_errors_exit_2
def search_cmd(query: str, limit: int, province: str | None, level: str | None, year: int | None, kind: str | None,
               fmt: str, out_path: str | None, db_url: str | None) -> None:
    """Full-text search: every word (any order, without diacritics if you like), "phrases" in double
    quotes, ranked (title hits first), with the matches marked in snippets. Never writes: the index is
    refreshed by each crawl and by `cchc db upgrade`; a lagging index is noted on standard error."""
    from reports.search import ROW_KEYS, index_notes, search, table

    with open_store(db_url) as store:
        rows = search(store.engine, query, limit=limit, province=province, level=level, year=year, kind=kind)
        notes = index_notes(store.engine)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    emit(fmt, out_path, json_value=rows, table=table(query, rows), sheets=[("search", ROW_KEYS, rows)])


@report_group.command("health")
@click.option("--portal", "portal_id", default=None, metavar="ID", help="One registry portal id (all by default).")
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True,
              help="How many days back from the newest run.")
@output_options
@db_option
@report_errors_exit_2
def health_cmd(portal_id: str | None, days: int, fmt: str, out_path: str | None, db_url: str | None) -> None:
    """The drift canary: per portal and run, what its pages yielded (pages fetched and extracted; shares
    with a title, a date, main text, a document number, a widget reading) against its own trailing
    median; "layout changed?" where a figure fell (rules in README, "The drift canary")."""
    from sqlalchemy.orm import Session

    from reports.base import load_runs
    from reports.formatting import Column, current_lang
    from reports.health import ROW_KEYS, health_rows
    from reports.labels import text
    from storage.models import Portal

    with open_store(db_url) as store:
        runs = load_runs(store.engine)
        with Session(store.engine) as session:
            if portal_id is not None and session.get(Portal, portal_id) is None:
                raise ReportError(f"--portal: there is no portal {portal_id!r} in the database "
                                  "(see `cchc export portals`)")
            rows = health_rows(session, days=days, portal_id=portal_id)
    lang = current_lang()
    newest = runs[-1]
    cols = [Column("portal", "portal"), Column("run", "run", "int"), Column("observed_on", "observed_on", "date"),
            Column("verdict", "verdict"), Column("layout_changed", "layout_changed", "bool"), Column("fell", "fell"),
            Column("pages_fetched", "pages_fetched", "int"), Column("pages_extracted", "pages_extracted", "int"),
            *(Column(k, k, "pct") for k in ("title_share", "date_share", "text_share", "number_share", "widget_share"))]
    table = Table(text("health_title", lang, days=days, run=newest.id, day=f"{newest.observed_on:%d/%m/%Y}"), cols, rows,
                  notes=[] if rows else [text("health_none", lang)], part="health")
    emit(fmt, out_path, json_value=rows, table=table, sheets=[("health", ROW_KEYS, rows)])


COMMANDS = [report_group, review_cmd, serve_cmd]
