"""``cchc report …`` and ``cchc review …``: the questions users ask of the database (issue 6).

Every report takes ``--format table|csv|json|xlsx`` and ``--out FILE``: tables for people (Vietnamese
number formats), CSV/JSON for machines (plain values), xlsx (plain values, one sheet per table) for
spreadsheets. Bad input (unknown unit/province/level/year, a run that does not exist, a future date, an
empty database) prints ``error: …`` and exits 2; reports only read (``search`` too: its index is refreshed by the writers;
``review`` writes its own table).
"""
from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from cli.db import DB_OPTION_HELP
from cli.output import OutputError, check_out_file, check_out_folder, open_out, replace_when_done
from cli.params import BOM, DATE, LEVEL, NAME, RUN_OR_DATE, excel_option, excel_requested, lang_option
from reports.base import AS_UNITS, KINDS, LEVELS, ORGANS, ReportError, open_store
from reports.formatting import FORMATS, Table, dumps_json, render_text, write_csv, write_xlsx
from storage.errors import StorageError

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def report_errors_exit_2(func: F) -> F:
    """ReportError/StorageError -> one ``error:`` line on stderr and exit status 2 (never a traceback).

    The destination is checked here, before the body opens the database or computes anything: a
    ``--out`` FILE (keyword ``out_path``), ``report html``'s ``--out`` FOLDER (``out_dir``) and
    ``serve --export-sqlite`` (``export_path``), see `cli.output`.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            if kwargs.get("out_path") is not None:
                check_out_file(kwargs["out_path"], db_url=kwargs.get("db_url"))
            if kwargs.get("out_dir") is not None:
                check_out_folder(kwargs["out_dir"])
            if kwargs.get("export_path") is not None:
                check_out_file(kwargs["export_path"], db_url=kwargs.get("db_url"), option="--export-sqlite")
            return func(*args, **kwargs)
        except (ReportError, StorageError, OutputError) as exc:
            click.echo(f"error: {exc}", err=True)
            raise SystemExit(2) from None

    return wrapper  # type: ignore[return-value]


def db_option(func: F) -> F:
    return click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)(func)


def output_options(func: F) -> F:
    func = click.option("--out", "out_path", default=None, metavar="FILE",
                        help="Write to FILE instead of standard output (required for xlsx; its folder must "
                             "exist and be writable).")(func)
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table for people; csv/json for machines; xlsx for spreadsheets.")(func)
    func = excel_option(func)
    func = lang_option(func)
    return func


def units_option(func: F) -> F:
    return click.option("--as-units", "as_units", type=click.Choice(AS_UNITS), default="historical", show_default=True,
                        help="historical: units as registered; current: by the unit each became after the "
                             "2025 reorganisation, former names kept.")(func)


# One worksheet: (part, keys, rows) or (part, keys, rows, totals row), as reports.xlsx.Sheet takes it.
SheetSpec = (tuple[str, Sequence[str], Sequence[dict[str, Any]]]
             | tuple[str, Sequence[str], Sequence[dict[str, Any]], dict[str, Any] | None])


def emit(fmt: str, out_path: str | None, *, json_value: Any, sheets: Sequence[SheetSpec],
         table: Table | None = None, text: str | None = None) -> None:
    """Write one report in the chosen format; the first sheet is also what CSV holds."""
    if excel_requested() and fmt != "csv":
        raise ReportError(f"--excel applies to --format csv (CSV for Excel), not to --format {fmt}")
    if fmt == "xlsx":
        if not out_path:
            raise ReportError("--format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)")
        with replace_when_done(Path(out_path)) as tmp:
            write_xlsx(sheets, str(tmp))  # in the command's --lang
        click.echo(f"written to {out_path}", err=True)
        return
    if fmt == "json":
        payload = dumps_json(json_value)
    elif fmt == "csv":
        import io

        buf = io.StringIO()
        name, keys, rows = sheets[0][:3]
        write_csv(rows, keys, buf, excel=excel_requested())
        payload = (BOM if excel_requested() else "") + buf.getvalue()
    else:
        payload = text if text is not None else render_text(table) if table is not None else ""
    if out_path:
        with open_out(Path(out_path)) as fh:
            fh.write(payload)
        click.echo(f"written to {out_path}", err=True)
    else:
        sys.stdout.write(payload)


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
    doc_rows = [{"change": k, **row} for k in ("new", "changed", "removed") for row in d[k]]
    emit(fmt, out_path, json_value=d, text=result.text(),
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
    from reports.formatting import render_text
    from reports.trend import POINT_KEYS, flat_points, tables, trend

    with open_store(db_url) as store:
        result = trend(store.engine, unit=unit, province=province, level=level, by=by, as_units=as_units)
    emit(fmt, out_path, json_value=result, text="\n".join(render_text(t) for t in tables(result)),
         sheets=[("points", POINT_KEYS, flat_points(result)),
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
    from reports.formatting import Column, Table, current_lang
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


@click.group("review")
def review_cmd() -> None:
    """Corrections by a person: not CCHC, another category, another unit, or a plan found offline.

    Stored apart from crawled data (they survive re-crawls); every report applies the active ones and
    lists their ids in its `corrections` column.
    """


WAIT_HELP = "Seconds to wait for a crawl holding the SQLite write lock before giving up (then it is named)."


def _reviewer_options(func: F) -> F:
    func = click.option("--note", default=None, help="Why (kept with the correction).")(func)
    func = click.option("--reviewer", default=None, help="Who decided.")(func)
    func = _wait_option(func)
    return db_option(func)


def _wait_option(func: F) -> F:
    return click.option("--wait", "wait_s", type=click.FloatRange(min=0), default=30.0, show_default=True,
                        metavar="SECONDS", help=WAIT_HELP)(func)


def _day(value: str | None, what: str) -> dt.date | None:
    from reports.base import parse_day

    return parse_day(value, what) if value else None


def _write_review(db_url: str | None, wait_s: float, write: Callable[[Any], T], *, year: int | None = None) -> T:
    """Open the database for a review write and run `write(engine)`, retried while a crawl holds the lock.

    A review is a person's one-row write; during a crawl it waits for the writer (bounded by ``--wait``),
    then names the running crawl that holds the lock (`storage.locks`). A plan year is checked against
    the runs exactly as the reports check it, so ``--year 1800`` is refused, not stored.
    """
    from reports.base import load_runs
    from reports.coverage import validate_year
    from storage import Store
    from storage.locks import retry_while_locked

    def attempt(busy_timeout_ms: int) -> T:
        with Store.open(db_url, upgrade=False, create=False, busy_timeout_ms=busy_timeout_ms) as store:
            if year is not None:
                validate_year(year, load_runs(store.engine))
            return write(store.engine)

    return retry_while_locked(attempt, wait_s=wait_s)


@review_cmd.command("not-cchc")
@click.argument("url")
@_reviewer_options
@report_errors_exit_2
def review_not_cchc(url: str, note: str | None, reviewer: str | None, wait_s: float, db_url: str | None) -> None:
    """Mark the document at URL as not about administrative reform."""
    from reports.review import add_correction

    cid = _write_review(db_url, wait_s, lambda engine: add_correction(engine, "not_cchc", document_url=url, note=note,
                                                                       reviewer=reviewer))
    click.echo(f"correction {cid} stored")


@review_cmd.command("category")
@click.argument("url")
@click.argument("category", type=click.Choice(["propaganda_plan", "plan", "report", "other"]))
@click.option("--year", type=int, default=None, help="Also correct the plan year.")
@_reviewer_options
@report_errors_exit_2
def review_category(url: str, category: str, year: int | None, note: str | None, reviewer: str | None,
                    wait_s: float, db_url: str | None) -> None:
    """Set the document's category (and optionally its plan year)."""
    from reports.review import add_correction

    cid = _write_review(db_url, wait_s, lambda engine: add_correction(
        engine, "category", document_url=url, category=category, plan_year=year, note=note, reviewer=reviewer),
        year=year)
    click.echo(f"correction {cid} stored")


