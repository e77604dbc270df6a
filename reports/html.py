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

The parts live beside this module: building blocks in ``reports.htmlkit``, the trends read in SQL in
``reports.html_trends``, the SVG charts in ``reports.charts``; this module assembles the page.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, select

from reports.base import KINDS, LEVELS, ReportError, Run, load_runs, load_units, parse_day, run_as_of
from reports.charts import PALETTE, Axis, bars_svg, province_totals, shared_scale, trend_svg
from reports.compliance import compliance
from reports.coverage import CoverageResult, coverage
from reports.diff import diff
from reports.formatting import pct
from reports.html_trends import Point, _province_series, load_trends
from reports.htmlkit import Cell, Fmt, _kpi, _sorted_provinces, _table, _table_chunks, _txt, esc, link, text_diffs_html
from reports.labels import LANGS, label, local_time
from storage.models import PortalHealth

#: what callers (the benchmark, the tests, the CLI) import from the HTML report
__all__ = ["Fmt", "LATE_STATUSES", "load_trends", "portals_down", "render", "report_runs", "text_diffs_html",
           "write_html"]


LATE_STATUSES = ("late", "missing_past_deadline")


def portals_down(engine: Engine, run: Run) -> list[tuple[str, int | None, str | None]]:
    """(portal, status, error) of every portal whose health row in `run` says unreachable (one run's rows)."""
    with engine.connect() as conn:
        rows = conn.execute(select(PortalHealth.portal_id, PortalHealth.status, PortalHealth.error)
                            .where(and_(PortalHealth.run_id == run.id, PortalHealth.reachable.is_(False)))
                            .order_by(PortalHealth.portal_id)).all()
    return [(r[0], r[1], r[2]) for r in rows]


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
    return "".join(render_chunks(engine, year, kind, lang, as_of, deadlines, now))


