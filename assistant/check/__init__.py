"""``assist check``: unfilled placeholders and the other defects a reader would catch.

Light to import (``assist fill`` and ``assist draft`` use the placeholder
finder): the rule engine, YAML and OpenCC load only when ``check_text`` runs.
"""

from __future__ import annotations

from assistant.check.findings import Finding
from assistant.check.placeholders import Placeholder, find_placeholders

__all__ = ["Finding", "Placeholder", "check_text", "find_placeholders"]


def check_text(text: str, fmt: str = "txt", *, config=None, extra_rules=()) -> list[Finding]:
    """Every finding in ``text``, sorted by position (see ``assistant.check.engine``)."""
    from assistant.check.engine import check_text as _check_text

    return _check_text(text, fmt, config=config, extra_rules=extra_rules)
