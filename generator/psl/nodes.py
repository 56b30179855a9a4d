"""The typed AST of a Prisma schema.

Every node keeps its source span (excluded from equality, so that two schemas
compare equal when they say the same thing wherever it stands) and the
comments attached to it: `leading` comments stand on the lines above a node,
`trailing` ones after it on its own line, `dangling` ones at the end of a block
or file with nothing below them.  Comments take part in equality: the rewrite's
self-check must notice a lost or moved comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from generator.psl.source import SourceFile, Span

_SPAN = {"compare": False, "repr": False}


@dataclass(slots=True, repr=False)
class Comment:
    kind: str  # "line" (//), "doc" (///) or "block" (/* */)
    text: str  # as written, markers included
    span: Span = field(default=None, **_SPAN)

    @property
    def content(self) -> str:
        """The comment's text without its markers."""
        if self.kind == "doc":
            return self.text[3:].strip()
        if self.kind == "line":
            return self.text[2:].strip()
        return self.text[2:-2].strip()


# --- expressions -----------------------------------------------------------


@dataclass(slots=True, repr=False)
class StringLit:
    raw: str  # with quotes and escapes exactly as written
    span: Span = field(default=None, **_SPAN)

    @property
    def value(self) -> str:
        return decode_string(self.raw)


@dataclass(slots=True, repr=False)
class NumberLit:
    raw: str
    span: Span = field(default=None, **_SPAN)


@dataclass(slots=True, repr=False)
class Constant:
    """A bare (possibly dotted) name used as a value: Cascade, true, Desc."""

    name: str
    span: Span = field(default=None, **_SPAN)


@dataclass(slots=True, repr=False)
class ArrayLit:
    items: list[Expression]
    trailing_comma: bool = False
    span: Span = field(default=None, **_SPAN)


@dataclass(slots=True, repr=False)
class FunctionCall:
    name: str
    arguments: list[Argument]
    span: Span = field(default=None, **_SPAN)


Expression = StringLit | NumberLit | Constant | ArrayLit | FunctionCall


@dataclass(slots=True, repr=False)
class Argument:
    """`name: value`, a positional `value`, or an empty `name:` (value None)."""

    name: str | None
    value: Expression | None
    span: Span = field(default=None, **_SPAN)


@dataclass(slots=True, repr=False)
class Attribute:
    """`@name(args)` on a field or enum value, `@@name(args)` on a block.

    `arguments` is None when there are no parentheses at all, and a list
    (possibly empty) when there are."""

    name: str
    arguments: list[Argument] | None
    block: bool
    trailing_comma: bool = False
    span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()

    def argument(self, name: str, position: int | None = None) -> Argument | None:
        """The argument called `name`, else the positional one at `position`."""
        positional = 0
        for argument in self.arguments or ():
            if argument.name == name:
                return argument
            if argument.name is None:
                if positional == position:
                    return argument
                positional += 1
        return None

    def listed_fields(self) -> list[Constant | FunctionCall] | None:
        """The fields an @@id, @@index or @@unique lists, as written: a name,
        or a name with its options (`title(sort: Desc)`).  Prisma also takes a
        single field without brackets (`@@index(userId)`).  None when its
        first argument lists no fields."""
        argument = self.argument("fields", 0)
        value = argument.value if argument is not None else None
        if isinstance(value, ArrayLit):
            return [i for i in value.items if isinstance(i, (Constant, FunctionCall))]
        if isinstance(value, (Constant, FunctionCall)):
            return [value]
        return None


# --- fields and blocks -----------------------------------------------------


@dataclass(slots=True, repr=False)
class FieldType:
    name: str
    list: bool = False
    optional: bool = False
    legacy_required: bool = False  # T!
    legacy_list: bool = False  # [T]
    unsupported: StringLit | None = None  # Unsupported("...")
    span: Span = field(default=None, **_SPAN)


@dataclass(slots=True, repr=False)
class Field:
    name: str
    type: FieldType | None
    attributes: list[Attribute]
    legacy_colon: bool = False
    span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None


@dataclass(slots=True, repr=False)
class EnumValue:
    name: str
    attributes: list[Attribute]
    span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()


@dataclass(slots=True, repr=False)
class ConfigProperty:
    key: str
    value: Expression
    span: Span = field(default=None, **_SPAN)
    key_span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()


class _Block:
    """What models, enums and config blocks have in common."""

    __slots__ = ()

    def block_attributes(self) -> list[Attribute]:
        return [m for m in self.members if isinstance(m, Attribute)]

    def block_attribute(self, name: str) -> Attribute | None:
        for member in self.members:
            if isinstance(member, Attribute) and member.name == name:
                return member
        return None

    @property
    def documentation(self) -> str | None:
        docs = [c.content for c in self.leading if c.kind == "doc"]
        return "\n".join(docs) if docs else None


