"""Value coercion for items coming from spiders and the extractor.

Items are JSON-like dicts written by other parts of the product; these helpers turn their loosely typed
values into what the columns hold, in one place, and define the two hashes storage relies on.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from typing import Any, Literal, overload
from urllib.parse import urlsplit, urlunsplit

from core.vntext import nfc

_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The key a document is stored under: scheme and host lower-cased, default port and fragment
    dropped, empty path made "/". Path and query are kept as written (portals' ids live there)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    netloc = host
    if parts.port is not None and _DEFAULT_PORTS.get(scheme) != parts.port:
        netloc = f"{host}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def origin(url: str) -> str:
    """``scheme://host/`` of a URL (the base URL of a portal met ad hoc)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}/"


def document_content_hash(text: str | None, attachment_checksums: Iterable[str | None]) -> str:
    """SHA-256 over the NFC main text and the sorted attachment checksums.

    This is what decides a new document version. The raw page is deliberately not part of it: its
    visitor counters, dates and sidebars change every day while the document does not.
    """
    digest = hashlib.sha256()
    digest.update(b"text\x00")
    digest.update(nfc(text or "").encode("utf-8"))
    for checksum in sorted({c for c in attachment_checksums if c}):
        digest.update(b"\x00attachment\x00")
        digest.update(checksum.encode("utf-8"))
    return digest.hexdigest()


def sha256_text(value: str | bytes | None) -> str | None:
    """SHA-256 hex of text (UTF-8) or bytes; None stays None."""
    if value is None:
        return None
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()


def parse_instant(value: Any) -> dt.datetime | None:
    """An aware datetime from a datetime or an ISO string ("Z" allowed). Naive values mean UTC,
    which is what the crawler's own timestamps are; a value that does not parse is an error."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)
    elif isinstance(value, str):
        raw = value.strip()
        if raw.endswith(("Z", "z")):
            raw = raw[:-1] + "+00:00"
        result = dt.datetime.fromisoformat(raw)
    else:
        raise ValueError(f"not a timestamp: {value!r}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=dt.UTC)
    return result.astimezone(dt.UTC)


def parse_date(value: Any) -> dt.date | None:
    """A date from a date, datetime or ISO string; anything else is None (the record JSON keeps it)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        raw = value.strip()
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            return None
    return None


def text_or_none(value: Any, limit: int | None = None) -> str | None:
    """A string column value: None and "" become None; other values are str()-ed and NFC-ed."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = "|".join(str(v) for v in value)
    result = nfc(str(value))
    if result == "":
        return None
    return result[:limit] if limit else result


_NUMBER_JUNK = re.compile(r"[%\s\u00a0]")


@overload
def number(value: Any, *, integer: Literal[True]) -> int | None: ...
@overload
def number(value: Any, *, integer: Literal[False]) -> float | None: ...
@overload
def number(value: Any, *, integer: bool) -> int | float | None: ...
def number(value: Any, *, integer: bool) -> int | float | None:
    """A count or a rate from an int, a float or a portal-formatted string ("2.142", "99,41%").

    Raises ValueError when the value is present but not a number, so the caller can record why.
    """
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, (int, float)):
        return int(value) if integer else float(value)
    if not isinstance(value, str):
        raise ValueError(f"not a number: {value!r}")
    raw = _NUMBER_JUNK.sub("", value)
    if integer:
        raw = raw.replace(".", "").replace(",", "")
        return int(raw)
    if "," in raw and "." in raw:
        raw = raw.replace(".", "").replace(",", ".") if raw.rfind(",") > raw.rfind(".") else raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    return float(raw)


def integer(value: Any) -> int | None:
    """`number` of a count (typed as the int it is); raises ValueError like `number`."""
    result = number(value, integer=True)
    return None if result is None else int(result)


def bool_or_none(value: Any) -> bool | None:
    """A flag from a bool, 0/1, or "1"/"true"/"yes"; "" and None are None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    return str(value).strip().lower() in {"1", "true", "yes", "y", "on"}


def split_multi(value: Any) -> list[str]:
    """A registry multi-valued cell ("a|b" or a list) as a list of non-empty, stripped strings."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split("|")
    else:
        items = value
    return [str(v).strip() for v in items if v is not None and str(v).strip()]
