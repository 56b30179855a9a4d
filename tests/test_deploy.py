"""`prisma-isolate deploy` on a real PostgreSQL, judged by Prisma's own
migration engine (the Node harness) where Prisma has an opinion."""

from __future__ import annotations

import json
import os
import re
import shlex
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

from generator.db.session import ADVISORY_LOCK_KEY
from generator.db.urls import with_parameter
from generator.emit.generate import generate
from generator.emit.layout import checksum, checksum_matches
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.psl.parser import parse_path

SCHEMA = "anythingllm"
PASSWORD = "pa55-Word-never-printed"


@pytest.fixture
def url(database) -> str:
    """The application's URL as Prisma wants it, with a password (the embedded
    server trusts local logins, so any password connects)."""
    parts = urlsplit(database)
    host = parts.netloc.rsplit("@", 1)[-1]
    with_password = parts._replace(netloc=f"postgres:{PASSWORD}@{host}").geturl()
    return with_parameter(with_password, "schema", SCHEMA)


def run_deploy(schema_path: Path, url: str, *args: str, env: dict | None = None, timeout=120):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "deploy", str(schema_path), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "DATABASE_URL": url, **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    return result


def report_of(result) -> dict:
    return json.loads(result.stdout)


def rows(url: str, sql: str, params=()) -> list[tuple]:
    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        cursor = connection.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _libpq(url: str) -> str:
    from generator.db.urls import without_parameter

    return without_parameter(url, "schema")


def history(url: str) -> list[tuple]:
    return rows(
        url,
        f"SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, logs IS NULL,"
        f' applied_steps_count FROM "{SCHEMA}"."_prisma_migrations" ORDER BY started_at',
    )


def add_migration(project: Path, name: str, sql: str) -> Path:
    folder = project.parent / "migrations" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "migration.sql").write_text(sql)
    return folder / "migration.sql"


def prisma_files(project: Path) -> list[tuple[str, str]]:
    return [("schema.prisma", without_datasource_urls(project.read_text()))]


# --- a fresh database, judged by Prisma ----------------------------------------------


