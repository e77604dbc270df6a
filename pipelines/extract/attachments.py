"""Attachments: the links a page offers ("Tải file", "224.pdf") and the text inside the files.

The kind is read from the BYTES (a "Tải file" link has no extension, and servers send
application/octet-stream): %PDF -> pdf; a zip with word/ -> docx; OLE2 (D0 CF 11 E0) -> doc.
Text comes from pypdf, python-docx, and catdoc (antiword as fallback) for legacy .DOC. A scanned PDF
(no text layer) or a failed conversion gives a warning, never a silent empty text.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlparse

from lxml import etree

from core.vntext import clean_space, nfc

from .page import key_of

FILE_EXT_RE = re.compile(r"\.(pdf|docx?|xlsx?|odt|ods|rtf|zip|rar|7z|pptx?)(?:$|[?#])", re.I)
_LINK_TEXT_RE = re.compile(
    r"^(?:tai file|tai ve|tai xuong|tai tep|download|xem file|file dinh kem|tep dinh kem|tai lieu dinh kem|van ban dinh kem|tai ke hoach)"
)
_PATH_HINT_RE = re.compile(r"/attachments?/|filequantritintuc|/vanban/|/uploads?/|download|getfile|/documents/\d", re.I)


@dataclass
class AttachmentText:
    """What a downloaded file holds: its kind (from the bytes), its text, and what went wrong."""

    kind: str
    text: str
    warnings: list[str] = field(default_factory=list)


def sniff_kind(data: bytes, name: str | None = None, content_type: str | None = None) -> str:
    """pdf / docx / xlsx / doc / xls / zip / html / unknown, from magic bytes first."""
    head = data[:8]
    if head.startswith(b"%PDF") or data[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "zip"
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        low = (name or "").lower()
        return "xls" if low.endswith(".xls") or "excel" in (content_type or "") else "doc"
    if data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        return "html"
    return "unknown"


def kind_from_name(name: str | None) -> str | None:
    """Kind from a link's extension, or None when it has none ("Tải file")."""
    if not name:
        return None
    m = FILE_EXT_RE.search(name)
    return m.group(1).lower() if m else None


def _pdf_text(data: bytes) -> tuple[str, list[str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = [(p.extract_text() or "") for p in reader.pages]
    text = "\n".join(pages).strip()
    if not text:
        return "", [f"attachment: PDF has no text layer on its {len(pages)} page(s) (scanned?): OCR needed"]
    return text, []


def _docx_text(data: bytes) -> tuple[str, list[str]]:
    import docx

    d = docx.Document(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(p for p in parts if p.strip()), []


def _doc_text(data: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    for tool, args in (("catdoc", ["-d", "utf-8", "-w"]), ("antiword", ["-m", "UTF-8.txt"])):
        exe = shutil.which(tool)
        if not exe:
            warnings.append(f"attachment: {tool} not installed")
            continue
        try:
            proc = subprocess.run([exe, *args, "-"] if tool == "catdoc" else [exe, *args, "-"],
                                  input=data, capture_output=True, timeout=60)
        except (subprocess.TimeoutExpired, OSError) as exc:
            warnings.append(f"attachment: {tool} failed: {exc}")
            continue
        out = proc.stdout.decode("utf-8", "replace").strip()
        if proc.returncode == 0 and out:
            return out, []
        warnings.append(f"attachment: {tool} exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace').strip()[:160]}")
    return "", warnings


def attachment_text(data: bytes, name: str | None, content_type: str | None = None) -> AttachmentText:
    """Kind (from the bytes) and text of a downloaded attachment; problems go to warnings."""
    kind = sniff_kind(data, name, content_type)
    try:
        if kind == "pdf":
            text, warnings = _pdf_text(data)
        elif kind == "docx":
            text, warnings = _docx_text(data)
        elif kind == "doc":
            text, warnings = _doc_text(data)
        elif kind == "html":
            text, warnings = "", ["attachment: the link returned an HTML page, not a file"]
        else:
            text, warnings = "", [f"attachment: no text extractor for kind {kind!r} ({name or 'unnamed'})"]
    except Exception as exc:  # noqa: BLE001 - a broken file must become a warning, not a crash
        text, warnings = "", [f"attachment: {kind} conversion failed: {type(exc).__name__}: {exc}"]
    text = nfc(text)
    if not text.strip() and not warnings:
        warnings = [f"attachment: {kind} file has no text"]
    return AttachmentText(kind, text, warnings)


def find_attachments(root: etree._Element | None, url: str) -> list[dict[str, str | None]]:
    """{url, name, kind} for file links in a content element (kind None when the link has no extension)."""
    if root is None:
        return []
    out: list[dict[str, str | None]] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        label = clean_space(a.text_content() or "")
        key = key_of(label)
        try:
            path = unquote(urlparse(href).path)
        except ValueError:
            continue   # an unparsable href ("http://[bad": an unclosed IPv6 bracket) links to no file
        is_file = bool(FILE_EXT_RE.search(path)) or bool(_LINK_TEXT_RE.match(key)) or (
            bool(_PATH_HINT_RE.search(href)) and ("tai" in key.split() or "file" in key))
        if not is_file:
            continue
        try:
            absu = urljoin(url, href)
        except ValueError:
            continue
        if absu in seen:
            continue
        seen.add(absu)
        fname = path.rsplit("/", 1)[-1]
        name = fname if FILE_EXT_RE.search(fname) else (label or fname or None)
        out.append({"url": absu, "name": name, "kind": kind_from_name(fname)})
    return out
