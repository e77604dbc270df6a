"""Item builders shaped exactly like the pipelines' items (see the storage interface in the brief)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: The repository root: child processes import `storage` from here whatever the install state.
REPO = str(Path(__file__).resolve().parents[2])


def child_env() -> dict[str, str]:
    """The environment for a child Python process that must import this checkout's packages."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (REPO, env.get("PYTHONPATH", "")) if p)
    return env

REGISTRY_ROWS: list[dict[str, Any]] = [
    {
        "id": "p-tuyenquang", "name": "UBND tỉnh Tuyên Quang", "level": "province", "province": "Tuyên Quang",
        "parent": "", "base_url": "https://tuyenquang.gov.vn/", "cms": "tandan_sp",
        "feeds": "https://tuyenquang.gov.vn/rss|/rss/cchc", "sitemaps": "", "listings": ["/cchc"],
        "registers": "", "hosts": "dichvucong.tuyenquang.gov.vn|tuyenquang.gov.vn", "widget_url": "",
        "unit_code": "08", "unverified": "", "notes": "seed 001",
    },
    {
        "id": "x-ngoclien", "name": "UBND xã Ngọc Liên", "level": "commune", "province": "Hải Dương",
        "parent": "p-tuyenquang", "base_url": "https://ngoclien.camgiang.haiduong.gov.vn/", "cms": "vnportal",
        "feeds": [], "sitemaps": [], "listings": [], "registers": [], "hosts": [],
        "widget_url": "https://ngoclien.camgiang.haiduong.gov.vn/widget", "unit_code": None, "unverified": "1",
        "notes": None,
    },
]

TQ = "p-tuyenquang"
NL = "x-ngoclien"


def html_page(body: str, visitors_today: int = 79) -> str:
    """A raw page whose sidebar counter changes from day to day while the article does not."""
    return (
        "<html><body><div class='sidebar'>Hôm nay: "
        f"{visitors_today}</div><article>{body}</article></body></html>"
    )


def page(url: str, text: str, *, portal: str = TQ, title: str = "Kế hoạch tuyên truyền CCHC năm 2022",
         visitors_today: int = 79, checksums: tuple[str, ...] = (), fetched_at: str = "2022-08-12T02:00:00+00:00",
         **record: Any) -> dict[str, Any]:
    """A `page` item with an extraction record; `checksums` become downloaded attachments."""
    files = [
        {"url": f"{url}/file{i}.pdf", "path": f"full/{c}.pdf", "checksum": c, "name": f"file{i}.pdf",
         "kind": "pdf", "text": f"Nội dung tệp {i}", "warnings": []}
        for i, c in enumerate(checksums)
    ]
    rec: dict[str, Any] = {
        "url": url, "title": title, "published_at": "2022-04-27T09:46:55+07:00", "text": text,
        "is_cchc": True, "category": "propaganda_plan", "doc_number": "41-KH/ĐU", "doc_type": "KH",
        "doc_date": "2022-04-18", "issuer": "Đảng ủy xã Ngọc Liên", "issuer_as_written": "ĐẢNG ỦY XÃ NGỌC LIÊN",
        "organ": "party", "plan_year": 2022,
        "citations": [{"type": "QĐ", "number": "766/QĐ-TTg", "date": "2022-06-23", "issuer": "Thủ tướng Chính phủ"}],
        "deadlines": [{"date": "2022-12-15", "text": "báo cáo kết quả trước ngày 15/12/2022"}],
        "channels": ["portal", "loudspeaker"], "sections": {"purpose": "Mục đích"},
        "attachments": [{"url": f["url"], "name": f["name"], "kind": "pdf"} for f in files],
        "widget": None, "widget_issues": [], "visitors": None, "warnings": [],
    }
    rec.update(record)
    return {
        "type": "page", "portal_id": portal, "url": url, "requested_url": url, "status": 200,
        "fetched_at": fetched_at, "discovered_by": "listings", "html": html_page(text, visitors_today),
        "record": rec, "files": files,
    }


def fetch(url: str, *, portal: str = TQ, status: int = 200, content_hash: str | None = "h1",
          error: str | None = None) -> dict[str, Any]:
    """A `fetch` item."""
    return {"type": "fetch", "portal_id": portal, "url": url, "status": status,
            "fetched_at": "2022-08-12T02:00:00+00:00", "content_hash": content_hash,
            "discovered_by": "feeds", "error": error}


def widget(portal: str = NL, *, total: int = 2142, on_time: int = 2142, late: int = 0,
           updated_at: str = "2022-08-12T13:15:32+07:00", visitors: dict[str, Any] | None = None) -> dict[str, Any]:
    """A `widget` item as the widget spider yields it."""
    return {
        "type": "widget", "portal_id": portal, "url": "https://ngoclien.camgiang.haiduong.gov.vn/",
        "source": "inline", "fetched_at": "2022-08-12T06:30:00+07:00",
        "widget": {"period": "2022-08", "processed_pct": 100.0, "total": total, "on_time": on_time,
                   "late": late, "late_rate": round(late / total, 4) if total else None,
                   "on_time_rate": round(on_time / total, 4) if total else None, "updated_at": updated_at},
        "widget_issues": [], "visitors": visitors,
    }


def health(portal: str = TQ, **fields: Any) -> dict[str, Any]:
    """A `health` item; unspecified fields are None (so they do not override earlier values)."""
    base: dict[str, Any] = {"type": "health", "portal_id": portal, "url": None, "status": None,
                            "latency_ms": None, "error": None, "waf_blocked": None, "redirected_to": None,
                            "has_feed": None, "has_widget": None}
    base.update(fields)
    return base


def removed(url: str, *, portal: str = TQ, status: int = 404) -> dict[str, Any]:
    """A `removed` item (a re-fetch of a known document answered `status`)."""
    return {"type": "removed", "portal_id": portal, "url": url, "status": status}
