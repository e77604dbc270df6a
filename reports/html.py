"""`cchc report html --out DIR [--lang vi|en]`: one static, offline page a person opens first.

Summary first, because the people who read it (Home Affairs staff scoring reform, journalists) ask
"where are we, who is late, what changed, what is down" before anything else:

1. **Summary**: plans found this year per province (a ranked horizontal bar chart, counts and %),
   units past their deadline without a plan or late (the compliance logic), what changed since the
   previous run (the diff logic), portals down in the last run.
2. **Matrices**: province × level coverage, unit × kind of plan.
3. **Widget trends**: one chart per province, every unit a line, and every chart on ONE shared scale
   (the same on-time-rate axis and the same time axis), values on hover (SVG ``<title>``) and in a
   table beside the chart.
4. **Tables**: coverage per unit, compliance, the full diff.

Everything is rendered here as HTML and inline SVG; ``reports/assets/report.css`` and ``report.js``
(package data, plain CSS and vanilla JavaScript) are inlined so one forwarded ``index.html`` works
offline: nothing is loaded from anywhere. The JavaScript adds sorting, the province and level filters
and recounts the summary for the filtered rows; without it every number is still there. Every scraped
string is escaped and links are kept only for http(s) URLs.

Scale (a year of daily runs × 15,000 portals): the trends are read as aggregates in SQL — one row per
unit per time bucket (per run while there are few runs, else the last reading of each month, chosen
with a window function), never every reading — and the charts draw at most those buckets.
"""
from __future__ import annotations

import builtins
import datetime as dt
import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Select, and_, extract, func, select

from reports.base import KINDS, LEVELS, ReportError, Run, load_runs, load_units, parse_day, run_as_of
from reports.compliance import compliance
from reports.coverage import CoverageResult, coverage
from reports.diff import diff
from reports.formatting import pct, vn_int, vn_number
from reports.labels import LANGS, header, label, local_time, vn_sort_key
from reports.labels import text as sentence
from storage.models import CrawlRun, PortalHealth, WidgetReading

#: Runs up to this many are drawn one point per run; more are drawn as the last reading of each month
#: (the widget's figures are cumulative for the year to its month, so that reading is the month's).
MAX_RUN_POINTS = 31
#: A chart with more points than this draws lines only (the values stay in each line's tooltip and in
#: the table), so a province of 500 communes does not become 15,000 hover targets.
MAX_CHART_POINTS = 1500
LATE_STATUSES = ("late", "missing_past_deadline")

#: Line colours of a province chart's units (cycled); the province's own line is dark and dashed.
PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#b83280",
           "#4a5568", "#276749")


def esc(value: Any) -> str:
    """Any value as HTML text (scraped titles, unit names, errors may hold markup)."""
    return html.escape("" if value is None else str(value), quote=True)


def text_diffs_html(changed: Sequence[dict[str, Any]], heading: str) -> str:
    """What changed in each changed document's main text: its bounded unified diff (reports.diff),
    every line escaped, added lines in <ins>, removed lines in <del>, one <details> per document."""
    blocks = []
    for r in changed:
        if not r.get("text_diff"):
            continue
        lines = []
        for line in r["text_diff"].split("\n"):
            if line.startswith(("+++", "---", "@@")):
                lines.append(f'<span class="hunk">{esc(line)}</span>')
            elif line.startswith("+"):
                lines.append(f"<ins>{esc(line)}</ins>")
            elif line.startswith("-"):
                lines.append(f"<del>{esc(line)}</del>")
            else:
                lines.append(esc(line))
        blocks.append(f'<details class="text-diff" data-portal="{esc(r["portal"])}"><summary>{esc(r["unit"])}: '
                      f'{link(r["url"], r["title"] or r["url"])}</summary><pre>{chr(10).join(lines)}</pre></details>')
    if not blocks:
        return ""
    return f'<h3 id="text-diffs">{esc(heading)} ({len(blocks)})</h3>' + "".join(blocks)


def link(url: str | None, text: str | None = None) -> str:
    """An anchor only for http(s) URLs (a scraped javascript: URL is shown as text, never linked)."""
    if not url:
        return ""
    if not url.strip().lower().startswith(("http://", "https://")):
        return esc(url)
    return f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(text or url)}</a>'


@dataclass(frozen=True)
class Fmt:
    """Numbers, dates and labels in the page's language (Vietnamese: "2.142", "99,41%", 04/03/2026)."""

    lang: str

    def t(self, key: str, **kw: Any) -> str:
        """One of the page's own sentences, from the project's one vocabulary (``html.`` keys)."""
        return sentence(f"html.{key}", self.lang, **kw)

    def int(self, value: int | float | None) -> str:
        text = vn_int(value)
        return text if self.lang == "vi" or value is None else text.replace(".", ",")

    def pct(self, value: float | None, decimals: builtins.int = 2) -> str:  # `int` here is the method above
        if value is None:
            return "–"
        text = vn_number(value, decimals)
        if self.lang == "en":
            text = text.replace(".", "\0").replace(",", ".").replace("\0", ",")
        return text + "%"

    def date(self, value: dt.date | str | None) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            written = value
            try:
                value = dt.date.fromisoformat(written[:10])
            except ValueError:
                return written
        return value.strftime("%d/%m/%Y")

    def level(self, level: str | None) -> str:
        return label("level", level, self.lang)

    def kind(self, kind: str) -> str:
        return label("category", kind, self.lang)

    def organ(self, organ: str | None) -> str:
        return label("organ", organ, self.lang)

    def status(self, status: str) -> str:
        return label("status", status, self.lang)

    def yes_no(self, value: bool | None) -> str:
        return "–" if value is None else label("bool", bool(value), self.lang)

    def h(self, key: str) -> str:
        """A column header from the project's one vocabulary (reports/labels.py)."""
        return header(key, self.lang)


