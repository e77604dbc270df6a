"""Templates of the five CMS families, modelled on real markup in shared/portal-evidence.

Each family decides its URL patterns (article, category listing and its pagination, document
register, files, RSS, sitemap) and its markup (class names, date formats, visitor counter). The
server and :func:`sim.render.render_seed_page` both render through these classes, so a fixture made
with one is the page a spider gets from the other.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

from sim.calendar import VN_TZ
from sim.model import SimArticle, WidgetFigures
from sim.seeds import SeedDoc, load_seeds
from sim.textfmt import (
    ampm_en,
    ampm_vi,
    attr,
    dmy,
    esc,
    fmt_int,
    fmt_int_comma,
    fmt_pct,
    weekday_vi,
)
from sim.view import PortalView

PAGE_SIZE = 5
CCHC_LABEL = "Cải cách hành chính"
NEWS_LABEL = "Tin tức - Sự kiện"
REGISTER_LABEL = "Văn bản chỉ đạo điều hành"


def target_of(url: str) -> str:
    """path?query of an absolute URL: the key a request line is matched on."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _page_of(qs: dict[str, list[str]], key: str) -> int | None:
    raw = qs.get(key, ["1"])[0]
    return int(raw) if raw.isdigit() and int(raw) >= 1 else None


# ----------------------------------------------------------------------------- shared blocks


def widget_block(w: WidgetFigures) -> str:
    """The home-page "Kết quả giải quyết TTHC" block in one of three markups (table, list, divs)."""
    month = f"{w.month:02d}"
    upd = f"( Cập nhật lúc:{dmy(w.updated_at)} {w.updated_at:%H:%M:%S})"
    rate = fmt_pct(w.rate_on_time)
    late_rate = fmt_pct(w.rate_late)
    if w.markup == "table":
        return (
            '<div class="box-tthc"><div class="box-title">Kết quả giải quyết TTHC</div>'
            '<table class="tbl-ketqua-tthc"><tbody>'
            f'<tr><td colspan="2" class="thang">Đến tháng {month} đã giải quyết: <b>{rate}%</b></td></tr>'
            f"<tr><td>Số hồ sơ xử lý:</td><td>{fmt_int(w.processed)}</td></tr>"
            f"<tr><td>Trước &amp; đúng hạn:</td><td>{fmt_int(w.on_time)}</td></tr>"
            f"<tr><td>Trễ hạn:</td><td>{fmt_int(w.late)}</td></tr>"
            f"<tr><td>Tỉ lệ trễ hạn:</td><td>{late_rate}%</td></tr>"
            f'</tbody></table><a class="chitiet" href="/thong-ke-tthc">Chi tiết</a><p class="capnhat">{upd}</p></div>'
        )
    if w.markup == "list":
        return (
            '<div class="widget-kqgq"><h3>Kết quả giải quyết TTHC</h3><ul class="kqgq">'
            f"<li>Đến tháng {month} đã giải quyết: <span>{rate}%</span></li>"
            f"<li>Số hồ sơ xử lý: <span>{fmt_int(w.processed)}</span></li>"
            f"<li>Trước &amp; đúng hạn: <span>{fmt_int(w.on_time)}</span></li>"
            f"<li>Trễ hạn: <span>{fmt_int(w.late)}</span></li>"
            f"<li>Tỉ lệ trễ hạn: <span>{late_rate}%</span></li>"
            f'</ul><a href="/thong-ke-tthc">Chi tiết</a><div class="update-time">{upd}</div></div>'
        )
    # divs (the seed-000 layout: label and figure in separate elements)
    return (
        '<div class="ket-qua-tthc"><div class="kq-title">Kết quả giải quyết TTHC</div>'
        f'<div class="kq-thang">Đến tháng {month} đã giải quyết:</div><div class="kq-tyle">{rate}%</div>'
        f'<div class="kq-row">Số hồ sơ xử lý: {fmt_int(w.processed)}</div>'
        f'<div class="kq-row">Trước &amp; đúng hạn: {fmt_int(w.on_time)}</div>'
        f'<div class="kq-row">Trễ hạn: {fmt_int(w.late)}</div>'
        f'<div class="kq-row">Tỉ lệ trễ hạn: {late_rate}%</div>'
        f'<div class="kq-chitiet"><a href="/thong-ke-tthc">Chi tiết</a></div>'
        f'<div class="kq-capnhat">{upd}</div></div>'
    )


