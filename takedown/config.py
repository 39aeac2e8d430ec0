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

    # Rate limits (Flask-Limiter). memory:// suits one process; use redis://host:6379
    # when running several instances so they share one count.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_PDF = "30 per minute"
    RATELIMIT_API = "120 per minute"

    # Letters in one worker process at once (one renders, the rest wait); more are turned
    # away with 503 and Retry-After. At gunicorn's thread count (4) this only bounds the
    # queue; set it lower to keep threads free for pages in a surge (docs/performance.md).
    RENDER_QUEUE_LIMIT = 4
    RENDER_RETRY_AFTER = 5
    # Renders running at once across all workers of an instance (takedown/render_slots.py):
    # gunicorn.conf.py makes the directory and sets TAKEDOWN_RENDER_SLOTS_DIR; unset (the
    # development server, tests), each process only makes one letter at a time. 0 slots
    # means one per core this process may use. A letter that has waited RENDER_SLOT_WAIT
    # seconds for a slot gets 503 and Retry-After.
    RENDER_SLOTS_DIR = None
    RENDER_SLOTS = 0
    RENDER_SLOT_WAIT = 20

    # Reverse proxies in front of the app that set X-Forwarded-For and -Proto. 0: none, and
    # those headers are ignored (anyone could send them). Behind one proxy or load balancer,
    # set TAKEDOWN_PROXY_COUNT=1: otherwise every visitor has the proxy's address, and all
    # of them share one rate-limit count.
    PROXY_COUNT = 0

    TEMPLATES_AUTO_RELOAD = False
