"""From analysed text to a Record: `build_record` (articles and register rows alike), and a register's
labelled values applied over what was inferred from the running text (`apply_register_fields`): the
register states them, so they win.
"""
from __future__ import annotations

import datetime as dt

from core.vntext import fold

from .dates import find_dates, parse_iso
from .document import Analysis, analyse
from .issuer import PortalContext, complete_issuer, organ_of
from .numbers import DOC_TYPES, find_numbers, type_from_code
from .page import Page
from .record import Record


def build_record(page: Page, context: PortalContext | None, now: dt.datetime, text: str | None,
                 title: str | None, published: str | None) -> Record:
    """Fill a Record from a page's text and title (shared by articles and register rows)."""
    return record_from(page, analyse(title, text, context, published), text, title, published)


def record_from(page: Page, a: Analysis, text: str | None, title: str | None, published: str | None) -> Record:
    """A Record from an analysis already made (a register row also looks at the analysis itself: whose
    document its attachment's header states)."""
    rec = Record(url=page.url, title=title, published_at=published, text=text)
    rec.is_cchc, rec.category = a.is_cchc, a.category
    rec.doc_number, rec.doc_type, rec.doc_date = a.own.number, a.own.type, a.own.date
    rec.issuer, rec.issuer_as_written, rec.organ = a.issuer, a.own.issuer_as_written, a.organ
    rec.plan_year, rec.plan_period = a.plan_year, a.plan_period
    rec.citations = [c.to_dict() for c in a.citations]
    rec.deadlines, rec.channels, rec.sections = a.deadlines, a.channels, a.sections
    rec.warnings.extend(a.warnings)
    return rec


def doc_type_named(raw: str | None) -> str | None:
    """"Kế hoạch" / "KẾ HOẠCH" / "Ke hoach" as a register's "Loại văn bản" writes it -> canonical name."""
    return DOC_TYPES.get(fold(raw)) if raw else None


def apply_register_fields(rec: Record, number_raw: str | None, date_raw: str | None, issuer_raw: str | None,
                          summary: str | None, context: PortalContext | None, type_raw: str | None = None) -> None:
    """Set the document's own number, type, date and issuer from a register's labelled values (a
    register row, or a document detail page): the register states them, so they beat anything
    inferred from the running text."""
    nums = find_numbers(number_raw or "")
    if nums:
        rec.doc_number = nums[0].number
        rec.doc_type = doc_type_named(type_raw) or rec.doc_type or type_from_code(nums[0].code)
    elif number_raw:
        rec.doc_number = number_raw
        rec.warnings.append(f"doc_number: register value {number_raw!r} does not follow the number grammar")
    rec.citations = [c for c in rec.citations if c["number"] != rec.doc_number]
    if date_raw:
        iso = parse_iso(date_raw)
        ds = find_dates(date_raw) or ([iso] if iso else [])
        if ds:
            rec.doc_date = ds[0].date.isoformat()
        else:
            rec.warnings.append(f"doc_date: register value {date_raw!r} is not a date")
    if issuer_raw:
        rec.issuer_as_written = issuer_raw
        rec.issuer = complete_issuer(issuer_raw, summary, context)
        rec.organ = organ_of(rec.issuer)
    if rec.plan_year is None and rec.plan_period is None and rec.doc_date and rec.doc_type == "Kế hoạch":
        rec.plan_year = int(rec.doc_date[:4])
