"""Rendering entry points shared by the server and by fixture makers.

`render_seed_page(seed_no, family)` renders a seed article as a portal of any of the five families
would serve it, through the very templates the simulator's server uses, so an extraction fixture
made from it is byte-for-byte a page a spider can fetch (for the seed's native family).
"""
from __future__ import annotations

import functools

from sim.families import FAMILIES
from sim.families import family as family_of
from sim.registry import read_registry
from sim.seeds import load_seeds
from sim.world import World


@functools.lru_cache(maxsize=32)
def _seed_world(seed_no: int, family: str, seed: int = 0, day: int = 1) -> World:
    """A one-portal world: the seed's registry row with its `cms` set to `family`."""
    doc = load_seeds()[seed_no]
    rows = [dict(r) for r in read_registry() if r["id"] == doc.portal_id]
    if not rows:
        raise KeyError(f"seed {seed_no:03d}: portal {doc.portal_id} is not in the registry")
    rows[0]["cms"] = family
    return World(seed=seed, day=day, rows=rows)


def render_seed_page(seed_no: int, family: str) -> tuple[str, str]:
    """(html, url) of seed `seed_no` (0..4) as a `family` portal (tandan_sp, sharepoint_vn, liferay62,
    vnportal, nukeviet) serves it on day 1 with network seed 0."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family {family!r}; one of {sorted(FAMILIES)}")
    doc = load_seeds()[seed_no]
    world = _seed_world(seed_no, family)
    view = world.view(doc.portal_id)
    art = next(a for a in view.articles if a.seed == seed_no)
    return family_of(family).render_article(view, art), art.url


def render_url(world: World, portal_id: str, url: str) -> str | None:
    """HTML of an article page of `world` by URL, or None (a helper for tests and fixtures)."""
    from sim.families import target_of

    view = world.view(portal_id)
    art = view.article_at(target_of(url))
    if art is None:
        return None
    fam = family_of(world.portals[portal_id].family)
    return fam.render_register_detail(view, art) if art.section == "register" else fam.render_article(view, art)
