"""Expected values computed from the simulator's ground truth (never from report output)."""
from __future__ import annotations

import datetime as dt

from builddb import PORTALS

from core.vntext import fold
from sim.model import SimArticle
from sim.world import World

PARTY_PREFIXES = ("dang uy", "huyen uy", "tinh uy", "thanh uy", "ban tuyen giao")


def organ_of(issuer: str | None) -> str:
    return "party" if issuer and fold(issuer).startswith(PARTY_PREFIXES) else "government"


def plans(world: World, pid: str, year: int, kind: str, organ: str = "government") -> list[SimArticle]:
    """Published, not removed, CCHC plans of `kind` for `year` by `organ` on portal `pid`."""
    return [a for a in world.articles(pid) if not a.removed and a.is_cchc and a.category == kind
            and a.plan_year == year and (organ == "any" or organ_of(a.issuer) == organ)]


def first_day(worlds: dict[int, World], pid: str, url: str) -> int:
    """The first simulated day (= run id) whose world shows the article."""
    for day in sorted(worlds):
        if any(a.url == url for a in worlds[day].articles(pid)):
            return day
    raise AssertionError(f"{url} never published")


def local_date(when: dt.datetime) -> dt.date:
    return when.date()


def subset() -> tuple[str, ...]:
    return PORTALS


def issued(article: SimArticle) -> dt.date:
    """The issue date the simulator wrote into the plan ("Kế hoạch số … ngày d/m/yyyy" in its summary)."""
    import re

    for text in [article.summary, *article.paragraphs]:
        m = re.search(r"[Nn]gày (\d{1,2})/(\d{1,2})/(\d{4})", text or "")
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    raise AssertionError(f"no issue date in {article.url}")


def earliest(arts: list[SimArticle]) -> SimArticle:
    return min(arts, key=lambda a: (issued(a), a.published))