def seed_widget_block(seed: SeedDoc) -> str:
    """Seed 000's sidebar widget, every line exactly as the seed shows it."""
    rows = []
    for i, line in enumerate(seed.widget):
        if i == 0:
            rows.append(f'<div class="kq-title">{esc(line)}</div>')
        elif line == "Chi tiết":
            rows.append(f'<div class="kq-chitiet"><a href="/thong-ke-tthc">{esc(line)}</a></div>')
        else:
            rows.append(f'<div class="kq-row">{esc(line)}</div>')
    return '<div class="ket-qua-tthc">' + "".join(rows) + "</div>"


def home_widget(view: PortalView) -> str:
    """The widget as the home page carries it: inline block, iframe tag or a data-api hook."""
    w = view.widget
    if w is None:
        return ""
    if w.how == "inline":
        return widget_block(w)
    if w.how == "iframe":
        return (
            '<div class="box-chiso-tthc"><div class="box-title">Chỉ số tiến độ giải quyết hồ sơ</div>'
            f'<iframe src="{attr(w.url)}" width="100%" height="190" frameborder="0" scrolling="no"></iframe></div>'
        )
    return (
        '<div class="thongke-hoso" id="thongke-hoso-toantinh" '
        f'data-api="{attr(w.url)}"><div class="box-title">Kết quả giải quyết TTHC</div>'
        '<div class="tk-body">Đang tải dữ liệu...</div></div>'
        f'<script src="/js/thongke-hoso.js" data-src="{attr(w.url)}"></script>'
    )


def seed_attachment_line(seed: SeedDoc, art: SimArticle) -> str:
    """A seed's attachment line with its link; the visible text stays the seed's own."""
    if not seed.attachment_line:
        return ""
    line = seed.attachment_line
    f = art.files[0] if art.files else None
    href = attr(f.url) if f else "#"
    if ":" in line:
        label, _, linked = line.partition(":")
        return f'<p class="attach">{esc(label)}: <a href="{href}">{esc(linked.strip())}</a></p>'
    return f'<p class="attach"><a href="{href}">{esc(line)}</a></p>'


def file_links(art: SimArticle) -> str:
    if not art.files or art.seed is not None:
        return ""
    items = "".join(f'<li><a href="{attr(f.url)}">{esc(f.label)}</a></li>' for f in art.files)
    return f'<div class="file-dinh-kem"><span>Tài liệu đính kèm:</span><ul>{items}</ul></div>'


def body_html(art: SimArticle) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in art.paragraphs)


def _related_lines(view: PortalView, seed: SeedDoc) -> str:
    """Seed 002's "Tin mới nhất" lines, verbatim, each title linked to its article on the portal."""
    out = []
    for line in seed.related:
        m = re.match(r"^(.*?)(\s*)(\(\d{1,2}/\d{2}/\d{4}[^)]*\))\s*$", line)
        if not m:
            out.append(f"<li>{esc(line)}</li>")
            continue
        title, space, date = m.groups()
        target = view.find_by_title(title.strip())
        href = attr(target.url) if target else "#"
        out.append(f'<li><a href="{href}">{esc(title)}</a>{space}<span class="date">{esc(date)}</span></li>')
    return "".join(out)


# ----------------------------------------------------------------------------- families


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


def calendar_path(day: dt.date) -> str:
    """The endless work calendar ("Lịch công tác"): one page per day, linked forward and back forever."""
    return f"/lich-cong-tac?ngay={day.isoformat()}"


# ---------------------------------------------------------------- Tân Dân SharePoint


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


# ---------------------------------------------------------------- Vietnamese SharePoint


