"""Black-style cache of schemas known to be isolated already.

The build step runs `rewrite --check` on every build, and the schema rarely
changes.  When the exact same bytes were found (or made) isolated before, with
the same options and the same code, the answer is known without importing the
parser.  An entry is an empty file named by a hash; nothing is ever loaded
from the cache, so a tampered cache can only cost a re-check, never run code.

PRISMA_ISOLATE_CACHE_DIR moves it; PRISMA_ISOLATE_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from . import __version__


def _cache_dir() -> Path | None:
    if os.environ.get("PRISMA_ISOLATE_NO_CACHE"):
        return None
    base = os.environ.get("PRISMA_ISOLATE_CACHE_DIR")
    if base:
        return Path(base)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "prisma-isolate" / "isolated"


def _code_fingerprint() -> str:
    """Changes whenever the package's code or grammar changes, so that a
    development checkout never trusts verdicts of older code."""
    package = Path(__file__).parent
    parts = [__version__]
    for path in sorted(package.iterdir()):
        if path.suffix in (".py", ".lark"):
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def key(files: list[tuple[str, bytes]], options: str) -> str:
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    digest.update(b"\0" + options.encode() + b"\0")
    for name, data in files:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def is_isolated(cache_key: str) -> bool:
    directory = _cache_dir()
    return directory is not None and (directory / cache_key).is_file()


def remember_isolated(cache_key: str) -> None:
    directory = _cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        (directory / cache_key).touch()
    except OSError:
        pass  # a cache that cannot be written is only a slower next run
