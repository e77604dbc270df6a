"""The content-addressed store of raw copies, its fetch metadata and retention, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import subprocess
import sys
from pathlib import Path

from evidence_factories import BASE, crawl_day, folder, page_item, record, widget_item
from sqlalchemy import func, select

from storage import Store
from storage.blobs import BlobStore, blob_key
from storage.evidence import prune
from storage.evidence_models import Blob, RawFetch, VersionEvidence, WidgetEvidence
from storage.models import DocumentVersion

ROOT = Path(__file__).resolve().parents[2]
PAGE = "<html><body><h1>Kế hoạch tuyên truyền CCHC năm 2026</h1><p>Nội dung kế hoạch.</p></body></html>".encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def count(store: Store, model: type) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def test_blob_store_keeps_identical_bytes_once(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    first, second = blobs.put(PAGE), blobs.put(PAGE)
    assert first.written and not second.written
    assert first.sha256 == second.sha256 == sha(PAGE)
    path = tmp_path / "blobs" / "sha256" / sha(PAGE)[:2] / f"{sha(PAGE)[2:]}.gz"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [path]
    assert gzip.decompress(path.read_bytes()) == PAGE and blobs.read(sha(PAGE)) == PAGE
    path.write_bytes(gzip.compress(PAGE + b"tampered"))
    try:
        blobs.read(sha(PAGE))
    except ValueError as exc:
        assert "damaged" in str(exc)
    else:
        raise AssertionError("a blob whose bytes changed was read as evidence")


def test_crawl_items_keep_raw_copies_with_fetch_metadata(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    try:
        files = tmp_path / "files"
        (files / "full").mkdir(parents=True)
        pdf = b"%PDF-1.4 ke hoach 2026\n" * 50
        (files / "full" / "a.pdf").write_bytes(pdf)
        att = {"url": f"{BASE}/files/kh.pdf", "path": "full/a.pdf", "checksum": "md5x", "status": "downloaded",
               "raw": {"kind": "attachment", "url": f"{BASE}/files/kh.pdf", "requested_url": f"{BASE}/files/kh.pdf",
                       "status": 200, "fetched_at": "2026-02-10T02:00:01+00:00",
                       "headers": {"content-type": "application/pdf", "etag": '"pdf-1"'}}}
        plan = f"{BASE}/tin-tuc/ke-hoach-2026"
        mirror = f"{BASE}/van-ban/ke-hoach-2026"   # the same bytes served at a second address
        crawl_day(store, dt.date(2026, 2, 10), [
            page_item(plan, PAGE, rec=record(plan, "Nội dung kế hoạch."), files=[att]),
            page_item(mirror, PAGE, rec=record(mirror, "Nội dung kế hoạch.")),
            widget_item(f"{BASE}/", "<html><body>Widget 120 hồ sơ</body></html>".encode()),
        ], files)
        # identical bytes: one blob row and one file, two fetch-metadata rows
        assert count(store, Blob) == 3   # page, pdf, widget page
        blob_files = sorted(p for p in (folder(store) / "blobs").rglob("*.gz"))
        assert len(blob_files) == 3
        with store.engine.connect() as conn:
            rows = {r.url: r for r in conn.execute(select(RawFetch))}
            assert rows[plan].sha256 == rows[mirror].sha256 == sha(PAGE)
            assert rows[plan].content_type == "text/html; charset=utf-8"
            assert rows[plan].etag == '"abc-1"' and rows[plan].last_modified == "Mon, 09 Feb 2026 08:00:00 GMT"
            assert rows[plan].status == 200 and rows[plan].size == len(PAGE)
            assert rows[f"{BASE}/files/kh.pdf"].sha256 == sha(pdf)
            assert rows[f"{BASE}/files/kh.pdf"].content_type == "application/pdf"
            links = conn.execute(select(VersionEvidence.role, RawFetch.url).join(
                RawFetch, RawFetch.id == VersionEvidence.raw_fetch_id).order_by(RawFetch.url)).all()
            assert sorted(links) == sorted([("page", plan), ("attachment", f"{BASE}/files/kh.pdf"), ("page", mirror)])
            assert conn.execute(select(func.count()).select_from(WidgetEvidence)).scalar_one() == 1
            # the raw page moved out of the database: the version names its blob instead of html_z
            versions = conn.execute(select(DocumentVersion.html_z, DocumentVersion.html_path)).all()
            assert versions and all(z is None and p == blob_key(sha(PAGE)) for z, p in versions)
        assert BlobStore(folder(store)).read(sha(pdf)) == pdf
    finally:
        store.close()


def test_a_version_keeps_the_capture_that_first_produced_it(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        url = f"{BASE}/tin-tuc/ke-hoach-2026"
        day1 = PAGE.replace(b"</body>", "<p>Hôm nay: 10</p></body>".encode())
        day2 = PAGE.replace(b"</body>", "<p>Hôm nay: 11</p></body>".encode())   # same text, another counter
        crawl_day(store, dt.date(2026, 2, 10), [page_item(url, day1, rec=record(url, "Nội dung kế hoạch."))])
        crawl_day(store, dt.date(2026, 2, 11), [page_item(url, day2, rec=record(url, "Nội dung kế hoạch."),
                                                          fetched_at="2026-02-11T02:00:00+00:00")])
        with store.engine.connect() as conn:
            linked = conn.execute(select(RawFetch.sha256).join(
                VersionEvidence, VersionEvidence.raw_fetch_id == RawFetch.id)).scalars().all()
            assert linked == [sha(day1)]
            assert conn.execute(select(func.count()).select_from(RawFetch)).scalar_one() == 2
    finally:
        store.close()


def test_prune_keeps_evidence_and_frees_the_rest(db_url: str) -> None:
    store = Store.open(db_url)
    try:
        old = "2026-01-01T02:00:00+00:00"
        plan = f"{BASE}/tin-tuc/ke-hoach-2026"
        gone = b"<html><body>404 Not Found</body></html>"
        listing = b"<html><body>Trang chu - no widget here, only visitors</body></html>"
        widget_page = b"<html><body>Widget 120 ho so</body></html>"
        crawl_day(store, dt.date(2026, 1, 1), [
            page_item(plan, PAGE, rec=record(plan, "Nội dung kế hoạch."), fetched_at=old),
            page_item(f"{BASE}/tin-tuc/da-go", gone, rec=None, status=404, fetched_at=old),
            widget_item(f"{BASE}/widget", widget_page, fetched_at=old),
            widget_item(f"{BASE}/trang-chu", listing, reading=False, fetched_at=old),
        ])
        blobs = BlobStore(folder(store))
        freed_expected = blobs.path(sha(gone)).stat().st_size + blobs.path(sha(listing)).stat().st_size
        now = dt.datetime(2026, 1, 20, tzinfo=dt.UTC)

        dry = prune(store.engine, folder(store), 7, dry_run=True, now=now)
        assert (dry.files, dry.bytes, dry.raw_fetches, dry.kept_referenced) == (2, freed_expected, 2, 2)
        assert count(store, Blob) == 4 and blobs.has(sha(gone))          # a dry run changes nothing

        assert prune(store.engine, folder(store), 30, now=now).files == 0  # nothing that old yet

        done = prune(store.engine, folder(store), 7, now=now)
        assert (done.files, done.bytes, done.raw_fetches, done.kept_referenced) == (2, freed_expected, 2, 2)
        assert not blobs.has(sha(gone)) and not blobs.has(sha(listing))
        assert blobs.read(sha(PAGE)) == PAGE and blobs.read(sha(widget_page)) == widget_page
        with store.engine.connect() as conn:
            assert set(conn.execute(select(Blob.sha256)).scalars()) == {sha(PAGE), sha(widget_page)}
            assert set(conn.execute(select(RawFetch.url)).scalars()) == {plan, f"{BASE}/widget"}
        assert prune(store.engine, folder(store), 7, now=now).files == 0   # idempotent
    finally:
        store.close()


def test_prune_command_reports_what_it_freed(tmp_path: Path) -> None:
    db = tmp_path / "cchc.sqlite"
    store = Store.open(str(db))
    try:
        crawl_day(store, dt.date(2026, 1, 1), [
            page_item(f"{BASE}/a", b"<html>old error page</html>", rec=None, status=500,
                      fetched_at="2026-01-01T02:00:00+00:00")])
        size = BlobStore(folder(store)).path(sha(b"<html>old error page</html>")).stat().st_size
    finally:
        store.close()

    def cchc(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)

    dry = cchc("db", "prune", "--keep-days", "7", "--dry-run", "--db", str(db))
    assert dry.returncode == 0, dry.stderr
    assert f"Sẽ giải phóng 1 tệp bản gốc ({size} byte" in dry.stdout
    done = cchc("db", "prune", "--keep-days", "7", "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert f"Đã giải phóng 1 tệp bản gốc ({size} byte" in done.stdout and "1 dòng thông tin tải" in done.stdout
    again = cchc("db", "prune", "--keep-days", "7", "--db", str(db), "--lang", "en")
    assert again.stdout.startswith("Freed 0 raw files (0 bytes")
    bad = cchc("db", "prune", "--keep-days", "-1", "--db", str(db))
    assert bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.strip().splitlines()) == 1
