"""Scrapy settings for CCHC Watch: polite by default, resumable, overridable from the environment.

Every value a user may want to change is read from a ``CCHC_*`` environment variable so the scheduler,
the benchmark and the tests change behaviour through configuration, never through code branches.
"""
from __future__ import annotations

import os

from core.periods import FULL_WALK_DAYS, PROBE_DAYS, RECHECK_DAYS, REREAD_DAYS, REREAD_MAX_DAYS, SITEMAP_WALK_DAYS


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


BOT_NAME = "cchc-watch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = os.environ.get(
    "CCHC_USER_AGENT",
    "CCHCWatch/0.1 (+https://github.com/cchc-watch/cchc-watch; contact: cchc-watch@example.org)",
)

# Politeness: robots.txt, a per-host concurrency limit, AutoThrottle and a base delay.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = _env_int("CCHC_CONCURRENT_REQUESTS", 32)
CONCURRENT_REQUESTS_PER_DOMAIN = _env_int("CCHC_PER_HOST", 2)
DOWNLOAD_DELAY = _env_float("CCHC_DOWNLOAD_DELAY", 0.5)
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = _env_bool("CCHC_AUTOTHROTTLE", True)
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY or 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# ...and those limits hold for the whole run, not per spider: every discovery spider's downloader asks
# one per-host limiter shared by the run (crawler/hostlimit.py). CCHC_HOST_LIMITER names its class
# (in process now; one shared through Redis would fill the same interface).
DOWNLOADER = "crawler.hostlimit.SharedLimitDownloader"
# ...and the scheduler hands a request out only for a host with room in that limiter, hosts taking
# turns, so requests do not pile up behind one busy shared host while others idle (a request waiting
# for the limiter does not count against CONCURRENT_REQUESTS either). The per-host policy above is
# unchanged; only the order requests reach it. scrapy-redis workers keep their own queue.
SCHEDULER_PRIORITY_QUEUE = "crawler.hostlimit.HostAwarePriorityQueue"
# ...and one keep-alive connection pool and one TLS context for every spider of the process, so the
# spiders reuse each other's connections to a portal (crawler/download.py).
DOWNLOAD_HANDLERS = {"http": "crawler.download.SharedPoolDownloadHandler",
                     "https": "crawler.download.SharedPoolDownloadHandler"}
CCHC_IDLE_CONNECTION_SECONDS = _env_int("CCHC_IDLE_CONNECTION_SECONDS", 60)
# ...and at most this many idle connections in all, the least recently used closed first: a run visits
# thousands of hosts, and each idle https connection keeps its TLS state (crawler/download.py).
CCHC_IDLE_CONNECTIONS = _env_int("CCHC_IDLE_CONNECTIONS", CONCURRENT_REQUESTS)
# Scrapy starts CONCURRENT_ITEMS worker tasks for the output of *every* response (100 by default),
# whatever it yields; ours yield a handful of items and requests each, and the extraction pool bounds
# the real concurrency. At 100 the task churn was ~10 % of the main process's GIL time on a first day
# (bench/crawl_bench.py --profile) and the largest cost on an incremental day (bench/day_after.py
# --profile); a listing yields a few dozen requests, and 16 keeps them flowing.
CONCURRENT_ITEMS = _env_int("CCHC_CONCURRENT_ITEMS", 16)
# Scrapy keeps a response, and the tasks handling its output (CONCURRENT_ITEMS + 1 asyncio tasks each),
# until all of its items have passed the pipelines; the engine stops taking a spider's requests only
# when its responses held so hold this many bytes (each counted at 1 KB at least). At Scrapy's 5 MB per
# spider, with the extraction pool the bottleneck, about 1,500 responses waited at once (~25,000 tasks):
# 597 MiB for the crawl tree on https at 300 portals, politeness off (bench/crawl_bench.py; 2 MB: 517,
# 1 MB: 476; http 458 -> 398). The pool's two workers need a few dozen pages queued, not thousands.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = _env_int("CCHC_SCRAPER_SLOT_BYTES", 1_000_000)
# Scrapy checks every callback and errback it calls for "a generator with a return value" by reading
# its source with inspect and parsing it with ast. Its cache is keyed weakly by the callable, and a
# request's callback is a bound method made for that request, so the cache never hits: ~2 ms of the
# main process per response, about a quarter of an incremental day's crawl CPU (bench/day_after.py
# --profile, 2,117 calls). The same check runs once per callback in tests/crawler/test_spider_modules.py.
WARN_ON_GENERATOR_RETURN_VALUE = False
CCHC_HOST_LIMITER = os.environ.get("CCHC_HOST_LIMITER", "crawler.hostlimit.LocalHostLimiter")
# One JSON line per request (spider, host, when it reached and left the downloader), when set.
CCHC_REQUEST_LOG = os.environ.get("CCHC_REQUEST_LOG", "")

