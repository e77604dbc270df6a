"""End to end (issue 14, "Done when"): `cchc demo --days 3` with a rules file covering every alert kind.
The scheduled-run path evaluates the rules after each day's crawl; the alerts expected from the
simulator's own record (its changes of each day, its faults, its widget figures and the deadline
given) reach a REAL SMTP server and a webhook receiver on loopback exactly once, in the run of their
day — and not again when the rules are evaluated again afterwards."""
from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.registry import load_registry
from sim.calendar import date_of_day
from sim.site import igate_rate
from sim.world import World

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
DAYS = 3
FAST = {"CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "4", "CCHC_DOWNLOAD_TIMEOUT": "10",
        "CCHC_SIM_SLOW_SECONDS": "14", "CCHC_EXTRACT_WORKERS": "1"}
#: faults that leave a portal unreachable every day (sim/README.md "Faults")
DOWN_FAULTS = {"timeout", "error_500", "waf_block"}
PROVINCE = "Điện Biên"
DEADLINE = date_of_day(2)  # 03/03/2026: passed on day 3
RULES = """\
rules:
  - {{id: ke-hoach-tuyen-truyen, kind: plan_found, year: 2026, plan_kind: propaganda_plan, recipients: [{r}]}}
  - {{id: ke-hoach-cchc, kind: plan_found, year: 2026, plan_kind: plan, recipients: [{r}]}}
  - {{id: qua-han, kind: past_deadline, year: 2026, scope: {{province: dien bien}}, recipients: [{r}]}}
  - {{id: cong-sap, kind: portal_down, runs: 1, recipients: [{r}]}}
  - {{id: tre-han, kind: widget_late_rose, scope: {{province: dien bien}}, recipients: [{r}]}}
  - {{id: dung-han, kind: widget_on_time_below, threshold: 97, recipients: [{r}]}}
  - {{id: widget-cu, kind: widget_stale, days: 1, recipients: [{r}]}}
  - {{id: sua, kind: document_changed, recipients: [{r}]}}
  - {{id: go, kind: document_removed, only_cchc: false, recipients: [{r}]}}
"""


def expected_alerts() -> set[tuple[str, int, str, str]]:
    """(rule, day, portal, event) from the simulator's own record of each day."""
    worlds = {d: World(seed=0, day=d) for d in range(1, DAYS + 1)}
    last = worlds[DAYS]
    registry = {p.id: p for p in load_registry()}
    out: set[tuple[str, int, str, str]] = set()
    for c in last.changes:
        if c.day > DAYS:
            continue
        if c.kind == "added":
            rule = {"propaganda_plan": "ke-hoach-tuyen-truyen", "plan": "ke-hoach-cchc"}[c.article.category]
            assert c.article.plan_year == 2026
            out.add((rule, c.day, c.portal_id, "found"))
        elif c.kind == "edited":
            out.add(("sua", c.day, c.portal_id, "changed"))
        elif c.kind == "removed":
            out.add(("go", c.day, c.portal_id, "removed"))
        elif c.kind == "down":
            out.add(("cong-sap", c.day, c.portal_id, "down"))
            out.add(("cong-sap", c.day + 1, c.portal_id, "up"))
    for pid in registry:
        if last.fault(pid) in DOWN_FAULTS:
            out.add(("cong-sap", 1, pid, "down"))  # down from the first day, one streak: one alert
    for pid, portal in registry.items():
        if last.fault(pid) in DOWN_FAULTS:
            continue
        shown = {d: worlds[d].widget(pid) for d in worlds}
        if shown[1] is None:
            continue
        seen = [d for d in worlds if not (pid == "p-lamdong" and d == 2)]  # no reading while it is down
        # an iframe widget (the one-door page) shows only its clamped rate, no late count (sim/site.py)
        iframe = shown[1].how == "iframe"
        rate = float(igate_rate(shown[1], "0").replace(",", ".")) if iframe else shown[1].rate_on_time
        if rate < 97:
            out.add(("dung-han", 1, pid, "below"))
        for d in seen:
            age = (date_of_day(d) - shown[d].updated_at.date()).days
            if age > 1 and not any(("widget-cu", e, pid, "stale") in out for e in seen):
                out.add(("widget-cu", d, pid, "stale"))
        if portal.province == PROVINCE and not iframe:
            for before, d in zip(seen, seen[1:]):
                if shown[d].late > shown[before].late:
                    out.add(("tre-han", d, pid, "late_rose"))
    # past the deadline on day 3 with no propaganda plan for 2026 among what the unit published
    for pid, portal in registry.items():
        if portal.province != PROVINCE:
            continue
        has_plan = any(a.category == "propaganda_plan" and a.plan_year == 2026 and not a.removed
                       for a in last.articles(pid))
        if not has_plan and date_of_day(DAYS) > DEADLINE:
            out.add(("qua-han", DAYS, pid, "past_deadline"))
    return out


