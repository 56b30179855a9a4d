"""The command line (click), with black's conventions for exit codes and output.

Exit status: 0 nothing to change or written; 1 `--check` found changes;
2 bad input or usage; 123 internal error.

Heavy modules are imported inside the commands that need them, so that
`rewrite --check` (a build step) pays only for click and lark.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import NoReturn

import click

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 123


class WriteBack(Enum):
    """What `rewrite` does with its result (black's write-back mode)."""

    STDOUT = "stdout"  # print the rewritten schema
    OUTPUT = "output"  # write under -o
    IN_PLACE = "in-place"
    CHECK = "check"  # write nothing; exit 1 when something would change
    DIFF = "diff"  # print a unified diff; write nothing
    CHECK_DIFF = "check+diff"


def _use_color(option: bool | None, stream) -> bool:
    if option is not None:
        return option
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="prisma-isolate", prog_name="prisma-isolate")
def main() -> None:
    """Isolate a Prisma application in its own PostgreSQL schema."""


def _split_names(_ctx, _param, value: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for chunk in value:
        names.update(n.strip() for n in chunk.split(",") if n.strip())
    return frozenset(names)


def isolation_options(command):
    """The options every command that isolates a schema takes."""
    options = [
        click.option(
            "--schema",
            "schema_name",
            default="anythingllm",
            show_default=True,
            help="The schema to isolate the application in.",
        ),
        click.option(
            "--keep-in-public",
            multiple=True,
            callback=_split_names,
            help="Models, views or enums to leave in public (comma-separated).",
        ),
        click.option(
            "--force", is_flag=True, help="Move blocks whose @@schema names another schema."
        ),
        click.option(
            "--provider",
            type=click.Choice(["postgresql"]),
            help="Convert the datasource (e.g. a legacy SQLite schema) to this provider.",
        ),
        click.option(
            "--prisma-version",
            help="Target Prisma version (default: from the nearest package.json).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


class ConnectingCommand(click.Command):
    """A command that connects to a database, where exit status 2 means
    "unreachable": click's own usage errors (bad option, missing path) exit 3."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            from generator.db.runtime import EXIT_USAGE

            error.exit_code = EXIT_USAGE
            raise

    def invoke(self, ctx):
        # The last line of defence: an unforeseen error is an internal error
        # (123), with a traceback only under -v, and through the output guard
        # that keeps the URL's password out of it.
        try:
            return super().invoke(ctx)
        except (
            click.exceptions.Exit,
            click.ClickException,
            click.Abort,
            KeyboardInterrupt,
            BrokenPipeError,
        ):
            raise
        except Exception as error:  # noqa: BLE001
            if ctx.params.get("verbose"):
                import traceback

                traceback.print_exc()
            click.echo(f"error: internal error: {type(error).__name__}: {error}", err=True)
            sys.exit(EXIT_INTERNAL)


def _seconds(_ctx, param, value):
    """A timeout PostgreSQL is given in milliseconds, where 0 means "wait forever"."""
    if value is not None and value < 0.001:
        raise click.BadParameter(
            f"{value:g} is not a timeout: give at least 0.001 seconds (PostgreSQL reads 0 as "
            "'wait forever', and a negative value is meaningless)",
            param=param,
        )
    return value


def database_url_option(command):
    """--database-url, from $DATABASE_URL: every command that connects takes it."""
    return click.option(
        "--database-url",
        envvar="DATABASE_URL",
        help="Default: $DATABASE_URL (the password is never printed).",
    )(command)


def _usage_error(message: str) -> NoReturn:
    """Exit 3, the usage status of the commands that connect (2 means unreachable there)."""
    from generator.db.runtime import EXIT_USAGE

    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _check_connection_arguments(
    database_url: str | None, schema_name: str, *other_schemas: str
) -> list[str]:
    """Before any connection: the URL (parsed as libpq will, under the one URL
    policy of every connecting command) and every schema name that will reach
    SQL.  From here on no output shows the URL's password.  Returns the notes."""
    from generator.db.urls import (
        BadConnectionString,
        guard_output,
        parse_connection_string,
        url_policy,
    )
    from generator.sql.identifiers import isolated_schema_problem, schema_name_problem

    if database_url:
        guard_output(database_url)
    for problem in [isolated_schema_problem(schema_name)] + [
        schema_name_problem(name) for name in other_schemas
    ]:
        if problem:
            _usage_error(problem)
    if not database_url:
        _usage_error("give --database-url or set DATABASE_URL")
    try:
        return url_policy(parse_connection_string(database_url), schema_name)
    except BadConnectionString as error:
        _usage_error(str(error))


def _options_for(path: str, schema_name, keep_in_public, force, provider, prisma_version):
    """RewriteOptions for one input, or exit 2 with the reason."""
    from generator.errors import UsageError
    from generator.isolation.options import RewriteOptions
    from generator.isolation.versions import parse_version_option, version_from_package_json

    try:
        version = parse_version_option(prisma_version) if prisma_version else None
    except UsageError as error:
        _fail(str(error), EXIT_BAD_INPUT)
    if version is None:
        version = version_from_package_json(
            Path.cwd() if path == "-" else Path(path),
            warn=lambda message: click.echo(f"warning: {message}", err=True),
        )
    params = click.get_current_context().params
    if params.get("verbose") and not params.get("quiet"):
        click.echo(
            (
                f"target Prisma {version} (from {version.origin})"
                if version is not None
                else "target Prisma unknown (no package.json names prisma; --prisma-version sets it)"
            ),
            err=True,
        )
    return RewriteOptions(
        schema=schema_name,
        keep_in_public=keep_in_public,
        force=force,
        provider=provider,
        prisma_version=version,
    )


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=str))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=str),
    help="Write the result here (a file, or a folder for a schema folder or several inputs).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the input files themselves.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if anything would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff of the changes.")
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the diff (default: on a terminal, unless NO_COLOR is set).",
)
@isolation_options
@click.option("--stdin-filename", help="The name to use in messages when PATH is '-'.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option(
    "-v", "--verbose", is_flag=True, help="List every change; tracebacks for internal errors."
)
def rewrite(
    paths,
    output,
    in_place,
    check,
    diff,
    color,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    stdin_filename,
    quiet,
    verbose,
):  # noqa: E501
    """Add @@schema to every model, enum and view, and `schemas` to the datasource."""
    from generator.errors import PslError, SelfCheckError, UsageError
    from generator.output import WriteError

    if output is not None and in_place:
        _fail("-o/--output and --in-place exclude each other", EXIT_BAD_INPUT)
    if check and diff:
        mode = WriteBack.CHECK_DIFF
    elif check:
        mode = WriteBack.CHECK
    elif diff:
        mode = WriteBack.DIFF
    elif in_place:
        mode = WriteBack.IN_PLACE
    elif output is not None:
        mode = WriteBack.OUTPUT
    else:
        mode = WriteBack.STDOUT
    if mode is WriteBack.STDOUT and (
        len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)
    ):
        _fail(
            "several files to write: give -o FOLDER, --in-place, --check or --diff", EXIT_BAD_INPUT
        )
    if mode is WriteBack.IN_PLACE and "-" in paths:
        _fail("--in-place cannot rewrite standard input", EXIT_BAD_INPUT)
    if mode is WriteBack.OUTPUT and len(paths) > 1 and Path(output).is_file():
        _fail(f"{output} is a file; several inputs need -o FOLDER", EXIT_BAD_INPUT)

    changed_count = 0
    unchanged_count = 0
    status = EXIT_OK
    for path in paths:
        options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)
        try:
            changed = _rewrite_one(
                path, output, mode, options, color, stdin_filename, quiet, verbose, len(paths) > 1
            )
        except PslError as error:
            click.echo(str(error), err=True)
            status = max(status, EXIT_BAD_INPUT)
            continue
        except UsageError as error:
            _fail(str(error), EXIT_BAD_INPUT)
        except WriteError as error:
            click.echo(f"error: {error}", err=True)
            status = max(status, EXIT_BAD_INPUT)
            continue
        except SelfCheckError as error:
            click.echo(f"error: internal error (nothing written for {path}): {error}", err=True)
            status = EXIT_INTERNAL
            continue
        except BrokenPipeError:
            raise  # the reader went away (`| head`): click exits quietly
        except Exception as error:  # noqa: BLE001 - the CLI's last line of defence
            if verbose:
                import traceback

                traceback.print_exc()
            click.echo(
                f"error: internal error (nothing written for {path}): {type(error).__name__}: {error}",
                err=True,
            )
            status = EXIT_INTERNAL
            continue
        if changed:
            changed_count += 1
        else:
            unchanged_count += 1

    if mode in (WriteBack.CHECK, WriteBack.CHECK_DIFF) and changed_count and status == EXIT_OK:
        status = EXIT_CHANGES
    if not quiet and mode is not WriteBack.STDOUT and (changed_count + unchanged_count) > 0:
        verb = (
            "would be rewritten"
            if mode in (WriteBack.CHECK, WriteBack.CHECK_DIFF, WriteBack.DIFF)
            else "rewritten"
        )
        parts = []
        if changed_count:
            parts.append(f"{changed_count} schema{'s' if changed_count != 1 else ''} {verb}")
        if unchanged_count:
            parts.append(
                f"{unchanged_count} schema{'s' if unchanged_count != 1 else ''} already isolated"
            )
        click.echo(", ".join(parts) + ".", err=True)
    sys.exit(status)


