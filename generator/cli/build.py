"""Commands that build artifacts from a schema: `sql` (the migration script),
`generate` (the output folder) and `diff` (the migration between two schemas)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_CHANGES,
    fail,
    from_isolated,
    isolated,
    isolation_options,
    quiet_verbose,
    run_guarded,
    say,
    stdin_filename_option,
)


def _guarded_url(ctx, param, value):
    if value:
        from generator.db.urls import guard_output

        guard_output(value)  # no output shows its password
    return value


shadow_database_url_option = click.option(
    "--shadow-database-url",
    envvar="SHADOW_DATABASE_URL",
    callback=_guarded_url,
    help="A server to replay the migrations on when their record is missing (as Prisma's "
    "shadowDatabaseUrl; a scratch database is created and dropped).  Default: "
    "$SHADOW_DATABASE_URL, else an embedded PostgreSQL (prisma-isolate[embedded]).",
)


@click.command()
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@isolation_options
@stdin_filename_option
@quiet_verbose()
def sql(path, isolation, stdin_filename, quiet, verbose):
    """Print the migration SQL that creates the isolated schema from nothing.

    It is what `prisma migrate diff --from-empty --to-schema ... --script`
    prints for the rewritten schema, with ?schema=<--schema> in the URL."""
    options = isolation.options(path)

    def body():
        from generator.sql.render import schema_sql

        outcome, _ = isolated(path, options, stdin_filename, quiet)
        return from_isolated(outcome, lambda rewritten: schema_sql(rewritten, options.schema))

    text = run_guarded(verbose, body)
    sys.stdout.buffer.write(text.encode("utf-8"))


@click.command()
@click.argument("path", type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path),
    required=True,
    help="The folder to write into.",
)
@click.option(
    "--migration-name",
    help="The new migration folder's name after its prefix (default: init for the baseline "
    "0_init, update for a migration appended to an existing history).",
)
@click.option(
    "--dev-sqlite",
    is_flag=True,
    help="Also write dev-sqlite/schema.prisma: a SQLite variant for local development.",
)
@click.option(
    "--healthcheck-path",
    default="/api/ping",
    show_default=True,
    help="railway.toml's healthcheckPath (AnythingLLM answers /api/ping).",
)
@click.option(
    "--deploy-with",
    type=click.Choice(["prisma-isolate", "prisma"]),
    default="prisma-isolate",
    show_default=True,
    help="railway.toml's pre-deploy command: prisma-isolate deploy (and verify), or Prisma's "
    "own `prisma migrate deploy` for an image without Python.",
)
@shadow_database_url_option
@isolation_options
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if any output file would change."
)
@quiet_verbose()
def generate(
    path,
    output,
    migration_name,
    dev_sqlite,
    healthcheck_path,
    deploy_with,
    shadow_database_url,
    isolation,
    check,
    quiet,
    verbose,
):
    """Write the isolated schema.prisma and a Prisma migrations folder.

    The migration folder is migrations/0_<name> (Prisma's baselining layout),
    or <SOURCE_DATE_EPOCH as YYYYMMDDHHMMSS>_<name>.  Files whose content is
    unchanged are not rewritten, so a second run leaves the folder as it was."""
    options = isolation.options(path)
    settings = {
        "healthcheck_path": healthcheck_path,
        "dev_sqlite": dev_sqlite,
        "migration_name": migration_name,
        "shadow_database_url": shadow_database_url,
        "deploy_with": deploy_with,
    }
    changed = run_guarded(
        verbose, lambda: _generate(path, output, migration_name, options, settings, check, quiet)
    )
    if check and changed:
        sys.exit(EXIT_CHANGES)


def _generate(path, output: Path, migration_name, options, settings, check, quiet) -> dict:
    """The files that changed (written unless `check`)."""
    from generator import cache
    from generator.emit.layout import migration_folder_name

    folder = migration_folder_name(migration_name or "init", os.environ.get("SOURCE_DATE_EPOCH"))
    output_dir = repository_relative(output)
    # The build step re-runs generate on an unchanged schema: when these exact
    # bytes, options and code produced files that are all still in place,
    # there is nothing to parse.
    key = cache.generate_key(
        cache.schema_key(path, options),
        folder,
        output_dir,
        settings["healthcheck_path"],
        str(settings["dev_sqlite"]),
        settings["deploy_with"],
    )
    if key is not None and cache.outputs_up_to_date(key, output):
        if not quiet:
            say(f"{output}: up to date")
        return {}
    from generator.output import write_files

    def layout_of(schema) -> None:
        from generator.format.render import is_canonical

        settings["canonical_input"] = is_canonical(schema)

    outcome, location = isolated(path, options, None, quiet, before=layout_of)
    generated = generated_outputs(outcome, location, output, folder, options, settings)
    for note in generated.notes:
        if not quiet or note.startswith("warning:"):  # -q: only errors and warnings
            say(note)
    changed = {}
    for relative, text in generated.files.items():
        destination = output / relative
        if not (destination.is_file() and destination.read_bytes() == text.encode("utf-8")):
            changed[destination] = text
    _refuse_unsafe_writes(
        output, generated.files, changed, outcome.originals, generated.appended is not None
    )
    if not check:
        write_files(changed)  # all of them, or none
    if (
        key is not None
        and not check
        and not any(m.severity != "note" for m in outcome.plan.messages)
    ):
        cache.remember_outputs(key, generated.files)
    if not quiet:
        for destination in changed:
            say(f"{'would write' if check else 'wrote'} {destination}")
        if not changed:
            say(f"{output}: up to date")
    return changed


def generated_outputs(outcome, location, output: Path, folder: str, options, settings: dict):
    """What generate writes into `output` for an isolated input (Generated:
    the files, the migration appended if any, the notes), nothing written."""
    from generator.emit.generate import generate as generate_files
    from generator.emit.generate import migrations_path

    root = str(location) if location is not None and location.is_dir() else None

    def build(rewritten):
        history = _history(
            output,
            migrations_path(outcome, root, rewritten),
            folder,
            options,
            settings.get("shadow_database_url"),
        )
        return generate_files(
            outcome,
            root,
            options.schema,
            folder,
            outcome.plan.converted_from if outcome.changed_paths else None,
            rewritten=rewritten,
            history=history,
            appended=_appended_name(output / migrations_path(outcome, root, rewritten), settings),
            output_dir=repository_relative(output),
            prisma_version=options.prisma_version,
            healthcheck_path=settings["healthcheck_path"],
            dev_sqlite=settings["dev_sqlite"],
            deploy_with=settings.get("deploy_with", "prisma-isolate"),
            canonical_input=settings.get("canonical_input", False),
        )

    from generator.psl.parser import gc_paused

    # Building, rendering and the verify script make millions of small objects
    # and no cyclic garbage: the collector's passes were a tenth of a
    # 1,000-model generate.
    with gc_paused():
        return from_isolated(outcome, build)


def _history(output: Path, migrations, baseline: str | None, options, shadow_url: str | None):
    """The record of the output's migrations folder, or None for a baseline
    (`baseline`: the name of the folder generate would write, None for none).
    Without a record that matches the folder, the end state is rebuilt the way
    Prisma's shadow database finds it: the migrations replayed on a scratch
    database must produce exactly the output's schema.prisma."""
    from generator.emit.layout import History, read_history
    from generator.errors import UsageError

    try:
        local, history = read_history(output / migrations)
    except UsageError:
        local, history = _local_or_raise(output / migrations), None
        if not (output / "schema.prisma").is_file():
            raise
    if history is not None or not local:
        return history
    candidate = output / "schema.prisma"
    if not candidate.is_file():
        if len(local) == 1 and local[0].name == baseline:
            return None  # the same baseline: generate checks that it is unchanged
        raise UsageError(
            f"{output / migrations} holds migrations ({', '.join(m.name for m in local)}) but no "
            f"record of the schema they produce, and no {candidate} to check by replaying them. "
            "Nothing was written"
        )
    text = candidate.read_text(encoding="utf-8")
    history = History([(m.name, m.checksum) for m in local], {"schema.prisma": text})
    if len(local) == 1:  # a lone baseline: its from-empty SQL is proof enough, no database
        from generator.psl.parser import parse_text
        from generator.sql.render import schema_sql

        if schema_sql(parse_text(text, str(candidate)), options.schema) == local[0].script:
            return history
    differences = _replay(local, text, str(candidate), options.schema, shadow_url)
    if differences:
        listed = "; ".join(f"{f.check} {f.object}: {f.message}" for f in differences[:10])
        raise UsageError(
            f"the migrations in {output / migrations} do not produce {candidate} (replayed on a "
            f"scratch database): {listed}. Restore either; nothing was written"
        )
    return history


def _local_or_raise(folder: Path):
    from generator.emit.layout import local_migrations
    from generator.errors import CommandFailure, UsageError

    try:
        return local_migrations(folder)
    except CommandFailure as error:
        raise UsageError(error.message) from None


def _replay(local, schema_text: str, path: str, schema_name: str, shadow_url: str | None) -> list:
    """What differs between the replayed migrations and `schema_text`."""
    import psycopg

    from generator.db.shadow import replayed_differences
    from generator.emit.scripts import expected_for
    from generator.errors import CommandFailure, UsageError
    from generator.psl.parser import parse_text

    expected = expected_for(parse_text(schema_text, path), schema_name, [])
    try:
        return replayed_differences(local, schema_name, expected, shadow_url)
    except CommandFailure as error:
        raise UsageError(error.message) from None
    except psycopg.Error as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "failed"
        raise UsageError(f"cannot use the scratch database: {reason}") from None


def _appended_name(folder: Path, settings: dict) -> str:
    """<YYYYMMDDHHMMSS>_<name> (UTC now, or SOURCE_DATE_EPOCH), after every
    migration already in `folder`."""
    from datetime import UTC, datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    name = f"{moment:%Y%m%d%H%M%S}_{settings.get('migration_name') or 'update'}"
    existing = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if existing and name <= existing[-1]:
        from generator.errors import UsageError

        raise UsageError(
            f"the new migration {name} would not sort after {existing[-1]} (Prisma applies them "
            "in name order): check the clock or SOURCE_DATE_EPOCH"
        )
    return name


def _refuse_unsafe_writes(
    output: Path, files: dict, changed: dict, inputs: dict, appending: bool = False
) -> None:
    """Never overwrite the input, never edit an existing migration, never give
    a history a second baseline or mix providers (UsageError: exit 2)."""
    from generator.emit.layout import history_problem
    from generator.errors import UsageError

    sources = {Path(path).resolve() for path in inputs}
    overwritten = [str(d) for d in changed if d.resolve() in sources]
    if overwritten:
        raise UsageError(
            f"-o {output} would overwrite the input ({', '.join(overwritten)}): give another "
            "output folder; nothing was written"
        )
    lock = next((r for r in files if r.endswith("migration_lock.toml")), None)
    if lock is not None:
        problem = history_problem(output, str(Path(lock).parent), files, appending)
        if problem:
            raise UsageError(problem)


def repository_relative(folder: Path) -> str:
    """`folder` as railway.toml names it: relative to the root of the git
    repository holding it (where Railway runs commands), else to the folder's
    own parent.  Never as typed: the file must not depend on where generate ran."""
    absolute = Path(os.path.abspath(folder))
    for root in absolute.parents:
        if (root / ".git").exists():
            return absolute.relative_to(root).as_posix()
    return absolute.name


@click.command()
@click.option(
    "--from", "source", type=click.Path(exists=True, path_type=str), help="The schema before."
)
@click.option("--from-empty", is_flag=True, help="Start from an empty database.")
@click.option(
    "--from-migrations",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Start from the end of a migrations folder (its record, else replayed on a scratch "
    "database against the schema.prisma beside it).",
)
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(exists=True, path_type=str),
    help="The schema after.",
)
@click.option("--script", is_flag=True, help="Print the migration SQL (else a summary).")
@click.option(
    "--exit-code",
    is_flag=True,
    help="Prisma's convention: exit 2 when there is a difference, 0 when none, 1 on error.",
)
@shadow_database_url_option
@isolation_options
@quiet_verbose()
def diff(
    source,
    from_empty,
    from_migrations,
    target,
    script,
    exit_code,
    shadow_database_url,
    isolation,
    quiet,
    verbose,
):
    """The migration from one schema to another, as `prisma migrate diff
    --from-schema … --to-schema … --script` writes it for ?schema=<--schema>.
    Both schemas may be original or isolated: the isolation options apply to both."""
    if [source is not None, from_empty, from_migrations is not None].count(True) != 1:
        fail(
            "give one of --from SCHEMA, --from-empty, --from-migrations DIR",
            1 if exit_code else EXIT_BAD_INPUT,
        )
    status = run_guarded(
        verbose,
        lambda: _diff(
            source, from_migrations, shadow_database_url, target, isolation, script, quiet
        ),
        bad_input=1 if exit_code else EXIT_BAD_INPUT,
    )
    sys.exit(status if exit_code else 0)


def _migrations_end(folder: Path, options, shadow_url: str | None):
    """The isolated schema at the end of a migrations folder, as generate finds
    it (None for an empty folder: the migration starts from an empty database)."""
    from generator.psl.parser import parse_sources
    from generator.psl.source import SourceFile

    history = _history(folder.parent, folder.name, None, options, shadow_url)
    if history is None:
        return None
    return parse_sources([SourceFile(p, t) for p, t in history.schema.items()])


def _diff(source, migrations, shadow_url, target, isolation, script: bool, quiet: bool) -> int:
    """Print the migration from `source` (a schema), or the end of `migrations`,
    or else an empty database, to `target` (or a summary); 2 when there is a
    difference, else 0."""
    from generator.errors import UsageError
    from generator.sql.build import build_database
    from generator.sql.diff import UnsupportedChange
    from generator.sql.diff import diff as diff_steps
    from generator.sql.model import Database
    from generator.sql.render import render

    def model(path: str) -> Database:
        from generator.cli.options import planned, read_input

        options = isolation.options(path)
        schema, _ = read_input(path, None)
        outcome, isolated_schema = planned(schema, options)  # diff writes nothing
        for message in outcome.plan.messages:
            if message.severity == "warning" or not quiet:
                say(message.render())
        return build_database(isolated_schema, options.schema)

    after = model(target)
    before = None
    if migrations is not None:
        options = isolation.options(target)
        end = _migrations_end(migrations, options, shadow_url)
        before = None if end is None else build_database(end, options.schema)
    elif source is not None:
        before = model(source)
    from_empty = before is None
    if from_empty:
        before = Database(after.default_schema, [], [], [])
    try:
        steps = diff_steps(before, after)
    except UnsupportedChange as error:
        raise UsageError(f"cannot write this migration yet: {error}") from None
    if script:
        if from_empty:
            text = schema_sql_of(after)
        elif steps:
            text = render("migration_diff.sql.jinja", steps=steps).rstrip("\n") + "\n"
        else:
            text = "-- This is an empty migration.\n"
        sys.stdout.buffer.write(text.encode("utf-8"))
    else:
        from generator.sql.diff import summary

        click.echo(summary(steps), nl=False)
    return 2 if steps else 0


def schema_sql_of(database) -> str:
    from generator.sql.render import migration_sql

    return migration_sql(database) or "-- This is an empty migration.\n"
