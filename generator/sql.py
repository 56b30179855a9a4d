"""Migration SQL for an isolated schema, as Prisma's migration engine writes it."""

from __future__ import annotations

from .ddl import Database, build_database
from .nodes import Schema
from .parser import gc_paused
from .templating import render


def migration_sql(database: Database) -> str:
    text = render("migration.sql.jinja", database=database)
    # Every step ends with a blank line; Prisma's script ends with the last statement's newline.
    return text.rstrip("\n") + "\n" if text.strip() else ""


def schema_sql(schema: Schema, default_schema: str) -> str:
    with gc_paused():  # many small objects, none of them cyclic garbage
        return migration_sql(build_database(schema, default_schema))
