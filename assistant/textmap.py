"""Text that remembers where each character came from.

Normalisation (cleaning web leftovers, rejoining hard-wrapped lines, converting
traditional characters, dropping pinyin glosses) changes a report's text, but
commands that analyse a report must answer in terms of the file *as written*.
``MappedText`` carries, for every character of the normalised text, the offset
of the character it came from in the raw text, so any position can be mapped
back to a raw line and column.
"""

from __future__ import annotations

import bisect
import re
TYPE_CHECKING = False  # (not typing.TYPE_CHECKING: importing typing is the cost avoided)

if TYPE_CHECKING:  # annotations only (typing costs start-up time)
    from typing import Callable, Iterable, Pattern, Sequence, Union

Replacement = "str | Callable[[re.Match], str]"  # (a string alias: nothing is imported for it)


class MappedText:
    """Normalised text plus, per character, its offset in ``raw``."""

    __slots__ = ("raw", "text", "origin", "_raw_line_starts")

    def __init__(self, raw: str, text: str | None = None, origin: Sequence[int] | None = None) -> None:
        self.raw = raw
        self.text = raw if text is None else text
        # origin has one extra entry: where the end of the text maps to. Untouched text
        # maps onto itself: a range, which costs nothing to build (corpus files are
        # already normalised).
        self.origin = range(len(raw) + 1) if origin is None else origin
        assert len(self.origin) == len(self.text) + 1
        self._raw_line_starts: list[int] | None = None

    # --- transformations (each returns a new MappedText) -----------------
    def sub(self, pattern: str | Pattern[str], repl: Replacement, flags: int = 0, count: int = 0) -> "MappedText":
        """Like ``re.sub``, keeping the origin map.

        Replacement characters map onto the matched characters position by
        position (so same-length replacements keep exact origins); extra
        characters map to the last matched one, and an empty match maps to
        where it stands.
        """
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        text, origin = self.text, self.origin
        out: list[str] = []
        new_origin: list[int] = []
        last = 0
        n = 0
        for m in rx.finditer(text):
            s, e = m.span()
            out.append(text[last:s])
            new_origin.extend(origin[last:s])
            r = repl(m) if callable(repl) else m.expand(repl)
            if r:
                # keep the origin of a replacement that is a group of the match
                pos = text.find(r, s, e) if len(r) < e - s else -1
                if pos >= 0:
                    new_origin.extend(origin[pos:pos + len(r)])
                else:
                    span = max(e - s, 1)
                    new_origin.extend(origin[s + min(k, span - 1)] for k in range(len(r)))
            out.append(r)
            last = e
            n += 1
            if count and n >= count:
                break
        out.append(text[last:])
        new_origin.extend(origin[last:])
        return MappedText(self.raw, "".join(out), new_origin)

    def convert(self, fn: Callable[[str], str]) -> "MappedText":
        """Apply a character-preserving conversion line by line (e.g. OpenCC).

        Where the conversion keeps a line's length, origins are exact; where it
        does not, characters are mapped proportionally within the line.
        """
        out: list[str] = []
        new_origin: list[int] = []
        pos = 0
        for line in self.text.splitlines(keepends=True):
            conv = fn(line)
            src = self.origin[pos:pos + len(line)]
            if len(conv) == len(line):
                new_origin.extend(src)
            else:
                k = max(len(line), 1)
                new_origin.extend(src[min(i * k // max(len(conv), 1), k - 1)] if src else self.origin[pos]
                                  for i in range(len(conv)))
            out.append(conv)
            pos += len(line)
        new_origin.append(self.origin[-1])
        return MappedText(self.raw, "".join(out), new_origin)

    def keep_lines(self, keep: Callable[[str], bool]) -> "MappedText":
        """Drop whole lines (with their newline) for which ``keep`` is false."""
        out: list[str] = []
        new_origin: list[int] = []
        pos = 0
        for line in self.text.splitlines(keepends=True):
            if keep(line.rstrip("\r\n")):
                out.append(line)
                new_origin.extend(self.origin[pos:pos + len(line)])
            pos += len(line)
        new_origin.append(self.origin[-1])
        return MappedText(self.raw, "".join(out), new_origin)

    def slice(self, start: int, end: int) -> "MappedText":
        """The part ``text[start:end]`` with its origins (raw stays the whole file)."""
        tail = self.origin[end] if end < len(self.origin) else self.origin[-1]
        return MappedText(self.raw, self.text[start:end], [*self.origin[start:end], tail])

    # --- mapping back -----------------------------------------------------
    def raw_offset(self, i: int) -> int:
        """Offset in ``raw`` of normalised character ``i``."""
        return self.origin[max(0, min(i, len(self.origin) - 1))]

    def raw_line_col(self, i: int) -> tuple[int, int]:
        """1-based (line, column) in the raw text of normalised character ``i``."""
        # = line_col(self.raw, self.raw_offset(i), self._line_starts()), inlined: outline
        # parsing asks for every heading and paragraph
        origin = self.origin
        offset = origin[max(0, min(i, len(origin) - 1))]
        starts = self._raw_line_starts
        if starts is None:
            starts = self._raw_line_starts = line_starts(self.raw)
        idx = bisect.bisect_right(starts, offset) - 1
        return idx + 1, offset - starts[idx] + 1

    def _line_starts(self) -> list[int]:
        if self._raw_line_starts is None:
            self._raw_line_starts = line_starts(self.raw)
        return self._raw_line_starts

    def lines(self) -> Iterable[tuple[int, str]]:
        """(offset in ``text``, line without newline) for each normalised line."""
        pos = 0
        for line in self.text.splitlines(keepends=True):
            yield pos, line.rstrip("\r\n")
            pos += len(line)


def line_starts(text: str) -> list[int]:
    """Offsets where each line of ``text`` starts."""
    starts = [0]
    starts.extend(m.end() for m in re.finditer(r"\r\n|\n|\r", text))
    return starts


def line_col(text: str, offset: int, starts: list[int] | None = None) -> tuple[int, int]:
    """1-based (line, column) of ``offset`` in ``text``; columns count characters."""
    starts = starts if starts is not None else line_starts(text)
    idx = bisect.bisect_right(starts, offset) - 1
    return idx + 1, offset - starts[idx] + 1
