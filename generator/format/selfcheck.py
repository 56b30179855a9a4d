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
    if isinstance(node, Span):  # position only: not compared
        return None
    if isinstance(node, (list, tuple)):  # members, arguments, comments
        return tuple(canonical(item) for item in node)
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, Comment):
        if node.kind == "block":
            # Prisma rewrites /* */ comments line by line (and, indented at the top
            # level, keeps part of the markers): their words must survive.
            return ("comment", "block", "".join(ch for ch in node.text if ch not in "/* \t\r\n"))
        return ("comment", node.kind, node.text)
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
    if hasattr(node, "members"):
        # Own-line comments move with the lines around them (a comment above a
        # block attribute goes with it, one at the end of the block may end up
        # above the attributes): what must hold is that every one is kept.
        own_line = [c for m in node.members for c in m.leading] + list(node.dangling)
        values["dangling"] = sorted(canonical(c) for c in own_line)
        values["members"] = [_without_leading(m) for m in values["members"]]
    if isinstance(node, Field):
        values["attributes"] = sorted(node.attributes, key=_order)
        values["legacy_colon"] = False
    if isinstance(node, FieldType):
        values["list"] = node.list or node.legacy_list
        values["legacy_list"] = values["legacy_required"] = False
    if isinstance(node, (Attribute, ArrayLit)):
        values["trailing_comma"] = False
    return (type(node).__name__, tuple((k, canonical(v)) for k, v in values.items()))


def _without_leading(member):
    import dataclasses

    return dataclasses.replace(member, leading=())


def verify(original: SchemaFile, text: str, fixed_point: bool = True) -> None:
    from generator.format.render import format_file
    from generator.psl.parser import parse_source
    from generator.psl.source import SourceFile

    again = parse_source(SourceFile(original.source.path, text))
    if canonical(again) != canonical(original):
        raise SelfCheckError(f"{original.source.path}: the formatted schema says something else")
    if fixed_point and format_file(again) != text:
        raise SelfCheckError(f"{original.source.path}: formatting the output again changes it")
