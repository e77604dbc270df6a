"""How the simulated portals answer conditional requests (issue 12), the way real servers do.

Only document pages (articles and register detail pages) carry validators: home pages, listings,
feeds and sitemaps are rebuilt on every request by real CMSs and send none. What a portal does is
decided by the simulator's own data, stable per portal (its CMS family; a theme of the layout table
by a hash of its id):

| policy | sends | answers a matching conditional request with |
|---|---|---|
| `etag+lm` (`tandan_sp`: IIS/SharePoint) | ETag and Last-Modified | 304 |
| `etag` (`sharepoint_vn`) | ETag | 304 |
| `lm` (`nukeviet`) | Last-Modified | 304 |
| `lm_ignored` (`vnportal`) | Last-Modified | 200, full page (If-Modified-Since ignored) |
| `none` (`liferay62`) | nothing | 200, full page |

Feeds, sitemaps, listing and register pages are rebuilt on every request; a server whose output
cache hashes what it sends (the IIS/SharePoint families: policies `etag+lm` and `etag`) sends a
strong ETag of those bytes and answers a matching `If-None-Match` with 304; the others (NukeViet,
VNPortal, Liferay here) send no validator for them (`discovery_validators`). Such a page changes its
ETag whenever a byte changes (a new item, a date in its chrome), as a real output cache does.

The validators are those of the *document* (its URL, its last modification, its text), as a CMS that
computes them from the content item does, not of the bytes: the visitor counter in the page's chrome
moves every day while the document, and so its ETag, stays the same. A document edited on day N
(`SimArticle.modified`) gets a new ETag and Last-Modified from day N on.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib

from sim.model import SimArticle, SimPortal

FAMILY_POLICY = {"tandan_sp": "etag+lm", "sharepoint_vn": "etag", "nukeviet": "lm", "vnportal": "lm_ignored",
                 "liferay62": "none"}
POLICIES = ("etag+lm", "etag", "lm", "lm_ignored", "none")
HONOURED = {"etag+lm", "etag", "lm"}


def policy_of(portal: SimPortal) -> str:
    """The portal's conditional-request behaviour (table in the module doc)."""
    if portal.family in FAMILY_POLICY:
        return FAMILY_POLICY[portal.family]
    digest = hashlib.sha256(f"validators:{portal.id}".encode()).digest()
    return POLICIES[digest[0] % len(POLICIES)]


def validator_headers(portal: SimPortal, art: SimArticle) -> list[tuple[str, str]]:
    """The ETag / Last-Modified a document page of `portal` carries (none for policy `none`)."""
    policy = policy_of(portal)
    changed = art.modified or art.published
    out: list[tuple[str, str]] = []
    if "etag" in policy:
        tag = hashlib.sha256(f"{art.url}|{changed.isoformat()}|{len(art.paragraphs)}".encode()).hexdigest()[:20]
        out.append(("ETag", f'"{tag}"'))
    if "lm" in policy:
        out.append(("Last-Modified", email.utils.format_datetime(changed.astimezone(dt.UTC), usegmt=True)))
    return out


def not_modified(policy: str, headers: list[tuple[str, str]], if_none_match: str | None,
                 if_modified_since: str | None) -> bool:
    """Whether a server of `policy` answers 304 to these request headers (RFC 9110 §13.2.2: when
    If-None-Match is present, If-Modified-Since is not looked at)."""
    if policy not in HONOURED:
        return False
    sent = dict(headers)
    etag, modified = sent.get("ETag"), sent.get("Last-Modified")
    if if_none_match is not None:
        if etag is None:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return etag.removeprefix("W/") in tags or "*" in tags
    if if_modified_since is not None and modified is not None:
        try:
            since = email.utils.parsedate_to_datetime(if_modified_since)
            last = email.utils.parsedate_to_datetime(modified)
        except (TypeError, ValueError):
            return False
        return last <= since
    return False


#: policies whose servers also hash the feeds, sitemaps and listing pages they generate (module doc)
HASHES_GENERATED = {"etag+lm", "etag"}


def discovery_validators(portal: SimPortal, body: bytes) -> tuple[list[tuple[str, str]], str]:
    """The ETag a generated page (feed, sitemap, listing, register page) of `portal` carries, and the
    policy its server answers conditional requests for it with ("" when it sends none)."""
    if policy_of(portal) not in HASHES_GENERATED:
        return [], ""
    return [("ETag", f'"{hashlib.sha256(body).hexdigest()[:20]}"')], "etag"