@review_cmd.command("link")
@click.argument("url")
@click.option("--unit", required=True, type=NAME,
              help="The unit the document belongs to: registry portal id or name (diacritics-insensitive).")
@_reviewer_options
@report_errors_exit_2
def review_link(url: str, unit: str, note: str | None, reviewer: str | None, wait_s: float,
                db_url: str | None) -> None:
    """Count the document for another unit (e.g. a commune's plan posted on its district's site)."""
    from reports.review import add_correction

    cid = _write_review(db_url, wait_s, lambda engine: add_correction(engine, "link", document_url=url, unit=unit,
                                                                       note=note, reviewer=reviewer))
    click.echo(f"correction {cid} stored")


@review_cmd.command("add-offline")
@click.option("--unit", required=True, type=NAME,
              help="The issuing unit: registry portal id or name (diacritics-insensitive).")
@click.option("--year", type=int, required=True, help="Plan year.")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--doc-number", default=None, help="Số/ký hiệu, e.g. 38/KH-UBND.")
@click.option("--doc-date", type=DATE, default=None, metavar="DATE", help="Issue date (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--published", type=DATE, default=None, metavar="DATE",
              help="Publication date, if any (dd/mm/yyyy or YYYY-MM-DD).")
@click.option("--title", default=None)
@click.option("--organ", type=click.Choice(["government", "party", "council", "mass_organisation"]), default="government",
              show_default=True)
