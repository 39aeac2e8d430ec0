"""Rate limits on the expensive and automatable parts: PDF letters and the JSON API.

Counts live in memory by default (one process). Several instances must share a
store: set TAKEDOWN_RATELIMIT_STORAGE_URI=redis://host:6379.
"""

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address


def init_app(app):
    """Attach a limiter to this app and limit the letters and API blueprints."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        headers_enabled=app.config["RATELIMIT_HEADERS_ENABLED"],
        enabled=app.config.get("RATELIMIT_ENABLED", True),
    )
    limiter.limit(lambda: current_app.config["RATELIMIT_PDF"])(app.blueprints["letters"])
    limiter.limit(lambda: current_app.config["RATELIMIT_API"])(app.blueprints["api"])
    return limiter
