"""The name a Twisted failure is counted and reported under.

Every errback records ``"<ExceptionClass>: <message>"`` and bumps ``cchc/errors/<ExceptionClass>``;
Twisted types ``Failure.type`` as optional (it is unset only while a failure is being built), so the
spiders read the name here once instead of each one dereferencing an optional.
"""
from __future__ import annotations

from twisted.python.failure import Failure


def failure_kind(failure: Failure) -> str:
    """The failure's exception class name (``"Failure"`` for one that carries no exception type)."""
    return failure.type.__name__ if failure.type is not None else "Failure"


def failure_reason(failure: Failure) -> str:
    """``"<ExceptionClass>: <message>"``, cut to the 500 characters an error column keeps.

    A request the run's host breaker did not send (crawler/breaker.py) is named under the kind of the
    host's last real failure (``DownloadTimeoutError: skipped: …``), so health and reports read the
    portal as timed out or down exactly as they read the failures that retired the host."""
    from crawler.breaker import HostSkippedError

    if isinstance(failure.value, HostSkippedError):
        return f"{failure.value.last_kind}: {failure.getErrorMessage()}"[:500]
    return f"{failure_kind(failure)}: {failure.getErrorMessage()}"[:500]
