"""Evaluate the rules for a run, store each finding once, deliver what is due, retry what failed.

Exactly once: a finding's dedupe key (rule | kind | subject) is unique in `alerts`; a finding already
stored is not stored again, so evaluating the same run twice, or a second crawl of the same day,
sends nothing new. Delivery is judged per recipient (`alerts.delivery`): a row is `sent` when every
recipient of its rule got it, `failed` otherwise, and every later evaluation sends it again to the
recipients that did not get it — never to those that did.

One message per rule and run (delivery `each`): every due alert of the rule in one message. A
`digest` rule's alerts are `queued` and sent as one message per rule and day by the first evaluation
of a later day (or at once with `deliver(..., digest_now=True)`, `cchc alerts run --digest-now`).

A rule that cannot be evaluated (a scope naming a province the database does not hold…) is reported
and the other rules go on; nothing here raises for an unreachable recipient.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts import deliver, message
from alerts.kinds import KINDS
from alerts.registry import Context, RunRef
from alerts.rules import Rule, RulesFile
from alerts.scope import ScopeError, scope_clause
from reports.base import ReportError
from storage.alerts_models import Alert
from storage.models import CrawlRun, utcnow


class AlertsError(Exception):
    """Bad input to an evaluation (no such run, no complete run): one `error:` line."""


@dataclass
class Summary:
    run: int
    observed_on: dt.date
    new: dict[str, int] = field(default_factory=dict)
    messages_sent: int = 0
    deliveries_failed: list[str] = field(default_factory=list)
    rule_errors: list[str] = field(default_factory=list)


def pick_run(session: Session, run_id: int | None) -> RunRef:
    """Run `run_id`, else the newest complete run."""
    if run_id is not None:
        row = session.execute(select(CrawlRun.id, CrawlRun.observed_on, CrawlRun.status)
                              .where(CrawlRun.id == run_id)).first()
        if row is None:
            last = session.scalar(select(CrawlRun.id).order_by(CrawlRun.id.desc()).limit(1))
            raise AlertsError(f"--run {run_id}: there is no run {run_id}"
                              + (f" (runs 1..{last}; see `cchc export runs`)" if last else " (the database holds no run)"))
        return RunRef(row[0], row[1])
    newest = session.execute(select(CrawlRun.id, CrawlRun.observed_on).where(CrawlRun.status == "complete")
                             .order_by(CrawlRun.id.desc()).limit(1)).first()
    if newest is None:
        raise AlertsError("the database holds no complete run: run `cchc crawl` first (or give --run N)")
    return RunRef(newest[0], newest[1])


def previous_run(session: Session, run: RunRef) -> RunRef | None:
    """The newest complete run observed on a day before `run`'s (what "new since" compares with)."""
    row = session.execute(select(CrawlRun.id, CrawlRun.observed_on)
                          .where(CrawlRun.status == "complete", CrawlRun.observed_on < run.observed_on,
                                 CrawlRun.id < run.id)
                          .order_by(CrawlRun.observed_on.desc(), CrawlRun.id.desc()).limit(1)).first()
    return RunRef(row[0], row[1]) if row else None


def evaluate(engine: Engine, rules: RulesFile, run_id: int | None = None) -> Summary:
    """Evaluate every rule for the run and store the new findings (nothing is sent here)."""
    with Session(engine) as session:
        run = pick_run(session, run_id)
        prev = previous_run(session, run)
        summary = Summary(run.id, run.observed_on)
        for rule in rules.rules:
            try:
                ctx = Context(session, run, prev, rule, scope_clause(session, rule.scope))
                findings = list(KINDS[rule.kind].evaluate(ctx))
            except (ScopeError, ReportError) as exc:
                session.rollback()
                summary.rule_errors.append(f"rule {rule.id!r}: {exc}")
                continue
            summary.new[rule.id] = _store(session, rule, run, findings)
    return summary


