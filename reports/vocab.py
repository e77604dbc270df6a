"""The reports' vocabulary and their error, in a module that imports nothing heavy.

Why apart from `reports.base`: the command line declares its options (choices of level, kind, organ)
when it is imported, and `cchc report … --help` must answer in well under a second (issue 12: < 0.3 s),
so what the declarations need cannot pull in SQLAlchemy or the storage layer.
"""
from __future__ import annotations

LEVELS = ("province", "department", "district", "commune")
KINDS = ("propaganda_plan", "plan")
ORGANS = ("government", "party", "council", "mass_organisation", "any")
AS_UNITS = ("historical", "current")


class ReportError(Exception):
    """Bad input or a database that cannot answer: printed as one line, exit status 2."""
