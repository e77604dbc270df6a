"""Is a process still the one we recorded? The one reading of a pid and its start time from /proc.

Why one place: a crawl records its owner as (pid, start time) so a later process can tell a run whose
process died from one still in progress (storage.runs), name only live holders of a database's write
lock (storage.locks), and let extraction workers exit with their crawl (pipelines.extraction). A pid
alone is not enough: the kernel reuses pids, so a pid that is alive may belong to another program; its
start time (/proc/PID/stat field 22, clock ticks since boot) tells them apart. Outside Linux the start
time is unknown (None) and the pid alone decides.
"""
from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True when a process with this id exists on this host (one we may not signal counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def process_start(pid: int) -> str | None:
    """The start time of process `pid` (clock ticks since boot, Linux), None where unavailable."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    # Field 2 (comm) may contain spaces and parentheses: split after the last ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


def same_process(pid: int, recorded_start: str | None) -> bool:
    """True when `pid` is alive and still the process whose start time was recorded as `recorded_start`.

    A start time that was not recorded, or cannot be read now, gives the pid the benefit of the doubt:
    a live process is never taken for a dead one.
    """
    if not pid_alive(pid):
        return False
    if recorded_start is None:
        return True
    current = process_start(pid)
    return current is None or current == recorded_start
