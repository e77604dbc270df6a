"""Imported by multiprocessing's forkserver (and only there: it is the extraction pool's forkserver
preload, see pipelines/extraction.py), so that the forkserver dies with the crawl that started it.

Pool workers are the forkserver's children, and PR_SET_PDEATHSIG fires when a process's *parent*
dies; a forkserver that outlived a SIGKILLed crawl kept its workers' parent alive, so their own
death signal never fired. With this, killing the crawl kills the forkserver, which kills the
workers. Importing the extraction modules here also means workers start with them loaded.
"""
from __future__ import annotations

import signal

import pipelines.extract.attachments
import pipelines.extract.extractor
import pipelines.extract.register  # noqa: F401  (the workers' extraction, loaded once here: module doc)
from pipelines.extraction import _set_pdeathsig

_set_pdeathsig(signal.SIGKILL)
