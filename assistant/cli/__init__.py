"""The ``assist`` command line. Each command lives in its own module."""

from __future__ import annotations


from assistant.cli.app import app

# Command modules register themselves on ``app`` when imported; keep them light.
from assistant.cli import corpus as _corpus  # noqa: F401,E402
from assistant.cli import check as _check  # noqa: F401,E402
from assistant.cli import corpus_add as _corpus_add  # noqa: F401,E402
from assistant.cli import outline as _outline  # noqa: F401,E402
from assistant.cli import classify as _classify  # noqa: F401,E402
from assistant.cli import suggest as _suggest  # noqa: F401,E402
from assistant.cli import units as _units  # noqa: F401,E402
from assistant.cli import fill as _fill  # noqa: F401,E402
from assistant.cli import draft as _draft  # noqa: F401,E402


def main() -> None:
    """Console-script entry point."""
    app()
