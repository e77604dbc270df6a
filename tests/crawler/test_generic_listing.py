"""Listings without a family profile, on saved responses: which links are a listing's items, which
lead to the next page, which home-page links are CCHC categories and which are featured articles.

Pages are Scrapy responses built from a file or a string (the `file_response(path, url)` way).
Two are real pages of a department portal (shared/portal-evidence, Liferay 6.2 saved with HTTrack);
the others are written after the markup of real themes (WordPress, Drupal 7 Views, Joomla 3,
SharePoint 2010 publishing, a table-layout PHP site, ASP.NET MVC/Bootstrap, DNN).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.families import FAMILIES
from crawler.headlines import (
    PageLinks,
    category_links,
    featured_links,
    is_headline_text,
)
from crawler.spiders.base import is_cchc_text
from crawler.spiders.paging import item_links, next_page_links

EVIDENCE = Path(__file__).resolve().parents[3] / "shared" / "portal-evidence"


def file_response(path: Path, url: str) -> HtmlResponse:
    """A saved page as Scrapy hands it to a callback."""
    return HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8")


def html_response(body: str, url: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def on(host: str):
    return lambda u: u.startswith(f"https://{host}/")


def urls(links) -> list[str]:
    return [link.url for link in links]


# ------------------------------------------------------------------------------------ real pages
@pytest.mark.parametrize("name", ["ke-hoach.html", "cong-nghe-thong-tin.html"])
def test_real_liferay_listing_items_are_the_asset_titles(name):
    path = EVIDENCE / "sotttt_hanoi_liferay_pages" / name
    if not path.exists():
        pytest.skip("shared/portal-evidence not present")
    resp = file_response(path, f"https://sotttt.hanoi.gov.vn/{name}")
    expected = [resp.urljoin(h) for h in resp.css("h3.asset-title a::attr(href)").getall()]
    assert len(expected) >= 10
    # no profile: the same items come out of the page's structure and visible text alone
    assert urls(item_links(resp.selector, resp.url, on("sotttt.hanoi.gov.vn"))) == expected


def test_real_liferay_home_hot_news_snippet_gives_headlines_only():
    path = EVIDENCE / "snippets" / "liferay_sotttt_hanoi_home_hotnews.html"
    if not path.exists():
        pytest.skip("shared/portal-evidence not present")
    resp = file_response(path, "https://sotttt.hanoi.gov.vn/")
    heads = PageLinks(resp.selector, resp.url).headlines(on("sotttt.hanoi.gov.vn"), labels=frozenset())
    assert heads and all(is_headline_text(link.text) for _, link in heads)
    assert all("/-/" in link.url for _, link in heads)  # articles, never the "Xem tiếp" or date links


# ------------------------------------------------------------------------------------ themes
WORDPRESS = """<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>Cải cách hành chính</title></head>
<body><div id="page" class="site"><header id="masthead" class="site-header"><p class="site-title"><a href="/">UBND XÃ MÙ CANG CHẢI</a></p>
<nav id="site-navigation" class="main-navigation"><ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/chuyen-muc/tin-tuc/">Tin tức - Sự kiện</a></li><li><a href="/chuyen-muc/cai-cach-hanh-chinh/">Cải cách hành chính</a></li></ul></nav></header>
<div id="content"><main id="main" class="site-main"><header class="page-header"><h1 class="page-title">Chuyên mục: <span>Cải cách hành chính</span></h1></header>
<article class="post"><header class="entry-header"><h2 class="entry-title"><a href="/cai-cach-hanh-chinh/ke-hoach-cai-cach-hanh-chinh-nam-2026.html" rel="bookmark">Kế hoạch cải cách hành chính năm 2026 của UBND xã</a></h2>
<div class="entry-meta"><a href="/cai-cach-hanh-chinh/ke-hoach-cai-cach-hanh-chinh-nam-2026.html"><time>12/01/2026</time></a></div></header>
<div class="entry-summary"><p>Kế hoạch số 12/KH-UBND.</p></div><footer class="entry-footer"><a href="/chuyen-muc/cai-cach-hanh-chinh/" rel="category tag">Cải cách hành chính</a></footer></article>
<article class="post"><header class="entry-header"><h2 class="entry-title"><a href="/cai-cach-hanh-chinh/tuyen-truyen-cchc-2026.html" rel="bookmark">Kế hoạch tuyên truyền cải cách hành chính năm 2026</a></h2>
<div class="entry-meta"><time>10/01/2026</time></div></header><footer class="entry-footer"><a href="/chuyen-muc/cai-cach-hanh-chinh/">Cải cách hành chính</a></footer></article>
<nav class="navigation pagination"><div class="nav-links"><span class="page-numbers current">1</span><a class="page-numbers" href="/chuyen-muc/cai-cach-hanh-chinh/page/2/">2</a>
<a class="next page-numbers" href="/chuyen-muc/cai-cach-hanh-chinh/page/2/">Trang sau »</a></div></nav></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2 class="widget-title">Bài viết mới</h2><ul>
<li><a href="/tin-tuc/hoi-nghi-so-ket-cong-tac-phong-chong-thien-tai.html">Hội nghị sơ kết công tác phòng, chống thiên tai</a></li>
<li><a href="/tin-tuc/ra-quan-lam-sach-moi-truong.html">Ra quân làm sạch môi trường, hưởng ứng Ngày Môi trường thế giới</a></li></ul></section></aside></div>
<footer id="colophon"><p>Chịu trách nhiệm chính: Chủ tịch UBND xã</p><a href="/lien-he/">Liên hệ với ban biên tập trang thông tin</a></footer></div></body></html>"""


def test_wordpress_category_items_and_next_page():
    resp = html_response(WORDPRESS, "https://mucangchai.laocai.gov.vn/chuyen-muc/cai-cach-hanh-chinh/")
    assert urls(item_links(resp.selector, resp.url, on("mucangchai.laocai.gov.vn"))) == [
        "https://mucangchai.laocai.gov.vn/cai-cach-hanh-chinh/ke-hoach-cai-cach-hanh-chinh-nam-2026.html",
        "https://mucangchai.laocai.gov.vn/cai-cach-hanh-chinh/tuyen-truyen-cchc-2026.html",
    ]
    assert next_page_links(resp.selector, resp.url, current=1)[0] == \
        "https://mucangchai.laocai.gov.vn/chuyen-muc/cai-cach-hanh-chinh/page/2/"


def test_a_profile_that_does_not_fit_the_layout_loses_nothing():
    """A registry row that still says tandan_sp for a site now on WordPress: its profile recognises
    none of the links, so every headline stays; a profile that fits only narrows (optimisation)."""
    resp = html_response(WORDPRESS, "https://mucangchai.laocai.gov.vn/chuyen-muc/cai-cach-hanh-chinh/")
    same = on("mucangchai.laocai.gov.vn")
    tandan = FAMILIES["tandan_sp"].article
    generic = urls(item_links(resp.selector, resp.url, same))
    assert urls(item_links(resp.selector, resp.url, same, lambda u: bool(tandan.search(u)))) == generic
    assert len(generic) == 2
    only_first = urls(item_links(resp.selector, resp.url, same, lambda u: "nam-2026" in u))
    assert only_first == generic[:1]


def drupal_listing(page: int, pages: int) -> str:
    """A Drupal 7 Views page: 0-based `?page=`, "tiếp theo ›" next and "cuối cùng »" last."""
    rows = "".join(
        f'<div class="views-row views-row-{i + 1}"><div class="views-field views-field-title"><span class="field-content">'
        f'<a href="/node/{100 * page + i}">Kế hoạch thực hiện nhiệm vụ cải cách hành chính số {100 * page + i}</a></span></div>'
        f'<div class="views-field views-field-created"><span class="field-content">0{i + 1}/02/2026 - 08:30</span></div></div>'
        for i in range(3))
    lis = [f'<li class="pager-current">{n}</li>' if n == page else
           f'<li class="pager-item"><a title="Đến trang {n}" href="/cai-cach-hanh-chinh{"" if n == 1 else f"?page={n - 1}"}">{n}</a></li>'
           for n in range(1, pages + 1)]
    if page < pages:
        lis.append(f'<li class="pager-next"><a href="/cai-cach-hanh-chinh?page={page}">tiếp theo ›</a></li>')
        lis.append(f'<li class="pager-last last"><a href="/cai-cach-hanh-chinh?page={pages - 1}">cuối cùng »</a></li>')
    return (f'<html><body><div id="header"><div id="main-menu"><ul class="links"><li><a href="/">Trang chủ</a></li>'
            '<li><a href="/cai-cach-hanh-chinh">Cải cách hành chính</a></li><li><a href="/tin-tuc">Tin tức</a></li></ul></div></div>'
            f'<div id="content"><h1 id="page-title">Cải cách hành chính</h1><div class="view"><div class="view-content">{rows}</div>'
            f'<div class="item-list"><ul class="pager">{"".join(lis)}</ul></div></div></div>'
            '<div class="region-sidebar-second"><div class="block"><h2>Tin xem nhiều</h2><div class="content"><ul>'
            '<li><a href="/node/7">Khai mạc giải bóng đá thiếu niên nhi đồng năm 2026</a></li>'
            '<li><a href="/node/8">Tổ chức tiêm chủng mở rộng cho trẻ em trong độ tuổi</a></li></ul></div></div></div></body></html>')


def test_drupal_zero_based_pager_is_read_by_its_visible_numbers():
    base = "https://quynhon.gialai.gov.vn/cai-cach-hanh-chinh"
    first = html_response(drupal_listing(1, 4), base)
    assert urls(item_links(first.selector, first.url, on("quynhon.gialai.gov.vn"))) == [
        f"https://quynhon.gialai.gov.vn/node/{100 + i}" for i in range(3)]
    assert next_page_links(first.selector, first.url, current=1)[0] == base + "?page=1"
    second = html_response(drupal_listing(2, 4), base + "?page=1")
    # "3" and "tiếp theo ›" lead to ?page=2; "cuối cùng »" (the last page) is not the next page
    nxt = next_page_links(second.selector, second.url, current=2)
    assert nxt[0] == base + "?page=2"
    last = html_response(drupal_listing(4, 4), base + "?page=3")
    assert next_page_links(last.selector, last.url, current=4) == []


def test_joomla_limitstart_pager_and_read_more_links():
    body = ('<html><body><nav role="navigation"><ul><li><a href="/">Trang chủ</a></li><li><a href="/index.php/tin-tuc/cai-cach-hanh-chinh">Cải cách hành chính</a></li></ul></nav>'
            '<main><div class="blog"><div class="items-leading"><div class="leading-0"><h2><a href="/index.php/tin-tuc/cai-cach-hanh-chinh/2621-bao-cao-cchc-2025">'
            'Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025</a></h2><p class="readmore">'
            '<a href="/index.php/tin-tuc/cai-cach-hanh-chinh/2621-bao-cao-cchc-2025">Xem thêm: Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025</a></p></div></div>'
            '<div class="items-row"><div class="item column-1"><h2><a href="/index.php/tin-tuc/cai-cach-hanh-chinh/2610-ke-hoach-cchc-2026">'
            'Kế hoạch cải cách hành chính nhà nước năm 2026 của UBND xã</a></h2></div></div>'
            '<div class="pagination"><p class="counter">Trang 1 / 3</p><ul><li class="disabled"><a>Đầu</a></li><li class="disabled"><a>Trước</a></li>'
            '<li class="active"><a>1</a></li><li><a href="/index.php/tin-tuc/cai-cach-hanh-chinh?start=4">2</a></li>'
            '<li><a href="/index.php/tin-tuc/cai-cach-hanh-chinh?start=8">3</a></li>'
            '<li><a title="Tiếp" href="/index.php/tin-tuc/cai-cach-hanh-chinh?start=4">Tiếp</a></li>'
            '<li><a title="Cuối" href="/index.php/tin-tuc/cai-cach-hanh-chinh?start=8">Cuối</a></li></ul></div></div></main>'
            '<div id="aside"><div class="moduletable"><h3>Tin mới nhất</h3><ul class="latestnews"><li><a href="/index.php/tin-tuc/tin-dia-phuong/2700-dai-hoi-hoi-cuu-chien-binh">'
            'Đại hội Hội Cựu chiến binh xã nhiệm kỳ 2026 - 2031</a></li></ul></div></div></body></html>')
    resp = html_response(body, "https://anhson.nghean.gov.vn/index.php/tin-tuc/cai-cach-hanh-chinh")
    assert urls(item_links(resp.selector, resp.url, on("anhson.nghean.gov.vn"))) == [
        "https://anhson.nghean.gov.vn/index.php/tin-tuc/cai-cach-hanh-chinh/2621-bao-cao-cchc-2025",
        "https://anhson.nghean.gov.vn/index.php/tin-tuc/cai-cach-hanh-chinh/2610-ke-hoach-cchc-2026",
    ]
    assert next_page_links(resp.selector, resp.url, current=1)[0] == resp.url + "?start=4"


SHAREPOINT_PAGES = """<html><body><form id="aspnetForm"><div id="s4-titlerow"><h1><a href="/Pages/default.aspx">UBND XÃ KỲ ANH</a></h1></div>
<div class="menu horizontal menu-horizontal"><ul class="root static">
<li class="static"><a class="static menu-item" href="/Pages/default.aspx"><span class="menu-item-text">Trang chủ</span></a></li>
<li class="static"><a class="static menu-item" href="/Pages/tin-tuc.aspx"><span class="menu-item-text">Tin tức - Sự kiện</span></a></li>
<li class="static"><a class="static menu-item" href="/Pages/cai-cach-hanh-chinh.aspx"><span class="menu-item-text">Cải cách hành chính</span></a></li></ul></div>
<table><tr><td class="ms-bodyareaframe"><div class="ms-WPHeader"><h3 class="ms-WPTitle"><span>Cải cách hành chính</span></h3></div>
<ul class="dfwp-list"><li class="dfwp-item"><div class="item link-item"><a href="/Pages/ke-hoach-tuyen-truyen-cai-cach-hanh-chinh-nam-2026.aspx">Kế hoạch tuyên truyền cải cách hành chính năm 2026</a>
<div class="description">15/01/2026 - Kế hoạch số 9/KH-UBND</div></div></li>
<li class="dfwp-item"><div class="item link-item"><a href="/Pages/hoi-nghi-tong-ket-cong-tac-nam-2025.aspx">Hội nghị tổng kết công tác năm 2025 và triển khai nhiệm vụ năm 2026</a>
<div class="description">05/01/2026</div></div></li></ul>
<div class="paging">Trang: <span class="current">1</span> <a href="?Page=2">2</a> <a href="?Page=3">3</a></div></td>
<td class="right-zone"><div class="ms-WPHeader"><h3 class="ms-WPTitle"><span>Tin mới</span></h3></div><ul class="dfwp-list">
<li class="dfwp-item"><a href="/Pages/khai-mac-giai-bong-da-thieu-nien-nhi-dong.aspx">Khai mạc giải bóng đá thiếu niên nhi đồng năm 2026</a></li>
<li class="dfwp-item"><a href="/Pages/ke-hoach-tuyen-truyen-cai-cach-hanh-chinh-nam-2026.aspx">Kế hoạch tuyên truyền cải cách hành chính năm 2026</a></li></ul></td></tr></table>
</form></body></html>"""


def test_sharepoint_pages_site_where_categories_and_articles_share_the_url_shape():
    url = "https://kyanh.hatinh.gov.vn/Pages/cai-cach-hanh-chinh.aspx"
    resp = html_response(SHAREPOINT_PAGES, url)
    assert urls(item_links(resp.selector, resp.url, on("kyanh.hatinh.gov.vn"))) == [
        "https://kyanh.hatinh.gov.vn/Pages/ke-hoach-tuyen-truyen-cai-cach-hanh-chinh-nam-2026.aspx",
        "https://kyanh.hatinh.gov.vn/Pages/hoi-nghi-tong-ket-cong-tac-nam-2025.aspx",
    ]
    assert next_page_links(resp.selector, resp.url, current=1)[0] == url + "?Page=2"
    # from the same page seen as a home page: the menu entry is the CCHC category, not an article
    page = PageLinks(resp.selector, "https://kyanh.hatinh.gov.vn/Pages/default.aspx")
    assert category_links(page, on("kyanh.hatinh.gov.vn"), is_cchc_text) == [url]


TABLE_PHP_HOME = """<html><body><table width="1000"><tr><td colspan="3"><img src="images/banner.jpg" alt="UBND PHƯỜNG"></td></tr>
<tr><td colspan="3" class="menu_top"><a href="/">Trang chủ</a> | <a href="/index.php?com=gioithieu">Giới thiệu</a> |
<a href="/index.php?com=danhmuc_tin&id_category=3">Tin tức - Sự kiện</a> | <a href="/index.php?com=vanban">Văn bản</a></td></tr>
<tr><td width="200" valign="top"><table class="box"><tr><td class="title_box">TIN XEM NHIỀU</td></tr><tr><td>
<a href="/index.php?com=tin_ct&id_category=3&id_tin=77">Ra quân làm sạch môi trường, hưởng ứng Ngày Môi trường thế giới</a><br>
<a href="/index.php?com=tin_ct&id_category=10&id_tin=81">Kế hoạch cải cách hành chính nhà nước năm 2024 của UBND phường</a></td></tr></table></td>
<td width="600" valign="top"><table><tr><td class="title_cat">TIN NỔI BẬT</td></tr>
<tr><td><a href="/index.php?com=tin_ct&id_category=10&id_tin=95"><b>UBND phường ban hành Kế hoạch tuyên truyền cải cách hành chính năm 2026</b></a> (20/01/2026)</td></tr>
<tr><td><a href="/index.php?com=tin_ct&id_category=3&id_tin=96"><b>Thăm, tặng quà gia đình chính sách nhân dịp Tết Nguyên đán</b></a> (18/01/2026)</td></tr></table>
<table><tr><td class="title_cat">CẢI CÁCH HÀNH CHÍNH</td></tr>
<tr><td><a href="/index.php?com=tin_ct&id_category=10&id_tin=90"><b>Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2025</b></a></td></tr>
<tr><td align="right"><a href="/index.php?com=danhmuc_tin&id_category=10">Xem tiếp »</a></td></tr></table></td>
<td width="200"></td></tr><tr><td colspan="3" class="footer">Chịu trách nhiệm chính: Chủ tịch UBND phường. Địa chỉ: số 1 đường Hoàng Văn Thụ</td></tr></table></body></html>"""


def test_home_page_of_a_table_layout_site_categories_by_heading_and_featured_cchc_articles():
    resp = html_response(TABLE_PHP_HOME, "https://phandinhphung.thainguyen.gov.vn/")
    page = PageLinks(resp.selector, resp.url)
    same = on("phandinhphung.thainguyen.gov.vn")
    # no menu entry says CCHC here: the box headed "CẢI CÁCH HÀNH CHÍNH" leads to the category
    assert category_links(page, same, is_cchc_text) == [
        "https://phandinhphung.thainguyen.gov.vn/index.php?com=danhmuc_tin&id_category=10"]
    assert urls(featured_links(page, same, is_cchc_text)) == [
        "https://phandinhphung.thainguyen.gov.vn/index.php?com=tin_ct&id_category=10&id_tin=81",
        "https://phandinhphung.thainguyen.gov.vn/index.php?com=tin_ct&id_category=10&id_tin=95",
        "https://phandinhphung.thainguyen.gov.vn/index.php?com=tin_ct&id_category=10&id_tin=90",
    ]
    # the menu row is a menu; the footer and the boxes' titles are not links at all
    menu_texts = {t for a, _, t in page.anchors if a in page.menu_anchors()}
    assert menu_texts == {"Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Văn bản"}


@pytest.mark.parametrize(("pager", "current", "url", "expected"), [
    # ASP.NET MVC / Bootstrap: numbers and a bare "›", no rel
    (('<ul class="pagination"><li class="disabled"><span>‹</span></li><li class="active"><span>1</span></li>'
      '<li><a href="/chuyen-muc/cchc?page=2">2</a></li><li><a href="/chuyen-muc/cchc?page=2">›</a></li></ul>'),
     1, "https://a.gov.vn/chuyen-muc/cchc", "https://a.gov.vn/chuyen-muc/cchc?page=2"),
    # DNN: "Sau" among "Đầu / Trước / Sau / Cuối", PageIndex
    (('<div class="PagingTable">Trang 2/4 <a href="/vi-VN/cchc.aspx">Đầu</a> <a href="/vi-VN/cchc.aspx">Trước</a> '
      '<a href="/vi-VN/cchc.aspx">1</a> <span>2</span> <a href="/vi-VN/cchc.aspx?PageIndex=3">3</a> '
      '<a href="/vi-VN/cchc.aspx?PageIndex=3">Sau</a> <a href="/vi-VN/cchc.aspx?PageIndex=4">Cuối</a></div>'),
     2, "https://a.gov.vn/vi-VN/cchc.aspx?PageIndex=2", "https://a.gov.vn/vi-VN/cchc.aspx?PageIndex=3"),
    # an offset pager (`?start=10`) read by its numbers
    ('<div class="pages"><b>1</b> <a href="/tin?start=10">2</a> <a href="/tin?start=20">3</a></div>',
     1, "https://a.gov.vn/tin", "https://a.gov.vn/tin?start=10"),
    # "»" and rel=next
    ('<a href="/tin?page=1">1</a> <a rel="next" href="/tin?page=3">»</a> <a href="/tin?page=9">9</a>',
     2, "https://a.gov.vn/tin?page=2", "https://a.gov.vn/tin?page=3"),
    # a pager link of another listing is not this listing's next page
    ('<a href="/khac?page=2">2</a> <a href="/tin/page/2/">Trang sau »</a>',
     1, "https://a.gov.vn/tin/", "https://a.gov.vn/tin/page/2/"),
])
def test_pagers_of_many_themes(pager, current, url, expected):
    resp = html_response(f"<html><body>{pager}</body></html>", url)
    assert next_page_links(resp.selector, resp.url, current=current)[0] == expected


def test_last_page_with_one_item_and_a_tin_khac_list_after_it_in_the_same_block():
    body = ('<html><body><div id="menu"><a href="/">Trang chủ</a> <a href="/cchc">Cải cách hành chính</a> <a href="/tin">Tin tức</a></div>'
            '<div class="content"><h1>Cải cách hành chính</h1>'
            '<div class="news"><a href="/cchc/ke-hoach-cchc-2020-11.html">Kế hoạch cải cách hành chính năm 2020 của UBND phường</a> (02/01/2020)</div>'
            '<div class="pager"><a href="/cchc?page=1">1</a> <span>2</span></div>'
            '<h3>Tin khác</h3><ul>'
            + "".join(f'<li><a href="/tin/bai-viet-so-{i}.html">Một bài viết tin tức khác của phường số {i}</a></li>' for i in range(5))
            + '</ul></div></body></html>')
    resp = html_response(body, "https://b.gov.vn/cchc?page=2")
    assert urls(item_links(resp.selector, resp.url, on("b.gov.vn"))) == ["https://b.gov.vn/cchc/ke-hoach-cchc-2020-11.html"]
    assert next_page_links(resp.selector, resp.url, current=2) == []


def test_headline_text():
    assert is_headline_text("Kế hoạch tuyên truyền cải cách hành chính năm 2026")
    assert not is_headline_text("Cải cách hành chính")          # a category label
    assert not is_headline_text("Văn bản")
    assert not is_headline_text("Xem thêm: Kế hoạch cải cách hành chính năm 2026")
    assert not is_headline_text("Trang sau »")


def test_short_titles_are_read_by_their_article_shaped_urls():
    """A listing of "KH 12/KH-UBND"-style titles: too short for headlines, so it is read again taking
    links whose URLs look like articles; the pager and the menu stay out."""
    from crawler.families import is_article_url

    body = ('<html><body><div id="menu"><a href="/">Trang chủ</a> <a href="/van-ban">Văn bản</a> <a href="/cchc">CCHC</a></div>'
            '<ul class="news"><li><a href="/tin-tuc/kh-12-kh-ubnd-2010.html">KH 12/KH-UBND</a></li>'
            '<li><a href="/tin-tuc/kh-40-kh-ubnd-2011.html">KH 40/KH-UBND</a></li></ul>'
            '<div class="pager"><a href="/cchc?page=2">Trang sau</a></div></body></html>')
    resp = html_response(body, "https://c.gov.vn/cchc?page=1")
    same = on("c.gov.vn")
    assert item_links(resp.selector, resp.url, same) == []
    assert urls(item_links(resp.selector, resp.url, same, None, lambda u: is_article_url(u, None))) == [
        "https://c.gov.vn/tin-tuc/kh-12-kh-ubnd-2010.html", "https://c.gov.vn/tin-tuc/kh-40-kh-ubnd-2011.html"]
