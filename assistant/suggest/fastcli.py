"""``assist suggest`` without loading typer (about 50 ms of a cold start of ~0.3 s).

``main(argv)`` understands the plain forms (a query, ``-k/--kind``, ``-u/--unit``, ``--topic``,
``-n/--number``, ``--corpus``, ``--format``) and hands everything else (``--help``, mistakes,
out-of-range numbers, plugin folders) to the typer command, which owns help and usage
messages. Both run :func:`assistant.suggest.command.run_suggest`; a test checks that they
answer alike.
"""

from __future__ import annotations

import os
from typing import Optional

from assistant.fastpath import value_of

_KEYS = {"-k": "kind", "--kind": "kind", "-u": "unit", "--unit": "unit", "--topic": "topic", "-n": "n",
         "--number": "n", "--corpus": "corpus", "--format": "fmt"}


def parse(argv) -> Optional[dict]:
    """The options of a plain ``suggest`` command line, or None to let typer handle it."""
    if os.environ.get("ASSIST_PLUGINS"):
        return None  # the typer root callback checks and hands over plugin folders
    opts: dict = {"query": None, "kind": None, "unit": None, "topic": None, "n": "5",
                  "corpus": os.environ.get("ASSIST_CORPUS") or None, "fmt": "text"}
    given: set[str] = set()
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
            key = _KEYS.get(name)
            if key is None or key in given:
                return None
            value, i = value_of(eq, value, args, i)
            if value is None:
                return None
            if not value:
                return None
            given.add(key)
            opts[key] = value
        else:
            if opts["query"] is not None:
                return None
            opts["query"] = arg
    if opts["fmt"] not in ("text", "json") or not opts["n"].isdigit() or not 1 <= int(opts["n"]) <= 50:
        return None
    opts["n"] = int(opts["n"])
    return opts


def main(argv) -> Optional[int]:
    """Run a plain ``suggest``; None when typer should handle the command line."""
    opts = parse(argv)
    if opts is None:
        return None
    from assistant.fastpath import guarded
    from assistant.suggest.command import run_suggest

    return guarded(lambda: run_suggest(**opts))
