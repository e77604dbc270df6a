from parsel import Selector

from crawler.spiders.paging import item_links, next_page_links, page_number


def test_page_number_from_query_and_path():
    assert page_number("https://a.gov.vn/portal/Pages/Cai-cach.aspx?PageIndex=3") == 3
    assert page_number("https://a.gov.vn/x?p_p_id=101&_101_cur=4", ("_101_cur",)) == 4
    assert page_number("https://a.gov.vn/vi/news/cai-cach-hanh-chinh/page-2/") == 2
    assert page_number("https://a.gov.vn/tin-tuc") is None


def test_next_page_by_number_and_by_word():
    html = """<div class=pager><a href="?PageIndex=1">1</a><a href="?PageIndex=2">2</a>
    <a href="?PageIndex=3">3</a><a href="/khac?PageIndex=2">2</a></div>"""
    assert next_page_links(Selector(html), "https://a.gov.vn/cat.aspx?PageIndex=1") == ["https://a.gov.vn/cat.aspx?PageIndex=2"]
    html2 = '<ul class="pager"><li><a href="/cat/page-3/">Tiếp</a></li></ul>'
    assert next_page_links(Selector(html2), "https://a.gov.vn/cat/page-2/") == ["https://a.gov.vn/cat/page-3/"]


def test_item_links_take_the_main_block_not_the_sidebar():
    html = """<body><div class="list">""" + "".join(
        f'<div class="item"><h3 class="t"><a href="/tin/bai-{i}-{1000+i}">Kế hoạch cải cách hành chính số {i}</a></h3></div>' for i in range(6)
    ) + """</div><aside><ul class="hot"><li><a href="/tin/khac-2001">Một bài khác ở cột bên phải</a></li>
    <li><a href="/tin/khac-2002">Thêm một bài khác ở cột bên phải</a></li></ul></aside></body>"""
    links = item_links(Selector(html), "https://a.gov.vn/cat", lambda u: u.startswith("https://a.gov.vn/"))
    assert [link.url for link in links] == [f"https://a.gov.vn/tin/bai-{i}-{1000+i}" for i in range(6)]


def test_liferay_pager_adds_portlet_parameters_on_page_two():
    html = ('<ul class="pager lfr-pagination-buttons"><li><a href="/cai-cach-hanh-chinh?p_p_id=101&amp;p_p_lifecycle=0'
            '&amp;_101_delta=5&amp;_101_cur=2"> Tiếp </a></li></ul>')
    assert next_page_links(Selector(html), "https://hanoi.gov.vn/cai-cach-hanh-chinh", ("_101_cur",)) == [
        "https://hanoi.gov.vn/cai-cach-hanh-chinh?p_p_id=101&p_p_lifecycle=0&_101_delta=5&_101_cur=2"
    ]
