"""The generated verification script and `prisma-isolate verify`, on a real
PostgreSQL deployed by Prisma's own engine (applyMigrations)."""

from __future__ import annotations

import json
import os
import py_compile
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from conftest import CORPUS, ROOT, venv_with
from prisma_harness import without_datasource_urls

from generator.db.urls import with_database
from generator.emit.generate import generate
from generator.emit.layout import migration_folder_name
from generator.emit.scripts import BLACK_LINE_LENGTH
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.psl.parser import parse_path, parse_text

SCHEMA = "anythingllm"
PASSWORD = "s3cret-pa55word"


def deploy(prisma, outcome, url: str, directory: Path) -> Path:
    """Generate into `directory` and let Prisma deploy the migrations folder."""
    generated = generate(outcome, None, SCHEMA, migration_folder_name("init", None), None)
    for relative, text in generated.files.items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    files = [(Path(p).name, without_datasource_urls(t)) for p, t in outcome.outputs.items()]
    prisma.apply_migrations(files, url, SCHEMA, directory / "migrations")
    return directory / f"verify_{SCHEMA}.py"


def run_script(
    script: Path, url: str, *args: str, python: str = sys.executable, timeout: float = 60
):
    if "--timeout" not in args:
        args = (*args, "--timeout", "20")  # not Railway's 300 s: a hang here is a failure
    result = subprocess.run(
        [python, str(script), "--database-url", url, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    return result


def findings(result) -> list[tuple[str, str]]:
    report = json.loads(result.stdout)
    return [(f["check"], f["object"]) for f in report["findings"] if f["severity"] == "error"]


def execute(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'SET search_path TO "{SCHEMA}"')
        for statement in statements:
            connection.execute(statement)


@pytest.fixture
def bundled(prisma, database, tmp_path):
    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    return deploy(prisma, outcome, database, tmp_path)


def test_healthy_deployment(bundled, database):
    result = run_script(bundled, database)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "healthy" in result.stdout
    report = json.loads(run_script(bundled, database, "--json").stdout)
    assert report["healthy"] and report["findings"] == []
    assert report["checked"] == {"tables": 7, "enums": 0, "migrations": 1}
    assert report["queries"] <= 10


DAMAGE = {
    "drop a table": (
        ['DROP TABLE "workspace_chats"'],
        [("table", "anythingllm.workspace_chats")],
    ),
    "move a table to public": (
        ['ALTER TABLE "document_vectors" SET SCHEMA public'],
        [("table", "anythingllm.document_vectors")],
    ),
    "drop a column": (
        ['ALTER TABLE "users" DROP COLUMN "pfpFilename"'],
        [("column", "anythingllm.users.pfpFilename")],
    ),
    "change a type": (
        ['ALTER TABLE "workspaces" ALTER COLUMN "openAiTemp" TYPE real'],
        [("column_type", "anythingllm.workspaces.openAiTemp")],
    ),
    "make a column nullable": (
        ['ALTER TABLE "workspace_documents" ALTER COLUMN "filename" DROP NOT NULL'],
        [("column_nullability", "anythingllm.workspace_documents.filename")],
    ),
    "drop an index": (
        ['DROP INDEX "workspace_chats_workspaceId_createdAt_idx"'],
        [("index", "anythingllm.workspace_chats.workspace_chats_workspaceId_createdAt_idx")],
    ),
    "drop a foreign key": (
        [
            'ALTER TABLE "workspace_documents" DROP CONSTRAINT "workspace_documents_workspaceId_fkey"'
        ],
        [("foreign_key", "anythingllm.workspace_documents.workspace_documents_workspaceId_fkey")],
    ),
    "change a string default": (
        ['ALTER TABLE "users" ALTER COLUMN "role" SET DEFAULT \'admin\''],
        [("column_default", "anythingllm.users.role")],
    ),
    "change a number default": (
        ['ALTER TABLE "workspaces" ALTER COLUMN "openAiHistory" SET DEFAULT 21'],
        [("column_default", "anythingllm.workspaces.openAiHistory")],
    ),
    "mark a migration failed": (
        ["UPDATE \"_prisma_migrations\" SET finished_at = NULL, logs = 'boom'"],
        [("migrations", "anythingllm._prisma_migrations.0_init")],
    ),
}


@pytest.mark.parametrize("statements, expected", DAMAGE.values(), ids=DAMAGE.keys())
def test_each_damage_is_named_exactly(bundled, database, statements, expected):
    execute(database, *statements)
    result = run_script(bundled, database, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert findings(result) == expected
    text = run_script(bundled, database)
    assert text.returncode == 1
    assert expected[0][1] in text.stdout


def test_misplaced_table_advice_works_in_the_state_found(bundled, database):
    """One table elsewhere while the schema holds the rest: relocate would refuse
    (the schema is not empty), so the advice is the one statement that works."""
    execute(database, 'ALTER TABLE "document_vectors" SET SCHEMA public')
    report = json.loads(run_script(bundled, database, "--json").stdout)
    (finding,) = report["findings"]
    assert "misplaced" in finding["message"] and "relocate" not in finding["message"]
    advice = finding["message"].split("move this one table: ")[1]
    assert advice == 'ALTER TABLE "public"."document_vectors" SET SCHEMA "anythingllm";'
    execute(database, advice)
    assert run_script(bundled, database).returncode == 0


def test_verify_with_the_folder_sees_an_edited_applied_migration(bundled, database, tmp_path):
    """deploy refuses an applied migration whose file changed; verify says so too."""
    migrations = bundled.parent / "migrations"
    schema = bundled.parent / "schema.prisma"
    args = ["verify", str(schema), "--migrations", str(migrations), "--json"]
    env = {**os.environ, "DATABASE_URL": database}
    healthy = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env
    )
    assert healthy.returncode == 0, healthy.stdout
    script = migrations / "0_init" / "migration.sql"
    script.write_text(script.read_text() + "\n-- edited\n")
    edited = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env
    )
    assert edited.returncode == 1
    assert "edited after it was applied" in edited.stdout


ENUM_SCHEMA = """
datasource db {
  provider = "postgresql"
}

model Member {
  id   Int  @id
  role Role
}

enum Role {
  USER
  ADMIN
}
"""


def test_removed_enum_value(prisma, database, tmp_path):
    outcome = isolate(parse_text(ENUM_SCHEMA), RewriteOptions(prisma_version=None))
    script = deploy(prisma, outcome, database, tmp_path)
    assert run_script(script, database).returncode == 0
    execute(
        database,
        'ALTER TYPE "Role" RENAME TO "Role_old"',
        "CREATE TYPE \"Role\" AS ENUM ('USER')",
        'ALTER TABLE "Member" ALTER COLUMN "role" TYPE "Role" USING "role"::text::"Role"',
        'DROP TYPE "Role_old"',
    )
    result = run_script(script, database, "--json")
    assert result.returncode == 1
    assert findings(result) == [("enum", "anythingllm.Role")]
    assert "missing values ADMIN" in result.stdout


def test_changed_enum_default_is_named(prisma, database, tmp_path):
    text = ENUM_SCHEMA.replace("  role Role\n", "  role Role @default(USER)\n")
    outcome = isolate(parse_text(text), RewriteOptions())
    script = deploy(prisma, outcome, database, tmp_path)
    assert run_script(script, database).returncode == 0
    execute(database, 'ALTER TABLE "Member" ALTER COLUMN "role" SET DEFAULT \'ADMIN\'')
    result = run_script(script, database, "--json")
    assert result.returncode == 1
    assert findings(result) == [("column_default", "anythingllm.Member.role")]
    assert "expected USER" in result.stdout


@pytest.fixture
def app_role(pg_server, database):
    """A login role with a password that may use the schema and read its tables."""
    name = urlsplit(database).path.lstrip("/")
    role = "app_" + name[-8:]
    with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
        connection.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
        connection.execute(f'GRANT CONNECT ON DATABASE "{name}" TO {role}')
    yield role, _url_for(database, role)
    # The role's privileges live in the database: drop it first, then the role.
    pg_server.drop_database(name)
    with psycopg.connect(pg_server.admin_url, autocommit=True) as connection:
        connection.execute(f"DROP ROLE IF EXISTS {role}")


def _url_for(url: str, role: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{role}:{PASSWORD}@{host}"))


def test_revoked_select_is_named(bundled, database, app_role):
    role, url = app_role
    execute(
        database,
        f'GRANT USAGE ON SCHEMA "{SCHEMA}" TO {role}',
        f'GRANT SELECT ON ALL TABLES IN SCHEMA "{SCHEMA}" TO {role}',
    )
    assert run_script(bundled, url).returncode == 0
    execute(database, f'REVOKE SELECT ON "workspace_users" FROM {role}')
    result = run_script(bundled, url, "--json")
    assert result.returncode == 1
    assert findings(result) == [("table_access", "anythingllm.workspace_users")]


def test_role_without_usage_is_exit_2(bundled, database, app_role):
    _, url = app_role
    started = time.monotonic()
    result = run_script(bundled, url, "--timeout", "5")
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 10
    assert "no USAGE on schema anythingllm" in result.stderr
    assert "GRANT USAGE ON SCHEMA" in result.stderr


def test_refused_login_is_final_not_retried(bundled, app_role):
    # The embedded server trusts local logins, so refuse by naming no database.
    _, url = app_role
    url = with_database(url, "no_such_database")
    started = time.monotonic()
    result = run_script(bundled, url, "--timeout", "30")
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 10  # retrying cannot create the database
    assert 'database "no_such_database" does not exist' in result.stderr
    assert "retrying" not in result.stderr


def test_unreachable_host_is_exit_2_within_the_timeout(bundled):
    url = f"postgresql://app:{PASSWORD}@127.0.0.1:9/app?schema={SCHEMA}"
    started = time.monotonic()
    result = run_script(bundled, url, "--timeout", "3")
    elapsed = time.monotonic() - started
    assert result.returncode == 2
    assert 2.5 <= elapsed < 8, elapsed
    assert "app:***@127.0.0.1:9" in result.stderr
    assert "retrying" in result.stderr


def test_usage_errors_are_exit_3(bundled):
    result = subprocess.run(
        [sys.executable, str(bundled)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    assert result.returncode == 3
    assert "DATABASE_URL" in result.stderr
    result = subprocess.run(
        [sys.executable, str(bundled), "--bogus"], capture_output=True, text=True
    )
    assert result.returncode == 3


def test_generated_file_is_black_clean_and_compiles(tmp_path):
    import black

    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    generated = generate(outcome, None, SCHEMA, "0_init", None)
    text = generated.files[f"verify_{SCHEMA}.py"]
    assert black.format_str(text, mode=black.Mode(line_length=BLACK_LINE_LENGTH)) == text
    path = tmp_path / "verify.py"
    path.write_text(text)
    py_compile.compile(str(path), doraise=True)
    committed = (ROOT / "out" / f"verify_{SCHEMA}.py").read_text()
    assert committed == text


@pytest.fixture(scope="session")
def psycopg_only_python(tmp_path_factory):
    """A virtual environment that has psycopg and nothing else."""
    return venv_with(tmp_path_factory, "psycopg[binary]")


def test_runs_with_only_psycopg(bundled, database, psycopg_only_python):
    check = subprocess.run(
        [psycopg_only_python, "-c", "import lark"], capture_output=True, text=True
    )
    assert check.returncode != 0  # nothing of ours, nor our dependencies, is there
    result = run_script(bundled, database, python=psycopg_only_python)
    assert result.returncode == 0, result.stdout + result.stderr


CORPUS_CASES = [
    ("anythingllm/mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma", "postgresql"),
    ("real/calcom__cal.com__packages__prisma__schema.prisma", None),
    ("real/umami-software__umami__prisma__schema.prisma", None),
    ("real/baptisteArno__typebot.io__packages__prisma__postgresql__schema.prisma", None),
]


@pytest.mark.corpus
@pytest.mark.parametrize(
    "relative, provider", CORPUS_CASES, ids=[c[0].split("__")[1] for c in CORPUS_CASES]
)
def test_corpus_deployments_verify_healthy(corpus, prisma, database, tmp_path, relative, provider):
    source = (CORPUS / relative).read_text()
    files = prisma.validate_for_prisma_7(
        [
            (
                "schema.prisma",
                isolate(parse_text(source), RewriteOptions(provider=provider)).outputs[
                    "schema.prisma"
                ],
            )
        ]
    )
    outcome = isolate(parse_text(files[0][1]), RewriteOptions())
    script = deploy(prisma, outcome, database, tmp_path)
    result = run_script(script, database, "--json")
    assert result.returncode == 0, result.stdout
    report = json.loads(result.stdout)
    assert report["checked"]["tables"] > 5


def test_in_process_verify_command_matches_the_script(bundled, database):
    from click.testing import CliRunner

    from generator.cli import main

    args = [
        "verify",
        str(ROOT / "schema.prisma"),
        "--provider",
        "postgresql",
        "--database-url",
        database,
    ]
    result = CliRunner().invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    execute(database, 'DROP TABLE "workspace_chats"')
    ours = CliRunner().invoke(main, [*args, "--json"])
    script = run_script(bundled, database, "--json")
    assert ours.exit_code == 1 == script.returncode
    assert json.loads(ours.stdout)["findings"] == json.loads(script.stdout)["findings"]


def test_database_url_from_environment(bundled, database):
    result = subprocess.run(
        [sys.executable, str(bundled)],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database},
    )
    assert result.returncode == 0, result.stderr


def test_embedded_catalog_survives_quotes_backslashes_and_unicode():
    """The catalog travels as JSON in a raw triple-quoted string: nothing in a
    name or default may close the literal or change on the way back."""
    import black

    from generator.emit.scripts import verification_script

    awkward = "it's '''a" + '"""b""""' + '\\b\\\\c\\" \\u0027 ünïcødé 🙂\nline'
    expected = {
        "schema": "anythingllm",
        "tables": {awkward: {"schema": "anythingllm", "columns": {awkward: {"type": awkward}}}},
        "enums": {},
        "migrations": ["0_init"],
    }
    text = verification_script(expected, "schema.prisma")
    assert black.format_str(text, mode=black.Mode(line_length=BLACK_LINE_LENGTH)) == text
    import types

    module = types.ModuleType("generated_verify")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    try:
        exec(compile(text, "verify.py", "exec"), module.__dict__)
    finally:
        del sys.modules[module.__name__]
    assert module.EXPECTED == expected


def test_the_script_without_psycopg_says_how_to_install_it(tmp_path):
    """-S: no site-packages, so no psycopg; exit 2 (cannot check), not 1 (drift)."""
    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    script = tmp_path / "verify.py"
    script.write_text(generate(outcome, None, SCHEMA, "0_init", None).files[f"verify_{SCHEMA}.py"])
    result = subprocess.run(
        [sys.executable, "-S", str(script), "--database-url", "postgresql://h/db"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert 'pip install "psycopg[binary]"' in result.stderr and "Traceback" not in result.stderr
