"""``assist draft -o X.docx``: GB/T 9704-2012 layout, read back with python-docx."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"

_CACHE: dict[str, bytes] = {}


def school_docx(cli, tmp_path: Path) -> Path:
    out = tmp_path / "汇报.docx"
    if "school" not in _CACHE:
        r = cli("draft", "--unit", "school", "--corpus", str(CORPUS), "-o", str(out))
        assert r.exit_code == 0, r.stderr
        _CACHE["school"] = out.read_bytes()
    else:
        out.write_bytes(_CACHE["school"])
    return out


def east_asia(element) -> str | None:
    from docx.oxml.ns import qn

    rpr = element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_gbt9704_margins(cli, tmp_path: Path) -> None:
    import docx
    d = docx.Document(str(school_docx(cli, tmp_path)))
    s = d.sections[0]
    assert (s.page_width.twips, s.page_height.twips) == (11906, 16838)  # A4, not python-docx's US Letter
    for got, mm in ((s.top_margin, 37), (s.bottom_margin, 35), (s.left_margin, 28), (s.right_margin, 26)):
        assert abs(got.mm - mm) < 0.05, (got.mm, mm)


def test_fonts_are_set_for_east_asian_text_on_styles_and_runs(cli, tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(school_docx(cli, tmp_path)))
    want = {"Normal": ("仿宋_GB2312", 16), "Title": ("方正小标宋简体", 22), "Heading 1": ("黑体", 16),
            "Heading 2": ("楷体_GB2312", 16), "Heading 3": ("仿宋_GB2312", 16), "Footer": ("宋体", 14)}
    for name, (font, size) in want.items():
        style = d.styles[name]
        assert east_asia(style.element) == font, name
        assert style.font.size.pt == size and style.font.name == font
        rfonts = style.element.find(qn("w:rPr")).find(qn("w:rFonts"))
        assert not any(k.endswith("Theme") for k in rfonts.attrib), name  # theme fonts would win
    paras = [p for p in d.paragraphs if p.text.strip()]
    assert paras[0].style.name == "Title" and paras[0].text.startswith("××学校")
    assert paras[0].alignment is None or paras[0].style.paragraph_format.alignment == 1  # centred (style)
    headings = [p for p in paras if p.style.name == "Heading 1"]
    assert [p.text[:2] for p in headings][:3] == ["一、", "二、", "三、"]
    for p in paras:
        for run in p.runs:
            expected = want[p.style.name][0]
            assert east_asia(run._element) == expected, (p.style.name, run.text)
    body = [p for p in paras if p.style.name == "Normal"]
    assert body[-1].text == "20xx年x月x日" and body[-1].alignment == 2  # date set right
    # line pitch: 22 lines on the 225 mm text block
    assert abs(d.styles["Normal"].paragraph_format.line_spacing.pt * 22 - 225 / 25.4 * 72) < 1.5


def test_page_number_field_in_footers(cli, tmp_path: Path) -> None:
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(school_docx(cli, tmp_path)))
    s = d.sections[0]
    assert d.settings.odd_and_even_pages_header_footer
    for footer, align in ((s.footer, 2), (s.even_page_footer, 0)):
        p = footer.paragraphs[0]
        xml = p._p.xml
        assert "PAGE" in "".join(t.text or "" for t in p._p.iter(qn("w:instrText")))
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert p.alignment == align
        assert all(east_asia(r._element) == "宋体" and r.font.size.pt == 14 for r in p.runs)


def test_same_inputs_same_bytes(cli, tmp_path: Path) -> None:
    first = school_docx(cli, tmp_path).read_bytes()
    again = tmp_path / "again.docx"
    r = cli("draft", "--unit", "school", "--corpus", str(CORPUS), "-o", str(again))
    assert r.exit_code == 0
    assert again.read_bytes() == first


def test_blocks_of_a_rendered_text() -> None:
    from assistant.draft.docx import blocks

    text = "标题\n\n开头。\n一、组织领导\n正文。\n（一）细项\n1.小项。正文接着写\n结尾。\n\n××学校\n20xx年x月x日\n"
    got = [(b.kind, b.text, b.rest) for b in blocks(text)]
    assert got == [("title", "标题", ""), ("body", "开头。", ""), ("h1", "一、组织领导", ""), ("body", "正文。", ""),
                   ("h2", "（一）细项", ""), ("h3", "1.小项。", "正文接着写"), ("body", "结尾。", ""),
                   ("signer", "××学校", ""), ("date", "20xx年x月x日", "")]


def _office() -> str | None:
    return shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.skipif(_office() is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_it_to_pdf(cli, tmp_path: Path) -> None:
    src = school_docx(cli, tmp_path)
    profile = tmp_path / "lo-profile"
    env = dict(os.environ, HOME=str(tmp_path))
    subprocess.run([_office(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "pdf"), str(src)],
                   check=True, capture_output=True, timeout=180, env=env)
    pdf = (tmp_path / "pdf" / "汇报.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)
    assert len(boxes) >= 2  # a full draft runs over more than one page
