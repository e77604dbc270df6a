"""The incremental crawl's policy and the simulator's conditional answers, without a crawl."""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt

import settings
from core.periods import PROBE_DAYS, SITEMAP_WALK_DAYS
from crawler.incremental import KnownPage, KnownPages, Policy, covers, due, full_walk_day, reread_due, reread_every
from sim.conditional import not_modified, policy_of, validator_headers
from sim.network import SimNetwork


def test_rechecks_are_spread_evenly_over_the_period():
    urls = [f"https://example.gov.vn/tin-tuc/bai-{i}.html" for i in range(7000)]
    day0 = dt.date(2026, 3, 2)
    per_day = [sum(due(u, day0 + dt.timedelta(days=k), 7) for u in urls) for k in range(7)]
    assert sum(per_day) == len(urls)  # each document exactly once a week
    assert min(per_day) > 900 and max(per_day) < 1100  # about 1000 a day
    # and each again seven days later
    assert all(due(u, day0 + dt.timedelta(days=7), 7) == due(u, day0, 7) for u in urls[:500])
    # a period of 1 re-checks everything every day
    assert all(due(u, day0, 1) for u in urls[:100])
    walk = collections.Counter(k for k in range(7) for p in range(700)
                               if full_walk_day(f"p-{p}", day0 + dt.timedelta(days=k)))
    assert sum(walk.values()) == 700 and min(walk.values()) > 70


def _policy(tmp_path, rows, *, full=False, day=dt.date(2026, 3, 3)) -> Policy:
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, ((r["u"], r["p"], r.get("e"), r.get("m"), r.get("h"), r.get("d"), None, r.get("s"),
                             r.get("new"), r.get("dated")) for r in rows))
    return Policy(full=full, recheck_days=7, walk_days=7, day=day, known=KnownPages.load(path))


def _walk_day(portal_id: str, after: dt.date, walk: bool = True) -> dt.date:
    """The first day from `after` that is (or, with `walk` False, is not) the portal's full-walk day."""
    return next(d for k in range(14) if full_walk_day(portal_id, d := after + dt.timedelta(days=k)) is walk)


def _page(url: str, portal_id: str = "p-a") -> KnownPage:
    return KnownPage(portal_id, url, None, None, None, None)


def test_known_links_are_seen_unless_due_for_their_reread_or_newer_in_the_sitemap(tmp_path):
    day = _walk_day("p-a", dt.date(2026, 3, 3))
    urls = [f"https://a.gov.vn/x/{i}" for i in range(200)]
    rows = [{"p": "p-a", "u": u, "e": None, "m": None, "h": "0" * 64, "d": "2026-03-02"} for u in urls]
    policy = _policy(tmp_path, rows, day=day)
    assert policy.reread_days == 28  # CCHC_REREAD_DAYS's default (core/periods.py)
    for u in urls:
        assert policy.skip_known(u) is (not reread_due(_page(u), day, 28))
    # a linked document is re-read one walk day in four (28 days), not on every walk day
    assert 200 // 4 // 2 < sum(not policy.skip_known(u) for u in urls) < 200 // 4 * 2
    # and never on a day its portal's listings are not walked (a deep item is not linked that day)
    (tmp_path / "o").mkdir()
    other = _policy(tmp_path / "o", rows, day=_walk_day("p-a", dt.date(2026, 3, 3), walk=False))
    assert all(other.skip_known(u) for u in urls)
    not_due = next(u for u in urls if not reread_due(_page(u), day, 28))
    assert policy.skip_known(not_due, lastmod="2026-03-02") is True   # not newer than our last answer
    assert policy.skip_known(not_due, lastmod="2026-03-03") is False  # modified since: fetch it today
    assert policy.skip_known("https://a.gov.vn/new") is False         # unknown: fetched
    assert policy.skip_known(not_due.replace("https://a.gov.vn", "HTTPS://A.Gov.VN")) is True  # canonical host
    full = Policy(True, 7, 7, day, policy.known)
    assert full.skip_known(not_due) is False


