"""The drift canary (issue 14): did a portal's pages stop yielding what they used to?

A portal that changes its template keeps answering 200: the run completes, the health row says
"reachable", and yet its pages lose their titles, dates, main text or document numbers, or the home
page its widget. Each run stores per portal what its pages yielded (`storage.health_models.PortalYield`,
written when the run closes); this module compares each figure of a run with the portal's own
trailing median and names the figures that fell. Like fundus's daily coverage check, the yardstick is
the portal's own past, never a global norm: a portal whose pages never carried a date is not flagged
for having none.

Rules (the README repeats them):
- Only **complete** runs in which the portal was not unreachable count, as the run judged and as history
  (a portal that is down is reported as down, not as "layout changed?").
- **Shares** (with a title, a date, a main text among extracted pages; with a document number among
  CCHC pages; runs with a widget reading) are computed over a *pool*: the run itself when it extracted at
  least `MIN_PAGES` pages of the portal, else the run and the portal's earlier runs observed within
  `POOL_DAYS` days before it, newest first, until the pool holds `MIN_PAGES` pages (incremental crawls
  extract few pages a day). A pool that never reaches `MIN_PAGES` gives no figure that day. The
  document-number share also needs `MIN_CCHC_PAGES` CCHC pages in the pool.
- **Counts** (pages fetched, pages extracted) are judged on the run alone against the median of the
  same count in earlier runs; pages extracted only when that median is at least `MIN_PAGES`.
- The median is over the figures of the portal's last `HISTORY_RUNS` earlier runs that have one (runs
  observed within `LOOKBACK_DAYS` before the run judged), and is used once there are at least
  `MIN_HISTORY` of them.
- A share **fell** when it is at least `SHARE_DROP` (25 percentage points) below the median *and* at
  most `RATIO` (half) of it; a count fell when it is below `RATIO` of the median. Any fallen figure
  marks the portal "layout changed?" for that run.

`layout_changes(session, run_id)` is the entry point other parts call (the crawl's summary, alerts).
"""
from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from reports.rows import KeyedRow
from storage.health_models import PortalYield
from storage.models import CrawlRun

#: a figure (one run, or a pool of runs) needs at least this many extracted pages of the portal
MIN_PAGES = 10
#: a run with fewer pages borrows the portal's earlier runs observed at most this many days before it
POOL_DAYS = 7
#: the document-number share needs at least this many CCHC pages in the pool
MIN_CCHC_PAGES = 5
#: the median is over at most this many earlier figures of the portal…
HISTORY_RUNS = 14
#: …and is used only once there are at least this many (a template change on day 3 is caught)
MIN_HISTORY = 2
#: a share fell when it is this many points (0..1) below the median and at most RATIO of it
SHARE_DROP = 0.25
#: a count fell when below this fraction of its median; a share must also be at most this fraction
RATIO = 0.5
#: how far back (days before the first run judged) rows are read: the history is the last HISTORY_RUNS
#: figures within this window (five weeks: two weeks of daily runs and their pools, or weekly crawls)
LOOKBACK_DAYS = 35

#: metric -> what it counts (machine names; people's labels in reports.labels)
SHARE_METRICS = ("title_share", "date_share", "text_share", "number_share", "widget_share")
COUNT_METRICS = ("pages_fetched", "pages_extracted")
METRICS = (*COUNT_METRICS, *SHARE_METRICS)


@dataclass(frozen=True)
class MetricFall:
    """One figure that fell: its value in the run judged and the portal's trailing median."""

    metric: str
    value: float
    median: float


@dataclass(frozen=True)
class LayoutChange:
    """A portal whose pages stopped yielding what they used to, in one run ("layout changed?")."""

    portal_id: str
    run_id: int
    metrics: list[MetricFall] = field(default_factory=list)


@dataclass(slots=True)
class _Row:
    run_id: int
    observed_on: dt.date
    reachable: bool | None
    fetched: int
    extracted: int
    title: int
    date: int
    text: int
    cchc: int
    numbered: int
    widget: int


@dataclass
class Verdict:
    """What the canary says of one portal in one run: the figures, their medians, what fell."""

    portal_id: str
    run_id: int
    observed_on: dt.date
    state: str  # judged | down | few_pages | no_history
    values: dict[str, float | None]
    medians: dict[str, float | None]
    fell: list[MetricFall]

    @property
    def layout_changed(self) -> bool:
        return bool(self.fell)


