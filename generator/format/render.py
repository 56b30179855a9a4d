"""A parsed schema file written in Prisma's canonical layout, through the
templates (schema.prisma.jinja and a partial per block kind)."""

from __future__ import annotations

from generator.format.canonical import blocks_in_layout, layout
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
    """Whether every file of a parsed schema is in Prisma's layout already.
    Answered from the layout's lines, without rendering the templates (which
    cost a cold generate ~7 ms to compile for a yes/no); tests/test_format.py
    holds this to format_file."""
    from generator.format.canonical import NotCanonical

    try:
        for schema_file in schema.files:
            bodies = blocks_in_layout(schema_file)
            if (
                bodies is None
                or _lines(layout(schema_file, bodies).items) != schema_file.source.text
            ):
                return False
        return True
    except NotCanonical:
        return False


def _lines(items) -> str:
    """What schema.prisma.jinja writes for these items (see is_canonical)."""
    out: list[str] = []
    for item in items:
        if item.blank_before:
            out.append("")
        if item.keyword is None:
            out += item.lines
            continue
        out.append(f"{item.keyword} {item.name} {{")
        out += [f"  {line}" if line else "" for line in item.lines]
        out.append("}")
    return "\n".join(out) + "\n"
