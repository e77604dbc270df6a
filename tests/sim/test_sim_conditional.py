"""Feeds, sitemaps and listing pages under conditional requests (issue 12): the families whose server
hashes what it generates send an ETag of the bytes and answer a matching If-None-Match with 304; the
others send no validator and always answer in full."""
from __future__ import annotations

import urllib.error
import urllib.request

from sim.conditional import HASHES_GENERATED, policy_of
from sim.families import family
from sim.network import SimNetwork


def _get(net: SimNetwork, url: str, etag: str | None = None) -> tuple[int, dict[str, str], bytes]:
    from sim_client import Client

    opener = Client(net).opener
    req = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:  # urllib raises on 304
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def test_generated_pages_carry_an_etag_on_some_families_only() -> None:
    with SimNetwork(day=1) as net:
        by_policy: dict[bool, str] = {}
        for pid, p in net.world.portals.items():
            if family(p.family).feed_paths():
                by_policy.setdefault(policy_of(p) in HASHES_GENERATED, pid)
        assert set(by_policy) == {True, False}
        for hashes, pid in by_policy.items():
            portal = net.world.portals[pid]
            feed = portal.base_url.rstrip("/") + family(portal.family).feed_paths()[0]
            status, headers, body = _get(net, feed)
            assert status == 200 and body
            assert ("etag" in headers) is hashes, (pid, portal.family, headers)
            if not hashes:
                assert _get(net, feed, '"anything"')[0] == 200
                continue
            net.reset_counts()
            assert _get(net, feed, headers["etag"])[0] == 304         # unchanged bytes: not modified
            assert _get(net, feed, '"stale"')[0] == 200                # another tag: the full feed
            assert net.reset_counts().get("not_modified") == 1
