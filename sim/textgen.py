"""Generated Vietnamese content in the real formats: plans, propaganda plans, reports and ordinary news.

Everything takes a `random.Random` the caller keyed on (seed, portal, ...), so output is a pure
function of those keys. The phrasing, document numbers ("38/KH-UBND", "41-KH/ĐU"), in-text dates
("ngày 18/4/2022"), citations of real central documents and section headings follow the seeds and
DOMAIN.md, so relevance and extraction have real work to do.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sim.calendar import VN_TZ

CENTRAL_DOCS: list[tuple[str, int]] = [
    # (citation, first year it can be cited)
    ("Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030", 2021),
    ("Chỉ thị số 23/CT-TTg ngày 02/9/2021 của Thủ tướng Chính phủ về đẩy mạnh thực hiện Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021-2030", 2021),
    ("Quyết định số 766/QĐ-TTg ngày 23/6/2022 của Thủ tướng Chính phủ phê duyệt Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công theo thời gian thực trên môi trường điện tử", 2022),
    ("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính", 2018),
    ("Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP", 2021),
    ("Nghị quyết số 30c/NQ-CP ngày 08/11/2011 của Chính phủ ban hành Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2011-2020", 2019),
    ("Quyết định số 06/QĐ-TTg ngày 06/01/2022 của Thủ tướng Chính phủ phê duyệt Đề án phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử phục vụ chuyển đổi số quốc gia giai đoạn 2022-2025, tầm nhìn đến năm 2030", 2022),
]

CHANNELS: list[str] = [
    "đăng tải tin, bài trên Cổng/Trang thông tin điện tử",
    "chuyên mục cải cách hành chính trên hệ thống đài truyền thanh cơ sở",
    "mạng xã hội, Zalo, Fanpage của cơ quan, đơn vị",
    "hội nghị, tập huấn, bồi dưỡng nghiệp vụ",
    "tổ chức hội thi tìm hiểu về cải cách hành chính",
    "sân khấu hóa, tờ rơi, áp phích, pano, băng rôn, khẩu hiệu",
    "niêm yết công khai thủ tục hành chính tại Bộ phận một cửa",
]

NEWS_TOPICS: list[tuple[str, list[str]]] = [
    ("Hội nghị sơ kết công tác phòng, chống thiên tai và tìm kiếm cứu nạn", [
        "Hội nghị đánh giá kết quả công tác phòng, chống thiên tai và tìm kiếm cứu nạn, triển khai nhiệm vụ trong thời gian tới.",
        "Các đại biểu thảo luận về phương án sơ tán dân ở các khu vực có nguy cơ sạt lở và ngập lụt.",
    ]),
    ("Ra quân làm sạch môi trường, hưởng ứng Ngày Môi trường thế giới", [
        "Đoàn viên thanh niên và nhân dân tham gia thu gom rác thải, khơi thông cống rãnh trên các tuyến đường.",
        "Hoạt động góp phần nâng cao ý thức bảo vệ môi trường trong cộng đồng dân cư.",
    ]),
    ("Khai mạc giải bóng đá thiếu niên nhi đồng", [
        "Giải đấu có sự tham gia của các đội bóng đến từ các trường tiểu học và trung học cơ sở trên địa bàn.",
        "Ban tổ chức trao cờ lưu niệm cho các đội tham gia giải.",
    ]),
    ("Tổ chức tiêm chủng mở rộng cho trẻ em trong độ tuổi", [
        "Trạm Y tế phối hợp với các thôn, khu dân cư tổ chức tiêm chủng đầy đủ, an toàn cho trẻ.",
        "Người dân đến làm thủ tục tại trạm y tế được hướng dẫn tận tình, không phải chờ lâu.",
    ]),
    ("Thăm, tặng quà gia đình chính sách nhân dịp Tết Nguyên đán", [
        "Đoàn công tác đã đến thăm hỏi, tặng quà các gia đình chính sách, hộ nghèo trên địa bàn.",
        "Dịp này, địa phương cũng hoàn thành việc chi trả trợ cấp ưu đãi đúng thời gian quy định.",
    ]),
    ("Hướng dẫn người dân chuyển đổi cơ cấu cây trồng vụ Đông", [
        "Cán bộ khuyến nông hướng dẫn kỹ thuật gieo trồng, chăm sóc các loại cây có giá trị kinh tế cao.",
        "Địa phương hỗ trợ giống và vật tư nông nghiệp cho các hộ tham gia mô hình.",
    ]),
    ("Hội nghị tổng kết công tác năm và triển khai nhiệm vụ năm mới", [
        "Hội nghị đánh giá kết quả thực hiện các chỉ tiêu phát triển kinh tế - xã hội, quốc phòng - an ninh.",
        "Trong năm, công tác quản lý hành chính trên địa bàn được duy trì ổn định; thu ngân sách đạt kế hoạch đề ra.",
    ]),
    ("Kiểm tra công tác bảo đảm an toàn thực phẩm dịp lễ hội", [
        "Đoàn kiểm tra liên ngành đã kiểm tra các cơ sở sản xuất, kinh doanh thực phẩm trên địa bàn.",
        "Một số cơ sở vi phạm đã bị nhắc nhở và xử phạt vi phạm hành chính theo quy định.",
    ]),
    ("Phát động phong trào thi đua xây dựng nông thôn mới", [
        "Phong trào nhằm huy động các nguồn lực xã hội tham gia xây dựng kết cấu hạ tầng nông thôn.",
        "Các thôn đăng ký hoàn thành tiêu chí đường giao thông nông thôn, nhà văn hóa trong năm.",
    ]),
    ("Đại hội Hội Cựu chiến binh nhiệm kỳ mới", [
        "Đại hội đã bầu Ban Chấp hành khóa mới và thông qua Nghị quyết đại hội.",
        "Các đại biểu thống nhất các mục tiêu, giải pháp cho nhiệm kỳ tới.",
    ]),
]


@dataclass
class Doc:
    """A generated document as an article will show it."""

    title: str
    category: str  # propaganda_plan | plan | report | other
    is_cchc: bool
    paragraphs: list[str]
    summary: str
    published: dt.datetime
    doc_number: str | None = None
    issuer: str | None = None
    plan_year: int | None = None
    issued: dt.date | None = None


@dataclass
class Unit:
    """Who publishes on a portal: its government organ, its Party committee, and their number codes."""

    gov: str  # "UBND xã Ngọc Liên", "Sở Nội vụ tỉnh Lai Châu"
    gov_code: str  # "KH-UBND", "KH-SNV"
    party: str | None  # "Đảng ủy xã Ngọc Liên" (None for departments)
    party_code: str  # "KH/ĐU", "KH/TU"
    place: str  # "xã Ngọc Liên", "tỉnh Lai Châu"
    level: str
    province: str


def unit_for(name: str, level: str, province: str) -> Unit:
    """The publishing organs of a portal, from the registry's name and level."""
    place = name
    for prefix in ("UBND ", "Ủy ban nhân dân "):
        if name.startswith(prefix):
            place = name[len(prefix):]
    if level == "department":
        abbr = "".join(w[0].upper() for w in name.replace("Sở ", "").split(" tỉnh ")[0].split() if w[0].isalpha())
        return Unit(gov=name, gov_code=f"KH-S{abbr}"[:12], party=None, party_code="KH/ĐU", place=name,
                    level=level, province=province)
    if level == "province":
        party = ("Thành ủy " if place.startswith("thành phố") else "Tỉnh ủy ") + province
        return Unit(gov=name, gov_code="KH-UBND", party=party, party_code="KH/TU" if "Tỉnh" in party else "KH/ThU",
                    place=place, level=level, province=province)
    party = "Đảng ủy " + place
    return Unit(gov=name, gov_code="KH-UBND", party=party, party_code="KH/ĐU", place=place, level=level, province=province)


