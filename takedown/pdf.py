"""HTML to PDF for letters. The only module that imports WeasyPrint, and lazily
(each import marked for ruff's banned-api rule, which keeps WeasyPrint out of the rest).

Letters hold text people typed, so nothing in them may make the renderer reach
out: ``LocalAssetFetcher`` serves files under ``letters/`` and stops the render
for any other address (``file:///etc/passwd``, ``http://127.0.0.1/``, ``data:``).
Fonts are system fonts named in ``letter.css``; nothing is downloaded.

One render at a time per process (``rendering``), and what that lets us reuse:
WeasyPrint's layout is pure Python, so two renders in one process only take
turns on one core under the GIL. Running them one after another finishes each
sooner and leaves the GIL free for quick page requests in between. It also
makes it safe to share one ``FontConfiguration`` (a Pango font map with caches
WeasyPrint fills in as it lays out text) and ``letter.css`` parsed once with it:
neither is documented as safe to use from two threads at once, and building
them costs more than laying out a one-page letter. Under `make serve` letters and
packs have their own pools of single-threaded workers, one per core (deploy/), so at
most one render per core runs and the rest wait in nginx's bounded queue.

A render runs with the garbage collector's first threshold raised (layout makes
many short-lived objects; collecting them less often is faster and the output is
the same) and ends with a small pikepdf pass (``_finish``) that completes
WeasyPrint's tagging where PDF/UA asks more of it. The pack is its parts rendered
one after another and joined (``join``), so each letter is numbered on its own.
"""

from __future__ import annotations

import gc
import io
import mimetypes
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

LETTERS_DIR = (Path(__file__).resolve().parent.parent / "letters").resolve()
STYLESHEET = LETTERS_DIR / "letter.css"
BASE_URL = LETTERS_DIR.as_uri() + "/"
# PDF/UA-1: tagged PDF with the document language and title, for screen readers.
PDF_VARIANT = "pdf/ua-1"
# Allocations between young-generation collections while a letter is laid out.
GC_THRESHOLD = 50_000

_render_lock = threading.Lock()
_resources = None
# Renders allowed in this process at once, running or waiting for the lock. Past that
# a letter is turned away at once (RenderBusy: "try again in a few seconds") rather
# than queueing without bound. create_app sets it from RENDER_QUEUE_LIMIT.
_queue = threading.BoundedSemaphore(4)


class RenderBusy(RuntimeError):
    """Too many letters are being made in this process right now; try again shortly."""


def limit_renders(limit: int) -> None:
    """Allow this many renders in this process at once, running or waiting (at least one)."""
    global _queue
    _queue = threading.BoundedSemaphore(max(1, int(limit)))


@contextmanager
def rendering() -> Iterator[None]:
    """Hold a place in this process's render queue (or raise RenderBusy), then the
    render lock, with the garbage collector's first threshold raised meanwhile."""
    queue = _queue
    if not queue.acquire(blocking=False):
        raise RenderBusy("too many letters are being made right now")
    try:
        with _render_lock:
            threshold = gc.get_threshold()
            gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
            try:
                yield
            finally:
                gc.set_threshold(*threshold)
    finally:
        queue.release()


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
    from weasyprint.urls import (  # noqa: TID251
        FatalURLFetchingError,
        URLFetcher,
        URLFetcherResponse,
    )

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
        from weasyprint import CSS  # noqa: TID251
        from weasyprint.text.fonts import FontConfiguration  # noqa: TID251

        font_config = FontConfiguration()
        url_fetcher = fetcher()
        css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=BASE_URL,
                  url_fetcher=url_fetcher, font_config=font_config)
        _resources = (font_config, css, url_fetcher)
    return _resources


def html_to_pdf(html: str, title: str) -> bytes:
    """Render letter HTML to a tagged PDF (PDF/UA-1) whose metadata holds only the title."""
    with rendering():
        return _finish(_write(html, title))


def render_parts(parts: list[tuple[str, str]]) -> list[bytes]:
    """Render each (html, title) part as its own PDF, one after another, for ``join``
    (which finishes their tagging once, for the whole document)."""
    with rendering():
        return [_write(html, title) for html, title in parts]


def _write(html: str, title: str) -> bytes:
    """Lay out and write one PDF, its tagging not yet finished; call inside ``rendering``."""
    from weasyprint import HTML  # noqa: TID251

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


# An annotation's Print flag (PDF 1.7, 12.5.3): WeasyPrint leaves it off its links.
ANNOTATION_PRINT = 4


def _finish_pdf(pdf_file) -> None:
    """Finish WeasyPrint's tagging for PDF/UA, in an open pikepdf.Pdf.

    * each TH gets a Scope: Column in a header row, Row for a row's first cell
      (Matterhorn 15-003; WeasyPrint links cells to headers but sets no Scope);
    * the running header and page numbers (letter.css margin boxes) are tagged by
      WeasyPrint as content the structure tree never reaches; they become
      pagination artifacts (Matterhorn 01-005);
    * link annotations get the Print flag, so a printed letter and the screen agree;
    * a table row with nothing in it (the incident log's rows left to fill in by hand)
      leaves the structure tree, so a screen reader does not announce a dozen empty
      rows; its ruled lines stay on the page, as artifacts.
    """
    import pikepdf

    reached, blank_rows = set(), []
    for element in _structure(pdf_file):
        reached.add(element.objgen)
        if element.S == "/TR" and all(len(cell.get("/K", ())) == 0 for cell in _kids(element)):
            blank_rows.append(element)
        if element.S != "/TH":
            continue
        row = element.P
        cells = list(row.K) if isinstance(row.K, pikepdf.Array) else [row.K]
        in_head = row.get("/P") is not None and row.P.get("/S") == "/THead"
        column = in_head or all(cell.get("/S") == "/TH" for cell in cells)
        element.A.Scope = pikepdf.Name.Column if column else pikepdf.Name.Row
    for row in blank_rows:
        _remove(row)
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
    for page in pdf_file.pages:
        for annotation in page.get("/Annots", ()):
            annotation.F = int(annotation.get("/F", 0)) | ANNOTATION_PRINT


def _kids(element) -> list:
    """The structure elements directly under an element, in order."""
    import pikepdf

    kids = element.get("/K", ())
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _remove(element) -> None:
    """Take a structure element (and what is under it) out of its parent's kids."""
    import pikepdf

    parent = element.P
    kids = parent.K if isinstance(parent.K, pikepdf.Array) else pikepdf.Array([parent.K])
    parent.K = pikepdf.Array([kid for kid in kids if kid.objgen != element.objgen])


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
