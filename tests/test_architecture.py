"""The rooms of docs/ARCHITECTURE.md and who may import whom, checked on the source.

Every product module is parsed (``ast``; imports inside functions count, since a cycle hidden in a
function is still a cycle) and each import between rooms is checked against ``ALLOWED``. The few
imports and cycles that break the rules today are listed by name in ``KNOWN_EXCEPTIONS`` and
``KNOWN_CYCLES`` with the reason; a new one fails, and so does a listed one that has gone (so the
lists only shrink). Changing the table is a design decision: change docs/ARCHITECTURE.md with it.
"""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "crawler", "pipelines", "storage", "reports", "units", "alerts", "cli", "sim")
SCRIPTS = ("settings", "scheduler")

#: rooms, the more specific first (a module belongs to the first room its name starts with)
ROOMS = ("crawler.spiders", "pipelines.extract", "core", "crawler", "pipelines", "storage", "reports", "units",
         "alerts", "cli", "sim", "settings", "scheduler")

#: room -> the other rooms it may import (its own room always)
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "pipelines.extract": frozenset({"core"}),
    "crawler": frozenset({"core", "pipelines.extract", "units"}),
    "crawler.spiders": frozenset({"core", "crawler", "pipelines.extract"}),
    "pipelines": frozenset({"core", "crawler", "pipelines.extract", "storage"}),
    "storage": frozenset({"core"}),
    "units": frozenset({"core", "crawler", "storage"}),
    "reports": frozenset({"core", "crawler", "storage", "units"}),
    "alerts": frozenset({"core", "reports", "storage"}),
    "cli": frozenset(set(ROOMS) - {"cli"}),
    "sim": frozenset({"core"}),
    "settings": frozenset({"core", "storage"}),
    "scheduler": frozenset({"alerts", "core", "reports", "storage"}),
}

#: room -> third-party libraries it must not import
FORBIDDEN_LIBRARIES: dict[str, frozenset[str]] = {
    "core": frozenset({"scrapy", "twisted", "sqlalchemy", "alembic"}),
    "pipelines.extract": frozenset({"scrapy", "twisted", "itemadapter", "sqlalchemy", "alembic"}),
    "crawler.spiders": frozenset({"sqlalchemy", "alembic"}),
    "storage": frozenset({"scrapy", "twisted"}),
    "units": frozenset({"scrapy", "twisted"}),
    "reports": frozenset({"scrapy", "twisted"}),
    "alerts": frozenset({"scrapy", "twisted"}),
    "sim": frozenset({"scrapy", "sqlalchemy", "alembic"}),
    "scheduler": frozenset({"scrapy", "twisted"}),  # the reactor cannot restart in one process
}

#: imports that break ALLOWED today, each with why it is tolerated until it is moved
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("crawler.incremental", "storage.values"): "the incremental policy reuses storage's URL/number coercion",
    ("storage.incremental", "crawler.incremental"): "storage writes the known-pages file the crawler reads",
    ("reports.deadlines", "cli.params"): "the deadlines sheet reuses the CLI's level vocabulary",
    ("alerts.config", "cli.params"): "alert rules reuse the CLI's level vocabulary",
    # The crawl's orchestration moved out of the CLI into the crawler room (crawler/run.py, shared by
    # `cchc crawl`, the workers and Scrapyd jobs): it is the one crawler code that opens, resumes and
    # closes runs in the database and writes the known-pages file; spiders still never touch storage.
    ("crawler.run", "storage"): "crawl orchestration (crawler/run.py) opens, resumes and closes the run in the database",
    ("crawler.run", "storage.datadir"): "the run's files (log, attachments, known pages) live beside its database",
    ("crawler.run", "storage.incremental"): "the run's known-pages file is written from the database before the crawl",
    ("crawler.run", "storage.index_models"): "a run's outcome counts the national index fetches it stored",
    ("crawler.run", "storage.models"): "resuming today's interrupted run reads the newest CrawlRun",
    ("crawler.run", "settings"): "the crawl's Scrapy settings are built from the project's settings module by name",
    ("crawler.lifecycle", "storage"): "a Scrapyd job (RunLifecycle) opens and closes its own run",
    ("crawler.lifecycle", "storage.datadir"): "a Scrapyd job's run files live beside its database",
    ("crawler.workers_run", "storage"): "a worker of a distributed run opens the run's database",
    ("crawler.workers_run", "storage.datadir"): "a worker's run files live beside the run's database",
    ("crawler.workers_run", "storage.models"): "a worker checks the run named in Redis exists and is open",
    ("crawler.leases", "pipelines.storage"): "a worker acknowledges a request only after the storage pipeline wrote its items",
}

