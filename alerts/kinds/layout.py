"""`layout_changed`: the drift canary (`reports.health.layout_changes`) marks a portal "layout
changed?" in the run: its pages stopped yielding what they used to.

Registered only where the canary is present: without `reports.health.layout_changes` the kind does
not exist and a rules file naming it is refused with its line.

One alert per **episode**: a portal flagged in consecutive runs is one finding until it recovers. The
episode is keyed by the first run of the streak of flagged runs, found by walking back through the
portal's earlier verdicts (`reports.health.verdicts`, only for the portals flagged in this run): a run
the canary judged and did not flag ends the streak (recovered); a run it could not judge (portal down,
too few pages, not enough history) neither ends nor extends it. So a second crawl of the same day, or
the next days while the canary's median still remembers the old template, say nothing new; a later
fall after a recovery is a new episode and a new alert. The walk covers the canary's own window
(`reports.health.LOOKBACK_DAYS` before the run, read only for the flagged portal); by then the median has
absorbed the new template and the flag has ended.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from alerts.kinds.common import say
from alerts.registry import KINDS, Context, Finding, register
from reports import labels
from reports.formatting import vn_number
from reports.health import LOOKBACK_DAYS, layout_changes, verdicts
from storage.models import Portal


def _figure(metric: str, value: Any) -> str:
    """A share as a percentage (shares are 0..1), a count as a number; metric names a person reads."""
    if not isinstance(value, (int, float)):
        return "–"
    return vn_number(value * 100, 0) + "%" if str(metric).endswith("_share") else vn_number(value)


def _metric(metric: str, lang: str) -> str:
    return labels.label("canary_metric", metric, lang)


def _line(item: Any, lang: str) -> str:
    d = item.details
    what = ", ".join(f"{_metric(m['metric'], lang)} {_figure(m['metric'], m['value'])} / "
                     f"{_figure(m['metric'], m['median'])}" for m in d.get("metrics") or [])
    return say("alert_layout_changed", lang, unit=d.get("unit"), what=what or "–")


def _episode_start(ctx: Context, portal_id: str) -> int:
    """The first run of the portal's current streak of flagged runs (ending at the run evaluated),
    from the canary's own verdicts of the portal over its window before the run."""
    first_day = ctx.run.observed_on - dt.timedelta(days=LOOKBACK_DAYS)
    rows = list(verdicts(ctx.session, first_day=first_day, upto_run=ctx.run.id, portal_id=portal_id))
    start = ctx.run.id
    for v in sorted(rows, key=lambda v: v.run_id, reverse=True):
        if v.run_id >= ctx.run.id:
            continue
        if v.fell:
            start = v.run_id
        elif v.state == "judged":
            break  # recovered here: the streak began after it
    return start


def evaluate(ctx: Context) -> Iterator[Finding]:
    changes = {c.portal_id: c for c in layout_changes(ctx.session, ctx.run.id)}
    if not changes:
        return
    rows = ctx.session.execute(select(Portal.id, Portal.name, Portal.base_url)
                               .where(Portal.id.in_(list(changes)), ctx.in_scope(Portal)).order_by(Portal.id)).all()
    for pid, unit, base_url in rows:
        metrics = [{"metric": m.metric, "value": m.value, "median": m.median} for m in changes[pid].metrics]
        start = _episode_start(ctx, pid)
        yield Finding(subject=f"{pid}:layout-from-run:{start}", event="layout_changed", portal_id=pid,
                      url=base_url, details={"unit": unit, "metrics": metrics, "since_run": start})


if layout_changes is not None and "layout_changed" not in KINDS:
    register("layout_changed", params={}, title=("Cổng có thể đã đổi giao diện", "Portal layout changed?"),
             describe=_line)(evaluate)
