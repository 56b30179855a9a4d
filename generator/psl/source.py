"""Source files and spans.

A span stores only offsets; line and column are computed on demand from a
line-start table, so that parsing pays nothing for positions nobody asks for.
Lines end at "\\n", "\\r\\n" or a lone "\\r", as in Prisma's grammar.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass(eq=False)
class SourceFile:
    """One .prisma file: the name used in messages and its full text."""

    path: str
    text: str
    _line_starts: array | None = field(default=None, repr=False)
    _newline: str | None = field(default=None, repr=False)

    @property
    def line_starts(self) -> array:
        if self._line_starts is None:
            # An array, not a list: 8 bytes a line instead of an int object
            # and a pointer (~4 MB at 10,000 models); bisect reads either.
            starts = array("q", (0,))
            starts.extend(m.end() for m in _LINE_BREAK.finditer(self.text))
            self._line_starts = starts
        return self._line_starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of an offset."""
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        starts = self.line_starts
        start = starts[line - 1]
        end = starts[line] if line < len(starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_end(self, offset: int) -> int:
        """Offset just past the line break that ends the line holding `offset`."""
        starts = self.line_starts
        index = bisect.bisect_right(starts, offset)
        return starts[index] if index < len(starts) else len(self.text)

    def line_start(self, offset: int) -> int:
        starts = self.line_starts
        return starts[bisect.bisect_right(starts, offset) - 1]

    def newline(self) -> str:
        """The line break this file mostly uses ("\\n" when it has none)."""
        if self._newline is None:
            self._newline = self._count_newline()
        return self._newline

    def _count_newline(self) -> str:
        crlf = self.text.count("\r\n")
        lf = self.text.count("\n") - crlf
        cr = self.text.count("\r") - crlf
        if crlf > lf and crlf >= cr:
            return "\r\n"
        if cr > lf:
            return "\r"
        return "\n"


class Span(tuple):
    """A half-open range of offsets [start, end) in one source file.

    Immutable: a tuple (source, start, length), which the parser makes in one
    C call, tuple.__new__ (a third of the time a class with an __init__ took).
    It keeps the length, not the end: a length is nearly always a small int,
    which Python shares, where an end offset is one more object per node
    (~9 MB at 10,000 models)."""

    __slots__ = ()

    source: SourceFile = property(itemgetter(0))  # type: ignore[assignment]
    start: int = property(itemgetter(1))  # type: ignore[assignment]
    length: int = property(itemgetter(2))  # type: ignore[assignment]

    def __new__(cls, source: SourceFile, start: int, end: int) -> Span:
        return tuple.__new__(cls, (source, start, end - start))

    def __getnewargs__(self) -> tuple:  # copy and pickle pass (source, start, end)
        return (self[0], self[1], self[1] + self[2])

    @property
    def end(self) -> int:
        return self[1] + self[2]

    def __eq__(self, other: object) -> bool:  # a span equals only a span, not a tuple
        return type(other) is Span and tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((id(self[0]), self[1], self[2]))

    def __repr__(self) -> str:
        return f"Span({self.source.path!r}, {self.start}, {self.end})"

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.line_col(self.start)[0]

    @property
    def column(self) -> int:
        return self.source.line_col(self.start)[1]

    @property
    def end_line(self) -> int:
        return self.source.line_col(self.end)[0]

    @property
    def end_column(self) -> int:
        return self.source.line_col(self.end)[1]

    @property
    def text(self) -> str:
        return self.source.text[self.start : self.end]

    def to_json(self) -> dict:
        line, column = self.source.line_col(self.start)
        end_line, end_column = self.source.line_col(self.end)
        return {
            "file": self.path,
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "start": self.start,
            "end": self.end,
        }


def schema_files_in(folder: Path) -> list[Path]:
    """The .prisma files of a schema folder, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*.prisma") if p.is_file())
