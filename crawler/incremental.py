"""The incremental crawl's policy (issue 12): which known pages a run asks for, and when a listing
may stop paging. Pure functions of (URL or portal, day, period) plus the known-pages file, so every
spider of a run, and every run of a day, agrees.

- A known document still linked from a feed, sitemap, listing or register is seen through that link,
  without a request, except on its *re-read* day: one day in every ``CCHC_REREAD_DAYS`` (default 28),
  chosen by a hash of its URL so a portal's re-reads spread evenly, when it is fetched conditionally
  for an edit nothing signals (a day the portal's listings and sitemaps are walked, `reread_due`, so
  a document deep in a listing or only in a sitemap is linked that day); an older document one day in
  a longer period, about a quarter of its age (`reread_every`: 56 days from an age of 224 days, 112
  from 448, the default ``CCHC_REREAD_MAX_DAYS``). A sitemap ``<lastmod>`` newer than our last full
  answer asks for it the same day.
- A known document that no source of the run linked, and that no run saw for ``CCHC_RECHECK_DAYS``
  (default 7, the removal lag) days, is *re-checked*: fetched conditionally by the re-check spider, a
  404/410 marks it removed. A document that went stops being linked, so it is re-checked at most
  ``CCHC_RECHECK_DAYS`` − 1 days after it went; one that stays linked costs no request until its
  re-read day (the "seen" of the README: fetched, confirmed unchanged, or still linked).
- A listing (or register) stops paging at the first page that holds only known documents, except on
  the portal's *full-walk* day, one in every ``CCHC_FULL_WALK_DAYS`` (default 7), also spread by hash.
- A listing whose first page a feed of the portal *covered* (every item of the page was an entry of
  the feed, read the same run) is not fetched on the days after, until ``CCHC_FULL_WALK_DAYS`` after
  that proof and never on the full-walk day, as long as that feed answers usably today and is not
  stale (it still lists the listing's newest item at the proof, or lists something no run knew):
  the feed reveals what is new the same day (`Policy.listing_proof`, `Policy.feed_vouches`). A
  document that appears only on such a listing, not in its feed, is found on the next day the
  listing is fetched: at most ``CCHC_FULL_WALK_DAYS`` − 1 days late.
- A feed whose every entry the portal's home page linked when it was last read is not fetched on the
  days after, until ``CCHC_FULL_WALK_DAYS`` after that proof and never on the full-walk day, while
  the home page (read daily for the widget) links exactly what it linked at the proof
  (`Policy.listing_proof`, `Policy.home_vouches`): its entries are seen through the home page's links,
  and a new entry would be a new link there. A feed every entry of which an earlier feed of the
  portal listed (a category's feed beside the portal's main one) is, on the same terms, read
  through that feed while it stands in for it (`Policy.feed_vouches`, as for a listing). A listing a
  feed covered is decided on whatever stands for that feed today (`Policy.read_as`). A document
  only such a feed lists, and the source standing for it does not, is found on the next day the
  feed is fetched: at most ``CCHC_FULL_WALK_DAYS`` − 1 days late.
- A portal's sitemaps (robots.txt ``Sitemap:`` lines, indexes and their urlsets: a full list of
  everything it ever published, the costliest discovery source) are read only on its sitemap-walk
  day, one in every ``CCHC_SITEMAP_WALK_DAYS`` (default 7, rotated over the week), chosen by the same
  hash of the portal id as its full-walk day, and on every run until a run before it found documents
  of the portal (its first crawl, resumed or not, is full by nature); the sitemaps spider also reads
  them on a day the portal's home page links none of its pages (`SitemapsSpider.parse_home`). The
  newest-first sources (feeds, first register page, first listing page unless covered as above) are
  read every day, so a new document is still found the same day.
- ``CCHC_FULL_CRAWL`` (``cchc crawl --full``) switches all of this off: every page fetched in full,
  no conditional header, every listing walked to its bound, every known document re-checked.
"""
from __future__ import annotations

import collections
import datetime as dt
import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.periods import FULL_WALK_DAYS, PROBE_DAYS, RECHECK_DAYS, REREAD_DAYS, REREAD_MAX_DAYS, SITEMAP_WALK_DAYS
from storage.values import canonical_url


