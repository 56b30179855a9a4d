"""Commands on a schema file: `rewrite` (the isolation rewrite, with black's
write-back modes), `format` (Prisma's canonical layout, the same modes) and
`parse`."""

from __future__ import annotations

import os
import sys
from collections import Counter
from enum import Enum
from functools import partial
from pathlib import Path

import click

from generator.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_CHANGES,
    EXIT_OK,
    attempt,
    fail,
    isolation_options,
    quiet_verbose,
    read_input,
    say,
    stdin_filename_option,
    use_color,
)


class WriteBack(Enum):
    """What `rewrite` does with its result (black's write-back mode)."""

    STDOUT = "stdout"  # print the rewritten schema
    OUTPUT = "output"  # write under -o
    IN_PLACE = "in-place"
    CHECK = "check"  # write nothing; exit 1 when something would change
    DIFF = "diff"  # print a unified diff; write nothing
    CHECK_DIFF = "check+diff"

    @classmethod
    def choose(cls, check: bool, diff: bool, in_place: bool, output: str | None) -> WriteBack:
        if check:
            return cls.CHECK_DIFF if diff else cls.CHECK
        if diff:
            return cls.DIFF
        if in_place:
            return cls.IN_PLACE
        return cls.OUTPUT if output is not None else cls.STDOUT

    @property
    def checks(self) -> bool:
        return self in (WriteBack.CHECK, WriteBack.CHECK_DIFF)

    @property
    def writes_nothing(self) -> bool:
        return self in (WriteBack.CHECK, WriteBack.CHECK_DIFF, WriteBack.DIFF)


def write_back_options(command):
    """PATHS and how the result is written back: rewrite's and format's."""
    for option in reversed(
        (
            click.argument(
                "paths", nargs=-1, required=True, type=click.Path(allow_dash=True, path_type=str)
            ),
            click.option(
                "-o",
                "--output",
                "output",
                type=click.Path(path_type=str),
                help=(
                    "Write the result here (a file, or a folder for a schema folder or several"
                    " inputs)."
                ),
            ),
            click.option("--in-place", is_flag=True, help="Rewrite the input files themselves."),
            click.option(
                "--check", is_flag=True, help="Write nothing; exit 1 if anything would change."
            ),
            click.option(
                "--diff", is_flag=True, help="Write nothing; print a unified diff of the changes."
            ),
            click.option(
                "--color/--no-color",
                default=None,
                help="Colour the diff (default: on a terminal, unless NO_COLOR is set).",
            ),
        )
    ):
        command = option(command)
    return command


@click.command()
@write_back_options
@click.option(
    "--format",
    "canonical",
    is_flag=True,
    help="Then write the result in Prisma's canonical layout (as prisma format).",
)
@isolation_options
@stdin_filename_option
@quiet_verbose("List every change; tracebacks for internal errors.")
def rewrite(
    paths,
    output,
    in_place,
    check,
    diff,
    color,
    canonical,
    isolation,
    stdin_filename,
    quiet,
    verbose,
):
    """Add @@schema to every model, enum and view, and `schemas` to the datasource."""

    def step(path, mode, several):
        options = isolation.options(path)
        return partial(
            _rewrite_one,
            path,
            output,
            mode,
            options,
            color,
            stdin_filename,
            quiet,
            verbose,
            several,
            canonical,
        )

    _write_back_each(
        paths,
        output,
        in_place,
        check,
        diff,
        quiet,
        verbose,
        step,
        ("rewritten", "already isolated"),
    )


def _write_back_each(
    paths, output, in_place, check, diff, quiet, verbose, step, words: tuple[str, str]
) -> None:
    """rewrite's and format's run over their inputs: the write-back mode, one
    attempt per input (`step(path, mode, several)` gives its body), the exit
    status and the summary line (`words`: what a changed and an unchanged
    schema are said to be)."""
    if output is not None and in_place:
        fail("-o/--output and --in-place exclude each other", EXIT_BAD_INPUT)
    mode = WriteBack.choose(check, diff, in_place, output)
    _check_write_back(mode, paths, output)
    counts: Counter = Counter()
    status = EXIT_OK
    for path in paths:
        one, changed = attempt(verbose, step(path, mode, len(paths) > 1), subject=f" for {path}")
        status = max(status, one)
        if not one:
            counts["changed" if changed else "unchanged"] += 1
    if mode.checks and counts["changed"] and status == EXIT_OK:
        status = EXIT_CHANGES
    if not quiet and mode is not WriteBack.STDOUT and counts.total():
        say(_summary(mode, counts, *words))
    sys.exit(status)


