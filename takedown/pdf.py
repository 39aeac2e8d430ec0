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

Each render runs with the garbage collector's first threshold raised (layout
makes many short-lived objects; collecting them less often is faster and the
output is the same), in one chunk of CPython's frame stack (``in_one_stack_chunk``:
otherwise a letter's deep layout maps and unmaps chunks hundreds of times), and ends
with a small pikepdf pass (``_finish``) that completes WeasyPrint's tagging where
PDF/UA asks more of it.

The pack is its letters rendered one by one and joined (``join``), so each
letter is numbered on its own; see ``render_parts`` for when that runs on more
than one core.
"""

from __future__ import annotations

import atexit
import gc
import io
import mimetypes
import os
import re
import threading
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
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
_pool = None
_pool_lock = threading.Lock()
_renders_here = 0  # renders running or waiting in this process (html_to_pdf or render_parts)
_count_lock = threading.Lock()
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
    return _queued(lambda current: _render([(html, title)], current)[0])


def _queued(work):
    """Run work(settings) if this process's render queue has room, else raise RenderBusy."""
    global _renders_here
    current = settings()
    if not current.queue.acquire(blocking=False):
        raise RenderBusy("too many letters are being made right now")
    with _count_lock:
        _renders_here += 1
    try:
        return work(current)
    finally:
        with _count_lock:
            _renders_here -= 1
        current.queue.release()


def _render(parts: list[tuple[str, str]], current: RenderSettings,
            finish: bool = True) -> list[bytes]:
    """Render (html, title) parts one after another under this process's render lock."""
    with _render_lock:
        return [_render_here(html, title, finish) for html, title in parts]


def _write(html: str, title: str, finish: bool = True) -> bytes:
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
    data = document.write_pdf(pdf_variant=PDF_VARIANT)
    return _finish(data) if finish else data


def _render_here(html: str, title: str, finish: bool = True) -> bytes:
    """Render in this thread; the caller holds _render_lock.

    ``finish=False`` leaves the tagging unfinished, for ``join`` to finish once.
    """
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        return in_one_stack_chunk(lambda: _write(html, title, finish))
    finally:
        gc.set_threshold(*threshold)


# Allocations between young-generation collections while a letter is laid out.
GC_THRESHOLD = 50_000


def in_one_stack_chunk(work):
    """Return work(), with room for every frame it calls in one chunk of CPython's frame stack."""
    return work()


# CPython 3.11 keeps Python frames in 16 KiB chunks of memory: a call that does not fit
# in the current chunk maps a new one, and its return unmaps it again. WeasyPrint's layout
# recurses once per nested box, so a letter's frames cross one of those boundaries back
# and forth: about 900 mmap/munmap pairs per platform letter, at 6 ms of system time, and
# more or fewer depending on how deep the caller already was (a plain page took no page
# faults from it at one depth and 1,258 at another). Reserving a value stack of 16,500
# slots (132 KB) for this one frame makes CPython put it in a fresh 256 KiB chunk of its
# own, whose other 124 KiB holds every frame of a render: one mapping a render, at any depth.
STACK_SLOTS = 16_500
in_one_stack_chunk.__code__ = in_one_stack_chunk.__code__.replace(co_stacksize=STACK_SLOTS)


