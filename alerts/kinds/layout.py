"""`layout_changed`: the drift canary (`reports.health.layout_changes`, branch canary) marks a portal
"layout changed?" in the run: its pages stopped yielding what they used to.

Registered only where the canary is present (it is another branch of the same issue): without
`reports.health.layout_changes` the kind does not exist and a rules file naming it is refused with its
line. One alert per portal and observed day (a second crawl of the same day is the same finding).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from alerts.kinds.common import say
from alerts.registry import KINDS, Context, Finding, register
from reports.formatting import vn_number
from storage.models import Portal

try:
    from reports.health import layout_changes
except ImportError:  # the canary is not merged yet
    layout_changes = None


def _line(item: Any, lang: str) -> str:
    d = item.details
    what = ", ".join(f"{m['metric']} {vn_number(m['value'])} / {vn_number(m['median'])}" for m in d.get("metrics") or [])
    return say("alert_layout_changed", lang, unit=d.get("unit"), what=what or "–")


def evaluate(ctx: Context) -> Iterator[Finding]:
    changes = {c.portal_id: c for c in layout_changes(ctx.session, ctx.run.id)} if layout_changes else {}
    if not changes:
        return
    rows = ctx.session.execute(select(Portal.id, Portal.name, Portal.base_url)
                               .where(Portal.id.in_(list(changes)), ctx.in_scope(Portal)).order_by(Portal.id))
    for pid, unit, base_url in rows:
        metrics = [{"metric": m.metric, "value": m.value, "median": m.median} for m in changes[pid].metrics]
        yield Finding(subject=f"{pid}:{ctx.run.observed_on.isoformat()}", event="layout_changed", portal_id=pid,
                      url=base_url, details={"unit": unit, "metrics": metrics})


if layout_changes is not None and "layout_changed" not in KINDS:
    register("layout_changed", params={}, title=("Cổng có thể đã đổi giao diện", "Portal layout changed?"),
             describe=_line)(evaluate)
