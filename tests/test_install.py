"""A plain (non-editable) install of the project into a fresh virtual environment works from any
folder: the demo runs from a temporary directory, every file read at run time is package data, and
the simulator's seed pages come from the package (or from $CCHC_SEEDS_DIR, byte-identically).

To stay fast and offline, the fresh environment gets no copies of the dependencies: a `.pth` line
puts the development environment's site-packages after its own (a plain path line, so the editable
install's finder in that folder is NOT activated and the project itself can only come from the
plain install), and the project is installed from a wheel built from a copy of the source tree.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cli", "core", "crawler", "pipelines", "reports", "sim", "storage", "units")
FAMILIES = ("tandan_sp", "sharepoint_vn", "liferay62", "vnportal", "nukeviet")
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
FAST = {
    "CCHC_DOWNLOAD_DELAY": "0", "CCHC_AUTOTHROTTLE": "0", "CCHC_PER_HOST": "4", "CCHC_DOWNLOAD_TIMEOUT": "10",
    "CCHC_SIM_SLOW_SECONDS": "14", "CCHC_EXTRACT_WORKERS": "1",
}
#: Variables that would point the installed command at this checkout or at a running network.
UNSET = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "CCHC_DB", "CCHC_OBSERVED_ON", "CCHC_SEEDS_DIR",
         "CCHC_REGISTRY", "CCHC_FILES_STORE", "CCHC_LOG_DIR", "PYTHONPATH", "SCRAPY_SETTINGS_MODULE")


def _purelib(python: Path | str) -> Path:
    out = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         capture_output=True, text=True, check=True, timeout=60)
    return Path(out.stdout.strip())


def _runtime_data_files() -> list[str]:
    """Every file of the packages that is not Python source or documentation: read at run time."""
    found: list[str] = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".py", ".pyc", ".md"):
                found.append(path.relative_to(ROOT).as_posix())
    return sorted(found)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project installed from a wheel (not editable)."""
    base = tmp_path_factory.mktemp("install")
    src, wheels, venv = base / "src", base / "wheels", base / "V"
    # Build from a copy so the checkout gets no build/ folder; the developer's own top-level folders
    # (databases, virtual environment) are left out, the packages' data folders are not.
    skip_everywhere = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.sqlite*")

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = {".git", ".venv", "tests", "build", "data", "var", ".pytest_cache"} if Path(folder) == ROOT else set()
        return (set(names) & top) | skip_everywhere(folder, names)

    shutil.copytree(ROOT, src, ignore=ignore)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
                    "-w", str(wheels), str(src)], check=True, capture_output=True, timeout=300)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = _purelib(python)
    (site / "cchc_dev_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    (wheel,) = wheels.glob("cchc_watch-*.whl")
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", "--no-cache-dir", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    return venv


def _env(base: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    return {**env, **FAST, "CCHC_DATA_DIR": str(base / "userdata")}


def test_the_installed_package_is_imported_from_the_fresh_environment(installed: Path, tmp_path: Path) -> None:
    site = _purelib(installed / "bin" / "python")
    code = ("import json, cli, core, crawler, pipelines, reports, scheduler, settings, sim, storage, units, sim.seeds; "
            "print(json.dumps([m.__file__ for m in (cli, core, crawler, pipelines, reports, scheduler, settings, sim, "
            "storage, units)] + [str(sim.seeds.seeds_dir())]))")
    proc = subprocess.run([str(installed / "bin" / "python"), "-c", code], cwd=tmp_path, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for path in json.loads(proc.stdout):
        assert Path(path).is_relative_to(site), path
        assert not Path(path).is_relative_to(ROOT), path


def test_every_file_read_at_run_time_is_installed(installed: Path) -> None:
    site = _purelib(installed / "bin" / "python")
    wanted = _runtime_data_files()
    assert {"crawler/data/portals.csv", "sim/data/seeds.yaml", "storage/migrations/script.py.mako",
            "reports/data/deadlines.yaml", "units/data/departments.csv"} <= set(wanted)
    assert len([f for f in wanted if f.startswith("sim/data/seeds/")]) == 5
    missing = [f for f in wanted if not (site / f).is_file()]
    assert missing == []
    for f in wanted:
        assert (site / f).read_bytes() == (ROOT / f).read_bytes(), f


@pytest.mark.slow
def test_the_demo_runs_from_a_temporary_directory_with_the_plain_install(installed: Path, tmp_path: Path) -> None:
    from sim.network import SimNetwork

    work = tmp_path / "work"
    work.mkdir()
    proc = subprocess.run([str(installed / "bin" / "cchc"), "demo"], cwd=work, env=_env(tmp_path),
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "Spider not found" not in proc.stderr
    assert "== Ngày 1: ngày quét 02/03/2026 ==" in proc.stdout
    db = work / "data" / "demo.sqlite"
    assert f"Nhật ký: {work / 'data' / 'demo.sqlite.d' / 'logs' / 'run-1.log'}" in proc.stdout
    runs = _export(installed, db, "runs", work)
    assert [(r["id"], r["trigger"], r["observed_on"], r["status"]) for r in runs] == [(1, "demo", "2026-03-02", "complete")]
    # the installed simulator served the seed pages from its package data: the crawl found all five
    world = SimNetwork(day=1, seed=0).world
    seeds = {a.url for pid in world.portals for a in world.articles(pid) if a.seed is not None}
    assert len(seeds) == 5
    assert seeds <= {d["url"] for d in _export(installed, db, "documents", work)}
    assert sorted(p.name for p in work.iterdir()) == ["data"]  # nothing else written where it was started


def _export(venv: Path, db: Path, kind: str, cwd: Path) -> list[dict]:
    proc = subprocess.run([str(venv / "bin" / "cchc"), "export", kind, "--db", str(db), "--format", "jsonl"],
                          cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


# ------------------------------------------------------------------ seed pages: package data or $CCHC_SEEDS_DIR
def _rendered_digest(env: dict[str, str]) -> dict[str, str]:
    """sha256 of every seed page in every family, rendered by a fresh process (no cache carried over)."""
    code = ("import hashlib, json; from sim.render import render_seed_page; "
            f"print(json.dumps({{f'{{n}}/{{fam}}': hashlib.sha256(render_seed_page(n, fam)[0].encode()).hexdigest() "
            f"for n in range(5) for fam in {FAMILIES!r}}}))")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_seed_pages_render_byte_identically_from_package_data_or_seeds_dir(tmp_path: Path) -> None:
    from sim.seeds import PACKAGED_SEEDS

    env = {k: v for k, v in os.environ.items() if k != "CCHC_SEEDS_DIR"}
    packaged = _rendered_digest(env)
    copy = tmp_path / "seeds"
    shutil.copytree(PACKAGED_SEEDS, copy)
    assert _rendered_digest({**env, "CCHC_SEEDS_DIR": str(copy)}) == packaged
    # and the variable is really what is read: an edited title (line 1 of seed 001, sim/data/seeds.yaml)
    # changes exactly that seed's pages
    (seed1,) = copy.glob("001_*.txt")
    title, rest = seed1.read_text(encoding="utf-8").split("\n", 1)
    seed1.write_text(f"{title} (bản sửa)\n{rest}", encoding="utf-8")
    edited = _rendered_digest({**env, "CCHC_SEEDS_DIR": str(copy)})
    assert {k for k in packaged if edited[k] != packaged[k]} == {f"1/{fam}" for fam in FAMILIES}


def test_a_missing_seeds_dir_is_named(tmp_path: Path) -> None:
    env = {**os.environ, "CCHC_SEEDS_DIR": str(tmp_path / "nowhere")}
    proc = subprocess.run([sys.executable, "-c", "from sim.seeds import load_seeds; load_seeds()"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"SeedsMissing: seed texts not found: {tmp_path / 'nowhere'} does not exist" in proc.stderr


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seed folder is not beside the checkout")
def test_packaged_seeds_are_the_shared_seed_pages_byte_for_byte() -> None:
    from sim.seeds import PACKAGED_SEEDS

    def digests(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.txt"))}

    assert digests(PACKAGED_SEEDS) == digests(SHARED_SEEDS)
    assert len(digests(PACKAGED_SEEDS)) == 5