def test_the_reread_period_grows_with_the_documents_age_in_nested_steps():
    day = dt.date(2026, 3, 3)
    ages = {None: 28, 0: 28, 223: 28, 224: 56, 447: 56, 448: 112, 895: 112, 896: 112, 5000: 112, -30: 28}
    for age, period in ages.items():
        dated = None if age is None else day - dt.timedelta(days=age)
        assert reread_every(dated, day) == period, age
    assert reread_every(day - dt.timedelta(days=5000), day, 28, 28) == 28      # CCHC_REREAD_MAX_DAYS=28: as before
    assert reread_every(day - dt.timedelta(days=5000), day, 7, 100) == 56      # powers of two of the base, within the cap
    assert reread_every(day - dt.timedelta(days=5000), day, 28, 224) == 224
    # a longer period's re-read days are some of the shorter one's: moving up never skips past the new period
    urls = [f"https://example.gov.vn/van-ban/{i}.html" for i in range(300)]
    days = [day + dt.timedelta(days=k) for k in range(224)]
    for u in urls:
        for p in (28, 56, 112):
            assert all(due(u, d, p) for d in days if due(u, d, 2 * p))
            assert all(reread_due(_page(u), d, p) for d in days if reread_due(_page(u), d, 2 * p))
        assert sum(due(u, d, 224) for d in days) == 1
        # on the portal's walk days: exactly one in each period, so every document is re-read
        reread = [d for d in days if reread_due(_page(u), d, 112)]
        assert len(reread) == 2 and all(full_walk_day("p-a", d) for d in reread) and (reread[1] - reread[0]).days == 112
    # the portal's documents spread over its walk days
    walks = [d for d in days[:112] if full_walk_day("p-a", d)]
    per_walk = [sum(reread_due(_page(u), d, 112) for u in urls) for d in walks]
    assert len(walks) == 16 and sum(per_walk) == len(urls) and max(per_walk) < 3 * len(urls) / 16
    # with a full walk that does not divide the period, any day of it
    assert [d for d in days[:28] if reread_due(_page(urls[0]), d, 28, 5)] == [d for d in days[:28] if due(urls[0], d, 28)]


def test_an_older_linked_document_is_reread_less_often(tmp_path):
    day = dt.date(2026, 3, 3)
    urls = [f"https://a.gov.vn/x/{i}" for i in range(2800)]
    rows = [{"p": "p-a", "u": u, "h": "0" * 64, "d": "2026-03-02", "dated": "2020-01-15"} for u in urls]
    day = _walk_day("p-a", day)
    policy = _policy(tmp_path, rows, day=day)
    fetched = [u for u in urls if not policy.skip_known(u)]
    assert fetched == [u for u in urls if reread_due(_page(u), day, 112)]  # a plan of 2020: one walk in 16
    assert 2800 // 16 // 2 < len(fetched) < 2800 // 4 // 2
    (tmp_path / "r").mkdir()
    recent = _policy(tmp_path / "r", [{**r, "dated": "2026-02-01"} for r in rows], day=day)
    assert [u for u in urls if not recent.skip_known(u)] == [u for u in urls if reread_due(_page(u), day, 28)]


def test_documents_no_source_linked_are_rechecked_once_unseen_for_the_removal_lag(tmp_path):
    day = dt.date(2026, 3, 10)
    rows = [{"p": "p-a", "u": f"https://a.gov.vn/x/{k}", "h": None, "d": "2026-03-01",
             "s": (day - dt.timedelta(days=k)).isoformat()} for k in range(10)]
    rows.append({"p": "p-a", "u": "https://a.gov.vn/never", "h": None, "d": None})
    policy = _policy(tmp_path, rows, day=day)
    pages = {p.url: p for p in policy.known.pages_of("p-a")}
    assert len(pages) == 11 and list(pages) == sorted(pages)
    assert pages["https://a.gov.vn/x/3"].seen_on == day - dt.timedelta(days=3)
    # seen within the last 6 days: not fetched; unseen for 7 days or more (or never): re-checked, so a
    # document that went (no longer linked from its first day gone) is re-checked at most 6 days later
    assert {u for u, p in pages.items() if policy.recheck(p)} == {
        *(f"https://a.gov.vn/x/{k}" for k in range(7, 10)), "https://a.gov.vn/never"}
    assert all(Policy(True, 7, 7, day, policy.known).recheck(p) for p in pages.values())  # --full: all
    assert sum(Policy(False, 3, 7, day, policy.known).recheck(p) for p in pages.values()) == 8  # lag 3