def _pooled(rows: Sequence[_Row], i: int) -> dict[str, float | None] | None:
    """The share figures of row `i` over its pool, or None when the pool holds too few pages."""
    start = rows[i].observed_on - dt.timedelta(days=POOL_DAYS)
    runs = pages = title = date = text = cchc = numbered = widget = 0
    for j in range(i, -1, -1):
        r = rows[j]
        if r.observed_on < start:
            break
        if r.reachable is False:
            continue
        runs += 1
        pages += r.extracted
        title += r.title
        date += r.date
        text += r.text
        cchc += r.cchc
        numbered += r.numbered
        widget += 1 if r.widget else 0
        if pages >= MIN_PAGES:
            break
    if pages < MIN_PAGES:
        return None
    return {
        "title_share": title / pages, "date_share": date / pages, "text_share": text / pages,
        "number_share": numbered / cchc if cchc >= MIN_CCHC_PAGES else None,
        "widget_share": widget / runs,
    }


def _judge_portal(portal_id: str, rows: list[_Row], wanted: set[int] | None) -> Iterator[Verdict]:
    """Verdicts for the portal's rows whose run is in `wanted` (all when None), oldest first.

    Figures are computed only for the rows judged and their history (at most HISTORY_RUNS + 1 pools
    per row), each once.
    """
    usable = [i for i, r in enumerate(rows) if r.reachable is not False]
    position = {i: n for n, i in enumerate(usable)}
    cache: dict[int, dict[str, float | None] | None] = {}

    def figure(k: int) -> dict[str, float | None] | None:
        if k not in cache:
            cache[k] = _pooled(rows, k)
        return cache[k]

    for i, r in enumerate(rows):
        if wanted is not None and r.run_id not in wanted:
            continue
        values: dict[str, float | None] = {"pages_fetched": float(r.fetched), "pages_extracted": float(r.extracted)}
        medians: dict[str, float | None] = dict.fromkeys(METRICS)
        if r.reachable is False:
            values.update(dict.fromkeys(SHARE_METRICS))
            yield Verdict(portal_id, r.run_id, r.observed_on, "down", values, medians, [])
            continue
        fig = figure(i)
        values.update(fig or dict.fromkeys(SHARE_METRICS))
        n = position[i]
        earlier = usable[max(0, n - HISTORY_RUNS):n]
        fell: list[MetricFall] = []
        judged = False
        if len(earlier) >= MIN_HISTORY:
            for metric, now, past in (("pages_fetched", r.fetched, [rows[k].fetched for k in earlier]),
                                      ("pages_extracted", r.extracted, [rows[k].extracted for k in earlier])):
                med = float(statistics.median(past))
                medians[metric] = med
                if metric == "pages_extracted" and med < MIN_PAGES:
                    continue
                judged = True
                if now < RATIO * med:
                    fell.append(MetricFall(metric, float(now), med))
        history = [f for k in earlier if (f := figure(k)) is not None]
        for metric in SHARE_METRICS:
            past_shares = [v for f in history if (v := f[metric]) is not None]
            if len(past_shares) < MIN_HISTORY:
                continue
            med = statistics.median(past_shares)
            medians[metric] = med
            now_share = fig[metric] if fig is not None else None
            if now_share is None:
                continue
            judged = True
            if now_share <= med - SHARE_DROP and now_share <= RATIO * med:
                fell.append(MetricFall(metric, round(now_share, 4), round(med, 4)))
        state = "judged" if judged else ("few_pages" if fig is None and len(earlier) >= MIN_HISTORY else "no_history")
        yield Verdict(portal_id, r.run_id, r.observed_on, state, values, medians, fell)


def _portal_rows(session: Session, *, since: dt.date, upto_run: int, portal_id: str | None
                 ) -> Iterator[tuple[str, list[_Row]]]:
    """Rows of complete runs observed since `since` up to run `upto_run`, streamed one portal at a time."""
    y = PortalYield
    query = (select(y.portal_id, y.run_id, CrawlRun.observed_on, y.reachable, y.pages_fetched, y.pages_extracted,
                    y.with_title, y.with_date, y.with_text, y.cchc_pages, y.cchc_with_number, y.widget_readings)
             .join(CrawlRun, CrawlRun.id == y.run_id)
             .where(CrawlRun.status == "complete", CrawlRun.observed_on >= since, y.run_id <= upto_run)
             .order_by(y.portal_id, y.run_id))
    if portal_id is not None:
        query = query.where(y.portal_id == portal_id)
    current: str | None = None
    rows: list[_Row] = []
    # the options go on the statement, not the connection: Connection.execution_options() changes the
    # session's connection in place, and its later statements (an alert's SAVEPOINT) became server cursors
    for rec in session.connection().execute(query.execution_options(stream_results=True, yield_per=2000)):
        if rec[0] != current:
            if current is not None:
                yield current, rows
            current, rows = rec[0], []
        rows.append(_Row(*tuple(rec)[1:]))
    if current is not None:
        yield current, rows


