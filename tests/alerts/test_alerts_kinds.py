"""Every alert kind on a known history (tests/alerts/history.py), on SQLite and PostgreSQL: each alert
arrives at the webhook once, in the run where its change happened, and never again — not when the
same run is evaluated again, not when a second crawl of the same day is evaluated."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import history
import pytest
from pgtest import create_database, drop_database

from alerts.config import load_rules
from alerts.engine import run_alerts
from storage import Store

RULES = """\
rules:
  - id: ke-hoach
    kind: plan_found
    year: 2026
    recipients: [{hook}]
  - id: qua-han
    kind: past_deadline
    year: 2026
    scope: {{province: dien bien}}
    recipients: [{hook}]
  - id: cong-sap
    kind: portal_down
    runs: 2
    recipients: [{hook}]
  - id: tre-han
    kind: widget_late_rose
    recipients: [{hook}]
  - id: dung-han
    kind: widget_on_time_below
    threshold: 97
    recipients: [{hook}]
  - id: widget-cu
    kind: widget_stale
    days: 1
    scope: {{level: xã}}
    recipients: [{hook}]
  - id: sua
    kind: document_changed
    recipients: [{hook}]
  - id: go
    kind: document_removed
    only_cchc: false
    scope: {{units: [p-gamma]}}
    recipients: [{hook}]
"""
#: run -> {rule: lines expected in its message}: what the history changed each day
EXPECTED = {
    1: {},
    2: {"ke-hoach": ["UBND tỉnh Điện Biên: Kế hoạch tuyên truyền CCHC năm 2026 — số 12/KH-UBND, ban hành 27/02/2026, "
                     "đăng 03/03/2026"],
        "sua": ["UBND xã Mường Phăng: «Kế hoạch CCHC năm 2025» (số 7/KH-UBND) có phiên bản mới 2 (trước đó: 1)"],
        "tre-han": ["UBND tỉnh Điện Biên: số hồ sơ trễ hạn tăng từ 10 (ngày 02/03/2026) lên 12"],
        "dung-han": ["UBND tỉnh Điện Biên: tỷ lệ đúng hạn 96%, dưới ngưỡng 97% (lần trước: 99%)"]},
    3: {"cong-sap": ["UBND tỉnh Sơn La: không truy cập được 2 lần quét liên tiếp, từ ngày 03/03/2026 (HTTP 502)"],
        "qua-han": ["UBND xã Mường Phăng: chưa có Kế hoạch tuyên truyền CCHC năm 2026, đã quá hạn 03/03/2026 (1 ngày"],
        "widget-cu": ["UBND xã Mường Phăng: widget TTHC cập nhật lần cuối ngày 02/03/2026, đã 2 ngày"]},
    4: {"cong-sap": ["UBND tỉnh Sơn La: đã truy cập được trở lại sau 2 lần quét không truy cập được (từ ngày 03/03/2026)"],
        "tre-han": ["UBND tỉnh Điện Biên: số hồ sơ trễ hạn tăng từ 12 (ngày 04/03/2026) lên 15"],
        "go": ["UBND tỉnh Sơn La: «Thông báo lịch tiếp dân» (số –) đã bị gỡ (HTTP 404)"]},
}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/alerts.sqlite"
        return
    admin = request.getfixturevalue("pg_admin")
    name, url = create_database(admin, "cchc_alerts")
    try:
        yield url
    finally:
        drop_database(admin, name)


@pytest.fixture
def deadlines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The user's own deadline (as `cchc deadlines import` stores it): Điện Biên, every level, 03/03/2026."""
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "deadlines.yaml").write_text(
        "deadlines:\n- {province: Điện Biên, level: '*', year: 2026, kind: propaganda_plan, deadline: 2026-03-03, "
        "source: Công văn 1/UBND-NV}\n", encoding="utf-8")
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(cfg))


def _messages(posts: list[dict]) -> dict[str, str]:
    out = {}
    for p in posts:
        rule = p["message"].split("«", 1)[1].split("»", 1)[0]
        assert rule not in out, f"two messages for rule {rule} in one run"
        out[rule] = p["message"]
    return out


