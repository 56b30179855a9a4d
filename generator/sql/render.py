"""Migration SQL for an isolated schema, as Prisma's migration engine writes it."""

from __future__ import annotations

from generator.errors import Diagnostic, PslError
from generator.psl.nodes import Schema, StringLit
from generator.psl.parser import gc_paused
from generator.sql.build import Database, build_database
from generator.sql.templating import render


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
