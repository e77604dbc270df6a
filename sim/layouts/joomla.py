"""Joomla! 3 with the Protostar template, as many district and commune sites were built.

SEF URLs with `index.php` (`/index.php/tin-tuc/cai-cach-hanh-chinh/123-slug`), the category blog
layout (`div.blog > div.items-leading / div.items-row`, "Xem thêm: <title>" read-more buttons), the
limitstart pager (`?start=4`, "Đầu / Trước / 1 2 / Tiếp / Cuối", "Trang 1 / 3"), sidebar modules in
`div#aside.span3` ("Tin mới nhất" = mod_articles_latest, "Bài đọc nhiều" = mod_articles_popular) and
the home page as the featured view ("Tin nổi bật").
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class Joomla(ThemeLayout):
    id = "joomla"
    popular_label = "Bài đọc nhiều"
    cat_paths: ClassVar[dict[str, str]] = {"cchc": "/index.php/tin-tuc/cai-cach-hanh-chinh", "news": "/index.php/tin-tuc/tin-dia-phuong"}

    def article_path(self, art: SimArticle) -> str:
        return f"{self.cat_paths[self.section_of(art)]}/{art.aid}-{art.slug}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = self.cat_paths[section]
        return base if page == 1 else f"{base}?start={(page - 1) * self.page_size}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {v: k for k, v in self.cat_paths.items()}.get(path)
        raw = (qs.get("start") or ["0"])[0]
        if section is None or not raw.isdigit() or int(raw) % self.page_size:
            return None
        return section, int(raw) // self.page_size + 1

    def home_paths(self) -> list[str]:
        return ["/", "/index.php"]

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/images/tailieu/{art.published.year}/{filename}"

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M}"

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = "".join(f'<li class="item-{101 + i}"><a href="{attr(h)}">{esc(t)}</a></li>'
                       for i, (h, t) in enumerate(self.menu_items(view)))
        latest = "".join(f'<li itemscope itemtype="https://schema.org/Article"><a href="{attr(a.url)}" itemprop="url">'
                         f'<span itemprop="name">{esc(a.title)}</span></a></li>' for a in self.latest(view))
        popular = "".join(f'<li itemscope itemtype="https://schema.org/Article"><a href="{attr(a.url)}" itemprop="url">'
                          f'<span itemprop="name">{esc(a.title)}</span></a></li>' for a in self.popular(view))
        c = view.counter
        footer = "".join(f"<p>{esc(x)}</p>" for x in self.footer_text(view))
        return (
            '<!DOCTYPE html>\n<html lang="vi-vn" dir="ltr"><head><meta charset="utf-8" />'
            '<meta name="generator" content="Joomla! - Open Source Content Management" />'
            f"<title>{esc(title)}</title></head>\n"
            '<body class="site com_content view-category layout-blog"><div class="body"><div class="container">'
            f'<header class="header" role="banner"><div class="header-inner clearfix"><a class="brand pull-left" href="/">'
            f'<span class="site-title" title="{attr(p.name)}">{esc(p.name.upper())}</span></a></div></header>'
            f'<nav class="navigation" role="navigation"><ul class="nav menu nav-pills mod-list">{menu}</ul></nav>\n'
            f'<div class="row-fluid"><main id="content" role="main" class="span9"><div id="system-message-container"></div>{main}</main>\n'
            f'<div id="aside" class="span3">{sidebar}'
            f'<div class="moduletable"><h3>{esc(self.latest_label)}</h3><ul class="latestnews mod-list">{latest}</ul></div>'
            f'<div class="moduletable"><h3>{esc(self.popular_label)}</h3><ul class="mostread mod-list">{popular}</ul></div>'
            f'<div class="moduletable"><h3>Thống kê truy cập</h3><div class="mod-counter">Đang online: {c.online}<br />'
            f"Hôm nay: {c.today}<br />Tổng truy cập: {c.total}</div></div></div></div></div></div>\n"
            f'<footer class="footer" role="contentinfo"><div class="container"><hr />{footer}'
            '<p class="pull-right"><a href="#top" id="back-top">Về đầu trang</a></p></div></footer></body></html>\n'
        )

    def blog_item(self, a: SimArticle) -> str:
        return (
            f'<div class="page-header"><h2 itemprop="name"><a href="{attr(a.url)}" itemprop="url">{esc(a.title)}</a></h2></div>'
            '<dl class="article-info muted"><dt class="article-info-term">Chi tiết</dt>'
            f'<dd class="published"><span class="icon-calendar" aria-hidden="true"></span><time datetime="{a.published.isoformat()}" '
            f'itemprop="datePublished">Ngày đăng: {dmy(a.published)}</time></dd>'
            f'<dd class="hits"><span class="icon-eye-open" aria-hidden="true"></span>Lượt xem: {self.hits(a)}</dd></dl>'
            f'<p>{esc(a.summary)}</p><p class="readmore"><a class="btn" href="{attr(a.url)}" itemprop="url">'
            f'<span class="icon-chevron-right" aria-hidden="true"></span>Xem thêm: {esc(a.title)}</a></p>'
        )

    def blog(self, items: list[SimArticle], heading: str, css: str) -> str:
        leading = "".join(f'<div class="leading-{i} clearfix" itemprop="blogPost" itemscope>{self.blog_item(a)}</div>'
                          for i, a in enumerate(items[:1]))
        rows = "".join(
            f'<div class="items-row cols-1 row-{i} row-fluid clearfix"><div class="span12"><div class="item column-1" '
            f'itemprop="blogPost" itemscope>{self.blog_item(a)}</div></div></div>'
            for i, a in enumerate(items[1:]))
        return (f'<div class="{css}" itemscope itemtype="https://schema.org/Blog"><div class="page-header"><h1>{esc(heading)}</h1></div>'
                f'<div class="items-leading clearfix">{leading}</div>{rows}')

    def home_main(self, view: PortalView) -> str:
        return self.blog(self.featured(view), "Tin nổi bật", "blog-featured") + "</div>"

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        def li(text: str, n: int, enabled: bool) -> str:
            if not enabled:
                return f'<li class="disabled"><a>{esc(text)}</a></li>'
            return f'<li><a title="{attr(text)}" href="{attr(self.listing_path(section, n))}" class="pagenav">{esc(text)}</a></li>'
        nums = "".join(f'<li class="active"><a>{n}</a></li>' if n == page else li(str(n), n, True) for n in range(1, pages + 1))
        pager = (
            f'<div class="pagination"><p class="counter pull-right">Trang {page} / {pages}</p><ul class="pagination-list">'
            + li("Đầu", 1, page > 1) + li("Trước", page - 1, page > 1) + nums
            + li("Tiếp", page + 1, page < pages) + li("Cuối", pages, page < pages) + "</ul></div>"
        )
        return self.blog(chunk, self.label_of(section), "blog") + pager + "</div>"

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        section = self.section_of(art)
        return (
            '<div class="item-page" itemscope itemtype="https://schema.org/Article">'
            f'<div class="page-header"><h2 itemprop="headline">{esc(art.title)}</h2></div>'
            f'<dl class="article-info muted"><dd class="category-name">Danh mục: <a href="{attr(self.listing_path(section))}" '
            f'itemprop="genre">{esc(self.label_of(section))}</a></dd><dd class="published"><time datetime="{art.published.isoformat()}" '
            f'itemprop="datePublished">Ngày đăng: {esc(self.article_date(art.published))}</time></dd>'
            f'<dd class="hits">Lượt xem: {self.hits(art)}</dd></dl>'
            f'<div itemprop="articleBody">{body_html(art)}{file_links(art)}</div></div>'
        )

