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


class Span:
    """A half-open range of offsets [start, end) in one source file.

    Immutable.  It keeps the length, not the end: a length is nearly always a
    small int, which Python shares, where an end offset is one more object per
    node (~9 MB at 10,000 models).  Not a tuple, though a tuple is made faster:
    its 8 more bytes were 6 MB of a 10,000-model check."""

    __slots__ = ("source", "start", "length")

    source: SourceFile
    start: int
    length: int

    def __init__(self, source: SourceFile, start: int, end: int) -> None:
        # The slots' own setters: __setattr__ refuses, and object.__setattr__
        # through it was a third of the parser's time per span.
        _set_source(self, source)
        _set_start(self, start)
        _set_length(self, end - start)

    @property
    def end(self) -> int:
        return self.start + self.length

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a Span is immutable: cannot set {name}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Span:
            return NotImplemented
        return (self.source, self.start, self.length) == (other.source, other.start, other.length)

    def __hash__(self) -> int:
        return hash((id(self.source), self.start, self.length))

    def __reduce__(self):  # copy and pickle: __setattr__ refuses the default way
        return (Span, (self.source, self.start, self.start + self.length))

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


_set_source = Span.source.__set__  # type: ignore[attr-defined]
_set_start = Span.start.__set__  # type: ignore[attr-defined]
_set_length = Span.length.__set__  # type: ignore[attr-defined]


def schema_files_in(folder: Path) -> list[Path]:
    """The .prisma files of a schema folder, recursively, in a stable order."""
    return sorted(p for p in folder.rglob("*.prisma") if p.is_file())