def _check_write_back(mode: WriteBack, paths, output) -> None:
    if mode is WriteBack.STDOUT and (
        len(paths) > 1 or any(p != "-" and Path(p).is_dir() for p in paths)
    ):
        fail(
            "several files to write: give -o FOLDER, --in-place, --check or --diff", EXIT_BAD_INPUT
        )
    if mode is WriteBack.IN_PLACE and "-" in paths:
        fail("--in-place cannot rewrite standard input", EXIT_BAD_INPUT)
    if mode is WriteBack.OUTPUT and len(paths) > 1 and Path(output).is_file():
        fail(f"{output} is a file; several inputs need -o FOLDER", EXIT_BAD_INPUT)


def _summary(mode: WriteBack, counts: Counter, done: str, unchanged: str) -> str:
    verb = f"would be {done}" if mode.writes_nothing else done
    parts = []
    for key, words in (("changed", verb), ("unchanged", unchanged)):
        if counts[key]:
            parts.append(f"{counts[key]} schema{'s' if counts[key] != 1 else ''} {words}")
    return ", ".join(parts) + "."


def _has_warnings(outcome) -> bool:
    # Only a clean verdict is cached: a cached answer prints nothing, and a
    # warning must be seen on every run (notes need not be).
    return any(m.severity != "note" for m in outcome.plan.messages)


def _rewrite_one(
    path, output, mode, options, color, stdin_filename, quiet, verbose, several, canonical=False
):
    from generator import cache

    cacheable = (mode.writes_nothing or mode is WriteBack.IN_PLACE) and not canonical
    cache_key = cache.schema_key(path, options) if cacheable else None
    if cache_key is not None and cache.has_verdict(cache_key):
        return False  # these exact bytes were isolated already: nothing to parse

    from generator.isolation.isolate import isolate

    schema, location = read_input(path, stdin_filename)
    # The self-check (the output parsed again and compared with the plan)
    # guards what is written; a mode that writes nothing reports the plan,
    # and the second parse would double a large schema's check.
    outcome = isolate(schema, options, self_check=not mode.writes_nothing or canonical)
    if cache_key is not None and not _has_warnings(outcome) and not outcome.plan.changes:
        cache.remember_verdict(cache_key)
    for message in outcome.plan.messages:
        if message.severity == "warning" or not quiet:
            say(message.render())
    if verbose and not quiet:
        for change in outcome.plan.changes:
            say(f"  {change.description}")
    if canonical:
        from generator.cli.options import rewritten_schema
        from generator.format.render import format_checked

        outcome.outputs = {
            f.source.path: format_checked(f) for f in rewritten_schema(outcome).files
        }
    changed = outcome.changed_paths
    if mode in (WriteBack.DIFF, WriteBack.CHECK_DIFF):
        _print_diffs(outcome, changed, color)
    if mode.checks and not quiet:
        for name in changed:
            say(f"would rewrite {name}")
    if not mode.writes_nothing:
        _write_back(outcome, changed, mode, location, output, several, quiet)
    return bool(changed)


def _print_diffs(outcome, changed: list[str], color: bool | None) -> None:
    from generator.output import unified_diff

    colored = use_color(color, sys.stdout)
    for name in changed:
        click.echo(
            unified_diff(outcome.originals[name], outcome.outputs[name], name, colored),
            nl=False,
            color=colored,  # stops click from stripping escapes when stdout is no TTY
        )


