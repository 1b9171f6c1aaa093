"""A Word file in the layout of GB/T 9704-2012 (党政机关公文格式), from a rendered draft.

The text comes from the draft's template (``report.docx.j2`` if there is one, else
``report.txt.j2``), so a user's template shapes the Word file too. Its lines are read
back as blocks: the first line is the title; ``一、`` ``（一）`` ``1.`` lines are headings
of levels 1–3; a date line at the end (成文日期) and the short line before it (署名)
are set right; everything else is a body paragraph.

The page and font settings are data (``gbt9704.toml``). python-docx's default
template is US Letter and names only the Latin font of a run, so this module sets A4,
the margins and the line grid itself, and writes ``w:eastAsia`` (and the Latin names)
on the rFonts of the document defaults, of every style it uses and of every run.
Theme font attributes, which would override the names, are removed.

The result is the same bytes for the same text: no timestamps in the package (the
zip entries get a fixed date, the core properties no created/modified dates).
"""

from __future__ import annotations

import functools
import io
import math
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

PRESET = Path(__file__).with_name("gbt9704.toml")
_MM_PER_PT = 25.4 / 72
_DATE_LINE = re.compile(
    r"^(?:\d{4}|20[xX×*]{2}|[xX×*＊]{2,4}|[〇零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*[日号]$")
_SENTENCE_PUNCT = re.compile(r"[。；;，,：:！？!?]")


@functools.lru_cache(maxsize=4)
def load_preset(path: Path = PRESET) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass
class Block:
    kind: str  # title, h1, h2, h3, body, signer, date
    text: str
    rest: str = ""  # body text on the same line as a heading


