"""Rendering a draft through jinja2 templates.

Templates are looked up by name in this order, the first folder that has the file wins:

1. the user's folder: ``--templates DIR``, else ``templates/`` in the user's data
   folder (``assistant.paths.user_home()``) when it exists;
2. the unit plugin's ``templates`` folder (``unit.toml``: ``templates = "…"``, or a
   ``templates/`` folder beside it);
3. the templates shipped with assist (``assistant.paths.shipped("templates")``).

Names: ``report.md.j2`` for .md, ``report.txt.j2`` for .txt and standard output,
``report.docx.j2`` (falling back to ``report.txt.j2``) for the text a .docx is made of.

Every template runs in jinja2's ``SandboxedEnvironment``, with limits on time, output and
sizes (``assistant.draft.sandbox``), and ``StrictUndefined``: a variable the draft does not
have is an error (one line, exit 2), never a silent blank; so is every other template error,
a limit passed included, with the template's file and line.
The variables are those of ``Draft.context()`` (see templates/README.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from assistant.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from assistant.draft.compose import Draft
    from assistant.units.model import Unit

TEMPLATE_NAMES = {"md": ("report.md.j2",), "txt": ("report.txt.j2",), "docx": ("report.docx.j2", "report.txt.j2")}


def template_dirs(unit: Optional["Unit"] = None, user_dir: Optional[Path] = None) -> list[Path]:
    """The template folders, most specific first."""
    from assistant.paths import shipped, user_home

    dirs: list[Path] = []
    if user_dir is not None:
        user_dir = Path(user_dir)
        if not user_dir.is_dir():
            raise InputError(f"模板文件夹不存在：{user_dir}")
        dirs.append(user_dir)
    else:
        home = user_home() / "templates"
        if home.is_dir():
            dirs.append(home)
    if unit is not None and unit.templates is not None and Path(unit.templates).is_dir():
        dirs.append(Path(unit.templates))
    dirs.append(shipped("templates"))
    return dirs


def environment(dirs: list[Path], max_output: Optional[int] = None) -> Any:
    import jinja2

    from assistant.draft.sandbox import DEFAULT_MAX_OUTPUT, LimitedSandbox

    return LimitedSandbox(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        max_output=DEFAULT_MAX_OUTPUT if max_output is None else max_output,
    )


def render(draft: "Draft", fmt: str, unit: Optional["Unit"] = None, user_dir: Optional[Path] = None) -> str:
    """The draft as text in format ``fmt`` (md, txt, or docx: the text the Word file is made of)."""
    return render_context(draft.context(), fmt, template_dirs(unit, user_dir))


@dataclass
class Rendered:
    text: str
    fill: Optional[dict] = None  # fill's report (shared/spec/cli.md) when the draft has data
    placeholders: int = 0  # placeholders left open


def render_draft(draft: "Draft", fmt: str, unit: Optional["Unit"] = None,
                 user_dir: Optional[Path] = None) -> Rendered:
    """Render the draft and fill its placeholders from its data, if any (``assistant.fill``).

    Filling the rendered text (not the draft's pieces) lets fill read each figure in its
    sentence, and its report's lines and columns are those of the file written."""
    from assistant.check import find_placeholders

    text = render(draft, fmt, unit, user_dir)
    text_fmt = "md" if fmt == "md" else "txt"
    report = None
    if draft.data is not None:
        from assistant.fill.apply import fill_text

        result = fill_text(text, draft.data, fmt=text_fmt, unit=unit, path="draft")
        text, report = result.filled, result.report()
    return Rendered(text, report, len(find_placeholders(text, text_fmt)))


def check_templates(fmt: str, unit: Optional["Unit"] = None, user_dir: Optional[Path] = None) -> None:
    """Find and compile the template for ``fmt`` and read the limits it will run with
    (InputError when either is missing or broken)."""
    from assistant.draft.sandbox import limits

    _template(fmt, template_dirs(unit, user_dir), limits().max_output)


def _template(fmt: str, dirs: list[Path], max_output: Optional[int] = None) -> Any:
    import jinja2

    env = environment(dirs, max_output)
    names = TEMPLATE_NAMES[fmt]
    try:
        return env.select_template(list(names))
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"模板 {exc.filename or exc.name} 第 {exc.lineno} 行有语法错误：{exc.message}") from None
    except jinja2.TemplatesNotFound:
        raise InputError(f"找不到模板 {' 或 '.join(names)}（在 {'、'.join(map(str, dirs))}）") from None
    except UnicodeDecodeError:
        raise InputError(f"模板 {' 或 '.join(names)} 不是 UTF-8 文本（在 {'、'.join(map(str, dirs))}）") from None
    except RecursionError:
        raise InputError(f"模板 {' 或 '.join(names)} 嵌套太深，无法编译") from None
    except OSError as exc:
        from assistant.errors import os_reason

        raise InputError(f"无法读取模板 {exc.filename or ' 或 '.join(names)}：{os_reason(exc)}") from None


