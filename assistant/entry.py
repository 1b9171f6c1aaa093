"""The ``assist`` console script.

``assist check`` takes a fast path that does not import typer or any other
command (check must start in a fraction of the time the other commands may);
so do the plain form of ``assist fill PATH --data DATA [-o OUT]`` and the plain forms
of ``assist suggest``;
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
    if sys.argv[1:2] == ["fill"]:  # the plain form of fill, without typer (assistant/fill/fastcli.py)
        from assistant.fill.fastcli import main as fill_main

        code = fill_main(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    if sys.argv[1:2] == ["suggest"]:  # the plain forms of suggest, without typer (assistant/suggest/fastcli.py)
        from assistant.suggest.fastcli import main as suggest_main

        code = suggest_main(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    from assistant.cli import main as cli_main

    cli_main()
