"""Delivery through apprise: one URL per recipient (mailto://, mailtos://, tgram://, slack://, discord://,
matrix://, json://…), each sent and judged on its own so one dead webhook does not hold back the
e-mail, and its failure is recorded with apprise's own reason.

Never raises for a recipient that cannot be reached: the caller records the failure and retries it at
the next evaluation. Recipient URLs carry secrets (passwords, bot tokens), so what is stored and shown
is apprise's privacy form of the URL and a hash, never the URL itself.
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass

import apprise

#: apprise's log format puts "2026-03-04 02:00:01,123 - WARNING - " before each reason
_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ - [A-Z]+ - ")
#: services that render Markdown in any message whatever format apprise says it sends them in
RENDERS_MARKDOWN = {"discord"}
_FORMATS = {apprise.NotifyFormat.HTML: "html", apprise.NotifyFormat.MARKDOWN: "markdown"}


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str | None = None


def recipient_id(url: str) -> str:
    """A stable id of a recipient URL that does not reveal it (the stored delivery results are keyed by it)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def shown(url: str) -> str:
    """The recipient as people may see it: apprise's privacy form (passwords and tokens masked)."""
    obj = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    if obj is None:
        return url.split("://", 1)[0] + "://…"
    return str(obj.url(privacy=True)).split("?", 1)[0]


def body_format(url: str) -> str:
    """html | markdown | text: what the recipient's service renders (its apprise `notify_format`)."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in RENDERS_MARKDOWN:
        return "markdown"
    obj = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    declared = getattr(obj, "notify_format", None)
    if isinstance(declared, (tuple, list)):  # apprise 2: the formats a service reads, preferred first
        declared = declared[0] if declared else None
    return _FORMATS.get(declared, "text") if declared is not None else "text"


def send(url: str, title: str, body: str, fmt: str) -> Outcome:
    """Send one message to one recipient; the outcome carries apprise's reason when it failed."""
    a = apprise.Apprise()
    if not a.add(url):
        return Outcome(False, f"not a recipient URL apprise can deliver to ({shown(url)})")
    kind = {"html": apprise.NotifyFormat.HTML, "markdown": apprise.NotifyFormat.MARKDOWN}.get(fmt, apprise.NotifyFormat.TEXT)
    with apprise.LogCapture(level=logging.WARNING) as logs:
        try:
            ok = bool(a.notify(body=body, title=title, body_format=kind))
        except Exception as exc:  # noqa: BLE001 - a plugin bug must not lose the alert: it is recorded
            return Outcome(False, f"{type(exc).__name__}: {exc}")
        captured = logs.getvalue().strip() if hasattr(logs, "getvalue") else ""
    if ok:
        return Outcome(True)
    lines = [_LOG_PREFIX.sub("", line).strip() for line in captured.splitlines() if line.strip()]
    reason = " ".join(" ".join(lines).split())[-500:] or "apprise reported a failed delivery"
    return Outcome(False, reason)
