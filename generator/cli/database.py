"""Commands that connect to the application's database: `verify`, `deploy`,
`relocate`, `import-sqlite`.  In this family exit 2 means unreachable, locked
or denied, and usage errors are 3 (generator/errors.py has the table)."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path

import click

from generator.cli.options import (
    EXIT_USAGE,
    ConnectingCommand,
    build_from,
    check_connection_arguments,
    database_url_option,
    isolation_options,
    json_option,
    lock_timeout_option,
    migrations_option,
    quiet_verbose,
    run_guarded,
    say,
    timeout_option,
    usage_error,
    use_color,
)


def _expected_catalog(path: str, options, migrations: list[str]) -> dict:
    """What the deployed schema must hold: the DDL model of the isolated schema."""
    from generator.emit.scripts import expected_for

    return build_from(path, options, lambda s: expected_for(s, options.schema, migrations))


def _default_migrations_dir(path: str) -> Path:
    """Where Prisma looks: migrations/ beside the schema file (or in the schema folder)."""
    base = Path(path) if Path(path).is_dir() else Path(path).parent
    return base / "migrations"


def _local_migrations(migrations_dir: Path):
    """The folder's migrations, as deploy reads them (a usage error when unreadable)."""
    from generator.emit.layout import local_migrations
    from generator.errors import CommandFailure

    try:
        return local_migrations(migrations_dir)
    except CommandFailure as error:
        usage_error(error.message)


def _log(as_json: bool, quiet: bool, notes: list[str]):
    """The progress logger (None when only the result is wanted); says the URL notes."""
    if as_json or quiet:
        return None
    for note in notes:
        say(f"note: {note}")
    return say


def _fail_on_report_error(report) -> None:
    if report.error is not None:
        say(f"error: {report.error['message']}")
        sys.exit(report.error["exit_code"])


# --- verify -----------------------------------------------------------------------


@click.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@database_url_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@timeout_option(300.0)
@migrations_option(
    "The migrations folder whose migrations must be applied, checksums included "
    "(default: the one generate writes)."
)
@click.option(
    "--migration-name",
    default="init",
    show_default=True,
    help="Without --migrations: the name generate was given.",
)
@isolation_options
@quiet_verbose()
def verify(
    path, database_url, as_json, timeout, migrations_dir, migration_name, isolation, quiet, verbose
):
    """Check a deployment against the schema: the same checks as the generated
    verify_<schema>.py.  Exit 0 healthy, 1 drift, 2 unreachable, 3 usage."""
    from generator.db import runtime

    notes = check_connection_arguments(database_url, isolation.schema_name)
    options = isolation.options(path)
    expected = run_guarded(
        verbose, lambda: _verify_catalog(path, options, migrations_dir, migration_name), EXIT_USAGE
    )
    try:
        report = runtime.verify(database_url, expected, timeout, _log(as_json, quiet, notes))
    except runtime.Unreachable as error:
        say(f"error: {error}")
        sys.exit(error.exit_code)
    if as_json:
        click.echo(runtime.report_json(report))
    else:
        color = use_color(None, sys.stdout)
        click.echo(runtime.report_text(report, color), color=color)
    sys.exit(runtime.EXIT_HEALTHY if report["healthy"] else runtime.EXIT_DRIFT)


def _verify_catalog(path, options, migrations_dir, migration_name) -> dict:
    from generator.emit.layout import accepted_checksums, migration_folder_name

    if migrations_dir is None:
        names = [migration_folder_name(migration_name, os.environ.get("SOURCE_DATE_EPOCH"))]
        return _expected_catalog(path, options, names)
    local = _local_migrations(migrations_dir)
    expected = _expected_catalog(path, options, [m.name for m in local])
    # With the folder known, an applied migration whose file changed is drift too.
    expected["checksums"] = {m.name: accepted_checksums(m.script) for m in local}
    return expected


# --- deploy -----------------------------------------------------------------------


