"""``assist draft --unit U [--data DATA] [--like PATH] [--title T] [-o OUT]``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, TOPIC_OPTION, Format, app, chosen_corpus, emit_json, say

OUTPUT_FORMATS = {".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt", ".docx": "docx"}


def output_format(output: str) -> str:
    """md, txt or docx from OUT's extension (``-``: text on stdout)."""
    from assistant.errors import InputError

    if output == "-":
        return "txt"
    fmt = OUTPUT_FORMATS.get(Path(output).suffix.lower())
    if fmt is None:
        raise InputError(f"不支持的输出格式：{output}（可用 .md .txt .docx，或用 - 输出到屏幕）")
    if Path(output).is_dir():
        raise InputError(f"输出路径是一个文件夹：{output}")
    from assistant.atomic import check_target

    check_target(output)  # a path under a file, a read-only folder: before any work
    return fmt


@app.command("draft")
def draft_cmd(
    unit: str = typer.Option(..., "--unit", "-u", help="单位类型，如 school、bank、village（assist units 可查看全部）。"),
    topic: Optional[str] = TOPIC_OPTION,
    data: Optional[str] = typer.Option(None, "--data", "-d", help="数据文件（.yaml .json .csv .xlsx），用来填写数字、日期和名称。"),
    like: Optional[str] = typer.Option(None, "--like", help="参照这份报告的结构（.txt .md .docx；繁体字、网页残留都可以）。"),
    like_part: Optional[int] = typer.Option(None, "--like-part", min=1, metavar="N",
                                            help="参照文件里有多篇报告时，用第 N 篇。"),
    title: Optional[str] = typer.Option(None, "--title", "-t",
                                        help="标题（默认按主题：“××学校关于20xx年上半年安全生产工作情况的汇报”一类）。"),
    output: str = typer.Option("-", "--output", "-o", help="输出文件：.md .txt 或 .docx（按公文格式）；- 表示输出到屏幕。"),
    corpus: Optional[str] = CORPUS_OPTION,
    templates: Optional[Path] = typer.Option(None, "--templates", file_okay=False,
                                             help="自己的模板文件夹（优先于插件和自带的模板）。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """起草一份完整的报告初稿：标题、开头、按主题和单位的提纲分节、存在问题、下步打算和结尾。

    每节取自本单位、本主题的材料（自己导入的报告、插件范文、语料），不用别的单位或别的主题的句子。
    没有数据的数字和名称留作占位符（xx、××），可用 assist check 查看、assist fill 填写。
    主题不给时：按 --like 的报告或数据推断，否则用语料中报告最多的主题。
    """
    from assistant.draft.compose import make_draft
    from assistant.draft.render import check_templates, render_draft, write_output
    from assistant.errors import InputError
    from assistant.units import get_unit

    out_fmt = output_format(output)
    chosen = chosen_corpus(corpus)  # a missing folder: one line, before any work
    unit_obj = get_unit(unit)
    check_templates(out_fmt, unit_obj, templates)  # a missing folder or a syntax error: before any work
    if like_part is not None and like is None:
        raise InputError("--like-part 要和 --like 一起用")
    draft = make_draft(unit_obj.name, chosen, data_path=data, like=like, like_part=like_part,
                       title=title, topic=topic)
    done = render_draft(draft, out_fmt, unit_obj, templates)  # a template error: nothing is written
    text, left = done.text, done.placeholders
    if output == "-":
        if fmt != Format.json:
            typer.echo(text, nl=False)
    else:
        write_output(text, Path(output), out_fmt)
    if fmt == Format.json:
        result = {"output": output, "kinds": draft.kinds(), "placeholders": left, **draft.to_json()}
        if done.fill is not None:
            result["fill"] = done.fill
        if output == "-":
            result["text"] = text
        emit_json(result)
        return
    where = "" if output == "-" else f"已写入 {output}："
    filled = f"按数据填写了 {len(done.fill['filled'])} 处，" if done.fill is not None else ""
    todo = (f"还有 {left} 处占位符待填写（assist check 可逐处列出，assist fill --fields 可生成数据表）"
            if left else "没有待填写的占位符")
    about = f"（{draft.topic_label}）" if draft.topic_label else ""
    say(f"{where}正文 {len(draft.body)} 节{about}，{filled}{todo}。")
    why = {"like": "按 --like 的报告", "data": "按数据的字段", "corpus": "按语料中报告最多的主题"}.get(draft.topic_from)
    if like is not None and draft.topic_from == "corpus" and draft.topic_label:
        say(f"注意：--like 的报告不像已有的任何主题（assist topics 列出全部），初稿按语料中报告最多的主题"
            f"「{draft.topic_label}」起草，只套用了它的结构；请用 --topic 指定主题。")
    elif why and draft.topic_label:
        say(f"提示：没有给 --topic，{why}定为「{draft.topic_label}」；"
            f"别的主题用 --topic 指定（assist topics 列出全部，如 --topic 安全生产）。")
    empty, borrowed = draft.without_material(), draft.from_elsewhere()
    if empty:
        say(f"注意：语料中没有{unit_obj.label}关于{draft.topic_label or '这一主题'}的材料可用于 "
            f"{len(empty)} 节（{'、'.join(s.heading for s in empty)}），已留待填写；"
            f"用 assist corpus add --unit {unit_obj.name} 导入本单位的报告可得到更完整的初稿。")
    if borrowed:
        say(f"注意：{'、'.join(s.heading for s in borrowed)} 取自同类单位的材料，请核对是否符合本单位实际。")
