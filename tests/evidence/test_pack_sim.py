"""Evidence packs from a simulated crawl (two days of the simulator, real `cchc crawl` processes, as
tests/reports build theirs): every figure of a unit's rows with the raw page it was read from, a
manifest whose sums `cchc evidence verify` checks, and a verification that names a tampered file."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "reports"))
import builddb  # noqa: E402

from pipelines.file_pointers import read_pointer  # noqa: E402
from storage.evidence_models import Blob, RawFetch  # noqa: E402
from storage.models import Attachment  # noqa: E402

PORTALS = ("d-skhcn-dienbien", "p-dienbien", "p-hatinh")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return builddb.build(tmp_path_factory.mktemp("evidence_sim"), days=2, portals=PORTALS)


def cchc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report_row(db: Path, report: str, portal: str) -> dict:
    proc = cchc("report", report, "--year", "2026", "--format", "json", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return next(r for r in json.loads(proc.stdout) if r["portal"] == portal)


def test_identical_bytes_of_a_real_crawl_are_stored_once(crawled: Path) -> None:
    engine = create_engine(f"sqlite:///{crawled}")
    with engine.connect() as conn:
        captures = conn.execute(select(func.count()).select_from(RawFetch)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(RawFetch.sha256)))).scalar_one()
        blobs = conn.execute(select(func.count()).select_from(Blob)).scalar_one()
    files = list((crawled.parent / (crawled.name + ".d") / "blobs").rglob("*.gz"))
    assert captures > distinct  # day 2 met the same attachments again
    assert distinct == blobs == len(files)
    # Scrapy's FILES_STORE keeps a pointer per attachment, not a second copy of its bytes ...
    pointers = [p for p in (crawled.parent / "files").rglob("*") if p.is_file()]
    assert pointers
    for path in pointers:
        pointer = read_pointer(path)
        assert pointer is not None and path.stat().st_size < 1024
        assert Path(pointer["blob"]).is_file() and Path(pointer["blob"]) in files
    # ... and its download cache still works: day 2 took the attachments from it, not from the portals
    with engine.connect() as conn:
        day2 = conn.execute(select(RawFetch.status, RawFetch.headers).where(
            RawFetch.kind == "attachment", RawFetch.run_id == 2)).all()
    engine.dispose()
    assert day2 and all(status is None and "download cache" in headers["x-cchc-source"] for status, headers in day2)


def test_pack_holds_every_figure_with_its_raw_page(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "skhcn.zip"
    made = cchc("evidence", "pack", "so khoa hoc dien bien", "--year", "2026", "--out", str(out), "--db", str(crawled))
    assert made.returncode == 0, made.stderr
    coverage = report_row(crawled, "coverage", "d-skhcn-dienbien")
    compliance = report_row(crawled, "compliance", "d-skhcn-dienbien")
    assert coverage["found"] and coverage["doc_number"]
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read("manifest.json"))
        figures = json.loads(zf.read("figures.json"))
        record = json.loads(zf.read("documents/01/record.json"))
        fetch = json.loads(zf.read("documents/01/fetch.json"))
        page = zf.read("documents/01/page.html")
        index = zf.read("index.html").decode()
        attachments = [n for n in names if n.startswith("documents/01/attachments/")]
        attachment_bytes = [zf.read(n) for n in attachments]
    assert set(manifest["files"]) == names - {"manifest.json"}
    assert all(manifest["files"][n]["sha256"] == sha(zf_bytes) for n, zf_bytes in
               [("documents/01/page.html", page), ("index.html", index.encode())])
    # the rows as the reports give them, each figure pointing at the document folder
    assert figures["coverage"] == coverage and figures["compliance"] == compliance
    by_key = {(f["source"], f["key"]): f for f in figures["figures"]}
    assert by_key[("coverage", "doc_number")]["value"] == coverage["doc_number"]
    assert by_key[("coverage", "doc_number")]["evidence"] == "documents/01"
    assert by_key[("compliance", "status")]["evidence"] == "documents/01"
    # the extraction record is the stored version; the raw page is the bytes the portal served
    assert record["doc_number"] == coverage["doc_number"] and record["document"]["url"] == coverage["url"]
    assert record["content_hash"] == coverage["content_hash"]
    assert fetch[0]["kind"] == "page" and fetch[0]["url"] == coverage["url"] and fetch[0]["status"] == 200
    assert fetch[0]["sha256"] == sha(page) and fetch[0]["content_type"].startswith("text/html")
    assert coverage["doc_number"] in page.decode("utf-8")
    # attachments: the same bytes Scrapy's FilesPipeline downloaded (its MD5 is in the attachments table)
    engine = create_engine(f"sqlite:///{crawled}")
    with engine.connect() as conn:
        md5s = set(conn.execute(select(Attachment.checksum).where(Attachment.url.in_(
            [f["url"] for f in fetch if f["kind"] == "attachment"]))).scalars())
    engine.dispose()
    assert attachments and {hashlib.md5(b).hexdigest() for b in attachment_bytes} <= md5s
    assert "Hồ sơ bằng chứng: Sở Khoa học và Công nghệ tỉnh Điện Biên" in index
    assert 'sandbox=""' in index and "default-src &#x27;none&#x27;" in index

    ok = cchc("evidence", "verify", str(out))
    assert ok.returncode == 0 and ok.stdout.startswith(f"ok: {len(manifest['files'])} tệp khớp"), ok.stderr


def _rewrite(src: Path, dst: Path, change: dict[str, bytes | None]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    zout.writestr(info.filename, change[info.filename])
                continue
            zout.writestr(info, zin.read(info.filename))
        for name, data in change.items():
            if name not in zin.namelist() and data is not None:
                zout.writestr(name, data)


def test_verify_names_each_file_that_does_not_match(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.zip"
    assert cchc("evidence", "pack", "d-skhcn-dienbien", "--year", "2026", "--out", str(out),
                "--db", str(crawled)).returncode == 0
    with zipfile.ZipFile(out) as zf:
        page = zf.read("documents/01/page.html")
    tampered = tmp_path / "tampered.zip"
    _rewrite(out, tampered, {"documents/01/page.html": page.replace(b"</body>", b"<p>edited</p></body>")})
    bad = cchc("evidence", "verify", str(tampered))
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: documents/01/page.html: SHA-256 ")
    assert "does not match the manifest's" in lines[0]

    worse = tmp_path / "worse.zip"
    _rewrite(out, worse, {"documents/01/record.json": None, "extra.html": b"<p>slipped in</p>"})
    bad = cchc("evidence", "verify", str(worse))
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "error: documents/01/record.json: listed in the manifest but missing from the pack",
        "error: extra.html: in the pack but not listed in the manifest"]


def test_widget_figures_carry_the_page_they_were_read_from(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "hatinh.zip"
    made = cchc("evidence", "pack", "ha tinh", "--year", "2026", "--out", str(out), "--db", str(crawled))
    assert made.returncode == 0, made.stderr
    compliance = report_row(crawled, "compliance", "p-hatinh")
    assert compliance["widget_present"]
    with zipfile.ZipFile(out) as zf:
        folder = next(n.rsplit("/", 1)[0] for n in zf.namelist() if n.endswith("reading.json"))
        reading = json.loads(zf.read(f"{folder}/reading.json"))
        fetch = json.loads(zf.read(f"{folder}/fetch.json"))[0]
        raw = zf.read(fetch["file"])
        figures = json.loads(zf.read("figures.json"))
    assert reading["total"] == compliance["widget_total"] and reading["late"] == compliance["widget_late"]
    assert fetch["url"] == reading["url"] and fetch["sha256"] == sha(raw) and fetch["kind"] == "widget"
    by_key = {(f["source"], f["key"]): f for f in figures["figures"]}
    assert by_key[("compliance", "widget_total")]["evidence"] == folder
    assert cchc("evidence", "verify", str(out)).returncode == 0


def test_bad_input_is_one_error_line_and_no_file(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.zip"
    for args in (("khong co don vi nay", "--year", "2026"), ("p-hatinh", "--year", "1999")):
        proc = cchc("evidence", "pack", *args, "--out", str(out), "--db", str(crawled))
        assert proc.returncode == 2 and proc.stderr.startswith("error:"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and not out.exists()
    (tmp_path / "not.zip").write_text("plain text")
    proc = cchc("evidence", "verify", str(tmp_path / "not.zip"))
    assert proc.returncode == 2 and proc.stderr.startswith("error:") and "not a readable zip" in proc.stderr
