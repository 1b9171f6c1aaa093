"""Reading input files of every kind users have: .txt .md .html .docx or stdin.

Text files may be UTF-8 (with or without BOM), GBK/GB18030, or another
encoding that charset detection recognises. Every failure is an
``InputError`` with a one-line Chinese message.

Quick to import (``assist check`` starts with it): the modules for HTML and
.docx load only when such a file is read.
"""

from __future__ import annotations

import os
import re
import sys

from assistant.errors import InputError

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES


class Document:
    """A file as read: its text (as written, not normalised) and how it was read.

    Compared by value like a dataclass (written out by hand: quicker to import)."""

    __slots__ = ("path", "text", "encoding", "fmt")
    __match_args__ = __slots__

    def __init__(self, path: str, text: str, encoding: str, fmt: str) -> None:
        self.path = path  # as given by the user ("-" for stdin)
        self.text = text
        self.encoding = encoding  # "utf-8", "gb18030", "docx", ...
        self.fmt = fmt  # "txt", "md", "html" or "docx"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return (self.path, self.text, self.encoding, self.fmt) == \
                (other.path, other.text, other.encoding, other.fmt)  # type: ignore[attr-defined]
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (f"Document(path={self.path!r}, text={self.text!r}, encoding={self.encoding!r}, "
                f"fmt={self.fmt!r})")


def _cjk_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    letters = sum(1 for ch in sample if not ch.isspace())
    return cjk / max(letters, 1)


def decode_bytes(data: bytes, name: str = "输入") -> tuple[str, str]:
    """Decode raw bytes of a text file; return (text, encoding).

    Order: BOMs, strict UTF-8, strict GB18030 (a superset of GBK/GB2312) when the
    result looks like Chinese, then charset detection. Binary or undecodable
    data raises ``InputError``.
    """
    if not data.strip():
        raise InputError(f"{name} 是空文件")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"{name} 的 UTF-16 编码已损坏") from exc
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} 是二进制文件，不是文本")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _cjk_ratio(text) >= 0.2:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # lazy: only for odd files

    best = from_bytes(data).best()
    if best is not None:
        text = str(best)
        if _cjk_ratio(text) >= 0.2 or (text.isascii() and text.isprintable()):
            return text, best.encoding
    raise InputError(f"{name} 的编码无法识别（支持 UTF-8、GBK/GB18030）")


_html_parser_class = None


def _html_text_parser():
    """A parser that collects the visible text of an HTML page with block
    elements as line breaks (the class is made on first use: html.parser is
    slow to import)."""
    global _html_parser_class
    if _html_parser_class is None:
        import html.parser

        class _HTMLText(html.parser.HTMLParser):
            BLOCK = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                     "section", "article", "header", "footer", "table", "ul", "ol", "dd", "dt", "title"}
            SKIP = {"script", "style", "noscript", "template"}

            def __init__(self) -> None:
                super().__init__(convert_charrefs=True)
                self.parts: list[str] = []
                self._skip = 0

            def handle_starttag(self, tag: str, attrs) -> None:  # noqa: ANN001
                if tag in self.SKIP:
                    self._skip += 1
                elif tag in self.BLOCK:
                    self.parts.append("\n")

            def handle_endtag(self, tag: str) -> None:
                if tag in self.SKIP:
                    self._skip = max(0, self._skip - 1)
                elif tag in self.BLOCK:
                    self.parts.append("\n")

            def handle_data(self, data: str) -> None:
                if not self._skip:
                    self.parts.append(data)

        _html_parser_class = _HTMLText
    return _html_parser_class()


def html_to_text(markup: str) -> str:
    import html

    parser = _html_text_parser()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts))
    text = re.sub(r"[ \t\u3000]*\n[ \t\u3000\n]*", "\n", text)
    return text.strip() + "\n"


# Limits on a zipped Office file (.docx, .xlsx), checked on the zip's directory before anything
# is unpacked: a "zip bomb" (a small file that unpacks to gigabytes) is refused at once. A
# report of a few hundred pages is far below them.
ZIP_MAX_TOTAL = 128 * 2**20  # bytes, all members unpacked
ZIP_MAX_MEMBER = 32 * 2**20  # bytes, any one member (its XML is parsed whole)
ZIP_MAX_RATIO = 100  # unpacked / packed size of a member over ZIP_RATIO_FROM bytes
ZIP_RATIO_FROM = 2**20
ZIP_MAX_MEMBERS = 10_000


def check_zip(data: bytes, name: str, kind: str = ".docx") -> None:
    """Refuse a zip whose members would unpack too large (``InputError``), from the sizes
    in its directory alone (zipfile never unpacks more than a member's stated size)."""
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise InputError(f"{name} 不是有效的 {kind} 文件（zip 结构已损坏）") from None
    if len(infos) > ZIP_MAX_MEMBERS:
        raise InputError(f"{name} 不像 {kind} 文件：其中有 {len(infos)} 个部件（上限 {ZIP_MAX_MEMBERS}）")
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > ZIP_MAX_MEMBER or total > ZIP_MAX_TOTAL:
            raise InputError(f"{name} 解压后过大（{info.filename} 为 {size // 2**20} MB，"
                             f"单个部件上限 {ZIP_MAX_MEMBER // 2**20} MB、总计上限 {ZIP_MAX_TOTAL // 2**20} MB），"
                             "可能是恶意构造的压缩文件，未读取")
        if size > ZIP_RATIO_FROM and size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise InputError(f"{name} 的压缩比异常（{info.filename} 压缩了 {size // max(info.compress_size, 1)} 倍，"
                             f"上限 {ZIP_MAX_RATIO} 倍），可能是恶意构造的压缩文件，未读取")


