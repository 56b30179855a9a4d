"""The command line (click), with black's conventions for output and exit
statuses (generator/errors.py has the table of both command families).

One module per command group: schema.py (rewrite, parse), build.py (sql,
generate), database.py (verify, deploy, relocate, import-sqlite); options.py
holds the options they share and the guards that turn errors into statuses.
Heavy modules are imported inside the commands that need them, so that
`rewrite --check` (a build step) pays only for click and, when it must parse,
lark."""

from __future__ import annotations

import click

from generator.cli.build import generate, sql
from generator.cli.database import deploy, import_sqlite, relocate, verify
from generator.cli.schema import parse, rewrite


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="prisma-isolate", prog_name="prisma-isolate")
def main() -> None:
    """Isolate a Prisma application in its own PostgreSQL schema."""


for command in (rewrite, parse, sql, generate, verify, deploy, relocate, import_sqlite):
    main.add_command(command)
