"""A record from a document-register row (Số ký hiệu, Ngày ban hành, Trích yếu, Cơ quan, file): the
row states the number, so it is the document's own; the attachment's text is the record's text.

The row's own words beat its attachment's: what the title (Trích yếu) states - the document's kind
("Kế hoạch …") and the year or period it is for ("… năm 2020") - wins over what the attachment's text
says, and the attachment fills only what the title does not state. A portal's file is not always the
row's document: Cần Thơ's register row 784/KH-UBND (28/12/2019, "… cải cách hành chính nhà nước năm
2020") links a .doc holding 27/KH-UBND, a 2022 propaganda plan. When the attachment's own header states
another number, nothing it says about its own document (kind, date, subject, year, category) is the
row's: those come from the row and its title alone, and a warning names both numbers.
"""
from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

from core.vntext import clean_space, fold, fold_aligned

from .assemble import apply_register_fields, record_from
from .attachments import AttachmentText, kind_from_name
from .document import analyse
from .issuer import PortalContext
from .numbers import DOC_TYPES, find_numbers
from .owndoc import _TITLE_TYPE_RE
from .page import Page, key_of
from .period import year_or_period
from .record import Record


def title_statements(title: str | None) -> tuple[str | None, int | None, str | None]:
    """What a register row's title states of its document: (kind, plan year, plan period), None where
    it is silent. The year is the one the document is for: "Kế hoạch 87/KH-UBND năm 2013 về cải cách
    hành chính Tuyên Quang năm 2014" is a 2013 plan for 2014."""
    key = fold_aligned(title or "")
    m = _TITLE_TYPE_RE.match(key)
    year, period = year_or_period(key)
    return (DOC_TYPES[m["type"]] if m else None), year, period


def _same_number(a: str, b: str) -> bool:
    return fold(a).replace(" ", "") == fold(b).replace(" ", "")


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
    a = analyse(summary, text, context)
    rec = record_from(page, a, text, summary, None)
    row_numbers = find_numbers(number_raw or "")
    if (text and a.own.from_header and a.own.number and row_numbers
            and not _same_number(a.own.number, row_numbers[0].number)):
        # the file holds another document: its own kind, date, subject, year and category are not the row's
        alone = record_from(page, analyse(summary, None, context), text, summary, None)
        rec.is_cchc, rec.category, rec.doc_type, rec.doc_date = alone.is_cchc, alone.category, alone.doc_type, None
        rec.plan_year, rec.plan_period = alone.plan_year, alone.plan_period
        rec.warnings.append(f"attachment: holds {a.own.number}, not the row's {row_numbers[0].number}; the row and "
                            "its title give the document's own fields")
    kind, year, period = title_statements(summary)
    rec.doc_type = kind or rec.doc_type
    if (year or period) and (rec.plan_year is not None or rec.plan_period is not None):
        rec.plan_year, rec.plan_period = year, period
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
