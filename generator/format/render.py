"""A parsed schema file written in Prisma's canonical layout, through the
templates (schema.prisma.jinja and a partial per block kind)."""

from __future__ import annotations

from generator.format.canonical import layout
from generator.psl.nodes import SchemaFile


def format_file(schema_file: SchemaFile) -> str:
    from generator.sql.render import render

    text = render("schema.prisma.jinja", items=layout(schema_file).items)
    return text if text.endswith("\n") else text + "\n"


def format_checked(schema_file: SchemaFile) -> str:
    """format_file, self-checked (formatter/selfcheck.py)."""
    from generator.format.selfcheck import verify

    text = format_file(schema_file)
    if text != schema_file.source.text:
        verify(schema_file, text)
    return text
