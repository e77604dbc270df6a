"""Extraction: PURE functions from a fetched page (html, url) to a typed record.

No Scrapy and no storage here: the same functions serve `cchc extract`, the crawl's item pipelines,
a process pool and the tests. Vietnamese text is normalised only through `core.vntext`.
"""
from __future__ import annotations

from .attachments import AttachmentText, attachment_text
from .extractor import extract
from .issuer import PortalContext
from .maintext import TRAFILATURA_OPTIONS
from .record import RECORD_KEYS, Record
from .register import register_record
from .visitors import extract_visitors
from .waf import is_waf_block
from .widget import extract_widget, widget_from_api, widget_source_urls

__all__ = [
    "AttachmentText", "PortalContext", "RECORD_KEYS", "Record", "TRAFILATURA_OPTIONS", "attachment_text",
    "extract", "extract_visitors", "extract_widget", "is_waf_block", "register_record", "widget_from_api",
    "widget_source_urls",
]
