"""The formatter's self-check (as black's): the output parses back to the
same schema — comments included — up to what Prisma's layout changes on
purpose, and formatting the output again changes nothing."""

from __future__ import annotations

from dataclasses import fields

from generator.errors import SelfCheckError
from generator.format.canonical import ATTRIBUTE_ORDER
from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Comment,
    Enum,
    Field,
    FieldType,
    Model,
    SchemaFile,
)
from generator.psl.source import Span

_SKIP = {"span", "name_span", "close_span", "key_span", "source"}


def _order(attribute: Attribute) -> int:
    return ATTRIBUTE_ORDER.index(attribute.name) if attribute.name in ATTRIBUTE_ORDER else 99


def canonical(node):
    """A comparable view of a node, with Prisma's deliberate changes undone:
    attributes in Prisma's order (block ones after the members), legacy forms
    and trailing commas gone, /* */ comments by their lines."""
    if isinstance(node, list):
        return tuple(canonical(item) for item in node)
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, Comment):
        if node.kind == "block":
            lines = [ln.strip().removeprefix("*").strip() for ln in node.text[2:-2].splitlines()]
            return ("comment", "block", tuple(ln for ln in lines if ln))
        return ("comment", node.kind, node.text)
    if isinstance(node, (Span,)):
        return None
    values = {}
    for f in fields(node):
        if f.name in _SKIP:
            continue
        values[f.name] = getattr(node, f.name)
    if isinstance(node, (Model, Enum)):
        members = list(values["members"])
        plain = [m for m in members if not isinstance(m, Attribute)]
        attributes = sorted((m for m in members if isinstance(m, Attribute)), key=_order)
        values["members"] = plain + attributes
    if isinstance(node, Field):
        values["attributes"] = sorted(node.attributes, key=_order)
        values["legacy_colon"] = False
    if isinstance(node, FieldType):
        values["list"] = node.list or node.legacy_list
        values["legacy_list"] = values["legacy_required"] = False
    if isinstance(node, (Attribute, ArrayLit)):
        values["trailing_comma"] = False
    return (type(node).__name__, tuple((k, canonical(v)) for k, v in values.items()))


def verify(original: SchemaFile, text: str) -> None:
    from generator.format.render import format_file
    from generator.psl.parser import parse_source
    from generator.psl.source import SourceFile

    again = parse_source(SourceFile(original.source.path, text))
    if canonical(again) != canonical(original):
        raise SelfCheckError(f"{original.source.path}: the formatted schema says something else")
    if format_file(again) != text:
        raise SelfCheckError(f"{original.source.path}: formatting the output again changes it")
