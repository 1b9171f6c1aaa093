"""--like on a report whose body goes on after its plans (a 政府工作报告 ends with 政府自身建设),
and whose sections belong to another topic's kinds: the draft tells what was done, then what is
wrong, then what comes next, under headings a reader understands."""

from __future__ import annotations

import re
from pathlib import Path

LIKE = """---
title: 青川县人民政府2025年工作报告
---
各位代表：
现在，我代表县人民政府向大会报告工作，请予审议。
一、2025年工作回顾
（一）项目建设扎实推进。全年实施重点项目56个，完成投资42亿元，新签约招商引资项目18个。
（二）民生实事全面完成。新建保障性住房300套，改造老旧小区12个，城乡居民收入稳步增长。
二、2026年工作安排
（一）抓项目稳增长。谋划储备重点项目60个以上，全力推进在建项目早日竣工投产。
（二）办好民生实事。持续改善城乡人居环境，办好群众急难愁盼的民生实事。
三、加强政府自身建设
坚持依法行政，自觉接受人大监督和政协民主监督，持之以恒正风肃纪。
"""


def test_body_after_the_plans_moves_before_them_and_headings_are_words(cli, tmp_path: Path) -> None:
    like = tmp_path / "报告.md"
    like.write_text(LIKE, encoding="utf-8")
    out = tmp_path / "初稿.txt"
    r = cli("draft", "--unit", "county", "--like", str(like), "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "年度工作总结" in r.output or "工作总结" in text.splitlines()[0]  # the like's title names the topic
    heads = [ln for ln in text.splitlines() if re.match(r"^(?:[一二三四五六七八九十]、|（[一二三四五六七八九十]+）)", ln)]
    tops = [h for h in heads if re.match(r"^[一二三四五六七八九十]、", h)]
    # no body part after 存在的问题 / 下一步
    plans_at = next(k for k, h in enumerate(tops) if "下一步" in h or "打算" in h)
    assert plans_at == len(tops) - 1, tops
    # no kind id for a heading
    assert not any(re.search(r"[a-z_]{4,}", h) for h in heads), heads