def _read_input(path: str, stdin_filename: str | None):
    from generator.psl.parser import decode_source, parse_path, parse_sources

    if path == "-":
        data = sys.stdin.buffer.read()
        return parse_sources([decode_source(data, stdin_filename or "<stdin>")]), None
    location = Path(path)
    if not location.exists():
        from generator.errors import Diagnostic, PslError

        raise PslError([Diagnostic("error", "no such file or folder", path=path)])
    return parse_path(location), location


def _has_warnings(outcome) -> bool:
    # Only a clean verdict is cached: a cached answer prints nothing, and a
    # warning must be seen on every run (notes need not be).
    return any(m.severity != "note" for m in outcome.plan.messages)


def _cache_key(path: str, options) -> str | None:
    """The verdict-cache key of a file or folder input (None for stdin or when
    it cannot be read: the normal path then reports the problem)."""
    from generator import cache
    from generator.psl.source import schema_files_in

    if path == "-":
        return None
    location = Path(path)
    try:
        files = schema_files_in(location) if location.is_dir() else [location]
        contents = [(str(f), f.read_bytes()) for f in files]
    except OSError:
        return None
    version = options.prisma_version.key if options.prisma_version else None
    described = (
        f"{options.schema}|{sorted(options.keep_in_public)}|{options.force}|"
        f"{options.provider}|{version}"
    )
    return cache.key(contents, described)


