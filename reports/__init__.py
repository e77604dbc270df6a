"""Reports: the questions users ask of the snapshot database (issue 6).

One module per report (`coverage`, `compliance`, `trend`, `diff`, `search`, `review`, `html`) plus
`base` (opening the database, runs, units, documents as of a date, corrections) and `formatting`
(Vietnamese number formats for people, plain values for machines, table/csv/json/xlsx writers).

Reports only read crawled data (the `search` index and `review` corrections live in their own tables)
and never import the crawler: they work on a copy of the database with no network and no Scrapy.
Bad input raises `ReportError`, which the command line prints as one line with exit status 2.
"""
from __future__ import annotations

from reports.vocab import ReportError

__all__ = ["ReportError"]