def _d(d: dt.date) -> str:
    """In-text date as portals write it: "ngày 18/4/2022" style (day and month unpadded)."""
    return f"{d.day}/{d.month}/{d.year}"


def _when(rng: random.Random, day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, rng.randint(7, 17), rng.randint(0, 59), rng.randint(0, 59), tzinfo=VN_TZ)


def _citations(rng: random.Random, year: int, k: int) -> list[str]:
    usable = [c for c, y in CENTRAL_DOCS if y <= year]
    return rng.sample(usable, min(k, len(usable)))


def propaganda_plan(rng: random.Random, unit: Unit, year: int, party: bool, publish_on: dt.date | None = None) -> Doc:
    """A "Kế hoạch tuyên truyền CCHC" with the four Roman-numbered sections and a reporting deadline."""
    issuer = unit.party if party and unit.party else unit.gov
    num = rng.randint(3, 160)
    number = f"{num}-{unit.party_code}" if party and unit.party else f"{num}/{unit.gov_code}"
    issued = dt.date(year, rng.randint(1, 3), rng.randint(2, 27))
    if publish_on is not None:
        issued = publish_on - dt.timedelta(days=rng.randint(1, 6))
    published = _when(rng, publish_on or issued + dt.timedelta(days=rng.randint(1, 12)))
    cites = _citations(rng, year, 2)
    channels = rng.sample(CHANNELS, 4)
    deadline = dt.date(year, 11, rng.choice([10, 15, 20]))
    title = f"Kế hoạch tuyên truyền công tác cải cách hành chính nhà nước năm {year}"
    if rng.random() < 0.5:
        title = f"{issuer} ban hành Kế hoạch tuyên truyền cải cách hành chính năm {year}"
    paras = [
        f"Ngày {_d(issued)}, {issuer} ban hành Kế hoạch số {number} về tuyên truyền công tác cải cách hành chính nhà nước năm {year}.",
        "Căn cứ " + "; ".join(cites) + ".",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao nhận thức của cán bộ, công chức, viên chức và người dân về ý nghĩa, mục tiêu, tầm quan trọng của công tác cải cách hành chính; tạo sự đồng thuận trong triển khai các nhiệm vụ cải cách hành chính.",
        "Công tác tuyên truyền phải thường xuyên, thiết thực, hiệu quả, gắn với nhiệm vụ chính trị của địa phương.",
        "II. NỘI DUNG, HÌNH THỨC TUYÊN TRUYỀN",
        "Tuyên truyền các chủ trương của Đảng, chính sách pháp luật của Nhà nước về cải cách hành chính; kết quả Chỉ số cải cách hành chính (PAR Index), Chỉ số hài lòng (SIPAS); việc cung cấp dịch vụ công trực tuyến một phần và toàn trình.",
        "Hình thức tuyên truyền: " + "; ".join(channels) + ".",
        "III. KINH PHÍ",
        f"Kinh phí thực hiện từ nguồn ngân sách được giao năm {year} và các nguồn hợp pháp khác.",
        "IV. TỔ CHỨC THỰC HIỆN",
        f"Các cơ quan, đơn vị báo cáo kết quả thực hiện công tác tuyên truyền cải cách hành chính trước ngày {deadline.day}/{deadline.month}/{deadline.year} để tổng hợp.",
    ]
    summary = f"Kế hoạch số {number} ngày {_d(issued)} của {issuer} về tuyên truyền cải cách hành chính năm {year}."
    return Doc(title=title, category="propaganda_plan", is_cchc=True, paragraphs=paras, summary=summary,
               published=published, doc_number=number, issuer=issuer, plan_year=year, issued=issued)


