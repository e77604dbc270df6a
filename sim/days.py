"""Day-to-day changes of the simulated world: day N is day 1 plus the changes of days 2..N (new plans,
an edit, a removal, a portal down on day 2), so what a portal shows on day 3 is what it showed on
day 2 plus day 3's changes. Each day draws from a random stream keyed on (seed, day).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.calendar import VN_TZ, date_of_day
from sim.content import make_article
from sim.model import SimArticle, SimPortal
from sim.portals import DOWN_DAY, rng_for
from sim.textgen import cchc_plan, propaganda_plan, unit_for


@dataclass
class Change:
    """One day-to-day change, so tests can find what moved without re-deriving it."""

    day: int
    kind: str  # added | edited | removed | down
    portal_id: str
    article: SimArticle | None = None

    @property
    def url(self) -> str:
        """The changed article's URL (the portal's home page for "down")."""
        return self.article.url if self.article is not None else ""


def healthy_ids(portals: dict[str, SimPortal]) -> list[str]:
    """Registry portals without faults (generated extras never change, so a benchmark network and a
    test network show the same day-to-day changes; nor do portals of the layout table, so adding
    one leaves every other portal's days as they were)."""
    return sorted(pid for pid, p in portals.items() if not p.faults and p.in_registry and not p.extra and not p.layout)


def apply_day(seed: int, k: int, portals: dict[str, SimPortal], articles: dict[str, list[SimArticle]]) -> list[Change]:
    """Day k's changes: new plans on some portals, one edit, one removal, a portal down on day 2."""
    changes: list[Change] = []
    rng = rng_for(seed, "day", k)
    when = date_of_day(k)
    healthy = healthy_ids(portals)
    for pid in rng.sample(healthy, min(3, len(healthy))):
        portal = portals[pid]
        unit = unit_for(portal.name, portal.level, portal.province)
        prng = rng_for(seed, pid, "day", k)
        doc = (propaganda_plan(prng, unit, when.year, party=False, publish_on=when) if prng.random() < 0.6
               else cchc_plan(prng, unit, when.year, publish_on=when))
        arts = articles[pid]
        aid = max(a.aid for a in arts if a.section != "register") + prng.randint(5, 30)
        art = make_article(portal, doc, "cchc", aid, prng)
        art.added_on_day = k
        art.in_sitemap = True
        arts.append(art)
        changes.append(Change(k, "added", pid, art))
    def pick(exclude: set[int], cchc_only: bool) -> tuple[str, SimArticle]:
        """A portal and one of its live, non-seed articles (a CCHC one when `cchc_only`)."""
        while True:
            pid = rng.choice(healthy)
            cands = [a for a in articles[pid] if a.seed is None and not a.removed and a.section != "register"
                     and id(a) not in exclude and a.added_on_day < k and (a.is_cchc or not cchc_only)]
            if cands:
                return pid, rng.choice(sorted(cands, key=lambda a: a.aid))
    pid, edited = pick(set(), cchc_only=True)
    edited.edited = True
    edited.modified = dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=VN_TZ)
    edited.paragraphs.append(
        f"Cập nhật ngày {when.day}/{when.month}/{when.year}: điều chỉnh thời gian thực hiện một số nội dung của kế hoạch cho phù hợp tình hình thực tế."
    )
    changes.append(Change(k, "edited", pid, edited))
    pid, removed = pick({id(edited)}, cchc_only=False)
    removed.removed = True
    changes.append(Change(k, "removed", pid, removed))
    if k == DOWN_DAY:
        for pid, p in portals.items():
            if "down_day2" in p.faults:
                changes.append(Change(k, "down", pid, None))
    return changes


def apply_extra_day(seed: int, k: int, extra_churn: float, portals: dict[str, SimPortal],
                    articles: dict[str, list[SimArticle]]) -> list[Change]:
    """Day k's changes on the generated extras (benchmarks only, `extra_churn` > 0): a new CCHC plan
    on that share of them, an edit and a removal on a third as many. A random stream of its own,
    so the registry portals' changes are the same with or without it."""
    extras = sorted(pid for pid, p in portals.items() if p.extra)
    if not extras:
        return []
    changes: list[Change] = []
    rng = rng_for(seed, "extra-day", k)
    when = date_of_day(k)
    n_new = max(1, round(extra_churn * len(extras)))
    for pid in rng.sample(extras, min(n_new, len(extras))):
        portal = portals[pid]
        unit = unit_for(portal.name, portal.level, portal.province)
        prng = rng_for(seed, pid, "extra-day", k)
        doc = cchc_plan(prng, unit, when.year, publish_on=when)
        arts = articles[pid]
        aid = max(a.aid for a in arts if a.section != "register") + prng.randint(5, 30)
        art = make_article(portal, doc, "cchc", aid, prng)
        art.added_on_day = k
        art.in_sitemap = True
        arts.append(art)
        changes.append(Change(k, "added", pid, art))
    for kind in ("edited", "removed"):
        for pid in rng.sample(extras, min(max(1, n_new // 3), len(extras))):
            cands = sorted((a for a in articles[pid] if a.seed is None and not a.removed and not a.edited
                            and a.section != "register" and a.added_on_day < k), key=lambda a: a.aid)
            if not cands:
                continue
            art = rng.choice(cands)
            if kind == "edited":
                art.edited = True
                art.modified = dt.datetime(when.year, when.month, when.day, 9, 0, tzinfo=VN_TZ)
                art.paragraphs.append(f"Cập nhật ngày {when.day}/{when.month}/{when.year}: bổ sung nội dung thực hiện.")
            else:
                art.removed = True
            changes.append(Change(k, kind, pid, art))
    return changes
