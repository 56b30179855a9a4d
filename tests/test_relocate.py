"""`prisma-isolate relocate` on a real PostgreSQL: the legacy, non-isolated
layout deployed into public by Prisma's own engine, filled with rows, moved."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from conftest import ROOT
from prisma_harness import without_datasource_urls

from generator.db.urls import with_parameter
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.psl.parser import parse_text

SCHEMA = "anythingllm"

# The bundled legacy schema on PostgreSQL, not isolated, plus an enum and JSON.
EXTRA = """
enum Visibility {
  PRIVATE
  PUBLIC
}

model shared_links {
  id         Int        @id @default(autoincrement())
  visibility Visibility @default(PRIVATE)
  payload    Json?
  note       String?
}
"""

ROWS = """
INSERT INTO users (username, password, role, "lastUpdatedAt")
  SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE 'user_' || i || '_ünïcødé_🙂' END, md5(i::text),
         'default', now() FROM generate_series(1, 1000) i;
INSERT INTO workspaces (name, slug, "openAiTemp", "lastUpdatedAt")
  SELECT 'Workspace ' || i, 'ws-' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 10.0 END, now()
  FROM generate_series(1, 200) i;
INSERT INTO workspace_users (user_id, workspace_id, "lastUpdatedAt")
  SELECT 1 + i % 1000, 1 + i / 1000, now() FROM generate_series(1, 2000) i;
INSERT INTO workspace_documents ("docId", filename, docpath, "workspaceId", metadata, "lastUpdatedAt")
  SELECT 'doc-' || i, 'file ' || i || '.pdf', '/docs/' || i, 1 + i % 200,
         CASE WHEN i % 5 = 0 THEN NULL ELSE json_build_object('page', i, 'title', 'naïve ' || i)::text END,
         now() FROM generate_series(1, 3000) i;
INSERT INTO document_vectors ("docId", "vectorId", "lastUpdatedAt")
  SELECT 'doc-' || i, 'vec-' || i, now() FROM generate_series(1, 3000) i;
INSERT INTO workspace_chats ("workspaceId", prompt, response, user_id, "lastUpdatedAt")
  SELECT 1 + i % 200, 'prompt ' || i, repeat('large response ✓ ', CASE WHEN i % 100 = 0 THEN 5000 ELSE 3 END),
         CASE WHEN i % 4 = 0 THEN NULL ELSE 1 + i % 1000 END, now()
  FROM generate_series(1, 5000) i;
INSERT INTO shared_links (visibility, payload, note)
  SELECT CASE WHEN i % 2 = 0 THEN 'PUBLIC' ELSE 'PRIVATE' END::"Visibility",
         jsonb_build_object('i', i, 'tags', jsonb_build_array('a', 'ü')), NULL
  FROM generate_series(1, 1000) i;