@dataclass(slots=True, repr=False)
class Model(_Block):
    """A `model`, `view` or composite `type` block (keyword tells which)."""

    keyword: str
    name: str
    members: list[Field | Attribute]
    span: Span = field(default=None, **_SPAN)
    name_span: Span = field(default=None, **_SPAN)
    close_span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()
    dangling: tuple[Comment, ...] = ()

    @property
    def fields(self) -> list[Field]:
        return [m for m in self.members if isinstance(m, Field)]


@dataclass(slots=True, repr=False)
class Enum(_Block):
    name: str
    members: list[EnumValue | Attribute]
    span: Span = field(default=None, **_SPAN)
    name_span: Span = field(default=None, **_SPAN)
    close_span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()
    dangling: tuple[Comment, ...] = ()
    keyword: str = field(default="enum", init=False)

    @property
    def values(self) -> list[EnumValue]:
        return [m for m in self.members if isinstance(m, EnumValue)]


@dataclass(slots=True, repr=False)
class Config(_Block):
    """A `datasource` or `generator` block."""

    keyword: str
    name: str
    members: list[ConfigProperty]
    span: Span = field(default=None, **_SPAN)
    name_span: Span = field(default=None, **_SPAN)
    close_span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()
    dangling: tuple[Comment, ...] = ()

    def property(self, key: str) -> ConfigProperty | None:
        for member in self.members:
            if member.key == key:
                return member
        return None


@dataclass(slots=True, repr=False)
class TypeAlias:
    """`type Name = Base @attrs`: parsed as Prisma's grammar does, rejected later."""

    name: str
    type: FieldType
    attributes: list[Attribute]
    span: Span = field(default=None, **_SPAN)
    name_span: Span = field(default=None, **_SPAN)
    leading: tuple[Comment, ...] = ()
    trailing: tuple[Comment, ...] = ()
    keyword: str = field(default="type", init=False)


Block = Model | Enum | Config | TypeAlias


@dataclass(slots=True, repr=False)
class SchemaFile:
    source: SourceFile = field(compare=False, repr=False)
    blocks: list[Block]
    dangling: tuple[Comment, ...] = ()


@dataclass(slots=True, repr=False)
class Schema:
    """One schema: a single file or every .prisma file of a folder."""

    files: list[SchemaFile]

    @property
    def blocks(self) -> list[Block]:
        return [block for schema_file in self.files for block in schema_file.blocks]

    def datasources(self) -> list[Config]:
        return [b for b in self.blocks if isinstance(b, Config) and b.keyword == "datasource"]

    def generators(self) -> list[Config]:
        return [b for b in self.blocks if isinstance(b, Config) and b.keyword == "generator"]

    def native_type_prefix(self) -> str:
        """What a native type attribute starts with: the datasource's name and
        a dot (`@db.VarChar` for `datasource db`, `@pg.VarChar` for `datasource
        pg`), as Prisma requires."""
        datasources = self.datasources()
        return (datasources[0].name if datasources else "db") + "."

    def models(self) -> list[Model]:
        """Models and views (composite types excluded)."""
        return [b for b in self.blocks if isinstance(b, Model) and b.keyword != "type"]

    def enums(self) -> list[Enum]:
        return [b for b in self.blocks if isinstance(b, Enum)]


# --- helpers ---------------------------------------------------------------

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def decode_string(raw: str) -> str:
    """The value of a PSL string literal (JSON-like escapes; any other escaped
    character stands for itself, as Prisma's grammar allows)."""
    body = raw[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt == "u" and i + 5 < len(body):
                try:
                    out.append(chr(int(body[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                except ValueError:
                    pass
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def encode_string(value: str) -> str:
    """A PSL string literal for `value`."""
    import json  # here: a check of an isolated schema writes no string (~1 ms to import)

    return json.dumps(value, ensure_ascii=False)


def plain_repr(self) -> str:
    """One __repr__ for data classes declared with repr=False: dataclass's
    generated ones cost about half of a module's import (4-5 ms of every cold
    start for this one), and a repr is for debugging only."""
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
    return f"{type(self).__name__}({shown})"


for _node_class in (Comment, StringLit, NumberLit, Constant, ArrayLit, FunctionCall, Argument,
                    Attribute, FieldType, Field, EnumValue, ConfigProperty, Model, Enum, Config,
                    TypeAlias, SchemaFile, Schema):  # fmt: skip
    _node_class.__repr__ = plain_repr


def to_json(node) -> object:
    """A JSON-ready view of a node: its kind, its fields, and its span."""
    if isinstance(node, Span):
        return node.to_json()
    if isinstance(node, (list, tuple)):
        return [to_json(item) for item in node]
    if node is None or isinstance(node, (str, int, float, bool)):
        return node
    if isinstance(node, SourceFile):
        return node.path
    out: dict[str, object] = {"kind": type(node).__name__}
    for f in fields(node):
        value = getattr(node, f.name)
        if f.name in ("leading", "trailing", "dangling") and not value:
            continue
        out[f.name] = to_json(value)
    if isinstance(node, StringLit):
        out["value"] = node.value
    return out
