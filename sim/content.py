"""What each simulated portal has published: plans, reports and news for its unit, the seed
articles and the items their "Tin mới nhất" lists name, attached files, the document register, and the
final URLs and feed/sitemap flags its CMS family gives them. Pure: every random choice is keyed on
(seed, portal id, purpose).
"""
from __future__ import annotations

import datetime as dt
import random
import re

from sim.calendar import DAY_ONE
from sim.families import seed_related_titles
from sim.layouts import family
from sim.model import SimArticle, SimFile, SimPortal
from sim.portals import FEED_LIMIT, canonical_origin, rng_for
from sim.seeds import SeedDoc, seed_for_portal
from sim.textfmt import slugify
from sim.textgen import NEWS_TOPICS, Doc, Unit, cchc_plan, news, propaganda_plan, report, unit_for


def make_article(portal: SimPortal, doc: Doc, section: str, aid: int, rng: random.Random) -> SimArticle:
    return SimArticle(
        portal_id=portal.id, aid=aid, slug=slugify(doc.title), title=doc.title, published=doc.published,
        category=doc.category, is_cchc=doc.is_cchc, section=section, paragraphs=list(doc.paragraphs),
        summary=doc.summary, doc_number=doc.doc_number, plan_year=doc.plan_year, issuer=doc.issuer,
        in_sitemap=rng.random() > 0.1, in_listing=True,
    )


def base_articles(seed_no: int, portal: SimPortal) -> list[SimArticle]:
    """The portal's items before day 1 (6..15 of them, plus its seed article and register)."""
    rng = rng_for(seed_no, portal.id, "articles")
    unit = unit_for(portal.name, portal.level, portal.province)
    docs: list[tuple[Doc, str]] = []
    cutoff = DAY_ONE - dt.timedelta(days=3)
    years = sorted(rng.sample(range(2020, 2027), k=rng.randint(2, 3)))
    for year in years:
        pub = None
        if year == 2026:
            pub = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randint(0, (cutoff - dt.date(2026, 1, 5)).days))
        if rng.random() < 0.8:
            docs.append((propaganda_plan(rng, unit, year, party=False, publish_on=pub), "cchc"))
        if unit.party and portal.level == "commune" and rng.random() < 0.6:
            docs.append((propaganda_plan(rng, unit, year, party=True, publish_on=pub), "cchc"))
        if rng.random() < 0.6:
            docs.append((cchc_plan(rng, unit, year, publish_on=pub), "cchc"))
        if year < 2026 and rng.random() < 0.4:
            docs.append((report(rng, unit, year), "cchc"))
    n_news = rng.randint(3, 7)
    topics = rng.sample(range(len(NEWS_TOPICS)), n_news)
    for t in topics:
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, (cutoff - dt.date(2022, 1, 1)).days))
        docs.append((news(rng, unit, day, t), "news"))
    docs = [(d, s) for d, s in docs if d.published.date() < DAY_ONE]
    # keep portals small: 6..15 items
    cchc_docs = [x for x in docs if x[1] == "cchc"][:8]
    if not cchc_docs:
        cchc_docs = [(propaganda_plan(rng, unit, 2024, party=False), "cchc")]
    docs = cchc_docs + [x for x in docs if x[1] == "news"]
    docs.sort(key=lambda x: x[0].published)
    base = rng.randint(2000, 90000) * (100 if portal.family == "liferay62" else 1)
    arts: list[SimArticle] = []
    aid = base
    seed = seed_for_portal(portal.id)
    for doc, section in docs:
        aid += rng.randint(3, 40)
        arts.append(make_article(portal, doc, section, aid, rng))
    if seed is not None:
        arts.extend(seed_articles(portal, seed, unit, aid + 97, rng))
    add_files(portal, arts, rng)
    if portal.has_register:
        arts.extend(register_docs(portal, arts, unit, rng))
    return arts


def link_from_home_only(arts: list[SimArticle]) -> None:
    """One CCHC article that the portal links only from its home page's featured block: in no
    listing, feed or sitemap (the third newest, so it is not merely the newest item either)."""
    cchc = sorted((a for a in arts if a.section == "cchc" and a.seed is None),
                  key=lambda a: a.published, reverse=True)
    if cchc:
        art = cchc[min(2, len(cchc) - 1)]
        art.in_listing = art.in_feed = art.in_sitemap = False


