"""Rate limits on the expensive and automatable parts: PDF letters and the JSON API.

Counts live in memory by default (one process). Several workers or instances must
share a store, so `make serve` runs Redis and sets
TAKEDOWN_RATELIMIT_STORAGE_URI=redis://... (or unix://...): then a visitor's count
is the same in every worker and instance. If Redis goes away, counting goes on in
each process's memory, a warning says so in the log, and no request fails because
of it; Redis is tried again as requests come in. Flask-Limiter counts each route
separately, per client address, except letters: a letter from the web form and one
from the API share the one letter count (RATELIMIT_PDF).
"""

import logging
import math
import sys
import time

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge

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


LETTER_VIEWS = ("letters.download", "letters.pack", "api.letter")
# A letter's text version makes no PDF, but it is the same letter: it has a count of its own
# at the letter rate, so copying a letter's text never uses up the PDF allowance.
TEXT_VIEWS = ("letters.text",)


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
    letter_limit = limiter.shared_limit(lambda: current_app.config["RATELIMIT_PDF"],
                                        scope="letters", override_defaults=False)
    for endpoint in LETTER_VIEWS:
        app.view_functions[endpoint] = letter_limit(app.view_functions[endpoint])
    text_limit = limiter.limit(lambda: current_app.config["RATELIMIT_PDF"],
                               override_defaults=False)
    for endpoint in TEXT_VIEWS:
        app.view_functions[endpoint] = text_limit(app.view_functions[endpoint])
    limiter.limit(lambda: current_app.config["RATELIMIT_API"])(app.blueprints["api"])
    # Flask-Limiter keeps no hold on a limiter that is turned off, and the letter views'
    # wrapper holds it only weakly: keep it here for the app's lifetime.
    app.extensions["takedown_limiter"] = limiter
    return limiter
