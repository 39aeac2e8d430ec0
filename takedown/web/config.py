"""Default settings. Any of them can be overridden by a TAKEDOWN_* environment variable.

Values from the environment are JSON-decoded where possible (Flask's
``from_prefixed_env``), so ``TAKEDOWN_MAX_CONTENT_LENGTH=131072`` is a number.
"""

import secrets


class DefaultConfig:
    # A fresh key each start is safe because we keep nothing: a form posted with a
    # token from before a restart comes back filled in, with a message, and is sent again.
    # Several instances behind a load balancer must share one TAKEDOWN_SECRET_KEY.
    SECRET_KEY = secrets.token_hex(32)

    # Whole request bodies, forms and JSON alike. A case of 20 places with every
    # field at its limit is about 60 KB; case files are limited to 64 KB on their own.
    MAX_CONTENT_LENGTH = 256 * 1024
    MAX_FORM_MEMORY_SIZE = 256 * 1024
    MAX_CASE_FILE_BYTES = 64 * 1024

    # The session cookie holds only the CSRF token; nothing the user typed.
    SESSION_COOKIE_NAME = "takedown_csrf"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set TAKEDOWN_SESSION_COOKIE_SECURE=true behind HTTPS
    WTF_CSRF_TIME_LIMIT = 3600 * 4

    # Where "Exit this page" goes: a neutral, busy site that gives nothing away.
    EXIT_URL = "https://www.bbc.co.uk/weather"

    # Rate limits (Flask-Limiter, takedown/web/limits.py). memory:// suits one process; `make serve`
    # runs Redis and sets TAKEDOWN_RATELIMIT_STORAGE_URI=unix://...: every worker and instance
    # then shares one count. A store that stops answering is given up on within the timeouts
    # below (seconds), and counting goes on in memory until it is back.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
    RATELIMIT_HEADERS_ENABLED = True
    # Letters (PDF or text, web and API) count their work, in units of about a page
    # (takedown/letterwork.py): a pack is up to 60, a platform letter 3 to 6. The short window
    # holds at least the largest letter (letterwork.MAX_WORK), so every letter can be made.
    RATELIMIT_PDF = "300 per minute; 90 per 10 seconds"
    RATELIMIT_API = "120 per minute"
    # Page POSTs that read a case: one count, generous (a person clicking through makes a few
    # a minute), each counting one for every 32 KB it sends, so that one client cannot keep
    # the page workers busy reading large cases (a 206 KB case: 7, four pages in 10 seconds).
    RATELIMIT_CASE = "120 per minute; 30 per 10 seconds"
    # Processes counting limits (workers in every pool and instance; `make serve` sets it):
    # while the shared store is away each allows this share of every limit.
    RATELIMIT_PROCESSES = 1
    # Client addresses never limited: none in production. `make load` lists its own load
    # generator's, which stands for every simulated visitor at once.
    RATELIMIT_UNLIMITED: list[str] = []

    # Letters in one worker process at once (one renders, the rest wait); more are turned
    # away with 503 and Retry-After. The limit is the process's (takedown.pdf.limit_renders),
    # as its one render lock is. Under `make serve` each letter worker is a sync worker
    # taking one request at a time, so this only matters for other servers.
    RENDER_QUEUE_LIMIT = 4
    RENDER_RETRY_AFTER = 5

    # Reverse proxies in front of the app that set X-Forwarded-For and -Proto. 0: none, and
    # those headers are ignored (anyone could send them). Behind one proxy or load balancer,
    # set TAKEDOWN_PROXY_COUNT=1: otherwise every visitor has the proxy's address, and all
    # of them share one rate-limit count.
    PROXY_COUNT = 0

    # The host names this site answers to (Flask checks the Host header against them; any
    # other gets a 400), so no response, redirect or link carries a host the operator did not
    # set. Set TAKEDOWN_TRUSTED_HOSTS='["takedown.example.org"]' in production.
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]

    # Served over HTTPS (TAKEDOWN_HTTPS=true): every response carries Strict-Transport-Security
    # for HSTS_MAX_AGE seconds (one year), so browsers never try plain HTTP again.
    HTTPS = False
    HSTS_MAX_AGE = 31536000

    TEMPLATES_AUTO_RELOAD = False
