"""A letter's HTML as plain text, for email and web forms: one source with its PDF.

The text is made from the very HTML the PDF is printed from (``letters.render_html``),
so any letter kind, and any change to a letter's template, has its text version at
once. A small deliberate converter reads the letters' semantic HTML:

* headings, paragraphs, blocks and list items each become their own paragraph;
  an h1 is underlined with "=" and an h2 with "-";
* items of ``ol`` are numbered and of ``ul`` bulleted, as they print (a list whose
  class is in ``UNMARKED_LISTS`` prints no markers, and has none here either);
* a table row becomes "Header: cell" lines under the column headers, or its cells
  joined by " | "; a table with no filled row is its header row;
* a ``strong.label`` ends with ": " so that "Link: https://..." reads as one line;
* an element of class ``address`` keeps its line breaks (``white-space: pre-line``
  in letter.css); everything else has its white space folded, as HTML does;
* an empty ``.signature-line`` is a line to sign on;
* the paragraphs of a block whose class is in ``COMPACT`` (the sender, the
  recipient, the signature) are the lines of one paragraph.

Entities are decoded, so the text holds exactly what was typed and no markup; the
page header's wording (letter.css) is the text's first line, and the subject is
the letter's first heading with the case reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

BLOCKS = {"p", "div", "section", "h1", "h2", "h3", "h4", "h5", "h6", "li", "caption",
          "dt", "dd", "table", "ul", "ol", "dl", "tr", "blockquote", "body"}
UNMARKED_LISTS = {"places"}
# Blocks whose paragraphs are lines of one address-like block, without blank lines between.
COMPACT = {"sender", "recipient", "signature"}
VOID = {"meta", "br", "hr", "img", "link", "input", "wbr"}
UNDERLINES = {"h1": "=", "h2": "-"}
SIGNATURE_LINE = "_" * 40
_SPACES = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True, slots=True)
class Text:
    """A letter as text: the subject line for an email and the body to paste."""

    subject: str
    text: str


@dataclass(slots=True)
class _Table:
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    row: list[str] | None = None
    in_head: bool = False


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.buffer: list[str] = []
        self.stack: list[tuple[str, set[str]]] = []
        self.lists: list[list] = []  # [tag, next number, marked]
        self.tables: list[_Table] = []
        self.cell: list[str] | None = None
        self.skip = 0
        self.compact: list[int] = []  # where each open COMPACT block's paragraphs start
        self.title = ""
        self.first_heading = ""
        self.reference = ""

    # --- helpers ---------------------------------------------------------------

    def _preformatted(self) -> bool:
        return any("address" in classes for _, classes in self.stack)

    def _flush(self) -> None:
        raw = "".join(self.buffer)
        self.buffer = []
        lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.paragraphs.append(text)

    def _out(self, text: str) -> None:
        if self.cell is not None:
            self.cell.append(text)
        else:
            self.buffer.append(text)

    # --- parser callbacks ------------------------------------------------------------

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = set((attributes.get("class") or "").split())
        if tag == "body" and attributes.get("data-reference"):
            self.reference = attributes["data-reference"]
        if tag in ("head", "style", "script"):
            self.skip += 1
        if tag in BLOCKS and self.cell is None:
            self._flush()
        if tag not in VOID:
            self.stack.append((tag, classes))
        if classes & COMPACT:
            self.compact.append(len(self.paragraphs))
        if tag in ("ol", "ul"):
            self.lists.append([tag, 1, not classes & UNMARKED_LISTS])
        elif tag == "li" and self.lists and self.cell is None:
            kind, number, marked = self.lists[-1]
            if marked:
                self.buffer.append(f"{number}. " if kind == "ol" else "• ")
            self.lists[-1][1] += 1
        elif tag == "table":
            self.tables.append(_Table())
        elif tag == "thead" and self.tables:
            self.tables[-1].in_head = True
        elif tag == "tr" and self.tables:
            self.tables[-1].row = []
        elif tag in ("td", "th") and self.tables:
            self.cell = []
        elif tag == "br":
            self._out("\n")
        elif tag == "div" and "signature-line" in classes:
            self.paragraphs.append(SIGNATURE_LINE)

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, classes = self.stack.pop()
            self._close(open_tag, classes)
            if open_tag == tag:
                break

    def _close(self, tag, classes):
        if classes & COMPACT and self.compact:
            self._flush()
            start = self.compact.pop()
            self.paragraphs[start:] = ["\n".join(self.paragraphs[start:])] * (
                len(self.paragraphs) > start)
        if tag in ("head", "style", "script"):
            self.skip -= 1
        elif tag == "strong" and "label" in classes:
            self._out(": ")
        elif tag in ("td", "th") and self.tables and self.cell is not None:
            text = _SPACES.sub(" ", "".join(self.cell)).strip()
            self.cell = None
            if self.tables[-1].row is not None:
                self.tables[-1].row.append(text)
        elif tag == "tr" and self.tables and self.tables[-1].row is not None:
            table = self.tables[-1]
            (table.head if table.in_head else table.rows).append(table.row)
            table.row = None
        elif tag == "thead" and self.tables:
            self.tables[-1].in_head = False
        elif tag == "table" and self.tables:
            self._flush()
            self.paragraphs.extend(_table_text(self.tables.pop()))
        elif tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in BLOCKS and self.cell is None:
            heading = tag in UNDERLINES
            self._flush()
            if heading and self.paragraphs:
                text = self.paragraphs[-1]
                self.first_heading = self.first_heading or text
                self.paragraphs[-1] = f"{text}\n{UNDERLINES[tag] * len(text)}"

    def handle_data(self, data):
        if self.skip:
            if self.stack and self.stack[-1][0] == "title":
                self.title += data
            return
        if not self._preformatted():
            data = data.replace("\n", " ")
        self._out(data)


def _table_text(table: _Table) -> list[str]:
    """Return a table as paragraphs: one per filled row, or the header row if none is."""
    head = table.head[0] if table.head else []
    filled = [row for row in table.rows if any(row)]
    if not filled:
        return [" | ".join(head)] if head else []
    if head and all(len(row) == len(head) for row in filled):
        return ["\n".join(f"{name}: {cell}" for name, cell in zip(head, row, strict=True))
                for row in filled]
    return [" | ".join(row) for row in filled]


def to_text(html: str) -> Text:
    """Return a letter's HTML document as plain text and its subject line."""
    converter = _Converter()
    converter.feed(html)
    converter.close()
    while converter.stack:
        converter.handle_endtag(converter.stack[-1][0])
    converter._flush()
    reference = converter.reference
    header = f"Private and confidential · Case reference {reference}" if reference else ""
    body = "\n\n".join(([header] if header else []) + converter.paragraphs)
    heading = converter.first_heading or _SPACES.sub(" ", converter.title).strip()
    subject = f"{heading} – reference {reference}" if reference else heading
    return Text(subject=subject, text=body + "\n")
