"""The raw copy of a response, as the evidence pipeline needs it: the bytes exactly as received and
the fetch metadata that says what they are (issue 14, "Evidence that outlives the portal").

Spiders stay database-free: they attach this mapping to the item (``raw``); `pipelines.evidence`
puts the bytes in the content-addressed store and storage records the metadata.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from scrapy.http import Response

#: Headers kept with a raw copy: what says what the bytes are and when the portal last changed them.
KEPT_HEADERS: tuple[str, ...] = (
    "content-type", "content-length", "content-encoding", "content-language", "content-disposition",
    "last-modified", "etag", "date", "expires", "cache-control", "server", "location",
)


def kept_headers(response: Response) -> dict[str, str]:
    """The headers that matter, lower-cased names, values decoded as HTTP defines them (Latin-1)."""
    out: dict[str, str] = {}
    for name in KEPT_HEADERS:
        value = response.headers.get(name)
        if value is not None:
            out[name] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


def raw_of(response: Response, kind: str) -> dict[str, Any]:
    """URL asked, final URL, time, status, headers and the body bytes of `response`."""
    request = response.request
    return {
        "kind": kind,
        "url": response.url,
        "requested_url": response.meta.get("redirected_from") or (request.url if request is not None else response.url),
        "status": response.status,
        "fetched_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "headers": kept_headers(response),
        "body": bytes(response.body or b""),
    }