"""

# Another service on the same database: it must come out byte-identical.
OTHER_SERVICE = """
CREATE TYPE public.order_status AS ENUM ('open', 'paid');
CREATE TABLE public.orders (id serial PRIMARY KEY, status public.order_status, total numeric(10,2));
INSERT INTO public.orders (status, total) SELECT 'paid', i FROM generate_series(1, 50) i;
CREATE TABLE public.workspaces_archive (id int PRIMARY KEY, name text);
CREATE VIEW public.paid_orders AS SELECT * FROM public.orders WHERE status = 'paid';
"""


def legacy_text() -> str:
    text = (ROOT / "schema.prisma").read_text()
    text = text.replace('provider = "sqlite"', 'provider = "postgresql"')
    return without_datasource_urls(text) + EXTRA


def libpq(url: str) -> str:
    from generator.db.urls import without_parameter

    return without_parameter(url, "schema")


@pytest.fixture
def legacy(prisma, database, tmp_path):
    """A database whose public holds the legacy app (deployed by Prisma) and another service.
    Returns (url, schema file, migrations folder)."""
    files = [("schema.prisma", legacy_text())]
    migrations = tmp_path / "migrations"
    (migrations / "0_init").mkdir(parents=True)
    (migrations / "migration_lock.toml").write_text('provider = "postgresql"\n')
    (migrations / "0_init" / "migration.sql").write_text(prisma.diff_from_empty(files, "public"))
    assert prisma.apply_migrations(files, database, "public", migrations) == ["0_init"]
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(ROWS)
        connection.execute(OTHER_SERVICE)
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(legacy_text())
    return with_parameter(database, "schema", SCHEMA), schema_file, migrations


def run_cli(*args: str, timeout: float = 120):
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def relocate(schema_file: Path, url: str, *args: str):
    return run_cli("relocate", str(schema_file), "--database-url", url, *args)


def whole_dump(pg_server, url: str) -> str:
    return pg_server.dump_schema(libpq(url), data=True)


def other_service_dump(pg_server, url: str) -> str:
    return pg_server.dump_schema(libpq(url), "public", data=True)


def test_relocation_moves_everything_and_nothing_else(prisma, pg_server, legacy):
    url, schema_file, migrations = legacy
    # The other service alone, built the same way elsewhere: what public must equal afterwards.
    reference_name = pg_server.create_database()
    try:
        reference = pg_server.url(reference_name)
        with psycopg.connect(reference, autocommit=True) as connection:
            connection.execute(OTHER_SERVICE)
        expected_public = other_service_dump(pg_server, reference)
    finally:
        pg_server.drop_database(reference_name)

    result = relocate(schema_file, url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["status"] == "relocated"
    counts = {name: t["rows"] for name, t in report["tables"].items()}
    assert counts == {
        "system_settings": 0,
        "users": 1000,
        "workspaces": 200,
        "workspace_users": 2000,
        "workspace_documents": 3000,
        "document_vectors": 3000,
        "workspace_chats": 5000,
        "shared_links": 1000,
        "_prisma_migrations": 1,
    }
    assert other_service_dump(pg_server, url) == expected_public
    # verify is healthy, sequences continue, and Prisma sees no drift.
    verify = run_cli(
        "verify", str(schema_file), "--database-url", url, "--migrations", str(migrations), "--json"
    )
    assert verify.returncode == 0, verify.stdout
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        new_id = connection.execute(
            f'INSERT INTO "{SCHEMA}".workspaces (name, slug, "lastUpdatedAt")'
            " VALUES ('new', 'new', now()) RETURNING id"
        ).fetchone()[0]
    assert new_id == 201
    isolated = isolate(parse_text(legacy_text()), RewriteOptions()).outputs["schema.prisma"]
    drift = prisma.diff_database(
        [("schema.prisma", without_datasource_urls(isolated))], libpq(url), SCHEMA
    )
    assert "empty migration" in drift, drift
    # Again: nothing to do, and it says so.
    again = relocate(schema_file, url)
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_dry_run_prints_the_plan_and_changes_nothing(pg_server, legacy):
    url, schema_file, _ = legacy
    before = whole_dump(pg_server, url)
    result = relocate(schema_file, url, "--dry-run")
    assert result.returncode == 0
    assert 'ALTER TABLE "public"."workspace_chats" SET SCHEMA "anythingllm";' in result.stdout
    assert 'ALTER TYPE "public"."Visibility" SET SCHEMA "anythingllm";' in result.stdout
    assert 'ALTER TABLE "public"."_prisma_migrations" SET SCHEMA "anythingllm";' in result.stdout
    assert "orders" not in result.stdout and "workspaces_archive" not in result.stdout
    assert whole_dump(pg_server, url) == before


def test_kill_9_midway_leaves_the_database_as_it_was(pg_server, legacy):
    url, schema_file, _ = legacy
    before = whole_dump(pg_server, url)
    with psycopg.connect(libpq(url)) as blocker:
        # Hold a lock that the move of the last table must wait for.
        blocker.execute("LOCK TABLE public.workspace_chats IN ACCESS SHARE MODE")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "generator",
                "relocate",
                str(schema_file),
                "--database-url",
                url,
                "--lock-timeout",
                "60",
                "-q",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        # Polled from a connection of its own: pg_stat_activity is a snapshot
        # per transaction, and the blocker's transaction stays open.
        with psycopg.connect(libpq(url), autocommit=True) as observer:
            while time.monotonic() < deadline:
                waiting = observer.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND query LIKE 'ALTER TABLE%%workspace_chats%%'"
                ).fetchone()[0]
                if waiting:
                    break
                time.sleep(0.05)
            else:
                pytest.fail("relocate never reached the locked table")
        process.send_signal(signal.SIGKILL)
        process.wait()
        blocker.rollback()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with psycopg.connect(libpq(url), autocommit=True) as connection:
            if not connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE%%'"
                " AND pid <> pg_backend_pid()"
            ).fetchone()[0]:
                break
        time.sleep(0.1)
    assert whole_dump(pg_server, url) == before


def test_refused_when_the_target_already_holds_a_table(pg_server, legacy):
    url, schema_file, _ = legacy
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{SCHEMA}"; CREATE TABLE "{SCHEMA}".users (id int)')
    before = whole_dump(pg_server, url)
    result = relocate(schema_file, url)
    assert result.returncode == 1
    assert "anythingllm already holds users" in result.stderr
    assert whole_dump(pg_server, url) == before


def test_refused_when_an_object_is_missing_in_the_source(pg_server, legacy):
    url, schema_file, _ = legacy
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute("DROP TABLE public.document_vectors")
    before = whole_dump(pg_server, url)
    result = relocate(schema_file, url)
    assert result.returncode == 1
    assert "public lacks document_vectors" in result.stderr
    assert whole_dump(pg_server, url) == before


def test_refused_without_privileges(pg_server, legacy):
    url, schema_file, _ = legacy
    name = urlsplit(url).path.lstrip("/")
    role = "stranger_" + name[-8:]
    with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN")
    try:
        before = whole_dump(pg_server, url)
        parts = urlsplit(url)
        host = parts.netloc.rsplit("@", 1)[-1]
        result = relocate(schema_file, parts._replace(netloc=f"{role}@{host}").geturl())
        assert result.returncode == 2
        assert f"role {role} does not own" in result.stderr
        assert whole_dump(pg_server, url) == before
    finally:
        pg_server.drop_database(name)
        with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP ROLE IF EXISTS {role}")


def test_unreachable_database_is_exit_2_not_a_traceback(tmp_path):
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(legacy_text())
    result = relocate(schema_file, "postgresql://app:secret@127.0.0.1:9/app", "--timeout", "1")
    assert result.returncode == 2
    assert "cannot connect to postgresql://app:***@127.0.0.1:9/app" in result.stderr


def _history(url: str, schema: str) -> list[tuple]:
    with psycopg.connect(libpq(url)) as connection:
        if not connection.execute(
            "SELECT to_regclass(%s)", (f'"{schema}"._prisma_migrations',)
        ).fetchone()[0]:
            return []
        return connection.execute(
            f'SELECT id, checksum, migration_name, finished_at FROM "{schema}"._prisma_migrations'
            " ORDER BY migration_name, id"
        ).fetchall()


def _add_foreign_history(url: str) -> None:
    """Another service's Prisma history in the same public._prisma_migrations."""
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute(
            "INSERT INTO public._prisma_migrations (id, checksum, migration_name, finished_at,"
            " applied_steps_count) VALUES ('f-1', repeat('a', 64), '20240101000000_orders', now(), 1),"
            " ('f-2', repeat('b', 64), '20240202000000_paid', now(), 1)"
        )


