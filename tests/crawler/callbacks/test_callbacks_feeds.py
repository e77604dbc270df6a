"""FeedsSpider callbacks on saved pages: the home page's RSS links, then the feed's entries."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from callback_pages import PAGES, file_response
from scrapy import Request
from scrapy.http import XmlResponse
from twisted.python.failure import Failure

from crawler.feedlinks import feed_entries
from crawler.incremental import KnownPages, same_url
from crawler.items import CoverageItem, FetchItem, HealthItem, SeenItem
from crawler.spiders.base import _REQUESTED_ARTICLES, home_links
from crawler.spiders.feeds import FeedsSpider

HOME = {"portal_id": "p-phutho", "is_home": True}
FEED = {"portal_id": "p-phutho"}


@pytest.fixture
def spider(make_spider: Callable[..., Any]) -> FeedsSpider:
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho")
    return spider


def test_parse_home_requests_each_rss_link_the_page_declares(spider: FeedsSpider) -> None:
    out = list(spider.parse_home(file_response("news_home", meta=HOME)))
    assert all(isinstance(r, Request) for r in out)
    assert [r.url for r in out] == ["https://phutho.gov.vn/vi/news/rss/",
                                    "https://phutho.gov.vn/vi/news/rss/cai-cach-hanh-chinh/"]
    assert all(r.callback == spider.parse_feed and r.errback == spider.feed_failed for r in out)
    assert all(r.meta["portal_id"] == "p-phutho" and r.meta["handle_httpstatus_all"] for r in out)


def test_parse_home_on_an_error_page_records_the_fetch_and_requests_nothing(spider: FeedsSpider) -> None:
    (item,) = spider.parse_home(file_response("news_gone", "https://phutho.gov.vn/", meta=HOME))
    assert isinstance(item, FetchItem)
    assert (item.status, item.error, item.url) == (404, "HTTP 404", "https://phutho.gov.vn/")


def test_parse_feed_records_the_fetch_and_that_the_portal_has_a_feed(spider: FeedsSpider) -> None:
    out = list(spider.parse_feed(file_response("news_feed", meta=FEED)))
    fetch, health = out[0], out[1]
    assert isinstance(fetch, FetchItem)
    assert (fetch.portal_id, fetch.url, fetch.status, fetch.error, fetch.discovered_by) == (
        "p-phutho", "https://phutho.gov.vn/vi/news/rss/", 200, None, "feeds")
    assert fetch.fetched_at == "2026-03-02T05:00:00+00:00"  # the frozen clock, in UTC
    assert fetch.content_hash is not None and len(fetch.content_hash) == 64
    assert isinstance(health, HealthItem)
    assert (health.portal_id, health.url, health.has_feed) == ("p-phutho", "https://phutho.gov.vn/", True)


def test_parse_feed_requests_every_entry_as_an_article_with_its_feed_title_and_date(spider: FeedsSpider) -> None:
    requests = [r for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    assert len(requests) == 12
    assert all(r.callback == spider.parse_article and r.priority == 10 for r in requests)
    first = requests[0]
    assert first.url == ("https://phutho.gov.vn/vi/news/tin-tuc-su-kien/"
                         "phat-dong-phong-trao-thi-dua-xay-dung-nong-thon-moi-16604.html")
    assert first.meta["hints"] == {"title": "Phát động phong trào thi đua xây dựng nông thôn mới",
                                   "feed_published": "Wed, 2 Oct 2024 01:10:40 GMT"}
    cchc = [r.url for r in requests if "/cai-cach-hanh-chinh/" in r.url]
    assert len(cchc) == 5 and len(set(r.url for r in requests)) == 12


def test_an_article_already_requested_in_this_crawl_is_not_requested_again(spider: FeedsSpider) -> None:
    first = [r.url for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    again = [r for r in spider.parse_feed(file_response("news_feed", meta=FEED)) if isinstance(r, Request)]
    assert first and again == []
    assert spider.crawler.stats.get_value("cchc/articles/duplicate_discoveries") == len(first)


def test_parse_feed_on_a_page_that_is_no_feed_says_so_and_stops(spider: FeedsSpider) -> None:
    out = list(spider.parse_feed(file_response("news_home", "https://phutho.gov.vn/vi/news/rss/", meta=FEED)))
    (fetch,) = out
    assert isinstance(fetch, FetchItem) and fetch.error is not None and fetch.error.startswith("not a feed")


def test_parse_feed_on_http_404_records_the_status_as_the_error(spider: FeedsSpider) -> None:
    (fetch,) = spider.parse_feed(file_response("news_gone", "https://phutho.gov.vn/vi/news/rss/", meta=FEED))
    assert isinstance(fetch, FetchItem) and (fetch.status, fetch.error) == (404, "HTTP 404")


# ---- a feed the home page covered (crawler.incremental.Policy.listing_proof) -------------------------------
HOME_URL = "https://phutho.gov.vn/"
MAIN_FEED = "https://phutho.gov.vn/vi/news/rss/"
CCHC_FEED = "https://phutho.gov.vn/vi/news/rss/cai-cach-hanh-chinh/"
#: the saved main feed's entries, newest first, and the home page's links to the portal's own pages
ENTRIES = [e.link for e in feed_entries((PAGES / "news_feed.body").read_bytes()) or [] if e.link]
ON_HOME = {same_url(u) for u in (file_response("news_home", HOME_URL).urljoin(h)
                                 for h in file_response("news_home", HOME_URL).css("a::attr(href)").getall())}
DIGEST = home_links(file_response("news_home", HOME_URL), lambda u: "phutho.gov.vn" in u)[1]


def _proved(make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, day: str,
            digest: str = DIGEST) -> FeedsSpider:
    """The feeds spider of a run on `day` that knows the main feed's entries, with the proof (made on the
    portal's full walk, 2026-03-02) that the home page linked every entry of the main feed."""
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, ((u, "p-phutho", None, None, None, "2026-03-02") for u in ENTRIES),
                     coverage=[("p-phutho", MAIN_FEED, HOME_URL, ENTRIES[0], "2026-03-02", digest)])
    monkeypatch.setenv("CCHC_OBSERVED_ON", day)
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho", settings={"CCHC_KNOWN_PAGES": str(path)})
    return spider