def _store(session: Session, rule: Rule, run: RunRef, findings: list[Any]) -> int:
    """Insert the findings not stored yet; returns how many were new."""
    if not findings:
        return 0
    keys = {f"{rule.id}|{rule.kind}|{f.subject}": f for f in findings}
    known: set[str] = set()
    items = list(keys)
    for i in range(0, len(items), 500):
        known |= set(session.scalars(select(Alert.dedupe_key).where(Alert.dedupe_key.in_(items[i:i + 500]))))
    new = 0
    for key, f in keys.items():
        if key in known:
            continue
        try:
            with session.begin_nested():
                session.add(Alert(dedupe_key=key, rule=rule.id, kind=rule.kind, event=f.event, portal_id=f.portal_id,
                                  document_id=f.document_id, run_id=run.id, observed_on=run.observed_on,
                                  details=f.details, url=f.url, state="queued" if rule.delivery == "digest" else "pending",
                                  attempts=0, delivery={}))
            new += 1
        except IntegrityError:  # stored meanwhile by a concurrent evaluation: it is that one's to send
            continue
    session.commit()
    return new


def deliver_due(engine: Engine, rules: RulesFile, summary: Summary, *, digest_now: bool = False) -> Summary:
    """Send every due alert of every rule (new, queued digests of earlier days, failed ones)."""
    with Session(engine) as session:
        for rule in rules.rules:
            due_states = ["pending", "failed"] + (["queued"] if rule.delivery == "digest" else [])
            rows = list(session.scalars(select(Alert).where(Alert.rule == rule.id, Alert.kind == rule.kind,
                                                             Alert.state.in_(due_states)).order_by(Alert.id)))
            if rule.delivery == "digest" and not digest_now:
                rows = [a for a in rows if a.state != "queued" or a.observed_on < summary.observed_on]
            groups: dict[Any, list[Alert]] = defaultdict(list)
            for a in rows:
                groups[a.observed_on if rule.delivery == "digest" else "run"].append(a)
            for group_key, alerts in groups.items():
                _send_group(rule, rules.lang, alerts, summary, digest_day=group_key if rule.delivery == "digest" else None)
            session.commit()
    return summary


def _send_group(rule: Rule, lang: str, alerts: list[Alert], summary: Summary, digest_day: Any) -> None:
    """One message per recipient holding the alerts it has not received yet; results stored per alert."""
    now = utcnow()
    day = (digest_day or summary.observed_on).strftime("%d/%m/%Y")
    for url in rule.recipients:
        rid = deliver.recipient_id(url)
        todo = [a for a in alerts if not (a.delivery or {}).get(rid, {}).get("ok")]
        if not todo:
            continue
        fmt = deliver.body_format(url)
        title = message.subject(rule.kind, lang, run=summary.run, day=day, digest=digest_day is not None)
        outcome = deliver.send(url, title, message.body(rule.id, rule.kind, todo, lang, fmt), fmt)
        if outcome.ok:
            summary.messages_sent += 1
        else:
            summary.deliveries_failed.append(f"rule {rule.id!r} to {deliver.shown(url)}: {outcome.error}")
        for a in todo:
            results = dict(a.delivery or {})
            results[rid] = {"target": deliver.shown(url), "ok": outcome.ok, "error": outcome.error,
                            "at": now.isoformat(timespec="seconds")}
            a.delivery = results
    wanted = [deliver.recipient_id(u) for u in rule.recipients]
    for a in alerts:
        got = a.delivery or {}
        a.attempts = (a.attempts or 0) + 1
        if all(got.get(rid, {}).get("ok") for rid in wanted):
            a.state, a.sent_at, a.last_error = "sent", a.sent_at or now, None
        else:
            a.state = "failed"
            a.last_error = "; ".join(f"{v.get('target')}: {v.get('error')}" for v in got.values() if not v.get("ok"))[:2000]


def run_alerts(engine: Engine, rules: RulesFile, run_id: int | None = None, *, digest_now: bool = False) -> Summary:
    """`cchc alerts run`: evaluate, store, deliver."""
    summary = evaluate(engine, rules, run_id)
    return deliver_due(engine, rules, summary, digest_now=digest_now)
