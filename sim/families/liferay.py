"""Liferay 6.2 portals."""
from __future__ import annotations

import datetime as dt

from sim.families.base import Family
from sim.families.shared import (
    CCHC_LABEL,
    NEWS_LABEL,
    PAGE_SIZE,
    _page_of,
    body_html,
    file_links,
    seed_attachment_line,
)
from sim.model import SimArticle
from sim.seeds import SeedDoc
from sim.textfmt import ampm_en, attr, dmy, esc, fmt_int
from sim.view import PortalView

LIFERAY_PAGER_QS = (
    "p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view&p_p_col_id=column-1&p_p_col_pos=1"
    "&p_p_col_count=2&_101_delta={delta}&_101_keywords=&_101_advancedSearch=false&_101_andOperator=true"
    "&p_r_p_564233524_resetCur=false&_101_cur={page}"
)


class Liferay62(Family):
    """Liferay 6.2 Asset Publisher (/<category>/-/view_content/<id>-<slug>, _101_cur=N)."""

    id = "liferay62"
    has_rss = True
    has_sitemap = True
    main_class = "portlet-column portlet-column-first span9"
    sidebar_class = "portlet-column portlet-column-last span3"

    def article_path(self, art: SimArticle) -> str:
        cat = self.cchc_slug if art.section == "cchc" else self.news_slug
        return f"/{cat}/-/view_content/{art.aid}-{art.slug}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = "/" + (self.cchc_slug if section == "cchc" else self.news_slug)
        return base if page == 1 else f"{base}?{LIFERAY_PAGER_QS.format(delta=PAGE_SIZE, page=page)}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {"/" + self.cchc_slug: "cchc", "/" + self.news_slug: "news"}.get(path.rstrip("/") or "/")
        page = _page_of(qs, "_101_cur")
        return (section, page) if section and page else None

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        if "." not in filename:
            return f"/c/document_library/get_file?uuid={art.aid:08x}-5d2c-4f0b-9a7e-{n:012d}&groupId=554897"
        return f"/documents/554897/675586/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/rss/-/asset_publisher/kldx/rss"]

    def sitemap_paths(self) -> list[str]:
        return ["/sitemap.xml"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} | {ampm_en(t)}"

    def list_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} | {ampm_en(t)}"

    def header(self, view: PortalView) -> str:
        return ('<div id="header"><div class="boder_top1"><div id="contentheader"><div class="egov_date">'
                f'<div id="point_portal_egov_date"></div></div><h1>{esc(view.portal.name.upper())}</h1></div></div></div>')

    def menu(self, view: PortalView) -> str:
        lis = "".join(f'<li class="" > <a href="{attr(h)}" >{esc(t)}</a> </li>' for h, t in self.menu_items(view))
        return f'<nav id="navigation" role="navigation"><div id="menu"><div class="center clearfix"><ul class="navi">{lis}</ul></div></div></nav>'

    def home_lists(self, view: PortalView) -> str:
        out = []
        for section, label in (("cchc", CCHC_LABEL), ("news", NEWS_LABEL)):
            items = view.section_items(section)[:5]
            lis = "".join(
                f'<li class="tin_tiep nobo"><a class="tieudetin" href="{attr(a.url)}">{esc(a.title)}</a>'
                f' <span class="date_content_asset">({dmy(a.published)})</span></li>'
                for a in items
            )
            out.append(
                f'<div class="k1"><div class="folderright"><h3 class="tlecmh3"><a class="hdCM" href="{attr(self.listing_path(section))}">'
                f'<i class="tlecm"></i>{esc(label)}</a></h3><ul class="box_tp bgxam">{lis}</ul></div></div>'
            )
        return "".join(out)

    def listing_item(self, a: SimArticle) -> str:
        return (
            '<div class="asset-bounddary"><div class="asset-abstract "><div class="asset-content normal-news">'
            f'<div class="asset-content-custom" style="margin-left: 0"><h3 class="asset-title"><a href="{attr(a.url)}">{esc(a.title)}</a></h3>'
            f'<div class="assetPublishDate block_timer"> {esc(self.list_date(a.published))} </div>'
            f'<div class="asset-summary"> {esc(a.summary)} </div></div></div><div class="asset-metadata"></div></div></div>'
        )

    def listing_body(self, section: str, chunk: list[SimArticle], page: int, pages: int, total: int) -> str:
        first = (page - 1) * PAGE_SIZE + 1
        last = first + len(chunk) - 1
        def li(cls: str, label: str, n: int | None) -> str:
            href = attr(self.listing_path(section, n)) if n else "javascript:;"
            return f'<li class="{cls}"> <a href="{href}" target="_self"> {label} </a> </li>'
        buttons = (
            li("first" + (" disabled" if page == 1 else ""), "&larr; Đầu tiên", 1 if page > 1 else None)
            + li("disabled" if page == 1 else "", "Trước", page - 1 if page > 1 else None)
            + li("disabled" if page == pages else "", "Tiếp", page + 1 if page < pages else None)
            + li("last" + (" disabled" if page == pages else ""), "Cuối cùng &rarr;", pages if page < pages else None)
        )
        return (
            "".join(self.listing_item(a) for a in chunk)
            + '<div class="taglib-page-iterator" id="_101_ocerSearchContainerPageIterator"><div class="clearfix lfr-pagination">'
            f'<small class="search-results"> Hiển thị {first} - {last} of {total} kết quả. </small>'
            f'<ul class="pager lfr-pagination-buttons">{buttons}</ul></div></div>'
        )

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        if lines:
            inner = "".join(f'<div class="visitor-line">{esc(x)}</div>' for x in lines)
        else:
            inner = (
                f'<div class="current-visitor-online"> <span class="online-lable">Đang truy cập: </span> '
                f'<span style="font-weight: bold;color: blue;">{c.online} </span> </div>'
                f'<div class="total-visitor"> <span class="online-lable">Tổng: </span> '
                f'<span style="font-weight: bold;color: red;">{fmt_int(c.total)} </span> </div>'
            )
        return (
            '<div class="portlet-boundary portlet-boundary_1_WAR_portalsessiontrackingportlet_ portlet-static">'
            '<section class="portlet"><header class="portlet-topper"><h1 class="portlet-title">'
            '<span class="portlet-title-text">Số lượng truy cập</span></h1></header><div class="portlet-content">'
            f'<div class="visitor-tracking-wraper">{inner}</div></div></section></div>'
        )

    def footer(self, view: PortalView, lines: list[str] | None = None) -> str:
        if lines:
            return super().footer(view, lines)
        p = view.portal
        return (
            '<div class="footer-wrapper"><div id="footer" class="clearfix"><div class="footleft">'
            f"<h3>CỔNG THÔNG TIN ĐIỆN TỬ {esc(p.name.upper())}</h3>"
            f"<p>® Ghi rõ nguồn: “Cổng thông tin điện tử {esc(p.name)}” khi phát hành lại thông tin từ nguồn này.</p>"
            "</div></div></div>"
        )

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        label = CCHC_LABEL if art.section == "cchc" else NEWS_LABEL
        return (
            f'<div class="dd_chuyenmuc"> <span class="trangchu"><a href="/">Trang chủ</a></span> '
            f'<span class="tintuc"><p>{esc(label)}</p></span> </div>'
            + self.seed_top(seed)
            + f'<div class="journal-content-article"><h3 class="header-title">{esc(art.title)}</h3>'
            f'<div class="assetPublishDate block_timer">{esc(self.shown_date(art, seed))}</div>'
            f"{attach}<div class=\"news-content\">{body_html(art)}</div></div>"
            + self.others_block(view, art, seed, "Tin khác")
        )
