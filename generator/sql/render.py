"""Rendering: the one Jinja environment (templates ship inside the package,
undefined names are errors, block tags leave no stray whitespace), and the
migration SQL for an isolated schema, as Prisma's migration engine writes it."""

from __future__ import annotations

from functools import cache

from generator.errors import Diagnostic, PslError
from generator.psl.nodes import Schema, StringLit
from generator.psl.parser import gc_paused
from generator.sql.build import Database, build_database
from generator.sql.identifiers import quote_identifier
from generator.sql.model import sql_string


@cache
def environment(compiled: bool = True):
    """The one Jinja environment.  `compiled`: load the templates from their
    shipped compilation (generator/compiled_templates) when it is this Jinja's
    and these sources', else compile them (through the user's cache)."""
    import jinja2  # lazily: `rewrite --check` never renders a template

    loader = jinja2.PackageLoader("generator.templates", ".")
    shipped = _compiled_loader(jinja2) if compiled else None
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([shipped, loader]) if shipped is not None else loader,
        bytecode_cache=_bytecode_cache(jinja2),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        # Templates ship with the package: no stat() per {% include %} in a loop.
        auto_reload=False,
    )
    env.filters["ident"] = quote_identifier
    env.filters["sql_string"] = sql_string
    return env


def templates_digest() -> str:
    """sha256 over the templates' names and bytes (what a compilation is of)."""
    import hashlib
    from pathlib import Path

    from generator import templates

    digest = hashlib.sha256()
    for path in sorted(Path(templates.__file__).parent.glob("*.jinja")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _compiled_loader(jinja2):
    """A loader of the shipped compiled templates, when they are current."""
    try:
        from generator import compiled_templates
    except ImportError:
        return None
    if (compiled_templates.JINJA_VERSION, compiled_templates.TEMPLATES_SHA256) != (
        jinja2.__version__,
        templates_digest(),
    ):
        return None
    import os

    return jinja2.ModuleLoader(os.path.dirname(compiled_templates.__file__))


def _bytecode_cache(jinja2):
    """Compiled templates, kept in the user's private cache directory (Jinja
    checks each entry against the template's source, so a stale entry is never
    used)."""
    from generator.cache import private_directory

    directory = private_directory("jinja")
    return jinja2.FileSystemBytecodeCache(directory) if directory is not None else None


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def migration_sql(database: Database) -> str:
    text = render("migration.sql.jinja", database=database)
    # Every step ends with a blank line; Prisma's script ends with the last statement's newline.
    return text.rstrip("\n") + "\n" if text.strip() else ""


def require_postgresql(schema: Schema) -> None:
    """Migration SQL is PostgreSQL's: any other provider is refused where it stands."""
    prop = schema.datasources()[0].property("provider")
    provider = prop.value.value if isinstance(prop.value, StringLit) else None
    if provider not in ("postgresql", "postgres"):
        raise PslError(
            [
                Diagnostic.at(
                    prop.value.span,
                    f'migration SQL is generated for PostgreSQL only, not "{provider}"',
                )
            ]
        )


def schema_sql(schema: Schema, default_schema: str) -> str:
    require_postgresql(schema)
    with gc_paused():  # many small objects, none of them cyclic garbage
        return migration_sql(build_database(schema, default_schema))


def diff_sql(before: Database, after: Database) -> str:
    """The migration from `before` to `after`, as Prisma's engine writes it
    (`-- This is an empty migration.` when nothing changes)."""
    from generator.sql.diff import diff

    steps = diff(before, after)
    if not steps:
        return "-- This is an empty migration.\n"
    return render("migration_diff.sql.jinja", steps=steps).rstrip("\n") + "\n"
