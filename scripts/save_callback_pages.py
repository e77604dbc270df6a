"""Save the simulator's pages that the spider-callback tests read (tests/crawler/callbacks/).

The callback tests build Scrapy responses from files (``file_response(path, url)``) so each callback
is exercised without the simulator, a proxy or a reactor. The pages are the simulator's own (seed 0,
day 1), rendered in-process through `sim.site.respond` exactly as the proxy would serve them, so the
fixtures change only when someone re-runs this script on purpose (after a family's markup changed).

Each page is two files under tests/fixtures/callbacks/: ``NAME.body`` (the bytes served) and
``NAME.json`` (the URL, status and headers). Run: ``.venv/bin/python scripts/save_callback_pages.py``.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim import national  # noqa: E402
from sim.site import respond, split_absolute  # noqa: E402
from sim.world import World  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "callbacks"
SEED, DAY = 0, 1
#: nukeviet: RSS, a sitemap index over a urlset; tandan_sp: a paged CCHC listing, a register, an iframe widget
NEWS_PORTAL, LISTING_PORTAL, REGISTER_PORTAL = "p-phutho", "p-cantho", "p-dienbien"


def save(world: World, name: str, url: str) -> bytes:
    """Render `url` on `world` and write NAME.body / NAME.json; return the body."""
    scheme, host, target = split_absolute(url)
    resp = respond(world, scheme, host, target)
    if resp is None:
        raise SystemExit(f"error: the simulator serves no host for {url}")
    (OUT / f"{name}.body").write_bytes(resp.body)
    meta = {"url": url, "status": resp.status, "headers": [list(h) for h in resp.headers], "seed": SEED, "day": DAY,
            "observed_on": world.observed.isoformat()}
    (OUT / f"{name}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{name}: {resp.status} {len(resp.body)} bytes  {url}")
    return resp.body


def first(pattern: str, text: str, what: str) -> str:
    m = re.search(pattern, text)
    if m is None:
        raise SystemExit(f"error: no {what} found (pattern {pattern!r})")
    return m.group(1).replace("&amp;", "&")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    world = World(seed=SEED, day=DAY)
    news = world.portals[NEWS_PORTAL]
    home = save(world, "news_home", news.base_url).decode("utf-8")
    save(world, "news_feed", urljoin(news.base_url, first(r'<link rel="alternate" type="application/rss\+xml"[^>]*href="([^"]+)"',
                                                         home, "RSS link")))
    save(world, "news_robots", urljoin(news.base_url, "/robots.txt"))
    index = save(world, "news_sitemap_index", urljoin(news.base_url, "/sitemap.xml")).decode("utf-8")
    save(world, "news_sitemap_urlset", first(r"<loc>([^<]+)</loc>", index, "sitemap in the index"))
    with_file = next((a for a in world.view(NEWS_PORTAL).articles if a.files), None)
    if with_file is None:
        raise SystemExit(f"error: {NEWS_PORTAL} shows no article with an attachment on day {DAY}")
    save(world, "news_article", with_file.url)  # a CCHC plan with its PDF linked

    paged = world.portals[LISTING_PORTAL]
    listing_url = urljoin(paged.base_url, "/portal/Pages/Cai-cach-hanh-chinh.aspx")
    listing = save(world, "listing_p1", listing_url).decode("utf-8")
    save(world, "listing_p2", urljoin(listing_url, first(r'href="([^"]*PageIndex=2[^"]*)"', listing, "page 2 link")))
    save(world, "news_gone", urljoin(news.base_url, "/vi/news/cai-cach-hanh-chinh/khong-con-nua-1.html"))  # 404

    reg = world.portals[REGISTER_PORTAL]
    reg_home = save(world, "register_home", reg.base_url).decode("utf-8")
    save(world, "widget_iframe", first(r'<iframe src="([^"]+)"', reg_home, "widget iframe"))
    register_url = urljoin(reg.base_url, "/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx")
    save(world, "register_p1", register_url)

    rows = national.as_json(world.index766(world.observed.year))[:100]
    (OUT / "index766_p1.body").write_bytes(json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    meta = {"url": f"https://{national.NATIONAL_HOST}{national.API_PATH}", "status": 200,
            "headers": [["Content-Type", national.JSON_TYPE]], "seed": SEED, "day": DAY,
            "observed_on": world.observed.isoformat()}
    (OUT / "index766_p1.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"index766_p1: {len(rows)} provinces")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
