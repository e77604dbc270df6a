"""Drupal 7 with a Bartik-like theme: `/node/123` articles, a Views listing at a path alias.

Views rows (`div.view-content > div.views-row`), the core pager, 0-based (`?page=1` is the second
page; "« đầu tiên", "‹ trước", numbers, "tiếp theo ›", "cuối cùng »"), blocks in
`div.region-sidebar-second` titled by `<h2>` ("Tin xem nhiều", "Tin mới"), no HTML5 chrome
elements, a "Tin nổi bật" view of promoted nodes on the front page.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc, weekday_vi
from sim.view import PortalView


class Drupal(ThemeLayout):
    id = "drupal"
    latest_label = "Tin mới"
    cat_paths: ClassVar[dict[str, str]] = {"cchc": "/cai-cach-hanh-chinh", "news": "/tin-tuc-su-kien"}

    def article_path(self, art: SimArticle) -> str:
        return f"/node/{art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = self.cat_paths[section]
        return base if page == 1 else f"{base}?page={page - 1}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {v: k for k, v in self.cat_paths.items()}.get(path.rstrip("/"))
        raw = (qs.get("page") or ["0"])[0]
        return (section, int(raw) + 1) if section and raw.isdigit() else None

    def home_paths(self) -> list[str]:
        return ["/", "/node"]

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/sites/default/files/{art.published.year}-{art.published.month:02d}/{filename}"

    def article_date(self, t: dt.datetime) -> str:
        return f"{weekday_vi(t)}, {dmy(t)} - {t:%H:%M}"

    def block(self, bid: str, title: str, items: list[SimArticle]) -> str:
        lis = "".join(f'<li class="views-row"><span class="views-field views-field-title"><span class="field-content">'
                      f'<a href="{attr(a.url)}">{esc(a.title)}</a></span></span></li>' for a in items)
        return (f'<div id="block-views-{bid}" class="block block-views"><h2>{esc(title)}</h2><div class="content">'
                f'<div class="view"><div class="view-content"><div class="item-list"><ul>{lis}</ul></div></div></div></div></div>')

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = "".join(f'<li class="menu-{218 + i}{" first" if i == 0 else ""}"><a href="{attr(h)}">{esc(t)}</a></li>'
                       for i, (h, t) in enumerate(self.menu_items(view)))
        c = view.counter
        footer = "".join(f"<p>{esc(x)}</p>" for x in self.footer_text(view))
        return (
            '<!DOCTYPE html>\n<html lang="vi" dir="ltr"><head><meta charset="utf-8" />'
            f'<meta name="Generator" content="Drupal 7 (http://drupal.org)" /><title>{esc(title)} | {esc(p.name)}</title></head>\n'
            '<body class="html not-logged-in one-sidebar sidebar-second"><div id="page-wrapper"><div id="page">'
            '<div id="header"><div class="section clearfix"><a href="/" title="Trang chủ" rel="home" id="logo"><img src="/sites/default/files/logo.png" alt="Trang chủ" /></a>'
            f'<div id="name-and-slogan"><div id="site-name"><strong><a href="/" title="Trang chủ" rel="home"><span>{esc(p.name.upper())}</span></a></strong></div></div>'
            f'<div id="main-menu" class="navigation"><h2 class="element-invisible">Menu chính</h2><ul id="main-menu-links" class="links clearfix">{menu}</ul></div></div></div>\n'
            f'<div id="main-wrapper" class="clearfix"><div id="main" class="clearfix">{main}\n'
            f'<div id="sidebar-second" class="column sidebar"><div class="section"><div class="region region-sidebar-second">{sidebar}'
            + self.block("tin-moi-block", self.latest_label, self.latest(view))
            + self.block("tin-xem-nhieu-block", self.popular_label, self.popular(view))
            + f'<div id="block-counter" class="block"><h2>Thống kê truy cập</h2><div class="content">Đang truy cập: {c.online}<br />'
            f"Hôm nay: {c.today}<br />Tổng: {c.total}</div></div></div></div></div></div></div>\n"
            f'<div id="footer-wrapper"><div class="section"><div id="footer" class="clearfix"><div class="region region-footer">{footer}</div></div></div></div>'
            "</div></div></body></html>\n"
        )

    def content(self, heading: str, inner: str, crumb: str = "") -> str:
        bc = (f'<div id="breadcrumb"><h2 class="element-invisible">Bạn đang ở đây</h2><div class="breadcrumb">'
              f'<a href="/">Trang chủ</a> » {esc(crumb)}</div></div>') if crumb else ""
        return (f'{bc}<div id="content" class="column"><div class="section"><h1 class="title" id="page-title">{esc(heading)}</h1>'
                f'<div class="region region-content"><div id="block-system-main" class="block block-system"><div class="content">'
                f"{inner}</div></div></div></div></div>")

    def rows(self, items: list[SimArticle]) -> str:
        n = len(items)
        return "".join(
            f'<div class="views-row views-row-{i + 1} views-row-{"odd" if i % 2 == 0 else "even"}'
            f'{" views-row-first" if i == 0 else ""}{" views-row-last" if i == n - 1 else ""}">'
            f'<div class="views-field views-field-title"><span class="field-content"><a href="{attr(a.url)}">{esc(a.title)}</a></span></div>'
            f'<div class="views-field views-field-created"><span class="field-content">{dmy(a.published)} - {a.published:%H:%M}</span></div>'
            f'<div class="views-field views-field-body"><div class="field-content">{esc(a.summary)}</div></div></div>'
            for i, a in enumerate(items))

    def home_main(self, view: PortalView) -> str:
        inner = (f'<div class="view view-frontpage"><div class="view-header"><h2>Tin nổi bật</h2></div>'
                 f'<div class="view-content">{self.rows(self.featured(view))}</div></div>'
                 f'<div class="view view-tin-tuc"><div class="view-header"><h2>Tin tức</h2></div>'
                 f'<div class="view-content">{self.rows(self.latest(view))}</div></div>')
        return self.content("Trang chủ", inner)

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        label = self.label_of(section)
        lis = []
        if page > 1:
            lis.append(f'<li class="pager-first first"><a title="Đến trang đầu tiên" href="{attr(self.listing_path(section))}">« đầu tiên</a></li>')
            lis.append(f'<li class="pager-previous"><a title="Đến trang trước" href="{attr(self.listing_path(section, page - 1))}">‹ trước</a></li>')
        for n in range(1, pages + 1):
            lis.append(f'<li class="pager-current">{n}</li>' if n == page else
                       f'<li class="pager-item"><a title="Đến trang {n}" href="{attr(self.listing_path(section, n))}">{n}</a></li>')
        if page < pages:
            lis.append(f'<li class="pager-next"><a title="Đến trang tiếp theo" href="{attr(self.listing_path(section, page + 1))}">tiếp theo ›</a></li>')
            lis.append(f'<li class="pager-last last"><a title="Đến trang cuối cùng" href="{attr(self.listing_path(section, pages))}">cuối cùng »</a></li>')
        pager = f'<h2 class="element-invisible">Các trang</h2><div class="item-list"><ul class="pager">{"".join(lis)}</ul></div>' if pages > 1 else ""
        inner = (f'<div class="view view-chuyen-muc view-id-chuyen_muc view-display-id-page">'
                 f'<div class="view-content">{self.rows(chunk)}</div>{pager}</div>')
        return self.content(label, inner, label)

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        section = self.section_of(art)
        files = file_links(art)
        inner = (
            f'<div id="node-{art.aid}" class="node node-article node-promoted clearfix">'
            f'<div class="meta submitted"><span property="dc:date dc:created" content="{art.published.isoformat()}">'
            f"Gửi bởi Quản trị viên vào {esc(self.article_date(art.published))}</span></div>"
            f'<div class="content clearfix"><div class="field field-name-body"><div class="field-items"><div class="field-item even" '
            f'property="content:encoded">{body_html(art)}</div></div></div>{files}'
            f'<div class="field field-name-field-tags"><div class="field-label">Chuyên mục:&nbsp;</div><div class="field-items">'
            f'<div class="field-item even"><a href="{attr(self.listing_path(section))}">{esc(self.label_of(section))}</a></div></div></div></div></div>'
        )
        return self.content(art.title, inner, self.label_of(section))
