"""Exit codes and the one exception type that means "bad input"."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """Exit statuses shared by every command (shared/spec/cli.md)."""

    OK = 0  # success / nothing found
    FINDINGS = 1  # findings, or work left undone
    INPUT_ERROR = 2  # usage or input error, one line on stderr
    INTERNAL_ERROR = 3  # a bug: should never happen


class InputError(Exception):
    """Bad input from the user: reported as one line on stderr with exit 2.

    The message is user-facing and therefore Chinese.
    """