def test_each_kind_alerts_once_in_the_run_of_its_change(db_url, webhook, deadlines, tmp_path):
    rules_path = tmp_path / "alerts.yaml"
    rules_path.write_text(RULES.format(hook=webhook.url()), encoding="utf-8")
    rules = load_rules(rules_path)
    with Store.open(db_url) as store:
        store.sync_portals(history.PORTALS)
        for day in range(1, 5):
            run = history.add_run(store, day)
            before = len(webhook.posts)
            summary = run_alerts(store.engine, rules)
            assert summary.run == run and not summary.deliveries_failed and not summary.rule_errors
            got = _messages(webhook.posts[before:])
            assert sorted(got) == sorted(EXPECTED[day]), (day, got)
            for rule, lines in EXPECTED[day].items():
                for line in lines:
                    assert line in got[rule], (day, rule, got[rule])
            # the same run evaluated again: nothing new, nothing sent
            again = run_alerts(store.engine, rules)
            assert sum(again.new.values()) == 0 and again.messages_sent == 0
        # a second crawl of the same day (day 4 again): same findings, already stored, nothing sent
        before = len(webhook.posts)
        store_run = history.add_run(store, 4)
        summary = run_alerts(store.engine, rules)
        assert summary.run == store_run and sum(summary.new.values()) == 0
        assert webhook.posts[before:] == []


def test_message_carries_the_evidence_and_escapes_portal_text(db_url, webhook, tmp_path):
    rules_path = tmp_path / "alerts.yaml"
    rules_path.write_text(RULES.format(hook=webhook.url()), encoding="utf-8")
    with Store.open(db_url) as store:
        store.sync_portals(history.PORTALS)
        for day in (1, 2):
            history.add_run(store, day)
        run_alerts(store.engine, load_rules(rules_path))
    plan = _messages(webhook.posts)["ke-hoach"]
    assert history.PLAN_URL in plan  # the link to the evidence
    assert webhook.posts[0]["title"].startswith("[CCHC Watch] ")
    assert "<script>" not in plan and "<a href" not in plan
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in plan


def _yields(store: Store, run: int, good: dict[str, bool]) -> None:
    """What each portal's pages yielded in `run`, as the canary's table holds it: 20 pages extracted,
    all with a title; with a date and a main text only when the portal's template is `good`."""
    import sqlalchemy as sa

    from storage.health_models import PortalYield

    with store.engine.begin() as conn:
        conn.execute(sa.delete(PortalYield).where(PortalYield.run_id == run))
        for pid, ok in good.items():
            conn.execute(sa.insert(PortalYield).values(
                run_id=run, portal_id=pid, reachable=True, pages_fetched=40, pages_extracted=20, with_title=20,
                with_date=20 if ok else 0, with_text=20 if ok else 0, cchc_pages=0, cchc_with_number=0,
                widget_readings=1))


def test_layout_changed_kind_is_built_on_the_canarys_function(db_url, tmp_path, webhook):
    """`layout_changed` on the real canary (`reports.health.layout_changes`): scoped like every kind, and
    one alert per episode: a portal flagged on consecutive runs (and on a second crawl of the same
    day) is told once; after a run judged sound, a new fall is a new alert."""
    import datetime as dt

    from alerts.registry import KINDS

    assert "layout_changed" in KINDS  # registered because the canary is present
    path = tmp_path / "alerts.yaml"
    path.write_text(f"rules:\n  - id: giao-dien\n    kind: layout_changed\n    scope: {{province: Sơn La}}\n"
                    f"    recipients: [{webhook.url()}]\n", encoding="utf-8")
    rules = load_rules(path)
    # day -> is p-gamma's template sound (x-beta, out of the rule's scope, falls with it)
    days = [(1, True), (2, True), (3, False), (4, False), (4, False), (5, True), (6, False)]
    sent_after: list[int] = []
    with Store.open(db_url) as store:
        store.sync_portals(history.PORTALS)
        for day, ok in days:
            run = store.start_run(trigger="schedule", observed_on=history.DAY1 + dt.timedelta(days=day - 1))
            store.save_items(run, [history.health(p["id"], True) for p in history.PORTALS])
            store.finish_run(run, status="complete")
            _yields(store, run, {"p-alpha": True, "x-beta": ok, "p-gamma": ok})
            summary = run_alerts(store.engine, rules)
            assert summary.run == run and not summary.deliveries_failed and not summary.rule_errors
            sent_after.append(len(webhook.posts))
    # flagged in runs 3, 4, 5 (one episode: told in run 3) and 7 (after run 6 judged sound: told again)
    assert sent_after == [0, 0, 1, 1, 1, 1, 2]
    first, second = webhook.posts
    # the medians: days 1 and 2 for run 3; runs 1..6 (sound, sound, fallen ×3, sound) for run 7
    for post, run, median in ((first, 3, "100%"), (second, 7, "50%")):
        assert f"lần quét {run} ngày" in post["title"]
        assert (f"UBND tỉnh Sơn La: trang của cổng không còn cho kết quả như trước (Tỷ lệ có ngày đăng 0% / {median}, "
                f"Tỷ lệ có nội dung 0% / {median}) — có thể đã đổi giao diện") in post["message"]
        assert "Mường Phăng" not in post["message"]  # out of the rule's scope
        assert "https://gamma.gov.vn/" in post["message"]
