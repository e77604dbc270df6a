"""`cchc alerts run|list|test` as users run them, the rules file's bad input (`FILE:LINE: field 'F'`),
and the scheduler's hook (a rules file in $CCHC_ALERTS is checked before the daemon starts and
evaluated after each completed crawl)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import history
import pytest
from receivers import free_port

import scheduler
from storage import Store

ROOT = Path(__file__).resolve().parents[2]


def cchc(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    if "CCHC_ALERTS" not in (env or {}):
        full.pop("CCHC_ALERTS", None)
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=full, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/alerts.sqlite"
    history.build(url, days=2)
    return url


GOOD = "rules:\n  - id: ke-hoach\n    kind: plan_found\n    year: 2026\n    recipients: [{hook}]\n"
BAD = [
    ("rules:\n  - id: a\n    kind: plan_fund\n    year: 2026\n    recipients: [json://h/x]\n",
     ":3: field 'kind': unknown kind 'plan_fund' (known: document_changed, document_removed, layout_changed, past_deadline, "
     "plan_found, portal_down, widget_late_rose, widget_on_time_below, widget_stale)"),
    ("rules:\n  - id: a\n    kind: widget_on_time_below\n    threshold: chín lăm\n    recipients: [json://h/x]\n",
     ":4: field 'threshold': must be a number, not 'chín lăm'"),
    ("rules:\n  - id: a\n    kind: widget_on_time_below\n    threshold: 120\n    recipients: [json://h/x]\n",
     ":4: field 'threshold': must be at most 100"),
    ("rules:\n  - id: a\n    kind: plan_found\n    recipients: [json://h/x]\n",
     ":2: field 'year': required (the plan year, e.g. 2026)"),
    ("rules:\n  - id: a\n    kind: portal_down\n    recipients:\n      - json://h/x\n      - 'khong phai url'\n",
     ":6: field 'recipients[1]': not a recipient URL apprise can deliver to"),
    ("rules:\n  - id: a\n    kind: portal_down\n    recipients: [json://h/x]\n"
     "  - id: a\n    kind: portal_down\n    recipients: [json://h/x]\n", ":5: field 'id': rule id 'a' is used twice"),
    ("rules:\n  - id: a\n    kind: portal_down\n    scope:\n      level: thôn\n    recipients: [json://h/x]\n",
     ":5: field 'scope.level': unknown level 'thôn'"),
    ("rules:\n  - id: a\n    kind: widget_on_time_below\n    treshold: 95\n    recipients: [json://h/x]\n",
     ":4: field 'treshold': not a field of a widget_on_time_below rule"),
    ("rules:\n  - id: a\n    kind: portal_down\n    delivery: weekly\n    recipients: [json://h/x]\n",
     ":4: field 'delivery': use each or digest"),
    ("rules: []\n", ":1: field 'rules': the file needs `rules:`, a list of at least one rule"),
    ("rules:\n  - id: a\n    kind: [\n", ":4: not valid YAML"),
]


@pytest.mark.parametrize("text,expected", BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_malformed_rules_file_is_refused_with_file_line_and_field(text, expected, db, tmp_path):
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    sqlite_file = Path(db.removeprefix("sqlite:///"))
    before = hashlib.sha256(sqlite_file.read_bytes()).hexdigest()
    proc = cchc("alerts", "run", "--config", str(path), "--db", db)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == [lines[0]] and lines[0].startswith(f"error: {path}:")
    assert expected in lines[0], lines[0]
    assert proc.stdout == ""
    assert hashlib.sha256(sqlite_file.read_bytes()).hexdigest() == before  # nothing stored, no migration


def test_missing_rules_file_and_unknown_run_are_errors(db, tmp_path, webhook):
    proc = cchc("alerts", "run", "--db", db)
    assert proc.returncode == 2 and proc.stderr.startswith("error: no rules file: give --config FILE or set $CCHC_ALERTS")
    proc = cchc("alerts", "run", "--config", str(tmp_path / "nope.yaml"), "--db", db)
    assert proc.returncode == 2 and "nope.yaml: cannot read the rules file" in proc.stderr
    good = tmp_path / "alerts.yaml"
    good.write_text(GOOD.format(hook=webhook.url()), encoding="utf-8")
    proc = cchc("alerts", "run", "--run", "9", "--config", str(good), "--db", db)
    assert proc.returncode == 2 and proc.stderr.strip() == "error: --run 9: there is no run 9 (runs 1..2; see `cchc export runs`)"
    missing = tmp_path / "none.sqlite"
    proc = cchc("alerts", "run", "--config", str(good), "--db", str(missing))
    assert proc.returncode == 2 and proc.stderr.startswith(f"error: there is no database at {missing}")
    assert not missing.exists()  # nothing created
    assert webhook.posts == []


def test_run_list_and_test_commands(db, tmp_path, webhook, smtp):
    rules = tmp_path / "alerts.yaml"
    rules.write_text(GOOD.format(hook=webhook.url()), encoding="utf-8")
    proc = cchc("alerts", "run", "--config", str(rules), "--db", db)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("run 2 (03/03/2026): 1 new alert(s) (ke-hoach: 1); 1 message(s) sent")
    assert len(webhook.posts) == 1
    proc = cchc("alerts", "run", "--config", str(rules), "--db", db, "--run", "2")  # a re-run of the same day
    assert proc.returncode == 0 and "0 new alert(s)" in proc.stdout and len(webhook.posts) == 1

    rows = json.loads(cchc("alerts", "list", "--db", db, "--format", "json").stdout)
    [row] = rows
    assert (row["rule"], row["kind"], row["portal"], row["run"], row["observed_on"], row["state"], row["url"]) == (
        "ke-hoach", "plan_found", "p-alpha", 2, "2026-03-03", "sent", history.PLAN_URL)
    assert row["sent_at"] and row["delivery"][0]["ok"] is True and row["delivery"][0]["target"].startswith("json://")
    table = cchc("alerts", "list", "--db", db).stdout
    assert "Cảnh báo đã lưu" in table and "Tình trạng gửi" in table and "đã gửi" in table and "có kế hoạch mới" in table
    assert "&lt;script&gt;" in table and "<script>" not in table
    table_en = cchc("alerts", "list", "--db", db, "--lang", "en").stdout
    assert "Stored alerts" in table_en and "Delivery" in table_en and " sent " in table_en

    rules.write_text(GOOD.format(hook=f"[{webhook.url()}, '{smtp.url()}']").replace("[[", "[").replace("]]", "]"),
                     encoding="utf-8")
    proc = cchc("alerts", "test", "--config", str(rules))
    assert proc.returncode == 0, proc.stderr
    assert len(webhook.posts) == 2 and webhook.posts[-1]["title"] == "[CCHC Watch] Tin thử của quy tắc «ke-hoach»"
    assert "Đây là tin thử" in webhook.posts[-1]["message"]
    [mail] = smtp.messages
    assert mail.subject == "[CCHC Watch] Tin thử của quy tắc «ke-hoach»"


def test_failed_delivery_exits_1_and_says_so(db, tmp_path):
    rules = tmp_path / "alerts.yaml"
    rules.write_text(GOOD.format(hook=f"json://127.0.0.1:{free_port()}/x"), encoding="utf-8")
    proc = cchc("alerts", "run", "--config", str(rules), "--db", db)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1].startswith("error: 1 delivery(ies) failed")
    assert "problem: rule 'ke-hoach' to json://127.0.0.1" in proc.stdout
    row = json.loads(cchc("alerts", "list", "--db", db, "--format", "json").stdout)[0]
    assert row["state"] == "failed" and row["sent_at"] is None
    proc = cchc("alerts", "test", "--config", str(rules))
    assert proc.returncode == 1 and "FAILED" in proc.stdout


def test_scheduler_refuses_a_bad_rules_file_before_starting(tmp_path, monkeypatch):
    bad = tmp_path / "alerts.yaml"
    bad.write_text(BAD[0][0], encoding="utf-8")
    monkeypatch.setenv("CCHC_ALERTS", str(bad))
    with pytest.raises(scheduler.SchedulerError, match=r"alerts.yaml:3: field 'kind': unknown kind 'plan_fund'"):
        scheduler.validate_options()


def test_scheduler_evaluates_rules_after_a_crawl_and_survives_a_dead_webhook(db, tmp_path, webhook, monkeypatch):
    rules = tmp_path / "alerts.yaml"
    rules.write_text(GOOD.format(hook=webhook.url()), encoding="utf-8")
    monkeypatch.delenv("CCHC_ALERTS", raising=False)
    assert scheduler.evaluate_alerts(db) is None  # no rules file configured: nothing to do
    monkeypatch.setenv("CCHC_ALERTS", str(rules))
    assert scheduler.evaluate_alerts(db) == 0
    assert len(webhook.posts) == 1
    dead = tmp_path / "dead.yaml"
    dead.write_text(GOOD.replace("ke-hoach", "ke-hoach-2").format(hook=f"json://127.0.0.1:{free_port()}/x"),
                    encoding="utf-8")
    monkeypatch.setenv("CCHC_ALERTS", str(dead))
    assert scheduler.evaluate_alerts(db) == 1  # recorded as failed, retried next run; no exception
    with Store.open(db) as store:
        from sqlalchemy import text

        with store.engine.connect() as conn:
            states = dict(conn.execute(text("SELECT rule, state FROM alerts")).all())
    assert states == {"ke-hoach": "sent", "ke-hoach-2": "failed"}


def test_the_documented_example_file_is_valid_and_covers_every_kind():
    from alerts.config import load_rules
    from alerts.kinds import KINDS

    example = ROOT / "alerts" / "data" / "alerts.example.yaml"
    rules = load_rules(example)
    assert "layout_changed" in KINDS  # the canary is in this tree
    assert {r.kind for r in rules.rules} == set(KINDS)


def test_two_evaluations_never_run_at_once(db, tmp_path, webhook):
    """An evaluation holding the database's alerts lock makes another wait, then give up sending nothing
    (both would otherwise send the same pending alert)."""
    from alerts.lock import alerts_lock
    from storage.engine import resolve_url

    rules = tmp_path / "alerts.yaml"
    rules.write_text(GOOD.format(hook=webhook.url()), encoding="utf-8")
    with alerts_lock(resolve_url(db)):
        proc = cchc("alerts", "run", "--config", str(rules), "--db", db, env={"CCHC_ALERTS_LOCK_WAIT": "1"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: another `cchc alerts run` on this database did not finish within 1 s; "
                                   "nothing was sent by this one: try again when it has")
    assert webhook.posts == []
    proc = cchc("alerts", "run", "--config", str(rules), "--db", db)
    assert proc.returncode == 0 and len(webhook.posts) == 1
    assert sorted(p.name for p in tmp_path.glob("*.lock")) == []  # released and removed
