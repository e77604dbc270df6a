"""A scheduler whose thread dies exits non-zero instead of idling forever (issue 9).

`schedule --widgets-every -1` once killed APScheduler's thread (``ValueError: year 0 is out of range``
computing the next fire time) while the process lived on and no crawl ever ran again. Options are now
validated up front (tests/test_cli_errors.py); this covers any other death of that thread, injected
here as the same error raised inside APScheduler's own loop.
"""
from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.base import BaseScheduler
from click.testing import CliRunner

import scheduler
from cli.schedule import schedule_cmd

HANG_GUARD_S = 60


@pytest.fixture
def restore_signals() -> Iterator[None]:
    """run_daemon installs SIGTERM/SIGINT handlers for the foreground daemon; put pytest's back.

    Also a hang guard: a daemon that does not notice its dead thread would wait forever, so SIGALRM
    fails the test after HANG_GUARD_S seconds instead.
    """
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGALRM)}

    def hung(_signum: int, _frame: object) -> None:
        raise AssertionError(f"the daemon was still running {HANG_GUARD_S} s after its thread died")

    signal.signal(signal.SIGALRM, hung)
    signal.alarm(HANG_GUARD_S)
    try:
        yield
    finally:
        signal.alarm(0)
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _dies(self: BaseScheduler, *args: object, **kwargs: object) -> float:
    raise ValueError("year 0 is out of range")


def test_a_dead_scheduler_thread_stops_the_daemon_with_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 restore_signals: None) -> None:
    monkeypatch.setattr(BaseScheduler, "_process_jobs", _dies)
    started = time.monotonic()
    with pytest.raises(scheduler.SchedulerError) as info:
        scheduler.run_daemon(str(tmp_path / "cchc.sqlite"), at="02:00")
    assert "the scheduler's thread stopped (ValueError: year 0 is out of range)" in str(info.value)
    assert "no crawl would ever run again" in str(info.value)
    assert time.monotonic() - started < HANG_GUARD_S  # noticed at once, not at the next daily run
    assert not [t for t in threading.enumerate() if t.name == "APScheduler"]


def test_the_command_exits_non_zero_when_the_thread_dies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         restore_signals: None) -> None:
    monkeypatch.setattr(BaseScheduler, "_process_jobs", _dies)
    result = CliRunner().invoke(schedule_cmd, ["--db", str(tmp_path / "cchc.sqlite")], env={"CCHC_DB": None})
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "thread stopped (ValueError: year 0 is out of range)" in errors[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize("options, fragment", [
    ({"widgets_every_hours": -1.0}, "--widgets-every -1 is out of range"),
    ({"widgets_every_hours": 0.0}, "--widgets-every 0 is out of range"),
    ({"widgets_every_hours": float("inf")}, "--widgets-every inf is out of range"),
    ({"grace_hours": -5.0}, "--grace-hours -5 is out of range"),
    ({"grace_hours": 0.0}, "--grace-hours 0 is out of range"),
    ({"grace_hours": 1000.0}, "--grace-hours 1000 is out of range"),
    ({"at": "2:60"}, "--at '2:60' is not a time of day"),
    ({"at": "noon"}, "--at 'noon' is not a time of day"),
    ({"max_runs": -1}, "--max-runs -1 is out of range"),
])
def test_every_option_is_validated_before_anything_starts(options: dict[str, object], fragment: str,
                                                          tmp_path: Path) -> None:
    with pytest.raises(scheduler.SchedulerError) as info:
        scheduler.run_daemon(str(tmp_path / "cchc.sqlite"), **options)  # type: ignore[arg-type]
    assert fragment in str(info.value)
    assert list(tmp_path.iterdir()) == []  # refused before the database or its job store was touched


def test_the_bounds_themselves_are_accepted() -> None:
    assert scheduler.validate_options(at="23:59", widgets_every_hours=scheduler.MIN_WIDGET_HOURS,
                                      grace_hours=scheduler.MAX_GRACE_HOURS, max_runs=1) == (23, 59)
    assert scheduler.validate_options(at="00:00", widgets_every_hours=scheduler.MAX_WIDGET_HOURS,
                                      grace_hours=scheduler.MIN_GRACE_HOURS) == (0, 0)
