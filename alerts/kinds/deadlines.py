"""`past_deadline`: a unit past its known deadline with no plan, exactly as the compliance report
judges it (reports/compliance.py: the bundled deadlines, the user's $CCHC_CONFIG_DIR/deadlines.yaml
and deadlines stated in a superior's plan). Fires once per unit, kind and year: the first run in
which the unit is "missing_past_deadline"."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select

from alerts.kinds.common import day, iso, labels, say
from alerts.kinds.documents import PLAN_KIND, YEAR
from alerts.registry import Context, Finding, register
from alerts.scope import row_in_scope
from reports.base import Run
from storage.models import CrawlRun


def _line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_past_deadline", lang, unit=d.get("unit"), kind=labels.label("category", d.get("plan_kind"), lang),
               year=d.get("year"), deadline=day(d.get("deadline")), days=d.get("days_late"),
               source=d.get("deadline_source") or "–")


@register("past_deadline", params={"year": YEAR, "plan_kind": PLAN_KIND},
          title=("Quá hạn ban hành kế hoạch mà chưa có", "Past the deadline with no plan"), describe=_line)
def past_deadline(ctx: Context) -> Iterator[Finding]:
    from reports.compliance import compliance

    kind, year, scope = ctx.rule.params["plan_kind"], ctx.rule.params["year"], ctx.rule.scope
    runs = [Run(i, o, s, st) for i, o, s, st in ctx.session.execute(
        select(CrawlRun.id, CrawlRun.observed_on, CrawlRun.status, CrawlRun.started_at)
        .where(CrawlRun.id <= ctx.run.id).order_by(CrawlRun.id))]
    result = compliance(ctx.session.get_bind(), year, kind=kind, level=scope.level, runs=runs)  # type: ignore[arg-type]
    for row in result["rows"]:
        if row["status"] != "missing_past_deadline":
            continue
        if not row_in_scope(scope, row["portal"], row["province"], row["level"]):
            continue
        yield Finding(subject=f"{row['portal']}:{kind}:{year}", event="past_deadline", portal_id=row["portal"],
                      details={"unit": row["unit"], "plan_kind": kind, "year": year, "deadline": iso(row["deadline"]),
                               "deadline_source": row["deadline_source"], "days_late": row["days_late"]})
