"""Inline SVG charts of the HTML report (no script, no external asset): a province's trend lines on a
scale shared by every chart of the page, and the bars of plans found per province.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reports.formatting import pct
from reports.html_trends import Bucket, Point
from reports.htmlkit import Fmt, esc
from reports.labels import vn_sort_key

#: A chart with more points than this draws lines only (the values stay in each line's tooltip and in
#: the table), so a province of 500 communes does not become 15,000 hover targets.
MAX_CHART_POINTS = 1500

#: Line colours of a province chart's units (cycled); the province's own line is dark and dashed.
PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#b83280",
           "#4a5568", "#276749")


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
