"""The drift canary on stored runs (SQLite and PostgreSQL): the yields written when a run closes, and
`reports.health.layout_changes` against each portal's own trailing median.

Portal TQ publishes 12 pages a day with a title, a date, a main text and a document number; on day 3
its template hides the title and the date (same text, so the same versions are rewritten in place).
Portal NL has a widget and only 4 pages a day (pooled over days). Nothing is flagged before there is
enough history; on day 3 TQ alone is flagged with the title and date shares; NL being down on a day
is "down", never "layout changed?".
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session
from storage_factories import NL, REGISTRY_ROWS, TQ, fetch, health, page, widget

from cli import main
from reports.health import MIN_PAGES, LayoutChange, MetricFall, health_rows, layout_changes
from storage import Store
from storage.health_models import PortalYield

BODY = ("Thực hiện Kế hoạch số 123/KH-UBND ngày 05/01/2026 của Ủy ban nhân dân tỉnh về cải cách hành chính, "
        "Ủy ban nhân dân xã ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2026 với các nội dung: "
        "mục đích, yêu cầu, nội dung tuyên truyền, hình thức và tổ chức thực hiện. ")


def _day(store: Store, n: int, *, tq_changed: bool = False, nl_down: bool = False) -> int:
    run = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 1) + dt.timedelta(days=n))
    items: list[dict] = [health(TQ, url="https://tuyenquang.gov.vn/", status=200)]
    for i in range(12):
        url = f"https://tuyenquang.gov.vn/tin/{i}"
        extra = {"title": None, "published_at": None} if tq_changed else {}
        items.append(page(url, BODY + f"Bài {i}.", doc_number=f"{i}/KH-UBND", **extra))
        items.append(fetch(f"https://tuyenquang.gov.vn/list?page={i}"))
    if nl_down:
        items.append(health(NL, url="https://ngoclien.camgiang.haiduong.gov.vn/", status=None, error="timeout"))
    else:
        items.append(health(NL, url="https://ngoclien.camgiang.haiduong.gov.vn/", status=200))
        items.append(widget(NL))
        for i in range(4):
            items.append(page(f"https://ngoclien.camgiang.haiduong.gov.vn/bai-{n}-{i}", BODY, portal=NL,
                              is_cchc=False, doc_number=None))
    store.save_items(run, items)
    assert not store.failed_items
    store.finish_run(run, status="complete")
    return run


def _yields(store: Store, run: int) -> dict[str, PortalYield]:
    with Session(store.engine) as s:
        return {y.portal_id: y for y in s.scalars(select(PortalYield).where(PortalYield.run_id == run))}


def test_yields_are_counted_when_the_run_closes_and_kept_as_they_were(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    r1 = _day(store, 1)
    y = _yields(store, r1)
    tq, nl = y[TQ], y[NL]
    assert (tq.pages_fetched, tq.pages_extracted, tq.with_title, tq.with_date, tq.with_text) == (24, 12, 12, 12, 12)
    assert (tq.cchc_pages, tq.cchc_with_number, tq.widget_readings, tq.reachable) == (12, 12, 0, True)
    assert (nl.pages_fetched, nl.pages_extracted, nl.cchc_pages, nl.widget_readings) == (4, 4, 0, 1)
    _day(store, 2)
    r3 = _day(store, 3, tq_changed=True)
    # day 3 rewrote the same versions' fields in place: run 1's figures are those of day 1
    assert (_yields(store, r1)[TQ].with_title, _yields(store, r1)[TQ].with_date) == (12, 12)
    assert (_yields(store, r3)[TQ].with_title, _yields(store, r3)[TQ].with_date, _yields(store, r3)[TQ].with_text) == (0, 0, 12)


def test_the_canary_flags_the_changed_portal_on_its_day_only(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    runs = [_day(store, 1), _day(store, 2, nl_down=True), _day(store, 3), _day(store, 4, tq_changed=True)]
    with Session(store.engine) as s:
        assert [layout_changes(s, r) for r in runs[:3]] == [[], [], []]
        changes = layout_changes(s, runs[3])
    assert changes == [LayoutChange(TQ, runs[3], [MetricFall("title_share", 0.0, 1.0),
                                                  MetricFall("date_share", 0.0, 1.0)])]
    with Session(store.engine) as s:
        rows = {(r["portal"], r["run"]): r for r in health_rows(s, days=30)}
    assert rows[(TQ, runs[3])]["layout_changed"] is True
    assert rows[(TQ, runs[3])]["fell"] == ["title_share", "date_share"]
    assert rows[(TQ, runs[3])]["title_share"] == 0.0 and rows[(TQ, runs[3])]["median_title_share"] == 100.0
    assert rows[(TQ, runs[3])]["text_share"] == 100.0
    assert rows[(TQ, runs[2])]["verdict"] == "judged" and rows[(TQ, runs[2])]["layout_changed"] is False
    assert rows[(TQ, runs[0])]["verdict"] == "no_history"
    assert rows[(NL, runs[1])]["verdict"] == "down" and rows[(NL, runs[1])]["layout_changed"] is False
    # NL extracts 4 pages a day (< MIN_PAGES): its shares come from pools of several days
    assert MIN_PAGES > 4
    # (day 2, when it was down, is no part of a pool): 4 + 4 pages on day 3, 4 + 4 + 4 on day 4
    assert rows[(NL, runs[0])]["title_share"] is None and rows[(NL, runs[2])]["title_share"] is None
    assert rows[(NL, runs[3])]["title_share"] == 100.0 and rows[(NL, runs[3])]["widget_share"] == 100.0


def test_incomplete_and_unknown_runs_give_no_verdict(store: Store) -> None:
    store.sync_portals(REGISTRY_ROWS)
    _day(store, 1)
    _day(store, 2)
    run = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 4))
    store.save_items(run, [page(f"https://tuyenquang.gov.vn/tin/{i}", BODY, title=None, published_at=None)
                           for i in range(12)])
    store.finish_run(run, status="incomplete")
    with Session(store.engine) as s:
        assert layout_changes(s, run) == []
        assert layout_changes(s, 999) == []


def test_report_health_command(store: Store, db_url: str, tmp_path) -> None:
    store.sync_portals(REGISTRY_ROWS)
    for n in range(1, 4):
        _day(store, n, tq_changed=n == 3)
    runner = CliRunner()
    out = runner.invoke(main, ["report", "health", "--db", db_url, "--format", "json", "--portal", TQ])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.stdout)
    assert [(r["run"], r["layout_changed"]) for r in rows] == [(1, False), (2, False), (3, True)]
    table = runner.invoke(main, ["report", "health", "--db", db_url])
    assert table.exit_code == 0
    assert "Giao diện đổi?" in table.stdout and "Tỷ lệ có tiêu đề" in table.stdout and "Có tiêu đề" in table.stdout
    en = runner.invoke(main, ["report", "health", "--db", db_url, "--lang", "en"])
    assert "Layout changed?" in en.stdout and "Share with a date" in en.stdout
    csv_out = runner.invoke(main, ["report", "health", "--db", db_url, "--format", "csv", "--days", "1"])
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("portal,unit,run,observed_on,verdict,layout_changed,fell,")
    assert any(line.startswith(f"{TQ},") and ",true,title_share|date_share," in line for line in lines[1:])
    xlsx = runner.invoke(main, ["report", "health", "--db", db_url, "--format", "xlsx", "--out", str(tmp_path / "h.xlsx")])
    assert xlsx.exit_code == 0, xlsx.output
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "h.xlsx").active
    values = list(sheet.values)
    assert sheet.title == "Sức khỏe trích xuất" and values[0][:6] == ("Cổng", "Đơn vị", "Lần quét", "Ngày quét",
                                                                       "Đánh giá", "Giao diện đổi?")
    changed = [v for v in values[1:] if v[0] == TQ and v[2] == 3]
    assert changed and changed[0][5] == "Có" and "Tỷ lệ có ngày đăng" in changed[0][6]
    bad = runner.invoke(main, ["report", "health", "--db", db_url, "--portal", "p-nowhere"])
    assert bad.exit_code == 2 and "error: --portal: there is no portal 'p-nowhere'" in bad.stderr


def test_main_text_counts_characters_stored_with_each_version(store: Store) -> None:
    """``text_chars`` is written with each version (new or rewritten in place) as the database's own
    character count of the stored NFC text, so ``with_text`` equals what ``length(text)`` gave before
    migration 0016: 199 Vietnamese letters (597 bytes) are not a main text, 200 are, and a text sent
    decomposed (600 code points) is stored composed and counted as 200."""
    from sqlalchemy import func, text

    from storage.models import Document, DocumentVersion

    store.sync_portals(REGISTRY_ROWS)
    base = "https://tuyenquang.gov.vn/tin/"

    def day(n: int, texts: dict[str, str | None], title: str = "Kế hoạch tuyên truyền CCHC năm 2022") -> int:
        run = store.start_run(trigger="manual", observed_on=dt.date(2026, 3, 1) + dt.timedelta(days=n))
        store.save_items(run, [page(base + key, body, title=title) for key, body in texts.items()])
        assert not store.failed_items
        store.finish_run(run, status="complete")
        return run

    def stored() -> list[tuple[str, int | None, int | None, str | None]]:
        with Session(store.engine) as s:
            return [tuple(r) for r in s.execute(
                select(Document.url, DocumentVersion.text_chars, func.length(DocumentVersion.text), DocumentVersion.text)
                .join(Document, Document.id == DocumentVersion.document_id).order_by(DocumentVersion.id))]

    def old_with_text(run: int) -> int:
        """The count as `record_yields` computed it before 0016: length(text) of the versions the run saw."""
        with store.engine.connect() as conn:
            return int(conn.execute(text(
                "SELECT count(*) FROM sighting_intervals i JOIN document_versions v "
                "ON v.document_id = i.document_id AND v.version = i.version "
                "WHERE :run BETWEEN i.first_run_id AND i.last_run_id AND length(v.text) >= 200"), {"run": run}).scalar_one())

    r1 = day(1, {"a": "ệ" * 199, "b": "ệ" * 200, "c": unicodedata.normalize("NFD", "ệ" * 200), "d": None})
    r2 = day(2, {"a": "ệ" * 250, "b": "ệ" * 200, "c": "ệ" * 200, "d": None}, title="Tiêu đề khác")
    rows = stored()
    assert [(url.rsplit("/", 1)[1], chars) for url, chars, _, _ in rows] == [
        ("a", 199), ("b", 200), ("c", 200), ("d", None), ("a", 250)]
    assert all(chars == db_chars == (len(body) if body is not None else None) for _, chars, db_chars, body in rows)
    assert [(_yields(store, r)[TQ].with_text, old_with_text(r)) for r in (r1, r2)] == [(2, 2), (3, 3)]