@click.option("--evidence", required=True, help="Where it was seen: a file path, a letter's reference, a URL.")
@_reviewer_options
@report_errors_exit_2
def review_add_offline(unit: str, year: int, kind: str, doc_number: str | None, doc_date: str | None,
                       published: str | None, title: str | None, organ: str, evidence: str, note: str | None,
                       reviewer: str | None, wait_s: float, db_url: str | None) -> None:
    """Add a plan found offline, with its evidence; coverage counts it and says so."""
    from reports.review import add_correction

    issued, published_on = _day(doc_date, "--doc-date"), _day(published, "--published")
    cid = _write_review(db_url, wait_s, lambda engine: add_correction(
        engine, "offline", unit=unit, category=kind, plan_year=year, organ=organ, doc_number=doc_number,
        doc_date=issued, published_on=published_on, title=title, evidence=evidence, note=note, reviewer=reviewer),
        year=year)
    click.echo(f"correction {cid} stored")


@review_cmd.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include withdrawn corrections.")
@output_options
@db_option
@report_errors_exit_2
def review_list(include_inactive: bool, fmt: str, out_path: str | None, db_url: str | None) -> None:
    """List corrections."""
    from reports.formatting import Column, current_lang
    from reports.labels import sheet_title
    from reports.review import REVIEW_KEYS, list_corrections

    with open_store(db_url) as store:
        rows = list_corrections(store.engine, include_inactive)
    cols = [Column("id", "#", "int"), Column("created_at", "Lúc", "datetime"), Column("action", "Việc"),
            Column("document_url", "Văn bản"), Column("unit_portal_id", "Đơn vị"), Column("category", "Loại"),
            Column("evidence", "Chứng cứ"), Column("active", "Hiệu lực", "bool")]
    emit(fmt, out_path, json_value=rows, table=Table(sheet_title("corrections", current_lang()), cols, rows), sheets=[("corrections", REVIEW_KEYS, rows)])


@review_cmd.command("withdraw")
@click.argument("correction_id", type=int)
@_wait_option
@db_option
@report_errors_exit_2
def review_withdraw(correction_id: int, wait_s: float, db_url: str | None) -> None:
    """Withdraw a correction (kept for the record, no longer applied)."""
    from reports.review import withdraw

    _write_review(db_url, wait_s, lambda engine: withdraw(engine, correction_id))
    click.echo(f"correction {correction_id} withdrawn")


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--export-sqlite", "export_path", default=None, metavar="FILE",
              help="PostgreSQL: copy the database into this new SQLite file and serve the copy.")
@report_errors_exit_2
def serve_cmd(db_url: str | None, host: str, port: int, export_path: str | None) -> None:
    """Browse the database in Datasette: Vietnamese labels, facets and unaccented full-text search on
    documents and attachments, canned queries (coverage, late widgets, recent plans), a JSON API."""
    import tempfile

    from sqlalchemy import create_engine

    from reports.serve import export_sqlite, table_columns, write_metadata

    with open_store(db_url) as store:
        backend = store.engine.dialect.name
        if backend != "sqlite":
            if not export_path:
                raise ReportError(f"Datasette reads SQLite only and {store.display_url} is {backend}: run "
                                  f"`cchc serve --db {store.display_url} --export-sqlite copy.sqlite` to serve a SQLite copy")
            click.echo(f"copying {store.display_url} into {export_path}…", err=True)
            path = export_sqlite(store.engine, export_path)
            copy = create_engine(f"sqlite:///{path}")
            try:
                columns = table_columns(copy)
            finally:
                copy.dispose()
        else:
            path = Path(store.engine.url.database or "")
            columns = table_columns(store.engine)
    # Served in place (not through a link: SQLite finds its -wal file next to the path it is given), in
    # this process, so stopping `cchc serve` (Ctrl+C, SIGTERM) stops Datasette's server with it. The
    # plugin (folded full-text search, Vietnamese labels) is registered here rather than installed.
    from datasette.cli import cli as datasette_cli
    from datasette.plugins import pm

    import reports.serve_plugin
    from reports.serve import TEMPLATES

    if not pm.is_registered(reports.serve_plugin):
        pm.register(reports.serve_plugin, name="cchc_serve")
    with tempfile.TemporaryDirectory() as tmp:
        meta = write_metadata(Path(tmp), Path(path).stem, columns)
        click.echo(f"Datasette on http://{host}:{port}/{Path(path).stem} (Ctrl+C to stop)", err=True)
        datasette_cli.main(["serve", str(path), "--metadata", str(meta), "--template-dir", str(TEMPLATES),
                            "--host", host, "--port", str(port)], standalone_mode=False)


COMMANDS = [report_group, review_cmd, serve_cmd]