class SharePointVN(Family):
    """SharePoint with the Vietnamese-locale Pages library (/Trang/ChiTietTinTuc.aspx?nid=)."""

    id = "sharepoint_vn"
    has_register = True
    cat_ids = {"cchc": 82, "news": 12}
    main_class = "main-content col-md-9"
    sidebar_class = "right-col col-md-3"
    register_issuer_column = False

    def article_path(self, art: SimArticle) -> str:
        return f"/Trang/ChiTietTinTuc.aspx?nid={art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        if section == "all":  # the page without a category shows every item
            return "/Trang/Tin-tuc-su-kien.aspx" if page == 1 else f"/Trang/Tin-tuc-su-kien.aspx?Page={page}"
        base = f"/Trang/Tin-tuc-su-kien.aspx?Cat={self.cat_ids[section]}"
        return base if page == 1 else f"{base}&Page={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        if path.lower() != "/trang/tin-tuc-su-kien.aspx":
            return None
        if "Cat" not in qs:
            page = _page_of(qs, "Page")
            return ("all", page) if page else None
        cat = qs.get("Cat", [""])[0]
        section = {str(v): k for k, v in self.cat_ids.items()}.get(cat)
        page = _page_of(qs, "Page")
        return (section, page) if section and page else None

    def register_path(self, page: int = 1) -> str | None:
        return "/Trang/VanBan.aspx" if page == 1 else f"/Trang/VanBan.aspx?Page={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        return _page_of(qs, "Page") if path.lower() == "/trang/vanban.aspx" else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/Trang/ChiTietVanBan.aspx?vbid={art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        lst = "VanBan" if art.in_register else "TinTuc"
        return f"/Lists/{lst}/Attachments/{art.aid}/{filename}"

    def home_paths(self) -> list[str]:
        return ["/", "/Trang/Default.aspx"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def list_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M}"

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        return (
            self.seed_top(seed)
            + f'<div class="news-detail"><h1 class="news-title">{esc(art.title)}</h1>'
            f'<div class="news-date">{esc(self.shown_date(art, seed))}</div>'
            f'<div class="news-content">{body_html(art)}{attach}</div></div>'
            + self.others_block(view, art, seed, "Các tin khác")
        )


# ---------------------------------------------------------------- Liferay 6.2


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


# ---------------------------------------------------------------- VNPT vnportal


class VnPortal(Family):
    """VNPT vnportal (/<category>/<slug>-<id>, ?pageindex=N)."""

    id = "vnportal"
    has_rss = True
    has_sitemap = True
    has_register = True
    main_class = "col-main"
    sidebar_class = "col-right"

    def article_path(self, art: SimArticle) -> str:
        cat = self.cchc_slug if art.section == "cchc" else self.news_slug
        return f"/{cat}/{art.slug}-{art.aid}"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = "/" + (self.cchc_slug if section == "cchc" else self.news_slug)
        return base if page == 1 else f"{base}?pageindex={page}"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        section = {"/" + self.cchc_slug: "cchc", "/" + self.news_slug: "news"}.get(path.rstrip("/"))
        page = _page_of(qs, "pageindex")
        return (section, page) if section and page else None

    def register_path(self, page: int = 1) -> str | None:
        return "/van-ban" if page == 1 else f"/van-ban?pageindex={page}"

    def parse_register(self, path: str, qs: dict[str, list[str]]) -> int | None:
        return _page_of(qs, "pageindex") if path.rstrip("/") == "/van-ban" else None

    def register_detail_path(self, art: SimArticle) -> str:
        return f"/van-ban/{art.slug}-{art.aid}"

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        t = art.published
        return f"/Data/VanBan/{t.year}/{t.month:02d}/{t.day:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/rss/cai-cach-hanh-chinh.rss", "/rss/tin-tuc-su-kien.rss"]

    def sitemap_paths(self) -> list[str]:
        return ["/sitemap.xml"]

    def render_feed(self, view: PortalView, path: str) -> bytes | None:
        section = {"/rss/cai-cach-hanh-chinh.rss": "cchc", "/rss/tin-tuc-su-kien.rss": "news"}.get(path)
        if section is None:
            return None
        p = view.portal
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
            f"<description><![CDATA[{a.summary}]]></description>"
            f"<pubDate>{self.rss_pubdate(a.published)}</pubDate></item>"
            for a in view.feed_items(section)
        )
        return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                f"<title>{esc(p.name)}</title><link>{esc(p.base_url)}</link><description>{esc(p.name)}</description>"
                f"{items}</channel></rss>\n").encode()

    def article_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {t:%H:%M:%S}"

    def list_date(self, t: dt.datetime) -> str:
        return dmy(t)

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="ArticleInMenu"><div class="Title"><a href="{attr(a.url)}">{esc(a.title)}</a></div>'
            f'<div class="PostDate">{dmy(a.published)}</div><div class="ArticleSummary">{esc(a.summary)}</div></div>'
        )

    def listing_body(self, section: str, chunk: list[SimArticle], page: int, pages: int, total: int) -> str:
        return '<div class="ArticleList">' + "".join(self.listing_item(a) for a in chunk) + "</div>" + self.pager(section, page, pages)

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        rows = lines or [f"Số người online: {c.online}", f"Số lượt truy cập: {c.total}",
                         f"Số lượt truy cập tuần: {c.week}", f"Số lượt truy cập tháng: {c.month}"]
        lis = "".join(f"<li>{esc(x.strip().lstrip('•').strip()) if lines else esc(x)}</li>" for x in rows)
        return f'<div class="thongke-truycap"><ul class="list-thongke">{lis}</ul></div>'

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        date_line = self.shown_date(art, seed)
        font = "" if seed and seed.native_family == self.id else ' <span class="font-size">Xem cỡ chữ: A+ A-</span>'
        return (
            self.seed_top(seed)
            + f'<div class="ArticleHeader"><h1>{esc(art.title)}</h1></div>'
            f'<div class="PostDate">{esc(date_line)}{font}</div>'
            f'<div class="ArticleContent">{body_html(art)}{attach}</div>'
            + self.others_block(view, art, seed, "Tin khác")
        )


