"""Prisma's table layout (psl-ast's renderer/table.rs), the one place the
formatter measures text: rows of cells, each non-last cell padded to its
column's widest cell plus one space, the last cell of a row never padded,
a suffix (a trailing comment) after one space, not aligned.  Widths are
UTF-8 bytes, as Rust's `String::len()`."""

from __future__ import annotations

from dataclasses import dataclass, field

COLUMN_SPACING = 1


@dataclass
class Row:
    cells: list[str] = field(default_factory=list)
    suffix: str = ""
    verbatim: str | None = None  # a line written as it stands, outside the columns


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def start_row(self) -> None:
        self.rows.append(Row())

    def cell(self, index: int, text: str) -> None:
        """Write `text` into column `index` of the current row (appended to
        what the cell holds, as Prisma's column writer does)."""
        cells = self.rows[-1].cells
        while len(cells) <= index:
            cells.append("")
        cells[index] += text

    def suffix(self, text: str) -> None:
        self.rows[-1].suffix += text

    def verbatim(self, text: str) -> None:
        self.rows.append(Row(verbatim=text))

    def lines(self) -> list[str]:
        """The rows as lines (without indentation), and the table emptied."""
        for row in self.rows:
            while row.cells and row.cells[-1] == "":
                row.cells.pop()
        widths: list[int] = []
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                size = len(cell.encode("utf-8"))
                if i == len(widths):
                    widths.append(size)
                elif size > widths[i]:
                    widths[i] = size
        out = []
        for row in self.rows:
            if row.verbatim is not None:
                out.append(row.verbatim)
                continue
            parts = []
            last = len(row.cells) - 1
            for i, cell in enumerate(row.cells):
                parts.append(cell)
                if i != last:
                    parts.append(" " * (widths[i] - len(cell.encode("utf-8")) + COLUMN_SPACING))
            if row.suffix:
                if row.cells:
                    parts.append(" ")
                parts.append(row.suffix)
            out.append("".join(parts))
        self.rows = []
        return out
