"""Make sim/data/country.csv, the simulated country, ONCE (its output is committed; rerun after a unit
data or hostname pattern change). Run from the repo root:

    .venv/bin/python sim/data/make_country.py

Made from the same unit data as the product's candidates (the `vietnam-provinces` package's JSON: the
34 provinces and 3,321 communes) and the same hostname patterns and department list kept as data in
crawler/data/ (province_hosts.csv, departments_standard.csv, host_exceptions.csv), read here as data
files: no product code is imported, and the host slugs are computed by this script's own folding, so a
slip in the product's generator shows up as a candidate the simulator does not serve.

Each unit gets a fate, a pure function of its key (sha256), so the file is reproducible:
`ok` (served at the host its pattern gives), `absent` (no site: the host does not resolve, or the
province's sub-site path is 404), `moved` (the guessed URL answers 301 to another host, where the
portal lives) and `not_portal` (a parked page that names no unit); a CMS family for its pages; and, for
about one served unit in five, one of the simulator's existing faults (`fault`): host faults (timeout,
slow, flaky_503, broken_tls, down_day2) only on a unit with a host of its own, page faults (error_500,
waf_block, the charset ones, robots_disallow, endless_calendar, stale_widget) on any. A conditional
agency of the department list (kind `conditional`) is absent in most provinces, as in the country.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

import vietnam_provinces

from core.families import KNOWN_FAMILIES

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "country.csv"
DATA = ROOT / "crawler" / "data"
FAMILIES = KNOWN_FAMILIES
# fate by hash bucket out of 100 (the province rows are all ok: the registry's hosts are known)
FATES = (("absent", 8), ("moved", 5), ("not_portal", 4))
CONDITIONAL_PRESENT = 35  # % of provinces where a conditional agency (Sở Ngoại vụ, Sở Du lịch…) has a site
FAULT_SHARE = 20  # % of served units with a fault
HOST_FAULTS = (("timeout", 1), ("slow", 4), ("flaky_503", 3), ("broken_tls", 2), ("down_day2", 2))
PAGE_FAULTS = (("error_500", 3), ("waf_block", 2), ("charset_windows1258", 1), ("charset_misdeclared", 1),
               ("unicode_nfd", 1), ("robots_disallow", 1), ("endless_calendar", 1), ("stale_widget", 1))
TYPE_WORDS = ("thành phố trung ương", "thành phố", "tỉnh", "đặc khu", "phường", "xã")


def ascii_fold(text: str) -> str:
    """Letters and digits only, no tone marks, lower case ("Đắk Lắk" -> daklak)."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^a-z0-9]", "", text.lower())


def rows_of(path: Path) -> list[dict[str, str]]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return list(csv.DictReader(lines))


def short(name: str, division_type: str) -> str:
    """"Phường Hoàn Kiếm" -> "Hoàn Kiếm" (the package's full name minus its type words)."""
    for t in TYPE_WORDS:
        if name.lower().startswith(t + " "):
            return name[len(t) + 1:]
    return name


def bucket(key: str) -> int:
    return int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:8], 16)


def fate_of(key: str) -> str:
    b = bucket("fate:" + key) % 100
    edge = 0
    for fate, share in FATES:
        edge += share
        if b < edge:
            return fate
    return "ok"


def fault_of(key: str, fate: str, own_host: bool) -> str:
    """One fault for about FAULT_SHARE % of the units the network serves (ok or moved), else ""."""
    if fate not in ("ok", "moved") or bucket("faulty:" + key) % 100 >= FAULT_SHARE:
        return ""
    kinds = [*(HOST_FAULTS if own_host else ()), *PAGE_FAULTS]
    b = bucket("fault:" + key) % sum(w for _, w in kinds)
    for kind, weight in kinds:
        if b < weight:
            return kind
        b -= weight
    raise AssertionError("unreachable")


def main() -> None:
    data = json.loads((Path(vietnam_provinces.__file__).parent / "data" / "nested-divisions.json").read_text("utf-8"))
    patterns = {r["code"].zfill(2): r for r in rows_of(DATA / "province_hosts.csv")}
    exceptions = {r["key"]: r["base_url"] for r in rows_of(DATA / "host_exceptions.csv")}
    departments = rows_of(DATA / "departments_standard.csv")
    out: list[dict[str, str]] = []
    for prov in sorted(data, key=lambda p: int(p["code"])):
        code = str(prov["code"]).zfill(2)
        pat = patterns[code]
        ptype = "tỉnh" if prov["division_type"] == "tỉnh" else "thành phố"
        pname = short(prov["name"], prov["division_type"])
        pslug = ascii_fold(pname)
        host = pat["host"]
        units = [("province", code, f"UBND {ptype} {pname}", f"https://{host}/", "ok")]
        for d in departments:
            wanted = {c.strip().zfill(2) for c in d.get("provinces", "").split("|") if c.strip()}
            if wanted and code not in wanted:
                continue
            key = f"{code}-{d['abbr']}"
            url = exceptions.get(key) or pat["department_url"].format(host=host, abbr=d["abbr"].lower())
            fate = fate_of(key)
            if d.get("kind") == "conditional" and not wanted and bucket("present:" + key) % 100 >= CONDITIONAL_PRESENT:
                fate = "absent"
            units.append(("department", key, f"{d['name']} {ptype} {pname}", url, fate))
        wards = sorted(prov["wards"], key=lambda w: int(w["code"]))
        seen: dict[str, int] = {}
        for w in wards:
            s = ascii_fold(short(w["name"], w["division_type"]))
            seen[s] = seen.get(s, 0) + 1
        for w in wards:
            wcode = str(w["code"]).zfill(5)
            s = ascii_fold(short(w["name"], w["division_type"]))
            s = f"{s}{wcode}" if seen[s] > 1 else s
            url = exceptions.get(wcode) or pat["commune_url"].format(host=host, slug=s)
            name = f"UBND {w['division_type']} {short(w['name'], w['division_type'])}"
            units.append(("commune", wcode, name, url, fate_of(wcode)))
        for level, key, name, url, fate in units:
            family = FAMILIES[bucket("family:" + key) % len(FAMILIES)]
            new_url = ""
            if fate == "moved":
                label = ascii_fold(name.removeprefix("UBND ").split(" ", 1)[1] if level == "commune" else key)
                new_url = f"https://{label}-{pslug}.gov.vn/"
            own_host = not urlsplit(url).path.strip("/") or bool(new_url)
            out.append({"level": level, "key": key, "name": name, "province": pname, "url": url,
                        "family": family, "fate": fate, "new_url": new_url,
                        "fault": fault_of(key, fate, own_host) if level != "province" else ""})
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# The simulated country: made by sim/data/make_country.py from the unit data and crawler/data's\n"
                 "# hostname patterns. fate: ok | absent | moved (301 to new_url) | not_portal (a parked page);\n"
                 "# fault: one of the simulator's faults (sim/README.md) on a served unit, or empty.\n")
        w = csv.DictWriter(fh, fieldnames=["level", "key", "name", "province", "url", "family", "fate", "new_url", "fault"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"wrote {len(out)} units to {OUT}")


if __name__ == "__main__":
    main()