# ---------------------------------------------------------------- NukeViet


class NukeViet(Family):
    """NukeViet (VINADES) eGov edition (/vi/news/<cat>/<alias>-<id>.html; RSS with the H:m:s bug)."""

    id = "nukeviet"
    has_rss = True
    has_sitemap = True
    main_class = "col-sm-16 col-md-18"
    sidebar_class = "col-sm-8 col-md-6"

    def article_path(self, art: SimArticle) -> str:
        cat = self.cchc_slug if art.section == "cchc" else self.news_slug
        return f"/vi/news/{cat}/{art.slug}-{art.aid}.html"

    def listing_path(self, section: str, page: int = 1) -> str:
        base = f"/vi/news/{self.cchc_slug if section == 'cchc' else self.news_slug}/"
        return base if page == 1 else f"{base}page-{page}/"

    def parse_listing(self, path: str, qs: dict[str, list[str]]) -> tuple[str, int] | None:
        m = re.fullmatch(r"/vi/news/([a-z0-9-]+)/(?:page-(\d+)/)?", path)
        if not m:
            return None
        section = {self.cchc_slug: "cchc", self.news_slug: "news"}.get(m.group(1))
        page = int(m.group(2) or 1)
        return (section, page) if section and page >= 1 else None

    def file_path(self, art: SimArticle, filename: str, n: int) -> str:
        return f"/uploads/news/{art.published.year}_{art.published.month:02d}/{filename}"

    def feed_paths(self) -> list[str]:
        return ["/vi/news/rss/", f"/vi/news/rss/{self.cchc_slug}/"]

    def sitemap_paths(self) -> list[str]:
        return ["/sitemap.xml", "/vi/news/sitemap.xml"]

    def home_paths(self) -> list[str]:
        return ["/", "/vi/"]

    def article_date(self, t: dt.datetime) -> str:
        return f"{weekday_vi(t, lower_after_thu=True)} - {dmy(t)} {t:%H:%M}"

    def list_date(self, t: dt.datetime) -> str:
        return f"{dmy(t)} {ampm_en(t, seconds=True)}"

    def rss_pubdate(self, t: dt.datetime) -> str:
        """NukeViet's bug, kept: gmdate('D, j M Y H:m:s') puts the month number where minutes belong."""
        u = t.astimezone(dt.UTC)
        return f"{u:%a}, {u.day} {u:%b} {u.year} {u.hour:02d}:{u.month:02d}:{u.second:02d} GMT"

    def render_feed(self, view: PortalView, path: str) -> bytes | None:
        if path not in self.feed_paths():
            return None
        section = None if path == "/vi/news/rss/" else "cchc"
        p = view.portal
        items = "".join(
            f"<item><title>{esc(a.title)}</title><link>{esc(a.url)}</link>"
            f'<guid isPermaLink="false"><![CDATA[news_{a.aid}]]></guid>'
            f"<pubDate>{self.rss_pubdate(a.published)}</pubDate>"
            f"<description><![CDATA[{a.summary}]]></description></item>"
            for a in view.feed_items(section)
        )
        last = view.feed_items(section)[:1]
        pub = f"<pubDate>{self.rss_pubdate(last[0].published)}</pubDate>" if last else ""
        return ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{esc(p.name)}</title><link>{esc(p.base_url)}</link>"
                f'<atom:link href="{attr(p.origin + path)}" rel="self" type="application/rss+xml" />'
                f"<language>vi</language>{pub}<generator><![CDATA[NukeViet v4.0]]></generator>"
                f"{items}</channel></rss>\n").encode()

    def render_sitemap(self, view: PortalView, path: str) -> bytes | None:
        if path == "/sitemap.xml":
            loc = view.portal.origin + "/vi/news/sitemap.xml"
            return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                    f"<sitemap><loc>{esc(loc)}</loc><lastmod>{view.observed.isoformat()}</lastmod></sitemap>"
                    "</sitemapindex>\n").encode()
        if path == "/vi/news/sitemap.xml":
            return urlset(view, self).encode("utf-8")
        return None

    def listing_item(self, a: SimArticle) -> str:
        return (
            f'<div class="news_column panel panel-default"><div class="panel-body"><h3><a href="{attr(a.url)}" title="{attr(a.title)}">{esc(a.title)}</a></h3>'
            f'<div class="text-muted"><ul class="list-unstyled list-inline"><li><em class="fa fa-clock-o">&nbsp;</em> {esc(self.list_date(a.published))}</li></ul></div>'
            f'<p>{esc(a.summary)}</p></div></div>'
        )

    def pager(self, section: str, page: int, pages: int) -> str:
        lis = "".join(
            f'<li class="active"><a href="#">{n}</a></li>' if n == page
            else f'<li><a href="{attr(self.listing_path(section, n))}">{n}</a></li>'
            for n in range(1, pages + 1)
        )
        return f'<div class="text-center"><ul class="pagination">{lis}</ul></div>'

    def counter(self, view: PortalView, lines: list[str] | None = None) -> str:
        c = view.counter
        if lines:
            lis = "".join(f"<li><span>{esc(x)}</span></li>" for x in lines)
        else:
            rows = [("fa-bolt", "Đang truy cập", c.online), ("fa-filter", "Hôm nay", c.today),
                    ("fa-calendar-o", "Tháng hiện tại", c.month), ("fa-bars", "Tổng lượt truy cập", c.total)]
            lis = "".join(
                f'<li><span><em class="fa {ic} fa-lg fa-horizon"></em>{lab}</span><span>{fmt_int_comma(v)}</span></li>'
                for ic, lab, v in rows
            )
        return f'<div class="panel-body"><ul class="counter list-none display-table">{lis}</ul></div>'

    def article_main(self, view: PortalView, art: SimArticle, seed: SeedDoc | None) -> str:
        attach = seed_attachment_line(seed, art) if seed else file_links(art)
        date = self.shown_date(art, seed)
        meta = (f'<div class="row margin-bottom-lg newsdetailmetatop"><div class="col-md-12">'
                f'<span class="h5"><i class="fa fa-clock-o" aria-hidden="true"></i>{esc(date)}</span></div></div>')
        if seed is not None and seed.native_family == self.id:
            # the portal's own toolbar: "Print <date> Gốc" as the seed shows it
            meta = f'<div class="newsdetailmetatop"><span class="h5">{esc(date)}</span></div>'
        return (
            self.seed_top(seed)
            + '<div class="news_column panel panel-default newsdetail" itemtype="http://schema.org/NewsArticle" itemscope>'
            f'<div class="panel-body"><h1 class="title margin-bottom-lg" itemprop="headline">{esc(art.title)}</h1>'
            f'<span class="hidden hide d-none" itemprop="datePublished">{art.published.isoformat()}</span>{meta}'
            f'<div id="news-bodyhtml" class="bodytext margin-bottom-lg">{body_html(art)}</div>{attach}</div></div>'
            + self.others_block(view, art, seed, "Tin khác")
        )


FAMILIES: dict[str, Family] = {f.id: f for f in (TanDanSP(), SharePointVN(), Liferay62(), VnPortal(), NukeViet())}


def family(name: str) -> Family:
    """The template set for a registry `cms` value (unknown families get the SharePoint layout)."""
    return FAMILIES.get(name, FAMILIES["sharepoint_vn"])


def parse_target(target: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(target)
    return parts.path, parse_qs(parts.query, keep_blank_values=True)


def seed_related_titles(seed: SeedDoc) -> list[tuple[str, dt.datetime]]:
    """(title, published) of the other items a seed's "Tin mới nhất" list names."""
    out = []
    for line in seed.related:
        m = re.match(r"^(.*?)\s*\((\d{1,2})/(\d{2})/(\d{4}) (\d{1,2}):(\d{2}) (SA|CH)\)\s*$", line)
        if not m:
            continue
        title, d, mo, y, h, mi, ap = m.groups()
        hour = int(h) % 12 + (12 if ap == "CH" else 0)
        out.append((title.strip(), dt.datetime(int(y), int(mo), int(d), hour, int(mi), tzinfo=VN_TZ)))
    return out
