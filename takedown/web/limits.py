"""Rate limits, per client address: letters, the JSON API, and the pages that read a case.

Three counts, each shared by every route it covers: letters (RATELIMIT_PDF: PDFs and their
text versions, from the web and the API, each counting its work: about a page a unit, so a
pack counts many and a one-page letter one or two), the API (RATELIMIT_API: every route of it at
once), and the page POSTs that read a case (RATELIMIT_CASE: generous, far above what a
person clicking through needs; each counts one for every 32 KB it sends, so a flood of
the largest cases is held to a few pages a minute). Other pages have none.

Counts live in memory by default (one process). Several workers or instances must
share a store, so `make serve` runs Redis and sets
TAKEDOWN_RATELIMIT_STORAGE_URI=redis://... (or unix://...): then a visitor's count
is the same in every worker and instance. If Redis goes away, counting goes on in
each process's memory, a warning says so in the log, and no request fails because
of it; Redis is tried again as requests come in. Meanwhile each process allows only its
share of each limit (the limit divided by RATELIMIT_PROCESSES, the number of processes
that count: `make serve` sets it), so all of them together still allow no more than it;
but a share is never less than the most one request counts (the largest letter,
letterwork.MAX_WORK; the largest page post), when the limit itself allows that much, so
every request can still be answered; what is made meanwhile is bounded by that and the
pools.
"""

import logging
import math
import sys
import time

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.storage import MemoryStorage
from werkzeug.exceptions import RequestEntityTooLarge

from takedown import letterwork

DEFAULT_RETRY_AFTER = 60


def retry_after_seconds() -> int:
    """Whole seconds (at least 1) until the limit this request broke lets it through again.

    Remembered for the request, so the page, the JSON message and the Retry-After
    header all give the same number.
    """
    if "retry_after" not in g:
        g.retry_after = DEFAULT_RETRY_AFTER
        for limiter in current_app.extensions.get("limiter", ()):
            current = limiter.current_limit
            if current is not None and current.breached:
                g.retry_after = max(1, math.ceil(current.window[0] - time.time()))
                break
    return g.retry_after


def _retry_after_on_every_429(response):
    """Every 429 says when to come back: the number the page gave, never "0"."""
    if response.status_code == 429:
        # Flask-Limiter sets its own Retry-After just before this, rounding down (even to 0).
        response.headers["Retry-After"] = str(retry_after_seconds())
    return response


def _refuse_a_cut_off_form():
    """A form sent chunked (no Content-Length) is read only up to MAX_CONTENT_LENGTH and the
    rest dropped without a word. Refuse it with a 413, as a form that says its size is."""
    if (request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
            and request.content_length is None and request.max_content_length is not None
            and request.environ.get("wsgi.input_terminated")):
        request.form  # noqa: B018 - parse it now, reading up to the limit
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()


# Letters and their text versions, from the web and the API: one count.
LETTER_VIEWS = ("letters.download", "letters.pack", "letters.text", "letters.pack_text",
                "api.letter")
# The page POSTs that read a case (or the answers so far): one generous count.
CASE_PAGE_VIEWS = ("case.answer", "case.change", "case.plan", "case.save", "case.open_post",
                   "progress.show", "progress.record", "progress.log", "progress.calendar")


def letter_work() -> int:
    """What a letter request counts against the letter limit: its work, in units of about a
    page (takedown.letterwork), from the web or the API, PDF or text."""
    from takedown.web.views import api, letters

    return (api if request.blueprint == "api" else letters).work_asked()


# A page POST counts one for every CASE_UNIT bytes it sends, begun.
CASE_UNIT = 32 * 1024


def case_page_cost() -> int:
    """What a page POST counts: a page of a large case costs more to read and write back."""
    return 1 + (request.content_length or 0) // CASE_UNIT


def _store_away(limiter: Limiter) -> bool:
    """Whether a shared store is configured but not answering (counting is in memory)."""
    return (not current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
            and isinstance(limiter.limiter.storage, MemoryStorage))


def limit_of(name: str, largest: int = 1):
    """The limit in config[name], as Flask-Limiter asks for it on each request; while the
    shared store is away, this process's share of it, at least ``largest`` in each window
    (the most one request can count), so that every request can still be answered."""

    def provider() -> str:
        text = current_app.config[name]
        processes = int(current_app.config.get("RATELIMIT_PROCESSES") or 1)
        limiter = current_app.extensions.get("takedown_limiter")
        if processes <= 1 or limiter is None or not _store_away(limiter):
            return text
        return "; ".join(str(type(item)(
            max(min(largest, item.amount), item.amount // processes), item.multiples))
            for item in parse_many(text))

    return provider


class _StoreSwitches(logging.StreamHandler):
    """Flask-Limiter's lines about its store (down, back), to whatever stderr is now."""

    def emit(self, record):
        self.stream = sys.stderr
        super().emit(record)

    def filter(self, record):
        return "storage" in record.getMessage() and super().filter(record)


def _log_the_store_switches() -> None:
    """Flask-Limiter says when it falls back to memory and when the store is back, but only to
    a NullHandler: send those lines (no request data in them) to stderr, the server's log."""
    logger = logging.getLogger("flask-limiter")
    if not any(isinstance(h, _StoreSwitches) for h in logger.handlers):
        handler = _StoreSwitches()
        handler.setFormatter(
            logging.Formatter("[%(process)d] %(levelname)s rate limits: %(message)s"))
        logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def init_app(app):
    """Attach a limiter to this app and limit the letters and API blueprints."""
    # Registered before the limiter's own hook, so it runs after it (Flask runs them in reverse).
    app.after_request(_retry_after_on_every_429)
    app.before_request(_refuse_a_cut_off_form)
    shared = not app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        storage_options=dict(app.config.get("RATELIMIT_STORAGE_OPTIONS") or {}),
        headers_enabled=app.config["RATELIMIT_HEADERS_ENABLED"],
        enabled=app.config.get("RATELIMIT_ENABLED", True),
        # A shared store that stops answering: count in memory meanwhile, never fail a request.
        in_memory_fallback_enabled=shared,
        swallow_errors=True,
    )
    if shared:
        _log_the_store_switches()
    # Addresses never limited (make load's own load generator); none unless configured.
    limiter.request_filter(
        lambda: request.remote_addr in (current_app.config.get("RATELIMIT_UNLIMITED") or ()))
    # Before the views are wrapped: limit_of looks the limiter up here.
    app.extensions["takedown_limiter"] = limiter
    letter_limit = limiter.shared_limit(limit_of("RATELIMIT_PDF", letterwork.MAX_WORK),
                                        scope="letters",
                                        override_defaults=False, cost=letter_work)
    for endpoint in LETTER_VIEWS:
        app.view_functions[endpoint] = letter_limit(app.view_functions[endpoint])
    largest_page = math.ceil((app.config.get("MAX_CONTENT_LENGTH") or CASE_UNIT) / CASE_UNIT)
    case_limit = limiter.shared_limit(limit_of("RATELIMIT_CASE", largest_page),
                                      scope="case-pages",
                                      override_defaults=False, cost=case_page_cost)
    for endpoint in CASE_PAGE_VIEWS:
        app.view_functions[endpoint] = case_limit(app.view_functions[endpoint])
    limiter.shared_limit(limit_of("RATELIMIT_API"), scope="api")(app.blueprints["api"])
    # (Flask-Limiter keeps no hold on a limiter that is turned off, and the letter views'
    # wrapper holds it only weakly: app.extensions keeps it for the app's lifetime.)
    return limiter