# Failures: retries with back-off on the statuses government portals give under load.
RETRY_ENABLED = True
RETRY_TIMES = _env_int("CCHC_RETRY_TIMES", 2)
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = _env_int("CCHC_DOWNLOAD_TIMEOUT", 30)
# a host that did not answer this many requests in a row (timeouts, refused connections, retries
# included) is retired for the rest of the run: its other requests fail at once (crawler/breaker.py).
# 0: off
CCHC_HOST_FAILURES = _env_int("CCHC_HOST_FAILURES", 3)

# Size caps on every download (pages and attachments).
DOWNLOAD_MAXSIZE = _env_int("CCHC_MAX_BYTES", 25 * 1024 * 1024)
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

# Names are resolved by the guarded resolver: a name resolving to a loopback, private, link-local or
# metadata address is refused before any connection (crawler/resolver.py; the proxy's own name is not).
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"

# Sitemaps are bounded per portal, as listings are (crawler/spiders/sitemaps.py): index depth below the
# sitemaps the registry or robots.txt name, and sitemap documents requested per portal.
CCHC_SITEMAP_MAX_DEPTH = _env_int("CCHC_SITEMAP_MAX_DEPTH", 3)
CCHC_SITEMAP_MAX_FILES = _env_int("CCHC_SITEMAP_MAX_FILES", 50)

# Redirects are handled by our own middleware so off-registry targets are recorded, not followed.
REDIRECT_MAX_TIMES = 5

COOKIES_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_INSTALL_ROOT_HANDLER = True
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = os.environ.get("CCHC_LOG_LEVEL", "INFO")

# Resumable pauses: Scrapy writes JOBDIR state on a clean stop (crashes resume from the database).
if os.environ.get("CCHC_JOBDIR"):
    JOBDIR = os.environ["CCHC_JOBDIR"]

# Where the crawl stores (see storage.Store.open): CCHC_DB or the default SQLite file.
CCHC_DB = os.environ.get("CCHC_DB", "")
CCHC_RUN_ID = os.environ.get("CCHC_RUN_ID", "")
CCHC_EXTRACT_WORKERS = _env_int("CCHC_EXTRACT_WORKERS", 2)
CCHC_BATCH = _env_int("CCHC_BATCH", 50)


def _files_store() -> str:
    """Attachments: ``$CCHC_FILES_STORE``, else ``files/`` in the data folder of the database the
    crawl writes (``DB.d/files`` beside a SQLite file; storage/datadir.py), never a folder relative
    to wherever the command was started. `cchc crawl` sets it again for the database it opened."""
    explicit = os.environ.get("CCHC_FILES_STORE")
    if explicit:
        return explicit
    from storage.datadir import data_dir_for
    from storage.errors import DatabaseURLError

    try:
        return str(data_dir_for(CCHC_DB or None) / "files")
    except DatabaseURLError:
        return ""  # the storage pipeline refuses the same URL with a message that says what to do


FILES_STORE = _files_store()
FILES_EXPIRES = 30
MEDIA_ALLOW_REDIRECTS = True