@click.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@migrations_option("The Prisma migrations folder (default: migrations/ beside the schema).")
@json_option
@timeout_option(300.0)
@lock_timeout_option(
    "--lock-timeout", 10.0, "Seconds to wait for the migration lock (Prisma's advisory lock)."
)
@lock_timeout_option(
    "--table-lock-timeout",
    5.0,
    "Seconds a migration statement may wait for a table lock (the running application "
    "may hold one) before the migration is rolled back and retried (3 retries).",
)
@click.option(
    "--baseline",
    is_flag=True,
    help="The schema already holds exactly what the migrations create, with no history "
    "(e.g. after relocate of a `db push` database): record them as applied.",
)
@click.option(
    "--env",
    "environment",
    type=click.Choice(["development", "production"]),
    help="Default: production when PRISMA_ISOLATE_ENV or NODE_ENV says so, else development.",
)
@click.option(
    "--on-failure",
    type=click.Choice(["fail", "continue"]),
    help="fail: exit non-zero; continue: report loudly and exit 0, so the service starts on "
    "the previous schema.  Default: fail in development, continue in production.",
)
@click.option(
    "--seed",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A .sql file, or a .py file defining seed(connection); run once per content.",
)
@click.option(
    "--resolve",
    "resolve_name",
    metavar="NAME",
    help="Mark the failed migration NAME --applied or --rolled-back, then exit.",
)
@click.option("--applied", "resolve_as", flag_value="applied", help="With --resolve.")
@click.option("--rolled-back", "resolve_as", flag_value="rolled-back", help="With --resolve.")
@isolation_options
@quiet_verbose()
def deploy(path, database_url, migrations_dir, as_json, timeout, lock_timeout, **rest):
    """Apply the migrations folder to the isolated schema, as `prisma migrate
    deploy` records it, under Prisma's advisory lock; seed; verify.
    Exit 0 healthy, 1 failed, 2 unreachable/locked/permission, 3 usage."""
    from generator.db.deploy import DeployOptions, environment_is_production, run

    isolation, verbose = rest["isolation"], rest["verbose"]
    # Everything that reaches SQL is checked before a connection is opened.
    notes = check_connection_arguments(database_url, isolation.schema_name)
    if (rest["resolve_name"] is None) != (rest["resolve_as"] is None):
        usage_error("--resolve NAME takes --applied or --rolled-back (and they need --resolve)")
    production = environment_is_production(rest["environment"])
    options = isolation.options(path)
    # The migrations it must find are filled in by the deploy, from the folder it reads.
    expected = run_guarded(verbose, lambda: _expected_catalog(path, options, []), EXIT_USAGE)
    deploy_options = DeployOptions(
        schema=isolation.schema_name,
        migrations_dir=migrations_dir or _default_migrations_dir(path),
        command=_deploy_command(path, isolation.schema_name, migrations_dir),
        table_lock_timeout=rest["table_lock_timeout"],
        baseline=rest["baseline"],
        lock_timeout=lock_timeout,
        connect_timeout=timeout,
        production=production,
        seed=rest["seed"],
        skip_seed=os.environ.get("SKIP_SEED", "") not in ("", "0"),
        resolve=(rest["resolve_name"], rest["resolve_as"]) if rest["resolve_name"] else None,
    )
    report = run(database_url, deploy_options, expected, _log(as_json, rest["quiet"], []))
    report.notes[:0] = notes
    policy = rest["on_failure"] or ("continue" if production else "fail")
    _finish_deploy(report, as_json, rest["quiet"], policy)


def _deploy_command(path: str, schema_name: str, migrations_dir: Path | None) -> str:
    """This deploy as a command to run again (hints print it; the URL comes
    from $DATABASE_URL, never from the command line, so it is not repeated)."""
    import shlex

    words = ["prisma-isolate", "deploy", path, "--schema", schema_name]
    if migrations_dir is not None:
        words += ["--migrations", str(migrations_dir)]
    return shlex.join(words)


def _finish_deploy(report, as_json: bool, quiet: bool, policy: str) -> None:
    data = report.as_dict()
    data["on_failure"] = policy
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    elif not quiet:
        _print_deploy(report)
    error = report.error
    if error is None:
        sys.exit(0)
    say(f"error: {error['message']}")
    if error["exit_code"] == EXIT_USAGE or policy == "fail":
        sys.exit(error["exit_code"])
    # --on-failure continue: the service starts on the previous schema, but the
    # failure is loud, structured, and stays visible to `verify`.
    event = {"event": "deploy_failed", "schema": report.schema, "error": error}
    say(
        "prisma-isolate: DEPLOY FAILED; continuing because --on-failure continue: "
        + json.dumps(event, default=str)
    )
    sys.exit(0)


def _print_deploy(report) -> None:
    from generator.db.runtime import plural, report_text

    for note in report.notes:
        say(note if note.startswith("warning:") else f"note: {note}")
    for migration in report.applied:
        click.echo(f"applied {migration['name']} ({migration['seconds']}s)")
    if report.resolved:
        click.echo(f"marked {report.resolved['migration']} as {report.resolved['as']}")
    if report.seed:
        click.echo(f"seed {report.seed['file']}: {report.seed['status']}")
    if report.verification:
        click.echo(report_text(report.verification, use_color(None, sys.stdout)))
    if report.error is None:
        click.echo(
            f"deployed {report.schema}: {plural(len(report.applied), 'migration')} applied, "
            f"{len(report.already_applied)} already applied"
            + (f", {len(report.baselined)} baselined" if report.baselined else "")
            + f", lock waited {report.lock_wait_seconds}s, {report.seconds:.2f}s in all"
        )


# --- relocate ---------------------------------------------------------------------