def _structure(pdf_file):
    """Yield every structure element an open pikepdf.Pdf's tree reaches, in document order."""
    import pikepdf

    stack = [pdf_file.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        if kids is None:
            continue
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        children = [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]
        yield from children
        stack.extend(reversed(children))


def _finish(data: bytes) -> bytes:
    """Return a rendered PDF with its tagging finished (see ``_finish_pdf``)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf_file:
        _finish_pdf(pdf_file)
        out = io.BytesIO()
        pdf_file.save(out)
        return out.getvalue()


def _finish_pdf(pdf_file) -> None:
    """Finish WeasyPrint's tagging for PDF/UA, in an open pikepdf.Pdf.

    * each TH gets a Scope: Column in a header row, Row for a row's first cell
      (Matterhorn 15-003; WeasyPrint links cells to headers but sets no Scope);
    * the running header and page numbers (letter.css margin boxes) are tagged by
      WeasyPrint as content the structure tree never reaches; they become
      pagination artifacts (Matterhorn 01-005).
    """
    import pikepdf

    reached = set()
    for element in _structure(pdf_file):
        reached.add(element.objgen)
        if element.S != "/TH":
            continue
        row = element.P
        cells = list(row.K) if isinstance(row.K, pikepdf.Array) else [row.K]
        in_head = row.get("/P") is not None and row.P.get("/S") == "/THead"
        column = in_head or all(cell.get("/S") == "/TH" for cell in cells)
        element.A.Scope = pikepdf.Name.Column if column else pikepdf.Name.Row
    nums = list(pdf_file.Root.StructTreeRoot.ParentTree.Nums)
    by_key = dict(zip((int(key) for key in nums[::2]), nums[1::2], strict=True))
    for page in pdf_file.pages:
        entries = by_key.get(int(page.get("/StructParents", -1)))
        if not isinstance(entries, pikepdf.Array):
            continue
        orphans = {mcid for mcid, element in enumerate(entries)
                   if isinstance(element, pikepdf.Dictionary) and element.objgen not in reached}
        if orphans:
            _mark_artifacts(pdf_file, page, orphans)
            for mcid in orphans:
                entries[mcid] = None


# How WeasyPrint opens a tagged piece of content: "/Span\n<</MCID 0>>\nBDC".
_MARKED = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _mark_artifacts(pdf_file, page, mcids: set[int]) -> None:
    """Turn the marked-content sequences with these MCIDs on a page into artifacts."""
    def artifact(match):
        if int(match[1]) in mcids:
            return b"/Artifact\n<</Type /Pagination>>\nBDC"
        return match[0]

    streams = page.Contents if isinstance(page.Contents, list) else [page.Contents]
    for stream in streams:
        stream.write(_MARKED.sub(artifact, stream.read_bytes()))


# --- the pack: parts rendered on their own, joined keeping tags and bookmarks --------


def join(parts: list[bytes]) -> bytes:
    """Join tagged PDFs into one, keeping each one's pages, bookmarks and structure tree.

    The first part's catalog is kept (Lang, MarkInfo, DisplayDocTitle, the XMP
    metadata and document title), so render it with the joined document's title.
    Every later part's structure elements move under the first part's Document
    element; their ParentTree keys (page StructParents and annotation
    StructParent) are renumbered after the first part's, and their bookmarks
    follow the first part's at the top level. Page numbers stay each part's own.
    """
    import pikepdf

    base = pikepdf.open(io.BytesIO(parts[0]))
    root = base.Root.StructTreeRoot
    document = root.K[0]
    nums = list(root.ParentTree.Nums)
    next_key = max((int(key) for key in nums[::2]), default=-1) + 1
    outline_items = _outline_items(base.Root.get("/Outlines"))
    for data in parts[1:]:
        source = pikepdf.open(io.BytesIO(data))
        first_page = len(base.pages)
        base.pages.extend(source.pages)
        source_nums = list(source.Root.StructTreeRoot.ParentTree.Nums)
        renumber = {int(key): next_key + index for index, key in enumerate(source_nums[::2])}
        for page in base.pages[first_page:]:
            if "/StructParents" in page:
                page.StructParents = renumber[int(page.StructParents)]
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = renumber[int(annotation.StructParent)]
        for key, value in zip(source_nums[::2], source_nums[1::2], strict=True):
            nums += [renumber[int(key)], base.copy_foreign(source.make_indirect(value))]
        next_key += len(renumber)
        for element in base.copy_foreign(source.Root.StructTreeRoot.K[0]).K:
            element.P = document
            document.K.append(element)
        if "/Outlines" in source.Root:
            outline_items += _outline_items(base.copy_foreign(source.Root.Outlines))
    root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    root.ParentTreeNextKey = next_key
    if outline_items:
        base.Root.Outlines = _outline(base, outline_items)
    _finish_pdf(base)
    out = io.BytesIO()
    # Object streams pack the parts' thousands of small structure objects: the joined
    # pack saves in about half the time and size (5-place pack: 9 against 19 ms, 162
    # against 294 KB).
    base.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _outline_items(outlines) -> list:
    """Return the top-level items of an /Outlines dictionary, in order."""
    items = []
    item = outlines.get("/First") if outlines is not None else None
    while item is not None:
        items.append(item)
        item = item.get("/Next")
    return items


def _outline(pdf_file, items: list):
    """Return a new /Outlines dictionary holding these top-level items, linked in order."""
    import pikepdf

    outlines = pdf_file.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    count = 0
    for index, item in enumerate(items):
        item.Parent = outlines
        for key in ("/Prev", "/Next"):
            if key in item:
                del item[key]
        if index:
            item.Prev = items[index - 1]
            items[index - 1].Next = item
        count += 1 + max(0, int(item.get("/Count", 0)))
    outlines.First, outlines.Last, outlines.Count = items[0], items[-1], count
    return outlines


# Worker processes for the pack's parts: cores - 1 (this process renders a share too),
# none on one core or with TAKEDOWN_PACK_WORKERS=0.
PACK_WORKERS = int(os.environ.get("TAKEDOWN_PACK_WORKERS",
                                  max(0, len(os.sched_getaffinity(0)) - 1)))


_local = threading.local()


@contextmanager
def in_this_process():
    """Within this block, packs made in this thread render their parts here, one by one."""
    _local.no_pool = True
    try:
        yield
    finally:
        _local.no_pool = False


def _idle() -> bool:
    """True when nothing else is rendering: no other render in this process, and the
    machine's 1-minute load average leaves every pack worker a free core.

    The load average is the simple local signal that covers other worker processes
    (gunicorn workers, or a pool of letter workers): when they are busy rendering,
    it climbs above the idle cores and packs are made one part after another.
    """
    with _count_lock:
        alone = _renders_here <= 1
    return alone and os.getloadavg()[0] <= len(os.sched_getaffinity(0)) - PACK_WORKERS - 0.5


def _pool_start():
    global _pool
    with _pool_lock:
        if _pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            context = multiprocessing.get_context("forkserver")
            _pool = ProcessPoolExecutor(max(1, PACK_WORKERS), mp_context=context,
                                        initializer=_warm_worker)
            atexit.register(_pool.shutdown)
        return _pool


def _pool_discard() -> None:
    """Forget a broken pack pool (its workers are gone); the next pack starts a new one."""
    global _pool
    with _pool_lock:
        broken, _pool = _pool, None
    if broken is not None:
        broken.shutdown(wait=False, cancel_futures=True)


def _warm_worker() -> None:
    _shared_resources()


def _render_bundle(parts: list[tuple[str, str]]) -> list[bytes]:
    """In a pack worker process: render each (html, title) part on its own, for ``join``."""
    with _render_lock:
        return [_render_here(html, title, finish=False) for html, title in parts]


def _bundles(parts: list[tuple[str, str]], count: int) -> list[list[int]]:
    """Split the parts' indexes into ``count`` bundles of about equal HTML length."""
    bundles = [[] for _ in range(count)]
    sizes = [0] * count
    for index in sorted(range(len(parts)), key=lambda i: -len(parts[i][0])):
        smallest = sizes.index(min(sizes))
        bundles[smallest].append(index)
        sizes[smallest] += len(parts[index][0])
    return bundles