def test_listing_stops_only_on_pages_of_known_items_and_not_on_the_full_walk_day(tmp_path):
    rows = [{"p": "p-a", "u": f"https://a.gov.vn/x/{i}", "h": None, "d": None} for i in range(5)]
    walk = next(dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(7)
                if full_walk_day("p-a", dt.date(2026, 3, 2) + dt.timedelta(days=k)))
    other = walk + dt.timedelta(days=1)
    known = [r["u"] for r in rows]
    policy = _policy(tmp_path, rows, day=other)
    assert policy.stop_paging("p-a", known) is True
    assert policy.stop_paging("p-a", [*known, "https://a.gov.vn/x/new"]) is False
    assert policy.stop_paging("p-a", []) is False
    assert Policy(False, 7, 7, walk, policy.known).stop_paging("p-a", known) is False
    assert Policy(True, 7, 7, other, policy.known).stop_paging("p-a", known) is False


def test_listing_does_not_stop_on_documents_the_run_itself_stored(tmp_path):
    """A worker restarted mid-run (or a resumed run) knows what the run stored before it started: those
    documents say nothing about where the last walk ended, so a page of them does not end the walk."""
    day = next(dt.date(2026, 3, 2) + dt.timedelta(days=k) for k in range(7)
               if not full_walk_day("p-a", dt.date(2026, 3, 2) + dt.timedelta(days=k)))
    rows = [{"p": "p-a", "u": f"https://a.gov.vn/x/{i}", "new": 1 if i >= 3 else None} for i in range(5)]
    policy = _policy(tmp_path, rows, day=day)
    earlier = [f"https://a.gov.vn/x/{i}" for i in range(3)]
    assert policy.stop_paging("p-a", earlier) is True
    assert policy.stop_paging("p-a", [*earlier, "https://a.gov.vn/x/3"]) is False
    assert policy.stop_paging("p-a", ["https://a.gov.vn/x/4"]) is False
    new = policy.known.get("https://a.gov.vn/x/4")
    assert new is not None and new.this_run and not policy.known.get(earlier[0]).this_run  # type: ignore[union-attr]
    # still known: a link to it is a sighting, as before
    assert policy.skip_known("https://a.gov.vn/x/4") is not due("https://a.gov.vn/x/4", day, 28)


def test_simulator_answers_conditional_requests_per_family():
    world = SimNetwork(day=2).world
    seen = collections.Counter(policy_of(p) for p in world.portals.values())
    assert set(seen) == {"etag+lm", "etag", "lm", "lm_ignored", "none"}
    for pid, p in world.portals.items():
        arts = [a for a in world.articles(pid) if not a.removed]
        if not arts:
            continue
        art = arts[0]
        headers = dict(validator_headers(p, art))
        policy = policy_of(p)
        assert ("ETag" in headers) == ("etag" in policy) and ("Last-Modified" in headers) == ("lm" in policy)
        same = not_modified(policy, list(headers.items()), headers.get("ETag"), headers.get("Last-Modified"))
        assert same is (policy in ("etag+lm", "etag", "lm")), (pid, policy)
        # a stale validator gets the full page
        assert not not_modified(policy, list(headers.items()), '"stale"' if "ETag" in headers else None,
                                "Mon, 01 Jan 2018 00:00:00 GMT" if "Last-Modified" in headers else None)


def test_an_edit_changes_the_validators_the_counter_does_not():
    day1, day2 = SimNetwork(day=1).world, SimNetwork(day=2).world
    edit = next(c for c in day2.changes if c.day == 2 and c.kind == "edited")
    portal = day2.portals[edit.portal_id]
    before = next(a for a in day1.articles(edit.portal_id) if a.url == edit.url)
    assert validator_headers(portal, before) != validator_headers(portal, edit.article) or policy_of(portal) == "none"
    untouched = next(a for a in day1.articles(edit.portal_id) if a.url != edit.url and not a.removed)
    again = next(a for a in day2.articles(edit.portal_id) if a.url == untouched.url)
    assert validator_headers(portal, untouched) == validator_headers(portal, again)
    assert day1.counter(edit.portal_id) != day2.counter(edit.portal_id)  # the page's bytes move daily anyway


