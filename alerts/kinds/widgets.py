"""Widget kinds: the late count rose, the on-time rate fell below a threshold, "updated at" too old.

Run R's readings (one row per portal) are read with, beside each, the portal's newest reading of a
complete run observed on an EARLIER day (a correlated subquery through the (portal_id, run_id)
index), never every reading of every run. Comparing with an earlier day, not merely an earlier run,
makes a second crawl of the same day find the same rise (same subject: no second alert).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Float, and_, case, cast, select
from sqlalchemy.orm import aliased

from alerts.kinds.common import day, say, vn_int, vn_pct
from alerts.registry import Context, Finding, Param, register
from storage.models import CrawlRun, Portal, WidgetReading


def _rate(w: Any) -> Any:
    """SQL: the on-time rate as shown, else on_time/total in percent (NULL when unknown)."""
    computed = case((w.total > 0, 100.0 * cast(w.on_time, Float) / w.total), else_=None)
    return case((w.on_time_rate.is_not(None), w.on_time_rate), else_=computed)


def _readings(ctx: Context, needs: Any) -> list[Any]:
    """Run R's readings in scope, each with the portal's newest earlier-day reading where `needs(w)` holds."""
    w, w2, r2, p = WidgetReading, aliased(WidgetReading), aliased(CrawlRun), Portal
    prev_run = (select(w2.run_id).join(r2, r2.id == w2.run_id)
                .where(w2.portal_id == w.portal_id, r2.observed_on < ctx.run.observed_on, r2.status == "complete",
                       needs(w2)).order_by(w2.run_id.desc()).limit(1).scalar_subquery())
    pw = aliased(WidgetReading)
    q = (select(w.portal_id, p.name, w.url, w.late, _rate(w), w.updated_at, pw.late, _rate(pw), pw.run_id)
         .join(p, p.id == w.portal_id)
         .outerjoin(pw, and_(pw.portal_id == w.portal_id, pw.run_id == prev_run))
         .where(w.run_id == ctx.run.id, ctx.in_scope(p)).order_by(w.portal_id))
    return list(ctx.session.execute(q))


def _rose_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_widget_late_rose", lang, unit=d.get("unit"), before=vn_int(d.get("late_before")),
               after=vn_int(d.get("late")), on=day(d.get("before_on")))


@register("widget_late_rose", params={"min_increase": Param(int, default=1, minimum=1)},
          title=("Số hồ sơ trễ hạn tăng", "Late count rose"), describe=_rose_line)
def widget_late_rose(ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    step = ctx.rule.params["min_increase"]
    for portal, unit, url, late, _rate_now, _upd, late_before, _rb, before_run in _readings(
            ctx, lambda w: w.late.is_not(None)):
        if late is None or late_before is None or late - late_before < step:
            continue
        before_on = ctx.session.scalar(select(CrawlRun.observed_on).where(CrawlRun.id == before_run))
        yield Finding(subject=f"{portal}:{ctx.run.observed_on.isoformat()}", event="late_rose", portal_id=portal,
                      url=url, details={"unit": unit, "late": late, "late_before": late_before,
                                        "before_on": before_on.isoformat() if before_on else None})


def _below_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_widget_on_time_below", lang, unit=d.get("unit"), rate=vn_pct(d.get("rate")),
               threshold=vn_pct(d.get("threshold")), before=vn_pct(d.get("rate_before")))


@register("widget_on_time_below", params={"threshold": Param(float, required=True, minimum=0, maximum=100,
                                                             help="an on-time rate in percent, e.g. 95")},
          title=("Tỷ lệ đúng hạn dưới ngưỡng", "On-time rate below the threshold"), describe=_below_line)
def widget_on_time_below(ctx: Context) -> Iterator[Finding]:
    """When the rate crosses below the threshold (or is below at the first reading), once per crossing."""
    threshold = ctx.rule.params["threshold"]
    for portal, unit, url, _late, rate, _upd, _lb, rate_before, _br in _readings(ctx, lambda w: _rate(w).is_not(None)):
        if rate is None or rate >= threshold or (rate_before is not None and rate_before < threshold):
            continue
        yield Finding(subject=f"{portal}:{ctx.run.observed_on.isoformat()}", event="below", portal_id=portal, url=url,
                      details={"unit": unit, "rate": round(rate, 2), "threshold": threshold,
                               "rate_before": round(rate_before, 2) if rate_before is not None else None})


def _stale_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_widget_stale", lang, unit=d.get("unit"), updated=d.get("updated_at_shown") or "–",
               days=d.get("age_days"))


@register("widget_stale", params={"days": Param(int, required=True, minimum=0, maximum=3650,
                                               help="how many days old 'updated at' may be")},
          title=("Widget không cập nhật", "Widget not updated"), describe=_stale_line)
def widget_stale(ctx: Context) -> Iterator[Finding]:
    """Readings of run R whose "updated at" is more than N days before the observed day; once per
    "updated at" value (a widget frozen for a month is one alert, not thirty)."""
    limit = ctx.rule.params["days"]
    for portal, unit, url, _late, _rate_now, updated, *_ in _readings(ctx, lambda w: w.updated_at.is_not(None)):
        if not updated:
            continue
        try:
            shown = dt.date.fromisoformat(updated[:10])
        except ValueError:
            continue
        age = (ctx.run.observed_on - shown).days
        if age > limit:
            yield Finding(subject=f"{portal}:{updated}", event="stale", portal_id=portal, url=url,
                          details={"unit": unit, "updated_at": updated, "updated_at_shown": day(shown),
                                   "age_days": age})
