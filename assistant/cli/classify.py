"""``assist classify PATH... [--single]`` and ``assist eval classify``."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from assistant.cli.app import CORPUS_OPTION, FORMAT_OPTION, TOPIC_OPTION, Format, app, corpus_dirs, emit_json


@app.command("classify")
def classify_cmd(
    paths: List[str] = typer.Argument(..., help="报告文件（.txt .md .docx .html），- 表示标准输入。"),
    single: bool = typer.Option(False, "--single", help="把每个文件整体当作一节来判断类型。"),
    unit: Optional[str] = typer.Option(None, "--unit", help="单位类型（用于识别该单位插件的细分类型）。"),
    topic: Optional[str] = TOPIC_OPTION,
    corpus: Optional[Path] = CORPUS_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """判断报告每一节的类型（组织领导、宣传引导、存在问题……），置信度低的会标出。

    主题（--topic，不给则从报告推断）决定细分类型，如安全生产的“隐患排查治理”。
    """
    from assistant.classify import kind_table
    from assistant.classify.api import classify_file

    if unit:
        from assistant.units import get_unit

        unit = get_unit(unit).name
    if topic:
        from assistant.units import get_topic

        topic = get_topic(topic).name
    results = []
    for path in paths:
        _, preds, found = classify_file(path, corpus_dirs(corpus), single, unit, topic)
        results.append({"path": path, "topic": found, "sections": [p.to_json() for p in preds]})
    if fmt == Format.json:
        emit_json({"files": results})
        return
    labels = kind_table()
    for res in results:
        typer.echo(res["path"] + (f"（主题：{_topic_label(res['topic'])}）" if res["topic"] else ""))
        for s in res["sections"]:
            name = labels.get(s["kind"], {}).get("label", s["kind"])
            sub = f"/{s['subkind']}" if s["subkind"] else ""
            flag = "  （置信度低，请核对）" if s["low_confidence"] else ""
            head = s["heading"] or {"opening": "［开头］", "closing": "［结尾］"}.get(s["role"], "［全文］")
            typer.echo(f"  第{s['line']}行\t{name}({s['kind']}{sub})\t{s['confidence']:.2f}\t{head}{flag}")


def _topic_label(name: str) -> str:
    from assistant.units import get_topic

    return get_topic(name).label


@app.command("eval")
def eval_cmd(
    what: str = typer.Argument("classify", help="评估对象：classify。"),
    corpus: Optional[Path] = CORPUS_OPTION,
    folds: int = typer.Option(5, "--folds", min=2, help="交叉验证折数。"),
    repeats: int = typer.Option(1, "--repeats", min=1, max=1000,
                                help="分组划分的次数：大于 1 时另以随机种子重新划分 N-1 次，报告准确率和宏平均F1的均值与范围。"),
    seed: int = typer.Option(0, "--seed", help="随机划分的第一个种子（配合 --repeats）。"),
    curve_repeats: int = typer.Option(3, "--curve-repeats", min=0, max=100,
                                      help="学习曲线每个来源数随机选取的次数（0：不算学习曲线）。"),
    silver: int = typer.Option(120, "--silver", min=0,
                               help="银标检验用的真实政府工作报告篇数（在 ../shared/data/gov-reports 存在时；0：不做）。"),
    fmt: Format = FORMAT_OPTION,
) -> None:
    """评估分类模型：按报告分组交叉验证、留一来源验证和学习曲线，输出准确率、宏平均F1、混淆矩阵，
    并与关键词基线比较；有真实政府工作报告语料时另做银标检验。"""
    from assistant.classify.evaluate import (cross_validate, format_report, format_sources, labelled_sections,
                                             learning_curve, leave_one_source_out, section_features)
    from assistant.corpus import index
    from assistant.errors import InputError

    if what != "classify":
        raise InputError(f"未知的评估对象：{what}（可用：classify）")
    dirs = corpus_dirs(corpus)
    conn = index.open_index(dirs)
    try:
        sections, problems = labelled_sections(conn, dirs)
    finally:
        conn.close()
    if len(sections) < 10:
        raise InputError("语料中已标注的节太少，无法评估（需要 labels.tsv）")
    from assistant.cli.corpus import progress_printer

    res = cross_validate(sections, folds, repeats, seed, progress_printer("正在交叉验证") if repeats > 1 else None)
    res["label_problems"] = problems
    feats = section_features(sections)
    res["leave_one_source_out"] = None
    res["learning_curve"] = None
    if len({s.source for s in sections}) >= 2:
        res["leave_one_source_out"] = leave_one_source_out(sections, feats, progress_printer("留一来源验证"))
        if curve_repeats:
            res["learning_curve"] = learning_curve(sections, feats, curve_repeats, seed,
                                                   progress_printer("学习曲线"))
    res["silver"] = None
    from assistant.classify import silver as silver_mod

    folder = silver_mod.gov_reports_dir()
    if silver and folder is not None:
        conn = index.open_index(dirs)
        try:
            from assistant.classify.model import LinearModel

            model = LinearModel.load(conn)
        finally:
            conn.close()
        if model is not None:
            files = silver_mod.sample(silver_mod.report_files(folder), silver, seed)
            res["silver"] = silver_mod.check(model, files, progress_printer("银标检验"))
            res["silver"]["folder"] = str(folder)
    if fmt == Format.json:
        emit_json(res)
    else:
        typer.echo(format_report(res))
        if res["leave_one_source_out"]:
            typer.echo(format_sources(res["leave_one_source_out"], res["learning_curve"]))
        if res["silver"]:
            typer.echo(silver_mod.format_check(res["silver"], folder))
        for p in problems:
            typer.echo(f"注意：{p}", err=True)
