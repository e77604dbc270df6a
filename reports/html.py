"""`cchc report html --out DIR`: one static, offline page a person would rather look at than read.

DIR/index.html holds: the coverage matrix (province × level), the coverage table per unit, the
compliance table, one trend chart per unit with a widget (inline SVG drawn here: one point per run that
read the widget; no chart library, nothing loaded from a CDN), and the diff between the last two runs.
Every scraped string is escaped (`html.escape`); links are kept only for http(s) URLs. A few lines of
inline JavaScript make the tables sortable; the page works without them.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from core.vntext import fold
from reports.base import LEVELS, ReportError, load_runs
from reports.compliance import STATUS_VI, compliance
from reports.coverage import coverage
from reports.diff import diff
from reports.formatting import vn_date, vn_int, vn_pct
from reports.trend import trend

LEVEL_VI = {"province": "Tỉnh", "department": "Sở", "district": "Huyện", "commune": "Xã/phường"}

CSS = """
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:24px;color:#1d2733;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #2b6cb0;padding-bottom:4px}
p.meta{color:#5a6775;margin:0 0 12px}
table{border-collapse:collapse;background:#fff;font-size:13px;margin-bottom:8px}
th,td{border:1px solid #d5dbe1;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#edf2f7;cursor:pointer;user-select:none}td.num{text-align:right;font-variant-numeric:tabular-nums}
td.yes{background:#e6f4ea}td.no{background:#fdecea}td.na{color:#8a96a3}
.charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #d5dbe1;padding:8px}
.chart h3{font-size:13px;margin:0 0 4px}.chart svg text{font-size:10px;fill:#5a6775}
a{color:#2b6cb0;word-break:break-all}small{color:#5a6775}
"""

JS = """
document.querySelectorAll('table.sortable th').forEach(function (th, index) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.dataset.dir !== 'asc';
    rows.sort(function (a, b) {
      var x = a.cells[th.cellIndex].dataset.v || a.cells[th.cellIndex].textContent;
      var y = b.cells[th.cellIndex].dataset.v || b.cells[th.cellIndex].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'vi');
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    th.dataset.dir = asc ? 'asc' : 'desc';
  });
});
document.body.dataset.ready = '1';
"""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def link(url: str | None, text: str | None = None) -> str:
    """An anchor only for http(s) URLs (a scraped javascript: URL is shown as text, never linked)."""
    if not url:
        return ""
    if not url.lower().startswith(("http://", "https://")):
        return esc(url)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text or url)}</a>'


def _table(table_id: str, headers: Sequence[str], rows: Sequence[Sequence[tuple[str, str, str]]]) -> str:
    """rows: cells of (html, css class, sort value)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="{cls}" data-v="{esc(v)}">{content}</td>' for content, cls, v in row)
        body.append(f"<tr>{cells}</tr>")
    return (f'<table id="{table_id}" class="sortable"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _num(value: int | float | None, kind: str = "int") -> tuple[str, str, str]:
    text = vn_int(value) if kind == "int" else vn_pct(value)
    return esc(text), "num", "" if value is None else str(value)


def _txt(value: Any, cls: str = "") -> tuple[str, str, str]:
    return esc(value), cls, ""


def _bool(value: bool | None) -> tuple[str, str, str]:
    if value is None:
        return "–", "na", ""
    return ("có", "yes", "1") if value else ("không", "no", "0")


def chart_svg(portal: str, points: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]]) -> str:
    """On-time rate per run (line + one circle per reading) and late count in the tooltip."""
    width, height, pad = 320, 140, 30
    n = max(len(runs), 2)
    index = {r["run"]: i for i, r in enumerate(runs)}
    rates = [p["on_time_rate"] for p in points if p["on_time_rate"] is not None]
    lo = min(rates + [100.0]) if rates else 90.0
    lo = max(0.0, min(lo, 100.0) - 1.0)
    hi = 100.0

    def xy(p: dict[str, Any]) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * index[p["run"]] / (n - 1)
        rate = p["on_time_rate"] if p["on_time_rate"] is not None else lo
        y = height - pad - (height - 2 * pad) * (rate - lo) / ((hi - lo) or 1)
        return round(x, 1), round(y, 1)

    coords = [xy(p) for p in points]
    parts = [f'<svg class="trend" data-portal="{esc(portal)}" data-points="{len(points)}" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}" role="img">',
             f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#c3ccd6"/>',
             f'<text x="2" y="{pad}">{esc(vn_pct(hi, 0))}</text><text x="2" y="{height - pad}">{esc(vn_pct(lo, 1))}</text>']
    if len(coords) > 1:
        parts.append('<polyline fill="none" stroke="#2b6cb0" stroke-width="2" points="'
                     + " ".join(f"{x},{y}" for x, y in coords) + '"/>')
    for p, (x, y) in zip(points, coords):
        tip = (f"Lần quét {p['run']} ({vn_date(p['observed_on'])}): đúng hạn {vn_pct(p['on_time_rate'])}, "
               f"hồ sơ {vn_int(p['total'])}, trễ hạn {vn_int(p['late'])}")
        parts.append(f'<circle class="point" data-run="{p["run"]}" cx="{x}" cy="{y}" r="4" fill="#2b6cb0">'
                     f"<title>{esc(tip)}</title></circle>")
    for r in runs:
        x = pad + (width - 2 * pad) * index[r["run"]] / (n - 1)
        parts.append(f'<text x="{round(x, 1) - 14}" y="{height - 10}">{esc(vn_date(r["observed_on"])[:5])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render(engine: Engine, year: int | None = None, kind: str = "propaganda_plan") -> str:
    """The whole page as a string."""
    runs = load_runs(engine)
    last = runs[-1]
    year = year if year is not None else last.observed_on.year
    cov = coverage(engine, year, kind=kind, runs=runs)
    comp = compliance(engine, year, kind=kind, runs=runs)
    tr = trend(engine, runs=runs)
    dif = diff(engine, str(runs[-2].id), str(last.id), year=year, kind=kind, runs=runs) if len(runs) > 1 else None

    provinces = sorted({r["province"] for r in cov.rows}, key=fold)
    levels = [lv for lv in LEVELS if any(r["level"] == lv for r in cov.rows)]
    matrix_rows = []
    for prov in provinces:
        cells = [_txt(prov)]
        for lv in levels:
            rows = [r for r in cov.rows if r["province"] == prov and r["level"] == lv]
            if not rows:
                cells.append(("", "na", ""))
                continue
            found = sum(r["found"] for r in rows)
            share = 100.0 * found / len(rows)
            cells.append((esc(f"{found}/{len(rows)} ({vn_pct(share)})"), "yes" if found == len(rows) else
                          "no" if found == 0 else "", f"{share}"))
        matrix_rows.append(cells)
    matrix = _table("coverage-matrix", ["Tỉnh"] + [LEVEL_VI.get(lv, lv) for lv in levels], matrix_rows)

    cov_rows = [[_txt(r["unit"]), _txt(LEVEL_VI.get(r["level"], r["level"])), _txt(r["province"]), _bool(r["found"]),
                 _txt(r["organ"]), _txt(r["doc_number"]), (esc(vn_date(r["doc_date"])), "", esc(r["doc_date"] or "")),
                 (esc(vn_date(r["published_at"])), "", esc(r["published_at"] or "")), _num(r["first_seen_run"]),
                 (link(r["url"], r["title"]), "", ""),
                 _txt(", ".join(f"#{c}" for c in r["corrections"]))] for r in cov.rows]
    cov_table = _table("coverage", ["Đơn vị", "Cấp", "Tỉnh", "Có KH", "Cơ quan", "Số/Ký hiệu", "Ngày ban hành",
                                    "Ngày đăng", "Lần quét đầu", "Văn bản", "Hiệu chỉnh"], cov_rows)

    comp_rows = [[_txt(r["unit"]), _bool(r["found"]), _txt(r["doc_number"]),
                  (esc(vn_date(r["judged_on"])), "", esc(r["judged_on"] or "")),
                  (esc(vn_date(r["deadline"])), "", esc(r["deadline"] or "")),
                  _txt(STATUS_VI.get(r["status"], r["status"])), _num(r["days_since_superior_plan"]),
                  _txt(", ".join(r["sections_missing"] or [])), _bool(r["cites_superior"]), _bool(r["widget_fresh"]),
                  _num(r["widget_on_time_rate"], "pct"), _num(r["widget_late"]),
                  _txt("; ".join(r["widget_problems"]))] for r in comp["rows"]]
    comp_table = _table("compliance", ["Đơn vị", "Có KH", "Số/Ký hiệu", "Ngày ban hành", "Hạn", "Đánh giá",
                                       "Ngày từ KH cấp trên", "Thiếu mục", "Dẫn KH cấp trên", "Widget cập nhật",
                                       "Đúng hạn", "Trễ hạn", "Vấn đề widget"], comp_rows)

    charts = []
    for s in tr["series"]:
        if not s["points"]:
            continue
        lastp = s["points"][-1]
        charts.append(f'<div class="chart"><h3>{esc(s["unit"])}</h3>'
                      f'{chart_svg(s["portal"], s["points"], tr["runs"])}'
                      f'<br><small>Lần quét cuối: hồ sơ {esc(vn_int(lastp["total"]))}, trễ hạn '
                      f'{esc(vn_int(lastp["late"]))}, đúng hạn {esc(vn_pct(lastp["on_time_rate"]))}</small></div>')

    diff_html = "<p>Chỉ có một lần quét: chưa có gì để so sánh.</p>"
    if dif is not None:
        d = dif.data
        doc_rows = [[_txt({"new": "mới", "changed": "thay đổi", "removed": "bị gỡ"}[k]), _txt(r["unit"]),
                     _txt(r["doc_number"]), (link(r["url"], r["title"] or r["url"]), "", "")]
                    for k in ("new", "changed", "removed") for r in d[k]]
        other = ([[_txt("ngừng hoạt động"), _txt(r["unit"]), _txt(r["error"] or r["status_to"]), ("", "", "")] for r in d["portals_down"]]
                 + [[_txt("hoạt động trở lại"), _txt(r["unit"]), _txt(r["status_to"]), ("", "", "")] for r in d["portals_up"]]
                 + [[_txt("trễ hạn tăng"), _txt(r["unit"]), _txt(f"{vn_int(r['late_from'])} → {vn_int(r['late_to'])}"),
                     ("", "", "")] for r in d["widgets_late_rose"]])
        diff_html = (f'<p class="meta">Từ lần quét {dif.run_from.id} ({vn_date(dif.run_from.observed_on)}) đến lần quét '
                     f'{dif.run_to.id} ({vn_date(dif.run_to.observed_on)}): {len(d["new"])} văn bản mới, '
                     f'{len(d["changed"])} thay đổi, {len(d["removed"])} bị gỡ.</p>'
                     + _table("diff", ["Thay đổi", "Đơn vị", "Số/Chi tiết", "Văn bản"], doc_rows + other))

    found = sum(r["found"] for r in cov.rows)
    kind_vi = "tuyên truyền CCHC" if kind == "propaganda_plan" else "CCHC"
    generated = dt.datetime.now(dt.timezone.utc).strftime("%d/%m/%Y %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CCHC Watch — Báo cáo năm {year}</title><style>{CSS}</style></head>
<body>
<h1>CCHC Watch — Kế hoạch {esc(kind_vi)} năm {year}</h1>
<p class="meta">Dữ liệu đến lần quét {last.id} (ngày {vn_date(last.observed_on)}); {len(runs)} lần quét; {found}/{len(cov.rows)} đơn vị
đã có kế hoạch ({esc(vn_pct(100.0 * found / len(cov.rows) if cov.rows else None))}). Tạo lúc {generated}.</p>
<h2>Độ phủ theo tỉnh và cấp</h2>{matrix}
<h2>Độ phủ theo đơn vị</h2>{cov_table}
<h2>Tuân thủ</h2>{comp_table}
<h2>Kết quả giải quyết TTHC (tỷ lệ đúng hạn theo lần quét)</h2><div class="charts" id="trends">{"".join(charts) or "<p>Không có widget nào.</p>"}</div>
<h2>Thay đổi gần nhất</h2>{diff_html}
<script>{JS}</script>
</body></html>
"""


def write_html(engine: Engine, out_dir: str | Path, year: int | None = None, kind: str = "propaganda_plan") -> Path:
    """Write DIR/index.html (creating DIR); returns its path."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} exists and is not a folder")
    page = render(engine, year, kind)
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
