"""Reading users' files: encodings, .docx, .html, stdin, and one-line errors for bad input."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.reader import read_document

REPO = Path(__file__).resolve().parents[1]

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


# ---- bounded .docx / .xlsx reading, entities, standard input (issue 18, items 3, 4, 7, 8) -------

def _docx_bytes(*paragraphs: str) -> bytes:
    import io

    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, edit) -> bytes:  # noqa: ANN001
    """The zip ``data`` with word/document.xml replaced by ``edit(its text)`` (bytes or a
    callable writing into the member: a large one is streamed)."""
    import io

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "word/document.xml":
                result = edit(body.decode("utf-8"))
                if callable(result):
                    with z.open(info.filename, "w", force_zip64=True) as fh:
                        result(fh)
                    continue
                body = result
            z.writestr(info.filename, body)
    return out.getvalue()


def _bomb(unpacked_mb: int) -> bytes:
    """A .docx whose document.xml unpacks to ``unpacked_mb`` MB of one repeated paragraph."""
    def edit(xml: str):  # noqa: ANN202
        head, _, tail = xml.partition("<w:body>")

        def write(fh) -> None:  # noqa: ANN001
            fh.write((head + "<w:body>").encode())
            chunk = b"<w:p/>" * (2**20 // 6)
            for _ in range(unpacked_mb):
                fh.write(chunk)
            fh.write(tail.encode())

        return write

    return _rezip(_docx_bytes("工作汇报"), edit)


@pytest.mark.parametrize("unpacked_mb, message", [(40, "解压后过大"), (4, "压缩比异常")])
def test_a_zip_bomb_docx_is_refused_before_unpacking(tmp_path: Path, unpacked_mb: int, message: str) -> None:
    import time

    p = tmp_path / "bomb.docx"
    p.write_bytes(_bomb(unpacked_mb))
    assert p.stat().st_size < 200_000
    start = time.perf_counter()
    with pytest.raises(InputError, match=message) as err:
        read_document(p)
    assert time.perf_counter() - start < 2 and "\n" not in str(err.value)


def test_a_zip_bomb_xlsx_is_refused_before_unpacking(tmp_path: Path) -> None:
    from assistant.fill.data import load_data

    p = tmp_path / "data.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            for _ in range(40):
                fh.write(b" " * 2**20)
    with pytest.raises(InputError, match="解压后过大"):
        load_data(p)


def test_an_ordinary_docx_is_within_the_limits(tmp_path: Path) -> None:
    p = tmp_path / "r.docx"
    p.write_bytes(_docx_bytes(*[f"第{i}段：全镇共排查返乡人员{i}名，均已登记在册。" * 5 for i in range(3000)]))
    assert len(read_document(p).text.splitlines()) == 3000


def test_an_external_entity_is_not_read_and_the_text_after_it_is_kept(tmp_path: Path, cli) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")

    def edit(xml: str) -> bytes:
        xml = xml.replace("?>", f'?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>', 1)
        return xml.replace("QQQ", "&xxe;").encode("utf-8")

    p = tmp_path / "xxe.docx"
    p.write_bytes(_rezip(_docx_bytes("疫情防控工作汇报", "本村QQQ户，其中共排查xx户返乡人员。"), edit))
    text = read_document(p).text
    assert text.splitlines() == ["疫情防控工作汇报", "本村户，其中共排查xx户返乡人员。"]
    assert "机密" not in text
    r = cli("check", str(p), "--format", "json")
    assert r.exit_code == 1
    assert "xx" in [f["text"] for f in __import__("json").loads(r.stdout)["files"][0]["findings"]]


def test_standard_input_is_read_once_and_shared(cli, tmp_path: Path) -> None:
    """draft --like - looks at the file before it uses it: both get the same bytes."""
    report = (REPO / "tests" / "data" / "fill" / "13-school" / "report.txt").read_bytes()
    r = cli("draft", "--unit", "school", "--like", "-", "-o", "-", "--corpus", str(REPO / "corpus"), input=report)
    assert r.exit_code in (0, 1), r.stderr
    assert "空文件" not in r.stderr and r.stdout.strip()


def test_a_closed_standard_input_is_an_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match="标准输入已关闭"):
        read_document("-")


def test_closed_standard_input_end_to_end(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(REPO))
    report = str(REPO / "tests" / "data" / "fill" / "13-school" / "report.txt")
    for args in (["check", "-"], ["outline", "-", "--no-kinds"], ["fill", report, "--data", "new.yaml", "-i"]):
        r = subprocess.run([sys.executable, "-c", "from assistant.entry import main; main()", *args],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, cwd=tmp_path,
                           preexec_fn=lambda: os.close(0))
        assert r.returncode == 2, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "标准输入已关闭" in r.stderr, r.stderr
