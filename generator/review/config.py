"""The review's settings from pyproject.toml:

    [tool.prisma-isolate.rules]
    index-not-concurrent = "off"        # a rule by name or id: "off", "warning" or "error"
    PI202 = "error"

The nearest pyproject.toml from the schema's folder up to the repository
root (or the filesystem's) is read; none means the defaults."""

from __future__ import annotations

from pathlib import Path

from generator.errors import UsageError
from generator.review.rules import BY_KEY

LEVELS = ("off", "warning", "error")


def find_pyproject(start: Path, stop: Path | None) -> Path | None:
    folder = start if start.is_dir() else start.parent
    folder = folder.resolve()
    while True:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
        if (stop is not None and folder == stop.resolve()) or folder.parent == folder:
            return None
        folder = folder.parent


def rule_levels(pyproject: Path | None) -> dict[str, str]:
    """{rule id: "off" | "warning" | "error"} for the rules configured."""
    if pyproject is None:
        return {}
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{pyproject}: cannot read it: {error}") from None
    table = data.get("tool", {}).get("prisma-isolate", {}).get("rules", {})
    if not isinstance(table, dict):
        raise UsageError(f"{pyproject}: [tool.prisma-isolate.rules] must be a table")
    levels = {}
    for key, level in table.items():
        rule = BY_KEY.get(key)
        if rule is None:
            raise UsageError(f"{pyproject}: [tool.prisma-isolate.rules] names no rule {key!r}")
        if level not in LEVELS:
            raise UsageError(
                f"{pyproject}: [tool.prisma-isolate.rules] {key} = {level!r}: use one of "
                + ", ".join(repr(v) for v in LEVELS)
            )
        levels[rule.id] = level
    return levels