def _rewrite_one(
    path, output, mode, options, color, stdin_filename, quiet, verbose, several
) -> bool:
    from generator import cache

    cacheable = mode in (WriteBack.CHECK, WriteBack.CHECK_DIFF, WriteBack.DIFF, WriteBack.IN_PLACE)
    cache_key = _cache_key(path, options) if cacheable else None
    if cache_key is not None and cache.is_isolated(cache_key):
        return False  # these exact bytes were isolated already: nothing to parse

    from generator.isolation.isolate import isolate

    schema, location = _read_input(path, stdin_filename)
    outcome = isolate(schema, options)
    if cache_key is not None and not _has_warnings(outcome) and not outcome.plan.changes:
        cache.remember_isolated(cache_key)
    for message in outcome.plan.messages:
        if message.severity == "warning" or not quiet:
            click.echo(message.render(), err=True)
    changed = outcome.changed_paths
    if verbose and not quiet:
        for change in outcome.plan.changes:
            click.echo(f"  {change.description}", err=True)

    if mode in (WriteBack.DIFF, WriteBack.CHECK_DIFF):
        from generator.diffing import unified_diff

        use_color = _use_color(color, sys.stdout)
        for name in changed:
            click.echo(
                unified_diff(outcome.originals[name], outcome.outputs[name], name, use_color),
                nl=False,
                color=use_color,  # stops click from stripping escapes when stdout is no TTY
            )
    if mode in (WriteBack.CHECK, WriteBack.CHECK_DIFF):
        if not quiet:
            for name in changed:
                click.echo(f"would rewrite {name}", err=True)
        return bool(changed)
    if mode is WriteBack.DIFF:
        return bool(changed)
    if mode is WriteBack.STDOUT:
        (text,) = outcome.outputs.values()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return bool(changed)

    from generator.output import write_files

    if mode is WriteBack.IN_PLACE:
        # A schema folder is one schema: all its files are rewritten, or none.
        write_files({Path(name): outcome.outputs[name] for name in changed})
        if not quiet:
            for name in changed:
                click.echo(f"rewrote {name}", err=True)
        return bool(changed)

    # WriteBack.OUTPUT: the whole schema goes under -o, changed or not.
    pending = {}
    for name, text in outcome.outputs.items():
        destination = _destination(name, location, output, several)
        if destination.is_file() and destination.read_bytes() == text.encode("utf-8"):
            continue
        pending[destination] = text
    write_files(pending)
    if not quiet:
        for destination in pending:
            click.echo(f"wrote {destination}", err=True)
    return bool(changed)


