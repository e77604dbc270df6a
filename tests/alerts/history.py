"""A small history of runs written through the storage item API (exactly as the crawl writes it), so
each alert kind can be checked against days whose changes are known: plans found, a document edited
and removed, a portal down two days then back, widgets whose late count and on-time rate move.

Portal text is hostile on purpose: the new plan's title holds HTML and Markdown, so the message tests
can see it escaped."""
from __future__ import annotations

import datetime as dt
from typing import Any

from storage import Store

HOSTILE_TITLE = 'Kế hoạch tuyên truyền CCHC năm 2026 <script>alert(1)</script> <a href="http://evil.example">*bấm*</a>'
PORTALS: list[dict[str, Any]] = [
    {"id": "p-alpha", "name": "UBND tỉnh Điện Biên", "level": "province", "province": "Điện Biên", "parent": "",
     "base_url": "https://alpha.gov.vn/", "cms": "vnportal"},
    {"id": "x-beta", "name": "UBND xã Mường Phăng", "level": "commune", "province": "Điện Biên", "parent": "p-alpha",
     "base_url": "https://beta.dienbien.gov.vn/", "cms": "vnportal"},
    {"id": "p-gamma", "name": "UBND tỉnh Sơn La", "level": "province", "province": "Sơn La", "parent": "",
     "base_url": "https://gamma.gov.vn/", "cms": "nukeviet"},
]
DAY1 = dt.date(2026, 3, 2)
PLAN_URL = "https://alpha.gov.vn/cai-cach-hanh-chinh/ke-hoach-tuyen-truyen-2026-1"
OLD_URL = "https://beta.dienbien.gov.vn/cai-cach-hanh-chinh/ke-hoach-2025-7"
GONE_URL = "https://gamma.gov.vn/cai-cach-hanh-chinh/thong-bao-9"


def page(url: str, portal: str, title: str, text: str, *, category: str = "propaganda_plan", year: int | None = 2026,
         number: str | None = "12/KH-UBND", is_cchc: bool = True) -> dict[str, Any]:
    rec = {"url": url, "title": title, "published_at": "2026-03-03", "text": text, "is_cchc": is_cchc,
           "category": category, "doc_number": number, "doc_type": "KH", "doc_date": "2026-02-27",
           "issuer": None, "issuer_as_written": None, "organ": "government", "plan_year": year, "citations": [],
           "deadlines": [], "channels": [], "sections": [], "attachments": [], "widget": None, "widget_issues": [],
           "visitors": None, "warnings": []}
    return {"type": "page", "portal_id": portal, "url": url, "requested_url": url, "status": 200,
            "fetched_at": "2026-03-03T02:00:00+00:00", "discovered_by": "listings",
            "html": f"<html><body><h1>{title}</h1><p>{text}</p></body></html>", "record": rec, "files": []}


def health(portal: str, ok: bool) -> dict[str, Any]:
    return {"type": "health", "portal_id": portal, "url": f"https://{portal}.gov.vn/", "status": 200 if ok else 502,
            "latency_ms": 10.0, "error": None if ok else "HTTP 502", "waf_blocked": False, "redirected_to": None,
            "has_feed": None, "has_widget": None}


def widget(portal: str, *, total: int, on_time: int, late: int, updated: str) -> dict[str, Any]:
    return {"type": "widget", "portal_id": portal, "url": f"https://{portal}.gov.vn/", "source": "inline",
            "fetched_at": "2026-03-03T02:00:00+00:00",
            "widget": {"period": "2026-03", "processed_pct": 100.0, "total": total, "on_time": on_time, "late": late,
                       "late_rate": round(100 * late / total, 2), "on_time_rate": round(100 * on_time / total, 2),
                       "updated_at": updated},
            "widget_issues": [], "visitors": None}


#: day -> items of that day's run (day 1 is the baseline)
def day_items(day: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    old_text = "Kế hoạch cải cách hành chính năm 2025 của xã."
    gamma_ok = day not in (2, 3)  # down on days 2 and 3, back on day 4
    for pid in ("p-alpha", "x-beta"):
        items.append(health(pid, True))
    items.append(health("p-gamma", gamma_ok))
    items.append(page(OLD_URL, "x-beta", "Kế hoạch CCHC năm 2025", old_text + (" Cập nhật ngày 3/3/2026." if day >= 2 else ""),
                      category="plan", year=2025, number="7/KH-UBND"))
    if gamma_ok and day != 4:
        items.append(page(GONE_URL, "p-gamma", "Thông báo lịch tiếp dân", "Thông báo.", category="other", year=None,
                          number=None, is_cchc=False))
    if day >= 2:
        items.append(page(PLAN_URL, "p-alpha", HOSTILE_TITLE, "Kế hoạch tuyên truyền cải cách hành chính năm 2026."))
    if day == 4:
        items.append({"type": "removed", "portal_id": "p-gamma", "url": GONE_URL, "status": 404})
    # alpha: late 10, 12 (rose), 12, 15 (rose); on-time 99%, 96% (below 97), 96%, 98%
    alpha = {1: (1000, 990, 10), 2: (1000, 960, 12), 3: (1000, 960, 12), 4: (1000, 980, 15)}[day]
    items.append(widget("p-alpha", total=alpha[0], on_time=alpha[1], late=alpha[2],
                        updated=(DAY1 + dt.timedelta(days=day - 1)).isoformat() + "T08:00:00+07:00"))
    # beta: a frozen widget ("updated at" stays at day 1)
    items.append(widget("x-beta", total=200, on_time=199, late=1, updated="2026-03-02T08:00:00+07:00"))
    return items


def build(url: str, days: int = 4) -> None:
    """Runs 1..`days`, one a day from 2026-03-02, each complete."""
    with Store.open(url) as store:
        store.sync_portals(PORTALS)
        for day in range(1, days + 1):
            add_run(store, day)


def add_run(store: Store, day: int) -> int:
    run = store.start_run(trigger="schedule", observed_on=DAY1 + dt.timedelta(days=day - 1))
    store.save_items(run, day_items(day))
    store.finish_run(run, status="complete")
    return run