def _slot(key: str, every: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % max(1, every)


def due(url: str, day: dt.date, every: int) -> bool:
    """Whether `day` is the known document's day in every `every` (its re-read day with
    CCHC_REREAD_DAYS), chosen by a hash of its URL so a portal's documents spread evenly."""
    return _slot(canonical_url(url), every) == day.toordinal() % max(1, every)


def reread_every(dated: dt.date | None, day: dt.date, base: int = REREAD_DAYS, most: int = REREAD_MAX_DAYS) -> int:
    """The re-read period of a linked document dated `dated` (its date of issue, else of publication)
    on `day`: `base` times the largest power of two that keeps it within a quarter of the document's
    age, and at most `most` (`base` for an undated or recent one: with the defaults 28 days up to an
    age of 224 days, 56 up to 448, then 112, about the longest revisit interval adaptive crawlers
    default to: Nutch's is 90 days).

    Why: an edit nothing signals (no sitemap ``<lastmod>``, the page still linked) is what the re-read
    is for, and a government page is corrected, if ever, in the weeks after it went up; an archive of
    earlier years' plans is not. A period that grows with age is the revisit policy of adaptive
    crawlers (a page is re-fetched about as often as it is expected to change), and the archive is most
    of what a portal holds: at one period for all, a portal of 1,000 old documents was 36 requests a
    day. Powers of two nest (`due` with period 2p falls on one of the days it falls on with period p),
    so a document that moves to a longer period is re-read no later than that longer period after its
    last re-read."""
    period = max(1, base)
    if dated is None:
        return period
    age = (day - dated).days
    while period * 2 <= min(most, age // 4):
        period *= 2
    return period


def full_walk_day(portal_id: str, day: dt.date, every: int = FULL_WALK_DAYS) -> bool:
    """Whether `day` is the portal's day to walk its listings and registers to their bound."""
    return _slot("walk:" + portal_id, every) == day.toordinal() % max(1, every)


def reread_due(page: KnownPage, day: dt.date, period: int, walk_days: int = FULL_WALK_DAYS) -> bool:
    """Whether `day` is the known document's re-read day in every `period` (`reread_every`).

    When the portal's full walks divide the period (7 and 28, 56, 112 by default), the re-read day is
    one of the portal's full-walk days, one walk in every ``period / walk_days`` chosen by a hash of
    the URL (`walk_due`). Why: a document deep in a listing is linked only on the walk day (on other
    days the walk stops at the first page of known items), and one only a sitemap lists only on the
    sitemap walk (the same day by default), so a re-read day drawn over all days of the period fell
    on a walk day for 1 such document in 7 and the others were never re-read: linked every week, so
    never unseen long enough to be re-checked. Otherwise (other settings) any day of the period,
    by `due`. Both nest: the days of period 2p are some of the days of period p."""
    return walk_due(page.portal_id, page.url, day, period, walk_days)


def walk_due(portal_id: str, url: str, day: dt.date, period: int, walk_days: int = FULL_WALK_DAYS) -> bool:
    """Whether `day` is the day in every `period` of the page at `url` of the portal: one of the
    portal's full-walk days, one walk in every ``period / walk_days`` chosen by a hash of the URL,
    when the walks divide the period; else any day of the period (`due`)."""
    every = max(1, walk_days)
    if period % every or every == 1:
        return due(url, day, period)
    if not full_walk_day(portal_id, day, every):
        return False
    walks = period // every
    return _slot(canonical_url(url), walks) == (day.toordinal() // every) % walks


@dataclass(frozen=True)
class Coverage:
    """The proof that a feed covered a listing: on `proven_on` the listing's first page at `url`
    held only entries of the feed at `feed_url`, the newest of them `anchor_url` (stored per portal
    and listing in ``source_coverage``, migration 0017); or, with a `digest`, only links of the
    portal's home page."""

    portal_id: str
    url: str
    feed_url: str
    anchor_url: str
    proven_on: dt.date
    #: set when the covering page is the portal's home page (`feed_url`): the SHA-256 of its links to
    #: the portal's own pages at the proof (`crawler.spiders.listings.home_links`)
    digest: str | None = None


def same_url(url: str) -> str:
    """The form two links to one page share: `storage.values.canonical_url` (the key documents are
    stored under; it drops the fragment itself), named here because spiders may not import storage."""
    return canonical_url(url)


def covers(items: Iterable[str], entries: Iterable[str]) -> bool:
    """Whether a feed whose entries are `entries` covers a listing page holding `items`: at least
    one item (an empty page proves nothing) and every item an entry."""
    wanted = {same_url(u) for u in items}
    return bool(wanted) and wanted <= {same_url(u) for u in entries}


@dataclass(frozen=True)
class KnownPage:
    """A known document as the last run left it: validators, body hash, day of the last full answer."""

    portal_id: str
    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    answered_on: dt.date | None
    #: the discovery method of its latest version ("registers": the document is a register row, its
    #: hash the row's markup, so its own URL's answer cannot be compared with it)
    source: str | None = None
    #: the observed day of the last run that saw it (fetched, confirmed unchanged or still linked)
    seen_on: dt.date | None = None
    #: first stored by the current run itself (before it was interrupted and resumed, or by another
    #: worker of it before this worker started): known, but no sign of where an earlier walk ended
    this_run: bool = False
    #: the document's own date (of issue, else of publication) in its latest version: its re-read
    #: period grows with its age (`reread_every`)
    dated: dt.date | None = None


class KnownPages:
    """The known-pages file of a run, read by the spiders and the conditional-request middleware of
    its crawl process. A small SQLite file of its own (one indexed table, written by
    `storage.incremental.write_known_pages` through `write`), queried one URL at a time: the crawl's
    memory does not grow with the number of known documents (a national crawl knows millions)."""

    _loaded: dict[str, KnownPages] = {}
    #: answers kept per process: a URL is looked up by the discovery spider that links it, by the
    #: conditional middleware on the request and on the response, and by the listing's stop test
    CACHE_SIZE = 20_000
    COLUMNS = ("url", "portal_id", "etag", "last_modified", "body_sha256", "answered_on", "source", "seen_on",
               "this_run", "dated")

    def __init__(self, path: str | None) -> None:
        self._con: sqlite3.Connection | None = None
        self._cache: collections.OrderedDict[str, KnownPage | None] = collections.OrderedDict()
        if path and Path(path).exists():
            self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None) -> KnownPages:
        """The file at `path`, opened once per process (an empty set when there is none)."""
        key = str(path or "")
        if key not in cls._loaded:
            cls._loaded[key] = cls(key or None)
        return cls._loaded[key]

    @classmethod
    def write(cls, path: Path, rows: Iterable[tuple[Any, ...]], crawled: Iterable[str] | None = None,
              coverage: Iterable[tuple[str | None, ...]] = (), absent: Iterable[tuple[str, str]] = ()) -> int:
        """Write `rows` (url, portal_id, etag, last_modified, body_sha256, answered_on ISO date and,
        optionally, source: the discovery method of the document's latest version, seen_on: the
        ISO date of its last sighting, this_run: 1 when the current run itself stored it first, and dated:
        the ISO date of the document itself) as the file at `path`, replacing it whole; returns the number of rows. `crawled` names the
        portals crawled by an earlier run (`knows_portal`); without it, every portal with a row.
        `coverage` holds the listings' coverage proofs (portal_id, listing url, feed url, anchor url,
        ISO date proven and, optionally, the home page's digest: `Coverage`). `absent` holds the
        discovery pages (portal_id, url) that answered 404 at their last try (`Policy.probe`)."""
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.unlink(missing_ok=True)
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode=OFF")
            con.execute("CREATE TABLE pages (url TEXT PRIMARY KEY, portal_id TEXT, etag TEXT, last_modified TEXT, "
                        "body_sha256 TEXT, answered_on TEXT, source TEXT, seen_on TEXT, this_run INTEGER, dated TEXT) WITHOUT ROWID")
            con.execute("CREATE INDEX pages_portal ON pages (portal_id, url)")
            insert = f"INSERT OR REPLACE INTO pages VALUES ({', '.join('?' * len(cls.COLUMNS))})"
            n = 0
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(tuple(row) + (None,) * (len(cls.COLUMNS) - len(row)))
                if len(batch) >= 5000:
                    con.executemany(insert, batch)
                    n, batch = n + len(batch), []
            con.executemany(insert, batch)
            n += len(batch)
            con.execute("CREATE TABLE coverage (portal_id TEXT, url TEXT, feed_url TEXT, anchor_url TEXT, "
                        "proven_on TEXT, digest TEXT, PRIMARY KEY (portal_id, url)) WITHOUT ROWID")
            con.executemany("INSERT OR REPLACE INTO coverage VALUES (?, ?, ?, ?, ?, ?)",
                            (tuple(row) + (None,) * (6 - len(row)) for row in coverage))
            con.execute("CREATE TABLE absent (url TEXT, portal_id TEXT, PRIMARY KEY (url, portal_id)) WITHOUT ROWID")
            con.executemany("INSERT OR IGNORE INTO absent VALUES (?, ?)", ((same_url(u), p) for p, u in absent))
            con.execute("CREATE TABLE crawled (portal_id TEXT PRIMARY KEY) WITHOUT ROWID")
            if crawled is None:
                con.execute("INSERT INTO crawled SELECT DISTINCT portal_id FROM pages")
            else:
                con.executemany("INSERT OR IGNORE INTO crawled VALUES (?)", ((p,) for p in crawled))
            con.commit()
        finally:
            con.close()
        tmp.replace(path)
        return n

    def get(self, url: str) -> KnownPage | None:
        """The known page at `url` (None when unknown); recent answers come from a bounded cache."""
        if self._con is None:
            return None
        if url in self._cache:
            self._cache.move_to_end(url)
            return self._cache[url]
        row = self._con.execute(f"SELECT {self._SELECT} FROM pages WHERE url = ?",
                                (same_url(url),)).fetchone()
        page = None if row is None else self._page(row)
        self._cache[url] = page
        if len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        return page

    _SELECT = "portal_id, url, etag, last_modified, body_sha256, answered_on, source, seen_on, this_run, dated"

    @staticmethod
    def _page(row: tuple[Any, ...]) -> KnownPage:
        def day(value: str | None) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None
        return KnownPage(row[0], row[1], row[2], row[3], row[4], day(row[5]), row[6], day(row[7]), bool(row[8]),
                         day(row[9]))

    def pages_of(self, portal_id: str) -> Iterator[KnownPage]:
        """The portal's known documents in code-point order of URL, streamed (the re-check spider's list)."""
        if self._con is None:
            return
        yield from (self._page(row) for row in self._con.execute(
            f"SELECT {self._SELECT} FROM pages WHERE portal_id = ? ORDER BY url", (portal_id,)))

    def urls_of(self, portal_id: str) -> Iterator[str]:
        """The portal's known document URLs in code-point order, streamed (the re-check spider's list)."""
        if self._con is None:
            return
        yield from (row[0] for row in self._con.execute(
            "SELECT url FROM pages WHERE portal_id = ? ORDER BY url", (portal_id,)))

    def coverage(self, portal_id: str, url: str) -> Coverage | None:
        """The latest proof that a feed of the portal covered its listing at `url` (None: none)."""
        if self._con is None:
            return None
        row = self._con.execute("SELECT feed_url, anchor_url, proven_on, digest FROM coverage "
                                "WHERE portal_id = ? AND url = ?", (portal_id, same_url(url))).fetchone()
        if row is None:
            return None
        return Coverage(portal_id, same_url(url), row[0], row[1], dt.date.fromisoformat(row[2]), row[3])

    def absent(self, portal_id: str, url: str) -> bool:
        """Whether the portal's discovery page at `url` answered 404 at its last try."""
        if self._con is None:
            return False
        return self._con.execute("SELECT 1 FROM absent WHERE url = ? AND portal_id = ?",
                                 (same_url(url), portal_id)).fetchone() is not None

    def knows_portal(self, portal_id: str) -> bool:
        """Whether an earlier run found documents of the portal. Documents the current run stored
        before it was interrupted do not count: a resumed first crawl stays a full one."""
        if self._con is None:
            return False
        return self._con.execute("SELECT 1 FROM crawled WHERE portal_id = ?", (portal_id,)).fetchone() is not None

    def __contains__(self, url: str) -> bool:
        return self.get(url) is not None

    def __len__(self) -> int:
        return 0 if self._con is None else int(self._con.execute("SELECT count(*) FROM pages").fetchone()[0])


@dataclass(frozen=True)
class Policy:
    """One run's incremental settings (from Scrapy settings, themselves from CCHC_* variables)."""

    full: bool
    #: the removal lag: a known document no source linked for this many days is re-checked
    recheck_days: int
    walk_days: int
    day: dt.date
    known: KnownPages
    sitemap_days: int = SITEMAP_WALK_DAYS
    #: a linked document is re-read (fetched conditionally) one day in this many
    reread_days: int = REREAD_DAYS
    #: an older one less often, up to one day in this many (`reread_every`)
    reread_max_days: int = REREAD_MAX_DAYS
    #: a family-guessed discovery page that answered 404 is asked again one day in this many (`probe`)
    probe_days: int = PROBE_DAYS

    @classmethod
    def from_settings(cls, settings: Any, day: dt.date) -> Policy:
        return cls(
            full=settings.getbool("CCHC_FULL_CRAWL", False),
            recheck_days=max(1, settings.getint("CCHC_RECHECK_DAYS", RECHECK_DAYS)),
            walk_days=max(1, settings.getint("CCHC_FULL_WALK_DAYS", FULL_WALK_DAYS)),
            sitemap_days=max(1, settings.getint("CCHC_SITEMAP_WALK_DAYS", SITEMAP_WALK_DAYS)),
            reread_days=max(1, settings.getint("CCHC_REREAD_DAYS", REREAD_DAYS)),
            reread_max_days=max(1, settings.getint("CCHC_REREAD_MAX_DAYS", REREAD_MAX_DAYS)),
            probe_days=max(1, settings.getint("CCHC_PROBE_DAYS", PROBE_DAYS)),
            day=day,
            known=KnownPages.load(settings.get("CCHC_KNOWN_PAGES")),
        )

    def skip_known(self, url: str, lastmod: str | None = None) -> bool:
        """True when a link to known `url` is enough today (seen, not fetched): not a full crawl, not
        its re-read day (`reread_every`: the period grows with the document's age), and no sitemap
        ``lastmod`` newer than the day of our last full answer."""
        if self.full:
            return False
        page = self.known.get(url)
        if page is None or reread_due(page, self.day, reread_every(page.dated, self.day, self.reread_days,
                                                                  self.reread_max_days), self.walk_days):
            return False
        return not (lastmod and self._changed_since(page, lastmod))

    def recheck(self, page: KnownPage) -> bool:
        """Whether the re-check spider fetches known `page`, which no source of this run linked: a
        full crawl, or no run saw it for `recheck_days` days (a removal is then found at most
        `recheck_days` − 1 days after the document went: the day after it went is the first it was
        not seen)."""
        if self.full or page.seen_on is None:
            return True
        return (self.day - page.seen_on).days >= self.recheck_days

    def _changed_since(self, page: KnownPage, lastmod: str) -> bool:
        try:
            modified = dt.date.fromisoformat(lastmod[:10])
        except ValueError:
            return False
        return page.answered_on is None or modified > page.answered_on

    def stop_paging(self, portal_id: str, urls: list[str]) -> bool:
        """True when a listing page holding `urls` ends the walk: every item known from an earlier run,
        not a full crawl, not the portal's full-walk day.

        Documents the current run stored do not count (`KnownPage.this_run`): they say nothing about
        where yesterday's walk ended. A worker that joins a run late, or restarts after a SIGKILL,
        writes its known-pages file when other workers have already stored part of the run; counting
        those made it stop paging a listing whose requeued page it re-read, where a worker that started
        with the run went on (issue 13: a restarted worker must change nothing). The resumed part of an
        interrupted run is the same case."""
        if self.full or not urls or full_walk_day(portal_id, self.day, self.walk_days):
            return False
        for url in urls:
            page = self.known.get(url)
            if page is None or page.this_run:
                return False
        return True

    def listing_proof(self, portal_id: str, url: str) -> Coverage | None:
        """The coverage proof that lets today's crawl read the listing at `url` through its feed
        instead of fetching it (`feed_vouches` decides once the feed answered), or None when the
        listing is fetched: a full crawl, the portal's full-walk day, no proof, or a proof
        `walk_days` days old or more (the listing is then fetched and the proof renewed, so a
        document only the listing shows is found at most `walk_days` − 1 days late). A feed's proof
        is found the same way under the feed's URL (`source_coverage` keys a listing or a feed): the
        portal's home page linked every entry of it (a `digest`: `home_vouches` decides), or an
        earlier feed of the portal listed every entry (`feed_vouches` decides)."""
        if self.full or full_walk_day(portal_id, self.day, self.walk_days):
            return None
        proof = self.known.coverage(portal_id, url)
        if proof is None or not 0 <= (self.day - proof.proven_on).days < self.walk_days:
            return None
        return proof

    def read_as(self, portal_id: str, feed_url: str) -> tuple[str, Coverage | None]:
        """What stands for the feed at `feed_url` today, following its proofs (`listing_proof`): the feed
        whose answer is read (itself, or the feed that covered it, or the one that covered that), and
        the home page's proof when the last of them is read through the home page (else None). A
        cycle of proofs (two feeds listing the same entries) ends where it closes."""
        feed, seen = feed_url, {same_url(feed_url)}
        while (proof := self.listing_proof(portal_id, feed)) is not None:
            if proof.digest is not None:
                return feed, proof
            if same_url(proof.feed_url) in seen:
                break
            seen.add(same_url(proof.feed_url))
            feed = proof.feed_url
        return feed, None

    def feed_vouches(self, proof: Coverage, entries: list[str] | None) -> bool:
        """Whether the covering feed's answer today (`entries`: its entry links; None when it failed
        or was no feed) stands in for the listing: it lists something, and it is not stale: it
        still lists the listing's newest item at the proof, or it lists a document no run knew (it
        moved on since). A feed that answers an old copy or another feed lists neither: the listing
        is fetched."""
        if not entries:
            return False
        if same_url(proof.anchor_url) in {same_url(u) for u in entries}:
            return True
        return any(u not in self.known for u in entries)

    def home_vouches(self, proof: Coverage, digest: str | None) -> bool:
        """Whether the portal's home page, read today with links whose digest is `digest` (None: it
        gave nothing usable), stands in for a listing it covered: only when it links exactly what it
        linked at the proof. Anything new on it (a new document in any of its boxes, a new menu)
        has the listing fetched: unlike a feed, whose new entries the feeds spider requests, a home
        page's new links are followed only when they read as CCHC headlines."""
        return proof.digest is not None and digest == proof.digest

    def probe(self, portal_id: str, url: str) -> bool:
        """Whether a page the portal's CMS family usually has (a guess: the portal names none for
        this source) is asked for today: a full crawl, a page that did not answer 404 at its last
        try, or its day in every `probe_days` (one of the portal's full-walk days, `walk_due`).

        Why: a portal without a register, or without a sitemap, answers the family's path 404 every
        day, a request a day for nothing (0.1 a portal a day on the simulator). A source the portal
        adds later is found from its home page (the menus, ``<link rel="alternate">``, robots.txt)
        the same day; the guess is asked again at most `probe_days` later."""
        return (self.full or not self.known.absent(portal_id, url)
                or walk_due(portal_id, url, self.day, self.probe_days, self.walk_days))

    def read_sitemaps(self, portal_id: str) -> bool:
        """Whether the portal's sitemaps are read today: a full crawl, a portal no earlier run found
        documents of (its first crawl is full by nature, also when resumed), or its sitemap-walk day (one in every
        `sitemap_days`, on the day of its full walk when both periods are equal)."""
        return (self.full or full_walk_day(portal_id, self.day, self.sitemap_days)
                or not self.known.knows_portal(portal_id))
