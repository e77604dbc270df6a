"""Attachment kind from the bytes, text from PDF/DOCX/legacy DOC, and loud warnings when there is none."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipelines.extract import attachment_text

FILES = Path(__file__).resolve().parent.parent / "fixtures" / "files"


def _pdf(text: str | None) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    page = canvas.Canvas(buf)
    if text is not None:
        page.setFont("Helvetica", 12)
        page.drawString(72, 720, text)
    else:
        page.rect(60, 500, 280, 170, fill=1)   # a "scan": graphics, no text layer
    page.showPage()
    page.save()
    return buf.getvalue()


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_pdf_without_extension_is_read_from_bytes() -> None:
    a = attachment_text(_pdf("Ke hoach so 38/KH-UBND ngay 23/02/2022"), "tai-file", "application/octet-stream")
    assert a.kind == "pdf" and "38/KH-UBND" in a.text and a.warnings == []


def test_scanned_pdf_warns_never_silent() -> None:
    a = attachment_text(_pdf(None), "224.pdf")
    assert a.kind == "pdf" and a.text == ""
    assert a.warnings and "no text layer" in a.warnings[0]


def test_docx() -> None:
    a = attachment_text(_docx(["KẾ HOẠCH", "Tuyên truyền cải cách hành chính năm 2024"]), "tai-file")
    assert a.kind == "docx" and "Tuyên truyền cải cách hành chính năm 2024" in a.text


def test_legacy_doc_through_catdoc() -> None:
    a = attachment_text((FILES / "ke-hoach-cchc-legacy.doc").read_bytes(), "tai-file")
    assert a.kind == "doc" and a.warnings == []
    assert "Số: 27/KH-UBND" in a.text and "Tuyên truyền cải cách hành chính nhà nước năm 2022" in a.text


@pytest.mark.parametrize("data, kind", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "doc"),   # OLE2 header, broken body
    (b"PK\x03\x04garbage", "zip"),
    (b"<!DOCTYPE html><html><body>Not found</body></html>", "html"),
    (b"\x00\x01\x02", "unknown"),
])
def test_failures_become_warnings(data: bytes, kind: str) -> None:
    a = attachment_text(data, "x")
    assert a.kind == kind and a.text == "" and a.warnings
