"""A parsed schema file written in Prisma's canonical layout, through the
templates (schema.prisma.jinja and a partial per block kind)."""

from __future__ import annotations

from generator.format.canonical import layout
from generator.psl.nodes import SchemaFile


def format_file(schema_file: SchemaFile) -> str:
    return _format(schema_file)[0]


def _format(schema_file: SchemaFile) -> tuple[str, bool]:
    from generator.psl.parser import gc_paused
    from generator.sql.render import render

    with gc_paused():  # many small objects, none of them cyclic garbage
        result = layout(schema_file)
        text = render("schema.prisma.jinja", items=result.items)
    return (text if text.endswith("\n") else text + "\n"), result.quirk


def format_checked(schema_file: SchemaFile) -> str:
    """format_file, self-checked (format/selfcheck.py).  Where Prisma's own
    formatter is no fixed point (its indented block comment quirk), neither
    is this one, and only the schema's content is checked."""
    from generator.format.selfcheck import verify

    text, quirk = _format(schema_file)
    if text != schema_file.source.text:
        verify(schema_file, text, fixed_point=not quirk)
    return text


def is_canonical(schema) -> bool:
    """Whether every file of a parsed schema is in Prisma's layout already."""
    from generator.format.canonical import NotCanonical

    try:
        return all(format_file(f) == f.source.text for f in schema.files)
    except NotCanonical:
        return False
