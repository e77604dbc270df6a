"""Every alert kind on a known history (tests/alerts/history.py), on SQLite and PostgreSQL: each alert
arrives at the webhook once, in the run where its change happened, and never again — not when the
same run is evaluated again, not when a second crawl of the same day is evaluated."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import history
from alerts.config import load_rules
from alerts.engine import run_alerts
from pgtest import create_database, drop_database
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


def test_layout_changed_kind_is_built_on_the_canarys_function(tmp_path, webhook, monkeypatch):
    """The canary (another branch) provides `reports.health.layout_changes(session, run_id)`; with a
    module of that shape present, `layout_changed` is a kind like the others: scoped, once per day."""
    import dataclasses
    import importlib
    import types

    from alerts.registry import KINDS

    @dataclasses.dataclass
    class Fall:
        metric: str
        value: float
        median: float

    @dataclasses.dataclass
    class Change:
        portal_id: str
        run_id: int
        metrics: list

    calls = []

    def layout_changes(session, run_id):
        calls.append(run_id)
        return [Change("p-gamma", run_id, [Fall("title", 0.1, 0.95)]), Change("x-beta", run_id, [Fall("date", 0.0, 0.9)])] \
            if run_id >= 2 else []

    fake = types.ModuleType("reports.health")
    fake.layout_changes = layout_changes
    monkeypatch.setitem(__import__("sys").modules, "reports.health", fake)
    import alerts.kinds.layout as layout

    try:
        importlib.reload(layout)
        assert "layout_changed" in KINDS
        path = tmp_path / "alerts.yaml"
        path.write_text(f"rules:\n  - id: giao-dien\n    kind: layout_changed\n    scope: {{province: Sơn La}}\n"
                        f"    recipients: [{webhook.url()}]\n", encoding="utf-8")
        rules = load_rules(path)
        url = f"sqlite:///{tmp_path}/layout.sqlite"
        with Store.open(url) as store:
            store.sync_portals(history.PORTALS)
            for day in (1, 2):
                history.add_run(store, day)
                run_alerts(store.engine, rules)
            history.add_run(store, 2)  # a second crawl of day 2: the same finding
            run_alerts(store.engine, rules)
        assert calls == [1, 2, 3]
        [post] = webhook.posts
        assert "UBND tỉnh Sơn La: trang của cổng không còn cho kết quả như trước (title 0,1 / 0,95)" in post["message"]
        assert "Mường Phăng" not in post["message"]  # out of the rule's scope
        assert "https://gamma.gov.vn/" in post["message"]
    finally:
        KINDS.pop("layout_changed", None)
