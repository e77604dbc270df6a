"""A custom PHP portal laid out in tables, after sovhttdl.backan.gov.vn in the evidence
(`index.php?com=danhmuc_tin&id_category=10`, `?com=thongbao_ct&id_tb=46`).

One 1000-pixel table: banner row, a menu row of links separated by " | ", a left column of boxes
("DANH MỤC", "TIN XEM NHIỀU") whose titles are table cells, the content cell, a right column with the
widget and the counter, a footer row. Listing pages `&page=N` with "[1] 2 3 Trang sau"; the
register `?com=vanban&page=N`.
"""
from __future__ import annotations

import datetime as dt
from typing import ClassVar

from sim.families import body_html, file_links
from sim.layouts.base import CCHC_LABEL, NEWS_LABEL, ThemeLayout
from sim.model import SimArticle
from sim.textfmt import attr, dmy, esc
from sim.view import PortalView


class TablePHP(ThemeLayout):
    id = "tablephp"
    has_register = True
    page_size = 5
    cat_ids: ClassVar[dict[str, int]] = {"cchc": 10, "news": 3}

    def article_path(self, art: SimArticle) -> str:
        return f"/index.php?com=tin_ct&id_category={self.cat_ids[self.section_of(art)]}&id_tin={art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/index.php?com=danhmuc_tin&id_category={self.cat_ids[section]}"
        return base if page == 1 else f"{base}&page={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        if path != "/index.php" or (qs.get("com") or [""])[0] != "danhmuc_tin":
            return None
        section = {str(v): k for k, v in self.cat_ids.items()}.get((qs.get("id_category") or [""])[0])
        raw = (qs.get("page") or ["1"])[0]
        return (section, int(raw)) if section and raw.isdigit() and int(raw) >= 1 else None

    def register_path(self, page: int = 1) -> str | None:
        return "/index.php?com=vanban" if page == 1 else f"/index.php?com=vanban&page={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        if path != "/index.php" or (qs.get("com") or [""])[0] != "vanban":
            return None
        raw = (qs.get("page") or ["1"])[0]
        return int(raw) if raw.isdigit() and int(raw) >= 1 else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/index.php?com=vanban_ct&id_vb={art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/upload/vanban/{filename}"

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def menu_items(self, view: PortalView) -> list[tuple[str, str]]:
        items = [("/", "Trang chủ"), ("/index.php?com=gioithieu", "Giới thiệu"), (self.listing_path("news"), NEWS_LABEL),
                 (self.listing_path("cchc"), CCHC_LABEL)]
        if view.portal.has_register:
            items.append((self.register_path() or "", "Văn bản"))
        return items

    def box(self, title: str, inner: str) -> str:
        return (f'<table width="100%" border="0" cellpadding="3" cellspacing="0" class="box"><tr><td class="title_box">{esc(title)}</td></tr>'
                f"<tr><td>{inner}</td></tr></table>")

    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        menu = " | ".join(f'<a href="{attr(h)}" class="menu">{esc(t)}</a>' for h, t in self.menu_items(view))
        cats = "".join(f'<img src="images/arrow.gif" /> <a href="{attr(self.listing_path(s))}" class="link_dm">{esc(self.label_of(s))}</a><br />'
                       for s in ("cchc", "news"))
        popular = "".join(f'<img src="images/dot.gif" /> <a href="{attr(a.url)}" class="link_tinxemnhieu">{esc(a.title)}</a><br />'
                          for a in self.popular(view))
        c = view.counter
        footer = "<br />".join(esc(x) for x in self.footer_text(view))
        return (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
            f'<title>{esc(title)}</title><link href="css/style.css" rel="stylesheet" type="text/css" /></head>\n'
            '<body topmargin="0" leftmargin="0"><table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF">'
            f'<tr><td colspan="3"><img src="images/banner.jpg" width="1000" height="150" alt="{attr(p.name)}" /></td></tr>'
            f'<tr><td colspan="3" class="menu_top" height="32">{menu}</td></tr>\n'
            f'<tr><td width="200" valign="top" class="left">{self.box("DANH MỤC", cats)}{self.box("TIN XEM NHIỀU", popular)}</td>\n'
            f'<td width="600" valign="top" class="main">{main}</td>\n'
            f'<td width="200" valign="top" class="right">{sidebar}'
            + self.box("THỐNG KÊ TRUY CẬP", f"Đang online: {c.online}<br />Hôm nay: {c.today}<br />Tổng số lượt truy cập: {c.total}")
            + f'</td></tr>\n<tr><td colspan="3" class="footer" align="center">{footer}</td></tr></table></body></html>\n'
        )

    def items(self, items: list[SimArticle]) -> str:
        return "".join(
            f'<tr><td class="tin_item"><img src="upload/tintuc/{a.aid}.jpg" width="80" align="left" />'
            f'<a href="{attr(a.url)}" class="link_tieude"><b>{esc(a.title)}</b></a> <span class="ngay">({dmy(a.published)})</span>'
            f"<br />{esc(a.summary)}</td></tr>"
            for a in items)

    def home_main(self, view: PortalView) -> str:
        def section(title: str, items: list[SimArticle], more: str | None) -> str:
            link = f'<tr><td align="right"><a href="{attr(more)}" class="xemtiep">Xem tiếp »</a></td></tr>' if more else ""
            return (f'<table width="100%" cellpadding="4" cellspacing="0"><tr><td class="title_cat">{esc(title)}</td></tr>'
                    f"{self.items(items)}{link}</table>")
        return (section("TIN NỔI BẬT", self.featured(view), None)
                + section("CẢI CÁCH HÀNH CHÍNH", self.listing_items(view, "cchc")[:3], self.listing_path("cchc"))
                + section("TIN TỨC - SỰ KIỆN", view.section_items("news")[:3], self.listing_path("news")))

    def listing_main(self, view: PortalView, section: str, chunk: list[SimArticle], page: int, pages: int) -> str:
        nums = " ".join(f"<b>[{n}]</b>" if n == page else f'<a href="{attr(self.listing_path(section, n))}" class="phantrang">{n}</a>'
                        for n in range(1, pages + 1))
        nxt = f' <a href="{attr(self.listing_path(section, page + 1))}" class="phantrang">Trang sau</a>' if page < pages else ""
        return (f'<table width="100%" cellpadding="4" cellspacing="0"><tr><td class="title_cat">{esc(self.label_of(section).upper())}</td></tr>'
                f'{self.items(chunk)}<tr><td align="right" class="phantrang">Trang: {nums}{nxt}</td></tr></table>')

    def article_main(self, view: PortalView, art: SimArticle, seed: object) -> str:
        others = "".join(f'<img src="images/dot.gif" /> <a href="{attr(o.url)}" class="link_tinkhac">{esc(o.title)}</a> ({dmy(o.published)})<br />'
                         for o in view.others(art))
        return (
            f'<table width="100%" cellpadding="4" cellspacing="0"><tr><td class="title_cat">{esc(self.label_of(self.section_of(art)).upper())}</td></tr>'
            f'<tr><td><h1 class="tieude_tin">{esc(art.title)}</h1><div class="ngaydang">Ngày đăng: {esc(self.article_date(art.published))}</div>'
            f'<div class="noidung">{body_html(art)}{file_links(art)}</div></td></tr>'
            f'<tr><td class="tinkhac"><b>Các tin khác:</b><br />{others}</td></tr></table>'
        )
