"""`portal_down`: a portal unreachable in N consecutive runs, and the run it comes back.

A streak is counted in the portal's own health rows of complete runs (plus run R itself) since its
last reachable one, so a widget-only run counts like any other and a failed run of ours (our network
down) never makes every portal "down". The subject is the run the streak began in: a second crawl of
the same day, still down, is the same streak (no new alert); "back" is said once per streak, and only
for a streak that was long enough to have been reported.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from alerts.kinds.common import day, say
from alerts.registry import Context, Finding, Param, register
from storage.models import CrawlRun, Portal, PortalHealth


def _line(item: Any, lang: str) -> str:
    d = item.details
    if item.event == "up":
        return say("alert_portal_up", lang, unit=d.get("unit"), runs=d.get("runs"), since=day(d.get("since")))
    return say("alert_portal_down", lang, unit=d.get("unit"), runs=d.get("runs"), since=day(d.get("since")),
               error=d.get("error") or d.get("status") or "–")


def _down(h: Any) -> Any:
    return or_(h.reachable.is_(False), h.reachable.is_(None))


def _streak(ctx: Context, portal: str, upto: int) -> tuple[int, int | None]:
    """(length, first run) of the portal's down streak ending at run `upto` (SQL: two index seeks)."""
    h, r = PortalHealth, CrawlRun
    last_ok = ctx.session.scalar(select(func.max(h.run_id)).join(r, r.id == h.run_id).where(
        h.portal_id == portal, h.run_id < upto, h.reachable.is_(True), r.status == "complete")) or 0
    length, first = ctx.session.execute(select(func.count(), func.min(h.run_id)).join(r, r.id == h.run_id).where(
        h.portal_id == portal, h.run_id > last_ok, h.run_id <= upto,
        or_(r.status == "complete", h.run_id == ctx.run.id))).one()
    return int(length or 0), first


def _observed(ctx: Context, run_id: int | None) -> str | None:
    if run_id is None:
        return None
    value = ctx.session.scalar(select(CrawlRun.observed_on).where(CrawlRun.id == run_id))
    return value.isoformat() if value else None


@register("portal_down", params={"runs": Param(int, default=2, minimum=1, maximum=365,
                                               help="consecutive runs the portal must be down")},
          title=("Cổng không truy cập được / hoạt động lại", "Portal down / back"), describe=_line)
def portal_down(ctx: Context) -> Iterator[Finding]:
    n = ctx.rule.params["runs"]
    h, p, prev = PortalHealth, Portal, aliased(PortalHealth)
    down_now = ctx.session.execute(select(h.portal_id, p.name, h.status, h.error).join(p, p.id == h.portal_id)
                                   .where(h.run_id == ctx.run.id, _down(h), ctx.in_scope(p)).order_by(h.portal_id)).all()
    for portal, unit, status, error in down_now:
        length, first = _streak(ctx, portal, ctx.run.id)
        if length >= n:
            yield Finding(subject=f"{portal}:down-from-run:{first}", event="down", portal_id=portal,
                          details={"unit": unit, "runs": length, "since": _observed(ctx, first), "status": status,
                                   "error": (error or "")[:300] or None})
    # back: reachable in R, down in the portal's previous health row of a complete run
    previous_run = (select(func.max(prev.run_id)).join(CrawlRun, CrawlRun.id == prev.run_id)
                    .where(prev.portal_id == h.portal_id, prev.run_id < ctx.run.id, CrawlRun.status == "complete")
                    .scalar_subquery())
    back = ctx.session.execute(
        select(h.portal_id, p.name, previous_run).join(p, p.id == h.portal_id)
        .where(h.run_id == ctx.run.id, h.reachable.is_(True), ctx.in_scope(p)).order_by(h.portal_id)).all()
    for portal, unit, before in back:
        if before is None:
            continue
        was_down = ctx.session.scalar(select(_down(PortalHealth)).where(
            PortalHealth.portal_id == portal, PortalHealth.run_id == before))
        if not was_down:
            continue
        length, first = _streak(ctx, portal, before)
        if length >= n:
            yield Finding(subject=f"{portal}:up-after-run:{first}", event="up", portal_id=portal,
                          details={"unit": unit, "runs": length, "since": _observed(ctx, first)})
