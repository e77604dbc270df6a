"""Extraction: PURE functions from a fetched page (html, url) to a typed record.

No Scrapy and no storage here: the same functions serve `cchc extract`, the crawl's item pipelines,
a process pool and the tests. Vietnamese text is normalised only through `core.vntext`.

The record's extractor (`extract`, with trafilatura) and the attachments' readers are imported on
first use (PEP 562 `__getattr__`): the crawl's own process reads only the widget, the visitor counter
and WAF pages here, and extraction runs in the pool's workers, whose forkserver preloads them
(`pipelines.forkserver_preload`). Importing them into the crawl process was a fixed cost of every
daily crawl (issue 12).
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .issuer import PortalContext
from .record import RECORD_KEYS, Record
from .visitors import extract_visitors
from .waf import is_waf_block
from .widget import extract_widget, widget_from_api, widget_source_urls

if TYPE_CHECKING:
    from .attachments import AttachmentText, attachment_text
    from .extractor import extract
    from .maintext import TRAFILATURA_OPTIONS
    from .register import register_record

#: name -> the module that defines it, imported when the name is first asked for
_LAZY = {"AttachmentText": ".attachments", "attachment_text": ".attachments", "extract": ".extractor",
         "TRAFILATURA_OPTIONS": ".maintext", "register_record": ".register"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AttachmentText", "PortalContext", "RECORD_KEYS", "Record", "TRAFILATURA_OPTIONS", "attachment_text",
    "extract", "extract_visitors", "extract_widget", "is_waf_block", "register_record", "widget_from_api",
    "widget_source_urls",
]
