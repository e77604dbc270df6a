"""The national 766 index end to end: real `cchc crawl` processes against the simulated network read
the national host once per run and store every province; `cchc report reconcile` shows each province
with its index and flags by the documented rule. Expected values come from the simulator's ground
truth (`world.index766()`) and from the stored widget readings, never from the report itself."""
from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from simcrawl import ROOT, Crawl
from sqlalchemy import create_engine, text

from crawler.registry import load_registry, province_key
from sim.national import COMPONENTS
from sim.network import SimNetwork

pytestmark = pytest.mark.slow

KEYS = {c: c.lower() for c, _ in COMPONENTS}


def stored_readings(db: Path, run: int) -> dict[str, dict]:
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = conn.execute(text("select * from index766_readings where run_id = :r"), {"r": run}).mappings().all()
    engine.dispose()
    return {r["province_key"]: dict(r) for r in rows}


def reconcile(db: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CCHC_DB"}
    proc = subprocess.run([sys.executable, "-m", "cli", "report", "reconcile", "--db", str(db), "--year", "2026",
                           "--format", "json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_a_crawl_stores_every_province_as_the_index_shows_it(full_crawl, network) -> None:
    db, stdout = full_crawl
    assert "Chỉ số 766 quốc gia vn-dvcqg-766 (2026): đọc được 34 tỉnh" in stdout
    truth = network.world.index766()
    assert len(truth.rows) == 34 and truth.missing  # day 1: every province, one component missing
    stored = stored_readings(db, 1)
    assert len(stored) == 34
    for row in truth.rows:
        got = stored[province_key(row.name)]
        assert got["province"] == row.name and got["rank"] == truth.rows.index(row) + 1
        for comp, _ in COMPONENTS:
            assert got[KEYS[comp]] == row.scores[comp], (row.name, comp)  # None stays None
        assert got["total"] == pytest.approx(row.total)
    (missing_pid, comp), = truth.missing.items()
    assert stored[province_key(truth.row(missing_pid).name)][KEYS[comp]] is None


def test_reconcile_shows_every_province_with_its_index_and_flags_by_the_rule(full_crawl, network) -> None:
    db, _ = full_crawl
    result = reconcile(db)
    registry = load_registry()
    provinces = [p for p in registry.portals if p.level == "province"]
    rows = {r["portal"]: r for r in result["rows"]}
    assert set(rows) == {p.id for p in provinces}
    truth = {r.portal_id: r for r in network.world.index766().rows}
    for pid, row in rows.items():
        assert row["index_total"] == pytest.approx(truth[pid].total) and row["tdgq"] == truth[pid].scores["TDGQ"]
    # the widget side, summed here from the stored readings of each province's units
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        readings = conn.execute(text("select portal_id, total, late, on_time_rate from widget_readings")).all()
    engine.dispose()
    root = {p.id: ([p, *registry.ancestors(p)][-1]).id for p in registry.portals}
    sums: dict[str, list[int]] = {}
    for pid, total, late, _rate in readings:
        if total and late is not None:
            s = sums.setdefault(root[pid], [0, 0])
            s[0] += total
            s[1] += late
    tdgq = sorted(r.scores["TDGQ"] for r in truth.values() if r.scores["TDGQ"] is not None)
    q1, _, q3 = (round(q, 4) for q in statistics.quantiles(tdgq, n=4, method="inclusive"))
    assert (result["rule"]["q1"], result["rule"]["q3"]) == (q1, q3)
    flagged = 0
    for pid, row in rows.items():
        if pid in sums:
            assert (row["widget_total"], row["widget_late"]) == tuple(sums[pid])
            assert row["widget_on_time_rate"] == round(100 * (sums[pid][0] - sums[pid][1]) / sums[pid][0], 2)
        rate = row["widget_on_time_rate"] if row["widget_on_time_rate"] is not None else row["widget_rate_published"]
        t = row["tdgq"]
        expected = None
        if rate is not None and t is not None:
            if rate >= 95 and t <= q1:
                expected = "widget_high_index_low"
            elif rate < 95 and t >= q3:
                expected = "widget_low_index_high"
        assert row["flag"] == expected, pid
        flagged += expected is not None
    assert result["flagged"] == flagged > 0


def test_days_move_the_index_and_an_absent_province_keeps_its_last_reading(tmp_path) -> None:
    db = tmp_path / "days.sqlite"
    with SimNetwork(day=1, seed=0) as net:
        crawl = Crawl(net, tmp_path)
        crawl.run(db, "--spider", "index766")
        net.set_day(2)
        absent = net.world.index766().absent
        proc = crawl.run(db, "--spider", "index766")
        assert f"Chỉ số 766 quốc gia vn-dvcqg-766 (2026): đọc được {34 - len(absent)} tỉnh" in proc.stdout
        day2 = {province_key(r.name): r for r in net.world.index766().rows}
    assert absent
    first, second = stored_readings(db, 1), stored_readings(db, 2)
    assert len(first) == 34 and set(second) == set(day2)
    moved = [k for k in second if first[k]["tdgq"] != second[k]["tdgq"]]
    assert moved  # values move from day to day
    result = reconcile(db)
    assert len(result["rows"]) == 34 and all(r["index_total"] is not None for r in result["rows"])
    gone = {r["portal"]: r for r in result["rows"] if r["portal"] in absent}
    assert set(gone) == set(absent)
    assert all(r["index_observed_on"] == "2026-03-02" and r["index_run"] == 1 for r in gone.values())
    assert all(r["index_observed_on"] == dt.date(2026, 3, 3).isoformat()
               for r in result["rows"] if r["portal"] not in absent)
