"""What the review reads from git: the base commit and files as they were
there.  I/O only, through the `git` command; every failure is a GitError
with a message for the user."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


class GitError(Exception):
    """Outside a repository, an unknown ref, no git: said plainly (exit 2)."""


@dataclass(frozen=True)
class Base:
    root: Path  # the repository's top folder
    commit: str  # the base commit's full hash
    label: str  # what the user knows it by: "origin/main (merge base)", "v1.2"


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, encoding="utf-8"
        )
    except FileNotFoundError:
        raise GitError("git is not installed (give --from FILE to compare with a file)") from None
    if result.returncode != 0:
        raise GitError(
            result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "git failed"
        )
    return result.stdout


def repository(path: Path) -> Path:
    """The top folder of the repository holding `path`."""
    start = path if path.is_dir() else path.parent
    try:
        return Path(_git(start, "rev-parse", "--show-toplevel").strip())
    except GitError:
        raise GitError(
            f"{path} is not in a git repository (give --from FILE to compare with a file)"
        ) from None


def default_branch(root: Path) -> str:
    """origin's default branch, else a local main or master."""
    try:
        symbolic = _git(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD").strip()
        return symbolic.removeprefix("refs/remotes/")
    except GitError:
        pass
    for name in ("main", "master"):
        try:
            _git(root, "rev-parse", "--verify", "--quiet", f"refs/heads/{name}")
            return name
        except GitError:
            continue
    raise GitError("no default branch found (origin/HEAD, main or master): give --base REF")


def resolve_base(path: Path, ref: str | None) -> Base:
    """The commit to compare with: `ref`, else the merge base of HEAD with the
    default branch (a pull request's starting point)."""
    root = repository(path)
    if ref is not None:
        try:
            commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except GitError:
            raise GitError(f"unknown ref {ref!r}") from None
        return Base(root, commit, ref)
    branch = default_branch(root)
    try:
        commit = _git(root, "merge-base", "HEAD", branch).strip()
    except GitError as error:
        raise GitError(f"no merge base of HEAD and {branch}: {error}") from None
    return Base(root, commit, f"{branch} (merge base {commit[:12]})")


def relative(base: Base, path: Path) -> PurePosixPath:
    return PurePosixPath(path.resolve().relative_to(base.root.resolve()).as_posix())


def files_at(base: Base, path: Path, suffix: str = "") -> dict[str, str]:
    """{repository-relative path: text} of the files under `path` (a file or a
    folder) at the base commit; empty when it did not exist there."""
    where = relative(base, path)
    listing = _git(base.root, "ls-tree", "-r", "--name-only", base.commit, "--", str(where))
    names = [n for n in listing.splitlines() if n and n.endswith(suffix)]
    return {name: _git(base.root, "show", f"{base.commit}:{name}") for name in names}
