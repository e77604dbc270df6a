"""`cchc report reconcile`: provinces' own widget figures beside the national 766 index, on a database
built by hand through the storage item contract (so every expected figure is worked out here), on
SQLite and on a real PostgreSQL server. The end-to-end crawl of the simulator is in
tests/crawler/test_index766_crawl.py."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from builddb import cchc
from openpyxl import load_workbook
from pgtest import temporary_database

from storage import Store


def portal(pid: str, name: str, level: str, province: str, parent: str = "") -> dict[str, str]:
    return {"id": pid, "name": name, "level": level, "province": province, "parent": parent,
            "base_url": f"https://{pid}.example.gov.vn/", "cms": "liferay62"}


PORTALS = [
    portal("p-angiang", "UBND tỉnh An Giang", "province", "An Giang"),
    portal("x-a1", "UBND xã A1", "commune", "Kiên Giang", "p-angiang"),
    portal("h-a", "UBND huyện A", "district", "Kiên Giang", "p-angiang"),
    portal("x-a3", "UBND xã A3", "commune", "Kiên Giang", "h-a"),  # grandchild: counts for An Giang
    portal("p-hanoi", "UBND thành phố Hà Nội", "province", "Hà Nội"),
    portal("d-hanoi", "Sở A Hà Nội", "department", "Hà Nội", "p-hanoi"),
    portal("p-camau", "UBND tỉnh Cà Mau", "province", "Cà Mau"),
    portal("p-danang", "UBND thành phố Đà Nẵng", "province", "Đà Nẵng"),
    portal("p-hue", "UBND thành phố Huế", "province", "Huế"),
]


def widget(pid: str, **figures: float | int) -> dict:
    return {"type": "widget", "portal_id": pid, "url": f"https://{pid}.example/", "source": "inline", "widget": figures}


def index_item(year: int, rows: list[tuple[str, dict[str, float | None]]], error: str | None = None) -> dict:
    readings = [{"province": name, "province_key": key, "rank": n, "api_id": str(100 + n), "scores": scores,
                 "total": round(sum(v for v in scores.values() if v is not None), 2), "raw": {"TEN": name}}
                for n, (name, key, scores) in enumerate(((name, _key(name), s) for name, s in rows), 1)]
    return {"type": "index766", "source_id": "vn-dvcqg-766", "url": "https://dichvucong.gov.vn/jsp/rest.jsp",
            "year": year, "status": 200 if error is None else 500, "error": error, "readings": readings}


def _key(name: str) -> str:
    from crawler.registry import province_key

    return province_key(name)


def scores(tdgq: float | None, ckmb: float | None = 15.0) -> dict[str, float | None]:
    return {"CKMB": ckmb, "TDGQ": tdgq, "TTTT": 9.0, "CLGQ": 7.5, "MDHL": 16.0, "MDSH": 18.25}


def build(url: str) -> None:
    """Runs of 2025-12-30, 2026-03-02 and 2026-03-03 (see each figure's expected value in the tests)."""
    store = Store.open(url)
    try:
        store.sync_portals(PORTALS)
        r0 = store.start_run(trigger="manual", observed_on=dt.date(2025, 12, 30))
        store.save_items(r0, [widget("p-danang", total=10, on_time=10, late=0, on_time_rate=100.0)])
        store.finish_run(r0, status="complete")
        r1 = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 2))
        store.save_items(r1, [
            widget("p-angiang", total=1000, on_time=990, late=10), widget("x-a1", total=100, on_time=100, late=0),
            widget("x-a3", total=50, on_time=45, late=5),
            index_item(2026, [("Thành phố Đà Nẵng", scores(15.0)), ("Tỉnh An Giang", scores(11.0))]),
        ])
        store.finish_run(r1, status="complete")
        r2 = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 3))
        store.save_items(r2, [
            widget("p-angiang", total=1100, on_time=1089, late=11),  # replaces run 1's for the province portal
            widget("p-hanoi", on_time_rate=99.5), widget("d-hanoi", on_time_rate=99.7),  # rates only
            widget("p-camau", total=200, on_time=180, late=20), widget("p-hue", total=500, on_time=500, late=0),
            # Đà Nẵng absent today; Sơn La is in the index but not in this registry
            index_item(2026, [("Tỉnh An Giang", scores(12.0)), ("Thành phố Hà Nội", scores(19.5)),
                              ("Tỉnh Cà Mau", scores(19.0)), ("Thành phố Huế", scores(16.0, ckmb=None)),
                              ("Tỉnh Sơn La", scores(14.0))]),
        ])
        store.finish_run(r2, status="complete")
        assert store.failed_items == []
    finally:
        store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reconcile.sqlite'}"
        build(url)
        yield url
        return
    with temporary_database(request.getfixturevalue("pg_admin"), "cchc_reconcile") as url:
        build(url)
        yield url


