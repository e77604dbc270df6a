"""The incremental crawl's periods in days (issue 12), in one dependency-free place: `settings.py`
reads its CCHC_* defaults from here and `crawler.incremental.Policy` falls back to the same values,
so a run built without the project's settings (a test's `Policy(...)`) behaves as a default crawl.

- ``RECHECK_DAYS`` (CCHC_RECHECK_DAYS, the removal lag): a known document that no feed, sitemap,
  listing or register linked for this many days is fetched by the re-check spider.
- ``REREAD_DAYS`` (CCHC_REREAD_DAYS): a document still linked is fetched (conditionally) one day in
  this many anyway, spread by a hash of its URL, for an edit that nothing signals.
- ``REREAD_MAX_DAYS`` (CCHC_REREAD_MAX_DAYS): an older document is re-read less often, about once in
  a quarter of its age (its own date: date of issue, else of publication), rounded down to
  ``REREAD_DAYS`` times a power of two and at most this many days (`crawler.incremental.reread_every`).
- ``FULL_WALK_DAYS`` (CCHC_FULL_WALK_DAYS): listings and registers walked to their bound.
- ``SITEMAP_WALK_DAYS`` (CCHC_SITEMAP_WALK_DAYS): sitemaps read, weekly (the costliest discovery
  source; the daily feeds and first listing pages find what is new). On another day they are read
  when the portal's home page links none of its pages (`crawler.spiders.sitemaps`), so the drift
  canary still sees a redesign on its day (tests/crawler/test_template_change.py).
- ``PROBE_DAYS`` (CCHC_PROBE_DAYS): a page the portal's CMS family usually has (its feed, register,
  listing or sitemap path: a guess, asked for when the portal names none) that answered 404 at its
  last try is asked again one day in this many, on one of the portal's full-walk days.
"""
from __future__ import annotations

RECHECK_DAYS = 7
REREAD_DAYS = 28
REREAD_MAX_DAYS = 112
FULL_WALK_DAYS = 7
SITEMAP_WALK_DAYS = 7
PROBE_DAYS = 28
