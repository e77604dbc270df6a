"""The simulated calendar: day 1 = 2026-03-02; day N+1 adds, edits and removes; one portal is down on day 2."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sim_client import Client

from sim.calendar import date_of_day, day_of_date
from sim.network import SimNetwork
from sim.world import World


@pytest.fixture(scope="module")
def daynet() -> Iterator[SimNetwork]:
    network = SimNetwork(day=1, seed=0).start()
    yield network
    network.stop()


def test_calendar() -> None:
    assert date_of_day(1) == dt.date(2026, 3, 2)
    assert date_of_day(32) == dt.date(2026, 4, 2)
    assert day_of_date(dt.date(2026, 3, 4)) == 3
    with pytest.raises(ValueError):
        date_of_day(0)


def test_day_two_changes(daynet: SimNetwork) -> None:
    c = Client(daynet)
    assert daynet.env()["CCHC_OBSERVED_ON"] == "2026-03-02"
    w2_changes = [ch for ch in World(day=2).changes if ch.day == 2]
    added = [ch for ch in w2_changes if ch.kind == "added"]
    edited = next(ch for ch in w2_changes if ch.kind == "edited")
    removed = next(ch for ch in w2_changes if ch.kind == "removed")
    assert len(added) == 3
    # day 1: the new plans do not exist yet, the edited one has its old body, the removed one is live
    for ch in added:
        assert c.get(ch.url).status == 404
    before = c.get(edited.url)
    assert before.status == 200 and "Cập nhật ngày 3/3/2026" not in before.text
    assert c.get(removed.url).status == 200
    assert c.get("https://lamdong.gov.vn/").status == 200
    widget_1 = daynet.world.widget("x-ngoclien-camgiang-haiduong")
    home_1 = c.get("http://ngoclien.camgiang.haiduong.gov.vn/").text

    daynet.set_day(2)
    assert daynet.observed_on == dt.date(2026, 3, 3)
    assert daynet.env()["CCHC_OBSERVED_ON"] == "2026-03-03"
    for ch in added:
        got = c.get(ch.url)
        assert got.status == 200
        art = daynet.world.article_by_url(ch.url)
        assert art is not None and art.published.date() == dt.date(2026, 3, 3) and art.is_cchc
        assert ch.url in daynet.world.expected_urls(ch.portal_id, "listings")
    after = c.get(edited.url)
    assert after.status == 200 and "Cập nhật ngày 3/3/2026: điều chỉnh thời gian thực hiện" in after.text
    assert daynet.world.article_by_url(edited.url).edited  # type: ignore[union-attr]
    assert c.get(removed.url).status == 404
    assert daynet.world.article_by_url(removed.url).removed  # type: ignore[union-attr]
    assert removed.url not in daynet.world.expected_urls(removed.portal_id, "listings")
    # the named portal is down all day 2 (the proxy cannot reach it)
    assert daynet.world.fault("p-lamdong") == "down_day2"
    assert c.get("https://lamdong.gov.vn/").status == 502
    assert c.get("https://lamdong.gov.vn/robots.txt").status == 502
    # widget figures are cumulative and move; the updated-at moves to the new day
    widget_2 = daynet.world.widget("x-ngoclien-camgiang-haiduong")
    assert widget_1 is not None and widget_2 is not None
    assert widget_2.processed > widget_1.processed and widget_2.on_time >= widget_1.on_time
    assert widget_2.updated_at.date() == dt.date(2026, 3, 3) > widget_1.updated_at.date()
    home_2 = c.get("http://ngoclien.camgiang.haiduong.gov.vn/").text
    assert home_1 != home_2 and "Cập nhật lúc:03/03/2026" in home_2

    daynet.set_day(3)
    assert c.get("https://lamdong.gov.vn/").status == 200
    assert c.get(removed.url).status == 404  # removed stays removed
    assert "Cập nhật ngày 3/3/2026" in c.get(edited.url).text
    daynet.set_day(1)


def test_nothing_dated_after_the_observed_day(daynet: SimNetwork) -> None:
    for day in (1, 4):
        daynet.set_day(day)
        w = daynet.world
        for pid in w.portals:
            v = w.view(pid)
            assert all(a.published.date() <= w.observed for a in v.articles + v.registers)
    daynet.set_day(1)


def test_listing_shows_dates_in_family_format(daynet: SimNetwork) -> None:
    c = Client(daynet)
    page = c.get("https://hatinh.gov.vn/portal/Pages/Cai-cach-hanh-chinh.aspx").text
    assert re.search(r'<span class="tandan-span-date-publish">Đăng ngày \d{2} - \d{2} - \d{4}</span>', page)
