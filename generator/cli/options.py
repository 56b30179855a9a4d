"""What every command shares: its options, and the guards that turn errors
into exit statuses (the table is in generator/errors.py)."""

from __future__ import annotations

import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

# The statuses the CLI uses before anything heavy is imported (errors.py has them all).
EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_BAD_INPUT = 2
EXIT_USAGE = 3  # database commands: usage and bad input (2 means unreachable there)
EXIT_INTERNAL = 123


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def usage_error(message: str) -> NoReturn:
    """Exit 3, the usage status of the commands that connect."""
    fail(message, EXIT_USAGE)


def use_color(option: bool | None, stream) -> bool:
    if option is not None:
        return option
    if os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def say(message: str) -> None:
    click.echo(message, err=True)


# --- options ----------------------------------------------------------------------


def _split_names(_ctx, _param, value: tuple[str, ...]) -> frozenset[str]:
    names: set[str] = set()
    for chunk in value:
        names.update(n.strip() for n in chunk.split(",") if n.strip())
    return frozenset(names)


@dataclass(frozen=True)
class Isolation:
    """The isolation options as given; `options(path)` resolves the target
    Prisma version for one input."""

    schema_name: str
    keep_in_public: frozenset[str]
    force: bool
    provider: str | None
    prisma_version: str | None

    def options(self, path: str):
        """RewriteOptions for one input, or exit 2 with the reason."""
        from generator.errors import UsageError
        from generator.isolation.options import RewriteOptions
        from generator.isolation.versions import parse_version_option, version_from_package_json

        try:
            version = parse_version_option(self.prisma_version) if self.prisma_version else None
        except UsageError as error:
            fail(str(error), EXIT_BAD_INPUT)
        if version is None:
            start = Path.cwd() if path == "-" else Path(path)
            version = version_from_package_json(start, warn=lambda m: say(f"warning: {m}"))
        params = click.get_current_context().params
        if params.get("verbose") and not params.get("quiet"):
            say(
                f"target Prisma {version} (from {version.origin})"
                if version is not None
                else "target Prisma unknown (no package.json names prisma; --prisma-version sets it)"
            )
        return RewriteOptions(
            schema=self.schema_name,
            keep_in_public=self.keep_in_public,
            force=self.force,
            provider=self.provider,
            prisma_version=version,
        )


_ISOLATION = [
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
    click.option("--force", is_flag=True, help="Move blocks whose @@schema names another schema."),
    click.option(
        "--provider",
        type=click.Choice(["postgresql"]),
        help="Convert the datasource (e.g. a legacy SQLite schema) to this provider.",
    ),
    click.option(
        "--prisma-version", help="Target Prisma version (default: from the nearest package.json)."
    ),
]