def render_chunks(engine: Engine, year: int | None = None, kind: str = "propaganda_plan", lang: str = "vi",
                  as_of: str | dt.date | None = None, deadlines: str | None = None,
                  now: Callable[[], dt.datetime] | None = None) -> Iterator[str]:
    """The page (`render`) as pieces in order, for `write_html` to write as they come.

    Everything the page is computed from (and every error a bad option or database gives) is read when
    this is called; the big parts (the unit tables of 15,000 rows, the trends, the full diff) are made
    into HTML only as the iterator reaches them, so the page is never held whole, nor two of its big
    tables at once.
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
    kind_rows = ((attrs(r["portal"], portal=r["portal"]),
                  [_txt(r["unit"]), _txt(fmt.level(r["level"])), _txt(r["province"])]
                  + [found_cell(by_kind[k][r["portal"]]) for k in KINDS])
                 for r in cov.rows)
    unit_kind = _table_chunks("unit-kind", [fmt.h("unit"), fmt.h("level"), fmt.h("province")]
                              + [fmt.kind(k) for k in KINDS], kind_rows)

    # --- tables
    def yes_no(value: bool | None) -> Cell:
        if value is None:
            return "–", "na", ""
        return (esc(fmt.yes_no(value)), "yes", "1") if value else (esc(fmt.yes_no(value)), "no", "0")

    cov_rows = ((attrs(r["portal"], portal=r["portal"], found="1" if r["found"] else "0"),
                 [_txt(r["unit"]), _txt(fmt.level(r["level"])), _txt(r["province"]), yes_no(r["found"]),
                  _txt(fmt.organ(r["organ"])), _txt(r["doc_number"]),
                  (esc(fmt.date(r["doc_date"])), "", esc(r["doc_date"] or "")),
                  (esc(fmt.date(r["published_at"])), "", esc(r["published_at"] or "")),
                  (esc(fmt.int(r["first_seen_run"])) if r["first_seen_run"] else "", "num", esc(r["first_seen_run"] or "")),
                  (link(r["url"], r["title"]), "", ""), _txt(", ".join(f"#{c}" for c in r["corrections"]))])
                for r in cov.rows)
    cov_table = _table_chunks("coverage", [fmt.h("unit"), fmt.h("level"), fmt.h("province"), fmt.h("found"), fmt.h("organ"),
                                    fmt.h("doc_number"), fmt.h("doc_date"), fmt.h("published_at"), fmt.h("first_seen_run"),
                                    fmt.t("document"), fmt.h("corrections")], cov_rows)

    comp_rows = ((attrs(r["portal"], portal=r["portal"], status=r["status"]),
                  [_txt(r["unit"]), yes_no(r["found"]), _txt(r["doc_number"]),
                   (esc(fmt.date(r["judged_on"])), "", esc(r["judged_on"] or "")),
                   (esc(fmt.date(r["deadline"])), "", esc(r["deadline"] or "")),
                   _txt(fmt.status(r["status"]), "late" if r["status"] in LATE_STATUSES else ""),
                   (esc(fmt.int(r["days_since_superior_plan"])), "num", esc(r["days_since_superior_plan"] or "")),
                   _txt(", ".join(r["sections_missing"] or [])), yes_no(r["cites_superior"]), yes_no(r["widget_fresh"]),
                   (esc(fmt.pct(r["widget_on_time_rate"])), "num", esc(r["widget_on_time_rate"] or "")),
                   (esc(fmt.int(r["widget_late"])), "num", esc(r["widget_late"] if r["widget_late"] is not None else "")),
                   _txt("; ".join(r["widget_problems"]))]) for r in comp["rows"])
    comp_table = _table_chunks("compliance", [fmt.h("unit"), fmt.h("found"), fmt.h("doc_number"), fmt.h("doc_date"),
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
    def figures() -> Iterator[str]:
        """One figure per province with widget readings (its chart and its table), made as written."""
        for number, prov in enumerate(_sorted_provinces(list(by_province)), start=1):
            series = by_province[prov]
            head = [fmt.h("unit")] + [b.title if trends.by == "month" else b.label for b in trends.buckets]
            t_rows = []
            for n, (u, pts) in enumerate(series):
                at = {p.bucket: p for p in pts}
                swatch = f'<span class="swatch" style="background:{PALETTE[n % len(PALETTE)]}"></span>'
                cells = [(swatch + esc(u["unit"]), "", esc(u["unit"]))]
                for b in trends.buckets:
                    p = at.get(b.key)
                    cells.append((esc(fmt.pct(p.rate)) if p else "", "num",
                                  "" if p is None or p.rate is None else f"{p.rate:g}"))
                t_rows.append(({"province": prov, "level": u["level"], "portal": u["portal"]}, cells))
            if len(series) > 1 and combined[prov]:
                at = {p.bucket: p for p in combined[prov]}
                cells = [(f"<b>{esc(fmt.t('province_line'))}</b>", "", "")]
                for b in trends.buckets:
                    p = at.get(b.key)
                    cells.append((esc(fmt.pct(p.rate)) if p else "", "num",
                                  "" if p is None or p.rate is None else f"{p.rate:g}"))
                t_rows.append(({"province": prov}, cells))
            table = _table(f"trend-table-{number}", head, t_rows)
            yield (f'<figure class="trend-province f" data-province="{esc(prov)}"><figcaption>{esc(prov)}</figcaption>'
                   f'{trend_svg(prov, series, combined[prov], axis, fmt)}{table}</figure>')

    trends_note = fmt.t("trends_note", lo=fmt.pct(lo, 1), hi=fmt.pct(hi, 1),
                        by=fmt.t("by_run") if trends.by == "run" else fmt.t("by_month"))

    def diff_html() -> Iterator[str]:
        """The full diff: every document, portal and widget that moved, then the text changes."""
        if dif is None:
            yield f"<p>{esc(fmt.t('one_run'))}</p>"
            return
        d = dif.data
        doc_rows = ((attrs(r["portal"], change=k), [_txt(label("change", k, fmt.lang)), _txt(r["unit"]), _txt(r["doc_number"]),
                                                    (link(r["url"], r["title"] or r["url"]), "", "")])
                    for k in ("new", "changed", "removed") for r in d[k])
        down_rows = ((attrs(r["portal"], change="down"), [_txt(fmt.t("down_row")), _txt(r["unit"]),
                                                          _txt(r["error"] or r["status_to"]), ("", "", "")])
                     for r in d["portals_down"])
        up_rows = ((attrs(r["portal"], change="up"), [_txt(fmt.t("up_row")), _txt(r["unit"]), _txt(r["status_to"]),
                                                      ("", "", "")]) for r in d["portals_up"])
        rose_rows = ((attrs(r["portal"], change="late_rose"),
                      [_txt(fmt.t("late_rose")), _txt(r["unit"]),
                       _txt(f"{fmt.int(r['late_from'])} → {fmt.int(r['late_to'])}"), ("", "", "")])
                     for r in d["widgets_late_rose"])
        yield from _table_chunks("diff", [fmt.h("change"), fmt.h("unit"), fmt.t("detail"), fmt.t("document")],
                                 itertools.chain(doc_rows, down_rows, up_rows, rose_rows))
        yield text_diffs_html(d["changed"], fmt.h("text_diff"))

    options_p = "".join(f'<option value="{esc(p)}">{esc(p)}</option>' for p in provinces)
    options_l = "".join(f'<option value="{esc(lv)}">{esc(fmt.level(lv))}</option>' for lv in levels)
    stamp = local_time(now() if now else dt.datetime.now(dt.UTC))
    generated = stamp.strftime("%d/%m/%Y %H:%M") if stamp else ""
    css = resources.files("reports.assets").joinpath("report.css").read_text(encoding="utf-8")
    js = resources.files("reports.assets").joinpath("report.js").read_text(encoding="utf-8")
    kind_text = fmt.kind(kind)
    def page() -> Iterator[str]:
        yield f"""<!DOCTYPE html>
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
<h2>{esc(fmt.t("unit_kind"))}</h2>"""
        yield from unit_kind
        yield f"""
