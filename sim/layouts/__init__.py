"""Themes of portals that match none of the five family profiles, and the table that assigns them.

The crawler's registry says only `cms=unknown` for these portals; which theme a portal is served
with is the simulator's own data (`sim/data/layouts.csv`), so nothing in the crawler can lean on it.
Each theme is modelled on a real CMS (WordPress, Joomla, DNN, Drupal, a table-layout PHP site,
ASP.NET MVC, a small SharePoint publishing site), not on the spiders.
"""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from sim.families import FAMILIES, Family
from sim.layouts.aspnetmvc import AspNetMvc
from sim.layouts.dnn import DNN
from sim.layouts.drupal import Drupal
from sim.layouts.joomla import Joomla
from sim.layouts.sharepoint_pages import SharePointPages
from sim.layouts.tablephp import TablePHP
from sim.layouts.wordpress import WordPress, WordPressPlain

LAYOUTS_PATH = Path(__file__).resolve().parent.parent / "data" / "layouts.csv"
THEMES: dict[str, Family] = {t.id: t for t in (
    WordPress(), WordPressPlain(), Joomla(), DNN(), Drupal(), TablePHP(), AspNetMvc(), SharePointPages())}
OPTIONS = frozenset({"home_only", "mixed", "register"})


@dataclass(frozen=True)
class Layout:
    """One row of the layout table: a registry portal (cms=unknown) served with a theme."""

    portal_id: str
    theme: str
    options: tuple[str, ...] = ()


@functools.cache
def layout_table(path: Path = LAYOUTS_PATH) -> dict[str, Layout]:
    """portal id -> Layout; a row naming an unknown theme or option is an error in our own data."""
    text = path.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    out: dict[str, Layout] = {}
    for row in csv.DictReader(io.StringIO("\n".join(lines))):
        options = tuple(o for o in (row.get("options") or "").split("|") if o)
        if row["layout"] not in THEMES or set(options) - OPTIONS:
            raise ValueError(f"{path}: bad layout row {row}")
        out[row["portal_id"]] = Layout(row["portal_id"], row["layout"], options)
    return out


def layout_of(portal_id: str, cms: str) -> Layout | None:
    """The theme a registry row is served with: only rows the crawler knows as `cms=unknown`."""
    return layout_table().get(portal_id) if cms == "unknown" else None


def family(name: str) -> Family:
    """Templates for a family id or a theme id (unknown names get the SharePoint layout, as before)."""
    return THEMES.get(name) or FAMILIES.get(name) or FAMILIES["sharepoint_vn"]
