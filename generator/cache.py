"""Black-style cache of schemas known to be isolated already.

The build step runs `rewrite --check` on every build, and the schema rarely
changes.  When the exact same bytes were found (or made) isolated before, with
the same options and the same code, the answer is known without importing the
parser.  An entry is an empty file named by a hash; nothing is ever loaded
from the cache, so a tampered cache can only cost a re-check, never run code.

PRISMA_ISOLATE_CACHE_DIR moves it; PRISMA_ISOLATE_NO_CACHE=1 turns it off, and
with it the two other caches kept beside it (`private_directory`): the
analysed grammar when the shipped tables do not apply, and compiled templates.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from generator import __version__


def _cache_dir() -> Path | None:
    if os.environ.get("PRISMA_ISOLATE_NO_CACHE"):
        return None
    base = os.environ.get("PRISMA_ISOLATE_CACHE_DIR")
    if base:
        return Path(base)
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "prisma-isolate" / "isolated"


def private_directory(name: str) -> str | None:
    """A directory only this user can write, for a cache whose entries are
    loaded (a pickled grammar, compiled templates): never a shared temp dir,
    where anyone could plant one.  None when caching is off or impossible."""
    if os.environ.get("PRISMA_ISOLATE_NO_CACHE"):
        return None
    base = os.environ.get("PRISMA_ISOLATE_CACHE_DIR")
    if not base:
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        base = os.path.join(root, "prisma-isolate")
    directory = os.path.join(base, name)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return directory if os.access(directory, os.W_OK) else None


def _code_fingerprint() -> str:
    """Changes whenever the package's code, grammar or templates change, so
    that a development checkout never trusts verdicts of older code."""
    from generator import templates as templates_package  # an empty package: cheap to import

    return fingerprint_of(Path(__file__).parent, Path(templates_package.__file__).parent)


def fingerprint_of(package: Path, templates: Path) -> str:
    parts = [__version__]
    for folder, pattern in ((package, "**/*.py"), (package, "**/*.lark"), (templates, "*.jinja")):
        for path in sorted(folder.glob(pattern)):
            stat = path.stat()
            parts.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\n".join(parts)


def key(files: list[tuple[str, bytes]], options: str) -> str:
    digest = hashlib.sha256()
    digest.update(_code_fingerprint().encode())
    digest.update(b"\0" + options.encode() + b"\0")
    for name, data in files:
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def schema_key(path: str, options) -> str | None:
    """The key of a file or folder input under `options` (None for standard
    input, or when it cannot be read: the normal path then reports it)."""
    contents = _input_contents(path)
    if contents is None:
        return None
    version = options.prisma_version.key if options.prisma_version else None
    described = (
        f"{options.schema}|{sorted(options.keep_in_public)}|{options.force}|"
        f"{options.provider}|{version}"
    )
    return key(contents, described)


def format_key(path: str) -> str | None:
    """The key of `format`'s verdict on a file or folder (its bytes, this code)."""
    contents = _input_contents(path)
    return None if contents is None else key(contents, "format")


def _input_contents(path: str) -> list[tuple[str, bytes]] | None:
    """(name, bytes) of each file of a file or folder input; None for standard
    input, or when it cannot be read (the normal path then reports it)."""
    from generator.psl.source import schema_files_in

    if path == "-":
        return None
    location = Path(path)
    try:
        files = schema_files_in(location) if location.is_dir() else [location]
        return [(str(f), f.read_bytes()) for f in files]
    except OSError:
        return None


def generate_key(schema: str | None, *settings: str) -> str | None:
    """The key of a `generate` run: the input's key and every setting that
    shapes the output folder."""
    if schema is None:
        return None
    return key([("generate", "\0".join(settings).encode())], schema)


def has_verdict(cache_key: str) -> bool:
    """Whether these bytes were found good before (isolated for rewrite,
    formatted for format): an empty file named by the key says so."""
    directory = _cache_dir()
    return directory is not None and (directory / cache_key).is_file()


def remember_verdict(cache_key: str) -> None:
    directory = _cache_dir()
    if directory is None:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        (directory / cache_key).touch()
    except OSError:
        pass  # a cache that cannot be written is only a slower next run


def remember_outputs(cache_key: str, files: dict[str, str]) -> None:
    """Record the sha256 of every file a `generate` run produced for this key."""
    directory = _cache_dir()
    if directory is None:
        return
    lines = [f"{hashlib.sha256(text.encode()).hexdigest()}  {name}" for name, text in files.items()]
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = directory / f"{cache_key}.outputs"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def outputs_up_to_date(cache_key: str, output_dir: Path) -> bool:
    """Whether a previous run with this key wrote `output_dir` and every file
    there still has the content it wrote (hashes only: nothing is loaded)."""
    directory = _cache_dir()
    if directory is None:
        return False
    try:
        recorded = (directory / f"{cache_key}.outputs").read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for line in recorded:
        digest, _, name = line.partition("  ")
        try:
            actual = hashlib.sha256((output_dir / name).read_bytes()).hexdigest()
        except OSError:
            return False
        if actual != digest:
            return False
    return bool(recorded)
