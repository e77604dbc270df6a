"""Tân Dân SharePoint portals (/portal/Pages/2022-4-27/<Slug>-<code>.aspx, .tandan-* classes)."""
from __future__ import annotations

import datetime as dt

from sim.families.base import Family
from sim.families.shared import CCHC_LABEL, NEWS_LABEL, _page_of, body_html, file_links, seed_attachment_line
from sim.model import SimArticle
from sim.seeds import SeedDoc
from sim.textfmt import ampm_vi, attr, dmy, esc, fmt_int
from sim.view import PortalView


def _b36(n: int, width: int = 6) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = chars[r] + out
    return out.rjust(width, "0")


class TanDanSP(Family):
    """Tân Dân SharePoint portals (/portal/Pages/2022-4-27/<Slug>-<code>.aspx, .tandan-* classes)."""

    id = "tandan_sp"
    has_rss = True
    has_register = True
    main_class = "tandan-div-main"
    sidebar_class = "tandan-div-right"

    def article_path(self, art: SimArticle) -> str:
        t = art.published
        slug = art.slug[:1].upper() + art.slug[1:]
        return f"/portal/Pages/{t.year}-{t.month}-{t.day}/{slug}-{_b36(art.aid * 7919 + 104729)}.aspx"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = "/portal/Pages/Cai-cach-hanh-chinh.aspx" if section == "cchc" else "/portal/Pages/Tin-tuc-su-kien.aspx"
        return base if page == 1 else f"{base}?PageIndex={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        low = path.lower()
        section = {"/portal/pages/cai-cach-hanh-chinh.aspx": "cchc", "/portal/pages/tin-tuc-su-kien.aspx": "news"}.get(low)
        page = _page_of(qs, "PageIndex")
        return (section, page) if section and page else None

    def register_path(self, page: int = 1) -> str | None:
        base = "/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx"
        return base if page == 1 else f"{base}?PageIndex={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        if path.lower() == "/portal/pages/van-ban-chi-dao-dieu-hanh.aspx" and "ItemID" not in qs:
            return _page_of(qs, "PageIndex")
        return None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/portal/Pages/Van-ban-chi-dao-dieu-hanh.aspx?ItemID={art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/portal/VanBan/{art.published.year}-{art.published.month:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/portal/Pages/rss.aspx"]

    def home_paths(self) -> list[str]:
        return ["/", "/portal/Pages/default.aspx", "/portal"]

    def article_date(self, t: dt.datetime) -> str:
        return f"Đăng ngày {t.day:02d} - {t.month:02d} - {t.year}"

    def list_date(self, t: dt.datetime) -> str:
        return f"({dmy(t)} {ampm_vi(t)})"

    def header(self, view: PortalView) -> str:
        return (
            '<div class="tandan-div-nav-top"><a href="/portal/Pages/sitemap.aspx">Sơ đồ cổng</a></div>'
            f'<div class="tandan-div-banner"><h1>{esc(view.portal.name.upper())}</h1></div>'
        )

    def menu(self, view: PortalView) -> str:
        lis = "".join(
            f"<li><a class=\"parent\" href='{attr(h)}'><span>{esc(t)}</span></a></li>" for h, t in self.menu_items(view)
        )
        return (f"<div class=\"tandan-div-nav\"><div id='ctl00_PlaceHolderGlobalNavigation_ctl00_ctl00' "
                f'class="tandan-nav-lop menu-lv1"><ul class="tandan-ul-nav left">{lis}</ul></div></div>')

    def home_lists(self, view: PortalView) -> str:
        out = []
        for section, label in (("cchc", CCHC_LABEL), ("news", NEWS_LABEL)):
            items = view.section_items(section)[:5]
            first = "".join(
                f'<div class="tandan-div-module-news-top"><p class="tandan-p-module-news-title">'
                f"<a href='{attr(a.url)}'>{esc(a.title)}</a><span class=\"ngay\"> ({dmy(a.published)})</span></p>"
                f'<p class="tandan-p-module-news-summary">{esc(a.summary)}</p></div>'
                for a in items[:1]
            )
            rest = "".join(
                f"<p class=\"tandan-p-module-news-second\"><a href='{attr(a.url)}'>{esc(a.title)}</a>"
                f'<span class="ngay"> ({dmy(a.published)})</span></p>'
                for a in items[1:]
            )
            out.append(
                f"<div class=\"TD-box-news\"><div class=\"TD-box-news-title\"><a href='{attr(self.listing_path(section))}'>{esc(label)}</a></div>"
                f'<div class="TD-box-news-main">{first}<div class="tandan-div-module-news-bottom">{rest}</div></div></div>'
            )
        return "".join(out)

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="channel-news-item"><p class="channel-news-title"><a href="{attr(a.url)}">{esc(a.title)}</a></p>'
            f'<span class="tandan-span-date-publish">{esc(self.article_date(a.published))}</span>'
            f'<p class="tandan-p-article-news-summary">{esc(a.summary)}</p></div>'
        )

    def pager(self, section: str, page: int, pages: int) -> str:
        links = []
        for n in range(1, pages + 1):
            links.append(f'<span class="CurrentPage">{n}</span>' if n == page
                         else f'<a href="{attr(self.listing_path(section, n))}">{n}</a>')
        return f'<div class="tandan-div-paging">{"".join(links)}</div>'

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        rows = lines or [f"Đang truy cập: {c.online}", f"Hôm nay: {fmt_int(c.today)}", f"Tất cả: {fmt_int(c.total)}"]
        lis = "".join(f"<li>{esc(x)}</li>" for x in rows)
        return f'<div class="block border has-icon"><div class="title">Thống kê truy cập</div><div class="body"><ul class="tandan-ul-thongke">{lis}</ul></div></div>'

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        font = f'<span class="tandan-font-size">{esc(seed.font_control)}</span>' if seed and seed.font_control else ""
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        return (
            self.seed_top(seed)
            + f'<div class="tandan-div-article"><p class="tandan-p-article-news-title">{esc(art.title)}</p>'
            f'<div class="tandan-div-article-info"><span class="tandan-span-date-publish">{esc(self.shown_date(art, seed))}</span>'
            f"{font}</div>"
            f'<p class="tandan-p-article-news-summary">{esc(art.summary) if seed is None else ""}</p>'
            f'<p class="tandan-p-article-main">&nbsp;</p>'
            f'<div id="ctl00_PlaceHolderMain_ctl03__ControlWrapper_RichHtmlField" class="ms-rtestate-field">'
            f"{body_html(art)}{attach}</div></div>"
            f'<div class="tandan-div-article-other">{self.others_block(view, art, seed, "Tin mới nhất")}</div>'
        )
