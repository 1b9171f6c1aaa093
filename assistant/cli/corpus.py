"""``assist corpus add|build|stats|list``."""

from __future__ import annotations