def _json(db: str, *args: str) -> dict:
    proc = cchc("report", "reconcile", "--db", db, "--year", "2026", "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_every_province_with_its_figures_and_the_flags(db: str) -> None:
    result = _json(db)
    rows = {r["province"]: r for r in result["rows"]}
    # Vietnamese order: An Giang, Cà Mau, Đà Nẵng, Hà Nội, Huế
    assert [r["province"] for r in result["rows"]] == ["An Giang", "Cà Mau", "Đà Nẵng", "Hà Nội", "Huế"]
    # An Giang: province portal's latest (1100/11) + x-a1 (run 1, 100/0) + x-a3 under h-a (50/5)
    ag = rows["An Giang"]
    assert (ag["widget_units"], ag["widget_total"], ag["widget_late"]) == (3, 1250, 16)
    assert ag["widget_on_time_rate"] == round(100 * 1234 / 1250, 2) == 98.72
    assert (ag["tdgq"], ag["index_rank"], ag["index_observed_on"], ag["widget_as_of"]) == (12.0, 1, "2026-03-03", "2026-03-03")
    # quartiles of every listed province's latest TDGQ: 12, 14, 15, 16, 19, 19.5 -> q1 14.25, q3 18.25
    assert (result["rule"]["q1"], result["rule"]["q3"]) == (14.25, 18.25)
    assert (ag["tdgq_quartile"], ag["flag"]) == ("bottom", "widget_high_index_low")
    cm = rows["Cà Mau"]
    assert (cm["widget_on_time_rate"], cm["tdgq_quartile"], cm["flag"]) == (90.0, "top", "widget_low_index_high")
    # Hà Nội publishes rates only: no counts invented, the lowest published rate beside, no flag (top, 99.5)
    hn = rows["Hà Nội"]
    assert (hn["widget_total"], hn["widget_late"], hn["widget_on_time_rate"]) == (None, None, None)
    assert (hn["widget_rate_only_units"], hn["widget_rate_published"], hn["flag"]) == (2, 99.5, None)
    # Đà Nẵng: no widget this year (its 2025 reading does not count); absent from the index today, so
    # the reading of the run that last had it, with that run's date
    dn = rows["Đà Nẵng"]
    assert (dn["widget_units"], dn["widget_total"], dn["widget_on_time_rate"]) == (0, None, None)
    assert (dn["tdgq"], dn["index_observed_on"], dn["tdgq_quartile"], dn["flag"]) == (15.0, "2026-03-02", "middle", None)
    # Huế: a silent component stays blank
    hue = rows["Huế"]
    assert (hue["ckmb"], hue["tdgq"], hue["mdsh"], hue["flag"]) == (None, 16.0, 18.25, None)
    assert result["flagged"] == 2 and "Sơn La" not in rows


def test_csv_xlsx_and_the_table_in_both_languages(db: str, tmp_path: Path) -> None:
    proc = cchc("report", "reconcile", "--db", db, "--year", "2026", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 5 and rows[2]["province"] == "Đà Nẵng" and rows[2]["widget_total"] == ""
    assert rows[0]["flag"] == "widget_high_index_low" and rows[4]["ckmb"] == ""
    out = tmp_path / "r.xlsx"
    proc = cchc("report", "reconcile", "--db", db, "--year", "2026", "--format", "xlsx", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    sheet = load_workbook(out).active
    assert sheet.title == "Đối chiếu chỉ số 766"
    headers = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert "Tiến độ giải quyết" in headers and "Cần xem xét" in headers
    table = cchc("report", "reconcile", "--db", db, "--year", "2026").stdout
    assert table.startswith("Đối chiếu widget TTHC của các tỉnh với Bộ chỉ số 766 — năm 2026 — 2/5 tỉnh cần xem xét")
    assert "Widget đúng hạn cao, chỉ số TDGQ thấp" in table and "98,72%" in table and "Quy tắc:" in table
    english = cchc("report", "reconcile", "--db", db, "--year", "2026", "--lang", "en").stdout
    assert "2/5 provinces need a look" in english and "Processing progress" in english


@pytest.mark.parametrize("year, words", [("abc", "'abc' is not a valid integer"), ("1999", "year 1999 is out of range"),
                                         ("2027", "year 2027 is out of range")])
def test_bad_input_is_one_error_line(db: str, year: str, words: str) -> None:
    proc = cchc("report", "reconcile", "--db", db, "--year", year)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("error: ") and words in proc.stderr


def test_a_failed_read_is_said_and_invents_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'f.sqlite'}"
    store = Store.open(url)
    store.sync_portals(PORTALS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 2))
    store.save_items(run, [widget("p-hue", total=500, on_time=500, late=0),
                           index_item(2026, [], error="the index API did not answer JSON (JSONDecodeError: x)")])
    store.finish_run(run, status="complete")
    store.close()
    result = _json(url)
    assert all(r["tdgq"] is None and r["index_total"] is None and r["flag"] is None for r in result["rows"])
    assert any("failed: the index API did not answer JSON" in n for n in result["notes"])
    assert any("fewer than four provinces" in n for n in result["notes"])
