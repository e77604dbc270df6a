"""Every widget form the simulator serves, fetched through its proxy as the crawler would: for each CMS
family × form (inline table/list/divs, the one-door iframe page and its APIs, the JSON hook with its
script and API), on the plain network and with the simulated country on.

Why: a widget URL that is never fetched by a test can break unseen; the JSON widget's script crashed
the simulator's handler (UnicodeEncodeError on its Vietnamese text, the connection dropped with no
answer) while every other widget test passed.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
from parsel import Selector
from sim_client import Client, Got

from sim.network import SimNetwork

#: the widget URLs each form is reached by: the inline block's detail page; the iframe page and its two
#: one-door APIs; the JSON hook's API and its script
PER_FORM = {"inline": 1, "iframe": 3, "json": 2}


@pytest.fixture(scope="module", params=[False, True], ids=["registry", "country"])
def network(request: pytest.FixtureRequest) -> Iterator[SimNetwork]:
    with SimNetwork(day=1, seed=0, country=request.param) as net:
        yield net


def _text(got: Got) -> str:
    """The body decoded as its Content-Type says (UTF-8 when it says nothing), failing on bad bytes."""
    ctype = got.headers.get("content-type", "")
    charset = ctype.split("charset=", 1)[1].split(";")[0].strip() if "charset=" in ctype else "utf-8"
    return got.body.decode(charset)


def _widget_urls(net: SimNetwork, client: Client, pid: str) -> list[str]:
    """The widget URLs a crawler finds from the portal's home page, plus the APIs the world says it has."""
    w = net.world.widget(pid)
    assert w is not None
    home_url = net.world.portals[pid].base_url
    home = client.get(home_url)
    assert home.status == 200, (pid, home_url)
    page = Selector(text=_text(home))
    urls: list[str] = []
    if w.how == "inline":
        assert "Kết quả giải quyết TTHC" in page.css("body").xpath("string()").get(""), pid
        assert page.css("a[href='/thong-ke-tthc']"), pid
        urls.append(urljoin(home_url, "/thong-ke-tthc"))
    elif w.how == "iframe":
        urls += page.css("iframe::attr(src)").getall()
        urls += [w.api_url or "", w.url.split("/portaldvc/")[0] + "/api/v1/thongkehosotructuyens/hoso"]
    else:
        hook = page.css("#thongke-hoso-toantinh")
        urls += hook.css("::attr(data-api)").getall()
        urls += [urljoin(home_url, src) for src in page.css("script[src*=thongke]::attr(src)").getall()]
    assert w.url in urls or w.how == "inline", (pid, urls)
    return urls


def test_every_widget_form_answers_in_its_declared_charset(network: SimNetwork) -> None:
    client = Client(network)
    forms: dict[tuple[str, str, str], str] = {}
    for pid, p in sorted(network.world.portals.items()):
        if p.widget_how and not p.faults:
            forms.setdefault((p.family, p.widget_how, p.widget_markup or ""), pid)
    assert {how for _, how, _ in forms} == {"inline", "iframe", "json"}
    assert {markup for _, how, markup in forms if how == "inline"} == {"table", "list", "divs"}
    fetched = 0
    for form, pid in sorted(forms.items()):
        for url in _widget_urls(network, client, pid):
            got = client.get(url)
            assert got.status == 200, (form, url, got.status)
            text = _text(got)
            assert text.strip(), (form, url)
            fetched += 1
    assert fetched == sum(PER_FORM[how] for _, how, _ in forms)
