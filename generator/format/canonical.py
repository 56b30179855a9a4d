"""A schema in Prisma's canonical layout (`prisma format`), as the data the
templates write: the top-level items (blocks, comments) and, for each block,
its lines.  The rules are Prisma's reformatter's (psl-ast's reformat.rs, and
what prisma-fmt 7.10.1 does where it differs, measured through the tests):

- a block's body is a table (layout.py); a blank line starts a new table;
  leading and trailing blank lines go, runs of them become one;
- block attributes (`@@…`) move to the end after one blank line, stably
  sorted by Prisma's order (id, unique, default, updatedAt, index, fulltext,
  map, relation, ignore, then the rest); a comment block right above one
  moves with it; field attributes are sorted the same way;
- `/* */` comments become `/**`, ` * line`, ` */`; other comments are kept
  as written (trailing spaces included);
- at the top level a block is followed by one blank line; comments keep the
  blank line (at most one) that followed them.

Blank lines are not in the AST: they are read from the source between the
items' spans.  Pure: the AST and its source in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.format.layout import Table
from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Comment,
    ConfigProperty,
    Constant,
    EnumValue,
    Field,
    FieldType,
    FunctionCall,
    Model,
    NumberLit,
    SchemaFile,
    StringLit,
    TypeAlias,
)

ATTRIBUTE_ORDER = ("id", "unique", "default", "updatedAt", "index", "fulltext", "map", "relation",
                   "ignore")  # fmt: skip
_LAST = len(ATTRIBUTE_ORDER)


class NotCanonical(Exception):
    """Something this layout cannot write as Prisma would (message says what)."""


@dataclass
class Item:
    """A top-level item: a block (`keyword`, `name`, body `lines`) or comment
    lines (`keyword` None); `blank_before` says whether a blank line precedes it."""

    lines: list[str]
    keyword: str | None = None
    name: str | None = None
    blank_before: bool = False
    verbatim: bool = False  # a type alias, written as it stands (Prisma's CATCH_ALL)


@dataclass
class Layout:
    items: list[Item] = field(default_factory=list)
    # Whether Prisma's indented-block-comment quirk (comment_rows) was applied:
    # its formatter is then not a fixed point, and neither is this one.
    quirk: bool = False


# --- expressions: one render function per node kind -----------------------------------


def expression(node) -> str:
    return _RENDER[type(node)](node)


def _string(node: StringLit) -> str:
    return node.raw


def _number(node: NumberLit) -> str:
    return node.raw


def _constant(node: Constant) -> str:
    return node.name


def _array(node: ArrayLit) -> str:
    return "[" + ", ".join(expression(item) for item in node.items) + "]"


def _call(node: FunctionCall) -> str:
    return node.name + arguments(node.arguments)


_RENDER = {StringLit: _string, NumberLit: _number, Constant: _constant, ArrayLit: _array,
           FunctionCall: _call}  # fmt: skip


def arguments(items) -> str:
    parts = []
    for argument in items:
        if argument.name is None:
            parts.append(expression(argument.value))
        elif argument.value is None:
            parts.append(f"{argument.name}: ")
        else:
            parts.append(f"{argument.name}: {expression(argument.value)}")
    return "(" + ", ".join(parts) + ")"


def attribute(node: Attribute) -> str:
    marker = "@@" if node.block else "@"
    return marker + node.name + ("" if node.arguments is None else arguments(node.arguments))


def _order(node: Attribute) -> int:
    return ATTRIBUTE_ORDER.index(node.name) if node.name in ATTRIBUTE_ORDER else _LAST


def field_type(node: FieldType) -> str:
    base = f"Unsupported({node.unsupported.raw})" if node.unsupported is not None else node.name
    if node.list or node.legacy_list:
        return base + ("[]?" if node.optional else "[]")
    return base + ("?" if node.optional else "")


# --- comments ----------------------------------------------------------------------


def comment_rows(comment: Comment, table: Table, indent: str = "") -> bool:
    """A comment's rows.  `indent` is what stands before a /* */ comment that
    continues a comment block (the line above is a comment too): Prisma's
    grammar takes it into the comment's text there, and then cuts the markers
    off that text (so `    /* x */` reads as `  /* x `)."""
    if comment.kind != "block":
        table.start_row()
        table.suffix(comment.text)
        return False
    table.start_row()
    table.suffix("/**")
    text = indent + comment.text
    for line in text[2:-2].splitlines():
        line = line.strip()
        if line.startswith("*"):
            line = line[1:].lstrip()
        if line:
            table.start_row()
            table.suffix(" * " + line)
    table.start_row()
    table.suffix(" */")
    return bool(indent)


def _trailing(node, table: Table) -> None:
    if node.trailing:
        table.suffix(" ".join(c.text for c in node.trailing))


# --- rows of a block's members --------------------------------------------------------


def _field_row(node: Field, table: Table) -> None:
    table.start_row()
    table.cell(0, node.name)
    if node.type is not None:
        table.cell(1, field_type(node.type))
    ordered = sorted(node.attributes, key=_order)
    if ordered:
        table.cell(2, " ".join(attribute(a) for a in ordered))
    _trailing(node, table)


def _enum_row(node: EnumValue, table: Table) -> None:
    table.start_row()
    table.cell(0, node.name)
    # Prisma writes an enum value's attributes into one cell with nothing between them.
    for a in node.attributes:
        table.cell(1, attribute(a))
    _trailing(node, table)


def _property_row(node: ConfigProperty, table: Table) -> None:
    table.start_row()
    table.cell(0, node.key)
    table.cell(1, "= " + expression(node.value))
    _trailing(node, table)


def _attribute_row(node: Attribute, table: Table) -> None:
    table.start_row()
    table.cell(0, attribute(node))
    _trailing(node, table)


_ROWS = {Field: _field_row, EnumValue: _enum_row, ConfigProperty: _property_row}


# --- a block's body ------------------------------------------------------------------


def _events(block, source) -> list[tuple]:
    """The block's body as Prisma's grammar sees it: ("blank",),
    ("comments", [Comment...]) and ("member", node), in source order."""
    pieces: list[tuple[int, int, str, object]] = []  # (first line, last line, kind, node)

    def line(offset: int) -> int:
        return source.line_col(offset)[0]

    def add_comments(comments: list[Comment]) -> None:
        for c in comments:
            pieces.append((line(c.span.start), line(c.span.end - 1), "comment", c))

    for member in block.members:
        add_comments(member.leading)
        end = member.span.end
        for c in member.trailing:
            end = max(end, c.span.end)
        pieces.append((line(member.span.start), line(max(end - 1, member.span.start)), "member",
                       member))  # fmt: skip
    add_comments(block.dangling)
    pieces.sort(key=lambda p: p[0])
    events: list[tuple] = []
    previous_last = line(block.name_span.start) if block.name_span else None
    for first, last, kind, node in pieces:
        if previous_last is not None and first - previous_last > 1 and events:
            events.append(("blank",))
        if kind == "comment":
            if events and events[-1][0] == "comments":
                events[-1][1].append(node)
            else:
                events.append(("comments", [node]))
        else:
            events.append(("member", node))
        previous_last = last
    return events


def body(block, source, quirks: list) -> list[str]:
    """The lines of a block's body (unindented; "" for a blank line)."""
    events = _events(block, source)
    lines: list[str] = []
    table = Table()
    attributes: list[tuple[list[Comment] | None, Attribute]] = []
    pending: list[Comment] | None = None
    index = 0

    def peek():
        return events[index][0] if index < len(events) else None

    while True:
        ate = False
        if peek() == "blank":
            ate = True
            index += 1
            nxt = events[index] if index < len(events) else None
            if nxt is not None and not (
                nxt[0] == "comments" or (nxt[0] == "member" and isinstance(nxt[1], Attribute))
            ):
                lines += table.lines()
                table.start_row()  # the blank line itself
        if index >= len(events):
            lines += table.lines()
            if attributes:
                table.start_row()
            attributes.sort(key=lambda pair: _order(pair[1]))
            for comments, node in attributes:
                _comment_block(comments or [], table, source, quirks)
                _attribute_row(node, table)
            lines += table.lines()
            return lines
        event = events[index]
        index += 1
        if event[0] == "comments":
            nxt = events[index] if index < len(events) else None
            if nxt is not None and nxt[0] == "member" and isinstance(nxt[1], Attribute):
                pending = event[1]
            else:
                if ate:
                    lines += table.lines()
                    table.start_row()
                _comment_block(event[1], table, source, quirks)
        elif isinstance(event[1], Attribute):
            attributes.append((pending, event[1]))
            pending = None
        else:
            node = event[1]
            if _needs_verbatim(node):
                text = source.text[node.span.start : source.line_end(node.span.start)]
                table.verbatim(text.rstrip("\r\n"))
            else:
                _ROWS[type(node)](node, table)