def test_known_pages_file_is_queried_not_loaded(tmp_path):
    path = tmp_path / "pages.sqlite"
    rows = [(f"https://b.gov.vn/{i:05d}", "p-b" if i % 2 else "p-a", None, None, None, "2026-03-02")
            for i in range(20000, 0, -1)]
    assert KnownPages.write(path, iter(rows)) == 20000
    known = KnownPages.load(path)
    assert len(known) == 20000
    urls = list(known.urls_of("p-a"))
    assert len(urls) == 10000 and urls == sorted(urls)  # streamed per portal, code-point order
    page = known.get("https://B.GOV.VN/00002#top")
    assert page is not None and page.portal_id == "p-a" and page.answered_on == dt.date(2026, 3, 2)
    assert known.get("https://b.gov.vn/99999") is None
    assert len(KnownPages.load(tmp_path / "absent.sqlite")) == 0


def test_sitemaps_are_read_on_the_walk_day_of_a_known_portal_and_always_for_a_new_one(tmp_path):
    rows = [{"p": "p-a", "u": f"https://a.gov.vn/x/{i}", "h": None, "d": None} for i in range(3)]
    day0 = dt.date(2026, 3, 2)
    week = [day0 + dt.timedelta(days=k) for k in range(7)]
    policy = _policy(tmp_path, rows)
    # the default, as settings.py's CCHC_SITEMAP_WALK_DAYS (both from core/periods.py): weekly
    assert policy.sitemap_days == SITEMAP_WALK_DAYS == settings.CCHC_SITEMAP_WALK_DAYS == 7
    assert policy.recheck_days == settings.CCHC_RECHECK_DAYS and policy.reread_days == settings.CCHC_REREAD_DAYS
    assert policy.reread_max_days == settings.CCHC_REREAD_MAX_DAYS == 112
    read = [d for d in week if dataclasses.replace(policy, day=d).read_sitemaps("p-a")]
    assert read == [d for d in week if full_walk_day("p-a", d)] and len(read) == 1  # once a week
    # a portal the known-pages file has no document of is read every day (its first crawl is full)
    assert all(dataclasses.replace(policy, day=d).read_sitemaps("p-new") for d in week)
    # --full reads them every day; a period of 1 as well
    assert all(dataclasses.replace(policy, day=d, full=True).read_sitemaps("p-a") for d in week)
    assert all(dataclasses.replace(policy, day=d, sitemap_days=1).read_sitemaps("p-a") for d in week)


def test_a_portal_whose_documents_are_all_from_the_current_run_still_reads_its_sitemaps(tmp_path):
    """A first crawl interrupted and resumed: the documents it stored before the stop are in the
    known-pages file, but no earlier run crawled the portal, so the resumed run stays a full one."""
    day0 = dt.date(2026, 3, 2)
    other = next(day0 + dt.timedelta(days=k) for k in range(7) if not full_walk_day("p-a", day0 + dt.timedelta(days=k)))
    path = tmp_path / "pages.sqlite"
    rows = [(f"https://{p}.gov.vn/x/{i}", p, None, None, None, None) for i in range(3) for p in ("p-a", "p-b")]
    KnownPages.write(path, iter(rows), crawled=["p-b"])  # p-a's documents are all from this run
    policy = Policy(full=False, recheck_days=7, walk_days=7, day=other, known=KnownPages(str(path)), sitemap_days=7)
    assert policy.known.knows_portal("p-b") and not policy.known.knows_portal("p-a")
    assert policy.read_sitemaps("p-a") is True
    assert policy.read_sitemaps("p-b") is full_walk_day("p-b", other)


LISTING, FEED = "https://a.gov.vn/chuyen-muc/cai-cach-hanh-chinh", "https://a.gov.vn/rss"


def _covered(tmp_path, proven_on: dt.date, day: dt.date, **kw) -> Policy:
    """A portal with 5 known documents, its listing covered by its feed on `proven_on` (newest item x/0)."""
    path = tmp_path / "pages.sqlite"
    rows = [(f"https://a.gov.vn/x/{i}", "p-a", None, None, None, "2026-03-01") for i in range(5)]
    KnownPages.write(path, iter(rows), coverage=[("p-a", LISTING, FEED, "https://a.gov.vn/x/0", proven_on.isoformat())])
    return Policy(**{"full": False, **kw}, recheck_days=7, walk_days=7, day=day, known=KnownPages(str(path)))


