"""Response headers for every page, and the rules that keep personal data out of logs."""

import logging
import re

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()" for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer",
        "microphone", "payment", "usb", "interest-cohort", "browsing-topics",
    )
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Robots-Tag": "noarchive",
}


def set_headers(response):
    """Add the security headers to a response."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        # Pages can hold what the user typed; never let a shared computer keep them.
        response.headers["Cache-Control"] = "no-store"
    return response


def no_store(response):
    """Mark a response that carries personal data as never to be cached."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# The request line, then its query string. Werkzeug colours the request line of an error
# (4xx/5xx) with ANSI codes, which come between the quote and the method.
_QUERY = re.compile(r'(\s"?(?:\x1b\[[0-9;]*m)*[A-Z]+ [^ ?"]*)\?[^ "\x1b]*')


class DropQueryStrings(logging.Filter):
    """Remove query strings from access-log lines: they can hold what someone typed."""

    def filter(self, record):
        message = record.getMessage()
        if "?" in message:
            record.msg = _QUERY.sub(r"\1?…", message)
            record.args = ()
        return True


def init_app(app):
    """Install the headers on every response and the log filter on the access logs."""
    app.after_request(set_headers)
    for name in ("werkzeug", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, DropQueryStrings) for f in logger.filters):
            logger.addFilter(DropQueryStrings())


def trust_proxies(app):
    """Behind a reverse proxy, take the visitor's address and scheme from X-Forwarded-*.

    Only as many proxies as PROXY_COUNT are trusted (0: none, and the headers are
    ignored, since anyone could send them). Rate limits count by this address.
    """
    hops = int(app.config.get("PROXY_COUNT") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
