"""Portals whose layout matches none of the five family profiles (registry `cms=unknown`; the
simulator serves them as WordPress, Joomla, DNN, Drupal, a table-layout PHP site, ASP.NET MVC and a
SharePoint `/Pages/` site from its own layout table): every CCHC document is stored by `cchc crawl`
of their registry rows and by `cchc crawl --url` of their home pages, and none of their ordinary
news is taken for a plan. Everything is compared with the simulator's ground truth (`net.world`)."""
from __future__ import annotations

import collections

import pytest

from crawler.registry import load_registry

pytestmark = pytest.mark.slow

PLANS = {"plan", "propaganda_plan"}


def unknown_ids(network) -> list[str]:
    return sorted(pid for pid, p in network.world.portals.items() if p.layout and p.in_registry)


def cchc_truth(world, pid: str) -> set[str]:
    """Every CCHC document the portal publishes today (articles and register documents)."""
    return {a.url for a in world.articles(pid) if a.is_cchc and not a.removed and world.robots_allows(pid, a.url)}


def news_truth(world, pid: str) -> set[str]:
    return {a.url for a in world.articles(pid) if not a.is_cchc and not a.removed}


def by_portal(docs: list[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = collections.defaultdict(dict)
    for d in docs:
        out[d["portal"]][d["url"]] = d
    return out


@pytest.fixture(scope="module")
def registry_docs(crawl, network, tmp_path_factory):
    """One crawl of the unknown-layout portals' registry rows, every spider."""
    db = tmp_path_factory.mktemp("unknown") / "registry.sqlite"
    crawl.run(db, *[a for pid in unknown_ids(network) for a in ("--source", pid)])
    return by_portal(crawl.export(db, "documents"))


@pytest.fixture(scope="module")
def listings_docs(crawl, network, tmp_path_factory):
    """The listings spider alone: no feed, sitemap or register can help it."""
    db = tmp_path_factory.mktemp("unknown") / "listings.sqlite"
    crawl.run(db, "--spider", "listings", *[a for pid in unknown_ids(network) for a in ("--source", pid)])
    return by_portal(crawl.export(db, "documents"))


@pytest.fixture(scope="module")
def adhoc_docs(crawl, network, tmp_path_factory):
    """`cchc crawl --url <home page>` of each portal, as a user would try a portal nobody registered."""
    out = {}
    for pid in unknown_ids(network):
        db = tmp_path_factory.mktemp("unknown") / f"adhoc-{pid}.sqlite"
        crawl.run(db, "--url", network.world.portals[pid].base_url)
        out[pid] = {d["url"]: d for d in crawl.export(db, "documents")}
    return out


@pytest.fixture(scope="module")
def misprofiled_docs(crawl, network, tmp_path_factory):
    """The listings spider on rows whose `cms` names a family the site does not (or no longer) use."""
    import dataclasses

    from crawler.registry import registry_to_csv

    # themes whose slugs sometimes end in a number (-2025.aspx, -2023.html): a profile test that accepted
    # "any family's article shape" would keep some of their items and silently drop the others
    by_theme = {network.world.portals[pid].layout: pid for pid in unknown_ids(network)}
    wrong = {by_theme["wordpress"]: "tandan_sp", by_theme["sharepoint-pages"]: "liferay62", by_theme["joomla"]: "nukeviet"}
    rows = [dataclasses.replace(load_registry()[pid], cms=cms, parent=None) for pid, cms in wrong.items()]
    tmp = tmp_path_factory.mktemp("unknown")
    registry = tmp / "misprofiled.csv"
    registry.write_text(registry_to_csv(rows), encoding="utf-8")
    db = tmp / "misprofiled.sqlite"
    crawl.run(db, "--spider", "listings", "--registry", str(registry))
    return wrong, by_portal(crawl.export(db, "documents"))


def test_the_layouts_are_unprofiled_and_varied(network):
    ids = unknown_ids(network)
    world = network.world
    reg = load_registry()
    assert len(ids) >= 10
    assert all(reg[pid].cms == "unknown" for pid in ids)
    assert len({world.portals[pid].layout for pid in ids}) >= 7
    arts = [a for pid in ids for a in world.articles(pid)]
    assert any(not a.in_listing and a.section != "register" for a in arts)  # linked from a home page only
    assert any(a.register_only for a in arts)  # found only in a register
    assert any("mixed" in world.portals[pid].options for pid in ids)  # news inside the CCHC category
    assert sum(len(cchc_truth(world, pid)) for pid in ids) >= 50


def test_registry_crawl_stores_every_cchc_document(registry_docs, network):
    missing = {pid: sorted(cchc_truth(network.world, pid) - set(registry_docs[pid])) for pid in unknown_ids(network)}
    assert not any(missing.values()), missing


def test_registry_crawl_stores_only_real_items_and_no_news_as_a_plan(registry_docs, network):
    world = network.world
    for pid in unknown_ids(network):
        items = {a.url for a in world.articles(pid)}
        stored = registry_docs[pid]
        assert set(stored) <= items, (pid, sorted(set(stored) - items))  # no category page, pager or menu page
        news = news_truth(world, pid)
        if "mixed" in world.portals[pid].options:
            assert news & set(stored), pid  # the crawl did meet the news listed among CCHC items
        taken = {u: stored[u]["category"] for u in news & set(stored) if stored[u]["category"] in PLANS}
        assert not taken, (pid, taken)


def test_listings_alone_reach_every_listed_and_featured_cchc_article(listings_docs, network):
    world = network.world
    for pid in unknown_ids(network):
        want = {a.url for a in world.articles(pid) if a.is_cchc and not a.removed and a.section != "register"}
        assert want <= set(listings_docs[pid]), (pid, sorted(want - set(listings_docs[pid])))


def test_adhoc_url_crawl_stores_every_cchc_document(adhoc_docs, network):
    world = network.world
    for pid, stored in adhoc_docs.items():
        missing = sorted(cchc_truth(world, pid) - set(stored))
        assert not missing, (pid, missing)
        taken = {u: stored[u]["category"] for u in news_truth(world, pid) & set(stored) if stored[u]["category"] in PLANS}
        assert not taken, (pid, taken)


def test_a_wrong_family_in_the_registry_loses_nothing(misprofiled_docs, network):
    wrong, docs = misprofiled_docs
    for pid in wrong:
        want = {a.url for a in network.world.articles(pid) if a.is_cchc and not a.removed and a.section != "register"}
        assert want <= set(docs[pid]), (pid, wrong[pid], sorted(want - set(docs[pid])))