def blocks(text: str) -> list[Block]:
    """The rendered draft's lines as title, headings, body paragraphs, signature and date."""
    from assistant import outline

    lines = [ln.strip().lstrip("#").strip() if ln.lstrip().startswith("#") else ln.strip()
             for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return []
    out = [Block("title", lines[0])]
    tail: list[Block] = []
    body = lines[1:]
    if body and _DATE_LINE.match(body[-1]):
        tail.append(Block("date", body.pop()))
        if body and len(body[-1]) <= 30 and not _SENTENCE_PUNCT.search(body[-1]) and outline.match_heading(body[-1]) is None:
            tail.insert(0, Block("signer", body.pop()))
    levels = {"ordinal_part": "h1", "cn": "h1", "paren_cn": "h2", "ordinal": "h2", "arabic": "h3"}
    for ln in body:
        h = outline.match_heading(ln)
        kind = (("h1" if h.number.endswith("部分") else levels.get(h.style)) if h is not None else None)
        if kind is None:
            out.append(Block("body", ln))
            continue
        if h.rest:
            head_len = len(ln) - len(h.rest)
            out.append(Block(kind, ln[:head_len].rstrip(), h.rest))
        else:
            out.append(Block(kind, ln))
    return out + tail


# ---- low-level XML helpers -----------------------------------------------------------------

def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def set_fonts(rpr: Any, name: str) -> None:
    """Name ``name`` for every script on an rPr element (East Asian included), no theme fonts."""
    rfonts = rpr.get_or_add_rFonts()
    for attr in _THEME_ATTRS:
        rfonts.attrib.pop(_qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(_qn(attr), name)


def _style_font(style: Any, spec: dict, bold: bool = False) -> None:
    from docx.shared import Pt, RGBColor

    rpr = style.element.get_or_add_rPr()
    for child in list(rpr):
        rpr.remove(child)
    style.font.size = Pt(spec["size_pt"])
    style.font.bold = bool(spec.get("bold", bold))
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    set_fonts(rpr, spec["name"])


def _condense(style: Any, twips: int) -> None:
    """Character spacing of a style in twentieths of a point (negative: condensed)."""
    if twips >= 0:
        return
    from docx.oxml import OxmlElement

    rpr = style.element.get_or_add_rPr()
    spacing = rpr.find(_qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        # schema order: spacing comes before these (Word rejects elements out of order)
        later = {_qn(f"w:{t}") for t in ("w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
                                          "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
                                          "eastAsianLayout", "specVanish", "oMath")}
        nxt = next((child for child in rpr if child.tag in later), None)
        if nxt is None:
            rpr.append(spacing)
        else:
            nxt.addprevious(spacing)
    spacing.set(_qn("w:val"), str(twips))


def _run(paragraph: Any, text: str, spec: dict) -> Any:
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.font.size = Pt(spec["size_pt"])
    run.font.bold = bool(spec.get("bold", False))
    run.font.name = spec["name"]
    set_fonts(run._element.get_or_add_rPr(), spec["name"])
    return run


def _first_line_chars(paragraph_format: Any, chars: int, size_pt: float) -> None:
    from docx.shared import Pt

    paragraph_format.first_line_indent = Pt(chars * size_pt)
    ind = paragraph_format._element.get_or_add_pPr().get_or_add_ind()
    ind.set(_qn("w:firstLineChars"), str(chars * 100))


# ---- the document ----------------------------------------------------------------------------

def build_docx(text: str, title: Optional[str] = None, preset: Optional[dict] = None) -> bytes:
    """The .docx bytes for a rendered draft."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    p = preset or load_preset()
    page, fonts, layout = p["page"], p["fonts"], p["layout"]
    document = docx.Document()

    # page: A4, margins, line grid of lines_per_page × chars_per_line
    section = document.sections[0]
    section.page_width, section.page_height = Mm(page["width_mm"]), Mm(page["height_mm"])
    section.top_margin, section.bottom_margin = Mm(page["top_mm"]), Mm(page["bottom_mm"])
    section.left_margin, section.right_margin = Mm(page["left_mm"]), Mm(page["right_mm"])
    section.header_distance, section.footer_distance = Mm(page["header_mm"]), Mm(page["footer_mm"])
    text_height_pt = (page["height_mm"] - page["top_mm"] - page["bottom_mm"]) / _MM_PER_PT
    text_width_pt = (page["width_mm"] - page["left_mm"] - page["right_mm"]) / _MM_PER_PT
    pitch_pt = math.floor(text_height_pt * 20 / page["lines_per_page"]) / 20  # 28.95 pt: 22 lines fit
    body = fonts["body"]
    char_pitch = text_width_pt / page["chars_per_line"]
    grid = section._sectPr.find(_qn("w:docGrid"))
    if grid is None:
        from docx.oxml import OxmlElement

        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    # No snapping grid: the lines per page come from an exact line spacing of one pitch
    # (22 × 28.95 pt fill the 225 mm text block), the characters per line from a condensed
    # character spacing (28 × 15.75 pt fit the 156 mm line). With a character grid
    # LibreOffice gives a full-width character wider than the pitch two cells, and with a
    # line grid it gives the 22 pt title two lines.
    for attr in ("w:type", "w:charSpace"):
        grid.attrib.pop(_qn(attr), None)
    grid.set(_qn("w:linePitch"), str(round(pitch_pt * 20)))
    condense_twips = math.floor((char_pitch - body["size_pt"]) * 20)  # e.g. -5 (-0.25 pt)

    # document defaults and styles: every one with its East Asian font named
    styles = document.styles
    defaults = styles.element.find(_qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(_qn("w:rPrDefault") + "/" + _qn("w:rPr"))
        if rpr is not None:
            set_fonts(rpr, body["name"])
            lang = rpr.find(_qn("w:lang"))
            if lang is not None:
                lang.set(_qn("w:eastAsia"), "zh-CN")
    normal = styles["Normal"]
    _style_font(normal, body)
    _condense(normal, condense_twips)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(pitch_pt)
    pf.space_before = pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.widow_control = False

    def para_style(name: str, spec: dict, outline_level: Optional[int]) -> Any:
        style = styles[name]
        ppr = style.element.get_or_add_pPr()
        for child in list(ppr):
            ppr.remove(child)
        _style_font(style, spec)
        f = style.paragraph_format
        f.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        f.line_spacing = Pt(pitch_pt)
        f.space_before = f.space_after = Pt(0)
        f.keep_with_next = outline_level is not None
        if outline_level is not None:
            ppr.get_or_add_outlineLvl().set(_qn("w:val"), str(outline_level))
        return style

    title_style = para_style("Title", fonts["title"], None)
    title_style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading_styles = {f"h{i}": para_style(f"Heading {i}", fonts[f"heading{i}"], i - 1) for i in (1, 2, 3)}
    for st in heading_styles.values():
        _condense(st, condense_twips)
        st.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        _first_line_chars(st.paragraph_format, layout["first_line_chars"], body["size_pt"])
    footer_style = styles["Footer"]
    _style_font(footer_style, fonts["page_number"])

    # the content
    parts = blocks(text)
    date = next((b.text for b in parts if b.kind == "date"), "")
    first_tail = next((b for b in parts if b.kind in ("signer", "date")), None)
    for b in parts:
        if b.kind == "title":
            par = document.add_paragraph(style=title_style)
            _run(par, b.text, fonts["title"])
            document.add_paragraph(style=normal)  # 标题下空一行
        elif b.kind in heading_styles:
            par = document.add_paragraph(style=heading_styles[b.kind])
            _run(par, b.text, fonts[f"heading{b.kind[1]}"])
            if b.rest:
                _run(par, b.rest, body)
        elif b.kind == "body":
            par = document.add_paragraph(style=normal)
            _first_line_chars(par.paragraph_format, layout["first_line_chars"], body["size_pt"])
            _run(par, b.text, body)
        else:  # signer, date: set right, after an empty line
            if b is first_tail:
                document.add_paragraph(style=normal)
            par = document.add_paragraph(style=normal)
            par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            par.paragraph_format.right_indent = Pt(_signature_indent(b, date, layout) * body["size_pt"])
            _run(par, b.text, body)

    # page numbers: — 1 —, odd pages right, even pages left, one character in
    document.settings.odd_and_even_pages_header_footer = True
    pn = fonts["page_number"]
    indent = Pt(layout["page_number_indent_chars"] * pn["size_pt"])
    dash = layout["page_number_dash"]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        par = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        par.style = footer_style
        par.paragraph_format.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            par.paragraph_format.right_indent = indent
        else:
            par.paragraph_format.left_indent = indent
        _page_field(par, pn, dash)

    # properties without timestamps
    cp = document.core_properties
    cp.title = title or next((b.text for b in parts if b.kind == "title"), "")
    cp.author = ""
    cp.last_modified_by = ""
    cp.revision = 1
    for tag in ("dcterms:created", "dcterms:modified"):
        el = cp._element.find(_qn(tag))
        if el is not None:
            cp._element.remove(el)
    buf = io.BytesIO()
    document.save(buf)
    return stable_zip(buf.getvalue())


def _signature_indent(b: Block, date: str, layout: dict) -> float:
    """Right indent in characters: the date four characters in, the signer centred over it."""
    right = float(layout["signature_right_chars"])
    if b.kind == "date":
        return right
    return max(right + (_width(date) - _width(b.text)) / 2, 0.0)


def _width(s: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in s)


def _page_field(paragraph: Any, spec: dict, dash: str) -> None:
    """``— PAGE —`` with a real PAGE field (Word and LibreOffice fill in the number)."""
    from docx.oxml import OxmlElement

    _run(paragraph, f"{dash} ", spec)
    for kind, instr in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = _run(paragraph, "", spec)
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(_qn("w:fldCharType"), kind)
            run._element.append(fld)
        elif instr == " PAGE ":
            it = OxmlElement("w:instrText")
            it.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            it.text = instr
            run._element.append(it)
        else:
            run.text = instr
    _run(paragraph, f" {dash}", spec)


def stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry dates and modes (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, src.read(info.filename))
    return out.getvalue()
