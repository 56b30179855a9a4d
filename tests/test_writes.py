"""Writes are all-or-nothing and keep what a path is: several files are written
together or not at all; a symlink stays a link, a hard link stays linked, the
owner and mode stay; a path that cannot be written is exit 2 naming it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

MODELS = """
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
"""


def cli(*args: str, unprivileged: bool = False, **kwargs):
    """The CLI; `unprivileged`: as root without the capabilities that bypass file
    permissions (the tests run as root, where nothing is ever unwritable)."""
    prefix = []
    if unprivileged:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv (util-linux) is not installed")
        if os.geteuid() == 0:
            prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        **kwargs,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def schema_folder(tmp_path: Path) -> Path:
    """A two-file schema whose second file lives in a folder of its own."""
    folder = tmp_path / "schema"
    (folder / "models").mkdir(parents=True)
    (folder / "main.prisma").write_text(MODELS)
    (folder / "models" / "user.prisma").write_text("model User {\n  id Int @id\n}\n")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_folder_in_place_with_one_unwritable_file_writes_nothing(tmp_path):
    folder = schema_folder(tmp_path)
    before = snapshot(folder)
    (folder / "models").chmod(0o555)
    try:
        result = cli("rewrite", str(folder), "--in-place", unprivileged=True)
    finally:
        (folder / "models").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert f"{folder / 'models' / 'user.prisma'}: cannot write: Permission denied" in result.stderr
    assert "nothing was written" in result.stderr
    assert snapshot(folder) == before
    assert not list(folder.rglob("*.tmp"))


def test_generate_with_a_folder_in_the_way_writes_nothing(tmp_path):
    out = tmp_path / "out"
    (out / "railway.toml").mkdir(parents=True)
    result = cli(
        "generate", str(ROOT / "schema.prisma"), "--provider", "postgresql", "-o", str(out)
    )
    assert result.returncode == 2, result.stderr
    assert f"{out / 'railway.toml'}: cannot write: is a folder" in result.stderr
    assert [p.name for p in out.rglob("*")] == ["railway.toml"]  # no file, no empty folder


def test_generate_into_an_unwritable_folder_is_exit_2_with_the_path(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = cli(
            "generate",
            str(ROOT / "schema.prisma"),
            "--provider",
            "postgresql",
            "-o",
            str(out),
            unprivileged=True,
        )
    finally:
        out.chmod(0o755)
    assert result.returncode == 2 and "Permission denied" in result.stderr
    assert str(out) in result.stderr and not list(out.iterdir())


def test_in_place_writes_through_a_symlink(tmp_path):
    real = tmp_path / "real.prisma"
    real.write_text(MODELS + "model A {\n  id Int @id\n}\n")
    link = tmp_path / "link.prisma"
    link.symlink_to(real)
    assert cli("rewrite", str(link), "--in-place").returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert '@@schema("anythingllm")' in real.read_text()


def test_in_place_keeps_hard_links_owner_and_mode(tmp_path):
    first = tmp_path / "a.prisma"
    first.write_text(MODELS + "model A {\n  id Int @id\n}\n")
    other = tmp_path / "b.prisma"
    os.link(first, other)
    inode = first.stat().st_ino
    assert cli("rewrite", str(first), "--in-place").returncode == 0
    assert first.stat().st_ino == inode and '@@schema("anythingllm")' in other.read_text()

    owned = tmp_path / "owned.prisma"
    owned.write_text(MODELS + "model B {\n  id Int @id\n}\n")
    owned.chmod(0o640)
    if os.geteuid() == 0:
        os.chown(owned, 4321, 4321)
    assert cli("rewrite", str(owned), "--in-place").returncode == 0
    status = owned.stat()
    assert status.st_mode & 0o7777 == 0o640
    if os.geteuid() == 0:
        assert (status.st_uid, status.st_gid) == (4321, 4321)


def test_output_folder_given_with_a_trailing_slash(tmp_path):
    target = tmp_path / "outdir"
    result = cli(
        "rewrite", str(ROOT / "schema.prisma"), "--provider", "postgresql", "-o", f"{target}/"
    )
    assert result.returncode == 0, result.stderr
    assert (target / "schema.prisma").is_file()


def test_a_closed_pipe_ends_the_diff_quietly(tmp_path):
    big = tmp_path / "big.prisma"
    big.write_text(MODELS + "".join(f"model M{i} {{\n  id Int @id\n}}\n\n" for i in range(4000)))
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "rewrite", str(big), "--diff"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline().startswith(b"---")
    process.stdout.close()  # `| head -1`
    stderr = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "internal error" not in stderr and "Traceback" not in stderr
    assert process.returncode != 123
