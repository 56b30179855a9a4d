"""The rewrite's changes: each one says how it edits the original text
(`edits`) and how it changes the AST (`apply`).  The text edits make the
output; the AST changes make what the output must parse back to, which the
self-check (selfcheck.py) compares.

Minimal diff: a change touches only the lines it must.  New lines copy the
indentation and line breaks of their surroundings, and `=` alignment in a
config block is kept the way `prisma format` lays it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from generator.psl.nodes import (
    Argument,
    ArrayLit,
    Attribute,
    Config,
    ConfigProperty,
    Enum,
    Expression,
    Field,
    Model,
    Schema,
    StringLit,
    encode_string,
)
from generator.psl.source import SourceFile

_GAP = re.compile(r"( *)= ")


@dataclass(frozen=True)
class TextEdit:
    source: SourceFile
    start: int
    end: int
    text: str


class Change:
    """One intended change: its text edits and its effect on the AST."""

    description: str

    def edits(self) -> list[TextEdit]:
        raise NotImplementedError

    def apply(self) -> None:
        raise NotImplementedError


@dataclass
class AddMember(Change):
    """A new last line in a block: a `@@schema` attribute or a config property."""

    block: Model | Enum | Config
    node: Attribute | ConfigProperty
    line: str  # without indentation or line break
    blank_line_before: bool
    description: str
    realign: list[TextEdit] = field(default_factory=list)

    def edits(self) -> list[TextEdit]:
        source = self.block.span.source
        newline = source.newline()
        members = self.block.members
        if members:
            anchor = members[-1]
            end = _end_with_trailing(anchor)
            for comment in self._absorbed:
                end = max(end, comment.span.end)
            offset = source.line_end(end)
            indent = _indent_of(source, anchor.span.start)
            if offset == len(source.text) or source.text[offset - 1] not in "\r\n":
                # Should not happen (a member line always ends before "}"), but
                # never glue two lines together.
                prefix = newline
            else:
                prefix = ""
        else:
            offset = source.line_start(self.block.close_span.start)
            if source.text[offset : self.block.close_span.start].strip():
                # "}" shares its line with the header: `model A {` ... `}`
                offset = self.block.close_span.start
                prefix = newline
            else:
                prefix = ""
            indent = _default_indent(source)
        blank = newline if self.blank_line_before else ""
        insertion = TextEdit(source, offset, offset, prefix + blank + indent + self.line + newline)
        return [insertion, *self.realign]

    @cached_property  # computed once: apply() moves them out of `dangling`
    def _absorbed(self) -> list:
        """Own-line comments between the last member and "}": `prisma format`
        keeps them with the fields and puts block attributes after them, so a
        new block attribute goes below them (and they become its leading
        comments)."""
        if not isinstance(self.node, Attribute) or not self.block.members:
            return []
        source = self.block.span.source
        closing_line = source.line_start(self.block.close_span.start)
        return [c for c in self.block.dangling if c.span.end <= closing_line]

    def apply(self) -> None:
        absorbed = self._absorbed
        if absorbed:
            self.node.leading = (*absorbed, *self.node.leading)
            self.block.dangling = tuple(c for c in self.block.dangling if c not in absorbed)
        self.block.members.append(self.node)


@dataclass
class ReplaceValue(Change):
    """A new value for a config property or an attribute argument."""

    owner: ConfigProperty | Argument
    new_value: Expression
    new_text: str
    description: str

    def edits(self) -> list[TextEdit]:
        span = self.owner.value.span
        return [TextEdit(span.source, span.start, span.end, self.new_text)]

    def apply(self) -> None:
        self.owner.value = self.new_value


@dataclass
class RemoveMember(Change):
    """Drop a block member's line: a config property or a block attribute (its
    comments above stay where they are).  The last member takes the blank
    lines above it along, so the block does not end in a blank line."""

    block: Model | Enum | Config
    member: ConfigProperty | Attribute
    description: str
    realign: list[TextEdit] = field(default_factory=list)

    def edits(self) -> list[TextEdit]:
        source = self.block.span.source
        start = source.line_start(self.member.span.start)
        end = source.line_end(_end_with_trailing(self.member))
        members = self.block.members
        index = members.index(self.member)
        if index == len(members) - 1 and index > 0 and not self.member.leading:
            previous_end = source.line_end(_end_with_trailing(members[index - 1]))
            if not source.text[previous_end:start].strip():
                start = previous_end
        return [TextEdit(source, start, end, ""), *self.realign]

    def apply(self) -> None:
        members = self.block.members
        index = members.index(self.member)
        del members[index]
        # Comments above the removed line now stand above the next member.
        if self.member.leading:
            if index < len(members):
                following = members[index]
                following.leading = (*self.member.leading, *following.leading)
            else:
                self.block.dangling = (*self.member.leading, *self.block.dangling)


@dataclass
class RemoveAttribute(Change):
    """Drop one attribute of a field (with the spaces before it)."""

    field_node: Field
    attribute: Attribute
    description: str

    def edits(self) -> list[TextEdit]:
        source = self.attribute.span.source
        start = self.attribute.span.start
        while start > 0 and source.text[start - 1] in " \t":
            start -= 1
        return [TextEdit(source, start, self.attribute.span.end, "")]

    def apply(self) -> None:
        self.field_node.attributes.remove(self.attribute)


def _end_with_trailing(node) -> int:
    end = node.span.end
    for comment in node.trailing:
        end = max(end, comment.span.end)
    return end


def _indent_of(source: SourceFile, offset: int) -> str:
    start = source.line_start(offset)
    prefix = source.text[start:offset]
    return prefix if not prefix.strip() else ""


def _default_indent(source: SourceFile) -> str:
    match = re.search(r"^([ \t]+)\S", source.text, re.MULTILINE)
    return match.group(1) if match else "  "


def render_string_array(raw_items: list[str]) -> str:
    return "[" + ", ".join(raw_items) + "]"


def string_array(values: list[str]) -> ArrayLit:
    return ArrayLit([StringLit(encode_string(v)) for v in values])


def _property_group(
    source: SourceFile, props: list[ConfigProperty], index: int
) -> list[ConfigProperty]:
    """The run of properties around props[index] that `prisma format` aligns
    together: a blank line ends a run, comment lines do not."""

    def blank_between(a: ConfigProperty, b: ConfigProperty) -> bool:
        between = source.text[
            source.line_end(_end_with_trailing(a)) : source.line_start(b.span.start)
        ]
        return any(not line.strip() for line in between.splitlines())

    first = last = index
    while first > 0 and not blank_between(props[first - 1], props[first]):
        first -= 1
    while last + 1 < len(props) and not blank_between(props[last], props[last + 1]):
        last += 1
    return props[first : last + 1]


def _aligned_width(source: SourceFile, group: list[ConfigProperty]) -> int | None:
    """The key width the group's `=` signs are aligned to, the way prisma
    format aligns them (longest key + one space); None if they are not."""
    width = max(len(p.key) for p in group)
    for prop in group:
        match = _GAP.fullmatch(source.text[prop.key_span.end : prop.value.span.start])
        if not match or len(prop.key) + len(match.group(1)) != width + 1:
            return None
    return width


def _realign(source: SourceFile, group: list[ConfigProperty], width: int) -> list[TextEdit]:
    edits = []
    for prop in group:
        gap = " " * (width - len(prop.key) + 1) + "= "
        if source.text[prop.key_span.end : prop.value.span.start] != gap:
            edits.append(TextEdit(source, prop.key_span.end, prop.value.span.start, gap))
    return edits


def add_property(config: Config, key: str, value: Expression, value_text: str, description: str):
    """An AddMember for `key = value` as the block's last line, aligned like its
    neighbours (and realigning them when the new key is the longest)."""
    source = config.span.source
    props = config.members
    realign: list[TextEdit] = []
    padding = " "
    if props:
        group = _property_group(source, props, len(props) - 1)
        width = _aligned_width(source, group)
        if width is not None:
            new_width = max(width, len(key))
            padding = " " * (new_width - len(key) + 1)
            if new_width != width:
                realign = _realign(source, group, new_width)
    node = ConfigProperty(key, value)
    return AddMember(
        config, node, f"{key}{padding}= {value_text}", False, description, realign=realign
    )


def remove_property(config: Config, prop: ConfigProperty, description: str) -> RemoveMember:
    """A RemoveMember that also realigns the rest of its group when the
    removed key was the one the group was aligned to."""
    source = config.span.source
    props = config.members
    group = _property_group(source, props, props.index(prop))
    width = _aligned_width(source, group)
    realign: list[TextEdit] = []
    rest = [p for p in group if p is not prop]
    if width is not None and rest:
        realign = _realign(source, rest, max(len(p.key) for p in rest))
    return RemoveMember(config, prop, description, realign)


def apply_edits(source: SourceFile, edits: list[TextEdit]) -> str:
    """The text of `source` with non-overlapping edits applied."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    position = 0
    text = source.text
    for edit in ordered:
        if edit.start < position:
            raise AssertionError(f"overlapping edits in {source.path} at offset {edit.start}")
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def text_edits(changes: list[Change]) -> list[TextEdit]:
    """The changes' edits of the original text (before any change is applied
    to the AST: they are computed from its spans)."""
    return [edit for change in changes for edit in change.edits()]


def render(schema: Schema, changes: list[Change], edits: list[TextEdit] | None = None):
    """The new text of every file of `schema` (unchanged files included)."""
    by_file: dict[int, list[TextEdit]] = {}
    for edit in text_edits(changes) if edits is None else edits:
        by_file.setdefault(id(edit.source), []).append(edit)
    return {
        f.source.path: apply_edits(f.source, by_file.get(id(f.source), [])) for f in schema.files
    }