def cchc_plan(rng: random.Random, unit: Unit, year: int, publish_on: dt.date | None = None) -> Doc:
    """A yearly "Kế hoạch cải cách hành chính" (the plan itself, not its propaganda plan)."""
    num = rng.randint(10, 4800)
    number = f"{num}/{unit.gov_code}"
    issued = dt.date(year - 1, 12, rng.randint(10, 30)) if rng.random() < 0.5 else dt.date(year, 1, rng.randint(3, 28))
    if publish_on is not None:
        issued = publish_on - dt.timedelta(days=rng.randint(1, 6))
    published = _when(rng, publish_on or issued + dt.timedelta(days=rng.randint(1, 10)))
    cites = _citations(rng, year, 2)
    title = f"Kế hoạch cải cách hành chính nhà nước năm {year} của {unit.gov}"
    paras = [
        f"{unit.gov} ban hành Kế hoạch số {number} ngày {_d(issued)} về cải cách hành chính nhà nước năm {year}.",
        "Kế hoạch được xây dựng trên cơ sở " + "; ".join(cites) + ".",
        "Mục tiêu: tiếp tục cải cách thể chế, cải cách thủ tục hành chính, cải cách tổ chức bộ máy, cải cách chế độ công vụ, cải cách tài chính công và xây dựng chính quyền điện tử, chính quyền số.",
        f"Phấn đấu 100% hồ sơ thủ tục hành chính được tiếp nhận, giải quyết đúng hạn; tỷ lệ hồ sơ trực tuyến toàn trình đạt trên {rng.choice([50, 60, 70, 80])}%.",
        "Giao Văn phòng tham mưu theo dõi, đôn đốc việc thực hiện; định kỳ hằng quý báo cáo kết quả.",
    ]
    summary = f"Kế hoạch số {number} ngày {_d(issued)} về cải cách hành chính nhà nước năm {year}."
    return Doc(title=title, category="plan", is_cchc=True, paragraphs=paras, summary=summary,
               published=published, doc_number=number, issuer=unit.gov, plan_year=year, issued=issued)