def test_only_our_history_moves_whole(legacy):
    url, schema_file, _ = legacy
    ours = _history(url, "public")
    assert [r[2] for r in ours] == ["0_init"]
    result = relocate(schema_file, url, "--json")
    assert result.returncode == 0, result.stderr
    assert _history(url, SCHEMA) == ours and _history(url, "public") == []


def test_a_mixed_history_is_split_and_the_other_services_rows_stay(pg_server, legacy):
    url, schema_file, _ = legacy
    _add_foreign_history(url)
    before = _history(url, "public")
    theirs = [r for r in before if r[2] != "0_init"]
    result = relocate(schema_file, url, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert "only the application's (0_init) moved" in report["notes"][0]
    assert _history(url, "public") == theirs
    assert _history(url, SCHEMA) == [r for r in before if r[2] == "0_init"]
    # The other service's Prisma still sees its own history, and ours deploys cleanly.
    deployed = run_cli(
        "deploy",
        str(schema_file),
        "--database-url",
        url,
        "--migrations",
        str(schema_file.parent / "migrations"),
        "--json",
    )
    assert json.loads(deployed.stdout)["migrations"]["applied"] == [], deployed.stdout


def test_a_history_with_no_row_of_ours_is_left_alone(pg_server, legacy, tmp_path):
    url, schema_file, _ = legacy
    _add_foreign_history(url)
    with psycopg.connect(libpq(url), autocommit=True) as connection:
        connection.execute("DELETE FROM public._prisma_migrations WHERE migration_name = '0_init'")
    before = _history(url, "public")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = relocate(schema_file, url, "--migrations", str(elsewhere))
    assert result.returncode == 0, result.stderr
    assert "was left alone" in result.stderr and "20240101000000_orders" in result.stderr
    assert _history(url, "public") == before and _history(url, SCHEMA) == []