def test_a_listing_its_feed_covered_is_read_through_the_feed_until_the_next_full_walk(tmp_path):
    day0 = dt.date(2026, 3, 2)
    walk = next(day0 + dt.timedelta(days=k) for k in range(7) if full_walk_day("p-a", day0 + dt.timedelta(days=k)))
    # proven on the full walk: each day after it, until the next walk, the listing is read through its feed
    between = [walk + dt.timedelta(days=k) for k in range(1, 7)]
    for day in between:
        proof = _covered(tmp_path, walk, day).listing_proof("p-a", LISTING)
        assert proof is not None and (proof.feed_url, proof.anchor_url, proof.proven_on) == (FEED, "https://a.gov.vn/x/0", walk)
    # the full-walk day fetches it (and renews the proof), as does --full, and so does a lapsed proof
    assert _covered(tmp_path, walk, walk + dt.timedelta(days=7)).listing_proof("p-a", LISTING) is None
    assert _covered(tmp_path, walk, walk, full=True).listing_proof("p-a", LISTING) is None
    lapsed = walk + dt.timedelta(days=8)  # the walk of day +7 did not happen (no crawl that day)
    assert not full_walk_day("p-a", lapsed) and _covered(tmp_path, walk, lapsed).listing_proof("p-a", LISTING) is None
    # a listing no feed covered, or of another portal, is fetched
    policy = _covered(tmp_path, walk, between[0])
    assert policy.listing_proof("p-a", "https://a.gov.vn/chuyen-muc/tin-tuc") is None
    assert policy.listing_proof("p-b", LISTING) is None
    assert policy.listing_proof("p-a", LISTING.replace("https://a.gov.vn", "HTTPS://A.GOV.VN")) is not None


def test_the_covering_feed_stands_in_only_when_it_answered_and_is_not_stale(tmp_path):
    day0 = dt.date(2026, 3, 2)
    walk = next(day0 + dt.timedelta(days=k) for k in range(7) if full_walk_day("p-a", day0 + dt.timedelta(days=k)))
    policy = _covered(tmp_path, walk, walk + dt.timedelta(days=1))
    proof = policy.listing_proof("p-a", LISTING)
    assert proof is not None
    known = [f"https://a.gov.vn/x/{i}" for i in range(5)]
    assert policy.feed_vouches(proof, known) is True                       # as at the proof: nothing new
    assert policy.feed_vouches(proof, ["https://a.gov.vn/x/new", *known]) is True  # something new on top
    assert policy.feed_vouches(proof, None) is False                       # the feed failed today
    assert policy.feed_vouches(proof, []) is False                         # an empty feed proves nothing
    # stale: an older copy of the feed (the listing's newest item missing, nothing unknown) is refused
    assert policy.feed_vouches(proof, known[1:]) is False
    # a feed that moved on so far that the anchor rolled out lists documents no run knew: it vouches
    assert policy.feed_vouches(proof, [f"https://a.gov.vn/y/{i}" for i in range(20)]) is True


def test_a_feed_covers_a_listing_page_when_it_lists_every_item():
    entries = ["https://a.gov.vn/x/1", "https://a.gov.vn/x/2", "https://a.gov.vn/x/3"]
    assert covers(["https://A.gov.vn/x/1#top", "https://a.gov.vn/x/2"], entries) is True
    assert covers(["https://a.gov.vn/x/1", "https://a.gov.vn/x/9"], entries) is False  # one item only listed
    assert covers([], entries) is False  # an empty page proves nothing