def isolation_options(command):
    """The options of every command that isolates a schema, passed on as one
    `isolation` argument."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        names = ("schema_name", "keep_in_public", "force", "provider", "prisma_version")
        isolation = Isolation(*(kwargs.pop(name) for name in names))
        return command(*args, isolation=isolation, **kwargs)

    for option in reversed(_ISOLATION):
        wrapper = option(wrapper)
    return wrapper


def quiet_verbose(verbose_help: str = "Tracebacks for internal errors."):
    def decorate(command):
        command = click.option("-v", "--verbose", is_flag=True, help=verbose_help)(command)
        return click.option("-q", "--quiet", is_flag=True, help="Only errors and warnings.")(
            command
        )

    return decorate


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON report on stdout.")(
        command
    )


def stdin_filename_option(command):
    return click.option("--stdin-filename", help="The name to use in messages when PATH is '-'.")(
        command
    )


def timeout_option(default: float):
    return click.option(
        "--timeout",
        type=float,
        default=default,
        show_default=True,
        help="Seconds to keep retrying the connection (only while waiting can cure it).",
    )


def _seconds(_ctx, param, value):
    """A timeout PostgreSQL is given in milliseconds, where 0 means "wait forever"."""
    if value is not None and value < 0.001:
        raise click.BadParameter(
            f"{value:g} is not a timeout: give at least 0.001 seconds (PostgreSQL reads 0 as "
            "'wait forever', and a negative value is meaningless)",
            param=param,
        )
    return value


def lock_timeout_option(name: str, default: float, help: str):
    return click.option(
        name, type=float, default=default, show_default=True, callback=_seconds, help=help
    )


def database_url_option(command):
    """--database-url, from $DATABASE_URL: every command that connects takes it."""
    return click.option(
        "--database-url",
        envvar="DATABASE_URL",
        help="Default: $DATABASE_URL (the password is never printed).",
    )(command)


def migrations_option(help: str):
    return click.option(
        "--migrations",
        "migrations_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help=help,
    )


# --- guards -----------------------------------------------------------------------


def attempt(verbose: bool, body, bad_input: int = EXIT_BAD_INPUT, subject: str = ""):
    """Run `body`: (0, its value), or (the status, None) after saying what
    went wrong.  A usage error exits at once (it would be the same for every
    input); `subject` names the input in internal errors."""
    from generator.errors import PslError, SelfCheckError, UsageError, WriteError

    try:
        return EXIT_OK, body()
    except PslError as error:
        say(str(error))
        return bad_input, None
    except UsageError as error:
        fail(str(error), bad_input)
    except WriteError as error:
        say(f"error: {error}")
        return bad_input, None
    except SelfCheckError as error:
        say(f"error: internal error (nothing written{subject}): {error}")
        return EXIT_INTERNAL, None
    except BrokenPipeError:
        raise  # the reader went away (`| head`): click exits quietly
    except Exception as error:  # noqa: BLE001 - the CLI's last line of defence
        if verbose:
            import traceback

            traceback.print_exc()
        say(f"error: internal error (nothing written{subject}): {type(error).__name__}: {error}")
        return EXIT_INTERNAL, None


def run_guarded(verbose: bool, body, bad_input: int = EXIT_BAD_INPUT):
    """`attempt`, exiting with its status when `body` failed."""
    status, value = attempt(verbose, body, bad_input)
    if status:
        sys.exit(status)
    return value


class ConnectingCommand(click.Command):
    """A command that connects to a database, where exit status 2 means
    "unreachable": click's own usage errors (bad option, missing path) exit 3."""

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
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
            fail(f"internal error: {type(error).__name__}: {error}", EXIT_INTERNAL)


def check_connection_arguments(
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
            usage_error(problem)
    if not database_url:
        usage_error("give --database-url or set DATABASE_URL")
    try:
        return url_policy(parse_connection_string(database_url), schema_name)
    except BadConnectionString as error:
        usage_error(str(error))


# --- reading and isolating a schema -----------------------------------------------


def read_input(path: str, stdin_filename: str | None):
    """(the parsed schema, its path or None for standard input)."""
    from generator.psl.parser import decode_source, parse_path, parse_sources

    if path == "-":
        data = sys.stdin.buffer.read()
        return parse_sources([decode_source(data, stdin_filename or "<stdin>")]), None
    location = Path(path)
    if not location.exists():
        from generator.errors import Diagnostic, PslError

        raise PslError([Diagnostic("error", "no such file or folder", path=path)])
    return parse_path(location), location


def isolated(path: str, options, stdin_filename: str | None, quiet: bool, before=None):
    """Parse and isolate one input (file, folder or '-'); print the rewrite's
    messages.  `before(schema)` sees the parsed input before the rewrite
    (which consumes it)."""
    from generator.isolation.isolate import isolate

    schema, location = read_input(path, stdin_filename)
    if before is not None:
        before(schema)
    outcome = isolate(schema, options)
    for message in outcome.plan.messages:
        if message.severity == "warning" or not quiet:
            say(message.render())
    return outcome, location


def planned(schema, options):
    """(the rewrite's outcome, the isolated schema as the plan makes it), for
    commands that write nothing (diff, review): the rewrite's self-check, which
    parses the output again to compare it with this very AST, is left out —
    one parse less.  Consumes `schema`."""
    from generator.isolation.isolate import isolate

    outcome = isolate(schema, options, self_check=False)
    for change in outcome.plan.changes:
        change.apply()
    return outcome, schema


def rewritten_schema(outcome):
    """The parse of the isolated schema (the self-check's, when it ran)."""
    from generator.psl.parser import parse_sources
    from generator.psl.source import SourceFile

    return outcome.schema or parse_sources([SourceFile(p, t) for p, t in outcome.outputs.items()])


def from_isolated(outcome, build):
    """`build(the isolated schema)`; errors it finds (the SQL model's) are
    located in the files as the user wrote them, not in the rewritten text."""
    from generator.errors import PslError

    try:
        return build(rewritten_schema(outcome))
    except PslError as error:
        raise outcome.in_original(error) from None


def build_from(path: str, options, build):
    """Isolate one input quietly, then `from_isolated`."""
    outcome, _ = isolated(path, options, None, True)
    return from_isolated(outcome, build)