def _destination(name: str, location: Path | None, output: str, several: bool) -> Path:
    """Where one file goes under -o.  `output` is the argument as typed: a
    trailing "/" says "a folder" even when it does not exist yet."""
    folder = Path(output)
    if location is not None and location.is_dir():
        return folder / Path(name).relative_to(location)
    filename = Path(name).name if location is not None else "schema.prisma"
    if several or folder.is_dir() or output.endswith(("/", os.sep)):
        return folder / filename
    return folder


@main.command()
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the AST as JSON.")
@click.option("--stdin-filename", help="The name to use in messages when PATH is '-'.")
def parse(path, as_json, stdin_filename):
    """Parse a schema (file, folder or '-') and print its AST or a summary."""
    from generator.errors import PslError

    try:
        schema, _ = _read_input(path, stdin_filename)
    except PslError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        import json

        from generator.psl.nodes import to_json

        click.echo(json.dumps(to_json(schema), indent=2, ensure_ascii=False))
        return
    counts: dict[str, int] = {}
    for block in schema.blocks:
        counts[block.keyword] = counts.get(block.keyword, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    lines = sum(f.source.text.count("\n") + 1 for f in schema.files)
    click.echo(f"{path}: {len(schema.files)} file(s), {lines} lines: {summary or 'no blocks'}")


def _run_guarded(verbose: bool, body, bad_input: int = EXIT_BAD_INPUT):
    """Run `body`, turning our exceptions into black-style exit codes
    (`bad_input` for commands whose 2 means something else)."""
    from generator.errors import PslError, SelfCheckError, UsageError
    from generator.output import WriteError

    try:
        return body()
    except PslError as error:
        click.echo(str(error), err=True)
        sys.exit(bad_input)
    except (UsageError, WriteError) as error:
        _fail(str(error), bad_input)
    except SelfCheckError as error:
        _fail(f"internal error (nothing written): {error}", EXIT_INTERNAL)
    except BrokenPipeError:
        raise  # the reader went away (`| head`): click exits quietly
    except Exception as error:  # noqa: BLE001 - the CLI's last line of defence
        if verbose:
            import traceback

            traceback.print_exc()
        _fail(f"internal error (nothing written): {type(error).__name__}: {error}", EXIT_INTERNAL)


def _isolated(path: str, options, stdin_filename: str | None, quiet: bool):
    """Parse and isolate one input (file, folder or '-'); print the rewrite's messages."""
    from generator.isolation.isolate import isolate

    schema, location = _read_input(path, stdin_filename)
    outcome = isolate(schema, options)
    for message in outcome.plan.messages:
        if message.severity == "warning" or not quiet:
            click.echo(message.render(), err=True)
    return outcome, location


@main.command()
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@isolation_options
@click.option("--stdin-filename", help="The name to use in messages when PATH is '-'.")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def sql(
    path,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    stdin_filename,
    quiet,
    verbose,
):
    """Print the migration SQL that creates the isolated schema from nothing.

    It is what `prisma migrate diff --from-empty --to-schema ... --script`
    prints for the rewritten schema, with ?schema=<--schema> in the URL."""
    options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)

    def body():
        from generator.psl.parser import parse_sources
        from generator.psl.source import SourceFile
        from generator.sql.render import schema_sql

        outcome, _ = _isolated(path, options, stdin_filename, quiet)
        rewritten = outcome.schema or parse_sources(
            [SourceFile(p, t) for p, t in outcome.outputs.items()]
        )
        return schema_sql(rewritten, options.schema)

    text = _run_guarded(verbose, body)
    sys.stdout.buffer.write(text.encode("utf-8"))