#: import cycles between modules: none (issue 10). A cycle hidden behind an import inside a function
#: or under TYPE_CHECKING counts; a new one fails the test below.
KNOWN_CYCLES: frozenset[frozenset[str]] = frozenset()


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def product_modules(root: Path, packages: Iterable[str] = PACKAGES, scripts: Iterable[str] = SCRIPTS) -> dict[str, Path]:
    """Every product module by dotted name (migrations and package data scripts included)."""
    found = {module_name(p, root): p for pkg in packages for p in sorted((root / pkg).rglob("*.py"))}
    found.update({s: root / f"{s}.py" for s in scripts if (root / f"{s}.py").exists()})
    return found


def imported_names(path: Path, name: str, modules: Iterable[str] = ()) -> set[str]:
    """Every name an import statement anywhere in the module mentions (module, and module.attribute
    for ``from`` imports, since the attribute may be a submodule); relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    known = set(modules)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            subs = {f"{module}.{alias.name}" for alias in node.names}
            # `from pkg import sub` (every name a submodule, `modules` known) depends on those
            # submodules, not on whatever pkg/__init__ imports
            if not (known and subs <= known):
                out.add(module)
            out.update(subs)
    return out


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """module -> the product modules it imports (the longest module a name resolves to)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for imported in imported_names(path, name, modules):
            parts = imported.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            target = ".".join(parts)
            if target and target != name:
                graph[name].add(target)
    return graph


def room_of(module: str) -> str:
    for room in ROOMS:
        if module == room or module.startswith(room + "."):
            return room
    raise AssertionError(f"{module} belongs to no room of docs/ARCHITECTURE.md")


def cycles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def third_party_roots(path: Path, name: str) -> set[str]:
    return {n.split(".")[0] for n in imported_names(path, name)} - set(PACKAGES) - set(SCRIPTS) - set(sys.stdlib_module_names)


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return product_modules(ROOT)


@pytest.fixture(scope="module")
def graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return import_graph(modules)


def test_every_product_module_is_in_a_room_and_parsed(modules: dict[str, Path], graph: dict[str, set[str]]) -> None:
    assert len(modules) > 150 and {room_of(m) for m in modules} == set(ROOMS)
    # imports inside functions count: crawler.fetch imports Scrapy's process only inside _child
    assert "scrapy.crawler" in imported_names(modules["crawler.fetch"], "crawler.fetch")
    assert "storage.store" in graph["storage"]


def test_each_room_imports_only_the_rooms_it_may(graph: dict[str, set[str]]) -> None:
    wrong = sorted(f"{a} -> {b} ({room_of(a)} may import {', '.join(sorted(ALLOWED[room_of(a)])) or 'no other room'})"
                   for a, targets in graph.items() for b in targets
                   if room_of(a) != room_of(b) and room_of(b) not in ALLOWED[room_of(a)]
                   and (a, b) not in KNOWN_EXCEPTIONS)
    assert wrong == []
    gone = sorted(f"{a} -> {b}" for a, b in KNOWN_EXCEPTIONS if b not in graph.get(a, set()))
    assert gone == [], "remove these from KNOWN_EXCEPTIONS (and docs/ARCHITECTURE.md): they no longer exist"


def test_extraction_imports_neither_scrapy_nor_storage(modules: dict[str, Path], graph: dict[str, set[str]]) -> None:
    extraction = [m for m in modules if room_of(m) == "pipelines.extract"]
    assert extraction
    for m in extraction:
        assert not {t for t in graph.get(m, ()) if room_of(t) != "pipelines.extract" and room_of(t) != "core"}, m


def test_no_room_imports_a_library_it_must_not(modules: dict[str, Path]) -> None:
    wrong = sorted(f"{name} imports {lib}" for name, path in modules.items()
                   for lib in third_party_roots(path, name) & FORBIDDEN_LIBRARIES.get(room_of(name), frozenset()))
    assert wrong == []


def test_no_new_import_cycles_and_no_listed_one_left_behind(graph: dict[str, set[str]]) -> None:
    found = set(cycles(graph))
    assert sorted(sorted(c) for c in found - KNOWN_CYCLES) == []
    assert sorted(sorted(c) for c in KNOWN_CYCLES - found) == [], "remove these from KNOWN_CYCLES: they are gone"


def test_the_checker_finds_a_cycle_through_a_function_level_import_and_a_forbidden_import(tmp_path: Path) -> None:
    pkg = tmp_path / "core"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "a.py").write_text("from core.b import f\n", encoding="utf-8")
    (pkg / "b.py").write_text("def f():\n    from . import a\n    import scrapy\n    return a, scrapy\n",
                              encoding="utf-8")
    (pkg / "c.py").write_text("from .a import f\n", encoding="utf-8")
    mods = product_modules(tmp_path, packages=("core",), scripts=())
    g = import_graph(mods)
    # `from . import a` names a submodule: an edge to core.a, not to the package's __init__
    assert g["core.b"] == {"core.a"} and g["core.c"] == {"core.a"}
    assert cycles(g) == [frozenset({"core.a", "core.b"})]
    assert third_party_roots(mods["core.b"], "core.b") & FORBIDDEN_LIBRARIES["core"] == {"scrapy"}
