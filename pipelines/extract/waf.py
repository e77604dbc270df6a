"""Web-application-firewall block pages served with status 200 must never become articles.

The F5 ASM page reads "The requested URL was rejected. Please consult with your administrator.
Your support ID is: 1234…"; other WAFs say "Request Rejected" / "Access Denied" with an incident id.
"""
from __future__ import annotations

import re

from core.vntext import fold

_WAF_RE = re.compile(
    r"the requested url was rejected|request rejected.{0,200}support id|your support id is"
    r"|access denied.{0,200}(?:incident id|reference #)|web application firewall|yeu cau cua ban da bi tu choi"
)
_SUPPORT_ID_RE = re.compile(r"support id is\s*:?\s*([0-9a-z<>&;-]+)")


_CHEAP_CUES = ("rejected", "support id", "access denied", "firewall", "từ chối", "tu choi")


def is_waf_block(html: str | bytes) -> bool:
    """True for a firewall's rejection page (checked on the first 20 kB: such pages are tiny)."""
    if isinstance(html, bytes):
        html = html[:20000].decode("utf-8", "replace")
    head = html[:20000]
    # rejection pages are tiny: on a long page only its beginning could be one (cheap for articles)
    low = (head if len(html) < 6000 else head[:3000]).lower()
    if not any(c in low for c in _CHEAP_CUES):
        return False
    return bool(_WAF_RE.search(fold(head)))


def support_id(html: str) -> str | None:
    """The firewall's support/incident id, for the warning an operator quotes to the portal's admin."""
    m = _SUPPORT_ID_RE.search(fold(html[:20000]))
    if not m:
        return None
    return re.sub(r"<[^>]*>|&[a-z]+;", "", m.group(1)) or None
