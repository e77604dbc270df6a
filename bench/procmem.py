"""Memory and CPU of a process and of its process tree, read from /proc (Linux), for the benchmarks.

Why one module: the crawl, HTML-report and country benchmarks each sample a child process (and the
extraction workers under it) while it runs; each had its own copy of these readings. A process that
is gone reads as 0 (or None for CPU): a sampler polls processes that may end between two reads.

Figures are KiB as the kernel reports them: VmRSS (resident now), VmHWM (peak resident over the
process's life), Pss (resident with pages shared between the processes of a tree counted once, from
smaps_rollup: what the machine actually spends on a forked worker pool).
"""
from __future__ import annotations

import os
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat from field 3 on (field 2, the command name, may hold spaces and parentheses)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def status_kb(pid: int, key: str) -> int:
    """One ``kB`` line of /proc/PID/status (``VmRSS``, ``VmHWM``…), 0 once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def rss_kb(pid: int) -> int:
    """Resident memory of one process now (VmRSS)."""
    return status_kb(pid, "VmRSS")


def peak_kb(pid: int) -> int:
    """Peak resident memory of one process over its life so far (VmHWM)."""
    return status_kb(pid, "VmHWM")


def pss_kb(pid: int) -> int:
    """Proportional set size of one process (shared pages divided among their sharers), 0 once gone."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process (not its children), None once it is gone."""
    fields = _stat_fields(pid)
    if fields is None or len(fields) < 13:
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cmdline(pid: int) -> str | None:
    """The command line of a process, arguments joined by spaces; None once it is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return None


def process_table() -> dict[int, tuple[int, float]]:
    """Every process of the machine: pid -> (parent pid, CPU seconds), in one pass over /proc."""
    table: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields is None or len(fields) < 13:
                continue
            table[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return table


def children_map(table: dict[int, tuple[int, float]] | None = None) -> dict[int, list[int]]:
    """Parent pid -> its children's pids (from `table`, or a fresh `process_table`)."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in (process_table() if table is None else table).items():
        children.setdefault(ppid, []).append(pid)
    return children


def tree(pid: int, children: dict[int, list[int]] | None = None) -> list[int]:
    """`pid` and all its descendants (forkserver, pool workers…), `pid` first."""
    kids = children_map() if children is None else children
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def tree_memory_kb(pid: int) -> tuple[int, int]:
    """Memory of a process and all its descendants: the sum of their RSS, and the sum of their PSS."""
    pids = tree(pid)
    return sum(rss_kb(p) for p in pids), sum(pss_kb(p) for p in pids)


def become_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux ``PR_SET_CHILD_SUBREAPER``).

    Why: ``RUSAGE_CHILDREN`` counts a descendant's CPU only once its parent waited for it, up the
    chain. The crawl's extraction pool runs under multiprocessing's forkserver, which the crawl
    process never waits for: it exits after the crawl, its workers' CPU (most of a first day's work)
    went to init and no benchmark saw it. As a subreaper this process inherits the forkserver and
    `reap_orphans` collects it with its workers. False where the call is not available."""
    import ctypes

    try:
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # 36: PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout: float = 10.0) -> int:
    """Wait for the descendants a finished child left behind (see `become_subreaper`), at most `timeout`
    seconds; how many were reaped. The caller must have no child of its own still running (a
    simulator in a thread is fine): this waits until it has no child at all."""
    import time

    reaped, deadline = 0, time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid:
            reaped += 1
        elif time.monotonic() > deadline:
            return reaped
        else:
            time.sleep(0.05)
