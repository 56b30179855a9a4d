"""Unified diffs for --diff, coloured like git's when asked to."""

from __future__ import annotations

import difflib

_RESET = "\033[0m"
_COLORS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}


def unified_diff(before: str, after: str, name: str, color: bool = False) -> str:
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=_label("a", name),
        tofile=_label("b", name),
    )
    out: list[str] = []
    for line in lines:
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        if color:
            if line.startswith(("+++", "---")):
                line = "\033[1m" + line.rstrip("\r\n") + _RESET + "\n"
            elif line[:1] in _COLORS:
                ending = line[len(line.rstrip("\r\n")) :]
                line = _COLORS[line[0]] + line.rstrip("\r\n") + _RESET + ending
        out.append(line)
    return "".join(out)


def _label(side: str, name: str) -> str:
    # git's a/ b/ prefixes read well for relative paths; "a//abs/path" does not.
    return name if name.startswith(("/", "<")) else f"{side}/{name}"
