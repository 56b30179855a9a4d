"""Diagnostics in the compiler format: `path:line:col: error: message`, the line, a caret."""

from __future__ import annotations

from dataclasses import dataclass

from generator.psl.source import SourceFile, Span


@dataclass
class Diagnostic:
    severity: str  # "error" | "warning" | "note"
    message: str
    source: SourceFile | None = None
    offset: int = 0
    path: str | None = None  # for diagnostics about a file with no usable text

    @classmethod
    def at(cls, span: Span, message: str, severity: str = "error") -> Diagnostic:
        return cls(severity, message, span.source, span.start)

    def render(self) -> str:
        if self.source is None:
            prefix = f"{self.path}: " if self.path else ""
            return f"{prefix}{self.severity}: {self.message}"
        line, column = self.source.line_col(self.offset)
        text = self.source.line_text(line)
        # The caret goes under the offending character; tabs are kept so that it
        # lines up in a terminal whatever the tab width.
        pad = "".join(ch if ch == "\t" else " " for ch in text[: column - 1])
        return (
            f"{self.source.path}:{line}:{column}: {self.severity}: {self.message}\n"
            f"{text}\n{pad}^"
        )


class PslError(Exception):
    """Bad input: one or more diagnostics, exit status 2."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.render() for d in diagnostics))


class UsageError(Exception):
    """A bad option value; exit status 2."""


class SelfCheckError(Exception):
    """The rewrite produced something other than what it planned (our bug:
    exit status 123, nothing written)."""
