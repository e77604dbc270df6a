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
    """``"<ExceptionClass>: <message>"``, cut to the 500 characters an error column keeps."""
    return f"{failure_kind(failure)}: {failure.getErrorMessage()}"[:500]
