"""Machine checks of a tagged PDF with pikepdf: the Matterhorn Protocol's checkable conditions.

``problems(pdf_bytes)`` returns a list of plain sentences, one per failed check
(empty when the PDF passes). Each check names the Matterhorn checkpoint it covers.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

TEXT_OPS = {"Tj", "TJ", "'", '"'}
PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do"}
LIST_KIDS = {"/LI", "/Caption"}
LI_KIDS = {"/Lbl", "/LBody"}
TABLE_KIDS = {"/TR", "/THead", "/TBody", "/TFoot", "/Caption"}


@dataclass
class Element:
    """One structure element: its type, attributes, children and marked content ids."""

    tag: str
    obj: pikepdf.Dictionary
    page: int | None
    kids: list = field(default_factory=list)
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID) in order


def _kids(obj) -> list:
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def tree(pdf_file: pikepdf.Pdf) -> list[Element]:
    """Return the structure tree's top elements, as Elements."""
    pages = {page.objgen: index for index, page in enumerate(pdf_file.pages)}

    def build(obj, page) -> Element:
        if "/Pg" in obj:
            page = pages.get(obj.Pg.objgen, page)
        element = Element(str(obj.S), obj, page)
        for kid in _kids(obj):
            if isinstance(kid, int):
                element.mcids.append((page, int(kid)))
                element.kids.append(("mcid", page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                element.kids.append(build(kid, page))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcr_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                element.kids.append(("mcid", mcr_page, int(kid.MCID)))
        return element

    return [build(kid, None) for kid in _kids(pdf_file.Root.StructTreeRoot)]


def walk(elements):
    """Yield every Element below these, in document (depth-first) order."""
    for element in elements:
        yield element
        yield from walk([kid for kid in element.kids if isinstance(kid, Element)])


def mcids_in_order(elements, cells_once: bool = False) -> list[tuple[int, int]]:
    """Return every (page, MCID) the tree reaches, in the tree's reading order.

    With ``cells_once``, a table cell gives only its first: a cell is read to its
    end before the next cell on the same row, which starts back at the row's top.
    """
    found = []
    for element in elements:
        mine = []
        for kid in element.kids:
            if isinstance(kid, Element):
                mine += mcids_in_order([kid], cells_once)
            else:
                mine.append((kid[1], kid[2]))
        found += mine[:1] if cells_once and element.tag in ("/TD", "/TH") else mine
    return found


@dataclass
class Marked:
    """What one page's content stream draws, by marked-content sequence."""

    untagged: list[str] = field(default_factory=list)  # operators drawn outside any tag
    paths_in_content: list[int] = field(default_factory=list)  # MCIDs that paint paths
    mcids: list[int] = field(default_factory=list)  # in content order
    positions: dict[int, tuple[float, float]] = field(default_factory=dict)  # MCID -> (x, y)
    fonts: dict[str, set[int]] = field(default_factory=dict)  # font resource -> CIDs shown


def content(page: pikepdf.Page) -> Marked:
    """Read one page's content stream: tags, artifacts, text positions, glyphs shown."""
    marked = Marked()
    stack: list[tuple[str, int | None]] = []
    font = None
    matrix_y = matrix_x = 0.0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            mcid = int(props.MCID) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props \
                else None
            stack.append((str(operands[0]), mcid))
            if mcid is not None:
                marked.mcids.append(mcid)
        elif op == "BMC":
            stack.append((str(operands[0]), None))
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            font = str(operands[0])
        elif op == "Tm":
            matrix_x, matrix_y = float(operands[4]), float(operands[5])
        elif op in ("Td", "TD"):
            matrix_x += float(operands[0])
            matrix_y += float(operands[1])
        elif op in TEXT_OPS or op in PAINT_OPS:
            artifact = any(tag == "/Artifact" for tag, _ in stack)
            mcid = next((m for _, m in reversed(stack) if m is not None), None)
            if not artifact and mcid is None:
                marked.untagged.append(op)
            if op in PAINT_OPS and not artifact and mcid is not None and op != "Do":
                marked.paths_in_content.append(mcid)
            if op in TEXT_OPS:
                if mcid is not None and not artifact:
                    marked.positions.setdefault(mcid, (matrix_x, matrix_y))
                strings = operands[-1]
                items = list(strings) if isinstance(strings, pikepdf.Array) else [strings]
                codes = marked.fonts.setdefault(font, set())
                for item in items:
                    if isinstance(item, pikepdf.String):
                        raw = bytes(item)
                        codes.update(int.from_bytes(raw[i:i + 2], "big")
                                     for i in range(0, len(raw) - 1, 2))
    return marked


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def to_unicode(font: pikepdf.Dictionary) -> dict[int, str]:
    """Return a Type0 font's ToUnicode map: CID -> text."""
    if "/ToUnicode" not in font:
        return {}
    data = font.ToUnicode.read_bytes()
    found = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _BFCHAR.findall(block):
            found[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for low, high, start in _BFRANGE.findall(block):
            base = int(start, 16)
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                found[code] = chr(base + offset)
    return found


def font_problems(pdf_file: pikepdf.Pdf) -> list[str]:
    """Fonts embedded with a Unicode map; no glyph shown is .notdef or unmapped (31-xxx)."""
    found = []
    for number, page in enumerate(pdf_file.pages, 1):
        fonts = page.Resources.get("/Font", {})
        for name, codes in content(page).fonts.items():
            font = fonts[name]
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor")
            if descriptor is None or not any(key in descriptor for key in
                                             ("/FontFile", "/FontFile2", "/FontFile3")):
                found.append(f"page {number}: font {font.get('/BaseFont')} is not embedded")
            unicode = to_unicode(font)
            if 0 in codes:
                found.append(f"page {number}: font {font.get('/BaseFont')} shows .notdef (glyph 0)")
            unmapped = sorted(code for code in codes if code and code not in unicode)
            if unmapped:
                found.append(f"page {number}: font {font.get('/BaseFont')} has glyphs with no "
                             f"Unicode mapping: {unmapped[:10]}")
    return found


def _heading_problems(elements) -> list[str]:
    found = []
    previous = 0
    for element in walk(elements):
        match = re.fullmatch(r"/H([1-6])", element.tag)
        if match:
            level = int(match[1])
            if level > previous + 1:
                found.append(f"heading H{level} follows H{previous or '(none)'}: a level is "
                             "skipped (14-003)")
            previous = level
    return found


def _list_problems(elements) -> list[str]:
    found = []
    for element in walk(elements):
        children = [kid.tag for kid in element.kids if isinstance(kid, Element)]
        if element.tag == "/L" and set(children) - LIST_KIDS:
            found.append(f"a list (L) holds {sorted(set(children) - LIST_KIDS)}, "
                         "not only LI (16-001)")
        if element.tag == "/LI" and set(children) - LI_KIDS:
            found.append(f"a list item (LI) holds {sorted(set(children) - LI_KIDS)}, "
                         "not only Lbl and LBody (16-002)")
        if element.tag in ("/LI", "/LBody", "/Lbl") and element.obj.P.get("/S") not in (
                {"/LI": "/L", "/LBody": "/LI", "/Lbl": "/LI"}[element.tag],):
            found.append(f"{element.tag[1:]} is not inside its list structure (16-001)")
    return found


def _table_problems(elements) -> list[str]:
    found = []
    for element in walk(elements):
        children = {kid.tag for kid in element.kids if isinstance(kid, Element)}
        if element.tag == "/Table" and children - TABLE_KIDS:
            found.append(f"a table holds {sorted(children - TABLE_KIDS)} (15-001)")
        if element.tag == "/TH":
            attributes = element.obj.get("/A")
            scope = attributes.get("/Scope") if attributes is not None else None
            if scope not in (pikepdf.Name.Row, pikepdf.Name.Column, pikepdf.Name.Both):
                found.append("a table header cell (TH) has no Scope (15-003)")
    return found


def problems(data: bytes) -> list[str]:
    """Return every failed check for a tagged PDF, as sentences; empty when it passes."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf_file:
        root = pdf_file.Root
        if not bool(root.get("/MarkInfo", {}).get("/Marked", False)):
            found.append("the document is not marked as tagged (01-002)")
        if not str(root.get("/Lang", "")):
            found.append("the document has no Lang (11-001)")
        if not bool(root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)):
            found.append("DisplayDocTitle is not true (07-002)")
        with pdf_file.open_metadata() as xmp:
            if not xmp.get("dc:title"):
                found.append("the XMP metadata has no dc:title (06-003)")
            if not xmp.get("pdfuaid:part"):
                found.append("the XMP metadata has no PDF/UA identifier (06-002)")
        if "/StructTreeRoot" not in root:
            return found + ["there is no structure tree (01-001)"]
        elements = tree(pdf_file)
        found += _heading_problems(elements) + _list_problems(elements) + _table_problems(elements)
        found += font_problems(pdf_file)
        reached = mcids_in_order(elements)
        if len(set(reached)) != len(reached):
            found.append("a marked-content id is reached twice in the structure tree")
        parent_tree = _parent_tree(root.StructTreeRoot)
        for number, page in enumerate(pdf_file.pages):
            marked = content(page)
            if marked.untagged:
                found.append(f"page {number + 1}: content neither tagged nor an artifact: "
                             f"{sorted(set(marked.untagged))} (01-005)")
            if marked.paths_in_content:
                found.append(f"page {number + 1}: rules or boxes drawn inside tagged content "
                             "instead of as artifacts")
            in_tree = [mcid for page_index, mcid in reached if page_index == number]
            if sorted(in_tree) != sorted(marked.mcids):
                found.append(f"page {number + 1}: the structure tree does not reach every "
                             "tagged piece of content (01-005)")
            reading = [mcid for page_index, mcid in mcids_in_order(elements, cells_once=True)
                       if page_index == number]
            if _visual_order_problem(reading, marked):
                found.append(f"page {number + 1}: the reading order jumps back up the page "
                             "(09-001)")
            key = page.get("/StructParents")
            if marked.mcids and key is None:
                found.append(f"page {number + 1}: no StructParents")
            elif key is not None:
                entries = parent_tree.get(int(key))
                if entries is None or len(entries) < len(marked.mcids):
                    found.append(f"page {number + 1}: the ParentTree has no entry for every "
                                 "marked-content id")
    return found


def _visual_order_problem(in_tree: list[int], marked: Marked) -> bool:
    """True when, in reading order, text moves back up the page by more than two lines.

    WeasyPrint draws in a flipped space (y grows down the page), so reading order
    should see y grow, or stay on a line while x grows.
    """
    positions = [marked.positions[mcid] for mcid in in_tree if mcid in marked.positions]
    lowest = None
    for _, y in positions:
        if lowest is not None and y < lowest - 30:  # 30 units is about two lines
            return True
        lowest = y if lowest is None else max(lowest, y)
    return False


def _parent_tree(struct_root) -> dict[int, list]:
    nums = list(struct_root.ParentTree.get("/Nums", []))
    return {int(key): list(value) if isinstance(value, pikepdf.Array) else [value]
            for key, value in zip(nums[::2], nums[1::2], strict=True)}
