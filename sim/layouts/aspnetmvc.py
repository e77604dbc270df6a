"""A custom ASP.NET MVC portal on Bootstrap 3, as many provincial contractors build them.

Routes `/chuyen-muc/<slug>?page=N` and `/<slug>-<id>.html`; Bootstrap `media` items; a pager of
numbers with "‹" and "›" (no `rel`); `panel` boxes in the right column ("Tin đọc nhiều", "Tin
mới") whose links sit straight in a `list-group`; a "Tin nổi bật" carousel on the home page; a
document register `/van-ban?page=N`. No HTML5 chrome elements.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class AspNetMvc(ThemeLayout):
    id = "aspnetmvc"
    has_register = True
    latest_label = "Tin mới"
    popular_label = "Tin đọc nhiều"
    cat_slugs: ClassVar[dict[str, str]] = {"cchc": "cai-cach-hanh-chinh", "news": "tin-tuc-su-kien"}

    def article_path(self, art: SimArticle) -> str:
        return f"/{art.slug}-{art.aid}.html"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/chuyen-muc/{self.cat_slugs[section]}"
        return base if page == 1 else f"{base}?page={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {f"/chuyen-muc/{v}": k for k, v in self.cat_slugs.items()}.get(path.rstrip("/"))
        raw = (qs.get("page") or ["1"])[0]
        return (section, int(raw)) if section and raw.isdigit() and int(raw) >= 1 else None

    def register_path(self, page: int = 1) -> str | None:
        return "/van-ban" if page == 1 else f"/van-ban?page={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        if path.rstrip("/") != "/van-ban":
            return None
        raw = (qs.get("page") or ["1"])[0]
        return int(raw) if raw.isdigit() and int(raw) >= 1 else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/van-ban/chi-tiet/{art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/Uploads/VanBan/{art.published.year}/{filename}"

    def home_paths(self) -> list[str]:
        return ["/", "/Home/Index"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M}"

    def panel(self, title: str, items: list[SimArticle]) -> str:
        links = "".join(f'<a class="list-group-item" href="{attr(a.url)}">{esc(a.title)}</a>' for a in items)
        return (f'<div class="panel panel-default"><div class="panel-heading"><h3 class="panel-title">{esc(title)}</h3></div>'
                f'<div class="list-group">{links}</div></div>')

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = "".join(f'<li><a href="{attr(h)}">{esc(t)}</a></li>' for h, t in self.menu_items(view))
        c = view.counter
        footer = "".join(f"<p>{esc(x)}</p>" for x in self.footer_text(view))
        return (
            '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1.0" />'
            f'<title>{esc(title)}</title><link href="/Content/bootstrap.min.css" rel="stylesheet" /></head>\n'
            f'<body><div class="top-header"><div class="container"><a href="/"><img src="/Content/images/logo.png" alt="{attr(p.name)}" /></a>'
            f'<span class="site-name">{esc(p.name.upper())}</span></div></div>'
            f'<div class="navbar navbar-default"><div class="container"><ul class="nav navbar-nav">{menu}</ul></div></div>\n'
            f'<div class="container body-content"><div class="row"><div class="col-md-8">{main}</div>\n'
            f'<div class="col-md-4">{sidebar}{self.panel(self.latest_label, self.latest(view))}{self.panel(self.popular_label, self.popular(view))}'
            f'<div class="panel panel-default"><div class="panel-heading"><h3 class="panel-title">Thống kê truy cập</h3></div>'
            f'<div class="panel-body">Đang truy cập: {c.online}<br />Hôm nay: {c.today}<br />Tổng lượt truy cập: {c.total}</div></div></div></div></div>\n'
            f'<div class="footer"><div class="container">{footer}</div></div>'
            '<script src="/Scripts/jquery-3.4.1.min.js"></script><script src="/Scripts/bootstrap.min.js"></script></body></html>\n'
        )

    def media(self, items: list[SimArticle]) -> str:
        return "".join(
            f'<div class="media news-item"><a class="pull-left" href="{attr(a.url)}"><img class="media-object" src="/Uploads/images/{a.aid}.jpg" '
            f'alt="{attr(a.title)}" /></a><div class="media-body"><h4 class="media-heading"><a href="{attr(a.url)}">{esc(a.title)}</a></h4>'
            f'<p class="date"><i class="fa fa-calendar"></i> {dmy(a.published)} {a.published:%H:%M}</p><p>{esc(a.summary)}</p></div></div>'
            for a in items)

    def home_main(self, view: PortalView) -> str:
        slides = "".join(
            f'<div class="item{" active" if i == 0 else ""}"><img src="/Uploads/images/{a.aid}.jpg" alt="" />'
            f'<div class="carousel-caption"><h3><a href="{attr(a.url)}">{esc(a.title)}</a></h3></div></div>'
            for i, a in enumerate(self.featured(view)))
        return (f'<div class="box-noibat"><h2 class="box-title">Tin nổi bật</h2><div id="carousel-tin-noi-bat" class="carousel slide" '
                f'data-ride="carousel"><div class="carousel-inner">{slides}</div></div></div>'
                f'<div class="box-news"><h2 class="box-title">Tin tức - Sự kiện</h2>{self.media(self.latest(view))}</div>')

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        lis = ['<li class="disabled"><span>‹</span></li>' if page == 1 else
               f'<li><a href="{attr(self.listing_path(section, page - 1))}">‹</a></li>']
        for n in range(1, pages + 1):
            lis.append(f'<li class="active"><span>{n}</span></li>' if n == page else
                       f'<li><a href="{attr(self.listing_path(section, n))}">{n}</a></li>')
        lis.append('<li class="disabled"><span>›</span></li>' if page == pages else
                   f'<li><a href="{attr(self.listing_path(section, page + 1))}">›</a></li>')
        return (f'<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li class="active">{esc(self.label_of(section))}</li></ol>'
                f'<h2 class="page-title">{esc(self.label_of(section))}</h2>{self.media(chunk)}'
                f'<div class="pagination-container"><ul class="pagination">{"".join(lis)}</ul></div>')

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        section = self.section_of(art)
        others = "".join(f'<li><a href="{attr(o.url)}">{esc(o.title)}</a> <span class="date">({dmy(o.published)})</span></li>'
                         for o in view.others(art))
        return (
            f'<ol class="breadcrumb"><li><a href="/">Trang chủ</a></li><li><a href="{attr(self.listing_path(section))}">'
            f'{esc(self.label_of(section))}</a></li></ol>'
            f'<div class="news-detail"><h1 class="title">{esc(art.title)}</h1><p class="date"><i class="fa fa-clock-o"></i> '
            f'{esc(self.article_date(art.published))}</p><div class="content">{body_html(art)}{file_links(art)}</div>'
            '<div class="share"><a href="javascript:window.print()">In bài viết</a></div></div>'
            f'<div class="other-news"><h3>Tin khác</h3><ul>{others}</ul></div>'
        )