@main.command()
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
    default="init",
    show_default=True,
    help="The migration folder's name after its timestamp.",
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
@isolation_options
@click.option(
    "--check", is_flag=True, help="Write nothing; exit 1 if any output file would change."
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def generate(
    path,
    output,
    migration_name,
    dev_sqlite,
    healthcheck_path,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    check,
    quiet,
    verbose,
):
    """Write the isolated schema.prisma and a Prisma migrations folder.

    The migration folder is migrations/0_<name> (Prisma's baselining layout),
    or <SOURCE_DATE_EPOCH as YYYYMMDDHHMMSS>_<name>.  Files whose content is
    unchanged are not rewritten, so a second run leaves the folder as it was."""
    options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)

    def body():
        from generator import cache
        from generator.emit.layout import migration_folder_name

        folder = migration_folder_name(migration_name, os.environ.get("SOURCE_DATE_EPOCH"))
        output_dir = repository_relative(output)
        # The build step re-runs generate on an unchanged schema: when these exact
        # bytes, options and code produced files that are all still in place,
        # there is nothing to parse.
        cache_key = _cache_key(path, options)
        if cache_key is not None:
            cache_key = cache.key(
                [
                    (
                        "generate",
                        f"{folder}\0{output_dir}\0{healthcheck_path}\0{dev_sqlite}".encode(),
                    )
                ],
                cache_key,
            )
            if cache.outputs_up_to_date(cache_key, output):
                if not quiet:
                    click.echo(f"{output}: up to date", err=True)
                return []
        from generator.emit.generate import generate as generate_files
        from generator.output import write_files

        outcome, location = _isolated(path, options, None, quiet)
        root = str(location) if location is not None and location.is_dir() else None
        converted = None
        if options.provider is not None and outcome.changed_paths:
            converted = _original_provider(outcome)
        generated = generate_files(
            outcome,
            root,
            options.schema,
            folder,
            converted,
            output_dir=output_dir,
            prisma_version=options.prisma_version,
            healthcheck_path=healthcheck_path,
            dev_sqlite=dev_sqlite,
        )
        if not quiet:
            for note in generated.notes:
                click.echo(note, err=True)
        changed = {}
        for relative, text in generated.files.items():
            destination = output / relative
            if destination.is_file() and destination.read_bytes() == text.encode("utf-8"):
                continue
            changed[destination] = text
        if not check:
            write_files(changed)  # all of them, or none
        if cache_key is not None and not check and not _has_warnings(outcome):
            cache.remember_outputs(cache_key, generated.files)
        if not quiet:
            verb = "would write" if check else "wrote"
            for destination in changed:
                click.echo(f"{verb} {destination}", err=True)
            if not changed:
                click.echo(f"{output}: up to date", err=True)
        return changed

    changed = _run_guarded(verbose, body)
    if check and changed:
        sys.exit(EXIT_CHANGES)


def repository_relative(folder: Path) -> str:
    """`folder` as railway.toml names it: relative to the root of the git
    repository holding it (where Railway runs commands), else to the folder's
    own parent.  Never as typed: the file must not depend on where generate ran."""
    absolute = Path(os.path.abspath(folder))
    for root in absolute.parents:
        if (root / ".git").exists():
            return absolute.relative_to(root).as_posix()
    return absolute.name


def _original_provider(outcome) -> str | None:
    import re

    for text in outcome.originals.values():
        match = re.search(r'provider\s*=\s*"(sqlite|mysql|mongodb)"', text)
        if match:
            return match.group(1)
    return None