def test_fresh_database_deploys_healthy_and_prisma_agrees(prisma, project, url):
    result = run_deploy(project, url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = report_of(result)
    assert report["ok"] and report["verification"]["healthy"]
    assert [m["name"] for m in report["migrations"]["applied"]] == ["0_init"]
    assert history(url) == [("0_init", True, False, True, 1)]
    # Prisma's own `migrate deploy` sees it applied: nothing to do, no drift.
    migrations = project.parent / "migrations"
    assert prisma.apply_migrations(prisma_files(project), _libpq(url), SCHEMA, migrations) == []
    assert "empty migration" in prisma.diff_database(prisma_files(project), _libpq(url), SCHEMA)
    status = prisma.diagnose_migration_history(
        prisma_files(project), _libpq(url), SCHEMA, migrations
    )
    assert status["failedMigrationNames"] == [] and status["editedMigrationNames"] == []
    assert status["history"] is None  # Prisma: the folder and the table agree
    # A second deploy is a no-op.
    again = report_of(run_deploy(project, url, "--json"))
    assert again["migrations"] == {"applied": [], "already_applied": ["0_init"], "baselined": []}


def test_records_what_prisma_records(prisma, pg_server, project, url):
    """Same table definition (pg_dump), same checksum and columns as a row
    written by Prisma's engine applying the same folder."""
    assert run_deploy(project, url).returncode == 0
    theirs_name = pg_server.create_database()
    theirs = pg_server.url(theirs_name)
    try:
        prisma.apply_migrations(
            prisma_files(project), theirs, SCHEMA, project.parent / "migrations"
        )
        table = f"{SCHEMA}._prisma_migrations"
        ours_dump = pg_server.dump_schema_table(_libpq(url), table)
        theirs_dump = pg_server.dump_schema_table(theirs, table)
        assert ours_dump == theirs_dump
        query = (
            f"SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count,"
            f' finished_at >= started_at FROM "{SCHEMA}"."_prisma_migrations"'
        )
        assert rows(url, query) == rows(theirs, query)
    finally:
        pg_server.drop_database(theirs_name)
    script = (project.parent / "migrations" / "0_init" / "migration.sql").read_text()
    assert rows(url, f'SELECT checksum FROM "{SCHEMA}"."_prisma_migrations"') == [
        (checksum(script),)
    ]


def test_checksum_comparison_is_prismas():
    script = "CREATE TABLE a (id int);\nSELECT 1;\n"
    assert checksum_matches(script, checksum(script))
    assert checksum_matches(script.replace("\n", "\r\n"), checksum(script))  # git autocrlf
    import hashlib

    unpadded = "".join(f"{b:x}" for b in hashlib.sha256(script.encode()).digest())
    assert checksum_matches(script, unpadded)  # prisma-engines#1887
    assert not checksum_matches(script + " ", checksum(script))


# --- a database shared with another service ---------------------------------------------

OTHER_SERVICE = """
CREATE TABLE public.orders (id serial PRIMARY KEY, total numeric(10,2), note text);
INSERT INTO public.orders (total, note) VALUES (10.50, 'first'), (99.99, 'ünïcødé');
CREATE TABLE public.workspaces (id int PRIMARY KEY, owner text);  -- same name as ours
INSERT INTO public.workspaces VALUES (1, 'someone else');
CREATE TABLE public._prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
    migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0);
INSERT INTO public._prisma_migrations VALUES
    ('11111111-1111-1111-1111-111111111111', repeat('a', 64), now(), '0_init', NULL, NULL, now(), 1);
"""


def test_shared_database_leaves_the_other_service_alone(prisma, pg_server, project, url):
    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        connection.execute(OTHER_SERVICE)
    before = pg_server.dump_schema(_libpq(url), "public", data=True)
    result = run_deploy(project, url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert pg_server.dump_schema(_libpq(url), "public", data=True) == before
    assert history(url) == [("0_init", True, False, True, 1)]
    migrations = project.parent / "migrations"
    assert prisma.apply_migrations(prisma_files(project), _libpq(url), SCHEMA, migrations) == []
    assert "empty migration" in prisma.diff_database(prisma_files(project), _libpq(url), SCHEMA)


# --- concurrency and crashes ---------------------------------------------------------------


def test_concurrent_deploys_apply_each_migration_once(pg_server, project):
    add_migration(project, "1_more", 'CREATE TABLE "audit" ("id" SERIAL PRIMARY KEY);\n')
    names = []
    try:
        for _ in range(20):
            name = pg_server.create_database()
            names.append(name)
            url = with_parameter(pg_server.url(name), "schema", SCHEMA)
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "generator", "deploy", str(project), "--json"],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    env={**os.environ, "DATABASE_URL": url},
                )
                for _ in range(8)
            ]
            outputs = [p.communicate(timeout=120) for p in processes]
            codes = [p.returncode for p in processes]
            assert codes == [0] * 8, outputs
            applied = [
                m["name"] for out, _ in outputs for m in json.loads(out)["migrations"]["applied"]
            ]
            assert sorted(applied) == ["0_init", "1_more"]  # each exactly once, in all
            assert history(url) == [
                ("0_init", True, False, True, 1),
                ("1_more", True, False, True, 1),
            ]
            pg_server.drop_database(name)
            names.pop()
    finally:
        for name in names:
            pg_server.drop_database(name)


def _advisory_lock_holders(url: str) -> int:
    # pg_locks spans the cluster: without the database filter, a deploy of a
    # test running beside this one (another database, same server) counts too.
    return rows(
        url,
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        (ADVISORY_LOCK_KEY,),
    )[0][0]


