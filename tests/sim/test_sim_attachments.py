"""Attachments are real files: text PDFs and DOCX with Vietnamese text, a scanned PDF with no text,
a legacy .doc that catdoc reads, and a PDF behind a "Tải file" link with no extension."""
from __future__ import annotations

import io
import shutil
import subprocess
import tempfile

import docx
import pypdf
import pytest
from sim_client import Client

from sim.network import SimNetwork


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_seed_002_pdf_has_vietnamese_text_layer(net: SimNetwork, client: Client) -> None:
    art = next(a for a in net.world.articles("d-sldtbxh-dienbien") if a.seed == 2)
    url, kind = art.attachments[0]
    assert kind == "pdf" and url.endswith("/224.pdf")
    got = client.get(url)
    assert got.headers["content-type"] == "application/pdf"
    text = " ".join(pdf_text(got.body).split())
    assert "Kế hoạch Tuyên truyền Cải cách hành chính Nhà nước năm 2022" in text
    assert "MỤC ĐÍCH, YÊU CẦU" in text


def test_scanned_pdf_has_no_text(net: SimNetwork, client: Client) -> None:
    scans = [f for a in net.world.articles("p-dienbien") for f in a.files if f.kind == "scan_pdf"]
    assert scans
    got = client.get(scans[0].url)
    assert got.body[:5] == b"%PDF-" and got.headers["content-type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(got.body))
    assert len(reader.pages) == 1 and pdf_text(got.body).strip() == ""
    assert "/Image" in str(reader.pages[0]["/Resources"]["/XObject"].get_object()[next(iter(reader.pages[0]["/Resources"]["/XObject"]))].get_object()["/Subtype"])


def test_docx_attachment(net: SimNetwork, client: Client) -> None:
    files = [f for pid in net.world.portals for a in net.world.articles(pid) for f in a.files if f.kind == "docx"]
    assert files
    got = client.get(files[0].url)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.body)).paragraphs)
    assert files[0].title in text and "cải cách hành chính" in text


@pytest.mark.skipif(shutil.which("catdoc") is None, reason="catdoc not installed")
def test_legacy_doc_read_by_catdoc(net: SimNetwork, client: Client) -> None:
    docs = [f for a in net.world.articles("p-cantho") for f in a.files if f.kind == "doc"]
    assert len(docs) == 1 and docs[0].url.endswith(".doc")
    got = client.get(docs[0].url)
    assert got.headers["content-type"] == "application/msword"
    assert got.body[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file (Word 97)
    with tempfile.NamedTemporaryFile(suffix=".doc") as tmp:
        tmp.write(got.body)
        tmp.flush()
        out = subprocess.run(["catdoc", "-d", "utf-8", tmp.name], capture_output=True, text=True, check=True).stdout
    assert "Số: 27/KH-UBND" in out and "IV. TỔ CHỨC THỰC HIỆN" in out


def test_tai_file_link_without_extension(net: SimNetwork, client: Client) -> None:
    art = next(a for a in net.world.articles("x-linhtruong-giolinh-quangtri") if a.seed == 4)
    url, kind = art.attachments[0]
    assert kind == "octet" and "." not in url.rsplit("/", 1)[1].split("?")[0]
    got = client.get(url)
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"] == 'attachment; filename="KH-tuyen-truyen-CCHC-2024.pdf"'
    assert got.body[:5] == b"%PDF-"
    assert "Kế hoạch tuyên truyền CCHC xã Linh trường năm 2024" in " ".join(pdf_text(got.body).split())


def test_pdfs_are_deterministic_even_when_made_concurrently() -> None:
    """The proxy renders attachments on many threads; reportlab's shared font state is locked, so
    the same file gives the same bytes whatever else is being rendered at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from sim.attachments import scanned_pdf, text_pdf

    def make(i: int) -> bytes:
        return text_pdf(f"Kế hoạch {i % 4}", [f"Tuyên truyền cải cách hành chính năm 202{i % 4}, đoạn {k}." for k in range(30)])

    alone = [make(i) for i in range(4)]
    with ThreadPoolExecutor(16) as pool:
        together = list(pool.map(make, range(64)))
    assert all(together[i] == alone[i % 4] for i in range(64))
    assert len(set(alone)) == 4
    assert scanned_pdf("Kế hoạch") == scanned_pdf("Kế hoạch")
