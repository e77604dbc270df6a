"""WordPress with a Twenty-style theme, as small commune sites run it.

Markup after the default themes (`#masthead`, `nav.main-navigation`, `article.post > h2.entry-title`,
`nav.pagination` with "Trang sau »", `aside#secondary` widgets "Bài viết mới", "Chuyên mục"). Two
permalink settings: a custom structure (`/%category%/%postname%.html`, categories under
`/chuyen-muc/<slug>/page/N/`, feed `/feed/`) and the plain default (`/?p=123`, `/?cat=5&paged=2`).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class WordPress(ThemeLayout):
    id = "wordpress"
    has_rss = True
    latest_label = "Bài viết mới"
    cat_slugs: ClassVar[dict[str, str]] = {"cchc": "cai-cach-hanh-chinh", "news": "tin-tuc"}

    def article_path(self, art: SimArticle) -> str:
        return f"/{self.cat_slugs[self.section_of(art)]}/{art.slug}.html"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/chuyen-muc/{self.cat_slugs[section]}/"
        return base if page == 1 else f"{base}page/{page}/"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        m = re.fullmatch(r"/chuyen-muc/([a-z-]+)/(?:page/(\d+)/)?", path)
        if not m:
            return None
        section = {v: k for k, v in self.cat_slugs.items()}.get(m.group(1))
        page = int(m.group(2) or 1)
        return (section, page) if section and page >= 1 else None

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/wp-content/uploads/{art.published.year}/{art.published.month:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/feed/"]

    def article_date(self, t: dt.datetime) -> str:
        return dmy(t)

    # ---- chrome -----------------------------------------------------------------------------
    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        feeds = "".join(
            f'<link rel="alternate" type="application/rss+xml" title="{attr(p.name)} &raquo; Dòng thông tin" '
            f'href="{attr(p.origin + f)}" />' for f in self.feed_paths())
        menu = "".join(f'<li class="menu-item"><a href="{attr(h)}">{esc(t)}</a></li>' for h, t in self.menu_items(view))
        cats = "".join(
            f'<li class="cat-item"><a href="{attr(self.listing_path(s))}">{esc(self.label_of(s))}</a></li>'
            for s in ("cchc", "news"))
        recent = "".join(
            f'<li><a href="{attr(a.url)}">{esc(a.title)}</a> <span class="post-date">{dmy(a.published)}</span></li>'
            for a in self.latest(view))
        c = view.counter
        footer = "".join(f"<p>{esc(x)}</p>" for x in self.footer_text(view))
        return (
            f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="UTF-8" /><title>{esc(title)}</title>{feeds}'
            '<meta name="generator" content="WordPress 6.4.3" /></head>\n'
            f'<body class="wp-singular"><div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Chuyển đến nội dung</a>'
            f'<header id="masthead" class="site-header"><div class="site-branding"><p class="site-title"><a href="/" rel="home">{esc(p.name.upper())}</a></p>'
            '<p class="site-description">Trang thông tin điện tử</p></div>'
            f'<nav id="site-navigation" class="main-navigation"><ul id="primary-menu" class="menu">{menu}</ul></nav></header>\n'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">{main}</main></div>\n'
            f'<aside id="secondary" class="widget-area">{sidebar}'
            f'<section class="widget widget_recent_entries"><h2 class="widget-title">{esc(self.latest_label)}</h2><ul>{recent}</ul></section>'
            f'<section class="widget widget_categories"><h2 class="widget-title">Chuyên mục</h2><ul>{cats}</ul></section>'
            f'<section class="widget widget_counter"><h2 class="widget-title">Thống kê truy cập</h2><ul><li>Đang truy cập: {c.online}</li>'
            f"<li>Hôm nay: {c.today}</li><li>Tổng lượt truy cập: {c.total}</li></ul></section></aside></div>\n"
            f'<footer id="colophon" class="site-footer"><div class="site-info">{footer}</div></footer></div></body></html>\n'
        )

    def entry(self, a: SimArticle, heading: str = "h2") -> str:
        return (
            f'<article id="post-{a.aid}" class="post-{a.aid} post type-post status-publish format-standard hentry">'
            f'<header class="entry-header"><{heading} class="entry-title"><a href="{attr(a.url)}" rel="bookmark">{esc(a.title)}</a></{heading}>'
            f'<div class="entry-meta"><span class="posted-on"><a href="{attr(a.url)}" rel="bookmark"><time class="entry-date published" '
            f'datetime="{a.published.isoformat()}">{dmy(a.published)}</time></a></span></div></header>'
            f'<div class="entry-summary"><p>{esc(a.summary)}</p></div>'
            f'<footer class="entry-footer"><span class="cat-links"><a href="{attr(self.listing_path(self.section_of(a)))}" rel="category tag">'
            f"{esc(self.label_of(self.section_of(a)))}</a></span></footer></article>"
        )

    def home_main(self, view: PortalView) -> str:
        featured = "".join(self.entry(a, "h3") for a in self.featured(view))
        return (
            f'<section class="featured-posts"><h2 class="section-title">Tin nổi bật</h2>{featured}</section>'
            + "".join(self.entry(a) for a in self.latest(view))
        )

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        links = []
        if page > 1:
            links.append(f'<a class="prev page-numbers" href="{attr(self.listing_path(section, page - 1))}">« Trang trước</a>')
        for n in range(1, pages + 1):
            links.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                         else f'<a class="page-numbers" href="{attr(self.listing_path(section, n))}">{n}</a>')
        if page < pages:
            links.append(f'<a class="next page-numbers" href="{attr(self.listing_path(section, page + 1))}">Trang sau »</a>')
        return (
            f'<header class="page-header"><h1 class="page-title">Chuyên mục: <span>{esc(self.label_of(section))}</span></h1></header>'
            + "".join(self.entry(a) for a in chunk)
            + '<nav class="navigation pagination" aria-label="Phân trang bài viết"><h2 class="screen-reader-text">Phân trang bài viết</h2>'
            f'<div class="nav-links">{"".join(links)}</div></nav>'
        )

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        section = self.section_of(art)
        related = "".join(f'<li><a href="{attr(o.url)}">{esc(o.title)}</a></li>' for o in view.others(art, 3))
        return (
            f'<article id="post-{art.aid}" class="post-{art.aid} post type-post status-publish hentry">'
            f'<header class="entry-header"><h1 class="entry-title">{esc(art.title)}</h1><div class="entry-meta">'
            f'<span class="posted-on">Đăng ngày <time class="entry-date published" datetime="{art.published.isoformat()}">'
            f'{esc(self.article_date(art.published))}</time></span><span class="byline"> bởi <span class="author vcard">'
            '<a class="url fn n" href="/author/admin/">Quản trị viên</a></span></span></div></header>'
            f'<div class="entry-content">{body_html(art)}{file_links(art)}</div>'
            f'<footer class="entry-footer"><span class="cat-links">Chuyên mục: <a href="{attr(self.listing_path(section))}" rel="category tag">'
            f"{esc(self.label_of(section))}</a></span></footer></article>"
            f'<div class="related-posts"><h3>Bài viết liên quan</h3><ul>{related}</ul></div>'
        )


class WordPressPlain(WordPress):
    """The same theme with WordPress's default "plain" permalinks: `/?p=123`, `/?cat=5&paged=2`."""

    id = "wordpress-plain"
    has_rss = False
    cat_ids: ClassVar[dict[str, int]] = {"cchc": 5, "news": 1}

    def article_path(self, art: SimArticle) -> str:
        return f"/?p={art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/?cat={self.cat_ids[section]}"
        return base if page == 1 else f"{base}&paged={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        if path != "/" or "cat" not in qs:
            return None
        section = {str(v): k for k, v in self.cat_ids.items()}.get(qs["cat"][0])
        raw = (qs.get("paged") or ["1"])[0]
        page = int(raw) if raw.isdigit() else 0
        return (section, page) if section and page >= 1 else None

    def feed_paths(self) -> list[str]:
        return []
