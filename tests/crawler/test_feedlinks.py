"""The lxml feed reader (crawler/feedlinks.py) gives the feeds spider what feedparser gave it — each
entry's link, title and published text — on the simulator's feeds and on the shapes real portals
serve, and hands anything else back to feedparser (None)."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import feedparser
import pytest

from crawler.families import profile
from crawler.feedlinks import feed_entries
from crawler.registry import load_registry
from sim.site import respond
from sim.world import World


def _fields(entries) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [(e.get("link"), e.get("title"), e.get("published")) for e in entries]


def test_same_entries_as_feedparser_on_the_simulators_feeds() -> None:
    world = World(seed=0, day=1)
    compared = 0
    for portal in load_registry():
        for url in list(portal.feeds) or [urljoin(portal.base_url, p) for p in profile(portal.cms).feeds]:
            parts = urlsplit(url)
            resp = respond(world, parts.scheme, parts.hostname or "", parts.path + (f"?{parts.query}" if parts.query else ""))
            if resp is None or resp.status != 200:
                continue
            fast = feed_entries(resp.body)
            if fast is None:
                continue
            assert _fields(fast) == _fields(feedparser.parse(resp.body).entries), url
            compared += 1
    assert compared >= 5


RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Tin</title>
<item><title><![CDATA[K\xe1\xba\xbf ho\xe1\xba\xa1ch CCHC n\xc4\x83m 2026]]></title><link>https://a.gov.vn/tin/1.html</link>
<pubDate>Mon, 02 Mar 2026 09:00:00 +0700</pubDate></item>
<item><title>Kh\xc3\xb4ng link &amp; guid</title><guid>https://a.gov.vn/tin/2.html</guid></item>
<item><title>guid kh\xc3\xb4ng ph\xe1\xba\xa3i \xc4\x91\xe1\xbb\x8ba ch\xe1\xbb\x89</title><guid isPermaLink="false">abc-3</guid></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>Atom 1</title><link rel="edit" href="https://a.gov.vn/edit/1"/><link href="https://a.gov.vn/a/1"/>
<published>2026-03-02T09:00:00+07:00</published><updated>2026-03-03T09:00:00+07:00</updated></entry>
<entry><title>Atom 2</title><link rel="alternate" type="text/html" href="https://a.gov.vn/a/2"/></entry>
</feed>"""
RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://a.gov.vn/"><title>T</title><link>https://a.gov.vn/</link></channel>
<item rdf:about="https://a.gov.vn/r/1"><title>RDF 1</title><link>https://a.gov.vn/r/1</link></item>
</rdf:RDF>"""


@pytest.mark.parametrize("body", [RSS, ATOM, RDF], ids=["rss2", "atom", "rss1"])
def test_same_entries_as_feedparser_on_each_kind(body: bytes) -> None:
    fast = feed_entries(body)
    assert fast is not None and fast
    assert _fields(fast) == _fields(feedparser.parse(body).entries)


@pytest.mark.parametrize("body", [
    b"<html><body>Trang ch\xe1\xbb\xa7</body></html>",        # a home page served at the feed URL
    b"<rss><channel><item><title>unclosed",                    # broken XML: feedparser's forgiving parse
    b"",
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>'
    b"<item><title>&x;</title><link>https://a.gov.vn/1</link></item></channel></rss>",
])
def test_anything_else_goes_back_to_feedparser_and_no_entity_is_read(body: bytes) -> None:
    out = feed_entries(body)
    assert out is None or all("root:" not in (e.title or "") for e in out)
    if b"<html" in body or b"unclosed" in body or not body:
        assert out is None
