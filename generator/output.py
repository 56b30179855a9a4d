"""What commands write: files (all of a command's files, or none of them)
and unified diffs.

Every file is first written to a temp name in its target's folder (so that
the rename cannot cross file systems), with the mode and owner of the file it
replaces; only when all of them are ready are they renamed into place.  A
failure while preparing leaves nothing behind.  A rename that fails after
others succeeded (a disk yanked away between two renames) is reported with
exactly what was and was not written.

What a path is, is kept: a symlink is written through to its target (the
link stays a link); a file with hard links, or whose owner this process
cannot give a new file, is overwritten in place, so its inode, links and
owner stay, as black does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import WriteError


@dataclass
class _Prepared:
    target: Path  # the real file (symlinks followed)
    temp: str | None  # the temp file to rename, or None to overwrite in place
    data: bytes
    created_dirs: list[Path] = field(default_factory=list)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


def _make_dirs(directory: Path) -> list[Path]:
    """mkdir -p, returning the folders it created (deepest last)."""
    missing = []
    for parent in [directory, *directory.parents]:
        if parent.exists():
            break
        missing.append(parent)
    for folder in reversed(missing):
        folder.mkdir()
    return list(reversed(missing))


def _prepare(path: Path, data: bytes) -> _Prepared:
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise IsADirectoryError(21, "is a folder, not a file", str(path))
    created = _make_dirs(target.parent)
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    prepared = _Prepared(target, None, data, created)
    if existing is not None and existing.st_nlink > 1:
        if not os.access(target, os.W_OK):
            raise PermissionError(13, "Permission denied", str(path))
        return prepared  # in place: keeps the hard links
    fd, temp = _new_file_beside(target)
    prepared.temp = temp
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temp, existing.st_mode & 0o7777 if existing else 0o644)
    if existing is not None and (existing.st_uid, existing.st_gid) != (os.getuid(), os.getgid()):
        try:
            os.chown(temp, existing.st_uid, existing.st_gid)
        except PermissionError:
            # The new file would change owner: overwrite in place instead.
            os.unlink(temp)
            prepared.temp = None
            if not os.access(target, os.W_OK):
                raise PermissionError(13, "Permission denied", str(path)) from None
    return prepared


def _commit(prepared: _Prepared) -> None:
    if prepared.temp is not None:
        os.replace(prepared.temp, prepared.target)
        return
    with open(prepared.target, "r+b") as handle:
        handle.write(prepared.data)
        handle.truncate()


def _discard(prepared: list[_Prepared]) -> None:
    for item in prepared:
        if item.temp is not None:
            try:
                os.unlink(item.temp)
            except FileNotFoundError:
                pass
    for item in reversed(prepared):
        for folder in reversed(item.created_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass


def write_files(files: dict[Path, str]) -> list[Path]:
    """Write every file, or none; returns the paths written.  Raises WriteError."""
    prepared: list[_Prepared] = []
    for path, text in files.items():
        try:
            prepared.append(_prepare(path, text.encode("utf-8")))
        except OSError as error:
            _discard(prepared)
            raise WriteError(
                f"{path}: cannot write: {_reason(error)}; nothing was written"
            ) from None
    written: list[Path] = []
    for index, item in enumerate(prepared):
        try:
            _commit(item)
        except OSError as error:
            _discard(prepared[index:])
            paths = list(files)
            done = ", ".join(str(p) for p in written) or "nothing"
            left = ", ".join(str(p) for p in paths[index:])
            raise WriteError(
                f"{paths[index]}: cannot write: {_reason(error)}; written before the failure: "
                f"{done}; not written: {left}"
            ) from None
        written.append(list(files)[index])
    return written


# --- unified diffs for --diff, coloured like git's when asked to ----------------

_RESET = "\033[0m"
_COLORS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}


def unified_diff(before: str, after: str, name: str, color: bool = False) -> str:
    import difflib  # here: only --diff shows one

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


def _new_file_beside(target: Path) -> tuple[int, str]:
    """A new, private file beside `target`, as tempfile.mkstemp makes one
    (O_EXCL: never a file or link already there); importing tempfile cost a
    cold build step ~3 ms."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        temp = os.path.join(target.parent, f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(temp, flags, 0o600), temp
        except FileExistsError:
            continue
    raise FileExistsError(17, "no free temporary name", str(target.parent))