def _comment_block(comments: list[Comment], table: Table, source, quirks: list) -> None:
    """Consecutive comment lines: every one after the first brings its
    indentation along (see comment_rows)."""
    for i, c in enumerate(comments):
        if comment_rows(c, table, _indent(c, source) if i else ""):
            quirks.append(c)


def _indent(comment: Comment, source) -> str:
    before = source.text[source.line_start(comment.span.start) : comment.span.start]
    return before if not before.strip() else ""


def _needs_verbatim(node) -> bool:
    """A field Prisma's grammar cannot read (an array default with a trailing
    comma): Prisma keeps its line as written, outside the table."""
    if not isinstance(node, Field):
        return False

    def has_trailing_comma(expr) -> bool:
        if isinstance(expr, ArrayLit):
            return expr.trailing_comma or any(has_trailing_comma(i) for i in expr.items)
        if isinstance(expr, FunctionCall):
            return any(a.value is not None and has_trailing_comma(a.value) for a in expr.arguments)
        return False

    return any(
        a.value is not None and has_trailing_comma(a.value)
        for attr in node.attributes
        for a in attr.arguments or ()
    )


# --- the file ------------------------------------------------------------------------


def incomplete_relations(schema) -> list[str]:
    """Relations `prisma format` would complete (its "magic": a missing
    back-relation field, or a one-to-one without `fields:` on either side).
    This formatter does not add fields: it names them and refuses."""
    models = {b.name: b for b in schema.blocks if isinstance(b, Model) and b.keyword == "model"}
    problems = []
    for model in models.values():
        for f in model.fields:
            if f.type is None or f.type.name not in models:
                continue
            target = models[f.type.name]
            back = [g for g in target.fields if g.type is not None and g.type.name == model.name]
            if target is model:
                back = [g for g in back if g is not f]
            if not back:
                problems.append(f"{model.name}.{f.name} has no opposite field in {target.name}")
                continue
            if target is not model and model.name < target.name and len(back) == 1:
                other = back[0]
                many_to_many = (f.type.list or f.type.legacy_list) and (
                    other.type.list or other.type.legacy_list
                )
                if not many_to_many and not (_has_fields(f) or _has_fields(other)):
                    problems.append(
                        f"{model.name}.{f.name} and {target.name}.{other.name}: a relation "
                        "with `fields:` on neither side"
                    )
    return problems