def test_kill_9_mid_migration_then_rerun_converges(project, url):
    add_migration(
        project,
        "1_slow",
        'CREATE TABLE "half" ("id" INTEGER);\nSELECT pg_sleep(4);\n'
        'CREATE TABLE "other_half" ("id" INTEGER);\n',
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "deploy", str(project), "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "DATABASE_URL": url},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until the sleep is running
        if rows(
            url,
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(4)%%'"
            " AND pid <> pg_backend_pid()",
        )[0][0]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the slow migration never started")
    process.send_signal(signal.SIGKILL)
    process.wait()
    # The backend notices its client is gone (client_connection_check_interval),
    # rolls back, and its advisory lock goes with the session.
    deadline = time.monotonic() + 10
    while _advisory_lock_holders(url) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _advisory_lock_holders(url) == 0
    # 0_init committed before the kill; 1_slow left nothing behind.
    assert history(url) == [("0_init", True, False, True, 1)]
    assert rows(url, f'SELECT to_regclass(\'"{SCHEMA}"."half"\')') == [(None,)]
    # Rerun with a quick version of the migration? No: the file must not change.
    # The rerun applies the same migration from the start and converges.
    result = run_deploy(project, url, "--json", timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [m["name"] for m in report_of(result)["migrations"]["applied"]] == ["1_slow"]
    assert history(url) == [("0_init", True, False, True, 1), ("1_slow", True, False, True, 1)]
    assert _advisory_lock_holders(url) == 0


def test_lock_timeout_is_a_clear_error(project, url):
    with psycopg.connect(_libpq(url), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        started = time.monotonic()
        result = run_deploy(project, url, "--lock-timeout", "1")
        elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert elapsed < 8
    assert "pg_advisory_lock 72707369" in result.stderr and "more than 1 s" in result.stderr
    assert rows(url, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (SCHEMA,)) == [(0,)]


# --- failures and the policy ------------------------------------------------------------------

BAD = 'CREATE TABLE "partial" ("id" INTEGER);\nSELECT 1/0;\n'


def test_failed_migration_policy_and_resolve(prisma, project, url):
    assert run_deploy(project, url).returncode == 0
    bad = add_migration(project, "1_bad", BAD)
    # Development: fail.
    result = run_deploy(project, url)
    assert result.returncode == 1
    assert (
        "1_bad failed and was rolled back" in result.stderr and "division by zero" in result.stderr
    )
    assert rows(url, f'SELECT to_regclass(\'"{SCHEMA}"."partial"\')') == [(None,)]
    assert history(url)[-1] == ("1_bad", False, False, False, 0)  # Prisma's failed shape
    status = prisma.diagnose_migration_history(
        prisma_files(project), _libpq(url), SCHEMA, project.parent / "migrations"
    )
    assert status["failedMigrationNames"] == ["1_bad"]  # Prisma reads our record as failed
    # Production: the next deploy refuses (P3009) but exits 0, loudly, and verify still sees it.
    result = run_deploy(project, url, "--env", "production", "--json")
    assert result.returncode == 0
    report = report_of(result)
    assert report["error"]["kind"] == "failed_migration" and "P3009" in report["error"]["message"]
    assert "DEPLOY FAILED" in result.stderr
    assert ("migrations", f"{SCHEMA}._prisma_migrations.1_bad") in [
        (f["check"], f["object"]) for f in verify_findings(project, url)
    ]
    # --resolve refuses a migration that is not failed, then resolves the failed one.
    assert run_deploy(project, url, "--resolve", "0_init", "--rolled-back").returncode == 3
    bad.write_text('CREATE TABLE "partial" ("id" INTEGER);\n')
    assert run_deploy(project, url, "--resolve", "1_bad", "--rolled-back").returncode == 0
    result = run_deploy(project, url, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert [m["name"] for m in report_of(result)["migrations"]["applied"]] == ["1_bad"]
    assert (
        prisma.apply_migrations(
            prisma_files(project), _libpq(url), SCHEMA, project.parent / "migrations"
        )
        == []
    )


def verify_findings(project: Path, url: str) -> list[dict]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "verify",
            str(project),
            "--json",
            "--migrations",
            str(project.parent / "migrations"),
            "--database-url",
            url,
        ],
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)["findings"]


def test_resolve_applied_records_without_running(project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(project, "1_bad", BAD)
    assert run_deploy(project, url).returncode == 1
    result = run_deploy(project, url, "--resolve", "1_bad", "--applied", "--json")
    assert result.returncode == 0 and report_of(result)["resolved"] == {
        "migration": "1_bad",
        "as": "applied",
    }
    assert history(url)[1:] == [("1_bad", False, True, False, 0), ("1_bad", True, False, True, 0)]


def test_edited_migration_is_refused_with_both_checksums(project, url):
    assert run_deploy(project, url).returncode == 0
    script = project.parent / "migrations" / "0_init" / "migration.sql"
    original = script.read_text()
    script.write_text(original + "-- edited\n")
    result = run_deploy(project, url, "--json")
    assert result.returncode == 1
    error = report_of(result)["error"]
    assert error["kind"] == "edited_migration" and error["migration"] == "0_init"
    assert error["recorded_checksum"] == checksum(original)
    assert error["file_checksum"] == checksum(original + "-- edited\n")
    assert checksum(original) in error["message"] and checksum(original + "-- edited\n") in (
        error["message"]
    )


# --- seeding -----------------------------------------------------------------------------------


def test_sql_seed_runs_once_per_content(project, url, tmp_path):
    seed = tmp_path / "seed.sql"
    seed.write_text(
        "INSERT INTO system_settings (label, value, \"lastUpdatedAt\") VALUES ('seeded', '1', now());\n"
    )
    first = report_of(run_deploy(project, url, "--seed", str(seed), "--json"))
    assert first["seed"]["status"] == "applied"
    second = report_of(run_deploy(project, url, "--seed", str(seed), "--json"))
    assert second["seed"]["status"] == "already applied"
    assert rows(url, f'SELECT count(*) FROM "{SCHEMA}".system_settings') == [(1,)]
    skipped = report_of(
        run_deploy(project, url, "--seed", str(seed), "--json", env={"SKIP_SEED": "1"})
    )
    assert skipped["seed"]["status"].startswith("skipped")
    seed.write_text(
        "INSERT INTO system_settings (label, value, \"lastUpdatedAt\") VALUES ('seeded again', '2', now());\n"
    )
    assert (
        report_of(run_deploy(project, url, "--seed", str(seed), "--json"))["seed"]["status"]
        == "applied"
    )
    assert rows(url, f'SELECT count(*) FROM "{SCHEMA}".system_settings') == [(2,)]
    # Recorded outside the application's schema: Prisma's `schemas` never sees it.
    assert rows(url, "SELECT count(*) FROM anythingllm__deploy.seeds") == [(2,)]


def test_failing_seed_production_logs_development_fails(project, url, tmp_path):
    seed = tmp_path / "seed.py"
    seed.write_text(
        "def seed(connection):\n"
        "    connection.execute(\n"
        "        'INSERT INTO system_settings (label, value, \"lastUpdatedAt\")'\n"
        "        \" VALUES ('x', 'y', now())\"\n"
        "    )\n"
        "    raise RuntimeError('the seed broke')\n"
    )
    production = run_deploy(project, url, "--seed", str(seed), "--env", "production", "--json")
    assert production.returncode == 0
    report = report_of(production)
    assert report["ok"] and report["seed"]["status"] == "failed"
    assert "the seed broke" in report["seed"]["error"]
    assert rows(url, f'SELECT count(*) FROM "{SCHEMA}".system_settings') == [(0,)]  # rolled back
    development = run_deploy(project, url, "--seed", str(seed))
    assert development.returncode == 1 and "the seed broke" in development.stderr


def test_python_seed(project, url, tmp_path):
    seed = tmp_path / "seed.py"
    seed.write_text(
        "def seed(connection):\n"
        "    connection.execute(\n"
        "        'INSERT INTO system_settings (label, value, \"lastUpdatedAt\")'\n"
        "        ' VALUES (%s, %s, now())', ('py', 'seed')\n"
        "    )\n"
    )
    assert (
        report_of(run_deploy(project, url, "--seed", str(seed), "--json"))["seed"]["status"]
        == "applied"
    )
    assert rows(url, f'SELECT label, value FROM "{SCHEMA}".system_settings') == [("py", "seed")]


# --- refusals before any SQL ---------------------------------------------------------------------

INJECTIONS = ['x"; DROP TABLE y; --', "a b", "pg_catalog", "x'y", "ä", "1abc", ""]
SHARED = ["public", "information_schema", "pg_toast", "pg_temp_1"]


@pytest.mark.parametrize("name", INJECTIONS)
def test_hostile_schema_names_are_rejected_before_any_sql(project, name):
    # An unreachable URL: had it tried to connect, the error would say so.
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:9/app"
    started = time.monotonic()
    result = run_deploy(project, url, "--schema", name, "--timeout", "30")
    assert result.returncode == 3
    assert "schema name" in result.stderr and "connect" not in result.stderr
    assert time.monotonic() - started < 10


def test_url_schema_must_match(project, url):
    result = run_deploy(project, with_parameter(url, "schema", "public"))
    assert result.returncode == 3 and "?schema=public" in result.stderr


def test_missing_schema_parameter_is_added_and_said(project, url):
    from generator.db.urls import without_parameter

    result = run_deploy(project, without_parameter(url, "schema"))
    assert result.returncode == 0, result.stderr
    assert "schema=anythingllm" in result.stderr and ":***@" in result.stderr


def test_role_that_may_not_create_the_schema_is_told_the_grant(pg_server, project, database):
    name = urlsplit(database).path.lstrip("/")
    role = "deployer_" + name[-8:]
    with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    try:
        parts = urlsplit(database)
        host = parts.netloc.rsplit("@", 1)[-1]
        url = with_parameter(
            parts._replace(netloc=f"{role}:{PASSWORD}@{host}").geturl(), "schema", SCHEMA
        )
        result = run_deploy(project, url)
        assert result.returncode == 2
        assert f'GRANT CREATE ON DATABASE "{name}" TO "{role}"' in result.stderr
        # The other advice, followed: the schema created for the role.  0_init's own
        # CREATE SCHEMA IF NOT EXISTS would need CREATE on the database; deploy skips it.
        advice = re.search(r"CREATE SCHEMA (\S+) AUTHORIZATION (\S+);", result.stderr).group(0)
        with psycopg.connect(database, autocommit=True) as connection:
            connection.execute(advice)
        followed = run_deploy(project, url, "--json")
        assert followed.returncode == 0, followed.stdout
        assert history(url) == [("0_init", True, False, True, 1)]
    finally:
        pg_server.drop_database(name)
        with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
            connection.execute(f"DROP ROLE IF EXISTS {role}")


# --- what generate emits for deployment -------------------------------------------------------

# Keys of Railway's config-as-code reference (docs.railway.com/config-as-code/reference).
RAILWAY_DEPLOY_KEYS = {
    "startCommand",
    "preDeployCommand",
    "healthcheckPath",
    "healthcheckTimeout",
    "restartPolicyType",
    "restartPolicyMaxRetries",
    "numReplicas",
    "cronSchedule",
    "sleepApplication",
    "overlapSeconds",
    "drainingSeconds",
    "region",
    "multiRegionConfig",
    "requiredMountPath",
    "runtime",
}


def test_railway_toml_uses_only_documented_keys_and_runs_deploy():
    import tomllib

    config = tomllib.loads((ROOT / "out" / "railway.toml").read_text())
    assert set(config) == {"deploy"}
    deploy = config["deploy"]
    assert set(deploy) <= RAILWAY_DEPLOY_KEYS and "env" not in deploy
    (command,) = deploy["preDeployCommand"]
    assert command.startswith("prisma-isolate deploy out/schema.prisma ")
    assert "--env production" in command
    assert deploy["restartPolicyType"] == "ON_FAILURE"
    assert deploy["healthcheckTimeout"] == 300 and deploy["restartPolicyMaxRetries"] > 0


def test_prisma_config_ts_only_for_a_prisma_7_target():
    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    from generator.isolation.versions import parse_version_option

    six = generate(
        outcome, None, SCHEMA, "0_init", None, prisma_version=parse_version_option("6.19.0")
    )
    assert "prisma.config.ts" not in six.files
    seven = isolate(
        parse_path(ROOT / "schema.prisma"),
        RewriteOptions(provider="postgresql", prisma_version=parse_version_option("7.1.0")),
    )
    files = generate(
        seven, None, SCHEMA, "0_init", None, prisma_version=parse_version_option("7.1.0")
    ).files
    config = files["prisma.config.ts"]
    assert 'url: env("DATABASE_URL")' in config
    assert 'schema: "schema.prisma"' in config and 'path: "migrations"' in config
    assert "url" not in files["schema.prisma"].split("datasource", 1)[1].split("}", 1)[0]


def test_statement_that_cannot_run_in_a_transaction_is_explained(project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(project, "1_concurrently", 'CREATE INDEX CONCURRENTLY "i" ON "users" ("role");\n')
    result = run_deploy(project, url)
    assert result.returncode == 1
    assert "cannot run inside a transaction" in result.stderr
    assert history(url)[-1] == ("1_concurrently", False, False, False, 0)


# --- nothing half-applied, nothing waiting forever (issue 9) ---------------------------------


def test_a_migrations_own_begin_commit_cannot_commit_half_of_it(project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(
        project,
        "1_own_transaction",
        "BEGIN; CREATE TABLE part1(id int); COMMIT; CREATE TABLE part2(id int); SELECT 1/0;",
    )
    result = run_deploy(project, url)
    assert result.returncode == 1 and "division by zero" in result.stderr
    tables = rows(url, f"SELECT tablename FROM pg_tables WHERE schemaname = '{SCHEMA}'")
    assert ("part1",) not in tables and ("part2",) not in tables
    # one row: the failure record, none claiming the migration applied
    assert [h[:3] for h in history(url)] == [
        ("0_init", True, False),
        ("1_own_transaction", False, False),
    ]


def test_a_migration_with_begin_commit_applies_whole_with_one_row(prisma, project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(
        project,
        "1_enum",
        '-- AlterEnum\nBEGIN;\nCREATE TABLE "part1" (id int);\nCOMMIT;\n' 'DROP TABLE "part1";\n',
    )
    result = run_deploy(project, url, "--json")
    assert result.returncode == 0, result.stdout
    assert history(url) == [("0_init", True, False, True, 1), ("1_enum", True, False, True, 1)]
    migrations = project.parent / "migrations"
    status = prisma.diagnose_migration_history(
        prisma_files(project), _libpq(url), SCHEMA, migrations
    )
    assert status["editedMigrationNames"] == [] and status["history"] is None


def test_a_migration_waits_for_table_locks_only_so_long(project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(
        project,
        "1_add_column",
        'ALTER TABLE "users" ADD COLUMN "tmp" TEXT;\nALTER TABLE "users" DROP COLUMN "tmp";\n',
    )
    with psycopg.connect(_libpq(url)) as application:
        # The running application, in the middle of a transaction on users.
        application.execute(f'SELECT count(*) FROM "{SCHEMA}".users')
        started = time.monotonic()
        result = run_deploy(project, url, "--table-lock-timeout", "0.3")
        elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert "waited more than 0.3 s for a table lock, 4 times" in result.stderr
    assert "idle in transaction" in result.stderr and "SELECT count(*)" in result.stderr
    assert elapsed < 20
    assert [h[0] for h in history(url)] == ["0_init"]  # not recorded: tried again next time
    again = run_deploy(project, url)
    assert again.returncode == 0, again.stderr
    assert [h[0] for h in history(url)] == ["0_init", "1_add_column"]


@pytest.mark.parametrize("value", ["0", "0.0001", "-1"])
@pytest.mark.parametrize("option", ["--lock-timeout", "--table-lock-timeout"])
def test_timeouts_that_mean_wait_forever_are_usage_errors(project, url, option, value):
    result = run_deploy(project, url, option, value)
    assert result.returncode == 3 and "is not a timeout" in result.stderr
    assert "SQLSTATE" not in result.stderr


def test_a_migration_folder_without_its_file_stops_like_prisma(project, url):
    (project.parent / "migrations" / "1_lost").mkdir()
    result = run_deploy(project, url)
    assert result.returncode == 3 and "P3015" in result.stderr and "1_lost" in result.stderr


def test_resolve_hint_runs_as_printed(project, url):
    assert run_deploy(project, url).returncode == 0
    add_migration(project, "1_broken", "SELECT 1/0;")
    failed = run_deploy(project, url)
    hint = re.search(r"run `(prisma-isolate deploy [^`]*--rolled-back)`", failed.stderr).group(1)
    words = shlex.split(hint)
    assert words[:3] == ["prisma-isolate", "deploy", str(project)]
    resolved = subprocess.run(
        [sys.executable, "-m", "generator", *words[1:]],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert resolved.returncode == 0, resolved.stderr


def test_tables_without_history_are_baselined_only_when_equal(project, url):
    assert run_deploy(project, url).returncode == 0
    rows(url, f'DROP TABLE "{SCHEMA}"."_prisma_migrations"')
    refused = run_deploy(project, url)
    assert refused.returncode == 1 and "already holds exactly what the migrations" in refused.stderr
    hint = re.search(r"`(prisma-isolate deploy [^`]*--baseline)`", refused.stderr).group(1)
    baselined = run_deploy(project, url, *shlex.split(hint)[3:], "--json")
    assert baselined.returncode == 0, baselined.stdout
    assert report_of(baselined)["migrations"]["baselined"] == ["0_init"]
    assert history(url) == [("0_init", True, False, True, 0)]
    # Different tables: neither run nor recorded, and the difference is named.
    rows(url, f'DROP TABLE "{SCHEMA}"."_prisma_migrations"')
    rows(url, f'ALTER TABLE "{SCHEMA}".users DROP COLUMN "role"')
    differs = run_deploy(project, url, "--baseline")
    assert differs.returncode == 1 and "they differ" in differs.stderr
    assert "column anythingllm.users.role: the column is missing" in differs.stderr


def test_an_empty_migrations_folder_is_a_warning_not_healthy_silence(project, url, tmp_path):
    assert run_deploy(project, url).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_deploy(project, url, "--migrations", str(empty))
    assert "holds no migration, but the database has applied 1" in result.stderr
    assert "0_init: a migration this schema does not know" in result.stdout


@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize("command", ["deploy", "relocate", "import-sqlite"])
def test_shared_and_system_schemas_are_refused_before_connecting(project, url, command, name):
    """deploy --schema public once wrote a failed 0_init row into another service's history."""
    args = [str(project), str(project)] if command == "import-sqlite" else [str(project)]
    result = subprocess.run(
        [sys.executable, "-m", "generator", command, *args, "--schema", name],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    assert result.returncode == 3, result.stderr
    assert "schema" in result.stderr and "connect" not in result.stderr


def test_a_value_libpq_refuses_is_a_usage_error_at_once(project, url):
    started = time.monotonic()
    result = run_deploy(project, url + "&sslmode=bogus", "--timeout", "60")
    assert result.returncode == 3 and 'invalid sslmode value: "bogus"' in result.stderr
    assert time.monotonic() - started < 10  # not retried for the --timeout


def test_prismas_own_parameters_are_left_out_and_said(project, url):
    result = run_deploy(project, url + "&connection_limit=5&pgbouncer=true&pool_timeout=10")
    assert result.returncode == 0, result.stderr
    assert "left out here: connection_limit, pgbouncer, pool_timeout" in result.stderr


def test_verify_follows_the_same_url_policy(project, url):
    assert run_deploy(project, url).returncode == 0
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "verify",
            str(project),
            "--migrations",
            str(project.parent / "migrations"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": with_parameter(url, "schema", "public")},
    )
    assert result.returncode == 3 and "?schema=public" in result.stderr


def test_an_enum_value_with_a_quote_deploys(tmp_path, url):
    """Departure (README): Prisma writes 'it's'; we write 'it''s', which applies."""
    schema = tmp_path / "schema.prisma"
    schema.write_text(
        'datasource db {\n  provider = "postgresql"\n}\n\n'
        'enum Tone {\n  PLAIN\n  QUOTED @map("it\'s")\n}\n\n'
        "model Note {\n  id   Int  @id\n  tone Tone @default(QUOTED)\n}\n"
    )
    generated = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(schema), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stderr
    sql = (tmp_path / "out" / "migrations" / "0_init" / "migration.sql").read_text()
    assert "'it''s'" in sql
    assert run_deploy(tmp_path / "out" / "schema.prisma", url).returncode == 0


ENUM_V1 = """datasource db {
  provider = "postgresql"
}

enum Role {
  USER
  ADMIN
}

model Member {
  id   Int  @id @default(autoincrement())
  role Role @default(USER)
}
"""


def _enum_project(tmp_path, url) -> Path:
    schema = tmp_path / "schema.prisma"
    schema.write_text(ENUM_V1)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(schema),
            "-o",
            str(tmp_path / "out"),
            "-q",
        ],
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000"},
    )
    assert run_deploy(tmp_path / "out" / "schema.prisma", url).returncode == 0
    return tmp_path / "out" / "schema.prisma"


def test_a_new_enum_value_used_in_the_same_migration_deploys(prisma, url, tmp_path):
    """PostgreSQL lets no transaction use an enum value it added itself; Prisma's
    deploy runs statement by statement, so this works there: it must here too."""
    project = _enum_project(tmp_path, url)
    after = ENUM_V1.replace("  ADMIN\n", "  ADMIN\n  OWNER\n").replace(
        "@default(USER)", "@default(OWNER)"
    )
    (tmp_path / "schema.prisma").write_text(after)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(tmp_path / "schema.prisma"),
            "-o",
            str(project.parent),
            "-q",
        ],
        check=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1800086400"},
    )
    result = run_deploy(project, url, "--json")
    assert result.returncode == 0, result.stdout
    assert report_of(result)["verification"]["healthy"]
    assert [h[:3] for h in history(url)] == [
        ("20270115080000_init", True, False),
        ("20270116080000_update", True, False),
    ]
    files = prisma_files(project)
    migrations = project.parent / "migrations"
    assert prisma.apply_migrations(files, _libpq(url), SCHEMA, migrations) == []
    status = prisma.diagnose_migration_history(files, _libpq(url), SCHEMA, migrations)
    assert status["failedMigrationNames"] == [] and status["history"] is None


def test_a_failure_after_new_enum_values_is_recorded_as_prisma_records_it(prisma, url, tmp_path):
    project = _enum_project(tmp_path, url)
    add_migration(
        project, "20270116080000_owner", "ALTER TYPE \"Role\" ADD VALUE 'OWNER';\nSELECT 1/0;\n"
    )
    result = run_deploy(project, url)
    assert result.returncode == 1
    assert "except its new enum values" in result.stderr and "division by zero" in result.stderr
    values = rows(url, f'SELECT unnest(enum_range(NULL::"{SCHEMA}"."Role"))::text')
    assert ("OWNER",) in values  # committed first, as prisma migrate deploy leaves it
    assert [h[:4] for h in history(url)][-1] == ("20270116080000_owner", False, False, False)
    assert len([h for h in history(url) if h[0] == "20270116080000_owner"]) == 1
    status = prisma.diagnose_migration_history(
        prisma_files(project), _libpq(url), SCHEMA, project.parent / "migrations"
    )
    assert status["failedMigrationNames"] == ["20270116080000_owner"]
