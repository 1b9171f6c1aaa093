"""Reading users' files: encodings, .docx, .html, stdin, and one-line errors for bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.reader import read_document

TEXT = "关于疫情防控工作的情况汇报\n一、加强组织领导。成立领导小组，共排查xx户。\n"


def test_utf8_gbk_gb18030_and_bom(tmp_path: Path) -> None:
    for enc in ("utf-8", "gbk", "gb18030", "utf-8-sig"):
        p = tmp_path / f"r-{enc}.txt"
        p.write_bytes(TEXT.encode(enc))
        doc = read_document(p)
        assert doc.text == TEXT, enc
    assert read_document(tmp_path / "r-gbk.txt").encoding == "gb18030"


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("关于疫情防控工作的情况汇报")
    d.add_paragraph("一、加强组织领导")
    table = d.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "排查户数"
    table.rows[0].cells[1].text = "120"
    p = tmp_path / "r.docx"
    d.save(p)
    doc = read_document(p)
    assert doc.fmt == "docx"
    assert doc.text.splitlines() == ["关于疫情防控工作的情况汇报", "一、加强组织领导", "排查户数\t120"]


def test_html_keeps_blocks_drops_scripts(tmp_path: Path) -> None:
    p = tmp_path / "r.html"
    p.write_text("<html><head><script>var x=1;</script><title>汇报</title></head><body>"
                 "<p>一、加强领导</p><div>二、强化宣传&nbsp;引导</div></body></html>", encoding="utf-8")
    lines = read_document(p).text.splitlines()
    assert lines == ["汇报", "一、加强领导", "二、强化宣传\xa0引导"]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.txt", None, "文件不存在"),
        ("empty.txt", b"   \n", "空文件"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "二进制"),
        ("bad.docx", "不是 zip".encode(), "不是有效的 .docx"),
        ("odd.txt", bytes(range(128, 256)) * 40, "编码无法识别"),
        ("x.pdf", b"%PDF-1.4", "不支持的文件类型"),
    ],
)
def test_bad_input_is_one_input_error(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(InputError) as exc:
        read_document(p)
    assert message in str(exc.value)
    assert "\n" not in str(exc.value)


def test_directory_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "d.txt"
    d.mkdir()
    with pytest.raises(InputError, match="是文件夹"):
        read_document(d)


def test_docx_that_is_a_zip_but_not_word(tmp_path: Path) -> None:
    p = tmp_path / "z.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    with pytest.raises(InputError, match="无法作为 .docx 读取"):
        read_document(p)
