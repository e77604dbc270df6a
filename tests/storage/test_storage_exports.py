"""Exports: each kind, both formats, exact values and a deterministic order (also through the CLI)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update
from storage_factories import NL, REGISTRY_ROWS, TQ, health, page, removed, widget

from cli.export import export_cmd
from storage import ExportError, Store
from storage.models import CrawlRun
from storage.values import document_content_hash

A = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-123.aspx"
C = "https://tuyenquang.gov.vn/portal/Pages/2022-6-01/tin-tuc-789.aspx"
UTC = dt.UTC


@pytest.fixture
def filled(store: Store) -> Store:
    store.sync_portals(REGISTRY_ROWS)
    r1 = store.start_run(trigger="schedule", observed_on=dt.date(2022, 8, 12), args={"spider": "all"})
    store.save_items(r1, [
        page(A, "Kế hoạch tuyên truyền CCHC", checksums=("c1",)),
        page(C, "Tin hoạt động", title="Tin tức", is_cchc=False, category=None, doc_number=None, doc_type=None,
             doc_date=None, issuer=None, issuer_as_written=None, organ=None, plan_year=None, published_at=None),
        widget(NL, total=2142, on_time=2142, late=0),
        health(TQ, url="https://tuyenquang.gov.vn/", status=200, waf_blocked=False),
    ])
    store.finish_run(r1, status="complete", stats={"pages": 2})
    r2 = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 13), args={})
    store.save_items(r2, [page("HTTPS://TuyenQuang.gov.vn:443" + A[len("https://tuyenquang.gov.vn"):] + "#top",
                               "Kế hoạch tuyên truyền CCHC", checksums=("c1",)),
                          removed(C, status=404), widget(NL, total=2200, on_time=2178, late=22),
                          # run 2 met a WAF block page: the portals export shows this latest health, not run 1's
                          health(TQ, url="https://tuyenquang.gov.vn/", status=200, waf_blocked=True,
                                 error="WAF block page (status 200)")])
    store.finish_run(r2, status="failed", stats={})
    with store.engine.begin() as conn:  # fixed times so every exported value is exact
        for run_id, start in ((r1, dt.datetime(2022, 8, 12, 0, 0, tzinfo=UTC)), (r2, dt.datetime(2022, 8, 13, 0, 0, tzinfo=UTC))):
            conn.execute(update(CrawlRun).where(CrawlRun.id == run_id)
                         .values(started_at=start, finished_at=start + dt.timedelta(minutes=30)))
    return store


HASH_A = document_content_hash("Kế hoạch tuyên truyền CCHC", ["c1"])
HASH_C = document_content_hash("Tin hoạt động", [])

DOCUMENTS = [
    {"url": A, "portal": TQ, "title": "Kế hoạch tuyên truyền CCHC năm 2022", "published_at": "2022-04-27T09:46:55+07:00",
     "is_cchc": True, "category": "propaganda_plan", "doc_number": "41-KH/ĐU", "doc_type": "KH", "doc_date": "2022-04-18",
     "issuer": "Đảng ủy xã Ngọc Liên", "issuer_as_written": "ĐẢNG ỦY XÃ NGỌC LIÊN", "organ": "party", "plan_year": 2022,
     "first_seen_run": 1, "last_seen_run": 2, "version": 1, "removed_run": None, "content_hash": HASH_A,
     "first_seen_on": "2022-08-12", "last_seen_on": "2022-08-13", "removed_on": None,
     "plan_period": None},
    {"url": C, "portal": TQ, "title": "Tin tức", "published_at": None, "is_cchc": False, "category": None,
     "doc_number": None, "doc_type": None, "doc_date": None, "issuer": None, "issuer_as_written": None, "organ": None,
     "plan_year": None, "first_seen_run": 1, "last_seen_run": 1, "version": 1, "removed_run": 2,
     "content_hash": HASH_C, "first_seen_on": "2022-08-12", "last_seen_on": "2022-08-12", "removed_on": "2022-08-13",
     "plan_period": None},
]
WIDGETS = [
    {"portal": NL, "url": "https://ngoclien.camgiang.haiduong.gov.vn/", "run": 1, "observed_on": "2022-08-12",
     "period": "2022-08", "total": 2142, "on_time": 2142, "late": 0, "late_rate": 0.0, "on_time_rate": 1.0,
     "processed_pct": 100.0, "updated_at": "2022-08-12T13:15:32+07:00", "source": "inline",
     "fetched_at": "2022-08-11T23:30:00+00:00", "issues": []},
    {"portal": NL, "url": "https://ngoclien.camgiang.haiduong.gov.vn/", "run": 2, "observed_on": "2022-08-13",
     "period": "2022-08", "total": 2200, "on_time": 2178, "late": 22, "late_rate": 0.01, "on_time_rate": 0.99,
     "processed_pct": 100.0, "updated_at": "2022-08-12T13:15:32+07:00", "source": "inline",
     "fetched_at": "2022-08-11T23:30:00+00:00", "issues": []},
]
RUNS = [
    {"id": 1, "trigger": "schedule", "status": "complete", "started_at": "2022-08-12T00:00:00+00:00",
     "finished_at": "2022-08-12T00:30:00+00:00", "observed_on": "2022-08-12", "stats": {"pages": 2},
     "args": {"spider": "all"}},
    {"id": 2, "trigger": "manual", "status": "failed", "started_at": "2022-08-13T00:00:00+00:00",
     "finished_at": "2022-08-13T00:30:00+00:00", "observed_on": "2022-08-13", "stats": {}, "args": {}},
]
PORTALS = [
    {"id": TQ, "name": "UBND tỉnh Tuyên Quang", "level": "province", "province": "Tuyên Quang", "parent": None,
     "base_url": "https://tuyenquang.gov.vn/", "cms": "tandan_sp", "feeds": ["https://tuyenquang.gov.vn/rss", "/rss/cchc"],
     "sitemaps": [], "listings": ["/cchc"], "registers": [], "hosts": ["dichvucong.tuyenquang.gov.vn", "tuyenquang.gov.vn"],
     "widget_url": None, "unit_code": "08", "unverified": False, "notes": "seed 001", "in_registry": True,
     "reachable": False, "http_status": 200, "waf_blocked": True, "error": "WAF block page (status 200)", "health_run": 2},
    {"id": NL, "name": "UBND xã Ngọc Liên", "level": "commune", "province": "Hải Dương", "parent": TQ,
     "base_url": "https://ngoclien.camgiang.haiduong.gov.vn/", "cms": "vnportal", "feeds": [], "sitemaps": [],
     "listings": [], "registers": [], "hosts": [], "widget_url": "https://ngoclien.camgiang.haiduong.gov.vn/widget",
     "unit_code": None, "unverified": True, "notes": None, "in_registry": True,
     "reachable": None, "http_status": None, "waf_blocked": None, "error": None, "health_run": None},  # never reached
]
# Sorted by id: "p-…" < "x-…".
EXPECTED = {"documents": DOCUMENTS, "widgets": WIDGETS, "runs": RUNS, "portals": PORTALS}


@pytest.mark.parametrize("kind", ["documents", "widgets", "runs", "portals"])
def test_jsonl_export_exact(filled: Store, kind: str) -> None:
    out = io.StringIO()
    assert filled.export(kind, "jsonl", out) == len(EXPECTED[kind])
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert rows == EXPECTED[kind]
    assert [list(r) for r in rows] == [list(e) for e in EXPECTED[kind]]  # key order too


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@pytest.mark.parametrize("kind", ["documents", "widgets", "runs", "portals"])
def test_csv_export_exact(filled: Store, kind: str) -> None:
    out = io.StringIO()
    assert filled.export(kind, "csv", out) == len(EXPECTED[kind])
    reader = list(csv.reader(io.StringIO(out.getvalue())))
    assert reader[0] == list(EXPECTED[kind][0])
    assert reader[1:] == [[_csv_text(v) for v in row.values()] for row in EXPECTED[kind]]


def test_csv_spot_values(filled: Store) -> None:
    out = io.StringIO()
    filled.export("portals", "csv", out)
    assert out.getvalue().splitlines()[1] == (
        "p-tuyenquang,UBND tỉnh Tuyên Quang,province,Tuyên Quang,,https://tuyenquang.gov.vn/,tandan_sp,"
        "https://tuyenquang.gov.vn/rss|/rss/cchc,,/cchc,,dichvucong.tuyenquang.gov.vn|tuyenquang.gov.vn,,08,false,seed 001,true,"
        "false,200,true,WAF block page (status 200),2")


def test_unknown_kind_or_format(filled: Store) -> None:
    with pytest.raises(ExportError):
        filled.export("pages", "jsonl", io.StringIO())
    with pytest.raises(ExportError):
        filled.export("runs", "xml", io.StringIO())


def test_cli_export_to_file_and_stdout(filled: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "widgets.jsonl"
    result = runner.invoke(export_cmd, ["widgets", "--db", filled.url, "--format", "jsonl", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == WIDGETS
    result = runner.invoke(export_cmd, ["runs", "--db", filled.url, "--format", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "id,trigger,status,started_at,finished_at,observed_on,stats,args"
    assert result.output.splitlines()[2] == (
        "2,manual,failed,2022-08-13T00:00:00+00:00,2022-08-13T00:30:00+00:00,2022-08-13,{},{}")
    result = runner.invoke(export_cmd, ["documents", "--db", filled.url, "--format", "xml"])
    assert result.exit_code == 2


def test_order_is_by_code_point_on_every_backend(store: Store) -> None:
    """Whatever the server's collation, rows come in code-point order (as SQLite and Python sort)."""
    urls = ["https://a.gov.vn/tin-tuc/b", "https://a.gov.vn/Tin/a", "https://a.gov.vn/tin_tuc/c",
            "https://a.gov.vn/tin/đ", "https://a.gov.vn/tin/e", "https://a.gov.vn/tin-tuc"]
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    store.save_items(run, [page(u, u) for u in urls] + [widget("z-last"), widget("A-first"), widget("a-b")])
    out = io.StringIO()
    store.export("documents", "jsonl", out)
    assert [json.loads(line)["url"] for line in out.getvalue().splitlines()] == sorted(urls)
    assert store.known_document_urls(TQ) == sorted(urls)
    out = io.StringIO()
    store.export("widgets", "jsonl", out)
    assert [json.loads(line)["portal"] for line in out.getvalue().splitlines()] == ["A-first", "a-b", "z-last"]
