"""The common page skeleton (`Family`) every CMS family fills with its URL patterns and markup,
and the flat sitemap they all serve.
"""
from __future__ import annotations

import datetime as dt

from sim.families.shared import (
    CCHC_LABEL,
    NEWS_LABEL,
    PAGE_SIZE,
    REGISTER_LABEL,
    _related_lines,
    calendar_path,
    home_widget,
    seed_widget_block,
)
from sim.model import SimArticle
from sim.seeds import SeedDoc, load_seeds
from sim.textfmt import attr, dmy, esc, fmt_int_comma
from sim.view import PortalView


class Family:
    """Common page skeleton; subclasses fill URL patterns and markup."""

    id = "base"
    page_size = PAGE_SIZE
    has_rss = False
    has_sitemap = False
    has_register = False
    cchc_slug = "cai-cach-hanh-chinh"
    news_slug = "tin-tuc-su-kien"

    # ---- URLs (paths; the world prefixes the origin)
    def article_path(self, art: SimArticle) -> str:
        raise NotImplementedError

    def listing_path(self, section: str, page: int = 1) -> str:
        raise NotImplementedError

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        raise NotImplementedError

    def register_path(self, page: int = 1) -> str | None:
        return None

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        return None

    def register_detail_path(self, art: SimArticle) -> str:
        raise NotImplementedError

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        raise NotImplementedError

    def feed_paths(self) -> list[str]:
        return []

    def sitemap_paths(self) -> list[str]:
        """Sitemaps named in robots.txt (the first is the entry point)."""
        return []

    def home_paths(self) -> list[str]:
        return ["/"]

    # ---- formats
    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def list_date(self, t: dt.datetime) -> str:
        return f"({dmy(t)})"

    # ---- chrome
    def page(self, view: PortalView, title: str, main: str, sidebar: str = "", head: str = "",
             footer_lines: list[str] | None = None, counter_lines: list[str] | None = None) -> str:
        p = view.portal
        rss = "".join(
            f'<link rel="alternate" type="application/rss+xml" title="{attr(p.name)}" href="{attr(p.origin + fp)}" />'
            for fp in self.feed_paths()
        )
        return (
            "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\" />"
            f"<title>{esc(title)}</title>{rss}{head}</head>\n<body class=\"{self.id}\">\n"
            f"{self.header(view)}\n{self.menu(view)}\n"
            f'<div class="{self.main_class}">{main}</div>\n'
            f'<div class="{self.sidebar_class}">{sidebar}{self.counter(view, counter_lines)}</div>\n'
            f"{self.footer(view, footer_lines)}\n</body></html>\n"
        )

    main_class = "main-content"
    sidebar_class = "sidebar"

    def header(self, view: PortalView) -> str:
        return f'<div id="header"><a href="/"><h1>{esc(view.portal.name.upper())}</h1></a></div>'

    def menu_items(self, view: PortalView) -> list[tuple[str, str]]:
        items = [("/", "Trang chủ"), (self.listing_path("news"), NEWS_LABEL), (self.listing_path("cchc"), CCHC_LABEL)]
        reg = self.register_path()
        if view.portal.has_register and reg:
            items.append((reg, REGISTER_LABEL))
        if view.endless_calendar:
            items.append((calendar_path(view.observed), "Lịch công tác"))
        return items

    def menu(self, view: PortalView) -> str:
        lis = "".join(f'<li><a href="{attr(h)}">{esc(t)}</a></li>' for h, t in self.menu_items(view))
        return f'<div id="menu"><ul class="menu">{lis}</ul></div>'

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        if lines:
            return '<div class="thongke-truycap">' + "".join(f"<p>{esc(x)}</p>" for x in lines) + "</div>"
        return (
            '<div class="thongke-truycap">'
            f"<p>Đang truy cập: {c.online}</p><p>Hôm nay: {fmt_int_comma(c.today)}</p>"
            f"<p>Tất cả: {fmt_int_comma(c.total)}</p></div>"
        )

    def footer(self, view: PortalView, lines: list[str] | None = None) -> str:
        if lines:
            return '<div id="footer">' + "".join(f"<p>{esc(x)}</p>" for x in lines) + "</div>"
        p = view.portal
        return (
            f'<div id="footer"><p>TRANG THÔNG TIN ĐIỆN TỬ {esc(p.name.upper())}</p>'
            f"<p>Ghi rõ nguồn tin '{esc(p.origin)}' khi phát hành lại các thông tin từ trang này.</p></div>"
        )

    # ---- pages
    def home_lists(self, view: PortalView) -> str:
        out = []
        for section, label in (("cchc", CCHC_LABEL), ("news", NEWS_LABEL)):
            items = view.section_items(section)[:5]
            lis = "".join(
                f'<li><a href="{attr(a.url)}">{esc(a.title)}</a> <span class="date">{esc(self.list_date(a.published))}</span></li>'
                for a in items
            )
            out.append(
                f'<div class="box-news"><h2 class="box-title"><a href="{attr(self.listing_path(section))}">{esc(label)}</a></h2>'
                f"<ul>{lis}</ul></div>"
            )
        return "".join(out)

    def render_home(self, view: PortalView) -> str:
        return self.page(view, view.portal.name, self.home_lists(view), home_widget(view))

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="item"><a class="title" href="{attr(a.url)}">{esc(a.title)}</a>'
            f' <span class="date">{esc(self.list_date(a.published))}</span><p>{esc(a.summary)}</p></div>'
        )

    def pager(self, section: str, page: int, pages: int) -> str:
        links = []
        for n in range(1, pages + 1):
            if n == page:
                links.append(f'<span class="CurrentPage">{n}</span>')
            else:
                links.append(f'<a href="{attr(self.listing_path(section, n))}">{n}</a>')
        return f'<div class="pager">{" ".join(links)}</div>'

    def listing_items(self, view: PortalView, section: str) -> list[SimArticle]:
        """What the `section` category listing shows, newest first (ground truth and pages agree)."""
        return view.section_items(section)

    def render_listing(self, view: PortalView, section: str, page: int) -> str | None:
        items = view.section_items(section)
        pages = max(1, -(-len(items) // PAGE_SIZE))
        if page > pages:
            return None
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        label = CCHC_LABEL if section == "cchc" else NEWS_LABEL
        main = (
            f'<div class="breadcrumb"><a href="/">Trang chủ</a> / <span>{esc(label)}</span></div>'
            + self.listing_body(section, chunk, page, pages, len(items))
        )
        return self.page(view, f"{label} - {view.portal.name}", main)

    def listing_body(self, section: str, chunk: list[SimArticle], page: int, pages: int, total: int) -> str:
        return "".join(self.listing_item(a) for a in chunk) + self.pager(section, page, pages)

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        raise NotImplementedError

    def article_sidebar(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        parts = []
        if seed and seed.widget:
            parts.append(seed_widget_block(seed))
        if seed and seed.utility_box:
            box = seed.utility_box
            parts.append(
                '<div class="tien-ich"><h3>' + esc(box[0]) + "</h3>"
                + "".join(
                    (f'<div class="qrcode"><img alt="{attr(x)}" src="/images/qrcode.png" /><p>{esc(x)}</p></div>'
                     if x.startswith(("QR CODE:", "Mã QR")) else f"<p>{esc(x)}</p>")
                    for x in box[1:]
                )
                + "</div>"
            )
        return "".join(parts)

    def others_block(self, view: PortalView, art: SimArticle, seed: SeedDoc | None, heading: str) -> str:
        if seed and seed.related:
            return (f'<div class="tin-khac"><h3>{esc(seed.related_heading or heading)}</h3>'
                    f"<ul>{_related_lines(view, seed)}</ul></div>")
        head = seed.related_heading if seed and seed.related_heading else heading
        lis = "".join(
            f'<li><a href="{attr(o.url)}">{esc(o.title)}</a> <span class="date">{esc(self.list_date(o.published))}</span></li>'
            for o in view.others(art)
        )
        return f'<div class="tin-khac"><h3>{esc(head)}</h3><ul>{lis}</ul></div>'

    def render_article(self, view: PortalView, art: SimArticle) -> str:
        """An article page; a seed keeps its own footer, counter and sidebar lines in every family."""
        seed = load_seeds()[art.seed] if art.seed is not None else None
        title = seed.page_title if seed and seed.page_title else f"{art.title} - {view.portal.name}"
        return self.page(
            view, title, self.article_main(view, art, seed), self.article_sidebar(view, art, seed),
            footer_lines=(seed.footer or None) if seed else None,
            counter_lines=(seed.counter or None) if seed else None,
        )

    def shown_date(self, art: SimArticle, seed: SeedDoc | None) -> str:
        """The date line: a seed's own line in its native family, else the family's format."""
        if seed is not None and seed.native_family == self.id and seed.date_line:
            return seed.date_line
        return self.article_date(art.published)

    def seed_top(self, seed: SeedDoc | None) -> str:
        if seed is None:
            return ""
        out = ""
        if seed.header:
            out += f'<div class="welcome">{esc(seed.header)}</div>'
        if seed.category_header:
            out += f'<div class="category-header"><a href="{attr(self.listing_path("cchc"))}">{esc(seed.category_header)}</a></div>'
        return out

    def render_register(self, view: PortalView, page: int) -> str | None:
        rows = view.registers
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        if page > pages:
            return None
        chunk = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        with_issuer = self.register_issuer_column
        head = "<tr><th>STT</th><th>Số ký hiệu</th><th>Ngày ban hành</th><th>Trích yếu</th>"
        head += "<th>Cơ quan ban hành</th>" if with_issuer else ""
        head += "<th>Tải về</th></tr>"
        body = []
        for i, a in enumerate(chunk, start=(page - 1) * PAGE_SIZE + 1):
            f = a.files[0] if a.files else None
            link = f'<a href="{attr(f.url)}" title="{attr(f.filename)}">{esc(f.label)}</a>' if f else ""
            body.append(
                f"<tr><td>{i}</td><td>{esc(a.doc_number or '')}</td><td>{dmy(a.published)}</td>"
                f'<td><a href="{attr(a.url)}">{esc(a.title)}</a></td>'
                + (f"<td>{esc(a.issuer or '')}</td>" if with_issuer else "")
                + f"<td>{link}</td></tr>"
            )
        pager = " ".join(
            f'<span class="CurrentPage">{n}</span>' if n == page else f'<a href="{attr(self.register_path(n) or "")}">{n}</a>'
            for n in range(1, pages + 1)
        )
        main = (
            f'<h2 class="title-vanban">{REGISTER_LABEL}</h2><table class="table-vanban">'
            f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table><div class=\"pager\">{pager}</div>"
        )
        return self.page(view, f"{REGISTER_LABEL} - {view.portal.name}", main)

    register_issuer_column = True

    def render_register_detail(self, view: PortalView, art: SimArticle) -> str:
        files = "".join(f'<a href="{attr(f.url)}">{esc(f.label)}</a> ' for f in art.files)
        main = (
            f'<h2 class="title-vanban">{esc(art.title)}</h2><table class="vanban-chitiet"><tbody>'
            f"<tr><th>Số ký hiệu</th><td>{esc(art.doc_number or '')}</td></tr>"
            f"<tr><th>Ngày ban hành</th><td>{dmy(art.published)}</td></tr>"
            f"<tr><th>Trích yếu</th><td>{esc(art.summary or art.title)}</td></tr>"
            f"<tr><th>Cơ quan ban hành</th><td>{esc(art.issuer or '')}</td></tr>"
            f"<tr><th>Loại văn bản</th><td>{'Báo cáo' if art.category == 'report' else 'Kế hoạch'}</td></tr>"
            f"<tr><th>Tệp đính kèm</th><td>{files}</td></tr></tbody></table>"
        )
        return self.page(view, f"{art.title} - {view.portal.name}", main)

    # ---- feeds and sitemaps
    def rss_pubdate(self, t: dt.datetime) -> str:
        u = t.astimezone(dt.UTC)
        return u.strftime("%a, %d %b %Y %H:%M:%S GMT")

    def render_feed(self, view: PortalView, path: str) -> bytes | None:
        if path not in self.feed_paths():
            return None
        p = view.portal
        items = []
        for a in view.feed_items():
            items.append(
                f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
                f"<description><![CDATA[{a.summary}]]></description>"
                f"<pubDate>{self.rss_pubdate(a.published)}</pubDate><guid>{esc(a.url)}</guid></item>"
            )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{esc(p.name)}</title><link>{esc(p.base_url)}</link>"
            f"<description>{esc(p.name)}</description><language>vi</language>"
            + "".join(items) + "</channel></rss>\n"
        )
        return xml.encode("utf-8")

    def render_sitemap(self, view: PortalView, path: str) -> bytes | None:
        if path not in self.sitemap_paths():
            return None
        return urlset(view, self).encode("utf-8")


def urlset(view: PortalView, fam: Family) -> str:
    """A flat <urlset> of the home, listings and every article in the sitemap."""
    p = view.portal
    urls: list[tuple[str, dt.datetime | None]] = [(p.base_url, None)]
    urls += [(p.origin + fam.listing_path(s), None) for s in ("cchc", "news")]
    urls += [(a.url, a.modified or a.published) for a in view.sitemap_items()]
    rows = "".join(
        f"<url><loc>{esc(u)}</loc>" + (f"<lastmod>{t.date().isoformat()}</lastmod>" if t else "") + "</url>"
        for u, t in urls
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{rows}</urlset>\n')
