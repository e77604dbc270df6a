"""Blocks every CMS family renders the same way (the results widget, attachments, related lists)
and the URL helpers the server and the families share; no family markup lives here.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

from sim.calendar import VN_TZ
from sim.model import SimArticle, WidgetFigures
from sim.seeds import SeedDoc
from sim.textfmt import attr, dmy, esc, fmt_int, fmt_pct
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


def calendar_path(day: dt.date) -> str:
    """The endless work calendar ("Lịch công tác"): one page per day, linked forward and back forever."""
    return f"/lich-cong-tac?ngay={day.isoformat()}"


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
