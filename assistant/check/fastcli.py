"""``assist check`` without loading typer (about 90 ms of start-up).

``main(argv)`` understands the plain forms of the command (paths, ``-``,
``--format``, ``--fail-level``, ``--fix``, ``--unit``) and hands everything
else (``--help``, mistakes, unknown options) to the typer command, which owns
help and usage messages. Both call ``assistant.check.run.run_check``, and a
test checks that they answer alike.

Run it as ``python -m assistant.check PATH...``.
"""

from __future__ import annotations

import os
import sys

from assistant.fastpath import value_of

_CHOICES = {"--format": ("text", "json"), "--fail-level": ("error", "warning", "info")}


def parse(argv) -> dict | None:
    """The options of a plain ``check`` command line, or None to let typer handle it."""
    if os.environ.get("ASSIST_PLUGINS"):
        return None  # the typer root callback checks and hands over plugin folders
    opts: dict = {"paths": [], "fmt": "text", "fail_level": "error", "fix": False, "unit": None}
    keys = {"--format": "fmt", "--fail-level": "fail_level", "--unit": "unit"}
    args = list(argv)
    i = 0
    only_paths = False
    while i < len(args):
        arg = args[i]
        i += 1
        if only_paths or arg == "-" or not arg.startswith("-"):
            opts["paths"].append(arg)
        elif arg == "--":
            only_paths = True
        elif arg == "--fix":
            opts["fix"] = True
        else:
            name, eq, value = arg.partition("=")
            if name not in keys:
                return None
            value, i = value_of(eq, value, args, i)
            if value is None:
                return None
            if name in _CHOICES and value not in _CHOICES[name]:
                return None
            if not value:
                return None
            opts[keys[name]] = value
    return opts if opts["paths"] else None


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    opts = parse(argv)
    if opts is None:
        from assistant.cli import app

        app(["check", *argv], prog_name="assist")  # exits
        return 0
    from assistant.fastpath import guarded

    def run() -> int:
        from assistant.check.run import run_check

        return run_check(opts.pop("paths"), **opts)

    return guarded(run)


def exit_now(code: int) -> None:
    """End the process with ``code`` once the command is done: flush the output,
    then skip the interpreter's clean-up (freeing every object and module one by
    one: a few milliseconds that a finished command does not need; check
    registers no exit handlers and has no file open). For the process entry
    points only (the console script, ``python -m assistant.check``); if the
    output cannot be flushed, the usual exit reports it."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    exit_now(main())