def seed_articles(portal: SimPortal, seed: SeedDoc, unit: Unit, aid: int, rng: random.Random) -> list[SimArticle]:
    """The seed article and the items its "Tin mới nhất" list names, dated as the seed shows them."""
    out = []
    art = SimArticle(
        portal_id=portal.id, aid=aid, slug=slugify(seed.title), title=seed.title, published=seed.published,
        category=seed.category, is_cchc=True, section="cchc", paragraphs=list(seed.body),
        summary=seed.body[0][:200] if seed.body else "", doc_number=seed.doc_number, plan_year=seed.plan_year,
        issuer=seed.issuer, seed=seed.number, date_text=seed.date_line,
    )
    if seed.attachment_file:
        name = seed.attachment_file
        kind = "octet" if "." not in name else "pdf"
        filename = name if "." in name else f"KH-tuyen-truyen-CCHC-{seed.plan_year}.pdf"
        label = (seed.attachment_line or name).split(":")[-1].strip()
        art.files.append(SimFile(url="", kind=kind, filename=filename, label=label, title=seed.title,
                                 paragraphs=list(seed.body)))
    out.append(art)
    for i, (title, published) in enumerate(seed_related_titles(seed)):
        if title == seed.title:
            continue
        year = int(re.findall(r"năm (\d{4})", title)[0]) if re.findall(r"năm (\d{4})", title) else published.year
        doc = (propaganda_plan(rng, unit, year, party=False, publish_on=published.date()) if "Tuyên truyền" in title
               else cchc_plan(rng, unit, year, publish_on=published.date()))
        doc.title, doc.published = title, published
        out.append(make_article(portal, doc, "cchc", aid + 11 * (i + 1), rng))
    return out


def add_files(portal: SimPortal, arts: list[SimArticle], rng: random.Random) -> None:
    """A PDF or DOCX copy of some CCHC items (never of reports or seed articles)."""
    for a in arts:
        if a.seed is None and a.is_cchc and a.category != "report" and rng.random() < 0.4:
            kind = rng.choice(["pdf", "pdf", "docx"])
            fname = f"{slugify(a.doc_number or a.title, 40)}.{ 'docx' if kind == 'docx' else 'pdf'}"
            a.files.append(SimFile(url="", kind=kind, filename=fname, label=fname, title=a.title,
                                   paragraphs=list(a.paragraphs)))


def register_docs(portal: SimPortal, arts: list[SimArticle], unit: Unit, rng: random.Random) -> list[SimArticle]:
    """The "Văn bản chỉ đạo điều hành" register: copies of some published plans plus plans found only here."""
    out: list[SimArticle] = []
    base = rng.randint(100, 9000)
    plans = [a for a in arts if a.is_cchc and a.seed is None][:3]
    docs: list[Doc] = []
    for a in plans:
        docs.append(Doc(title=a.title, category=a.category, is_cchc=True, paragraphs=list(a.paragraphs),
                        summary=a.summary, published=a.published, doc_number=a.doc_number, issuer=a.issuer,
                        plan_year=a.plan_year))
    n_only = rng.randint(1, 2)
    for i in range(n_only):
        year = rng.choice([2021, 2022, 2023, 2024, 2025])
        docs.append(propaganda_plan(rng, unit, year, party=False) if i == 0 else cchc_plan(rng, unit, year))
    docs.sort(key=lambda d: d.published)
    for i, d in enumerate(docs):
        reg = SimArticle(
            portal_id=portal.id, aid=base + 7 * i, slug=slugify(d.title), title=d.title, published=d.published,
            category=d.category, is_cchc=True, section="register", paragraphs=list(d.paragraphs),
            summary=d.summary, doc_number=d.doc_number, plan_year=d.plan_year, issuer=d.issuer,
            in_feed=False, in_sitemap=False, in_listing=False, in_register=True,
            register_only=not any(p.doc_number == d.doc_number and p.title == d.title for p in plans),
        )
        kind = "pdf"
        if portal.id == "p-dienbien" and reg.register_only:
            kind = "scan_pdf"
        elif portal.id == "p-cantho" and i == 0:
            kind = "doc"
        elif rng.random() < 0.3:
            kind = "docx"
        ext = {"pdf": "pdf", "scan_pdf": "pdf", "doc": "doc", "docx": "docx"}[kind]
        stem = slugify(d.doc_number or d.title, 40)
        fname = f"{stem}_signed.pdf" if kind == "pdf" and rng.random() < 0.3 else f"{stem}.{ext}"
        reg.files.append(SimFile(url="", kind=kind, filename=fname, label=fname, title=d.title,
                                 paragraphs=list(d.paragraphs)))
        out.append(reg)
    return out


def finalize(portal: SimPortal, arts: list[SimArticle]) -> None:
    """URLs of the items and their files in the portal's family, and which items its feeds and sitemap list."""
    fam = family(portal.family)
    origin = canonical_origin(portal)
    for a in arts:
        a.url = origin + (fam.register_detail_path(a) if a.section == "register" else fam.article_path(a))
        for n, f in enumerate(a.files):
            f.url = origin + fam.file_path(a, f.filename if f.kind != "octet" else "tai-file", n)
        if a.section != "register":
            a.in_sitemap = a.in_sitemap and fam.has_sitemap
    visible = sorted((a for a in arts if a.section != "register" and not a.removed), key=lambda a: a.published, reverse=True)
    ranks: dict[str, int] = {}
    for a in visible:
        if not a.in_listing:  # linked from the home page only
            a.in_feed = False
            continue
        ranks[a.section] = ranks.get(a.section, 0) + 1
        a.in_feed = fam.has_rss and ranks[a.section] <= FEED_LIMIT
    for a in arts:
        if a.removed or a.section == "register":
            a.in_feed = False