def report(rng: random.Random, unit: Unit, year: int, publish_on: dt.date | None = None) -> Doc:
    """A "Báo cáo kết quả thực hiện công tác CCHC" (relevant, but not a plan)."""
    num = rng.randint(20, 900)
    number = f"{num}/BC-{unit.gov_code.split('-', 1)[1]}"
    half = rng.random() < 0.5
    issued = dt.date(year, 6, rng.randint(10, 25)) if half else dt.date(year, 12, rng.randint(5, 20))
    if publish_on is not None:
        issued = publish_on - dt.timedelta(days=rng.randint(1, 6))
    published = _when(rng, publish_on or issued + dt.timedelta(days=rng.randint(1, 6)))
    period = f"6 tháng đầu năm {year}" if half else f"năm {year}"
    title = f"Báo cáo kết quả thực hiện công tác cải cách hành chính {period}"
    paras = [
        f"{unit.gov} báo cáo kết quả thực hiện công tác cải cách hành chính {period} (Báo cáo số {number} ngày {_d(issued)}).",
        f"Trong kỳ, Bộ phận một cửa tiếp nhận {rng.randint(300, 9000)} hồ sơ, giải quyết đúng hạn đạt {rng.randint(95, 99)},{rng.randint(0, 9)}%.",
        "Tồn tại, hạn chế: việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn chậm; một số hồ sơ còn trễ hạn.",
    ]
    summary = f"Báo cáo số {number} về kết quả công tác cải cách hành chính {period}."
    return Doc(title=title, category="report", is_cchc=True, paragraphs=paras, summary=summary,
               published=published, doc_number=number, issuer=unit.gov, plan_year=year, issued=issued)


def news(rng: random.Random, unit: Unit, day: dt.date, topic_index: int) -> Doc:
    """Ordinary news; some topics mention "hành chính" in passing so relevance is not a keyword test."""
    title, paras = NEWS_TOPICS[topic_index % len(NEWS_TOPICS)]
    full_title = f"{unit.place[:1].upper() + unit.place[1:]}: {title[:1].lower() + title[1:]}" if rng.random() < 0.4 else title
    body = [f"Ngày {_d(day)}, {unit.gov} tổ chức {title[:1].lower() + title[1:]}."] + list(paras)
    return Doc(title=full_title, category="other", is_cchc=False, paragraphs=body, summary=body[0],
               published=_when(rng, day))
