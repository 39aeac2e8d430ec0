"""HTML to PDF for letters. The only module that imports WeasyPrint, and lazily.

Letters hold text people typed, so nothing in them may make the renderer reach
out: ``LocalAssetFetcher`` serves files under ``letters/`` and stops the render
for any other address (``file:///etc/passwd``, ``http://127.0.0.1/``, ``data:``).
Fonts are system fonts named in ``letter.css``; nothing is downloaded.

One render at a time per process, and what that lets us reuse:
WeasyPrint's layout is pure Python, so two renders in one process only take
turns on one core under the GIL. Running them one after another finishes each
sooner and leaves the GIL free for quick page requests in between. It also
makes it safe to share one ``FontConfiguration`` (a Pango font map with caches
WeasyPrint fills in as it lays out text) and ``letter.css`` parsed once with it:
neither is documented as safe to use from two threads at once, and building
them costs more than laying out a one-page letter. Under `make serve` letters have
their own pool of single-threaded workers, one per core (deploy/), so at most one
render per core runs and the rest wait in nginx's bounded queue.
"""

from __future__ import annotations

import mimetypes
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

LETTERS_DIR = (Path(__file__).resolve().parent.parent / "letters").resolve()
STYLESHEET = LETTERS_DIR / "letter.css"
BASE_URL = LETTERS_DIR.as_uri() + "/"
# PDF/UA-1: tagged PDF with the document language and title, for screen readers.
PDF_VARIANT = "pdf/ua-1"

_render_lock = threading.Lock()
_resources = None


class RenderBusy(RuntimeError):
    """Too many letters are being made in this process right now; try again shortly."""


@dataclass(slots=True)
class RenderSettings:
    """How letters are made for one app: the queue in this process."""

    # Renders allowed in the process at once, running or waiting for the lock
    # (RENDER_QUEUE_LIMIT). Past that a request is turned away at once (RenderBusy:
    # "try again in a few seconds") rather than queueing without bound.
    queue: threading.BoundedSemaphore


EXTENSION = "takedown_pdf"
# For letters made outside an app (a script calling letters.render_pdf itself).
_DEFAULTS = RenderSettings(threading.BoundedSemaphore(4))


def init_app(app) -> None:
    """Keep this app's render settings, from its config, on ``app.extensions["takedown_pdf"]``."""
    app.extensions[EXTENSION] = RenderSettings(
        threading.BoundedSemaphore(max(1, int(app.config["RENDER_QUEUE_LIMIT"]))))


def settings() -> RenderSettings:
    """Return the current app's render settings, or the defaults outside an app."""
    # Imported here, like WeasyPrint: at the top pdf.py (as letters.py) needs no Flask.
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app.extensions.get(EXTENSION, _DEFAULTS)
    return _DEFAULTS


class FetchRefused(ValueError):
    """A letter tried to load something from outside letters/."""


def local_path(url: str) -> Path:
    """Return the file under letters/ that a file:// URL names, or raise FetchRefused."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        raise FetchRefused(f"refused to fetch {url[:200]!r}: only files under letters/ are allowed")
    raw = unquote(parts.path)
    if ".." in raw.split("/") or "\\" in raw or "\x00" in raw:
        raise FetchRefused(f"refused to fetch {url[:200]!r}: '..' is not allowed")
    try:
        # resolve() follows symlinks, so a link pointing outside letters/ is caught below.
        path = Path(url2pathname(raw)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError) as error:
        raise FetchRefused(f"refused to fetch {url[:200]!r}: no such file") from error
    if not path.is_relative_to(LETTERS_DIR) or not path.is_file():
        raise FetchRefused(f"refused to fetch {url[:200]!r}: outside letters/")
    return path


@cache
def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class LocalAssetFetcher(URLFetcher):
        """Serve files under letters/; stop the render for any other address."""

        def __init__(self):
            super().__init__(allowed_protocols=("file",), allow_redirects=False,
                             fail_on_errors=True)

        def fetch(self, url, headers=None):
            try:
                path = local_path(url)
            except FetchRefused as error:
                # Fatal, so a refused fetch stops the render instead of being logged and skipped.
                raise FatalURLFetchingError(str(error)) from None
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})

    return LocalAssetFetcher


def fetcher():
    """Return a new LocalAssetFetcher (a weasyprint.urls.URLFetcher)."""
    return _fetcher_class()()


def _shared_resources():
    """Return the process's (FontConfiguration, parsed letter.css, fetcher); call under the lock."""
    global _resources
    if _resources is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        font_config = FontConfiguration()
        url_fetcher = fetcher()
        css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=BASE_URL,
                  url_fetcher=url_fetcher, font_config=font_config)
        _resources = (font_config, css, url_fetcher)
    return _resources


def html_to_pdf(html: str, title: str) -> bytes:
    """Render letter HTML to a tagged PDF (PDF/UA-1) whose metadata holds only the title."""
    queue = settings().queue
    if not queue.acquire(blocking=False):
        raise RenderBusy("too many letters are being made right now")
    try:
        with _render_lock:
            return _render_here(html, title)
    finally:
        queue.release()


def _render_here(html: str, title: str) -> bytes:
    """Render in this thread; the caller holds _render_lock."""
    from weasyprint import HTML

    font_config, css, url_fetcher = _shared_resources()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher).render(
        font_config=font_config, stylesheets=[css], pdf_variant=PDF_VARIANT)
    metadata = document.metadata
    metadata.title = title
    # No personal data in the document information: no author, subject or keywords.
    metadata.authors = []
    metadata.description = None
    metadata.keywords = []
    metadata.custom = {}
    return document.write_pdf(pdf_variant=PDF_VARIANT)
