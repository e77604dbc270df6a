"""End to end (issue 14, "Done when"): `cchc demo --days 3 --template-change p-tayninh:3` with a rules
file covering every alert kind (layout_changed included), crawled once for the whole module:
- the scheduled-run path evaluates the rules after each day's crawl; the alerts expected from the
  simulator's own record (its changes of each day, its faults, its widget figures, the deadline given,
  the portal whose template changes on day 3) reach a REAL SMTP server and a webhook receiver on
  loopback exactly once, in the run of their day, and not again when the rules are evaluated again;
- the drift canary flags exactly that portal on day 3 (the demo's summary, `cchc report health`);
- an evidence pack of a seed unit of that database verifies and opens offline in headless Chromium;
- `cchc report reconcile` shows every province with the index the simulator published."""
from __future__ import annotations

import collections
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from offline_chromium import offline_chromium, requested_urls
from receivers import SmtpServer, Webhook
from selenium.webdriver.common.by import By

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
#: the portal that moves to a client-rendered platform on day 3 (`cchc demo --template-change`)
CHANGED, CHANGE_DAY = "p-tayninh", 3
#: a seed unit (sim/data/seeds/002: its 2022 propaganda plan) whose evidence pack is built and opened
SEED_UNIT, SEED_YEAR, SEED_NUMBER = "d-sldtbxh-dienbien", "2022", "4289/KH-UBND"
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
  - {{id: giao-dien, kind: layout_changed, recipients: [{r}]}}
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
    out.add(("giao-dien", CHANGE_DAY, CHANGED, "layout_changed"))  # the canary's one episode
    for pid, portal in registry.items():
        if last.fault(pid) in DOWN_FAULTS:
            continue
        shown = {d: worlds[d].widget(pid) for d in worlds}
        if shown[1] is None:
            continue
        seen = [d for d in worlds if not (pid == "p-lamdong" and d == 2)  # no reading while it is down
                and not (pid == CHANGED and d >= CHANGE_DAY)]  # nor from the client-rendered shell
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


@dataclass
class Demo:
    db: Path
    stdout: str
    env: dict[str, str]
    smtp: SmtpServer
    webhook: Webhook


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """`cchc demo --days 3 --template-change p-tayninh:3`, the rules file naming both receivers."""
    tmp = tmp_path_factory.mktemp("demo")
    smtp, webhook = SmtpServer().start(), Webhook().start()
    try:
        rules = tmp / "alerts.yaml"
        rules.write_text(RULES.format(r=f"'{smtp.url()}', '{webhook.url()}'"), encoding="utf-8")
        cfg = tmp / "cfg"
        cfg.mkdir()
        (cfg / "deadlines.yaml").write_text(
            f"deadlines:\n- {{province: {PROVINCE}, level: '*', year: 2026, kind: propaganda_plan, "
            f"deadline: {DEADLINE.isoformat()}, source: Công văn 1/UBND-NV}}\n", encoding="utf-8")
        env = {**os.environ, **FAST, "CCHC_FILES_STORE": str(tmp / "files"), "CCHC_LOG_DIR": str(tmp / "logs"),
               "CCHC_ALERTS": str(rules), "CCHC_CONFIG_DIR": str(cfg),
               # incremental crawls (conditional requests, listings stopping at known items, sightings
               # without fetch rows), every known document re-checked each day: the expectations are the
               # simulator's changes on the day they happen, and an edit the simulator signals only in its
               # own page (no feed entry, no listing change; sitemap lastmod is not relied on) or a
               # removal is found when it is re-checked or re-read (CCHC_RECHECK_DAYS, 7 by default, for a
               # document no source links; CCHC_REREAD_DAYS, 28 to CCHC_REREAD_MAX_DAYS, 112, by its age, for
               # a linked one: all 1 here, every day; tests/crawler/test_incremental.py tests the defaults)
               "CCHC_RECHECK_DAYS": "1", "CCHC_REREAD_DAYS": "1", "CCHC_REREAD_MAX_DAYS": "1"}
        for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "CCHC_DB", "CCHC_OBSERVED_ON",
                  "CCHC_SIM_TEMPLATE_CHANGE"):
            env.pop(k, None)
        db = tmp / "demo.sqlite"
        proc = subprocess.run([sys.executable, "-m", "cli", "demo", "--days", str(DAYS), "--db", str(db),
                               "--template-change", f"{CHANGED}:{CHANGE_DAY}"], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=1500)
        assert proc.returncode == 0, proc.stderr[-3000:]
        yield Demo(db, proc.stdout, env, smtp, webhook)
    finally:
        smtp.stop()
        webhook.stop()


def cchc(demo: Demo, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=demo.env, capture_output=True,
                          text=True, timeout=300)