def _write_back(outcome, changed, mode, location, output, several, quiet) -> None:
    from generator.output import write_files

    if mode is WriteBack.STDOUT:
        (text,) = outcome.outputs.values()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
        return
    if mode is WriteBack.IN_PLACE:
        # A schema folder is one schema: all its files are rewritten, or none.
        pending = {Path(name): outcome.outputs[name] for name in changed}
    else:  # OUTPUT: the whole schema goes under -o, changed or not
        pending = {}
        for name, text in outcome.outputs.items():
            destination = _destination(name, location, output, several)
            if not (destination.is_file() and destination.read_bytes() == text.encode("utf-8")):
                pending[destination] = text
    write_files(pending)
    if not quiet:
        for destination in pending:
            say(f"{'rewrote' if mode is WriteBack.IN_PLACE else 'wrote'} {destination}")


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


class _Formatted:
    """A formatted input as the write-back helpers take it (as an Outcome)."""

    def __init__(self, originals: dict[str, str], outputs: dict[str, str]):
        self.originals, self.outputs = originals, outputs

    @property
    def changed_paths(self) -> list[str]:
        return [name for name, text in self.outputs.items() if text != self.originals[name]]


@click.command("format")
@write_back_options
@stdin_filename_option
@quiet_verbose()
def format_(paths, output, in_place, check, diff, color, stdin_filename, quiet, verbose):
    """Write schemas in Prisma's canonical layout, as `prisma format` does
    (byte for byte), without Node."""

    def step(path, mode, several):
        return partial(_format_one, path, output, mode, color, stdin_filename, quiet, several)

    _write_back_each(
        paths,
        output,
        in_place,
        check,
        diff,
        quiet,
        verbose,
        step,
        ("reformatted", "already formatted"),
    )


def _format_one(path, output, mode, color, stdin_filename, quiet, several) -> bool:
    from generator import cache

    # The build step's --check on an unchanged schema: these bytes were found
    # formatted by this code before, nothing to parse (an empty-file verdict).
    cache_key = (
        cache.format_key(path) if mode.writes_nothing or mode is WriteBack.IN_PLACE else None
    )
    if cache_key is not None and cache.has_verdict(cache_key):
        return False
    from generator.errors import UsageError
    from generator.format.canonical import NotCanonical
    from generator.format.render import format_checked

    schema, location = read_input(path, stdin_filename)
    originals = {f.source.path: f.source.text for f in schema.files}
    from generator.format.canonical import relations_prisma_would_add

    missing = relations_prisma_would_add(schema)
    if missing:
        raise UsageError(
            f"{path}: prisma format would add relation fields here ({'; '.join(missing[:3])}"
            f"{' …' if len(missing) > 3 else ''}); add them, then format"
        )
    try:
        outputs = {f.source.path: format_checked(f) for f in schema.files}
    except NotCanonical as error:
        raise UsageError(f"{path}: cannot format {error}") from None
    formatted = _Formatted(originals, outputs)
    changed = formatted.changed_paths
    if cache_key is not None and not changed:
        cache.remember_verdict(cache_key)
    if mode in (WriteBack.DIFF, WriteBack.CHECK_DIFF):
        _print_diffs(formatted, changed, color)
    if mode.checks and not quiet:
        for name in changed:
            say(f"would reformat {name}")
    if not mode.writes_nothing:
        _write_back(formatted, changed, mode, location, output, several, quiet)
    return bool(changed)


@click.command()
@click.argument("path", type=click.Path(allow_dash=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the AST as JSON.")
@stdin_filename_option
def parse(path, as_json, stdin_filename):
    """Parse a schema (file, folder or '-') and print its AST or a summary."""
    from generator.errors import PslError

    try:
        schema, _ = read_input(path, stdin_filename)
    except PslError as error:
        say(str(error))
        sys.exit(EXIT_BAD_INPUT)
    if as_json:
        import json

        from generator.psl.nodes import to_json

        click.echo(json.dumps(to_json(schema), indent=2, ensure_ascii=False))
        return
    counts = Counter(block.keyword for block in schema.blocks)
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    lines = sum(f.source.text.count("\n") + 1 for f in schema.files)
    click.echo(f"{path}: {len(schema.files)} file(s), {lines} lines: {summary or 'no blocks'}")
