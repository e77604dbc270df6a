"""A record from a document-register row (Số ký hiệu, Ngày ban hành, Trích yếu, Cơ quan, file): the
row states the number, so it is the document's own; the attachment's text is the record's text.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from core.vntext import clean_space

from .assemble import apply_register_fields, build_record
from .attachments import AttachmentText, kind_from_name
from .dates import default_now
from .issuer import PortalContext
from .page import Page, key_of
from .record import Record


def register_record(row: dict[str, Any], url: str, attachment: AttachmentText | None,
                    context: PortalContext | None = None, *, fetched_at: dt.datetime | None = None) -> Record:
    """A record from a document-register row (Số ký hiệu, Ngày ban hành, Trích yếu, Cơ quan, file).

    The row states the number, so it is the document's own; the attachment's text is the record's
    text (and is searched for citations, deadlines, sections and channels).
    """
    by_key = {key_of(str(k)): v for k, v in row.items()}

    def pick(*names: str) -> str | None:
        for n in names:
            for k, v in by_key.items():
                if k == n or k.startswith(n):
                    if v is not None and str(v).strip():
                        return clean_space(str(v))
        return None

    number_raw = pick("so ky hieu", "so/ky hieu", "so, ky hieu", "ky hieu", "so hieu", "number", "so")
    date_raw = pick("ngay ban hanh", "ngay ky", "ngay", "date")
    summary = pick("trich yeu", "tieu de", "ten van ban", "summary", "title")
    issuer_raw = pick("co quan ban hanh", "noi ban hanh", "don vi ban hanh", "issuer")
    file_url = pick("file", "tep", "tai ve", "dinh kem", "url")
    text = attachment.text if attachment is not None and attachment.text.strip() else None
    page = Page(html="", url=url, tree=None)
    rec = build_record(page, context, fetched_at or default_now(), text, summary, None)
    apply_register_fields(rec, number_raw, date_raw, issuer_raw, summary, context)
    if file_url:
        absu = urljoin(url, file_url)
        kind = attachment.kind if attachment is not None else kind_from_name(absu)
        fname = unquote(urlparse(absu).path).rsplit("/", 1)[-1]
        rec.attachments = [{"url": absu, "name": fname or None, "kind": kind}]
    if attachment is not None:
        rec.warnings.extend(attachment.warnings)
    elif file_url:
        rec.warnings.append("text: the register row's file was not downloaded; text is empty")
    return rec