def test_demo_three_days_delivers_each_expected_alert_exactly_once(demo: Demo):
    smtp, webhook = demo.smtp, demo.webhook
    for day in range(1, DAYS + 1):
        assert f"run {day} ({date_of_day(day):%d/%m/%Y}): " in demo.stdout  # evaluated after each day's crawl
    check_deliveries(demo.db, smtp, webhook)
    # the layout alert: one message by each way, in day 3's run, naming the portal and the figures that fell
    layout = [r for r in stored_alerts(demo.db) if r["rule"] == "giao-dien"]
    assert [(r["portal"], r["run"], r["observed_on"]) for r in layout] == [(CHANGED, 3, date_of_day(3).isoformat())]
    fell = {m["metric"] for m in layout[0]["details"]["metrics"]}
    assert {"date_share", "text_share", "widget_share"} <= fell
    unit = load_registry()[CHANGED].name
    for name, bodies in (("smtp", [m.html for m in smtp.messages]), ("webhook", [p["message"] for p in webhook.posts])):
        said = [b for b in bodies if "Quy tắc «giao-dien»" in b]
        assert len(said) == 1, name
        assert f"{unit}: trang của cổng không còn cho kết quả như trước (" in said[0], name
        assert "Tỷ lệ có ngày đăng 0% / " in said[0] and "có thể đã đổi giao diện" in said[0], name
    mails, posts = len(smtp.messages), len(webhook.posts)
    # evaluating again (the latest run, then an earlier one) sends nothing
    for extra in ((), ("--run", "2")):
        again = cchc(demo, "alerts", "run", "--db", str(demo.db), *extra)
        assert again.returncode == 0, again.stderr
        assert "0 new alert(s)" in again.stdout and "0 message(s) sent" in again.stdout
    assert (len(smtp.messages), len(webhook.posts)) == (mails, posts)


def test_the_canary_flags_the_changed_portal_on_its_day_only(demo: Demo):
    lines = demo.stdout.splitlines()
    heads = [i for i, line in enumerate(lines) if line.startswith("Giao diện đã thay đổi? (")]
    assert len(heads) == 1  # one day's summary names portals whose layout changed: day 3's, the last
    assert heads[0] > demo.stdout[:demo.stdout.index(f"run 2 ({date_of_day(2):%d/%m/%Y}): ")].count("\n")
    flagged = []
    for line in lines[heads[0] + 1:]:
        if not line.startswith("  - "):
            break
        flagged.append(line[4:].split(":", 1)[0])
    assert flagged == [CHANGED]
    health = cchc(demo, "report", "health", "--days", "7", "--format", "json", "--db", str(demo.db))
    assert health.returncode == 0, health.stderr
    rows = json.loads(health.stdout)
    assert {(r["portal"], r["run"]) for r in rows if r["layout_changed"]} == {(CHANGED, 3)}
    assert {r["run"] for r in rows if r["portal"] == CHANGED} == {1, 2, 3}


def test_an_evidence_pack_of_a_seed_unit_verifies_and_opens_offline(demo: Demo, tmp_path: Path):
    out = tmp_path / "seed.zip"
    made = cchc(demo, "evidence", "pack", SEED_UNIT, "--year", SEED_YEAR, "--out", str(out), "--db", str(demo.db))
    assert made.returncode == 0, made.stderr
    ok = cchc(demo, "evidence", "verify", str(out))
    assert ok.returncode == 0 and ok.stdout.startswith("ok: "), ok.stderr
    coverage = cchc(demo, "report", "coverage", "--year", SEED_YEAR, "--format", "json", "--db", str(demo.db))
    row = next(r for r in json.loads(coverage.stdout) if r["portal"] == SEED_UNIT)
    assert row["found"] and row["url"]
    with zipfile.ZipFile(out) as zf:
        zf.extractall(tmp_path / "opened")
        page = zf.read("documents/01/page.html").decode("utf-8")
    assert SEED_NUMBER in page  # the seed page's own words, as the portal served them
    index = tmp_path / "opened" / "index.html"
    unit = load_registry()[SEED_UNIT].name
    with offline_chromium(tmp_path / "profile") as browser:
        browser.get(index.as_uri())
        time.sleep(1.5)
        assert browser.title == f"Hồ sơ bằng chứng — {unit} — {SEED_YEAR}"
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith(f"Hồ sơ bằng chứng: {unit}")
        frames = browser.find_elements(By.CSS_SELECTOR, "iframe")
        assert frames and all(f.get_attribute("sandbox") == "" for f in frames)
        browser.switch_to.frame(frames[0])
        shown = browser.find_element(By.TAG_NAME, "body").text
        assert "Kế hoạch Tuyên truyền Cải cách hành chính Nhà nước năm 2022" in shown and SEED_NUMBER in shown
        browser.switch_to.default_content()
        requested = requested_urls(browser)
    assert index.as_uri() in requested
    assert [u for u in requested if not u.startswith(("file:", "data:", "about:", "chrome:"))] == []


def test_reconcile_shows_every_province_with_its_index(demo: Demo):
    proc = cchc(demo, "report", "reconcile", "--year", "2026", "--format", "json", "--db", str(demo.db))
    assert proc.returncode == 0, proc.stderr
    rows = {r["portal"]: r for r in json.loads(proc.stdout)["rows"]}
    provinces = {p.id for p in load_registry().portals if p.level == "province"}
    assert set(rows) == provinces and len(provinces) == 34
    days = {date_of_day(d).isoformat(): d for d in range(1, DAYS + 1)}
    for pid, row in rows.items():
        assert row["index_total"] is not None, pid
        truth = World(seed=0, day=days[row["index_observed_on"]]).index766().row(pid)
        assert row["index_total"] == pytest.approx(truth.total) and row["tdgq"] == truth.scores["TDGQ"], pid
