"""Where a finding is, in the schema as the user wrote it: the line of the
model, field, enum, value or index attribute the DDL name comes from (the
isolation rewrite renames nothing, so database names lead back to the input).
Also the `// prisma-isolate-ignore: <rule>` comments that silence a finding
on their line or the line below."""

from __future__ import annotations

import re

from generator.psl.nodes import Attribute, Enum, Field, Model, Schema, StringLit

_IGNORE = re.compile(r"//\s*prisma-isolate-ignore:\s*([\w\-, ]+)")


def _db_name(node, default: str) -> str:
    attributes = node.attributes if isinstance(node, Field) else node.block_attributes()
    for attribute in attributes:
        if attribute.name == "map":
            argument = attribute.argument("name", 0)
            if argument is not None and isinstance(argument.value, StringLit):
                return argument.value.value
    return default


class Locator:
    def __init__(self, schema: Schema) -> None:
        self.models: dict[str, Model] = {}
        self.fields: dict[tuple[str, str], Field] = {}
        self.enums: dict[str, Enum] = {}
        # An object gone from the schema is reported on the file holding the
        # datasource (GitHub shows a file-level annotation), without a line.
        datasources = schema.datasources()
        self.home = (
            datasources[0].span.source.path
            if datasources
            else (schema.files[0].source.path if schema.files else None)
        )
        for block in schema.blocks:
            if isinstance(block, Model) and block.keyword == "model":
                table = _db_name(block, block.name)
                self.models[table] = block
                for field in block.fields:
                    self.fields[(table, _db_name(field, field.name))] = field
            elif isinstance(block, Enum):
                self.enums[_db_name(block, block.name)] = block

    def place(self, finding) -> None:
        """Set the finding's path, line and column (left None where the object
        is gone from the schema, e.g. a dropped table)."""
        span = self._span(finding)
        if span is not None:
            finding.path, finding.source = span.source.path, span.source
            finding.line, finding.col = span.source.line_col(span.start)
        elif finding.file is not None:
            finding.path, finding.line, finding.col = finding.file, 1, 1
        else:
            finding.path = self.home

    def _span(self, finding):
        if finding.enum is not None:
            enum = self.enums.get(finding.enum)
            return enum.name_span if enum is not None else None
        model = self.models.get(finding.table) if finding.table else None
        if model is None:
            return None
        if finding.index_columns:
            attribute = self._index(model, finding.table, finding.index_columns)
            if attribute is not None:
                return attribute.span
        if finding.column is not None:
            field = self.fields.get((finding.table, finding.column))
            if field is not None:
                return field.span
        return model.name_span

    def _index(self, model: Model, table: str, columns: list[str]) -> Attribute | None:
        """The @@index/@@unique/@unique that makes an index on these columns."""
        names = {db: field.name for (t, db), field in self.fields.items() if t == table}
        wanted = [names.get(c, c) for c in columns]
        for attribute in model.block_attributes():
            if attribute.name in ("index", "unique", "id"):
                argument = attribute.argument("fields", 0)
                items = getattr(argument.value, "items", None) if argument is not None else None
                listed = [getattr(i, "name", getattr(i, "value", None)) for i in items or []]
                if listed == wanted:
                    return attribute
        if len(wanted) == 1:
            for field in model.fields:
                if field.name == wanted[0]:
                    unique = field.attribute("unique")
                    return unique if unique is not None else None
        return None


def ignored(finding) -> bool:
    """A `// prisma-isolate-ignore: <rule>` (id or name; several comma-separated)
    on the finding's line or on the line just above it."""
    source = finding.source
    if finding.line is None or source is None:
        return False
    for line in (finding.line, finding.line - 1):
        if line < 1:
            continue
        match = _IGNORE.search(source.line_text(line))
        if match:
            names = {n.strip() for n in match.group(1).split(",")}
            if finding.rule.id in names or finding.rule.name in names:
                return True
    return False
