"""Delivery to REAL receivers on loopback: an SMTP server (aiosmtpd) and a JSON webhook. What a person
receives is checked (Vietnamese subject and text, the portal's title escaped, the evidence link), and
so is the bookkeeping: a failed delivery is recorded and retried by the next evaluation only for the
recipient that missed it; an unreachable SMTP server never raises; a digest is one message per day."""
from __future__ import annotations

from pathlib import Path

import history
import pytest
from receivers import free_port
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.config import load_rules
from alerts.engine import run_alerts
from storage import Store
from storage.alerts_models import Alert


def _rules(tmp_path: Path, *recipients: str, delivery: str = "each") -> Path:
    path = tmp_path / "alerts.yaml"
    listed = "\n".join(f"      - {r}" for r in recipients)
    path.write_text(f"rules:\n  - id: ke-hoach\n    kind: plan_found\n    year: 2026\n    delivery: {delivery}\n"
                    f"    recipients:\n{listed}\n", encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(f"sqlite:///{tmp_path}/alerts.sqlite") as s:
        s.sync_portals(history.PORTALS)
        history.add_run(s, 1)
        history.add_run(s, 2)  # the plan with the hostile title appears
        yield s


def _alerts(store: Store) -> list[Alert]:
    with Session(store.engine) as session:
        return list(session.scalars(select(Alert).order_by(Alert.id)))


def test_email_over_smtp_is_vietnamese_escaped_and_links_the_evidence(store, smtp, webhook, tmp_path):
    rules = load_rules(_rules(tmp_path, smtp.url(), webhook.url()))
    summary = run_alerts(store.engine, rules)
    assert summary.messages_sent == 2 and not summary.deliveries_failed
    [mail] = smtp.messages
    assert mail.to == ["ops@example.vn"]
    assert mail.subject == "[CCHC Watch] Kế hoạch mới được công bố — lần quét 2 ngày 03/03/2026"
    assert mail.html is not None
    assert "Quy tắc «ke-hoach», 1 cảnh báo:" in mail.html
    assert "UBND tỉnh Điện Biên: Kế hoạch tuyên truyền CCHC năm 2026 — số 12/KH-UBND, ban hành 27/02/2026" in mail.html
    # the portal's title is text, never markup: no tag of it survives, its characters are entities
    assert "<script>" not in mail.html and "evil.example\">" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "&lt;a href=&quot;http://evil.example&quot;&gt;" in mail.html
    # our own link to the evidence is the only anchor
    assert mail.html.count("<a href=") == 1
    assert f'Minh chứng: <a href="{history.PLAN_URL}">{history.PLAN_URL}</a>' in mail.html
    [post] = webhook.posts
    assert post["title"] == mail.subject
    assert f"Minh chứng: {history.PLAN_URL}" in post["message"]
    assert "<script>" not in post["message"]
    [alert] = _alerts(store)
    assert alert.state == "sent" and alert.sent_at is not None and alert.attempts == 1
    assert {d["ok"] for d in alert.delivery.values()} == {True}


def test_failed_webhook_is_recorded_and_retried_next_run_without_resending_the_mail(store, smtp, webhook, tmp_path):
    rules = load_rules(_rules(tmp_path, smtp.url(), webhook.url()))
    webhook.fail = True
    first = run_alerts(store.engine, rules)
    assert len(first.deliveries_failed) == 1 and "json://127.0.0.1" in first.deliveries_failed[0]
    [alert] = _alerts(store)
    assert alert.state == "failed" and alert.sent_at is None and alert.attempts == 1
    assert "json://127.0.0.1" in alert.last_error
    assert len(smtp.messages) == 1 and webhook.posts == []
    # the next run: the webhook answers again; it gets the alert, the mailbox does not get it twice
    webhook.fail = False
    history.add_run(store, 3)
    second = run_alerts(store.engine, rules)
    assert second.deliveries_failed == [] and sum(second.new.values()) == 0
    assert len(smtp.messages) == 1
    [post] = webhook.posts
    assert history.PLAN_URL in post["message"]
    [alert] = _alerts(store)
    assert alert.state == "sent" and alert.attempts == 2 and alert.last_error is None
    # and then never again
    third = run_alerts(store.engine, rules)
    assert third.messages_sent == 0 and len(webhook.posts) == 1 and len(smtp.messages) == 1


def test_unreachable_smtp_server_is_a_recorded_failure_not_a_crash(store, smtp, tmp_path):
    dead = f"mailto://127.0.0.1:{free_port()}?from=cchc-watch@example.vn&to=ops@example.vn&mode=insecure"
    rules = load_rules(_rules(tmp_path, dead))
    summary = run_alerts(store.engine, rules)
    assert summary.messages_sent == 0 and len(summary.deliveries_failed) == 1
    [alert] = _alerts(store)
    assert alert.state == "failed" and alert.last_error
    # the server is back (another port in the file): the alert goes out on the next evaluation
    rules = load_rules(_rules(tmp_path, smtp.url()))
    summary = run_alerts(store.engine, rules)
    assert summary.messages_sent == 1 and len(smtp.messages) == 1
    assert "Kế hoạch tuyên truyền CCHC năm 2026" in smtp.messages[0].html


def test_digest_is_one_message_per_day_sent_by_the_next_day(store, webhook, tmp_path):
    rules = load_rules(_rules(tmp_path, webhook.url(), delivery="digest"))
    summary = run_alerts(store.engine, rules)  # run 2 (03/03): queued, not sent yet
    assert sum(summary.new.values()) == 1 and summary.messages_sent == 0 and webhook.posts == []
    assert [a.state for a in _alerts(store)] == ["queued"]
    history.add_run(store, 3)  # 04/03: the digest of 03/03 goes out
    run_alerts(store.engine, rules)
    [post] = webhook.posts
    assert post["title"] == "[CCHC Watch] Tổng hợp ngày 03/03/2026: Kế hoạch mới được công bố"
    assert history.PLAN_URL in post["message"]
    assert [a.state for a in _alerts(store)] == ["sent"]