def _feeds_asked(out: list[Any], spider: FeedsSpider) -> list[str]:
    return [r.url for r in out if isinstance(r, Request) and r.callback == spider.parse_feed]


def test_the_home_page_is_asked_for_first_as_a_shared_request(spider: FeedsSpider) -> None:
    (home,) = spider.start_portal(spider.portals["p-phutho"])
    assert (home.url, home.callback, home.errback, home.meta["is_home"]) == (HOME_URL, spider.parse_home,
                                                                             spider.home_failed, True)


def test_a_feed_the_home_page_covered_is_not_fetched_while_the_home_page_links_the_same(
        make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spider = _proved(make_spider, tmp_path, monkeypatch, day="2026-03-03")  # the day after the full walk
    out = list(spider.parse_home(file_response("news_home", meta=HOME)))
    assert _feeds_asked(out, spider) == [CCHC_FEED]  # the category feed has no proof: fetched
    assert spider.crawler.stats.get_value("cchc/incremental/feed_covered") == 1
    (health,) = [o for o in out if isinstance(o, HealthItem)]
    assert (health.portal_id, health.has_feed) == ("p-phutho", True)  # the portal still has its feed
    # the known documents the home page links are seen through it, as the feed's entries would be
    seen = [o for o in out if isinstance(o, SeenItem)]
    assert {s.url for s in seen} == {same_url(u) for u in ENTRIES} & ON_HOME and len(seen) == 10
    assert all((s.how, s.discovered_by) == ("linked", "feeds") for s in seen)


def test_a_covered_feed_is_fetched_when_the_home_page_links_anything_else_or_on_the_full_walk_day(
        make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for day, digest in (("2026-03-03", "0" * 64), ("2026-03-09", DIGEST)):  # moved; the next full walk
        (tmp_path / day).mkdir()
        spider = _proved(make_spider, tmp_path / day, monkeypatch, day=day, digest=digest)
        out = list(spider.parse_home(file_response("news_home", meta=HOME)))
        assert _feeds_asked(out, spider) == [MAIN_FEED, CCHC_FEED]
        assert not [o for o in out if isinstance(o, SeenItem)]
        assert spider.crawler.stats.get_value("cchc/incremental/feed_covered") is None


def _rss(entries: list[str]) -> bytes:
    """The saved main feed cut to the items whose link is in `entries` (in the feed's order)."""
    body = (PAGES / "news_feed.body").read_text(encoding="utf-8")
    return re.sub(r"<item>.*?</item>", lambda m: m.group(0) if any(
        f"<link>{u}</link>" in m.group(0) for u in entries) else "", body, flags=re.S).encode("utf-8")


def test_feeds_read_today_are_proved_by_the_home_page_or_an_earlier_feed_or_their_proofs_withdrawn(
        make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The proofs are made once every feed of the portal answered (`FeedsSpider.prove`)."""
    spider = _proved(make_spider, tmp_path, monkeypatch, day="2026-03-02")  # the full walk: both fetched
    main, cchc = (r for r in spider.parse_home(file_response("news_home", meta=HOME)) if isinstance(r, Request))
    # the category feed lists the two entries the home page does not link, and one it does
    off_home = [u for u in ENTRIES if same_url(u) not in ON_HOME]
    assert len(off_home) == 2
    in_cchc = [u for u in ENTRIES if u in off_home or u == next(e for e in ENTRIES if same_url(e) in ON_HOME)]
    assert not [o for o in spider.parse_feed(XmlResponse(url=CCHC_FEED, body=_rss(in_cchc), request=cchc))
                if isinstance(o, CoverageItem)]  # not before the portal's last feed answered
    out = list(spider.parse_feed(file_response("news_feed", request=main)))
    proofs = {p.url: p for p in out if isinstance(p, CoverageItem)}
    # the main feed lists the two entries the home page does not link: no proof, the stored one withdrawn
    assert (proofs[MAIN_FEED].feed_url, proofs[MAIN_FEED].digest) == (None, None)
    # the category feed: every entry is one of the main feed's, an earlier feed of the portal
    assert (proofs[CCHC_FEED].feed_url, proofs[CCHC_FEED].anchor_url, proofs[CCHC_FEED].digest) == (
        MAIN_FEED, in_cchc[0], None)
    # a main feed without those two: the home page links every entry, the proof holds its digest
    _REQUESTED_ARTICLES.clear()
    (tmp_path / "again").mkdir()
    again = _proved(make_spider, tmp_path / "again", monkeypatch, day="2026-03-02")
    main, cchc = (r for r in again.parse_home(file_response("news_home", meta=HOME)) if isinstance(r, Request))
    list(again.feed_failed(_failed(cchc)))
    on_home = [u for u in ENTRIES if same_url(u) in ON_HOME]
    out = list(again.parse_feed(XmlResponse(url=MAIN_FEED, body=_rss(on_home), request=main)))
    (proof,) = [p for p in out if isinstance(p, CoverageItem)]
    assert (proof.url, proof.feed_url, proof.anchor_url, proof.digest) == (MAIN_FEED, HOME_URL, on_home[0], DIGEST)
    assert again.crawler.stats.get_value("cchc/incremental/feed_proved") == 1


def _failed(request: Request) -> Failure:
    failure = Failure(TimeoutError("feed timed out"))
    failure.request = request  # type: ignore[attr-defined]
    return failure


def _feed_proved(make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 anchor: str) -> FeedsSpider:
    """The feeds spider the day after the full walk, with the proof that the main feed listed every
    entry of the category feed (the newest of them `anchor`), and no proof for the main feed."""
    path = tmp_path / "pages.sqlite"
    KnownPages.write(path, ((u, "p-phutho", None, None, None, "2026-03-02") for u in ENTRIES),
                     coverage=[("p-phutho", CCHC_FEED, MAIN_FEED, anchor, "2026-03-02")])
    monkeypatch.setenv("CCHC_OBSERVED_ON", "2026-03-03")
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho", settings={"CCHC_KNOWN_PAGES": str(path)})
    return spider


def test_a_feed_an_earlier_feed_covered_is_read_through_it_while_it_stands_in(
        make_spider: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cchc_entry = next(u for u in ENTRIES if "/cai-cach-hanh-chinh/" in u)
    spider = _feed_proved(make_spider, tmp_path, monkeypatch, anchor=cchc_entry)
    (main,) = [r for r in spider.parse_home(file_response("news_home", meta=HOME)) if isinstance(r, Request)]
    # the category feed waits for it, in its request (the worker that reads the answer decides)
    assert (main.url, main.meta["waiting"]) == (MAIN_FEED, {CCHC_FEED: {}})
    out = list(spider.parse_feed(file_response("news_feed", request=main)))
    assert _feeds_asked(out, spider) == []  # the main feed still lists the category's newest entry
    assert spider.crawler.stats.get_value("cchc/incremental/feed_covered") == 1
    # stale (it no longer lists that entry, and lists nothing new), or failed: the category feed is fetched
    for name, answer in (("stale", "news_feed"), ("failed", None)):
        (tmp_path / name).mkdir()
        other = _feed_proved(make_spider, tmp_path / name, monkeypatch,
                             anchor="https://phutho.gov.vn/vi/news/cai-cach-hanh-chinh/ke-hoach-moi-99999.html")
        (main,) = [r for r in other.parse_home(file_response("news_home", meta=HOME)) if isinstance(r, Request)]
        out = list(other.parse_feed(file_response(answer, request=main)) if answer else other.feed_failed(_failed(main)))
        assert _feeds_asked(out, other) == [CCHC_FEED]


def test_when_the_home_page_fails_the_registry_feeds_are_fetched_and_otherwise_the_failure_recorded(
        make_spider: Callable[..., Any], registry: Path) -> None:
    text = registry.read_text(encoding="utf-8").replace(
        "https://phutho.gov.vn/,nukeviet,,", f"https://phutho.gov.vn/,nukeviet,{CCHC_FEED},")
    registry.write_text(text, encoding="utf-8")
    spider: FeedsSpider = make_spider(FeedsSpider, sources="p-phutho,p-cantho")
    (home,) = spider.start_portal(spider.portals["p-phutho"])
    failure = Failure(TimeoutError("home page timed out"))
    failure.request = home  # type: ignore[attr-defined]
    (feed,) = spider.home_failed(failure)
    assert (feed.url, feed.callback) == (CCHC_FEED, spider.parse_feed)
    (feed,) = spider.parse_home(file_response("news_gone", HOME_URL, meta=HOME))  # a 404 home page: the same
    assert feed.url == CCHC_FEED
    (other,) = spider.start_portal(spider.portals["p-cantho"])
    failure = Failure(TimeoutError("home page timed out"))
    failure.request = other  # type: ignore[attr-defined]
    fetch, health = spider.home_failed(failure)  # as any failed home page (`PortalSpider.on_error`)
    assert isinstance(fetch, FetchItem) and fetch.url == "https://cantho.gov.vn/" and fetch.error
    assert isinstance(health, HealthItem) and health.error == fetch.error
