"""Same (seed, day) gives identical bytes, across networks; another seed gives another network."""
from __future__ import annotations

from sim_client import Client

from sim.network import SimNetwork
from sim.world import World


def sample_urls(world: World) -> list[str]:
    urls = ["https://laichau.gov.vn/", "https://caobang.gov.vn/vi/news/rss/", "https://hanoi.gov.vn/sitemap.xml",
            "https://dichvucong.hatinh.gov.vn/portaldvc/chi-so-tien-do-giai-quyet?MaDinhDanh=000.00.00.H25&Type=1",
            "https://dvctt.camau.gov.vn/api/thongke/getthongketoantinh?nam=2026"]
    for pid in ("p-dienbien", "d-sldtbxh-dienbien", "p-khanhhoa"):
        for a in world.articles(pid)[:6]:
            urls.append(a.url)
            urls += [f.url for f in a.files]
    return urls


def fetch_all(seed: int, day: int, urls: list[str] | None = None) -> tuple[list[str], list[bytes]]:
    with SimNetwork(day=day, seed=seed) as net:
        urls = urls or sample_urls(net.world)
        c = Client(net)
        return urls, [c.get(u).body for u in urls]


def test_same_seed_and_day_give_identical_bytes() -> None:
    urls, first = fetch_all(0, 2)
    _, second = fetch_all(0, 2, urls)
    assert len(urls) > 15
    assert first == second
    assert any(b[:4] == b"%PDF" for b in first)


def test_another_seed_or_day_changes_content() -> None:
    w0, w1 = World(seed=0), World(seed=1)
    assert [a.url for a in w0.articles("p-laichau")] != [a.url for a in w1.articles("p-laichau")]
    assert set(w0.portals) == set(w1.portals)
    _, day1 = fetch_all(0, 1, ["https://laichau.gov.vn/"])
    _, day2 = fetch_all(0, 2, ["https://laichau.gov.vn/"])
    assert day1 != day2  # counters and dates move
