"""`cchc review`: a person's corrections (not CCHC, another category, another unit, a plan found
offline), written while a crawl may hold the SQLite lock (bounded wait, then the holder is named).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from cli.lazystore import open_store
from cli.params import DATE, NAME
from cli.reporting import F, db_option, emit, output_options, report_errors_exit_2
from reports.formatting import Table
from reports.vocab import KINDS

T = TypeVar("T")


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