</section>
<section class="page" id="trends-section">
<h2>{esc(fmt.t("trends"))}</h2><p class="meta">{esc(trends_note)}</p>
<div class="trend-grid" id="trends">"""
        if by_province:
            yield from figures()
        else:
            yield "<p>" + esc(fmt.t("no_widgets")) + "</p>"
        yield f"""</div>
</section>
<section class="page" id="coverage-section"><h2>{esc(fmt.t("coverage"))}</h2>"""
        yield from cov_table
        yield f"""</section>
<section class="page" id="compliance-section"><h2>{esc(fmt.t("compliance"))}</h2>"""
        yield from comp_table
        yield f"""</section>
<section class="page" id="diff-section"><h2>{esc(fmt.t("diff"))}</h2>"""
        yield from diff_html()
        yield f"""</section>
</main>
<script>{js}</script>
</body></html>
"""

    return page()


def write_html(engine: Engine, out_dir: str | Path, year: int | None = None, kind: str = "propaganda_plan",
               lang: str = "vi", as_of: str | dt.date | None = None, deadlines: str | None = None) -> Path:
    """Write DIR/index.html, a piece at a time as it is made (`render_chunks`): the page of a year x
    15,000 portals is tens of megabytes, held once as text and again as bytes when it was written whole.
    DIR is created only once every input is read, so bad input leaves nothing; a failure while writing
    leaves no partial index.html (and no DIR it created)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ReportError(f"--out {out} exists and is not a folder")
    chunks = render_chunks(engine, year, kind, lang, as_of, deadlines)  # bad input raises here
    created = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    index = out / "index.html"
    part = out / ".index.html.part"
    try:
        with part.open("w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(chunk)
        part.replace(index)
    except BaseException:
        part.unlink(missing_ok=True)
        if created and not any(out.iterdir()):
            out.rmdir()
        raise
    return index
