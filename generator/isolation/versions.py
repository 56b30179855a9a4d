"""Which Prisma version a schema targets, and what that version needs.

The target comes from `--prisma-version X.Y`, else from the nearest
package.json (its `prisma` or `@prisma/client` dependency, a range resolved to
the lowest version it admits), else it is unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError

_VERSION = re.compile(r"^\s*v?(\d+)(?:\.(\d+|x|\*))?(?:\.(\d+|x|\*))?")


@dataclass(frozen=True, order=True)
class PrismaVersion:
    major: int
    minor: int = 0
    patch: int = 0
    origin: str = ""  # where it was read from, for messages

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)


# multiSchema: a preview feature from 4.3.0, generally available from 6.13.0.
MULTI_SCHEMA_PREVIEW_FROM = (4, 3, 0)
MULTI_SCHEMA_GA_FROM = (6, 13, 0)
# Prisma 7 rejects `url` in the datasource; it belongs in prisma.config.ts.
DATASOURCE_URL_REMOVED_IN = (7, 0, 0)


def parse_version(text: str, origin: str = "") -> PrismaVersion | None:
    """The lowest version a version or npm range admits (None when unknowable)."""
    text = text.strip()
    if not text or text in ("*", "x", "latest", "next", "dev"):
        return None
    if text.startswith(("workspace:", "file:", "link:", "git", "http", "npm:", "catalog:")):
        return None
    # For "a || b" the lowest of the alternatives; each alternative's first
    # comparator is its lower bound (">=6.1 <7" -> 6.1, "^6.12.0" -> 6.12.0).
    candidates = []
    for alternative in text.split("||"):
        alternative = alternative.strip().lstrip("^~>=< ")
        alternative = alternative.split(" - ")[0].split()[0] if alternative else ""
        match = _VERSION.match(alternative)
        if match:
            parts = [int(p) if p and p.isdigit() else 0 for p in match.groups()]
            candidates.append(PrismaVersion(parts[0], parts[1], parts[2], origin))
    return min(candidates, default=None)


def parse_version_option(text: str) -> PrismaVersion:
    """`--prisma-version X.Y[.Z]`."""
    if not re.fullmatch(r"\d+(\.\d+){0,2}", text.strip()):
        raise UsageError(f"--prisma-version must look like 6.12 or 6.12.0, not {text!r}")
    version = parse_version(text, "--prisma-version")
    assert version is not None
    return version


def version_from_package_json(start: Path, warn=None) -> PrismaVersion | None:
    """The Prisma version in the nearest package.json at or above `start`
    (`warn` is told when that file cannot be read)."""
    directory = start if start.is_dir() else start.parent
    for folder in [directory.resolve(), *directory.resolve().parents]:
        manifest = folder / "package.json"
        if not manifest.is_file():
            continue
        import json  # here: the usual build has no package.json to read

        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (OSError, ValueError) as error:
            if warn is not None:
                reason = error.strerror if isinstance(error, OSError) else str(error)
                warn(
                    f"{manifest}: cannot read the Prisma version ({reason}); the target is "
                    "unknown (--prisma-version sets it)"
                )
            return None
        for section in ("dependencies", "devDependencies"):
            deps = data.get(section) or {}
            for name in ("prisma", "@prisma/client"):
                if isinstance(deps.get(name), str):
                    version = parse_version(deps[name], f"{manifest} ({name} {deps[name]})")
                    if version is not None:
                        return version
        return None  # the nearest package.json decides, even when it has no prisma
    return None


def needs_multi_schema_flag(version: PrismaVersion | None) -> bool:
    """Whether `previewFeatures` must list "multiSchema" (True when unknown:
    the flag is harmless on 6.13+, where Prisma only warns that it is deprecated)."""
    if version is None:
        return True
    return version.key < MULTI_SCHEMA_GA_FROM


def supports_multi_schema(version: PrismaVersion | None) -> bool:
    return version is None or version.key >= MULTI_SCHEMA_PREVIEW_FROM


def datasource_url_allowed(version: PrismaVersion | None) -> bool:
    return version is None or version.key < DATASOURCE_URL_REMOVED_IN