@main.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@database_url_option
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds to keep retrying the connection.",
)
@click.option(
    "--migrations",
    "migrations_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The migrations folder whose migrations must be applied (default: the one generate writes).",
)
@click.option(
    "--migration-name",
    default="init",
    show_default=True,
    help="Without --migrations: the name generate was given.",
)
@isolation_options
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def verify(
    path,
    database_url,
    as_json,
    timeout,
    migrations_dir,
    migration_name,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    quiet,
    verbose,
):
    """Check a deployment against the schema: the same checks as the generated
    verify_<schema>.py.  Exit 0 healthy, 1 drift, 2 unreachable, 3 usage."""
    from generator.db import runtime as verify_runtime

    notes = _check_connection_arguments(database_url, schema_name)
    options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)

    def body():
        from generator.emit.layout import migration_folder_name

        if migrations_dir is None:
            names = [migration_folder_name(migration_name, os.environ.get("SOURCE_DATE_EPOCH"))]
            return _expected_catalog(path, options, names)
        from generator.emit.layout import accepted_checksums

        local = _local_migrations(migrations_dir)
        expected = _expected_catalog(path, options, [m.name for m in local])
        # With the folder known, an applied migration whose file changed is drift too.
        expected["checksums"] = {m.name: accepted_checksums(m.script) for m in local}
        return expected

    expected = _run_guarded(verbose, body, verify_runtime.EXIT_USAGE)
    log = None if (as_json or quiet) else (lambda message: click.echo(message, err=True))
    for note in notes:
        if log:
            log(f"note: {note}")
    try:
        report = verify_runtime.verify(database_url, expected, timeout, log)
    except verify_runtime.Unreachable as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    if as_json:
        click.echo(verify_runtime.report_json(report))
    else:
        color = _use_color(None, sys.stdout)
        click.echo(verify_runtime.report_text(report, color), color=color)
    sys.exit(verify_runtime.EXIT_HEALTHY if report["healthy"] else verify_runtime.EXIT_DRIFT)


def _isolated_schema(path: str, options):
    """The parse of the isolated schema."""
    from generator.psl.parser import parse_sources
    from generator.psl.source import SourceFile

    outcome, _ = _isolated(path, options, None, True)
    return outcome.schema or parse_sources([SourceFile(p, t) for p, t in outcome.outputs.items()])


def _expected_catalog(path: str, options, migrations: list[str]) -> dict:
    """What the deployed schema must hold: the DDL model of the isolated schema."""
    from generator.emit.scripts import expected_for

    return expected_for(_isolated_schema(path, options), options.schema, migrations)


def _default_migrations_dir(path: str) -> Path:
    """Where Prisma looks: migrations/ beside the schema file (or in the schema folder)."""
    base = Path(path) if Path(path).is_dir() else Path(path).parent
    return base / "migrations"


def _local_migrations(migrations_dir: Path):
    """The folder's migrations, as deploy reads them (a usage error, exit 3, when unreadable)."""
    from generator.emit.layout import local_migrations
    from generator.errors import CommandFailure

    try:
        return local_migrations(migrations_dir)
    except CommandFailure as error:
        _usage_error(error.message)


@main.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@click.option(
    "--migrations",
    "migrations_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The Prisma migrations folder (default: migrations/ beside the schema).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option(
    "--timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds to keep retrying the connection.",
)
@click.option(
    "--lock-timeout",
    type=float,
    default=10.0,
    show_default=True,
    callback=_seconds,
    help="Seconds to wait for the migration lock (Prisma's advisory lock).",
)
@click.option(
    "--table-lock-timeout",
    type=float,
    default=5.0,
    show_default=True,
    callback=_seconds,
    help="Seconds a migration statement may wait for a table lock (the running application "
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
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def deploy(
    path,
    database_url,
    migrations_dir,
    as_json,
    timeout,
    lock_timeout,
    table_lock_timeout,
    baseline,
    environment,
    on_failure,
    seed,
    resolve_name,
    resolve_as,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    quiet,
    verbose,
):
    """Apply the migrations folder to the isolated schema, as `prisma migrate
    deploy` records it, under Prisma's advisory lock; seed; verify.
    Exit 0 healthy, 1 failed, 2 unreachable/locked/permission, 3 usage."""
    from generator.db.runtime import EXIT_USAGE

    # Everything that reaches SQL is checked before a connection is opened.
    notes = _check_connection_arguments(database_url, schema_name)
    if (resolve_name is None) != (resolve_as is None):
        _usage_error("--resolve NAME takes --applied or --rolled-back (and they need --resolve)")
    from generator.db.deploy import DeployOptions, environment_is_production, run

    production = environment_is_production(environment)
    policy = on_failure or ("continue" if production else "fail")
    given_migrations = migrations_dir
    if migrations_dir is None:
        migrations_dir = _default_migrations_dir(path)
    options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)

    # The migrations it must find are filled in by the deploy, from the folder it reads.
    expected = _run_guarded(verbose, lambda: _expected_catalog(path, options, []), EXIT_USAGE)
    log = None if (as_json or quiet) else (lambda message: click.echo(message, err=True))
    report = run(
        database_url,
        DeployOptions(
            schema=schema_name,
            migrations_dir=migrations_dir,
            command=_deploy_command(path, schema_name, given_migrations),
            table_lock_timeout=table_lock_timeout,
            baseline=baseline,
            lock_timeout=lock_timeout,
            connect_timeout=timeout,
            production=production,
            seed=seed,
            skip_seed=os.environ.get("SKIP_SEED", "") not in ("", "0"),
            resolve=(resolve_name, resolve_as) if resolve_name else None,
        ),
        expected,
        log,
    )
    report.notes[:0] = notes
    _finish_deploy(report, as_json, quiet, policy)