def test_a_listing_its_home_page_covered_is_skipped_only_while_the_home_page_links_the_same(tmp_path):
    day0 = dt.date(2026, 3, 2)
    walk = next(day0 + dt.timedelta(days=k) for k in range(7) if full_walk_day("p-a", day0 + dt.timedelta(days=k)))
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, iter([]), coverage=[("p-a", LISTING, "https://a.gov.vn/", "https://a.gov.vn/x/0",
                                                walk.isoformat(), "d" * 64)])
    policy = Policy(full=False, recheck_days=7, walk_days=7, day=walk + dt.timedelta(days=1), known=KnownPages(str(path)))
    proof = policy.listing_proof("p-a", LISTING)
    assert proof is not None and proof.digest == "d" * 64
    assert policy.home_vouches(proof, "d" * 64) is True     # the home page links exactly what it did
    assert policy.home_vouches(proof, "e" * 64) is False    # anything new on it: the listing is fetched
    assert policy.home_vouches(proof, None) is False        # no usable home page today
    (tmp_path / "feed").mkdir()
    feed_proof = _covered(tmp_path / "feed", walk, walk + dt.timedelta(days=1)).listing_proof("p-a", LISTING)
    assert feed_proof is not None and feed_proof.digest is None
    assert policy.home_vouches(feed_proof, "d" * 64) is False  # a feed's proof is no home page's


def test_a_guessed_discovery_page_that_answered_404_is_asked_again_once_in_the_probe_period(tmp_path):
    """A portal without a register answers the family's register path 404 every day: asked again on
    one full-walk day in every CCHC_PROBE_DAYS (28), not daily; any other page every day."""
    gone, there = "https://a.gov.vn/Trang/VanBan.aspx", "https://a.gov.vn/sitemap.xml"
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, iter([]), absent=[("p-a", gone), ("p-b", there)])
    known = KnownPages.load(path)
    assert known.absent("p-a", gone) and not known.absent("p-a", there) and not known.absent("p-b", gone)
    day0 = dt.date(2026, 3, 2)
    policy = Policy(full=False, recheck_days=7, walk_days=7, day=day0, known=known)
    assert policy.probe_days == PROBE_DAYS == settings.CCHC_PROBE_DAYS == 28
    days = [day0 + dt.timedelta(days=k) for k in range(56)]
    asked = [d for d in days if dataclasses.replace(policy, day=d).probe("p-a", gone)]
    assert len(asked) == 2 and asked[1] - asked[0] == dt.timedelta(days=28)  # once a period, 28 days apart
    assert all(full_walk_day("p-a", d) for d in asked)  # on the portal's full-walk day
    assert all(dataclasses.replace(policy, day=d).probe("p-a", there) for d in days)  # no 404 on record
    assert all(dataclasses.replace(policy, day=d, full=True).probe("p-a", gone) for d in days[:7])  # --full


def test_what_stands_for_a_feed_follows_its_proofs_to_the_home_page_and_stops_on_a_cycle(tmp_path):
    """`Policy.read_as`: the category feed is read as the main feed, which is read through the home
    page; two feeds proving each other end where the cycle closes."""
    day0 = dt.date(2026, 3, 2)
    walk = next(day0 + dt.timedelta(days=k) for k in range(7) if full_walk_day("p-a", day0 + dt.timedelta(days=k)))
    main, cchc, other = "https://a.gov.vn/rss/", "https://a.gov.vn/rss/cchc/", "https://a.gov.vn/rss/khac/"
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, iter([]), coverage=[
        ("p-a", cchc, main, "https://a.gov.vn/x/0", walk.isoformat()),
        ("p-a", main, "https://a.gov.vn/", "https://a.gov.vn/x/0", walk.isoformat(), "d" * 64),
        ("p-a", other, cchc, "https://a.gov.vn/x/1", walk.isoformat()),
    ])
    policy = Policy(full=False, recheck_days=7, walk_days=7, day=walk + dt.timedelta(days=1), known=KnownPages(str(path)))
    read, home = policy.read_as("p-a", other)
    assert read == main and home is not None and home.digest == "d" * 64
    assert policy.read_as("p-a", "https://a.gov.vn/rss/unproved/") == ("https://a.gov.vn/rss/unproved/", None)
    assert dataclasses.replace(policy, day=walk).read_as("p-a", other) == (other, None)  # the walk day: itself
    (tmp_path / "cycle").mkdir()
    KnownPages.write(tmp_path / "cycle" / "pages.sqlite", iter([]), coverage=[
        ("p-a", main, cchc, "https://a.gov.vn/x/0", walk.isoformat()),
        ("p-a", cchc, main, "https://a.gov.vn/x/0", walk.isoformat())])
    cycle = dataclasses.replace(policy, known=KnownPages(str(tmp_path / "cycle" / "pages.sqlite")))
    assert cycle.read_as("p-a", main) == (cchc, None)
