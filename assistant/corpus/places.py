"""A report's own place names: the names it keeps using for its own place (状元社区 four times
in its report), which the tagger does not always know as names. The index keeps them per
report (``doc_names``); drafts and suggestions write them ××."""

from __future__ import annotations

import re
from typing import Sequence

# a word the segmenter cuts before 社区/村/镇…, in the space-joined tokens of a report
_PLACE = re.compile(r"(?:^| )([\u4e00-\u9fff]{2,4}) (?:社区|村委会|村|镇|乡|街道|小区)(?= |$)")
# what stands before 社区/村/镇 as a kind, not a name: 帮扶村, 示范社区, 老旧小区…
_GENERIC_PLACE = frozenset("""帮扶 重点 示范 试点 贫困 脱贫 行政 自然 城市 农村 城乡 和谐 平安 文明 美丽 幸福 智慧 绿色 老旧
安置 搬迁 结对 定点 先进 软弱 涣散 薄弱 集体 全镇 全村 全县 各个 所在 所属 辖区 本镇 本村 该村 该镇 相关 周边 附近 偏远
山区 沿河 边境 易地 移民 新型 传统 特色 旅游 生态 宜居 民族 少数 革命 老区 中心 集镇 乡镇 村级 社区 街道 城镇 城郊 近郊
无疫 疫区 封控 管控 防范 涉疫 居民 住宅 商品 保障 公租 廉租 定点帮扶 结对帮扶 乡村振兴 示范点 每个 所有 全体 其他 一个
下沉 深入 走进 进入 驻守 包保 联系 覆盖 服务 走访 回到 返回 来到 前往""".split())


def hide_names(text: str, names: Sequence[str]) -> str:
    """``text`` with a report's own place names as ×× (``names``: longest first)."""
    for name in names:
        text = text.replace(name, "××")
    return text


def own_place_names(tokens: str) -> list[str]:
    """The names a report keeps using for its own place (``tokens``: its sentences' space-
    joined tokens): a word cut before 社区/村/镇… three times or more, no kind of place (帮扶村)."""
    from collections import Counter

    counts = Counter(m.group(1) for m in _PLACE.finditer(tokens))
    return sorted(w for w, n in counts.items() if n >= 3 and w not in _GENERIC_PLACE)
