"""Items with raw copies, passed through the real evidence pipeline (`pipelines.evidence`) so the
bytes land in the blob store exactly as in a crawl, then stored with `Store.save_items`."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from crawler.items import PageItem, WidgetItem, as_storage_dict
from pipelines.evidence import EvidencePipeline
from storage import Store
from storage.datadir import data_dir

PORTAL = "x-thunghiem-dienbien"
PORTAL_ROW = {
    "id": PORTAL, "name": "UBND xã Thử Nghiệm", "level": "commune", "province": "Điện Biên",
    "parent": None, "base_url": "https://thunghiem.dienbien.gov.vn/", "cms": "unknown",
}
BASE = "https://thunghiem.dienbien.gov.vn"


def folder(store: Store) -> Path:
    return data_dir(make_url(store.url))


def raw(url: str, body: bytes, *, kind: str = "page", fetched_at: str = "2026-02-10T02:00:00+00:00",
        ctype: str = "text/html; charset=utf-8", status: int = 200) -> dict[str, Any]:
    return {"kind": kind, "url": url, "requested_url": url, "status": status, "fetched_at": fetched_at,
            "headers": {"content-type": ctype, "last-modified": "Mon, 09 Feb 2026 08:00:00 GMT",
                        "etag": '"abc-1"', "server": "Microsoft-IIS/10.0"}, "body": body}


def record(url: str, text: str, **extra: Any) -> dict[str, Any]:
    rec = {"url": url, "title": "Kế hoạch tuyên truyền cải cách hành chính năm 2026", "text": text,
           "published_at": "2026-02-05", "is_cchc": True, "category": "propaganda_plan", "doc_number": "12/KH-UBND",
           "doc_type": "KH", "doc_date": "2026-02-01", "issuer": "UBND xã Thử Nghiệm", "organ": "government",
           "plan_year": 2026, "citations": [], "attachments": [], "warnings": []}
    rec.update(extra)
    return rec


def page_item(url: str, body: bytes, *, rec: dict[str, Any] | None, status: int = 200,
              fetched_at: str = "2026-02-10T02:00:00+00:00", files: list[dict[str, Any]] | None = None) -> PageItem:
    return PageItem(portal_id=PORTAL, url=url, requested_url=url, status=status, html=body.decode("utf-8"),
                    discovered_by="listings", record=rec, files=files or [], fetched_at=fetched_at,
                    raw=raw(url, body, fetched_at=fetched_at, status=status))


def widget_item(url: str, body: bytes, *, reading: bool = True,
                fetched_at: str = "2026-02-10T02:00:00+00:00") -> WidgetItem:
    widget = ({"period": "2026", "total": 120, "on_time": 114, "late": 6, "on_time_rate": 95.0, "late_rate": 5.0,
               "processed_pct": None, "updated_at": "2026-02-10T07:00:00+07:00"} if reading else None)
    return WidgetItem(portal_id=PORTAL, url=url, source="inline", widget=widget, fetched_at=fetched_at,
                      raw=raw(url, body, kind="widget", fetched_at=fetched_at))


def through_pipeline(store: Store, items: list[Any], files_store: Path | None = None) -> list[dict[str, Any]]:
    """The items after the evidence pipeline (bytes in the blob store), as storage dicts."""
    pipeline = EvidencePipeline(folder(store), str(files_store) if files_store else None, None)
    out = []
    for item in items:
        pipeline.store_item(item)
        out.append(as_storage_dict(item))
    return out


def crawl_day(store: Store, day: dt.date, items: list[Any], files_store: Path | None = None) -> int:
    """One run holding `items`; returns its id."""
    store.sync_portals([PORTAL_ROW])
    run = store.start_run(trigger="manual", observed_on=day)
    store.save_items(run, through_pipeline(store, items, files_store))
    assert not store.failed_items, store.failed_items
    store.finish_run(run, status="complete")
    return run
