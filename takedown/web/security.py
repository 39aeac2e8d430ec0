"""Response headers for every page, and the rules that keep personal data out of logs."""

import logging
import re

from flask import current_app, jsonify, request
from markupsafe import Markup, escape
from werkzeug.exceptions import BadRequest, SecurityError

from takedown.web import serialize

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
    """Add the security headers to a response, and HSTS when the site is served over HTTPS."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("HTTPS"):
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={int(current_app.config['HSTS_MAX_AGE'])}")
    if response.mimetype == "text/html" and "Cache-Control" not in response.headers:
        # Pages can hold what the user typed; never let a shared computer keep them.
        response.headers["Cache-Control"] = "no-store"
    return response


def no_store(response):
    """Mark a response that carries personal data as never to be cached."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


class MalformedBody(BadRequest):
    """The request body broke HTTP's framing (a bad chunk size, a body cut short)."""

    description = "The request body is not well-formed HTTP: send it again."


class _CheckedInput:
    """wsgi.input that turns the server's framing errors into a 400 instead of a 500."""

    def __init__(self, stream):
        self._stream = stream

    def _guard(self, method, *args):
        try:
            return method(*args)
        except OSError as error:  # gunicorn raises IOErrors for a bad chunk or a body cut short
            raise MalformedBody() from error
        except Exception as error:
            if type(error).__module__.startswith("gunicorn."):
                raise MalformedBody() from error
            raise

    def read(self, *args):
        return self._guard(self._stream.read, *args)

    def readline(self, *args):
        return self._guard(self._stream.readline, *args)

    def readlines(self, *args):
        return self._guard(self._stream.readlines, *args)

    def __iter__(self):
        return iter(self.readline, b"")


class CheckBodies:
    """WSGI middleware: a malformed body (bad chunked framing) is a clean 400, never a 500."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if "wsgi.input" in environ:
            environ["wsgi.input"] = _CheckedInput(environ["wsgi.input"])
        return self.app(environ, start_response)


# The request line, then its query string. Werkzeug colours the request line of an error
# (4xx/5xx) with ANSI codes, which come between the quote and the method.
_QUERY = re.compile(r'(\s"?(?:\x1b\[[0-9;]*m)*[A-Z]+ [^ ?"]*)\?[^ "\x1b]*')


# Any query string in an error-log line: gunicorn quotes a malformed request line whole.
_ANY_QUERY = re.compile(r"\?[^\s'\"\x1b]*")


class DropQueryStrings(logging.Filter):
    """Remove query strings from access-log lines: they can hold what someone typed."""

    pattern, replacement = _QUERY, r"\1?…"

    def filter(self, record):
        message = record.getMessage()
        if "?" in message:
            record.msg = self.pattern.sub(self.replacement, message)
            record.args = ()
        return True


class DropAnyQueryString(DropQueryStrings):
    """Remove anything after a "?" from error-log lines (a malformed request line, quoted)."""

    pattern, replacement = _ANY_QUERY, "?…"


# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class EscapeControls(logging.Filter):
    """Write control characters in an access-log line as \\xNN: gunicorn logs the path
    percent-decoded, so %0d%0a would start a line of the sender's and %1b a terminal escape."""

    def filter(self, record):
        message = record.getMessage()
        if _CONTROLS.search(message):
            record.msg = _CONTROLS.sub(_escaped, message)
            record.args = ()
        return True


# What HTML text may not carry (controls, surrogates, noncharacters U+FDD0..U+FDEF and
# U+xFFFE/U+xFFFF of every plane), and the line and paragraph separators no text field takes:
# a refused value typed with one comes back with U+FFFD.
_NOT_FOR_HTML = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane + 0xFFFE) + chr(plane + 0xFFFF) for plane in range(0, 0x110000, 0x10000))
    + "]")


def html_text(value) -> str:
    """Text safe to write back into a page: characters HTML forbids become U+FFFD."""
    return _NOT_FOR_HTML.sub("\ufffd", value) if isinstance(value, str) else value


def _finalize(value):
    """Every value a page template writes goes through html_text, so no control character
    reaches a page (a macro's output is markup made of values finalized already)."""
    return value if isinstance(value, Markup) else html_text(value)


UNKNOWN_HOST = "This site does not answer to that host name. Check the address you typed."


def refuse_unknown_host(error: SecurityError):
    """A Host header not in TRUSTED_HOSTS: a plain 400 that names no host and builds no link."""
    if request.path.startswith("/api/"):
        response = jsonify(serialize.error("Bad Request", UNKNOWN_HOST))
    else:
        # No template: without a trusted host Flask cannot build the links base.html needs.
        page = ('<!doctype html><html lang="en"><title>Bad request</title>'
                f"<p>{escape(UNKNOWN_HOST)}</p>")
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = 400
    return response


def init_app(app):
    """Install the headers on every response, the body check, and the log filters; behind
    HTTPS the session (CSRF) cookie is sent over HTTPS only."""
    if app.config.get("HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.after_request(set_headers)
    app.register_error_handler(SecurityError, refuse_unknown_host)
    app.add_template_filter(html_text)
    app.jinja_env.finalize = _finalize
    app.wsgi_app = CheckBodies(app.wsgi_app)
    for name, kind in (("werkzeug", DropQueryStrings), ("gunicorn.access", DropQueryStrings),
                       ("gunicorn.access", EscapeControls), ("gunicorn.error", DropAnyQueryString)):
        install_filter(logging.getLogger(name), kind)


def install_filter(logger: logging.Logger, kind: type[logging.Filter]) -> None:
    """Add a filter (query strings, control characters) to a logger, once."""
    if not any(type(f) is kind for f in logger.filters):
        logger.addFilter(kind())


def trust_proxies(app):
    """Behind a reverse proxy, take the visitor's address and scheme from X-Forwarded-*.

    Only as many proxies as PROXY_COUNT are trusted (0: none, and the headers are
    ignored, since anyone could send them). Rate limits count by this address.
    """
    hops = int(app.config.get("PROXY_COUNT") or 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