def _deploy_command(path: str, schema_name: str, migrations_dir: Path | None) -> str:
    """This deploy as a command to run again (hints print it; the URL comes
    from $DATABASE_URL, never from the command line, so it is not repeated)."""
    import shlex

    words = ["prisma-isolate", "deploy", path, "--schema", schema_name]
    if migrations_dir is not None:
        words += ["--migrations", str(migrations_dir)]
    return shlex.join(words)


def _finish_deploy(report, as_json: bool, quiet: bool, policy: str) -> None:
    import json

    from generator.db.runtime import EXIT_USAGE, plural, report_text

    data = report.as_dict()
    data["on_failure"] = policy
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    elif not quiet:
        for note in report.notes:
            click.echo(note if note.startswith("warning:") else f"note: {note}", err=True)
        for migration in report.applied:
            click.echo(f"applied {migration['name']} ({migration['seconds']}s)")
        if report.resolved:
            click.echo(f"marked {report.resolved['migration']} as {report.resolved['as']}")
        if report.seed:
            click.echo(f"seed {report.seed['file']}: {report.seed['status']}")
        if report.verification:
            click.echo(report_text(report.verification, _use_color(None, sys.stdout)))
    error = report.error
    if error is None:
        if not as_json and not quiet:
            click.echo(
                f"deployed {report.schema}: {plural(len(report.applied), 'migration')} applied, "
                f"{len(report.already_applied)} already applied"
                + (f", {len(report.baselined)} baselined" if report.baselined else "")
                + ", lock waited "
                f"{report.lock_wait_seconds}s, {report.seconds:.2f}s in all"
            )
        sys.exit(0)
    click.echo(f"error: {error['message']}", err=True)
    if error["exit_code"] == EXIT_USAGE or policy == "fail":
        sys.exit(error["exit_code"])
    # --on-failure continue: the service starts on the previous schema, but the
    # failure is loud, structured, and stays visible to `verify`.
    click.echo(
        "prisma-isolate: DEPLOY FAILED; continuing because --on-failure continue: "
        + json.dumps(
            {"event": "deploy_failed", "schema": report.schema, "error": error}, default=str
        ),
        err=True,
    )
    sys.exit(0)


@main.command(cls=ConnectingCommand)
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@click.option(
    "--from", "source", default="public", show_default=True, help="Where the tables are now."
)
@click.option(
    "--migrations",
    "migrations_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The application's migrations folder (default: migrations/ beside the schema): only "
    "_prisma_migrations rows naming its migrations move.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan (the SQL); change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option(
    "--lock-timeout",
    type=float,
    default=10.0,
    show_default=True,
    callback=_seconds,
    help="Seconds to wait for the migration lock and for each table's lock.",
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Connection retry window."
)
@isolation_options
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def relocate(
    path,
    database_url,
    source,
    migrations_dir,
    dry_run,
    as_json,
    lock_timeout,
    timeout,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    quiet,
    verbose,
):
    """Move an application deployed into public (or --from) into its own schema,
    with its data, in one transaction.  Exit 0 moved (or nothing to do), 1
    refused, 2 unreachable/locked/permission, 3 usage."""
    import json

    from generator.db.runtime import EXIT_USAGE, plural

    notes = _check_connection_arguments(database_url, schema_name, source)
    if source == schema_name:
        _usage_error("--from names the target schema itself")
    options = _options_for(path, schema_name, keep_in_public, force, provider, prisma_version)
    expected = _run_guarded(verbose, lambda: _expected_catalog(path, options, []), EXIT_USAGE)
    from generator.db.relocate import relocate as run_relocation

    log = None if (as_json or quiet) else (lambda message: click.echo(message, err=True))
    for note in notes:
        if log:
            log(f"note: {note}")
    folder = migrations_dir or _default_migrations_dir(path)
    ours = [m.name for m in _local_migrations(folder)] if folder.is_dir() else []
    report = run_relocation(
        database_url,
        expected,
        source,
        schema_name,
        dry_run,
        ours,
        lock_timeout,
        timeout,
        log,
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, default=str))
    elif report.error is None and not quiet:
        for note in report.notes:
            click.echo(f"note: {note}", err=True)
        if report.status == "planned":
            click.echo(";\n".join(report.plan) + ";")
        elif report.status == "already relocated":
            click.echo(f"nothing to do: the application is already in {schema_name}")
        else:
            total = sum(t["rows"] for t in report.tables.values())
            click.echo(
                f"relocated {plural(len(report.tables), 'table')} ({plural(total, 'row')}, counts and checksums "
                f"equal) from {source} to {schema_name} in {report.seconds:.2f}s"
            )
    if report.error is not None:
        click.echo(f"error: {report.error['message']}", err=True)
        sys.exit(report.error["exit_code"])


