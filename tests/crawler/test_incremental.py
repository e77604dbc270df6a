"""The incremental crawl (issue 12) on the simulator: day 1, then day 2 crawled incrementally and,
from a copy of day 1's database, with `--full`; later days incrementally until the removal lag
(CCHC_RECHECK_DAYS, 7) after the day-2 changes ran out: the removal must be detected by then; the edit,
which nothing signals, on its re-read day (crawled on a copy when that comes later).

Ground truth is the simulator's change log and its own count of what it served (304s included).
The portals crawled are those the day-2 changes touch plus one portal of each conditional-request
behaviour (sim/conditional.py): ETag and Last-Modified honoured, ETag only, Last-Modified only,
Last-Modified sent but If-Modified-Since ignored, no validators at all.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest
from simcrawl import Crawl

from core.periods import RECHECK_DAYS
from crawler.incremental import KnownPage, full_walk_day, reread_due, reread_every
from crawler.registry import load_registry, registry_to_csv
from sim.calendar import date_of_day
from sim.conditional import policy_of
from sim.network import SimNetwork

pytestmark = pytest.mark.slow

#: one portal per conditional-request behaviour of the simulator
BY_POLICY = {"etag+lm": "p-dienbien", "etag": "p-quangngai", "lm": "p-phutho", "lm_ignored": "p-laichau",
             "none": "p-hanoi"}
#: export columns that make a document's snapshot (everything but when it was last seen)
SNAPSHOT = ("url", "portal", "title", "published_at", "is_cchc", "category", "doc_number", "doc_type", "doc_date",
            "issuer", "issuer_as_written", "organ", "plan_year", "first_seen_run", "version", "removed_run",
            "content_hash", "first_seen_on", "plan_period")


@dataclasses.dataclass
class Days:
    inc: str          # database crawled incrementally, day after day
    full: str         # copy of day 1, day 2 crawled with --full
    served: dict[int, dict[str, int]]       # what the simulator answered, per incremental day
    served_full: dict[str, int]
    runs: dict[str, list[dict]]
    changes: list
    last_day: int
    net: SimNetwork
    registry: str


def _stat(run: dict, key: str) -> int:
    return sum(int(s.get(key, 0)) for s in run["stats"].values() if isinstance(s, dict))


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("incremental")
    changes = [c for c in SimNetwork(day=2).world.changes if c.day == 2 and c.kind != "down"]
    ids = sorted({c.portal_id for c in changes} | set(BY_POLICY.values()))
    reg = load_registry()
    registry = tmp / "portals.csv"
    registry.write_text(registry_to_csv([dataclasses.replace(reg[i], parent=None) for i in ids]), encoding="utf-8")
    # the incremental database is crawled until the removal lag after day 2 ran out (day 8: a document
    # that went on day 2 was last seen on day 1 and is re-checked once unseen for 7 days)
    last_day = 2 + RECHECK_DAYS - 1
    inc, full = tmp / "inc.sqlite", tmp / "full.sqlite"
    served: dict[int, dict[str, int]] = {}
    with SimNetwork(day=1) as net:
        crawl = Crawl(net, tmp)

        def run(db, *args: str) -> dict[str, int]:
            net.reset_counts()
            # sitemaps rotated over the week (CCHC_SITEMAP_WALK_DAYS 7, the default)
            crawl.run(db, "--registry", str(registry), *args)
            return net.reset_counts()

        served[1] = run(inc)
        shutil.copy(inc, full)
        net.set_day(2)
        served[2] = run(inc)
        served_full = run(full, "--full")
        for day in range(3, last_day + 1):
            net.set_day(day)
            served[day] = run(inc)
        yield Days(str(inc), str(full), served, served_full,
                   {"inc": Crawl.export(inc, "runs"), "full": Crawl.export(full, "runs")}, changes, last_day, net,
                   str(registry))


def test_day_two_costs_a_fraction_of_day_one(days):
    day1, day2 = days.runs["inc"][0], days.runs["inc"][1]
    assert [r["status"] for r in days.runs["inc"]] == ["complete"] * days.last_day
    extracted1, extracted2 = _stat(day1, "cchc/extract/records"), _stat(day2, "cchc/extract/records")
    assert extracted1 > 50
    assert extracted2 < 0.2 * extracted1, (extracted1, extracted2)
    # the full crawl of the same day extracts everything again: what the incremental one saves
    assert _stat(days.runs["full"][1], "cchc/extract/records") > 0.9 * extracted1
    # requests: discovery pages (robots.txt, home, feeds, sitemaps, first listing and register
    # pages) are fetched every day; with the simulator's small portals they bound the ratio (README)
    assert days.served[2]["requests"] < 0.6 * days.served[1]["requests"], days.served
    assert days.served[2]["requests"] < 0.6 * days.served_full["requests"]
    # re-reads are conditional: a linked document's re-read day (one in 28 days for a recent one, in up
    # to 112 for an old one: `crawler.incremental.reread_every`) brings 304s within the week
    assert sum(days.served[d].get("not_modified", 0) for d in range(2, days.last_day + 1)) > 0
    assert days.served_full.get("not_modified", 0) == 0  # --full sends no conditional header
    # feeds another source stands for (the home page that links every entry, an earlier feed that
    # lists every entry) are proved on day 1 and read through it on the days after (README)
    assert _stat(day1, "cchc/incremental/feed_proved") > 0
    assert sum(_stat(run, "cchc/incremental/feed_covered") for run in days.runs["inc"][1:]) > 0
    assert _stat(days.runs["full"][1], "cchc/incremental/feed_covered") == 0


def test_new_documents_equal_a_full_crawl_of_the_same_day(days):
    inc = {d["url"]: d for d in Crawl.export(days.inc, "documents")}
    full = {d["url"]: d for d in Crawl.export(days.full, "documents")}
    added = [c for c in days.changes if c.kind == "added"]
    assert added
    for c in added:
        assert c.article.url in full, c.article.url
        assert {k: inc[c.article.url][k] for k in SNAPSHOT} == {k: full[c.article.url][k] for k in SNAPSHOT}
        assert inc[c.article.url]["first_seen_run"] == 2


def test_new_documents_are_found_the_same_day_on_portals_whose_sitemaps_rotated_away(days):
    """Sitemaps are read on a portal's walk day only (CCHC_SITEMAP_WALK_DAYS): the day-2 additions of
    portals not due that day are found by the daily sources (feeds, first listing and register pages)."""
    day2 = date_of_day(2)
    rotated = [c for c in days.changes if c.kind == "added" and not full_walk_day(c.portal_id, day2)]
    assert rotated  # the simulator's day 2 adds documents on portals whose sitemap day it is not
    assert _stat(days.runs["inc"][1], "cchc/incremental/sitemaps_not_due") > 0
    assert _stat(days.runs["full"][1], "cchc/incremental/sitemaps_not_due") == 0  # --full reads them all
    inc = {d["url"]: d for d in Crawl.export(days.inc, "documents")}
    for c in rotated:
        assert inc[c.article.url]["first_seen_run"] == 2, c.article.url


def test_documents_not_due_and_unchanged_keep_the_full_crawls_snapshot(days):
    """Every document the full crawl of day 2 holds is in the incremental database with the same
    snapshot, except the day-2 edit (found within the lag) and removal (likewise)."""
    full = {d["url"]: d for d in Crawl.export(days.full, "documents")}
    inc = {d["url"]: d for d in Crawl.export(days.inc, "documents")}
    late = {c.url for c in SimNetwork(day=days.last_day).world.changes if c.kind != "down"
            and (c.day > 2 or c.kind in ("edited", "removed"))}
    for url, row in full.items():
        if url in late:
            continue
        assert url in inc, url
        mine = {k: inc[url][k] for k in SNAPSHOT if k != "removed_run"}
        assert mine == {k: row[k] for k in SNAPSHOT if k != "removed_run"}, url


def _version_runs(db: str, url: str) -> dict[int, tuple[int, str | None]]:
    """version number -> the run that first saw it and the spider that read it, for the document at `url`."""
    from sqlalchemy import select

    from storage import Store
    from storage.models import Document, DocumentVersion

    store = Store.open(db)
    try:
        with store._read() as s:
            return {v: (r, by) for v, r, by in s.execute(
                select(DocumentVersion.version, DocumentVersion.first_seen_run_id, DocumentVersion.discovered_by)
                .join(Document, Document.id == DocumentVersion.document_id).where(Document.url == url))}
    finally:
        store.close()


def test_edit_nothing_signals_is_found_on_its_reread_day_with_the_full_crawls_content(days, tmp_path):
    """The simulator's day-2 edit is of an article of 2022 that only a listing links (no feed, no
    sitemap `<lastmod>`: nothing signals it). The incremental crawl finds it on the document's re-read
    day (`crawler.incremental.reread_due`: one of its portal's full-walk days, when the listing is
    walked to the article, in every `reread_every` days: 112 for a document that old), not before,
    and by re-reading it from the listing (not by the re-check of unlinked documents), with the
    content the full crawl of day 2 found."""
    edited = next(c for c in days.changes if c.kind == "edited")
    full = {d["url"]: d for d in Crawl.export(days.full, "documents")}[edited.url]
    assert full["version"] == 2
    dated = dt.date.fromisoformat(full["doc_date"] or full["published_at"][:10])
    page = KnownPage(edited.portal_id, edited.url, None, None, None, None)
    due = [d for d in range(2, 2 + 112) if reread_due(page, date_of_day(d), reread_every(dated, date_of_day(d)))]
    assert len(due) == 1 and reread_every(dated, date_of_day(due[0])) == 112
    if due[0] <= days.last_day:
        db = days.inc
    else:  # not found before its re-read day; crawl that day on a copy of the incremental database
        assert 2 not in _version_runs(days.inc, edited.url)
        db = str(tmp_path / "inc.sqlite")
        shutil.copy(days.inc, db)
        days.net.set_day(due[0])
        try:
            Crawl(days.net, tmp_path).run(Path(db), "--registry", days.registry)
        finally:
            days.net.set_day(days.last_day)
    inc = {d["url"]: d for d in Crawl.export(db, "documents")}[edited.url]
    assert inc["version"] == 2 and inc["content_hash"] == full["content_hash"]
    run_id, by = _version_runs(db, edited.url)[2]
    assert {r["id"]: r["observed_on"] for r in Crawl.export(db, "runs")}[run_id] == date_of_day(due[0]).isoformat()
    assert by == "listings"


def test_removed_document_is_detected_within_the_lag(days):
    removed = next(c for c in days.changes if c.kind == "removed")
    docs = {d["url"]: d for d in Crawl.export(days.inc, "documents")}
    # last seen on day 1, no source links it from day 2 on: re-checked once unseen for the lag
    assert docs[removed.url]["last_seen_run"] == 1
    assert docs[removed.url]["removed_run"] == 1 + RECHECK_DAYS  # run k is day k
    assert docs[removed.url]["removed_run"] - 2 < RECHECK_DAYS  # at most 7 days after it went
    # the full crawl re-checks every known document: it finds the removal the same day
    full = {d["url"]: d for d in Crawl.export(days.full, "documents")}
    assert full[removed.url]["removed_run"] == 2


@pytest.mark.parametrize("policy", ["none", "lm_ignored", "etag+lm", "etag", "lm"])
def test_every_conditional_behaviour_gives_the_full_crawls_documents(days, policy):
    pid = BY_POLICY[policy]
    assert policy_of(days.net.world.portals[pid]) == policy
    # the day-2 edit and removal are found within the lag; what changed on the later days the
    # incremental database went on to is not in the full crawl of day 2
    late = {c.url for c in SimNetwork(day=days.last_day).world.changes if c.kind != "down"
            and (c.day > 2 or c.kind in ("edited", "removed"))}
    full = sorted(({k: d[k] for k in SNAPSHOT} for d in Crawl.export(days.full, "documents")
                   if d["portal"] == pid and d["url"] not in late and d["first_seen_run"] <= 2), key=lambda d: d["url"])
    inc = sorted(({k: d[k] for k in SNAPSHOT} for d in Crawl.export(days.inc, "documents")
                  if d["portal"] == pid and d["url"] not in late and d["first_seen_run"] <= 2), key=lambda d: d["url"])
    assert full and inc == full


def test_unchanged_pages_add_no_fetch_row_and_seen_keeps_its_meaning(days):
    from sqlalchemy import func, select

    from storage import Store
    from storage.models import Fetch
    from storage.sightings import SightingInterval, in_run

    store = Store.open(days.inc)
    try:
        with store._read() as s:
            fetch2 = s.scalar(select(func.count()).select_from(Fetch).where(Fetch.run_id == 2))
            fetch1 = s.scalar(select(func.count()).select_from(Fetch).where(Fetch.run_id == 1))
            seen2 = s.scalar(select(func.count()).select_from(SightingInterval).where(in_run(2)))
    finally:
        store.close()
    full = Store.open(days.full)
    try:
        with full._read() as s:
            full_seen2 = s.scalar(select(func.count()).select_from(SightingInterval).where(in_run(2)))
    finally:
        full.close()
    assert fetch2 < 0.5 * fetch1
    # seen: fetched, confirmed unchanged, or still linked; the documents no method reached today
    # and not yet unseen for the lag are the difference
    assert seen2 > 0.8 * full_seen2
