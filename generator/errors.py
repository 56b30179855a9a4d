"""What goes wrong, and the exit status it ends in: the one table.

Commands come in two families, and a status means one thing within each
(README: "Exit status"):

    generator commands   rewrite, parse, format, sql, generate
        0 nothing to change, or written      1 --check found changes
        2 bad input or usage (located)       123 internal error, nothing written
    database commands    verify, deploy, relocate, import-sqlite, verify_<schema>.py
        0 healthy / done                     1 drift, refused or failed
        2 unreachable, locked or denied      3 usage or bad input
        123 internal error

Every failure is one of the exceptions below.  db/connection.py, embedded
standalone in the generated script, repeats the database family's codes (a
test holds them equal; importing it here cost every command ~2 ms).
Diagnostics use the compiler format: `path:line:col: error: message`, the line,
a caret."""

from __future__ import annotations

from dataclasses import dataclass

from generator.psl.source import SourceFile, Span

# The database family's statuses.
EXIT_HEALTHY = 0
EXIT_DRIFT = 1
EXIT_UNREACHABLE = 2
EXIT_USAGE = 3
# The generator family's.
EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 123
__all__ = [
    "EXIT_OK",
    "EXIT_CHANGES",
    "EXIT_BAD_INPUT",
    "EXIT_INTERNAL",
    "EXIT_HEALTHY",
    "EXIT_DRIFT",
    "EXIT_UNREACHABLE",
    "EXIT_USAGE",
    "Diagnostic",
    "PslError",
    "UsageError",
    "SelfCheckError",
    "WriteError",
    "CommandFailure",
]


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
    """A bad option value (2 for a generator command, 3 for a database one)."""


class SelfCheckError(Exception):
    """The rewrite produced something other than what it planned (our bug:
    exit status 123, nothing written)."""


class WriteError(Exception):
    """An output could not be written (exit status 2); the message names the
    path, the reason, and what was written."""


class CommandFailure(Exception):
    """A database command did not do what was asked.  `kind` says what
    happened (the JSON report's error.kind: "lock_timeout", "collision", …);
    `exit_code` is its status in the database family."""

    def __init__(self, kind: str, message: str, exit_code: int = EXIT_DRIFT, **details):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exit_code = exit_code
        self.details = details
