"""The charset of a fetched page, correcting the commonest lie of Vietnamese portals.

Why one module: the crawl's spiders (`crawler.spiders.base.page_text`) and `cchc sources probe`
(`crawler.probe`) read the same pages; when they decoded differently, the probe misread every portal
that serves UTF-8 bytes declared as ISO-8859-1/windows-1252 (17 of 3,949 candidates of the simulated
country were classified wrongly because the unit's name came out as mojibake).

The rule: bytes declared as a Latin single-byte charset that decode as UTF-8 and contain non-ASCII are
UTF-8 (a real Latin-1 page is almost never valid UTF-8 once it has non-ASCII bytes); anything else keeps
the standard decision (header, then <meta charset>, then detection: w3lib's, as Scrapy's), which already
handles windows-1258.
"""
from __future__ import annotations

#: declared charsets that Vietnamese portals use wrongly for UTF-8 bytes (w3lib reports Latin-1 as cp1252)
LATIN_FAMILY = frozenset({"iso-8859-1", "latin-1", "latin1", "cp1252", "windows-1252", "ascii", "us-ascii"})


def utf8_if_misdeclared(encoding: str | None, body: bytes) -> str | None:
    """`body` as UTF-8 text when it was declared as `encoding` of the Latin family but is UTF-8;
    None when the declared charset stands."""
    if (encoding or "").lower() not in LATIN_FAMILY:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if any(ord(ch) > 127 for ch in text) else None


def decode_html(body: bytes, content_type: str | None) -> str:
    """An HTML page's text: the Content-Type header's charset, then <meta>, then detection (as Scrapy
    decides), corrected by `utf8_if_misdeclared`."""
    from w3lib.encoding import html_to_unicode

    encoding, text = html_to_unicode(content_type, body)
    fixed = utf8_if_misdeclared(encoding, body)
    return text if fixed is None else fixed
