"""Evidence packs on hand-built snapshots: a compliance figure resting on the superior's plan, and a
version stored before the raw-copy store existed (its page kept in ``html_z``)."""
from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import zipfile
from pathlib import Path

from evidence_factories import BASE, PORTAL, PORTAL_ROW, crawl_day, page_item, record

from storage import Store

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = {"id": "p-thunghiem", "name": "UBND tỉnh Thử Nghiệm", "level": "province", "province": "Điện Biên",
            "parent": None, "base_url": "https://thunghiem.gov.vn/", "cms": "unknown"}


def cchc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_superior_plan_and_a_version_stored_before_the_blob_store(db_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL (whose blobs live in $CCHC_DATA_DIR/postgresql-HOST-PORT-DB/)."""
    db = db_url
    store = Store.open(db)
    try:
        store.sync_portals([PORTAL_ROW, PROVINCE])
        run = store.start_run(trigger="manual", observed_on=dt.date(2026, 2, 10))
        sup_url = "https://thunghiem.gov.vn/ke-hoach-tuyen-truyen-2026"
        sup_html = "<html><body><h1>Kế hoạch 5/KH-UBND của tỉnh</h1></body></html>"
        # stored as before issue 14: no raw copy, the page only in document_versions.html_z
        store.save_items(run, [{
            "type": "page", "portal_id": "p-thunghiem", "url": sup_url, "requested_url": sup_url, "status": 200,
            "fetched_at": "2026-02-10T01:00:00+00:00", "discovered_by": "feeds", "html": sup_html, "files": [],
            "record": record(sup_url, "Kế hoạch của tỉnh.", doc_number="5/KH-UBND", doc_date="2026-01-05",
                             issuer="UBND tỉnh Thử Nghiệm"),
        }])
        store.finish_run(run, status="complete")
        url = f"{BASE}/tin-tuc/ke-hoach-2026"
        page = "<html><body><p>Thực hiện Kế hoạch số 5/KH-UBND của UBND tỉnh.</p></body></html>".encode()
        crawl_day(store, dt.date(2026, 2, 11), [page_item(url, page, rec=record(
            url, "Thực hiện Kế hoạch số 5/KH-UBND.", citations=[{"type": "KH", "number": "5/KH-UBND",
                                                                 "date": "2026-01-05", "issuer": "UBND tỉnh"}]))])
    finally:
        store.close()
    out = tmp_path / "pack.zip"
    made = cchc("evidence", "pack", PORTAL, "--year", "2026", "--out", str(out), "--db", db)
    assert made.returncode == 0, made.stderr
    with zipfile.ZipFile(out) as zf:
        figures = json.loads(zf.read("figures.json"))
        by_key = {(f["source"], f["key"]): f for f in figures["figures"]}
        sup = by_key[("compliance", "superior_doc_number")]
        assert sup["value"] == "5/KH-UBND" and sup["evidence"] == "documents/02"
        assert by_key[("compliance", "cites_superior")]["value"] is True
        assert by_key[("compliance", "cites_superior")]["evidence"] == "documents/01"
        assert json.loads(zf.read("documents/02/record.json"))["doc_number"] == "5/KH-UBND"
        fetch = json.loads(zf.read("documents/02/fetch.json"))[0]
        assert "html_z" in fetch["note"] and fetch["blob"] is None
        assert zf.read("documents/02/page.html").decode() == sup_html
        assert zf.read("documents/01/page.html") == page
        index = zf.read("index.html").decode()
        assert "trước khi có kho bản gốc" in index
    assert cchc("evidence", "verify", str(out)).returncode == 0