def verdicts(session: Session, *, first_day: dt.date, upto_run: int, portal_id: str | None = None
             ) -> Iterator[Verdict]:
    """The canary's verdict for every portal and complete run observed from `first_day` up to `upto_run`."""
    since = first_day - dt.timedelta(days=LOOKBACK_DAYS)
    for pid, rows in _portal_rows(session, since=since, upto_run=upto_run, portal_id=portal_id):
        wanted = {r.run_id for r in rows if r.observed_on >= first_day}
        yield from _judge_portal(pid, rows, wanted)


def layout_changes(session: Session, run_id: int) -> list[LayoutChange]:
    """Portals whose pages stopped yielding what they used to in run `run_id` ("layout changed?").

    For the crawl's summary and for alerts: call it after the run is closed (its figures are written
    by `Store.finish_run`). A run that is not complete, or unknown, gives an empty list (its pages are
    partial: a fall would say nothing about the template). Sorted by portal id; each change lists the
    figures that fell with their value in this run and the portal's trailing median (rules in the
    module docstring and README's "The drift canary").
    """
    run = session.get(CrawlRun, run_id)
    if run is None or run.status != "complete":
        return []
    since = run.observed_on - dt.timedelta(days=LOOKBACK_DAYS)
    out: list[LayoutChange] = []
    for pid, rows in _portal_rows(session, since=since, upto_run=run_id, portal_id=None):
        for v in _judge_portal(pid, rows, {run_id}):
            if v.fell:
                out.append(LayoutChange(pid, run_id, list(v.fell)))
    return out


# ----------------------------------------------------------------------------- the report

ROW_KEYS = ("portal", "unit", "run", "observed_on", "verdict", "layout_changed", "fell", "pages_fetched",
            "pages_extracted", "title_share", "date_share", "text_share", "number_share", "widget_share",
            "median_title_share", "median_date_share", "median_text_share", "median_number_share",
            "median_widget_share", "median_pages_fetched", "median_pages_extracted")


#: where each key of a row sits in its values (`HealthRow`)


class HealthRow(KeyedRow):
    """One row of the health report: a read-only mapping of `ROW_KEYS` over one tuple of values.

    Why not a dict: the report has a row per portal and run (15,000 portals x 14 days = 210,000 rows
    held until the table is written), and a 21-key dict costs about a kilobyte before its values; a
    tuple behind a shared key index costs a fifth of that. Callers read it as they read a dict (``row[k]``,
    ``row.get(k)``, ``{**row}``, JSON through `reports.cells.plain`), and it equals the dict of its items.
    """

    KEYS = ROW_KEYS
    __slots__ = ()


def health_rows(session: Session, *, days: int, portal_id: str | None = None) -> list[dict[str, Any]]:
    """One row per portal and complete run over the last `days` days (of the newest run's date).

    Shares are in percent (0..100) like every percentage of the reports; counts as counted; ``fell``
    lists the fallen figures' names (`METRICS`). Each row is a `HealthRow` (a compact mapping of
    `ROW_KEYS`), its repeated values shared. The list is typed as dicts because that is what the
    report writers (`reports.formatting.Table`, the CLI's sheets) are typed to take, and they only read
    rows; a `HealthRow` reads like one and equals one.
    """
    from storage.models import Portal

    newest = session.execute(select(CrawlRun.id, CrawlRun.observed_on).order_by(CrawlRun.id.desc()).limit(1)).first()
    if newest is None:
        return []
    first_day = newest.observed_on - dt.timedelta(days=days - 1)
    names = dict(session.execute(select(Portal.id, Portal.name)).all()) if portal_id is None else dict(
        session.execute(select(Portal.id, Portal.name).where(Portal.id == portal_id)).all())
    # one object per distinct day, percentage and median: they repeat across hundreds of thousands of
    # rows, and there are few of them (a percentage has two decimals, a median is a count or a half)
    same: dict[Any, Any] = {}
    keep = same.setdefault
    rows: list[HealthRow] = []
    for v in verdicts(session, first_day=first_day, upto_run=newest.id, portal_id=portal_id):
        values, medians = v.values, v.medians
        pcts = [None if (x := values[m]) is None else keep(r := round(100.0 * x, 2), r) for m in SHARE_METRICS]
        meds = [None if (x := medians[m]) is None else keep(r := round(100.0 * x, 2), r) for m in SHARE_METRICS]
        counts = [None if (x := medians[m]) is None else keep(x, x) for m in COUNT_METRICS]
        rows.append(HealthRow((
            v.portal_id, names.get(v.portal_id, v.portal_id), v.run_id, keep(v.observed_on, v.observed_on), v.state,
            v.layout_changed, [f.metric for f in v.fell],
            int(values["pages_fetched"] or 0), int(values["pages_extracted"] or 0), *pcts, *meds, *counts)))
    return cast(list[dict[str, Any]], rows)
