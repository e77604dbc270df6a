"""The incremental crawl's policy (issue 12): which known pages a run asks for, and when a listing
may stop paging. Pure functions of (URL or portal, day, period) plus the known-pages file, so every
spider of a run, and every run of a day, agrees.

- A known document is *re-checked* (fetched, conditionally) on one day in every ``CCHC_RECHECK_DAYS``
  (default 7), the day chosen by a hash of its URL, so the re-checks of a portal spread evenly over
  the week instead of all falling on one day. On the other days a link to it in a feed, sitemap,
  listing or register marks it seen without a request. A sitemap ``<lastmod>`` newer than our last
  full answer asks for it the same day.
- A listing (or register) stops paging at the first page that holds only known documents, except on
  the portal's *full-walk* day, one in every ``CCHC_FULL_WALK_DAYS`` (default 7), also spread by hash.
- ``CCHC_FULL_CRAWL`` (``cchc crawl --full``) switches all of this off: every page fetched in full,
  no conditional header, every listing walked to its bound, every known document re-checked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.values import canonical_url

DEFAULT_PERIOD = 7


def _slot(key: str, every: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % max(1, every)


def due(url: str, day: dt.date, every: int = DEFAULT_PERIOD) -> bool:
    """Whether the known document at `url` is re-checked on `day` (one day in every `every`)."""
    return _slot(canonical_url(url), every) == day.toordinal() % max(1, every)


def full_walk_day(portal_id: str, day: dt.date, every: int = DEFAULT_PERIOD) -> bool:
    """Whether `day` is the portal's day to walk its listings and registers to their bound."""
    return _slot("walk:" + portal_id, every) == day.toordinal() % max(1, every)


@dataclass(frozen=True)
class KnownPage:
    """A known document as the last run left it: validators, body hash, day of the last full answer."""

    portal_id: str
    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    answered_on: dt.date | None


class KnownPages:
    """The known-pages file of a run (`storage.incremental.write_known_pages`), read once per crawl
    process and shared by its spiders and the conditional-request middleware."""

    _loaded: dict[str, KnownPages] = {}

    def __init__(self, pages: dict[str, KnownPage]) -> None:
        self.pages = pages

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None) -> KnownPages:
        if not path:
            return cls({})
        key = str(path)
        if key not in cls._loaded:
            pages: dict[str, KnownPage] = {}
            file = Path(path)
            if file.exists():
                with file.open(encoding="utf-8") as lines:
                    for line in lines:
                        row: dict[str, Any] = json.loads(line)
                        pages[row["u"]] = KnownPage(row["p"], row["u"], row.get("e"), row.get("m"), row.get("h"),
                                                     dt.date.fromisoformat(row["d"]) if row.get("d") else None)
            cls._loaded[key] = cls(pages)
        return cls._loaded[key]

    def get(self, url: str) -> KnownPage | None:
        return self.pages.get(canonical_url(url.split("#", 1)[0]))

    def __contains__(self, url: str) -> bool:
        return self.get(url) is not None

    def __len__(self) -> int:
        return len(self.pages)


@dataclass(frozen=True)
class Policy:
    """One run's incremental settings (from Scrapy settings, themselves from CCHC_* variables)."""

    full: bool
    recheck_days: int
    walk_days: int
    day: dt.date
    known: KnownPages

    @classmethod
    def from_settings(cls, settings: Any, day: dt.date) -> Policy:
        return cls(
            full=settings.getbool("CCHC_FULL_CRAWL", False),
            recheck_days=max(1, settings.getint("CCHC_RECHECK_DAYS", DEFAULT_PERIOD)),
            walk_days=max(1, settings.getint("CCHC_FULL_WALK_DAYS", DEFAULT_PERIOD)),
            day=day,
            known=KnownPages.load(settings.get("CCHC_KNOWN_PAGES")),
        )

    def skip_known(self, url: str, lastmod: str | None = None) -> bool:
        """True when a link to known `url` is enough today (seen, not fetched): not a full crawl, not
        its re-check day, and no sitemap ``lastmod`` newer than the day of our last full answer."""
        if self.full:
            return False
        page = self.known.get(url)
        if page is None or due(page.url, self.day, self.recheck_days):
            return False
        return not (lastmod and self._changed_since(page, lastmod))

    def _changed_since(self, page: KnownPage, lastmod: str) -> bool:
        try:
            modified = dt.date.fromisoformat(lastmod[:10])
        except ValueError:
            return False
        return page.answered_on is None or modified > page.answered_on

    def stop_paging(self, portal_id: str, urls: list[str]) -> bool:
        """True when a listing page holding `urls` ends the walk: every item known, not a full crawl,
        not the portal's full-walk day."""
        if self.full or not urls or full_walk_day(portal_id, self.day, self.walk_days):
            return False
        return all(u in self.known for u in urls)
