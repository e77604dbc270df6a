"""A small SharePoint 2010 publishing site (not the Tân Dân or `/Trang/` products): every page,
category or article, is `/Pages/<slug>.aspx`, so a URL never says which is which.

Categories are Content Query Web Parts (`ul.dfwp-list > li.dfwp-item`) paged by a custom control
with page numbers only (`?Page=2`); the right zone holds a "Tin mới" web part; the top navigation
is the SharePoint `menu-horizontal` list. No HTML5 chrome elements.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class SharePointPages(ThemeLayout):
    id = "sharepoint-pages"
    latest_label = "Tin mới"
    cat_pages: ClassVar[dict[str, str]] = {"cchc": "/Pages/cai-cach-hanh-chinh.aspx", "news": "/Pages/tin-tuc.aspx"}

    def article_path(self, art: SimArticle) -> str:
        return f"/Pages/{art.slug}.aspx"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = self.cat_pages[section]
        return base if page == 1 else f"{base}?Page={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {v.lower(): k for k, v in self.cat_pages.items()}.get(path.lower())
        raw = (qs.get("Page") or ["1"])[0]
        return (section, int(raw)) if section and raw.isdigit() and int(raw) >= 1 else None

    def home_paths(self) -> list[str]:
        return ["/", "/Pages/default.aspx"]

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/Documents/{filename}"

    def article_date(self, t: dt.datetime) -> str:
        return dmy(t)

    def webpart(self, title: str, inner: str) -> str:
        return (f'<div class="ms-webpart-zone"><div class="ms-WPHeader"><h3 class="ms-standardheader ms-WPTitle"><span>{esc(title)}</span></h3></div>'
                f'<div class="ms-WPBody">{inner}</div></div>')

    def cqwp(self, items: list[SimArticle], with_dates: bool = True) -> str:
        lis = "".join(
            f'<li class="dfwp-item"><div class="item link-item"><a href="{attr(a.url)}" title="">{esc(a.title)}</a>'
            + (f'<div class="description">{dmy(a.published)} - {esc(a.summary)}</div>' if with_dates else "")
            + "</div></li>" for a in items)
        return f'<div class="cbq-layout-main"><ul class="dfwp-column dfwp-list" style="width:100%">{lis}</ul></div>'

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = "".join(
            f'<li class="static"><a class="static menu-item" href="{attr("/Pages/default.aspx" if h == "/" else h)}">'
            f'<span class="additional-background"><span class="menu-item-text">{esc(t)}</span></span></a></li>'
            for h, t in self.menu_items(view))
        c = view.counter
        footer = "".join(f"<div>{esc(x)}</div>" for x in self.footer_text(view))
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
            '<html dir="ltr" lang="vi-VN"><head><meta name="GENERATOR" content="Microsoft SharePoint" />'
            f'<meta http-equiv="Content-type" content="text/html; charset=utf-8" /><title>{esc(title)}</title></head>\n'
            '<body scroll="no" onload="javascript:_spBodyOnLoadWrapper();"><form method="post" action="/Pages/default.aspx" id="aspnetForm">'
            f'<div id="s4-workspace"><div id="s4-bodyContainer"><div id="s4-titlerow"><div class="s4-title"><h1><a href="/Pages/default.aspx">'
            f'{esc(p.name.upper())}</a></h1></div></div>'
            f'<div class="s4-notdlg"><div id="zz1_TopNavigationMenuV4" class="s4-tn"><div class="menu horizontal menu-horizontal">'
            f'<ul class="root static">{menu}</ul></div></div></div>\n'
            f'<div id="s4-mainarea"><div id="MSO_ContentTable"><table width="100%" cellpadding="0" cellspacing="0"><tr>'
            f'<td class="ms-bodyareaframe" valign="top">{main}</td>\n<td class="right-zone" width="260" valign="top">{sidebar}'
            + self.webpart(self.latest_label, self.cqwp(self.latest(view), with_dates=False))
            + self.webpart("Thống kê truy cập", f"<div>Đang truy cập: {c.online}</div><div>Hôm nay: {c.today}</div><div>Tổng: {c.total}</div>")
            + f'</td></tr></table></div></div>\n<div class="footer">{footer}</div></div></div></form></body></html>\n'
        )

    def home_main(self, view: PortalView) -> str:
        return (self.webpart("Tin nổi bật", self.cqwp(self.featured(view)))
                + self.webpart("Tin tức - Sự kiện", self.cqwp(self.latest(view))))

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        nums = " ".join(f'<span class="current">{n}</span>' if n == page else f'<a href="?Page={n}">{n}</a>' for n in range(1, pages + 1))
        return self.webpart(self.label_of(section), self.cqwp(chunk) + f'<div class="paging">Trang: {nums}</div>')

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        others = self.cqwp(view.others(art), with_dates=False)
        return (
            f'<div class="article"><h2 class="ms-rteElement-H2">{esc(art.title)}</h2><div class="article-date">Ngày đăng: '
            f'{esc(self.article_date(art.published))}</div><div class="ms-rtestate-field">{body_html(art)}{file_links(art)}</div></div>'
            + self.webpart("Tin khác", others)
        )
