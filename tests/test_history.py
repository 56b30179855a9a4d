"""Applied history is immutable: generate never edits an existing migration,
never gives a history a second baseline, never mixes a PostgreSQL history
into another provider's, and never overwrites its own input."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

V2025 = "mintplex__schema.prisma__5716ac5e__2025-11-24.prisma"
V2026 = "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"


def generate(schema: Path, out: Path, *args: str):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(schema),
            "-o",
            str(out),
            "--provider",
            "postgresql",
            "-q",
            *args,
        ],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_changed_schema_appends_and_never_edits_the_applied_baseline(corpus, tmp_path):
    out = tmp_path / "out"
    assert generate(corpus / "anythingllm" / V2025, out).returncode == 0
    before = snapshot(out)
    again = generate(corpus / "anythingllm" / V2025, out)
    assert again.returncode == 0 and snapshot(out) == before  # unchanged: nothing written
    check = generate(corpus / "anythingllm" / V2026, out, "--check")
    assert check.returncode == 1 and snapshot(out) == before  # would append, writes nothing
    changed = generate(corpus / "anythingllm" / V2026, out)
    assert changed.returncode == 0, changed.stderr
    after = snapshot(out)
    assert after["migrations/0_init/migration.sql"] == before["migrations/0_init/migration.sql"]
    added = [p for p in after if p not in before]
    assert len(added) == 1 and added[0].endswith("_update/migration.sql")


def test_a_sqlite_history_is_never_mixed_with_postgresql(corpus, tmp_path):
    out = tmp_path / "out"
    history = out / "migrations" / "20230921191814_init"
    history.mkdir(parents=True)
    shutil.copy(
        corpus / "anythingllm" / "mintplex__migrations__20230921191814_init__migration.sql",
        history / "migration.sql",
    )
    (out / "migrations" / "migration_lock.toml").write_text('provider = "sqlite"\n')
    before = snapshot(out)
    result = generate(corpus / "anythingllm" / V2025, out)
    assert result.returncode == 2 and "holds a sqlite migration history" in result.stderr
    assert snapshot(out) == before


def test_a_history_never_gets_a_second_baseline(corpus, tmp_path):
    out = tmp_path / "out"
    (out / "migrations" / "20240101000000_init").mkdir(parents=True)
    (out / "migrations" / "20240101000000_init" / "migration.sql").write_text("SELECT 1;\n")
    (out / "migrations" / "migration_lock.toml").write_text('provider = "postgresql"\n')
    before = snapshot(out)
    result = generate(corpus / "anythingllm" / V2025, out)
    assert result.returncode == 2 and "no record of the schema they produce" in result.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize("target", [".", "schema.prisma"])
def test_the_input_is_never_overwritten(corpus, tmp_path, target):
    schema = tmp_path / "schema.prisma"
    shutil.copy(corpus / "anythingllm" / V2025, schema)
    before = snapshot(tmp_path)
    out = tmp_path if target == "." else tmp_path / "x" / ".."
    result = generate(schema, out)
    assert result.returncode == 2 and "would overwrite the input" in result.stderr
    assert snapshot(tmp_path) == before