def stored_alerts(db: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "cli", "alerts", "list", "--db", str(db), "--format", "json",
                           "--limit", "1000"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def check_deliveries(db: Path, smtp, webhook) -> None:
    """Every expected alert stored, sent, and in exactly one message of its rule and run, by mail and webhook."""
    rows = stored_alerts(db)
    got = {(r["rule"], r["run"], r["portal"], r["event"]) for r in rows}
    assert len(got) == len(rows)  # one row per finding
    want = expected_alerts()
    assert got == want, (sorted(got - want), sorted(want - got))
    assert {r["state"] for r in rows} == {"sent"}, {r["last_error"] for r in rows}
    by_message: dict[tuple[str, int], list[dict]] = collections.defaultdict(list)
    for r in rows:
        by_message[(r["rule"], r["run"])].append(r)
    for name, messages in (("smtp", [(m.subject, m.html) for m in smtp.messages]),
                           ("webhook", [(p["title"], p["message"]) for p in webhook.posts])):
        keys = []
        for subject, body in messages:
            run = int(re.search(r"lần quét (\d+) ngày", subject).group(1))
            rule = re.search(r"Quy tắc «([^»]+)»", body).group(1)
            keys.append((rule, run))
            alerts = by_message[(rule, run)]
            assert f"{len(alerts)} cảnh báo" in body, (name, rule, run)
            for r in alerts:
                if r["url"]:
                    assert body.count(r["url"]) == (2 if name == "smtp" else 1), (name, r["url"])  # href + text in HTML
        assert sorted(keys) == sorted(by_message), name  # one message per rule and run, no more, no fewer


@pytest.fixture
def demo_env(tmp_path: Path, smtp, webhook) -> dict[str, str]:
    rules = tmp_path / "alerts.yaml"
    rules.write_text(RULES.format(r=f"'{smtp.url()}', '{webhook.url()}'"), encoding="utf-8")
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "deadlines.yaml").write_text(
        f"deadlines:\n- {{province: {PROVINCE}, level: '*', year: 2026, kind: propaganda_plan, "
        f"deadline: {DEADLINE.isoformat()}, source: Công văn 1/UBND-NV}}\n", encoding="utf-8")
    env = {**os.environ, **FAST, "CCHC_FILES_STORE": str(tmp_path / "files"), "CCHC_LOG_DIR": str(tmp_path / "logs"),
           "CCHC_ALERTS": str(rules), "CCHC_CONFIG_DIR": str(cfg)}
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "CCHC_DB", "CCHC_OBSERVED_ON"):
        env.pop(k, None)
    return env


def test_demo_three_days_delivers_each_expected_alert_exactly_once(tmp_path, demo_env, smtp, webhook):
    db = tmp_path / "demo.sqlite"
    proc = subprocess.run([sys.executable, "-m", "cli", "demo", "--days", str(DAYS), "--db", str(db)], cwd=ROOT,
                          env=demo_env, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for day in range(1, DAYS + 1):
        assert f"run {day} ({date_of_day(day):%d/%m/%Y}): " in proc.stdout  # evaluated after each day's crawl
    check_deliveries(db, smtp, webhook)
    mails, posts = len(smtp.messages), len(webhook.posts)
    # evaluating again (the latest run, then an earlier one) sends nothing
    for extra in ((), ("--run", "2")):
        again = subprocess.run([sys.executable, "-m", "cli", "alerts", "run", "--db", str(db), *extra], cwd=ROOT,
                               env=demo_env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        assert "0 new alert(s)" in again.stdout and "0 message(s) sent" in again.stdout
    assert (len(smtp.messages), len(webhook.posts)) == (mails, posts)
