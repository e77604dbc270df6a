"""DotNetNuke (DNN) with a news module, as hue.gov.vn-style and Khánh Hòa sites were built.

Everything inside the one ASP.NET `<form>`; panes `#dnn_ContentPane` / `#dnn_RightPane`; module
containers titled by `span.Head` ("Tin mới nhất", "Tin xem nhiều"); news in a table; article URLs
after the evidence (`/vi-VN/1/3034/17/231/tintuc/<slug>.aspx`); the pager "Trang 1/3 Đầu Trước 1 2 3
Sau Cuối" with `?PageIndex=N`; files under `/Portals/0/`.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class DNN(ThemeLayout):
    id = "dnn"
    has_register = True
    page_size = 5
    tab_ids: ClassVar[dict[str, int]] = {"cchc": 231, "news": 230}
    cat_paths: ClassVar[dict[str, str]] = {"cchc": "/vi-VN/tin-tuc/cai-cach-hanh-chinh.aspx", "news": "/vi-VN/tin-tuc/tin-tong-hop.aspx"}

    def article_path(self, art: SimArticle) -> str:
        return f"/vi-VN/1/{art.aid}/17/{self.tab_ids[self.section_of(art)]}/tintuc/{art.slug}.aspx"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = self.cat_paths[section]
        return base if page == 1 else f"{base}?PageIndex={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {v.lower(): k for k, v in self.cat_paths.items()}.get(path.lower())
        raw = (qs.get("PageIndex") or ["1"])[0]
        return (section, int(raw)) if section and raw.isdigit() and int(raw) >= 1 else None

    def register_path(self, page: int = 1) -> str | None:
        return "/vi-VN/van-ban.aspx" if page == 1 else f"/vi-VN/van-ban.aspx?PageIndex={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        if path.lower() != "/vi-vn/van-ban.aspx":
            return None
        raw = (qs.get("PageIndex") or ["1"])[0]
        return int(raw) if raw.isdigit() and int(raw) >= 1 else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/vi-VN/van-ban/chi-tiet.aspx?ItemID={art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/Portals/0/Uploads/VanBan/{art.published.year}/{filename}"

    def home_paths(self) -> list[str]:
        return ["/", "/Default.aspx", "/vi-VN/trang-chu.aspx"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M}"

    def module(self, mid: int, title: str, body: str, heading: str = "h2") -> str:
        return (
            f'<div class="DnnModule DnnModule-NewsArticles DnnModule-{mid}"><a name="{mid}"></a>'
            f'<div class="c_head"><{heading} class="c_title"><span id="dnn_ctr{mid}_dnnTITLE_titleLabel" class="Head">{esc(title)}</span></{heading}></div>'
            f'<div id="dnn_ctr{mid}_ContentPane" class="c_content">{body}</div></div>'
        )

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = "".join(f'<li class="item"><a href="{attr(h)}"><div><span>{esc(t)}</span></div></a></li>' for h, t in self.menu_items(view))
        latest = "".join(f'<tr><td><a href="{attr(a.url)}" class="SubHead">{esc(a.title)}</a></td></tr>' for a in self.latest(view))
        popular = "".join(f'<tr><td><a href="{attr(a.url)}" class="SubHead">{esc(a.title)}</a></td></tr>' for a in self.popular(view))
        c = view.counter
        footer = "<br />".join(esc(x) for x in self.footer_text(view))
        return (
            '<!DOCTYPE html>\n<html lang="vi-VN"><head id="Head"><meta content="text/html; charset=UTF-8" http-equiv="Content-Type" />'
            f'<title>{esc(title)}</title><meta id="MetaGenerator" name="GENERATOR" content="DotNetNuke " /></head>\n'
            '<body id="Body"><form method="post" action="/Default.aspx" id="Form" enctype="multipart/form-data">'
            '<div class="aspNetHidden"><input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDwUKMTY1NDU2MTA1Mg9kFgJmD2QWAgIBD2QWAg==" /></div>'
            f'<div id="dnn_wrapper"><div id="dnn_Banner"><a id="dnn_dnnLOGO_hypLogo" title="{attr(p.name)}" href="/">'
            f'<img id="dnn_dnnLOGO_imgLogo" src="/Portals/0/Logo.png" alt="{attr(p.name)}" /></a><div class="banner-text">{esc(p.name.upper())}</div></div>\n'
            f'<div id="dnn_Menu"><ul class="topLevel">{menu}</ul></div>\n'
            f'<div id="dnn_ContentPane" class="contentPane">{main}</div>\n'
            f'<div id="dnn_RightPane" class="rightPane">{sidebar}'
            + self.module(1480, self.latest_label, f'<table class="tblNewsOther">{latest}</table>')
            + self.module(1481, self.popular_label, f'<table class="tblNewsOther">{popular}</table>')
            + self.module(1490, "Thống kê truy cập", f'<div class="counter">Đang online: {c.online}<br />Hôm nay: {c.today}<br />Tổng số: {c.total}</div>')
            + f'</div>\n<div id="dnn_FooterPane" class="footerPane">{footer}</div></div></form></body></html>\n'
        )

    def news_table(self, items: list[SimArticle]) -> str:
        rows = "".join(
            f'<tr><td class="news-item"><a class="news-title" href="{attr(a.url)}">{esc(a.title)}</a> '
            f'<span class="news-date">({dmy(a.published)})</span><div class="news-summary">{esc(a.summary)}</div></td></tr>'
            for a in items)
        return f'<table class="tblNews" cellpadding="0" cellspacing="0">{rows}</table>'

    def home_main(self, view: PortalView) -> str:
        return (self.module(1470, "Tin nổi bật", self.news_table(self.featured(view)))
                + self.module(1471, "Tin tức - Sự kiện", self.news_table(self.latest(view))))

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        def cmd(text: str, n: int, enabled: bool) -> str:
            if not enabled:
                return f'<span class="CommandButton disabled">{esc(text)}</span>'
            return f'<a class="CommandButton" href="{attr(self.listing_path(section, n))}">{esc(text)}</a>'
        nums = " ".join(f"<span>{n}</span>" if n == page else f'<a class="CommandButton" href="{attr(self.listing_path(section, n))}">{n}</a>'
                        for n in range(1, pages + 1))
        pager = (f'<div class="PagingTable"><span class="NormalBold">Trang {page}/{pages}</span> '
                 f'{cmd("Đầu", 1, page > 1)} {cmd("Trước", page - 1, page > 1)} {nums} '
                 f'{cmd("Sau", page + 1, page < pages)} {cmd("Cuối", pages, page < pages)}</div>')
        return self.module(1475, self.label_of(section), f'<div class="news-list">{self.news_table(chunk)}{pager}</div>', "h1")

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        others = "".join(f'<li><a href="{attr(o.url)}">{esc(o.title)}</a> ({dmy(o.published)})</li>' for o in view.others(art))
        body = (
            f'<div class="news-detail"><h1 class="news-detail-title">{esc(art.title)}</h1>'
            f'<div class="news-detail-date">Cập nhật: {esc(self.article_date(art.published))}</div>'
            f'<div class="news-detail-content">{body_html(art)}{file_links(art)}</div>'
            f'<div class="news-other"><div class="news-other-title">Các tin khác</div><ul>{others}</ul></div></div>'
        )
        return self.module(1476, self.label_of(self.section_of(art)), body)


__all__ = ["DNN"]