DOWNLOADER_MIDDLEWARES = {
    # the host guard runs before the proxy middleware (750) and before anything leaves the process
    "crawler.middlewares.HostGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.GuardedRedirectMiddleware": 600,
    # below HttpCompression (590): its process_response sees the decompressed body it hashes
    "crawler.conditional.ConditionalRequestMiddleware": 560,
    # one robots.txt per host per crawl, shared by the spiders of the run (crawler/robots.py)
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.SharedRobotsTxtMiddleware": 100,
    # home pages and robots.txt fetched once per run for every spider (crawler/shared.py)
    "crawler.shared.SharedFetchMiddleware": 650,
    # a host that stopped answering is retired for the run: checked last before the network (after a
    # shared fetch's wait), its exception hook before retry's (550)
    "crawler.breaker.HostBreakerMiddleware": 660,
}

# Incremental crawl (issue 12, crawler/incremental.py; defaults in core/periods.py): conditional
# requests, listings that stop at the first page of known items (a full walk every
# CCHC_FULL_WALK_DAYS), a known document no source linked for CCHC_RECHECK_DAYS re-checked (the
# removal lag), a linked one re-read every CCHC_REREAD_DAYS (edits nothing signals), an older one less
# often: about once in a quarter of its age, up to CCHC_REREAD_MAX_DAYS.
# CCHC_FULL_CRAWL=1 (`cchc crawl --full`) fetches everything in full.
CCHC_FULL_CRAWL = _env_bool("CCHC_FULL_CRAWL", False)
CCHC_RECHECK_DAYS = _env_int("CCHC_RECHECK_DAYS", RECHECK_DAYS)
CCHC_REREAD_DAYS = _env_int("CCHC_REREAD_DAYS", REREAD_DAYS)
CCHC_REREAD_MAX_DAYS = _env_int("CCHC_REREAD_MAX_DAYS", REREAD_MAX_DAYS)
CCHC_FULL_WALK_DAYS = _env_int("CCHC_FULL_WALK_DAYS", FULL_WALK_DAYS)
# a page the portal's CMS family usually has (a guess: the portal names none) that answered 404 at
# its last try is asked again one day in this many, on a full-walk day (a portal without a register
# or a sitemap answers the guess 404 every day)
CCHC_PROBE_DAYS = _env_int("CCHC_PROBE_DAYS", PROBE_DAYS)
# a portal's sitemaps (a full list of its pages: the costliest discovery source) are read one day in
# this many, spread by portal; feeds and first listing/register pages stay daily. On another day they
# are read when the home page links none of the portal's pages, so the drift canary still sees a
# redesign (README, "Sitemaps on the walk day")
CCHC_SITEMAP_WALK_DAYS = _env_int("CCHC_SITEMAP_WALK_DAYS", SITEMAP_WALK_DAYS)

# A page's parsed tree and decoded text are dropped once its callback has produced its items, not
# kept while the items wait for extraction and storage (crawler/release.py: the crawl's memory).
# Closest to the spider (the highest order): its "done" is the callback's.
SPIDER_MIDDLEWARES = {"crawler.release.ReleaseParsedPageMiddleware": 990,
                      # a callback's sightings as one item per portal (issue 12: an unchanged day's items)
                      "crawler.seenbatch.SeenBatchMiddleware": 980}

# One concern per pipeline, gapped priorities so later concerns slot in between.
ITEM_PIPELINES = {
    "pipelines.evidence.RawPagesPipeline": 50,      # raw page bytes into the blob store, before any wait
    "pipelines.attachments.AttachmentsPipeline": 100,
    "pipelines.evidence.EvidencePipeline": 200,      # attachments' blobs into this database's store
    "pipelines.extraction.ExtractPipeline": 300,
    "pipelines.storage.StoragePipeline": 900,
}

EXTENSIONS = {"crawler.progress.Progress": 500, "crawler.hostlimit.RequestLog": 510,
              # a Scrapyd job (`scrapy crawl`) opens and closes its run itself (crawler/lifecycle.py)
              "crawler.lifecycle.RunLifecycle": 100,
              "crawler.costs.ResponseKinds": 520}  # responses per kind (bench/day_after.py)
CCHC_RUN_LIFECYCLE = _env_bool("CCHC_RUN_LIFECYCLE", False)
CCHC_PROGRESS = _env_bool("CCHC_PROGRESS", False)
