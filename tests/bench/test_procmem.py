"""`bench/procmem.py`: the one reading of a process's (and its tree's) memory and CPU the benchmarks use.

Why: the crawl, HTML-report and country benchmarks report memory figures against targets (< 500 MB
for the crawl's tree); a reading that silently returned 0, or missed the extraction workers under the
crawl process, would make every such figure pass.
"""
from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import procmem  # noqa: E402

#: a child that holds ~64 MiB resident and has a grandchild of its own, then waits
HOLDER = (
    "import subprocess, sys, time\n"
    "block = bytearray(64 * 1024 * 1024)\n"
    "for i in range(0, len(block), 4096): block[i] = 1\n"
    "grandchild = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
    "print(grandchild.pid, flush=True)\n"
    "time.sleep(30)\n"
)


@pytest.fixture()
def holder() -> Iterator[tuple[int, int]]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    grandchild = int(proc.stdout.readline())
    try:
        yield proc.pid, grandchild
    finally:
        os.kill(grandchild, 9)
        proc.kill()
        proc.wait()


def test_one_process_memory_and_cpu(holder: tuple[int, int]) -> None:
    child, _ = holder
    rss, peak, pss = procmem.rss_kb(child), procmem.peak_kb(child), procmem.pss_kb(child)
    assert rss >= 64 * 1024  # the block it touched is resident
    assert peak >= rss
    assert 0 < pss <= rss
    cpu = procmem.cpu_seconds(child)
    assert cpu is not None and cpu > 0
    assert "import subprocess" in (procmem.cmdline(child) or "")


def test_the_tree_counts_every_descendant(holder: tuple[int, int]) -> None:
    child, grandchild = holder
    assert procmem.tree(os.getpid())[0] == os.getpid()
    assert {child, grandchild} <= set(procmem.tree(os.getpid()))
    assert procmem.tree(child) == [child, grandchild]
    rss, pss = procmem.tree_memory_kb(child)
    assert rss == pytest.approx(procmem.rss_kb(child) + procmem.rss_kb(grandchild), rel=0.2)
    assert 0 < pss <= rss
    assert procmem.process_table()[grandchild][0] == child


def test_a_gone_process_reads_as_nothing() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert (procmem.rss_kb(proc.pid), procmem.peak_kb(proc.pid), procmem.pss_kb(proc.pid)) == (0, 0, 0)
    assert procmem.cpu_seconds(proc.pid) is None and procmem.cmdline(proc.pid) is None
    assert procmem.tree_memory_kb(proc.pid) == (0, 0)


#: run in its own process (a subreaper adopts every orphan of the process that asks, pytest's too):
#: a child that leaves a grandchild burning ~0.5 s of CPU behind it, as the crawl leaves its forkserver
ORPHAN_CPU = (
    "import os, resource, subprocess, sys, time\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "import procmem\n"
    "def children():\n"
    "    ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    return ru.ru_utime + ru.ru_stime\n"
    "adopt = sys.argv[2] == '1' and procmem.become_subreaper()\n"
    "burn = 'import time\\nt = time.process_time()\\nwhile time.process_time() - t < 0.5: pass'\n"
    "leaver = f'import subprocess, sys; subprocess.Popen([sys.executable, \"-c\", {burn!r}])'\n"
    "subprocess.run([sys.executable, '-c', leaver], check=True)\n"
    "reaped = procmem.reap_orphans(10.0) if adopt else 0\n"
    "time.sleep(0 if adopt else 1.5)\n"
    "print(reaped, round(children(), 2))\n"
)


@pytest.mark.parametrize("adopt", [True, False])
def test_a_subreaper_counts_the_cpu_of_what_a_child_left_behind(adopt: bool) -> None:
    out = subprocess.run([sys.executable, "-c", ORPHAN_CPU, str(Path(procmem.__file__).parent), "1" if adopt else "0"],
                         capture_output=True, text=True, check=True, timeout=60).stdout.split()
    reaped, cpu = int(out[0]), float(out[1])
    if adopt:
        assert reaped == 1
        assert cpu >= 0.5  # the orphan's burn is in RUSAGE_CHILDREN
    else:
        assert reaped == 0
        assert cpu < 0.5  # without it the orphan's CPU goes to init: what day_after used to miss