def render_parts(parts: list[tuple[str, str]], parallel: bool | None = None) -> list[bytes]:
    """Render each (html, title) part as its own PDF, in order, for ``join`` (which
    finishes their tagging once, for the whole document).

    Parallel (``parallel=None``: when ``_idle()``) on PACK_WORKERS processes plus
    this one, in bundles of about equal size; otherwise one after another here, so
    a surge of letters is never made worse by packs taking every core.
    """
    def work(current):
        use_pool = parallel
        if use_pool is None:
            use_pool = (PACK_WORKERS > 0 and len(parts) > 1
                        and not getattr(_local, "no_pool", False) and _idle())
        if not use_pool:
            return _render(parts, current, finish=False)
        try:
            return _render_on_pool(parts, current)
        except BrokenProcessPool:
            # A pack worker died (killed, out of memory): start afresh next time, and
            # make this pack here, so the visitor still gets it.
            _pool_discard()
            return _render(parts, current, finish=False)

    return _queued(work)


def _render_on_pool(parts: list[tuple[str, str]], current: RenderSettings) -> list[bytes]:
    """Render the parts in bundles, one here and the rest on the pack workers."""
    bundles = _bundles(parts, max(1, PACK_WORKERS) + 1)
    pool = _pool_start()
    futures = [pool.submit(_render_bundle, [parts[i] for i in bundle])
               for bundle in bundles[1:]]
    made = dict(zip(bundles[0], _render([parts[i] for i in bundles[0]], current, False),
                    strict=True))
    for bundle, future in zip(bundles[1:], futures, strict=True):
        made.update(zip(bundle, future.result(), strict=True))
    return [made[index] for index in range(len(parts))]
