"""`review` (a pull request's schema change, for reviewers and CI) and
`diagram` (a Mermaid ER diagram of a schema).  The I/O lives here: git, the
disk, the config file; generator/review/ decides everything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli.options import (
    EXIT_BAD_INPUT,
    fail,
    isolation_options,
    planned,
    quiet_verbose,
    run_guarded,
    use_color,
)

FORMATS = ("text", "markdown", "json", "github")


@click.command()
@click.argument("schema", default="schema.prisma", type=click.Path(path_type=Path))
@click.option(
    "--base",
    "base_ref",
    help="The git ref to compare with (default: the merge base "
    "of HEAD with the default branch).",
)
@click.option(
    "--from",
    "from_file",
    type=click.Path(exists=True, path_type=Path),
    help="Compare with this schema file or folder instead of git.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="generate's output folder: check it is up to date, review its migrations.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding is at least this severe.",
)
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour the text format (default: on a " "terminal, unless NO_COLOR is set).",
)
@click.option("--migration-name", help="As for generate (the output check).")
@click.option(
    "--healthcheck-path",
    default="/api/ping",
    show_default=True,
    help="As for generate (the output check).",
)
@click.option("--dev-sqlite", is_flag=True, help="As for generate (the output check).")
@isolation_options
@quiet_verbose()
def review(
    schema,
    base_ref,
    from_file,
    output,
    fmt,
    fail_on,
    color,
    migration_name,
    healthcheck_path,
    dev_sqlite,
    isolation,
    quiet,
    verbose,
):
    """Review a schema change: what changed model by model, the migration
    Prisma would write and its warnings, lint findings at their schema lines,
    and whether the generated output is up to date.

    Exit status: 0 no finding at or above --fail-on, 1 some, 2 bad input."""
    if base_ref is not None and from_file is not None:
        fail("give --base or --from, not both", EXIT_BAD_INPUT)
    settings = {
        "healthcheck_path": healthcheck_path,
        "dev_sqlite": dev_sqlite,
        "migration_name": migration_name,
        "shadow_database_url": None,
    }
    result = run_guarded(
        verbose, lambda: _review(schema, base_ref, from_file, output, isolation, settings)
    )
    from generator.review import formats

    if fmt == "markdown":
        text = formats.markdown(result)
    elif fmt == "json":
        text = formats.as_json(result)
    elif fmt == "github":
        text = formats.github(result)
    else:
        text = formats.text(result, use_color(color, sys.stdout))
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    levels = {"error": ("error",), "warning": ("error", "warning"), "never": ()}[fail_on]
    sys.exit(1 if any(f.severity in levels for f in result.findings) else 0)


def _review(schema: Path, base_ref, from_file, output, isolation, settings):
    from generator.errors import PslError, UsageError
    from generator.psl.parser import parse_path, parse_sources
    from generator.psl.source import SourceFile
    from generator.review import git
    from generator.review.config import find_pyproject, rule_levels
    from generator.review.locate import Locator
    from generator.review.report import build_review
    from generator.review.rules import History, input_findings

    if not schema.exists():
        raise UsageError(f"{schema}: no such file or folder")
    options = isolation.options(str(schema))
    base = None
    if from_file is not None:
        old_input = parse_path(from_file)
        label = str(from_file)
    else:
        try:
            base = git.resolve_base(schema, base_ref)
            texts = git.files_at(base, schema, ".prisma")
        except git.GitError as error:
            raise UsageError(str(error)) from None
        label = base.label
        old_input = (
            parse_sources([SourceFile(f"{base.commit[:12]}:{p}", t) for p, t in texts.items()])
            if texts
            else None
        )
    new_input = parse_path(schema)
    # Before the rewrite, which adds @@schema to the AST it is given.
    locator = Locator(new_input)
    early = input_findings(new_input, options.schema)
    outcome, after = planned(new_input, options)
    try:
        before = None if old_input is None else planned(old_input, _for_base(options, old_input))[1]
    except PslError as error:
        raise UsageError(f"the schema at the base does not parse: {error}") from None
    out, history = None, None
    if output is not None:
        out, history = _output_state(schema, outcome, output, options, settings, base, History)
    root = base.root if base is not None else None
    levels = rule_levels(find_pyproject(schema, root))
    return build_review(
        str(schema), label, before, after, locator, early, options.schema, history, out, levels
    )


def _for_base(options, schema):
    """The options for the base's schema: --keep-in-public may name a block the
    change adds, which the base does not have yet."""
    import dataclasses

    from generator.psl.nodes import Enum, Model

    names = {b.name for b in schema.blocks if isinstance(b, (Model, Enum))}
    return dataclasses.replace(options, keep_in_public=options.keep_in_public & names)


def _output_state(schema, outcome, output: Path, options, settings, base, History):
    """What generate --check says of `output`, and its migrations now and at the base."""
    import os

    from generator.cli.build import generated_outputs
    from generator.emit.layout import migration_folder_name
    from generator.review import git
    from generator.review.report import Output

    folder = migration_folder_name(
        settings["migration_name"] or "init", os.environ.get("SOURCE_DATE_EPOCH")
    )
    from generator.errors import PslError, UsageError

    problem, stale, generated = None, [], None
    try:
        generated = generated_outputs(outcome, schema, output, folder, options, settings)
    except (UsageError, PslError) as error:  # e.g. an edited history: the rules below say more
        problem = str(error)
    if generated is not None:
        stale = [
            relative
            for relative, text in generated.files.items()
            if not (
                (output / relative).is_file()
                and (output / relative).read_bytes() == text.encode("utf-8")
            )
        ]
    migrations = output / "migrations"
    now = (
        {
            p.name: (p / "migration.sql").read_text(encoding="utf-8")
            for p in sorted(migrations.iterdir())
            if (p / "migration.sql").is_file()
        }
        if migrations.is_dir()
        else {}
    )
    before: dict[str, str] = {}
    provider_before = None
    if base is not None:
        try:
            at_base = git.files_at(base, migrations)
        except (git.GitError, ValueError):
            at_base = {}
        prefix = str(git.relative(base, migrations)) + "/" if migrations.exists() else ""
        for path, text in at_base.items():
            inside = path[len(prefix) :] if path.startswith(prefix) else path
            if inside.endswith("/migration.sql") and inside.count("/") == 1:
                before[inside.split("/")[0]] = text
            elif inside == "migration_lock.toml":
                provider_before = _provider(text)
    lock = migrations / "migration_lock.toml"
    provider_after = _provider(lock.read_text(encoding="utf-8")) if lock.is_file() else None
    new = [(name, sql) for name, sql in now.items() if name not in before]
    if generated is not None and generated.appended is not None and generated.appended not in now:
        script = generated.files[f"migrations/{generated.appended}/migration.sql"]
        new.append((f"{generated.appended} (not generated yet)", script))
    folder_label = str(output)
    history = History(before, now, provider_before, provider_after, f"{folder_label}/migrations")
    return Output(folder_label, sorted(stale), new, problem), history


def _provider(lock_text: str) -> str | None:
    import re

    match = re.search(r'^\s*provider\s*=\s*"([^"]*)"', lock_text, re.M)
    return match.group(1) if match else None


@click.command()
@click.argument("schema", type=click.Path(exists=True, path_type=str))
@isolation_options
@quiet_verbose()
def diagram(schema, isolation, quiet, verbose):
    """Print a Mermaid erDiagram of the (isolated) schema's tables."""
    from generator.cli.options import build_from

    def body():
        from generator.review.diagram import schema_erd
        from generator.sql.build import build_database

        options = isolation.options(schema)
        return build_from(schema, options, lambda s: schema_erd(build_database(s, options.schema)))

    sys.stdout.buffer.write(run_guarded(verbose, body).encode("utf-8"))