Cell = tuple[str, str, str]  # (html, css class, sort value)


def _table(table_id: str, headers: Sequence[str], rows: Sequence[tuple[dict[str, str], Sequence[Cell]]],
           *, sortable: bool = True, empty: str = "") -> str:
    """A table whose rows carry filter attributes (``data-province``, ``data-level``, …; class ``f``);
    with no row, the sentence `empty` instead of a header over nothing (when one is given)."""
    if not rows and empty:
        return f'<p class="empty" id="{table_id}-empty">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for attrs, cells in rows:
        attr = "".join(f' data-{k}="{esc(v)}"' for k, v in attrs.items())
        tds = "".join(f'<td class="{cls}" data-v="{esc(v)}">{content}</td>' for content, cls, v in cells)
        body.append(f'<tr class="f"{attr}>{tds}</tr>')
    cls = ' class="sortable"' if sortable else ""
    return (f'<div class="scroll"><table id="{table_id}"{cls}><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _txt(value: Any, cls: str = "") -> Cell:
    return esc(value), cls, ""


def _sorted_provinces(names: Sequence[str]) -> list[str]:
    """Vietnamese order (Cà Mau before Cao Bằng, Đà Nẵng after every D…)."""
    return sorted(set(names), key=vn_sort_key)


# --- widget trends: aggregates in SQL ------------------------------------------------------------------

@dataclass
class Bucket:
    """One point of the shared time axis: a run, or a month."""

    key: str
    label: str
    title: str


@dataclass
class Point:
    """A unit's (or a province's) reading for one bucket."""

    bucket: str
    run: int
    total: int | None
    on_time: int | None
    late: int | None
    rate: float | None


@dataclass
class Trends:
    """Per unit, its points on the shared axis; `by` is "run" or "month"."""

    by: str
    buckets: list[Bucket]
    points: dict[str, list[Point]] = field(default_factory=dict)


def _rate(on_time: int | None, total: int | None, stored: float | None) -> float | None:
    """The same rule as `cchc report trend`: the widget's own rate, else on time / processed."""
    if stored is not None:
        return round(stored, 2)
    return pct(on_time, total) if on_time is not None and total else None


def _month_ranges(runs: Sequence[Run]) -> list[tuple[int, int, int]] | None:
    """(yyyymm, first run id, last run id) per observed month, when each month's runs are one unbroken
    range of ids (the normal case: runs are numbered in the order they observe days); else None."""
    out: list[tuple[int, int, int]] = []
    for r in sorted(runs, key=lambda r: r.id):
        key = r.observed_on.year * 100 + r.observed_on.month
        if out and out[-1][0] == key:
            out[-1] = (key, out[-1][1], r.id)
        elif any(m == key for m, _, _ in out):
            return None
        else:
            out.append((key, r.id, r.id))
    return out


def load_trends(engine: Engine, runs: Sequence[Run], portals: Sequence[str], fmt: Fmt) -> Trends:
    """Widget readings aggregated in SQL to one row per portal per bucket.

    Few runs (≤ MAX_RUN_POINTS): every reading (a portal reads at most once per run). More: the last
    reading of each observed month per portal — the figures are cumulative for the year, so that
    reading is the month's figure, as `trend --by month`. When each month's runs are one range of ids
    (the normal case) it is one GROUP BY portal with MAX(run_id) per month over that range of the
    (run_id, portal_id) index, joined back to the reading; otherwise ROW_NUMBER() over (portal, month).
    Either way only portals × buckets rows leave the database.
    """
    wanted = set(portals)
    observed = {r.id: r.observed_on for r in runs}
    by = "run" if len(runs) <= MAX_RUN_POINTS else "month"
    cols = (WidgetReading.portal_id, WidgetReading.run_id, WidgetReading.total, WidgetReading.on_time,
            WidgetReading.late, WidgetReading.on_time_rate)
    ranges = _month_ranges(runs) if by == "month" else None
    stmts: list[Select[*tuple[Any, ...]]]
    if by == "run":
        stmts = [select(*cols).where(WidgetReading.run_id <= runs[-1].id)
                 .order_by(WidgetReading.portal_id, WidgetReading.run_id)]
    elif ranges is not None:
        # one aggregate per month over that month's range of the (run_id, portal_id) index: the last
        # run that read each portal (GROUP BY, MAX), joined back to its reading by the unique index
        stmts = []
        for _key, first, last in ranges:
            latest = (select(WidgetReading.portal_id.label("pid"), func.max(WidgetReading.run_id).label("rid"))
                      .where(WidgetReading.run_id >= first, WidgetReading.run_id <= last)
                      .group_by(WidgetReading.portal_id).subquery())
            stmts.append(select(*cols).join(latest, and_(WidgetReading.portal_id == latest.c.pid,
                                                         WidgetReading.run_id == latest.c.rid)))
    else:
        month = (extract("year", CrawlRun.observed_on) * 100 + extract("month", CrawlRun.observed_on)).label("month")
        ranked = (select(*cols, month, func.row_number().over(
                      partition_by=(WidgetReading.portal_id, month), order_by=WidgetReading.run_id.desc()).label("rn"))
                  .join(CrawlRun, CrawlRun.id == WidgetReading.run_id)
                  .where(WidgetReading.run_id <= runs[-1].id)).subquery()
        stmts = [select(ranked.c.portal_id, ranked.c.run_id, ranked.c.total, ranked.c.on_time, ranked.c.late,
                        ranked.c.on_time_rate).where(ranked.c.rn == 1)
                 .order_by(ranked.c.portal_id, ranked.c.run_id)]
    out = Trends(by, [])
    used: set[str] = set()
    with engine.connect() as conn:
        for one in stmts:
            for pid, run_id, total, on_time, late, stored in conn.execute(one):
                if pid not in wanted or run_id not in observed:
                    continue
                key = str(run_id) if by == "run" else observed[run_id].strftime("%Y-%m")
                used.add(key)
                out.points.setdefault(pid, []).append(Point(key, run_id, total, on_time, late,
                                                            _rate(on_time, total, stored)))
    for pts in out.points.values():
        pts.sort(key=lambda p: p.run)
    if by == "run":
        out.buckets = [Bucket(str(r.id), fmt.date(r.observed_on)[:5], fmt.t("run", run=r.id, day=fmt.date(r.observed_on)))
                       for r in runs]
    else:
        months_seen = sorted({r.observed_on.strftime("%Y-%m") for r in runs} | used)
        out.buckets = [Bucket(m, f"{m[5:]}/{m[2:4]}", f"{m[5:]}/{m[:4]}") for m in months_seen]
    return out


def _province_series(points: Sequence[Sequence[Point]], buckets: Sequence[Bucket]) -> list[Point]:
    """A province's line: dossiers summed over its units that report counts, rate recomputed from the sums
    (never an average of rates), as `trend`'s `combined`."""
    sums: dict[str, list[int]] = {}
    for pts in points:
        for p in pts:
            if p.total is None:
                continue
            s = sums.setdefault(p.bucket, [0, 0, 0, 0])
            s[0] += p.total
            s[1] += p.on_time or 0
            s[2] += p.late or 0
            s[3] = max(s[3], p.run)
    return [Point(b.key, sums[b.key][3], sums[b.key][0], sums[b.key][1], sums[b.key][2], pct(sums[b.key][1], sums[b.key][0]))
            for b in buckets if b.key in sums]


def shared_scale(rates: Sequence[float]) -> tuple[float, float, list[float]]:
    """One y axis for every chart: from a round number at or below the lowest rate read up to 100%, in
    three to five steps of a round size, so 99,2% and 99,9% are not drawn on one pixel and a 60% unit
    still fits."""
    lowest = min(rates) if rates else 90.0
    lo, step = 0.0, 25.0
    for step in (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 25.0):
        lo = max(0.0, min(math.floor(round(lowest / step, 6)) * step, 100.0 - 3 * step))
        if (100.0 - lo) / step <= 5 + 1e-9:
            break
    n = round((100.0 - lo) / step)
    return round(lo, 4), 100.0, [round(lo + i * step, 4) for i in range(n + 1)]


@dataclass(frozen=True)
class Axis:
    """The geometry every trend chart shares (same size, same scales)."""

    lo: float
    hi: float
    ticks: tuple[float, ...]
    buckets: tuple[Bucket, ...]
    width: int = 400
    height: int = 210
    left: int = 48
    right: int = 16
    top: int = 12
    bottom: int = 30

    def x(self, index: int) -> float:
        n = max(len(self.buckets) - 1, 1)
        span = self.width - self.left - self.right
        return round(self.left + (span * index / n if len(self.buckets) > 1 else span / 2), 1)

    def y(self, rate: float) -> float:
        clamped = min(max(rate, self.lo), self.hi)
        return round(self.top + (self.height - self.top - self.bottom) * (self.hi - clamped) / ((self.hi - self.lo) or 1), 1)


def trend_svg(province: str, series: Sequence[tuple[dict[str, Any], list[Point]]], combined: list[Point],
              axis: Axis, fmt: Fmt) -> str:
    """One province's chart: the shared axes, one line per unit (points with a tooltip each), the
    province's summed line dashed. ``data-ymin``/``data-ymax`` state the scale for tests and readers."""
    index = {b.key: i for i, b in enumerate(axis.buckets)}
    titles = {b.key: b.title for b in axis.buckets}
    w, h = axis.width, axis.height
    parts = [(f'<svg class="trend" data-province="{esc(province)}" data-ymin="{axis.lo:g}" data-ymax="{axis.hi:g}" '
              f'width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{esc(province)}">')]
    for tick in axis.ticks:
        y = axis.y(tick)
        parts.append(f'<line class="grid" x1="{axis.left}" y1="{y}" x2="{w - axis.right}" y2="{y}"/>'
                     f'<text class="axis-y" x="{axis.left - 4}" y="{y + 4}" text-anchor="end">{esc(fmt.pct(tick, 1))}</text>')
    parts.append(f'<line class="axis" x1="{axis.left}" y1="{h - axis.bottom}" x2="{w - axis.right}" y2="{h - axis.bottom}"/>')
    every = max(1, -(-len(axis.buckets) // 12))  # at most ~12 labels under the axis
    for i, b in enumerate(axis.buckets):
        if i % every == 0 or i == len(axis.buckets) - 1:
            parts.append(f'<text class="axis-x" x="{axis.x(i)}" y="{h - axis.bottom + 16}" text-anchor="middle">'
                         f'{esc(b.label)}</text>')
    n_points = sum(len(p) for _, p in series)
    draw_points = n_points <= MAX_CHART_POINTS

    def tip(name: str, p: Point) -> str:
        return fmt.t("point", unit=name, when=titles.get(p.bucket, p.bucket), rate=fmt.pct(p.rate),
                     total=fmt.int(p.total), late=fmt.int(p.late))

    for n, (unit, pts) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        drawn = [p for p in pts if p.rate is not None and p.bucket in index]
        coords = [(axis.x(index[p.bucket]), axis.y(p.rate)) for p in drawn]  # type: ignore[arg-type]
        parts.append(f'<g class="series f" data-portal="{esc(unit["portal"])}" data-level="{esc(unit["level"])}" '
                     f'data-province="{esc(province)}" style="stroke:{colour};fill:{colour}">')
        line_tip = esc(unit["unit"] + ": " + "; ".join(f"{titles.get(p.bucket, p.bucket)} {fmt.pct(p.rate)}" for p in drawn))
        if len(coords) > 1:
            parts.append('<polyline points="' + " ".join(f"{x},{y}" for x, y in coords) + f'"><title>{line_tip}</title></polyline>')
        if draw_points or len(coords) == 1:
            for p, (x, y) in zip(drawn, coords):
                parts.append(f'<circle class="point" data-run="{p.run}" data-bucket="{esc(p.bucket)}" data-v="{p.rate:g}" '
                             f'cx="{x}" cy="{y}" r="3.5"><title>{esc(tip(unit["unit"], p))}</title></circle>')
        parts.append("</g>")
    if len(series) > 1 and combined:
        coords = [(axis.x(index[p.bucket]), axis.y(p.rate)) for p in combined if p.rate is not None]
        if len(coords) > 1:
            line_tip = esc(fmt.t("province_line") + " " + province + ": "
                           + "; ".join(f"{titles.get(p.bucket, p.bucket)} {fmt.pct(p.rate)}" for p in combined))
            parts.append('<polyline class="combined" points="' + " ".join(f"{x},{y}" for x, y in coords)
                         + f'"><title>{line_tip}</title></polyline>')
    parts.append("</svg>")
    return "".join(parts)


# --- the summary bar chart -----------------------------------------------------------------------------

def bars_svg(totals: Sequence[dict[str, Any]], fmt: Fmt) -> str:
    """Plans found per province, ranked by share then count: a horizontal bar per province on a 0–100%
    scale, "found/units (share)" beside it. Each bar is a filter button (report.js)."""
    label_w, bar_w, val_w, row_h = 150, 300, 130, 22
    width = label_w + bar_w + val_w
    height = row_h * len(totals) + 8
    parts = [(f'<svg class="bars" id="found-by-province" width="{width}" height="{height}" '
              f'viewBox="0 0 {width} {height}" role="img">')]
    for i, t in enumerate(totals):
        y = 4 + i * row_h
        full = float(bar_w)
        share = t["found_pct"] or 0.0
        value = f'{fmt.int(t["found"])}/{fmt.int(t["units"])} ({fmt.pct(t["found_pct"] if t["units"] else None)})'
        parts.append(
            f'<g class="bar" data-province="{esc(t["province"])}" data-found="{t["found"]}" data-units="{t["units"]}">'
            f'<title>{esc(t["province"])}: {esc(value)}</title>'
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(t["province"])}</text>'
            f'<rect class="track" x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 7}"/>'
            f'<rect class="bar" data-full="{full:g}" x="{label_w}" y="{y + 3}" width="{full * share / 100:.1f}" '
            f'height="{row_h - 7}"/>'
            f'<text class="val" x="{label_w + bar_w + 6}" y="{y + 15}">{esc(value)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def province_totals(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """found/units per province from the coverage rows (one per unit), ranked: share, then count, then name."""
    groups: dict[str, list[int]] = {}
    for r in rows:
        g = groups.setdefault(r["province"], [0, 0])
        g[0] += 1
        g[1] += 1 if r["found"] else 0
    out: list[dict[str, Any]] = [{"province": p, "units": n, "found": f, "found_pct": pct(f, n)}
                                 for p, (n, f) in groups.items()]
    out.sort(key=lambda t: (-(t["found_pct"] or 0.0), -t["found"], vn_sort_key(t["province"])))
    return out


def portals_down(engine: Engine, run: Run) -> list[tuple[str, int | None, str | None]]:
    """(portal, status, error) of every portal whose health row in `run` says unreachable (one run's rows)."""
    with engine.connect() as conn:
        rows = conn.execute(select(PortalHealth.portal_id, PortalHealth.status, PortalHealth.error)
                            .where(and_(PortalHealth.run_id == run.id, PortalHealth.reachable.is_(False)))
                            .order_by(PortalHealth.portal_id)).all()
    return [(r[0], r[1], r[2]) for r in rows]


def _kpi(value: str, label: str, *, count: str, cls: str = "", of: bool = False, pct_text: str = "",
         kpi_id: str = "") -> str:
    """A summary card; `count` is the CSS selector of the rows report.js recounts when filtering."""
    extra = f'<span class="pct">{esc(pct_text)}</span>' if of else ""
    of_attr = ' data-of="1"' if of else ""
    return (f'<div class="kpi {cls}" id="{kpi_id}" data-count="{esc(count)}"{of_attr}>'
            f'<div class="value">{esc(value)}</div><div class="label">{extra} {esc(label)}</div></div>')


def report_runs(engine: Engine, lang: str = "vi", as_of: str | dt.date | None = None) -> list[Run]:
    """Check the options and return the runs the page is built from (all, or those up to ``as_of``).

    Called by the command before it starts, so a bad option is one ``error:`` line and nothing else."""
    if lang not in LANGS:
        raise ReportError(f"unknown --lang {lang!r}: choose vi or en")
    runs = load_runs(engine)
    if as_of is not None:
        day = parse_day(as_of, "--as-of") if isinstance(as_of, str) else as_of
        upto = run_as_of(runs, day, "--as-of")
        runs = [r for r in runs if r.id <= upto.id]
    return runs


def render(engine: Engine, year: int | None = None, kind: str = "propaganda_plan", lang: str = "vi",
           as_of: str | dt.date | None = None, deadlines: str | None = None,
           now: Callable[[], dt.datetime] | None = None) -> str:
    """The whole page as a string (see the module docstring for its parts).

    ``as_of`` (a date) gives the page as the database knew it then: every part is computed from the
    runs observed on or before it, so "what changed" and "portals down" are those of that day's run.
    ``deadlines`` is the deadline configuration `cchc report compliance --deadlines` reads.
    """
    fmt = Fmt(lang)
    runs = report_runs(engine, lang, as_of)
    last = runs[-1]
    year = year if year is not None else last.observed_on.year
    units_all = load_units(engine)  # once for both kinds (sorting 15,000 units in Vietnamese order is not free)
    covs: dict[str, CoverageResult] = {k: coverage(engine, year, kind=k, runs=runs, units=units_all) for k in KINDS}
    cov = covs[kind]
    comp = compliance(engine, year, kind=kind, runs=runs, config_path=deadlines)
    dif = diff(engine, str(runs[-2].id), str(last.id), year=year, kind=kind, runs=runs) if len(runs) > 1 else None
    units = {r["portal"]: r for r in cov.rows}
    province_of = {p: r["province"] for p, r in units.items()}
    level_of = {p: r["level"] for p, r in units.items()}

    def attrs(portal: str | None, /, **more: str) -> dict[str, str]:
        a = {"province": province_of.get(portal or "", ""), "level": level_of.get(portal or "", "")}
        a.update(more)
        return a

    provinces = _sorted_provinces([r["province"] for r in cov.rows])
    levels = [lv for lv in LEVELS if any(r["level"] == lv for r in cov.rows)]

    # --- summary
    found = sum(1 for r in cov.rows if r["found"])
    late_rows = [r for r in comp["rows"] if r["status"] in LATE_STATUSES]
    unknown = sum(1 for r in comp["rows"] if r["status"] == "no_deadline_known")
    down = portals_down(engine, last)
    newly_down = {r["portal"] for r in dif.data["portals_down"]} if dif else set()
    n_changes = sum(len(dif.data[k]) for k in ("new", "changed", "removed")) if dif else 0
    kpis = "".join([
        _kpi(f"{fmt.int(found)}/{fmt.int(len(cov.rows))}", fmt.t("kpi_found"), count="#coverage tbody tr", of=True,
             pct_text=fmt.pct(pct(found, len(cov.rows))), cls="good", kpi_id="kpi-found"),
        _kpi(fmt.int(len(late_rows)), fmt.t("kpi_late"), count="#late tbody tr", cls="bad" if late_rows else "good",
             kpi_id="kpi-late"),
        _kpi(fmt.int(n_changes), fmt.t("kpi_changes"), count="#changes tbody tr", cls="warn" if n_changes else "",
             kpi_id="kpi-changes"),
        _kpi(fmt.int(len(down)), fmt.t("kpi_down"), count="#down tbody tr", cls="bad" if down else "good",
             kpi_id="kpi-down"),
    ])
    late_table = _table("late", [fmt.h("unit"), fmt.h("level"), fmt.h("province"), fmt.h("status"), fmt.h("deadline"),
                                 fmt.h("days_late"), fmt.h("doc_number")],
                        [(attrs(r["portal"], portal=r["portal"]),
                          [_txt(r["unit"]), _txt(fmt.level(r["level"])), _txt(r["province"]),
                           _txt(fmt.status(r["status"]), "late"),
                           (esc(fmt.date(r["deadline"])), "", esc(r["deadline"] or "")),
                           (esc(fmt.int(r["days_late"])), "num", "" if r["days_late"] is None else str(r["days_late"])),
                           _txt(r["doc_number"])]) for r in late_rows], empty=fmt.t("none_late"))
    late_html = (late_table
                 + f'<p class="meta">{esc(fmt.t("deadline_note", unknown=fmt.int(unknown)))}</p>')
    if dif is None:
        changes_html = f"<p>{esc(fmt.t('one_run'))}</p>"
        changes_head = fmt.t("diff")
    else:
        d = dif.data
        changes_head = fmt.t("changes", a=dif.run_from.id, da=fmt.date(dif.run_from.observed_on), b=dif.run_to.id,
                             db=fmt.date(dif.run_to.observed_on))
        rows = [(attrs(r["portal"], change=k, portal=r["portal"]),
                 [_txt(label("change", k, fmt.lang)), _txt(r["unit"]), _txt(r["doc_number"]), (link(r["url"], r["title"] or r["url"]), "", "")])
                for k in ("new", "changed", "removed") for r in d[k]]
        counts = " · ".join(f'<span class="count" data-count="#changes tbody tr[data-change={k}]">{esc(fmt.int(len(d[k])))}'
                            f'</span> {esc(label("change", k, fmt.lang).lower())}' for k in ("new", "changed", "removed"))
        changes_html = (f'<p class="meta" id="changes-counts">{counts}</p>'
                        + _table("changes", [fmt.h("change"), fmt.h("unit"), fmt.h("doc_number"), fmt.t("document")], rows,
                                 empty=fmt.t("no_changes")))
    down_rows = [(attrs(pid, portal=pid), [_txt(units[pid]["unit"] if pid in units else pid), _txt(province_of.get(pid, "")),
                                           _txt(status), _txt(error),
                                           _txt(fmt.t("newly_down") if pid in newly_down else "")])
                 for pid, status, error in down]
    down_html = _table("down", [fmt.h("unit"), fmt.h("province"), "HTTP", fmt.h("error"), ""], down_rows,
                       empty=fmt.t("none_down"))
    if dif is not None and dif.data["portals_up"]:
        down_html += f'<p class="meta">{esc(fmt.t("back_up", units=", ".join(r["unit"] for r in dif.data["portals_up"])))}</p>'
    bars = bars_svg(province_totals(cov.rows), fmt)

    # --- matrices
    matrix_rows = []
    for prov in provinces:
        cells: list[Cell] = [_txt(prov)]
        for lv in levels:
            rows_pl = [r for r in cov.rows if r["province"] == prov and r["level"] == lv]
            if not rows_pl:
                cells.append(("", "na", ""))
                continue
            f = sum(1 for r in rows_pl if r["found"])
            share = pct(f, len(rows_pl))
            cells.append((esc(f"{fmt.int(f)}/{fmt.int(len(rows_pl))} ({fmt.pct(share)})"),
                          "yes" if f == len(rows_pl) else "no" if f == 0 else "", f"{share}"))
        matrix_rows.append(({"province": prov}, cells))
    matrix = _table("coverage-matrix", [fmt.h("province")] + [fmt.level(lv) for lv in levels], matrix_rows)

    def found_cell(r: dict[str, Any]) -> Cell:
        if not r["found"]:
            return esc(fmt.yes_no(False)), "no", "0"
        return (link(r["url"], r["doc_number"] or fmt.yes_no(True)) or esc(r["doc_number"] or fmt.yes_no(True))), "yes", "1"

    by_kind = {k: {r["portal"]: r for r in c.rows} for k, c in covs.items()}
    kind_rows = [(attrs(r["portal"], portal=r["portal"]),
                  [_txt(r["unit"]), _txt(fmt.level(r["level"])), _txt(r["province"])]
                  + [found_cell(by_kind[k][r["portal"]]) for k in KINDS])
                 for r in cov.rows]
    unit_kind = _table("unit-kind", [fmt.h("unit"), fmt.h("level"), fmt.h("province")] + [fmt.kind(k) for k in KINDS],
                       kind_rows)

    # --- tables
    def yes_no(value: bool | None) -> Cell:
        if value is None:
            return "–", "na", ""
        return (esc(fmt.yes_no(value)), "yes", "1") if value else (esc(fmt.yes_no(value)), "no", "0")

    cov_rows = [(attrs(r["portal"], portal=r["portal"], found="1" if r["found"] else "0"),
                 [_txt(r["unit"]), _txt(fmt.level(r["level"])), _txt(r["province"]), yes_no(r["found"]),
                  _txt(fmt.organ(r["organ"])), _txt(r["doc_number"]),
                  (esc(fmt.date(r["doc_date"])), "", esc(r["doc_date"] or "")),
                  (esc(fmt.date(r["published_at"])), "", esc(r["published_at"] or "")),
                  (esc(fmt.int(r["first_seen_run"])) if r["first_seen_run"] else "", "num", esc(r["first_seen_run"] or "")),
                  (link(r["url"], r["title"]), "", ""), _txt(", ".join(f"#{c}" for c in r["corrections"]))])
                for r in cov.rows]
    cov_table = _table("coverage", [fmt.h("unit"), fmt.h("level"), fmt.h("province"), fmt.h("found"), fmt.h("organ"),
                                    fmt.h("doc_number"), fmt.h("doc_date"), fmt.h("published_at"), fmt.h("first_seen_run"),
                                    fmt.t("document"), fmt.h("corrections")], cov_rows)

    comp_rows = [(attrs(r["portal"], portal=r["portal"], status=r["status"]),
                  [_txt(r["unit"]), yes_no(r["found"]), _txt(r["doc_number"]),
                   (esc(fmt.date(r["judged_on"])), "", esc(r["judged_on"] or "")),
                   (esc(fmt.date(r["deadline"])), "", esc(r["deadline"] or "")),
                   _txt(fmt.status(r["status"]), "late" if r["status"] in LATE_STATUSES else ""),
                   (esc(fmt.int(r["days_since_superior_plan"])), "num", esc(r["days_since_superior_plan"] or "")),
                   _txt(", ".join(r["sections_missing"] or [])), yes_no(r["cites_superior"]), yes_no(r["widget_fresh"]),
                   (esc(fmt.pct(r["widget_on_time_rate"])), "num", esc(r["widget_on_time_rate"] or "")),
                   (esc(fmt.int(r["widget_late"])), "num", esc(r["widget_late"] if r["widget_late"] is not None else "")),
                   _txt("; ".join(r["widget_problems"]))]) for r in comp["rows"]]
    comp_table = _table("compliance", [fmt.h("unit"), fmt.h("found"), fmt.h("doc_number"), fmt.h("doc_date"),
                                       fmt.h("deadline"), fmt.h("status"), fmt.h("days_since_superior_plan"),
                                       fmt.h("sections_missing"), fmt.h("cites_superior"), fmt.h("widget_fresh"),
                                       fmt.h("widget_on_time_rate"), fmt.h("late"), fmt.h("widget_problems")], comp_rows)

    # --- trends: one chart per province, one shared axis
    trends = load_trends(engine, runs, list(units), fmt)
    rates = [p.rate for pts in trends.points.values() for p in pts if p.rate is not None]
    by_province: dict[str, list[tuple[dict[str, Any], list[Point]]]] = {}
    for r in cov.rows:
        if trends.points.get(r["portal"]):
            by_province.setdefault(r["province"], []).append((r, trends.points[r["portal"]]))
    combined = {p: _province_series([pts for _, pts in s], trends.buckets) for p, s in by_province.items()}
    rates += [p.rate for pts in combined.values() for p in pts if p.rate is not None and len(by_province) > 0]
    lo, hi, ticks = shared_scale(rates)
    axis = Axis(lo, hi, tuple(ticks), tuple(trends.buckets))
    figures: list[str] = []
    for prov in _sorted_provinces(list(by_province)):
        series = by_province[prov]
        head = [fmt.h("unit")] + [b.title if trends.by == "month" else b.label for b in trends.buckets]
        t_rows = []
        for n, (u, pts) in enumerate(series):
            at = {p.bucket: p for p in pts}
            swatch = f'<span class="swatch" style="background:{PALETTE[n % len(PALETTE)]}"></span>'
            cells = [(swatch + esc(u["unit"]), "", esc(u["unit"]))]
            for b in trends.buckets:
                p = at.get(b.key)
                cells.append((esc(fmt.pct(p.rate)) if p else "", "num", "" if p is None or p.rate is None else f"{p.rate:g}"))
            t_rows.append(({"province": prov, "level": u["level"], "portal": u["portal"]}, cells))
        if len(series) > 1 and combined[prov]:
            at = {p.bucket: p for p in combined[prov]}
            cells = [(f"<b>{esc(fmt.t('province_line'))}</b>", "", "")]
            for b in trends.buckets:
                p = at.get(b.key)
                cells.append((esc(fmt.pct(p.rate)) if p else "", "num", "" if p is None or p.rate is None else f"{p.rate:g}"))
            t_rows.append(({"province": prov}, cells))
        table = _table(f"trend-table-{len(figures) + 1}", head, t_rows)
        figures.append(f'<figure class="trend-province f" data-province="{esc(prov)}"><figcaption>{esc(prov)}</figcaption>'
                       f'{trend_svg(prov, series, combined[prov], axis, fmt)}{table}</figure>')
    trends_note = fmt.t("trends_note", lo=fmt.pct(lo, 1), hi=fmt.pct(hi, 1),
                        by=fmt.t("by_run") if trends.by == "run" else fmt.t("by_month"))

    diff_html = f"<p>{esc(fmt.t('one_run'))}</p>"
    if dif is not None:
        d = dif.data
        doc_rows = [(attrs(r["portal"], change=k), [_txt(label("change", k, fmt.lang)), _txt(r["unit"]), _txt(r["doc_number"]),
                                                    (link(r["url"], r["title"] or r["url"]), "", "")])
                    for k in ("new", "changed", "removed") for r in d[k]]
        other = ([(attrs(r["portal"], change="down"), [_txt(fmt.t("down_row")), _txt(r["unit"]),
                                                        _txt(r["error"] or r["status_to"]), ("", "", "")])
                  for r in d["portals_down"]]
                 + [(attrs(r["portal"], change="up"), [_txt(fmt.t("up_row")), _txt(r["unit"]), _txt(r["status_to"]),
                                                       ("", "", "")]) for r in d["portals_up"]]
                 + [(attrs(r["portal"], change="late_rose"),
                     [_txt(fmt.t("late_rose")), _txt(r["unit"]),
                      _txt(f"{fmt.int(r['late_from'])} → {fmt.int(r['late_to'])}"), ("", "", "")])
                    for r in d["widgets_late_rose"]])
        diff_html = _table("diff", [fmt.h("change"), fmt.h("unit"), fmt.t("detail"), fmt.t("document")], doc_rows + other)
        diff_html += text_diffs_html(d["changed"], fmt.h("text_diff"))

    options_p = "".join(f'<option value="{esc(p)}">{esc(p)}</option>' for p in provinces)
    options_l = "".join(f'<option value="{esc(lv)}">{esc(fmt.level(lv))}</option>' for lv in levels)
    stamp = local_time(now() if now else dt.datetime.now(dt.UTC))
    generated = stamp.strftime("%d/%m/%Y %H:%M") if stamp else ""
    css = resources.files("reports.assets").joinpath("report.css").read_text(encoding="utf-8")
    js = resources.files("reports.assets").joinpath("report.js").read_text(encoding="utf-8")
    kind_text = fmt.kind(kind)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(fmt.t("title", year=year))}</title><style>{css}</style></head>
<body>
<nav class="filters" aria-label="filters">
<label>{esc(fmt.h("province"))} <select id="filter-province"><option value="">{esc(fmt.t("all_provinces"))}</option>{options_p}</select></label>
<label>{esc(fmt.h("level"))} <select id="filter-level"><option value="">{esc(fmt.t("all_levels"))}</option>{options_l}</select></label>
<button type="button" id="filter-reset">{esc(fmt.t("reset"))}</button><span class="filter-state" id="filter-state"></span>
</nav>
<main>
<section class="page" id="summary">
<h1>{esc(fmt.t("h1", kind=kind_text, year=year))}</h1>
<p class="meta">{esc(fmt.t("meta", run=last.id, day=fmt.date(last.observed_on), runs=len(runs), generated=generated))}</p>
<p class="filter-note">{esc(fmt.t("filtered"))} <span id="filter-note-text"></span></p>
<h2>{esc(fmt.t("summary"))}</h2>
<div class="kpis">{kpis}</div>
<div class="summary-grid">
<div class="panel"><h3>{esc(fmt.t("found_by_province"))}</h3>{bars}<p class="meta no-print">{esc(fmt.t("bars_hint"))}</p></div>
<div>
<div class="panel"><h3>{esc(fmt.t("late_units"))}</h3>{late_html}</div>
<div class="panel"><h3>{esc(changes_head)}</h3>{changes_html}</div>
<div class="panel"><h3>{esc(fmt.t("down", run=last.id))}</h3>{down_html}</div>
</div></div>
</section>
<section class="page" id="matrices">
<h2>{esc(fmt.t("matrix"))}</h2>{matrix}
<h2>{esc(fmt.t("unit_kind"))}</h2>{unit_kind}
</section>
<section class="page" id="trends-section">
<h2>{esc(fmt.t("trends"))}</h2><p class="meta">{esc(trends_note)}</p>
<div class="trend-grid" id="trends">{"".join(figures) or "<p>" + esc(fmt.t("no_widgets")) + "</p>"}</div>
</section>
<section class="page" id="coverage-section"><h2>{esc(fmt.t("coverage"))}</h2>{cov_table}</section>
<section class="page" id="compliance-section"><h2>{esc(fmt.t("compliance"))}</h2>{comp_table}</section>
<section class="page" id="diff-section"><h2>{esc(fmt.t("diff"))}</h2>{diff_html}</section>
</main>
<script>{js}</script>
</body></html>
"""


def write_html(engine: Engine, out_dir: str | Path, year: int | None = None, kind: str = "propaganda_plan",
               lang: str = "vi", as_of: str | dt.date | None = None, deadlines: str | None = None) -> Path:
    """Write DIR/index.html (creating DIR only once the page is built, so bad input leaves nothing)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} exists and is not a folder")
    page = render(engine, year, kind, lang, as_of, deadlines)
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
