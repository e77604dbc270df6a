"""The run-wide host breaker (crawler/breaker.py): a host that does not answer is retired after
CCHC_HOST_FAILURES failures in a row, its other requests recorded as failed without the network; a
host that answers keeps being crawled."""
from __future__ import annotations

import json
import re
import sqlite3

import pytest
from scrapy.exceptions import DownloadTimeoutError

from crawler.breaker import HostBreaker

pytestmark = pytest.mark.slow


def test_an_answer_resets_the_count_and_the_threshold_opens_it() -> None:
    breaker = HostBreaker(3)
    assert not breaker.failed("a.gov.vn", "/1", DownloadTimeoutError("t1"))
    assert not breaker.failed("a.gov.vn", "/2", DownloadTimeoutError("t2"))
    breaker.answered("a.gov.vn")  # a slow host that answers in the end is not dead
    assert not breaker.failed("a.gov.vn", "/3", DownloadTimeoutError("t3"))
    assert not breaker.failed("a.gov.vn", "/3", DownloadTimeoutError("t4"))
    assert not breaker.failed("a.gov.vn", "/3", DownloadTimeoutError("t5"))  # one slow URL and its retries
    assert not breaker.is_open("a.gov.vn")
    assert breaker.failed("a.gov.vn", "/4", DownloadTimeoutError("t6"))
    assert breaker.is_open("a.gov.vn") and not breaker.is_open("b.gov.vn")
    skipped = breaker.skipped("a.gov.vn")
    assert skipped.last_kind == "DownloadTimeoutError"
    assert str(skipped) == "skipped: a.gov.vn did not answer 4 requests in a row (last: t6)"


def _crawl(crawl, tmp_path, failures: str) -> tuple[list[str], list[str], list[str], tuple[int, int]]:
    """p-sonla and p-cantho with every spider: the URLs sent to sonla.gov.vn, p-sonla's health and
    fetch errors, p-cantho's fetch rows and errors."""
    db, log = tmp_path / f"breaker{failures}.sqlite", tmp_path / f"requests{failures}.jsonl"
    crawl.run(db, "--source", "p-sonla", "--source", "p-cantho",
              env={"CCHC_DOWNLOAD_TIMEOUT": "1", "CCHC_SIM_SLOW_SECONDS": "4", "CCHC_HOST_FAILURES": failures,
                   "CCHC_REQUEST_LOG": str(log)})
    attempts = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    with sqlite3.connect(db) as conn:
        health = [e for (e,) in conn.execute("SELECT error FROM portal_health WHERE portal_id = 'p-sonla'")]
        errors = [e for (e,) in conn.execute("SELECT error FROM fetches WHERE portal_id = 'p-sonla'")]
        cantho = conn.execute("SELECT count(*), count(error) FROM fetches WHERE portal_id = 'p-cantho'").fetchone()
    return [a["url"] for a in attempts if a["host"] == "sonla.gov.vn"], health, errors, cantho


def test_a_host_that_never_answers_is_retired_and_recorded_as_timed_out(crawl, tmp_path) -> None:
    """p-sonla (the `timeout` fault: every answer 4 s late, the timeout 1 s) next to healthy
    p-cantho: with the breaker, p-sonla is recorded timed out with the breaker's reason after 4
    or so network attempts (robots.txt and its two retries, then the home page once); without it, every spider's robots.txt and
    home page request and their retries went out. p-cantho is crawled alike either way."""
    sent, health, errors, cantho = _crawl(crawl, tmp_path, "3")
    # robots.txt, its two retries and the home page open the breaker; a request the per-host limit
    # (CCHC_PER_HOST) had already let start may still go out
    assert sent[:3] == ["https://sonla.gov.vn/robots.txt"] * 3 and "https://sonla.gov.vn/" in sent, sent
    assert len(sent) <= 6, sent
    reason = re.compile(r"DownloadTimeoutError: skipped: sonla\.gov\.vn did not answer [4-6] requests in a row "
                        r"\(last: Getting https://sonla\.gov\.vn/\S* took longer than 1\.0 seconds\.\)")
    assert health and all(e and reason.fullmatch(e) for e in health), health
    # the request whose timeout opened the breaker is recorded as is; every other one was skipped
    assert errors and all(e and (reason.fullmatch(e) or e.startswith("DownloadTimeoutError: Getting https://sonla"))
                          for e in errors), errors
    assert any(reason.fullmatch(e) for e in errors), errors
    sent_off, health_off, errors_off, cantho_off = _crawl(crawl, tmp_path, "0")
    assert len(sent_off) >= 3 * len(sent), sent_off
    assert health_off and all(e and e.startswith("DownloadTimeoutError: Getting ") for e in health_off), health_off
    assert len(errors_off) == len(errors)  # the same requests recorded failed, with or without the network
    assert cantho == cantho_off and cantho[0] > 10, (cantho, cantho_off)