def _drop_entities(element) -> None:  # noqa: ANN001
    """Remove the entity references lxml keeps (python-docx parses with resolve_entities=False:
    an entity such as ``&xxe;`` is never expanded, so nothing from outside the file gets in),
    keeping the text that follows each one, which lxml hangs on the reference as its tail
    and python-docx would otherwise drop."""
    from lxml import etree

    for ent in list(element.iter(etree.Entity)):
        parent = ent.getparent()
        if parent is None:
            continue
        tail = ent.tail or ""
        prev = ent.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
        parent.remove(ent)


def open_docx(data: bytes, name: str):  # noqa: ANN201
    """A python-docx ``Document`` of ``data``, within the zip limits, entity references dropped."""
    import io
    import zipfile

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{name} 不是有效的 .docx 文件（不是 zip 格式）")
    check_zip(data, name, ".docx")
    try:
        import docx  # python-docx, lazy

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for broken files
        raise InputError(f"{name} 无法作为 .docx 读取：{type(exc).__name__}") from exc
    _drop_entities(document.element)
    return document


def docx_to_text(data: bytes, name: str, allow_empty: bool = False) -> str:
    """The paragraphs (and table cells) of a .docx, one per line."""
    document = open_docx(data, name)
    lines: list[str] = []
    body = document.element.body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    text = "\n".join(lines)
    if not text.strip():
        if allow_empty:
            return ""
        raise InputError(f"{name} 中没有文字")
    return text + "\n"


_stdin: tuple = (None, b"")  # (the stream, what it held): standard input is read once


def read_stdin() -> bytes:
    """All of standard input, read once: a second reader (``draft --like -`` looks at the file
    before it uses it) gets the same bytes. A closed standard input is an ``InputError``."""
    global _stdin
    stream = sys.stdin
    if stream is None:  # started with standard input closed (assist check - <&-)
        raise InputError("标准输入已关闭，没有可读的内容")
    if _stdin[0] is stream:
        return _stdin[1]
    try:
        data = getattr(stream, "buffer", stream).read()
    except (OSError, ValueError) as exc:  # a closed descriptor, a folder as standard input
        raise InputError(f"无法读取标准输入：{getattr(exc, 'strerror', None) or exc}") from None
    if isinstance(data, str):
        data = data.encode("utf-8")
    _stdin = (stream, data)
    return data


def read_bytes(path) -> bytes:
    """Raw bytes of ``path`` (a str or Path; "-" is standard input), with one-line errors."""
    if str(path) == "-":
        return read_stdin()
    p = os.fspath(path) or "."  # as pathlib reads ""
    if not os.path.exists(p):
        raise InputError(f"文件不存在：{path}")
    if os.path.isdir(p):
        raise InputError(f"{path} 是文件夹，不是文件")
    try:
        with open(p, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    except MemoryError:
        raise InputError(f"{path} 太大，内存不足以读入") from None


def _suffix(name: str) -> str:
    """``pathlib.PurePath(name).suffix``, without importing pathlib."""
    if os.altsep:
        name = name.replace(os.altsep, os.sep)
    parts = [p for p in name.split(os.sep) if p and p != "."]
    base = parts[-1] if parts else ""
    i = base.rfind(".")
    return base[i:] if 0 < i < len(base) - 1 else ""


def read_document(path, *, allow_html: bool = True, allow_empty: bool = False) -> Document:
    """Read a report file (a str or Path) of any supported kind; ``-`` reads standard input.

    ``allow_empty``: an empty file (or one of blanks only, or a .docx without text) is read
    as it is instead of being an ``InputError`` (``assist check``: nothing to find)."""
    name = str(path)
    suffix = "" if name == "-" else _suffix(name).lower()
    if suffix not in SUPPORTED_SUFFIXES or (suffix in HTML_SUFFIXES and not allow_html):
        raise InputError(f"不支持的文件类型：{name}（支持 .txt .md .docx .html）")
    data = read_bytes(path)
    if suffix in DOCX_SUFFIXES or (name == "-" and data[:2] == b"PK"):
        return Document(name, docx_to_text(data, name, allow_empty), "docx", "docx")
    if allow_empty and not data.strip():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        return Document(name, text, "utf-8", "md" if suffix in {".md", ".markdown"} else "txt")
    text, encoding = decode_bytes(data, name)
    if suffix in HTML_SUFFIXES or (suffix == "" and re.match(r"\s*<(!doctype|html)", text[:200], re.I)):
        text = html_to_text(text)
        if not text.strip():
            if allow_empty:
                return Document(name, "", encoding, "html")
            raise InputError(f"{name} 中没有文字")
        return Document(name, text, encoding, "html")
    fmt = "md" if suffix in {".md", ".markdown"} else "txt"
    return Document(name, text, encoding, fmt)