@click.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@click.option(
    "--from", "source", default="public", show_default=True, help="Where the tables are now."
)
@migrations_option(
    "The application's migrations folder (default: migrations/ beside the schema): only "
    "_prisma_migrations rows naming its migrations move."
)
@click.option("--dry-run", is_flag=True, help="Print the plan (the SQL); change nothing.")
@json_option
@lock_timeout_option(
    "--lock-timeout", 10.0, "Seconds to wait for the migration lock and for each table's lock."
)
@timeout_option(30.0)
@isolation_options
@quiet_verbose()
def relocate(path, database_url, source, migrations_dir, dry_run, as_json, lock_timeout, **rest):
    """Move an application deployed into public (or --from) into its own schema,
    with its data, in one transaction.  Exit 0 moved (or nothing to do), 1
    refused, 2 unreachable/locked/permission, 3 usage."""
    from generator.db.relocate import relocate as run_relocation

    isolation, quiet = rest["isolation"], rest["quiet"]
    target = isolation.schema_name
    notes = check_connection_arguments(database_url, target, source)
    if source == target:
        usage_error("--from names the target schema itself")
    options = isolation.options(path)
    expected = run_guarded(
        rest["verbose"], lambda: _expected_catalog(path, options, []), EXIT_USAGE
    )
    folder = migrations_dir or _default_migrations_dir(path)
    ours = [m.name for m in _local_migrations(folder)] if folder.is_dir() else []
    log = _log(as_json, quiet, notes)
    report = run_relocation(
        database_url, expected, source, target, dry_run, ours, lock_timeout, rest["timeout"], log
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
    elif report.error is None and not quiet:
        _print_relocation(report, source, target)
    _fail_on_report_error(report)


def _print_relocation(report, source: str, target: str) -> None:
    from generator.db.runtime import plural

    for note in report.notes:
        say(f"note: {note}")
    if report.status == "planned":
        click.echo(";\n".join(report.plan) + ";")
    elif report.status == "already relocated":
        click.echo(f"nothing to do: the application is already in {target}")
    else:
        total = sum(t["rows"] for t in report.tables.values())
        click.echo(
            f"relocated {plural(len(report.tables), 'table')} ({plural(total, 'row')}, counts "
            f"and checksums equal) from {source} to {target} in {report.seconds:.2f}s"
        )


# --- import-sqlite ----------------------------------------------------------------


@click.command("import-sqlite", cls=ConnectingCommand)
@click.argument("sqlite_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@click.option(
    "--truncate", is_flag=True, help="Empty non-empty target tables first (same transaction)."
)
@click.option(
    "--batch-size", type=click.IntRange(1), default=5000, show_default=True, help="Rows per batch."
)
@json_option
@lock_timeout_option("--lock-timeout", 10.0, "Seconds to wait for the migration lock.")
@timeout_option(30.0)
@isolation_options
@quiet_verbose()
def import_sqlite(sqlite_file, path, database_url, truncate, batch_size, as_json, **rest):
    """Copy a legacy SQLite database into the deployed, isolated schema, in
    one transaction, with row counts and checksums compared before commit.
    Exit 0 imported, 1 refused or different, 2 unreachable/locked, 3 usage."""
    from generator.db.import_sqlite import import_sqlite as run_import

    isolation, quiet = rest["isolation"], rest["quiet"]
    notes = check_connection_arguments(database_url, isolation.schema_name)
    _refuse_swapped_arguments(path)
    # The schema describing the SQLite file is usually the legacy SQLite one.
    isolation = dataclasses.replace(isolation, provider=isolation.provider or "postgresql")
    options = isolation.options(path)

    def body():
        from generator.emit.catalog import expected_catalog
        from generator.sql.build import build_database

        database = build_from(path, options, lambda s: build_database(s, options.schema))
        return database, expected_catalog(database, [])

    ddl, expected = run_guarded(rest["verbose"], body, EXIT_USAGE)
    progress = not (as_json or quiet) and sys.stderr.isatty() and not os.environ.get("CI")
    report = run_import(
        sqlite_file,
        database_url,
        expected,
        ddl,
        truncate=truncate,
        batch_size=batch_size,
        lock_timeout=rest["lock_timeout"],
        connect_timeout=rest["timeout"],
        progress=progress,
        log=_log(as_json, quiet, notes),
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
    elif report.error is None and not quiet:
        _print_import(report.as_dict(), isolation.schema_name)
    _fail_on_report_error(report)


def _refuse_swapped_arguments(path: str) -> None:
    from generator.db.import_sqlite import SQLITE_HEADER

    if Path(path).is_file():
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                usage_error(
                    f"{path} is a SQLite database, not a schema: the arguments are "
                    "SQLITE_FILE SCHEMA (swapped?)"
                )


def _print_import(data: dict, schema: str) -> None:
    from generator.db.runtime import plural

    for name, table in data["tables"].items():
        click.echo(f"{name}: {plural(table['rows'], 'row')}, checksum {table['checksum']}")
    click.echo(
        f"imported {plural(data['rows'], 'row')} into {schema} in {data['seconds']}s "
        f"({data['rows_per_second']} rows/s); counts and checksums equal"
    )