def render_context(context: dict[str, Any], fmt: str, dirs: list[Path]) -> str:
    """Render the template for ``fmt`` within the limits (``sandbox.limits()``). Every error
    of the template, a limit passed included, is an ``InputError`` naming its file and line."""
    import jinja2
    from jinja2.exceptions import SecurityError

    from assistant.draft.sandbox import TemplateLimit, limits, render_limited

    lim = limits()
    template = _template(fmt, dirs, lim.max_output)
    try:
        return render_limited(template, context, lim)
    except InputError:
        raise
    except jinja2.UndefinedError as exc:
        raise InputError(f"模板 {_where(exc, template, dirs)}：{_undefined_message(exc)}") from None
    except SecurityError as exc:
        raise InputError(f"模板 {_where(exc, template, dirs)}：不允许的操作（{exc}）") from None
    except TemplateLimit as exc:
        raise InputError(f"模板 {_where(exc, template, dirs)}：{exc}") from None
    except jinja2.TemplateSyntaxError as exc:  # in a template it includes
        raise InputError(f"模板 {exc.filename or exc.name} 第 {exc.lineno} 行有语法错误：{exc.message}") from None
    except RecursionError as exc:
        raise InputError(f"模板 {_where(exc, template, dirs)}：递归太深（宏或 include 调用了自己？）") from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
            UnicodeError, OSError) as exc:
        raise InputError(f"模板 {_where(exc, template, dirs)}出错：{type(exc).__name__}: {exc}") from None
    except Exception as exc:  # a template is the user's code: whatever it raises is theirs
        raise InputError(f"模板 {_where(exc, template, dirs)}出错：{type(exc).__name__}: {exc}") from None


def _where(exc: BaseException, template: Any, dirs: list[Path] | None = None) -> str:
    """``path 第 N 行`` of the innermost template frame where ``exc`` happened."""
    name = template.filename or template.name
    line = None
    if getattr(exc, "where", None):
        name, line = exc.where  # type: ignore[attr-defined]
    roots = tuple(str(d) + os.sep for d in dirs or ())
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename and (filename.endswith(".j2") or filename.startswith(roots) and not filename.endswith(".py")):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return f"{name} 第 {line} 行" if line else f"{name} "


def _undefined_message(exc: BaseException) -> str:
    import re

    msg = str(exc)
    m = re.match(r"'([^']+)' is undefined", msg)
    if m:
        return f"变量 {m.group(1)} 未定义"
    m = re.match(r"'([^']+)' has no attribute '([^']+)'", msg)
    if m:
        return f"{m.group(1)} 没有属性 {m.group(2)}"
    return f"未定义的变量（{msg}）"


def write_output(text: str, path: Path, fmt: str) -> None:
    """Write the rendered draft atomically: UTF-8 text, or a GB/T 9704 .docx made of it."""
    from assistant import atomic

    if fmt == "docx":
        from assistant.draft.docx import build_docx

        atomic.write_bytes(path, build_docx(text))
    else:
        atomic.write_text(path, text)