@main.command("import-sqlite", cls=ConnectingCommand)
@click.argument("sqlite_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("path", type=click.Path(exists=True, path_type=str))
@database_url_option
@click.option(
    "--truncate", is_flag=True, help="Empty non-empty target tables first (same transaction)."
)
@click.option(
    "--batch-size", type=click.IntRange(1), default=5000, show_default=True, help="Rows per batch."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")
@click.option(
    "--lock-timeout",
    type=float,
    default=10.0,
    show_default=True,
    callback=_seconds,
    help="Seconds to wait for the migration lock.",
)
@click.option(
    "--timeout", type=float, default=30.0, show_default=True, help="Connection retry window."
)
@isolation_options
@click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks for internal errors.")
def import_sqlite(
    sqlite_file,
    path,
    database_url,
    truncate,
    batch_size,
    as_json,
    lock_timeout,
    timeout,
    schema_name,
    keep_in_public,
    force,
    provider,
    prisma_version,
    quiet,
    verbose,
):
    """Copy a legacy SQLite database into the deployed, isolated schema, in
    one transaction, with row counts and checksums compared before commit.
    Exit 0 imported, 1 refused or different, 2 unreachable/locked, 3 usage."""
    import json

    from generator.db.runtime import EXIT_USAGE, plural

    notes = _check_connection_arguments(database_url, schema_name)
    from generator.db.import_sqlite import SQLITE_HEADER

    if Path(path).is_file():
        with open(path, "rb") as handle:
            if handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER:
                _usage_error(
                    f"{path} is a SQLite database, not a schema: the arguments are "
                    "SQLITE_FILE SCHEMA (swapped?)"
                )
    # The schema describing the SQLite file is usually the legacy SQLite one.
    options = _options_for(
        path, schema_name, keep_in_public, force, provider or "postgresql", prisma_version
    )

    def body():
        from generator.emit.catalog import expected_catalog
        from generator.sql.build import build_database

        database = build_database(_isolated_schema(path, options), options.schema)
        return database, expected_catalog(database, [])

    ddl, expected = _run_guarded(verbose, body, EXIT_USAGE)
    from generator.db.import_sqlite import import_sqlite as run_import

    progress = not (as_json or quiet) and sys.stderr.isatty() and not os.environ.get("CI")
    log = None if (as_json or quiet) else (lambda message: click.echo(message, err=True))
    for note in notes:
        if log:
            log(f"note: {note}")
    report = run_import(
        sqlite_file,
        database_url,
        expected,
        ddl,
        truncate=truncate,
        batch_size=batch_size,
        lock_timeout=lock_timeout,
        connect_timeout=timeout,
        progress=progress,
        log=log,
    )
    data = report.as_dict()
    if as_json:
        click.echo(json.dumps(data, indent=2, default=str))
    elif report.error is None and not quiet:
        for name, table in data["tables"].items():
            click.echo(f"{name}: {plural(table['rows'], 'row')}, checksum {table['checksum']}")
        click.echo(
            f"imported {plural(data['rows'], 'row')} into {schema_name} in {data['seconds']}s "
            f"({data['rows_per_second']} rows/s); counts and checksums equal"
        )
    if report.error is not None:
        click.echo(f"error: {report.error['message']}", err=True)
        sys.exit(report.error["exit_code"])
