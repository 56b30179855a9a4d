"""The command line (click), with black's conventions for output and exit
statuses (generator/errors.py has the table of both command families).

One module per command group: schema.py (rewrite, parse), build.py (sql,
generate, diff), review.py (review, diagram), database.py (verify, deploy, relocate,
import-sqlite); options.py
holds the options they share and the guards that turn errors into statuses.
Only the module of the command that runs is imported (a build step's
`rewrite --check` pays for click and, when it must parse, lark)."""

from __future__ import annotations

import importlib

import click

# command -> (module, function), in the order --help lists them
COMMANDS = {
    "rewrite": ("schema", "rewrite"),
    "format": ("schema", "format_"),
    "parse": ("schema", "parse"),
    "sql": ("build", "sql"),
    "generate": ("build", "generate"),
    "diff": ("build", "diff"),
    "review": ("review", "review"),
    "diagram": ("review", "diagram"),
    "verify": ("database", "verify"),
    "deploy": ("database", "deploy"),
    "relocate": ("database", "relocate"),
    "import-sqlite": ("database", "import_sqlite"),
}


class _LazyGroup(click.Group):
    """click's lazily loading group: a command's module is imported when it is used."""

    def list_commands(self, ctx) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx, name: str):
        if name not in COMMANDS:
            return None
        module, function = COMMANDS[name]
        return getattr(importlib.import_module(f"generator.cli.{module}"), function)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="prisma-isolate", prog_name="prisma-isolate")
def main() -> None:
    """Isolate a Prisma application in its own PostgreSQL schema."""
