"""NukeViet portals."""
from __future__ import annotations

import datetime as dt
import re

from sim.families.base import Family, urlset
from sim.families.shared import body_html, file_links, seed_attachment_line
from sim.model import SimArticle
from sim.seeds import SeedDoc
from sim.textfmt import ampm_en, attr, dmy, esc, fmt_int_comma, weekday_vi
from sim.view import PortalView


class NukeViet(Family):
    """NukeViet (VINADES) eGov edition (/vi/news/<cat>/<alias>-<id>.html; RSS with the H:m:s bug)."""

    id = "nukeviet"
    has_rss = True
    has_sitemap = True
    main_class = "col-sm-16 col-md-18"
    sidebar_class = "col-sm-8 col-md-6"

    def article_path(self, art: SimArticle) -> str:
        cat = self.cchc_slug if art.section == "cchc" else self.news_slug
        return f"/vi/news/{cat}/{art.slug}-{art.aid}.html"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/vi/news/{self.cchc_slug if section == 'cchc' else self.news_slug}/"
        return base if page == 1 else f"{base}page-{page}/"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        m = re.fullmatch(r"/vi/news/([a-z0-9-]+)/(?:page-(\d+)/)?", path)
        if not m:
            return None
        section = {self.cchc_slug: "cchc", self.news_slug: "news"}.get(m.group(1))
        page = int(m.group(2) or 1)
        return (section, page) if section and page >= 1 else None

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/uploads/news/{art.published.year}_{art.published.month:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/vi/news/rss/", f"/vi/news/rss/{self.cchc_slug}/"]

    def sitemap_paths(self) -> list[str]:
        return ["/sitemap.xml", "/vi/news/sitemap.xml"]

    def home_paths(self) -> list[str]:
        return ["/", "/vi/"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{weekday_vi(t, lower_after_thu=True)} - {dmy(t)} {t:%H:%M}"

    def list_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {ampm_en(t, seconds=True)}"

    def rss_pubdate(self, t: dt.datetime) -> str:
        """NukeViet's bug, kept: gmdate('D, j M Y H:m:s') puts the month number where minutes belong."""
        u = t.astimezone(dt.UTC)
        return f"{u:%a}, {u.day} {u:%b} {u.year} {u.hour:02d}:{u.month:02d}:{u.second:02d} GMT"

    def render_feed(self, view: PortalView, path: str) -> bytes | None:
        if path not in self.feed_paths():
            return None
        section = None if path == "/vi/news/rss/" else "cchc"
        p = view.portal
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
            f'<guid isPermaLink="false"><![CDATA[news_{a.aid}]]></guid>'
            f"<pubDate>{self.rss_pubdate(a.published)}</pubDate>"
            f"<description><![CDATA[{a.summary}]]></description></item>"
            for a in view.feed_items(section)
        )
        last = view.feed_items(section)[:1]
        pub = f"<pubDate>{self.rss_pubdate(last[0].published)}</pubDate>" if last else ""
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{esc(p.name)}</title><link>{esc(p.base_url)}</link>"
                f'<atom:link href="{attr(p.origin + path)}" rel="self" type="application/rss+xml" />'
                f"<language>vi</language>{pub}<generator><![CDATA[NukeViet v4.0]]></generator>"
                f"{items}</channel></rss>\n").encode()

    def render_sitemap(self, view: PortalView, path: str) -> bytes | None:
        if path == "/sitemap.xml":
            loc = view.portal.origin + "/vi/news/sitemap.xml"
            return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{esc(loc)}</loc><lastmod>{view.observed.isoformat()}</lastmod></sitemap>"
                    "</sitemapindex>\n").encode()
        if path == "/vi/news/sitemap.xml":
            return urlset(view, self).encode("utf-8")
        return None

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="news_column panel panel-default"><div class="panel-body"><h3><a href="{attr(a.url)}" title="{attr(a.title)}">{esc(a.title)}</a></h3>'
            f'<div class="text-muted"><ul class="list-unstyled list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> {esc(self.list_date(a.published))}</li></ul></div>'
            f'<p>{esc(a.summary)}</p></div></div>'
        )

    def pager(self, section: str, page: int, pages: int) -> str:
        lis = "".join(
            f'<li class="active"><a href="#">{n}</a></li>' if n == page
            else f'<li><a href="{attr(self.listing_path(section, n))}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        return f'<div class="text-center"><ul class="pagination">{lis}</ul></div>'

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        if lines:
            lis = "".join(f"<li><span>{esc(x)}</span></li>" for x in lines)
        else:
            rows = [("fa-bolt", "Đang truy cập", c.online), ("fa-filter", "Hôm nay", c.today),
                    ("fa-calendar-o", "Tháng hiện tại", c.month), ("fa-bars", "Tổng lượt truy cập", c.total)]
            lis = "".join(
                f'<li><span><em class="fa {ic} fa-lg fa-horizon"></em>{lab}</span><span>{fmt_int_comma(v)}</span></li>'
                for ic, lab, v in rows
            )
        return f'<div class="panel-body"><ul class="counter list-none display-table">{lis}</ul></div>'

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        date = self.shown_date(art, seed)
        meta = (f'<div class="row margin-bottom-lg newsdetailmetatop"><div class="col-md-12">'
                f'<span class="h5"><i class="fa fa-clock-o" aria-hidden="true"></i>{esc(date)}</span></div></div>')
        if seed is not None and seed.native_family == self.id:
            # the portal's own toolbar: "Print <date> Gốc" as the seed shows it
            meta = f'<div class="newsdetailmetatop"><span class="h5">{esc(date)}</span></div>'
        return (
            self.seed_top(seed)
            + '<div class="news_column panel panel-default newsdetail" itemtype="http://schema.org/NewsArticle" itemscope>'
            f'<div class="panel-body"><h1 class="title margin-bottom-lg" itemprop="headline">{esc(art.title)}</h1>'
            f'<span class="hidden hide d-none" itemprop="datePublished">{art.published.isoformat()}</span>{meta}'
            f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{body_html(art)}</div>{attach}</div></div>'
            + self.others_block(view, art, seed, "Tin khác")
        )