def relations_prisma_would_add(schema) -> list[str]:
    """incomplete_relations, where Prisma completes them: in a schema that
    otherwise validates."""
    from generator.errors import PslError
    from generator.psl.checks import check

    try:
        check(schema)
    except PslError:
        return []
    return incomplete_relations(schema)


def _has_fields(node: Field) -> bool:
    relation = next((a for a in node.attributes if a.name == "relation"), None)
    return relation is not None and relation.argument("fields") is not None


def blocks_in_layout(schema_file: SchemaFile) -> dict | None:
    """Each block's body lines when every block stands as the layout writes
    it, else None: the quick half of telling whether a file is in Prisma's
    layout (a file that is not mostly fails on its first block, before the
    whole file is laid out).  layout() takes the bodies back."""
    source = schema_file.source
    bodies: dict = {}
    for block in schema_file.blocks:
        if isinstance(block, TypeAlias) or block.trailing:
            continue
        quirks: list = []
        lines = body(block, source, quirks)
        text = "\n".join(
            [f"{block.keyword} {block.name} {{"] + [f"  {ln}" if ln else "" for ln in lines] + ["}"]
        )
        if source.text[block.span.start : block.span.end] != text:
            return None
        bodies[id(block)] = (lines, quirks)
    return bodies


def layout(schema_file: SchemaFile, bodies: dict | None = None) -> Layout:
    source = schema_file.source
    pieces: list[tuple[int, int, str, object]] = []

    def line(offset: int) -> int:
        return source.line_col(offset)[0]

    for block in schema_file.blocks:
        for c in block.leading:
            pieces.append((line(c.span.start), line(c.span.end - 1), "comment", c))
        end = block.span.end
        pieces.append((line(block.span.start), line(max(end - 1, block.span.start)), "block",
                       block))  # fmt: skip
        if isinstance(block, TypeAlias) or not hasattr(block, "dangling"):
            continue
    for c in schema_file.dangling:
        pieces.append((line(c.span.start), line(c.span.end - 1), "comment", c))
    pieces.sort(key=lambda p: p[0])
    result = Layout()
    previous: tuple | None = None
    for first, last, kind, node in pieces:
        gap = previous is not None and first - previous[1] > 1
        blank = False
        if previous is not None:
            if previous[2] == "block" and not isinstance(previous[3], TypeAlias):
                blank = True
            elif previous[2] == "comment":
                blank = gap
        if kind == "comment":
            table = Table()
            continues = (
                previous is not None and previous[2] == "comment" and first - previous[1] == 1
            )
            if comment_rows(node, table, _indent(node, source) if continues else ""):
                result.quirk = True
            lines = table.lines()
            if (
                result.items
                and not blank
                and result.items[-1].keyword is None
                and (not result.items[-1].verbatim)
            ):
                result.items[-1].lines += lines
            else:
                result.items.append(Item(lines, blank_before=blank))
        elif isinstance(node, TypeAlias):
            text = source.text[node.span.start : source.line_end(node.span.start)]
            result.items.append(Item([text.rstrip("\r\n")], blank_before=blank, verbatim=True))
        else:
            if node.trailing:
                raise NotCanonical(f"a comment after `{node.name}`'s closing brace")
            lines, quirks = (bodies or {}).get(id(node)) or (None, [])
            if lines is None:
                lines = body(node, source, quirks)
            result.items.append(Item(lines, node.keyword, node.name, blank))
            result.quirk = result.quirk or bool(quirks)
        previous = (first, last, kind, node)
    return result
