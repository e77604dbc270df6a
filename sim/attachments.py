"""Real attachment files: text PDFs (reportlab + DejaVu so Vietnamese is in the text layer), DOCX
(python-docx), an image-only "scanned" PDF with no text layer, and a legacy Word 97 .doc committed
under sim/data/ (made once by sim/data/make_legacy_doc.py).

Files are built on first request and cached by the server with the rest of the day's bytes; their
content depends only on the SimFile, so the same (seed, day) gives identical bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

from sim.model import SimFile

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
DATA_DIR = Path(__file__).resolve().parent / "data"
LEGACY_DOC = DATA_DIR / "ke-hoach-cchc-legacy.doc"
FIXED_DATE = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)  # file metadata: never wall time

CONTENT_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "scan_pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "octet": "application/octet-stream",
}


_FONTS_READY = False
# reportlab's TTFont keeps per-document subset state on the shared font object: one PDF at a time
_PDF_LOCK = threading.Lock()


def _register_fonts() -> None:
    """Register DejaVu once per process: reportlab keeps fonts in a global registry, so the TTF is
    parsed once and every later PDF costs milliseconds (fpdf2 re-parsed it per file, ~0.3 s a PDF,
    which made the simulator, not the portals it models, the slow part of a crawl)."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    _FONTS_READY = True


def text_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A PDF whose text layer carries the Vietnamese text (DejaVu embedded as a TTF subset);
    `invariant` pins the creation date and document id so equal input gives equal bytes."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    heading = ParagraphStyle("heading", fontName="DejaVu-Bold", fontSize=13, leading=17, alignment=1)
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=11, leading=15, spaceAfter=4)
    buf = io.BytesIO()
    with _PDF_LOCK:
        _register_fonts()
        doc = SimpleDocTemplate(buf, pagesize=A4, title=title, invariant=1)
        doc.build([Paragraph(escape(title), heading), Spacer(1, 8)] + [Paragraph(escape(p), body) for p in paragraphs])
    return buf.getvalue()


def scanned_pdf(title: str) -> bytes:
    """An image-only PDF, like a scanned signed plan: a page picture with no text layer at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(img)
    # a letterhead, a title block and lines of "text" drawn as strokes: pixels, not characters
    draw.rectangle((120, 120, 560, 200), outline=0, width=3)
    draw.rectangle((700, 120, 1120, 200), outline=0, width=3)
    draw.rectangle((300, 300, 940, 340), fill=40)
    seed = sum(title.encode("utf-8")) % 97
    for i in range(40):
        y = 420 + i * 30
        width = 900 - ((i * 37 + seed) % 260)
        draw.line((160, y, 160 + width, y), fill=70, width=6)
    draw.ellipse((820, 1450, 1060, 1690), outline=0, width=8)  # the red stamp, in grey
    buf = io.BytesIO()
    page = canvas.Canvas(buf, pagesize=A4, invariant=1)
    page.drawImage(ImageReader(img), 0, 0, width=A4[0], height=A4[1])
    page.showPage()
    page.save()
    return buf.getvalue()


def docx_bytes(title: str, paragraphs: list[str]) -> bytes:
    """A DOCX with the plan's text in ordinary paragraphs (core properties pinned for determinism)."""
    import docx

    d = docx.Document()
    d.core_properties.created = FIXED_DATE.replace(tzinfo=None)
    d.core_properties.modified = FIXED_DATE.replace(tzinfo=None)
    d.core_properties.title = title
    d.add_heading(title, level=1)
    for para in paragraphs:
        d.add_paragraph(para)
    buf = io.BytesIO()
    d.save(buf)
    return _pin_zip_times(buf.getvalue())


def _pin_zip_times(data: bytes) -> bytes:
    """Rewrite a zip with fixed member timestamps so equal input gives equal bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def legacy_doc() -> bytes:
    """The committed Word 97 file (see sim/data/make_legacy_doc.py)."""
    if not LEGACY_DOC.exists():
        raise FileNotFoundError(f"{LEGACY_DOC} is missing; run sim/data/make_legacy_doc.py once and commit it")
    return LEGACY_DOC.read_bytes()


def file_bytes(f: SimFile) -> bytes:
    """The bytes of an attachment."""
    if f.kind in ("pdf", "octet"):
        return text_pdf(f.title, f.paragraphs)
    if f.kind == "scan_pdf":
        return scanned_pdf(f.title)
    if f.kind == "docx":
        return docx_bytes(f.title, f.paragraphs)
    if f.kind == "doc":
        return legacy_doc()
    raise ValueError(f"unknown attachment kind {f.kind!r}")


def file_headers(f: SimFile) -> list[tuple[str, str]]:
    """Content-Type, and Content-Disposition with the real name when the URL has no extension."""
    headers = [("Content-Type", CONTENT_TYPES[f.kind])]
    if f.kind == "octet":
        headers.append(("Content-Disposition", f'attachment; filename="{f.filename}"'))
    return headers
