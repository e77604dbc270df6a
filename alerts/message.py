"""The text of an alert message: Vietnamese by default, portal text escaped for the service it goes to.

Why per format: a title scraped from a portal may hold `<a href=…>`, `*` or `[x](y)`. An e-mail's HTML
part or Telegram renders HTML, Slack and Discord render Markdown, a JSON webhook carries text. So the
message is built for the format the recipient's service reads (apprise tells it, `notify_format`):
HTML with every portal-supplied field `html.escape`d and our own links, Markdown with its special
characters backslash-escaped, plain text with `<` and `>` as `&lt;` `&gt;` (a JSON webhook's consumer
may well put the text into a page: no tag ever leaves here raw). Portal text is also NFC, single-line, without control
characters and capped, so it cannot forge extra lines ("Minh chứng: http://evil") in any format.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alerts.kinds import KINDS
from reports import labels

FORMATS = ("text", "html", "markdown")
MAX_FIELD = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def clean(value: str) -> str:
    """Portal text made safe to put on one line: NFC, no control characters, spaces collapsed, capped."""
    text = unicodedata.normalize("NFC", value)
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= MAX_FIELD else text[: MAX_FIELD - 1] + "…"


def escape(value: str, fmt: str) -> str:
    """`clean`, then escaped for `fmt` (html | markdown | text)."""
    text = clean(value)
    if fmt == "html":
        return html.escape(text, quote=True)
    if fmt == "markdown":
        return _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


@dataclass(frozen=True)
class _Shown:
    """An alert as a kind's `describe` reads it, with its text fields escaped."""

    event: str
    details: dict[str, Any]


def escaped(item: Any, fmt: str) -> _Shown:
    """`item` with every text field of its details escaped for `fmt` (what `describe` may print)."""
    return _Shown(item.event, {k: escape(v, fmt) if isinstance(v, str) else v for k, v in (item.details or {}).items()})


def _link(url: str | None, fmt: str) -> str | None:
    """The evidence link: only http(s) URLs (a stored URL is the portal's page), escaped for `fmt`."""
    if not url or not re.match(r"^https?://", url, re.I):
        return None
    safe = clean(url).replace(" ", "%20")
    if fmt == "html":
        return f'<a href="{html.escape(safe, quote=True)}">{html.escape(safe)}</a>'
    if fmt == "markdown":
        return "<" + safe.replace(">", "%3E").replace("<", "%3C") + ">"
    return safe


def subject(rule_kind: str, lang: str, *, run: int, day: str, digest: bool = False) -> str:
    """The title of a message (our words only, never portal text)."""
    title = KINDS[rule_kind].title[labels.LANGS.index(lang)]
    if digest:
        return labels.text("alert_digest_subject", lang, day=day, title=title)
    return labels.text("alert_subject", lang, title=title, run=run, day=day)


def body(rule_id: str, rule_kind: str, items: Sequence[Any], lang: str, fmt: str) -> str:
    """One message for the alerts `items` of one rule: a heading, then one entry per alert with its
    evidence link."""
    kind = KINDS[rule_kind]
    head = labels.text("alert_rule_line", lang, rule=escape(rule_id, fmt), n=len(items))
    entries = []
    for item in items:
        line = kind.describe(escaped(item, fmt), lang)
        link = _link(item.url, fmt)
        evidence = labels.text("alert_evidence", lang, url=link) if link else None
        entries.append((line, evidence))
    if fmt == "html":
        lis = "".join(f"<li>{line}" + (f"<br>{ev}" if ev else "") + "</li>" for line, ev in entries)
        return f"<p>{head}</p><ul>{lis}</ul>"
    bullet = "\\- " if fmt == "markdown" else "• "
    out = [head, ""]
    for line, ev in entries:
        out.append(bullet + line)
        if ev:
            out.append("  " + ev)
    return "\n".join(out)
