"""VNPT vnportal portals."""
from __future__ import annotations

import datetime as dt

from sim.families.base import Family
from sim.families.shared import _page_of, body_html, file_links, seed_attachment_line
from sim.model import SimArticle
from sim.seeds import SeedDoc
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class VnPortal(Family):
    """VNPT vnportal (/<category>/<slug>-<id>, ?pageindex=N)."""

    id = "vnportal"
    has_rss = True
    has_sitemap = True
    has_register = True
    main_class = "col-main"
    sidebar_class = "col-right"

    def article_path(self, art: SimArticle) -> str:
        cat = self.cchc_slug if art.section == "cchc" else self.news_slug
        return f"/{cat}/{art.slug}-{art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = "/" + (self.cchc_slug if section == "cchc" else self.news_slug)
        return base if page == 1 else f"{base}?pageindex={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {"/" + self.cchc_slug: "cchc", "/" + self.news_slug: "news"}.get(path.rstrip("/"))
        page = _page_of(qs, "pageindex")
        return (section, page) if section and page else None

    def register_path(self, page: int = 1) -> str | None:
        return "/van-ban" if page == 1 else f"/van-ban?pageindex={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        return _page_of(qs, "pageindex") if path.rstrip("/") == "/van-ban" else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/van-ban/{art.slug}-{art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        t = art.published
        return f"/Data/VanBan/{t.year}/{t.month:02d}/{t.day:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/rss/cai-cach-hanh-chinh.rss", "/rss/tin-tuc-su-kien.rss"]

    def sitemap_paths(self) -> list[str]:
        return ["/sitemap.xml"]

    def render_feed(self, view: PortalView, path: str) -> bytes | None:
        section = {"/rss/cai-cach-hanh-chinh.rss": "cchc", "/rss/tin-tuc-su-kien.rss": "news"}.get(path)
        if section is None:
            return None
        p = view.portal
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
            f"<description><![CDATA[{a.summary}]]></description>"
            f"<pubDate>{self.rss_pubdate(a.published)}</pubDate></item>"
            for a in view.feed_items(section)
        )
        return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                f"<title>{esc(p.name)}</title><link>{esc(p.base_url)}</link><description>{esc(p.name)}</description>"
                f"{items}</channel></rss>\n").encode()

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def list_date(self, t: dt.datetime) -> str:
        return dmy(t)

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="ArticleInMenu"><div class="Title"><a href="{attr(a.url)}">{esc(a.title)}</a></div>'
            f'<div class="PostDate">{dmy(a.published)}</div><div class="ArticleSummary">{esc(a.summary)}</div></div>'
        )

    def listing_body(self, section: str, chunk: list[SimArticle], page: int, pages: int, total: int) -> str:
        return '<div class="ArticleList">' + "".join(self.listing_item(a) for a in chunk) + "</div>" + self.pager(section, page, pages)

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        rows = lines or [f"Số người online: {c.online}", f"Số lượt truy cập: {c.total}",
                         f"Số lượt truy cập tuần: {c.week}", f"Số lượt truy cập tháng: {c.month}"]
        lis = "".join(f"<li>{esc(x.strip().lstrip('•').strip()) if lines else esc(x)}</li>" for x in rows)
        return f'<div class="thongke-truycap"><ul class="list-thongke">{lis}</ul></div>'

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        date_line = self.shown_date(art, seed)
        font = "" if seed and seed.native_family == self.id else ' <span class="font-size">Xem cỡ chữ: A+ A-</span>'
        return (
            self.seed_top(seed)
            + f'<div class="ArticleHeader"><h1>{esc(art.title)}</h1></div>'
            f'<div class="PostDate">{esc(date_line)}{font}</div>'
            f'<div class="ArticleContent">{body_html(art)}{attach}</div>'
            + self.others_block(view, art, seed, "Tin khác")
        )
