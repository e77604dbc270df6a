"""`core.process`: the one reading of a pid's liveness and start time (who still owns a run or a lock)."""
from __future__ import annotations

import os
import subprocess
import sys

from core.process import pid_alive, process_start, same_process


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_live_process_has_a_stable_start_time() -> None:
    mine = process_start(os.getpid())
    assert mine is not None and mine.isdigit()
    assert process_start(os.getpid()) == mine
    assert pid_alive(os.getpid()) and same_process(os.getpid(), mine)
    assert same_process(os.getpid(), None)  # nothing recorded: a live pid is given the benefit of the doubt


def test_a_reused_pid_is_another_process() -> None:
    mine = process_start(os.getpid())
    assert mine is not None
    assert not same_process(os.getpid(), str(int(mine) + 1))


def test_a_dead_pid_is_gone() -> None:
    pid = _dead_pid()
    assert not pid_alive(pid)
    assert process_start(pid) is None
    assert not same_process(pid, None)


def test_the_command_name_may_hold_spaces_and_parentheses(tmp_path) -> None:
    """Field 2 of /proc/PID/stat is the command name in parentheses, which may itself hold ") (": the
    start time is counted from the last ")"."""
    odd = tmp_path / "a) (b c"
    odd.symlink_to(sys.executable)
    proc = subprocess.Popen([str(odd), "-c", "import time; time.sleep(5)"])
    try:
        start = process_start(proc.pid)
        assert start is not None and start.isdigit()
        assert int(start) >= int(process_start(os.getpid()) or 0)
    finally:
        proc.kill()
        proc.wait()
