"""The drift canary end to end: simulated days crawled by real `cchc crawl` processes, one portal
changing its template on day 3 (`SimNetwork(template_change="p-tayninh:3")`, `sim/redesign.py`).

Days 1 and 2 are the same bytes with or without the option, so they are crawled once; the database is
then copied and day 3 is crawled twice: through a network where p-tayninh now serves a client-rendered
shell, and through the ordinary network. The canary must flag p-tayninh on day 3 and no other portal
(nor any portal on days 1 and 2); without the option no portal is flagged. The portals are the
changed one, p-lamdong (down all of day 2: "down", never "layout changed?") and the portals the
simulator adds, edits and removes documents on (ordinary day-to-day change must not look like drift).
"""
from __future__ import annotations

import dataclasses
import shutil

import pytest
from simcrawl import Crawl
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from crawler.registry import load_registry, registry_to_csv
from reports.health import layout_changes
from sim.network import SimNetwork
from sim.redesign import TemplateChange, TemplateChangeError

pytestmark = pytest.mark.slow

CHANGED = "p-tayninh"
DAY = 3


def _changes(db, run_id: int) -> list:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as session:
            return layout_changes(session, run_id)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def crawled(crawl: Crawl, tmp_path_factory):
    net = crawl.net
    probe = SimNetwork(day=DAY)
    ids = sorted({c.portal_id for c in probe.world.changes if c.day <= DAY} | {CHANGED, "p-lamdong"})
    tmp = tmp_path_factory.mktemp("template-change")
    reg = load_registry()
    registry = tmp / "portals.csv"
    registry.write_text(registry_to_csv([dataclasses.replace(reg[i], parent=None) for i in ids]), encoding="utf-8")
    before = tmp / "before.sqlite"
    try:
        for day in (1, 2):
            net.set_day(day)
            crawl.run(before, "--registry", str(registry))
        changed_db, plain_db = tmp / "changed.sqlite", tmp / "plain.sqlite"
        for target in (changed_db, plain_db):
            engine = create_engine(f"sqlite:///{before}")
            with engine.connect() as conn:  # a consistent copy of a WAL database
                conn.exec_driver_sql(f"VACUUM INTO '{target}'")
            engine.dispose()
        net.set_day(DAY)
        plain = crawl.run(plain_db, "--registry", str(registry))
        with SimNetwork(day=DAY, template_change=f"{CHANGED}:{DAY}") as changed_net:
            changed = Crawl(changed_net, tmp).run(changed_db, "--registry", str(registry))
        yield {"ids": ids, "changed_db": changed_db, "plain_db": plain_db, "changed_out": changed.stdout,
               "plain_out": plain.stdout, "before": before}
    finally:
        net.set_day(1)
        shutil.rmtree(tmp / "files", ignore_errors=True)


def test_the_changed_portal_is_flagged_on_its_day_and_no_other(crawled):
    assert _changes(crawled["before"], 1) == [] and _changes(crawled["before"], 2) == []
    changes = _changes(crawled["changed_db"], 3)
    assert [c.portal_id for c in changes] == [CHANGED]
    fell = {m.metric: m for m in changes[0].metrics}
    # the shell has no date line, no body and no widget; its <title> still names the site
    assert {"date_share", "text_share", "widget_share"} <= set(fell)
    assert fell["date_share"].value == 0.0 and fell["date_share"].median >= 0.5
    assert fell["text_share"].value == 0.0 and fell["widget_share"].value == 0.0
    assert "title_share" not in fell
    assert "Giao diện đã thay đổi?" in crawled["changed_out"] and f"  - {CHANGED}: " in crawled["changed_out"]


def test_without_the_option_no_portal_is_flagged(crawled):
    assert _changes(crawled["plain_db"], 3) == []
    assert "Giao diện đã thay đổi?" not in crawled["plain_out"]


def test_days_before_the_change_are_byte_identical():
    plain, changed = SimNetwork(day=2), SimNetwork(day=2, template_change=f"{CHANGED}:{DAY}")
    home = plain.world.portals[CHANGED].base_url
    host = home.split("/")[2]
    for net in (plain, changed):
        net.set_day(2)
    assert plain.handle("https", host, "/").body == changed.handle("https", host, "/").body
    changed.set_day(DAY)
    assert b'<div id="root"' in changed.handle("https", host, "/").body


def test_template_change_values_are_checked():
    assert TemplateChange.parse("p-tayninh:3") == TemplateChange("p-tayninh", 3)
    for bad in ("p-tayninh", "p-tayninh:0", ":3", "p-tayninh:x"):
        with pytest.raises(TemplateChangeError):
            TemplateChange.parse(bad)
    with pytest.raises(TemplateChangeError, match="serves no registry portal 'p-nowhere'"):
        SimNetwork(template_change="p-nowhere:2")


def test_bad_template_change_on_the_command_line_is_one_error_line():
    import subprocess
    import sys

    from simcrawl import ROOT

    for args in (["sim", "serve", "--port", "0", "--template-change", "p-tayninh"],
                 ["demo", "--db", "unused.sqlite", "--template-change", "p-nowhere:3"]):
        proc = subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 2 and proc.stdout == ""
        assert [line for line in proc.stderr.splitlines() if line.startswith("error: ")] == proc.stderr.splitlines()
        assert "template change" in proc.stderr
