"""The command line as a user meets it: real processes, exit codes, files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

LEGACY = (
    'generator client {\n  provider = "prisma-client-js"\n}\n\n'
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
    "model A {\n  id Int @id\n}\n"
)


def cli(*args: str, stdin: str | None = None, cwd: Path | None = None, env: dict | None = None):
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.prisma"
    path.write_text(LEGACY)
    return path


def test_check_reports_changes_with_exit_1_and_writes_nothing(schema):
    result = cli("rewrite", str(schema), "--check")
    assert result.returncode == 1
    assert f"would rewrite {schema}" in result.stderr
    assert schema.read_text() == LEGACY


def test_in_place_then_check_is_clean(schema):
    assert cli("rewrite", str(schema), "--in-place").returncode == 0
    assert '@@schema("anythingllm")' in schema.read_text()
    result = cli("rewrite", str(schema), "--check")
    assert result.returncode == 0
    assert "1 schema already isolated." in result.stderr
    assert not [p for p in schema.parent.iterdir() if p.name.endswith(".tmp")]


def test_in_place_keeps_file_permissions(schema):
    schema.chmod(0o640)
    cli("rewrite", str(schema), "--in-place")
    assert schema.stat().st_mode & 0o777 == 0o640


def test_output_file_and_folder(schema, tmp_path):
    out = tmp_path / "out" / "schema.prisma"
    assert cli("rewrite", str(schema), "-o", str(out)).returncode == 0
    assert '@@schema("anythingllm")' in out.read_text()
    assert schema.read_text() == LEGACY
    mtime = out.stat().st_mtime_ns
    assert cli("rewrite", str(schema), "-o", str(out)).returncode == 0
    assert out.stat().st_mtime_ns == mtime  # unchanged output is not rewritten


def test_schema_folder_to_output_folder(tmp_path):
    folder = tmp_path / "prisma"
    (folder / "models").mkdir(parents=True)
    (folder / "schema.prisma").write_text(LEGACY.split("model A")[0])
    (folder / "models" / "a.prisma").write_text("model A {\n  id Int @id\n}\n")
    out = tmp_path / "isolated"
    assert cli("rewrite", str(folder), "-o", str(out)).returncode == 0
    assert (out / "models" / "a.prisma").read_text().endswith('@@schema("anythingllm")\n}\n')
    assert 'schemas  = ["anythingllm"]' in (out / "schema.prisma").read_text()


def test_stdin_to_stdout():
    result = cli("rewrite", "-", "--schema", "app", stdin=LEGACY)
    assert result.returncode == 0
    assert result.stdout.endswith('@@schema("app")\n}\n')


def test_stdin_errors_use_stdin_filename():
    result = cli(
        "rewrite",
        "-",
        "--stdin-filename",
        "server/schema.prisma",
        stdin="model A {\n  id Int Int Int\n}\n",
    )
    assert result.returncode == 2
    assert result.stderr.startswith("server/schema.prisma:2:10: error: unexpected")


def test_diff_is_plain_unless_asked(schema):
    result = cli("rewrite", str(schema), "--diff")
    assert result.returncode == 0
    assert "\033[" not in result.stdout
    assert '+  @@schema("anythingllm")' in result.stdout
    coloured = cli("rewrite", str(schema), "--diff", "--color")
    assert '\033[32m+  @@schema("anythingllm")\033[0m' in coloured.stdout
    assert schema.read_text() == LEGACY


def test_no_color_environment_is_respected_on_a_tty(schema):
    # script(1) gives the process a real terminal; NO_COLOR must still win.
    import shutil

    if shutil.which("script") is None:
        pytest.skip("script(1) is not installed")
    command = f"{sys.executable} -m generator rewrite {schema} --diff"
    tty = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": ""},
    )
    plain = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert "\033[32m" in tty.stdout
    assert "\033[32m" not in plain.stdout


def test_check_and_diff_together(schema):
    result = cli("rewrite", str(schema), "--check", "--diff")
    assert result.returncode == 1
    assert result.stdout.startswith(f"--- {schema}\n+++ {schema}\n")


def test_bad_input_is_exit_2_with_a_located_message(tmp_path):
    path = tmp_path / "schema.prisma"
    path.write_text('datasource db {\n  provider = "sqlite"\n}\n\nmodel A {\n  id Int @id\n}\n')
    result = cli("rewrite", str(path), "--check")
    assert result.returncode == 2
    assert result.stderr.startswith(
        f'{path}:2:14: error: provider "sqlite" has no multi-schema support'
    )
    assert '  provider = "sqlite"\n             ^' in result.stderr


def test_missing_file_and_bad_options_are_exit_2(schema):
    assert cli("rewrite", "/nonexistent/schema.prisma").returncode == 2
    assert cli("rewrite", str(schema), "--schema", 'x"; DROP TABLE y; --').returncode == 2
    assert cli("rewrite", str(schema), "--prisma-version", "banana").returncode == 2
    assert cli("rewrite", str(schema), "--in-place", "-o", "x").returncode == 2
    assert cli("rewrite", str(schema), "--provider", "mysql").returncode == 2


def test_version_from_package_json(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"prisma": "^6.13.0"}}))
    (tmp_path / "schema.prisma").write_text(LEGACY)
    result = cli("rewrite", "schema.prisma", "--diff", cwd=tmp_path)
    assert "multiSchema" not in result.stdout
    result = cli("rewrite", "schema.prisma", "--diff", "--prisma-version", "6.12", cwd=tmp_path)
    assert 'previewFeatures = ["multiSchema"]' in result.stdout


def test_verbose_lists_changes_quiet_says_nothing(schema):
    verbose = cli("rewrite", str(schema), "--check", "-v")
    assert 'model A: add @@schema("anythingllm")' in verbose.stderr
    quiet = cli("rewrite", str(schema), "--check", "-q")
    assert quiet.returncode == 1
    assert quiet.stderr == ""


def test_parse_json(schema):
    result = cli("parse", str(schema), "--json")
    assert result.returncode == 0
    ast = json.loads(result.stdout)
    model = ast["files"][0]["blocks"][2]
    assert model["kind"] == "Model"
    assert model["name"] == "A"
    assert model["members"][0]["span"]["line"] == 11


def test_parse_summary_and_error(schema, tmp_path):
    assert "1 model" in cli("parse", str(schema)).stdout
    bad = tmp_path / "bad.prisma"
    bad.write_text("model {\n")
    result = cli("parse", str(bad))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{bad}:1:7: error:")


def test_version_and_help():
    assert cli("--version").returncode == 0
    assert "rewrite" in cli("--help").stdout


def test_generate_dev_sqlite_round_trips_the_bundled_legacy_schema(tmp_path):
    """The SQLite variant of the isolated bundled schema is the legacy schema
    again, but for the local database file (and the generator's alignment)."""
    import re

    from click.testing import CliRunner
    from conftest import ROOT

    from generator.cli import main

    result = CliRunner().invoke(
        main,
        [
            "generate",
            str(ROOT / "schema.prisma"),
            "--provider",
            "postgresql",
            "-o",
            str(tmp_path),
            "--dev-sqlite",
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    variant = (tmp_path / "dev-sqlite" / "schema.prisma").read_text()

    def normal(text: str) -> list[str]:
        return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines() if line.strip()]

    legacy = (
        (ROOT / "schema.prisma")
        .read_text()
        .replace('"file:../storage/anythingllm.db"', '"file:./dev.db"')
    )
    assert normal(variant) == normal(legacy)


@pytest.mark.parametrize("command", ["verify", "deploy", "relocate", "import-sqlite"])
def test_usage_errors_of_connecting_commands_exit_3(command, tmp_path):
    """Where 2 means "unreachable", click's own usage errors must not say 2."""
    from click.testing import CliRunner

    from generator.cli import main

    missing = str(tmp_path / "missing.prisma")
    args = [missing, missing] if command == "import-sqlite" else [missing]
    for argv in ([command, *args], [command, "--no-such-option"]):
        result = CliRunner().invoke(main, argv)
        assert result.exit_code == 3, (argv, result.output)
        assert "Traceback" not in result.output


# --- what a new user meets (issue 9, section 8) ------------------------------------------------


def test_an_unreadable_package_json_is_said_and_verbose_shows_the_target(tmp_path):
    (tmp_path / "schema.prisma").write_text(LEGACY)
    (tmp_path / "package.json").write_text("{ not json")
    result = cli("rewrite", str(tmp_path / "schema.prisma"), "--check", "-v")
    assert f"warning: {tmp_path / 'package.json'}: cannot read the Prisma version" in result.stderr
    assert "target Prisma unknown" in result.stderr
    (tmp_path / "package.json").write_text('{"devDependencies": {"prisma": "^6.2.1"}}')
    result = cli("generate", str(tmp_path / "schema.prisma"), "-o", str(tmp_path / "out"), "-v")
    assert f"target Prisma 6.2.1 (from {tmp_path / 'package.json'}" in result.stderr


def test_swapped_import_arguments_are_named_not_printed(tmp_path):
    import sqlite3

    database = tmp_path / "app.db"
    sqlite3.connect(database).execute("CREATE TABLE t (x BLOB)").connection.commit()
    schema = tmp_path / "schema.prisma"
    schema.write_text(LEGACY)
    result = cli("import-sqlite", str(schema), str(database), "--database-url", "postgresql://h/db")
    assert result.returncode == 3
    assert "is a SQLite database, not a schema" in result.stderr and "swapped" in result.stderr
    assert "SQLite format" not in result.stderr


def test_counts_are_in_plain_english():
    from generator.db.runtime import plural, report_text

    report = {
        "schema": "s",
        "database": "postgresql://h/db",
        "healthy": True,
        "seconds": 0.1,
        "findings": [{"check": "migrations", "object": "x", "severity": "warning", "message": "m"}],
        "checked": {"tables": 1, "enums": 0, "migrations": 1},
    }
    text = report_text(report)
    assert "1 table, 0 enums, 1 migration checked" in text and "(1 warning)" in text
    assert plural(2, "row") == "2 rows" and plural(1, "row") == "1 row"


def test_main_job_runs_and_leaves_no_temporary_files(tmp_path):
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "scripts/main_job.py"],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the other service is untouched" in result.stdout
    # No PostgreSQL data folder is left behind (pgserver keeps an empty .lockfile,
    # and an empty socket folder when the data folder's path is too long for one).
    assert not list(tmp_path.glob("prisma-isolate-main-*"))
    assert sum(p.stat().st_size for p in tmp_path.rglob("*") if p.is_file()) == 0


def test_every_lazily_loaded_command_resolves_to_itself():
    import click

    from generator.cli import COMMANDS, main

    context = click.Context(main)
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert isinstance(command, click.Command) and command.name == name, name
    assert main.get_command(context, "nonsense") is None


def test_the_database_familys_exit_statuses_are_the_embedded_runtimes():
    """errors.py holds the one table of exit statuses; db/connection.py, which
    the generated script embeds standalone, repeats the database family's."""
    from generator import errors
    from generator.db import connection

    for name in ("EXIT_HEALTHY", "EXIT_DRIFT", "EXIT_UNREACHABLE", "EXIT_USAGE"):
        assert getattr(errors, name) == getattr(connection, name), name
