"""`cchc alerts run|list|test`: evaluate the rules for a run and deliver, list stored alerts, send a sample.

The rules file is `--config FILE`, else `$CCHC_ALERTS` (format: README "Alerts"); a malformed file is
one `error: FILE:LINE: field 'F': message` line and exit 2, before the database is touched. A delivery
that failed is recorded (and retried by the next `alerts run`): the command then ends with one
`error:` line and exit 1, so it never looks like success.
"""
from __future__ import annotations

import sys
from typing import Any

import click

from cli.db import DB_OPTION_HELP
from cli.params import lang_option

EXIT_BAD_INPUT = 2
EXIT_DELIVERY_FAILED = 1


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _rules(config: str | None) -> Any:
    from alerts.config import ENV, AlertsConfigError, config_path, load_rules

    try:
        path = config_path(config)
        if path is None:
            _fail(f"no rules file: give --config FILE or set ${ENV} (format: README, \"Alerts\")")
        return load_rules(path)  # type: ignore[arg-type]
    except AlertsConfigError as exc:
        _fail(str(exc))


def _config_option(func: Any) -> Any:
    return click.option("--config", "config", default=None, metavar="FILE",
                        help="The rules file (default: $CCHC_ALERTS).")(func)


@click.group("alerts")
def alerts_group() -> None:
    """Alerts after every run: rules in alerts.yaml, delivered through apprise (README "Alerts")."""


@alerts_group.command("run")
@click.option("--run", "run_id", type=click.IntRange(min=1), default=None,
              help="The run to evaluate (default: the newest complete run).")
@_config_option
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--digest-now", is_flag=True, help="Also send today's digests now (normally sent the next day).")
def run_cmd(run_id: int | None, config: str | None, db_url: str | None, digest_now: bool) -> None:
    """Evaluate every rule for a run, store new alerts once, deliver what is due, retry what failed."""
    from alerts.engine import AlertsError, run_alerts
    from alerts.lock import AlertsBusy, alerts_lock
    from storage import Store
    from storage.engine import resolve_url
    from storage.errors import StorageError

    rules = _rules(config)
    try:
        with Store.open(db_url, create=False) as store:  # a path naming no database is an error, not a new file
            with alerts_lock(resolve_url(store.url)):
                summary = run_alerts(store.engine, rules, run_id, digest_now=digest_now)
    except (AlertsError, AlertsBusy, StorageError) as exc:
        _fail(str(exc))
        return
    new = sum(summary.new.values())
    click.echo(f"run {summary.run} ({summary.observed_on:%d/%m/%Y}): {new} new alert(s) "
               f"({', '.join(f'{k}: {v}' for k, v in summary.new.items() if v) or 'none'}); "
               f"{summary.messages_sent} message(s) sent")
    for problem in summary.rule_errors + summary.deliveries_failed:
        click.echo(f"  problem: {problem}")
    if summary.rule_errors or summary.deliveries_failed:
        _fail(f"{len(summary.deliveries_failed)} delivery(ies) failed and {len(summary.rule_errors)} rule(s) could "
              "not be evaluated; failed deliveries are kept and retried by the next `cchc alerts run`",
              EXIT_DELIVERY_FAILED)


@alerts_group.command("list")
@click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--rule", default=None, help="Only this rule's alerts.")
@click.option("--state", type=click.Choice(["queued", "pending", "sent", "failed"]), default=None)
@click.option("--run", "run_id", type=click.IntRange(min=1), default=None, help="Only alerts found in this run.")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@lang_option
def list_cmd(db_url: str | None, fmt: str, rule: str | None, state: str | None, run_id: int | None, limit: int) -> None:
    """Stored alerts, newest first: rule, unit, run, state, when sent, delivery results."""
    from alerts.records import list_alerts
    from reports.base import ReportError, open_store
    from reports.formatting import Column, Table, current_lang, dumps_json, render_text

    try:
        store = open_store(db_url)
    except ReportError as exc:
        _fail(str(exc))
        return
    try:
        from sqlalchemy import inspect

        if "alerts" not in inspect(store.engine).get_table_names():
            _fail("the database has no alerts table yet: run `cchc db upgrade` (or `cchc alerts run`) first")
        rows = list_alerts(store.engine, rule=rule, state=state, run=run_id, limit=limit, lang=current_lang())
    finally:
        store.close()
    if fmt == "json":
        sys.stdout.write(dumps_json(rows))
        return
    lang = current_lang()
    cols = [Column("id", "Mã", "int"), Column("rule", "Quy tắc"), Column("kind", "Loại cảnh báo"),
            Column("portal", "Cổng"), Column("run", "Lần quét", "int"), Column("observed_on", "Ngày quét", "date"),
            Column("state", "Tình trạng gửi"), Column("sent_at", "Gửi lúc", "datetime"),
            Column("attempts", "Số lần gửi", "int"), Column("summary", "Nội dung")]
    from reports.labels import label

    title = "Cảnh báo đã lưu" if lang == "vi" else "Stored alerts"
    shown = [{**r, "kind": label("alert_kind", r["kind"], lang)} for r in rows]
    sys.stdout.write(render_text(Table(title, cols, shown, part="alerts")))


@alerts_group.command("test")
@_config_option
@click.option("--rule", default=None, help="Only this rule's recipients.")
@lang_option
def test_cmd(config: str | None, rule: str | None) -> None:
    """Send one sample message to every recipient of every rule; say which ones failed."""
    from alerts import deliver, message
    from alerts.kinds import KINDS
    from reports import labels
    from reports.formatting import current_lang

    rules = _rules(config)
    chosen = [r for r in rules.rules if rule is None or r.id == rule]
    if not chosen:
        _fail(f"--rule {rule!r}: no such rule in {rules.path} (rules: {', '.join(r.id for r in rules.rules)})")
    lang = current_lang()
    failed = 0
    for r in chosen:
        for url in r.recipients:
            fmt = deliver.body_format(url)
            kind_label = labels.label("alert_kind", r.kind, lang)
            body = labels.text("alert_test_body", lang, rule=message.escape(r.id, fmt), kind=kind_label)
            outcome = deliver.send(url, labels.text("alert_test_subject", lang, rule=message.clean(r.id)), body, fmt)
            state = "ok" if outcome.ok else f"FAILED: {outcome.error}"
            click.echo(f"{r.id} ({KINDS[r.kind].name}) -> {deliver.shown(url)}: {state}")
            failed += not outcome.ok
    if failed:
        _fail(f"{failed} recipient(s) could not be reached", EXIT_DELIVERY_FAILED)


COMMANDS = [alerts_group]
