"""The ``assist`` console script.

``assist check`` takes a fast path that does not import typer or any other
command (check must start in a fraction of the time the other commands may);
everything else, including ``assist check --help`` and option mistakes, which
the fast path hands back, goes through the typer application.
"""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:2] == ["check"]:
        from assistant.check.fastcli import exit_now, main as check_main

        code = check_main(sys.argv[2:])
        if code is not None:
            exit_now(code)
    from assistant.cli import main as cli_main

    cli_main()
