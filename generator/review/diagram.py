"""Mermaid `erDiagram`s (GitHub renders them in markdown): of a whole schema,
or of the tables a change touches and their neighbours, with what was added,
removed or changed marked.  Pure: DDL models in, text out."""

from __future__ import annotations

import re

from generator.sql.model import Database, Table

_WORD = re.compile(r"[^A-Za-z0-9_]")


def _entity(table: Table) -> str:
    """A Mermaid-safe entity id (schema and table; other characters as _)."""
    return _WORD.sub("_", f"{table.name.schema}__{table.name.name}")


def _type(column) -> str:
    """The type as one Mermaid word: its base name (an enum's bare name), a
    list marked `_list`."""
    base = column.type.base.lower().split(".")[-1].strip('"')
    return _WORD.sub("_", base) + ("_list" if column.type.array else "") or "unknown"


def schema_erd(database: Database) -> str:
    """The whole schema."""
    return _render(database.tables, {}, {})


def erd(before: Database, after: Database, steps) -> str:
    """The tables the steps touch (added, removed, changed) and the tables
    their foreign keys link them to."""
    marks: dict[str, str] = {}
    columns: dict[str, dict[str, str]] = {}
    old = {(t.name.schema, t.name.name): t for t in before.tables}
    shown: list[Table] = []

    def show(table: Table, mark: str | None = None) -> None:
        key = _entity(table)
        if mark is not None:
            marks[key] = mark
        if all(_entity(t) != key for t in shown):
            shown.append(table)

    for step in steps:
        if step.kind == "CreateTable":
            show(step.table, "added")
        elif step.kind == "DropTable":
            show(step.table, "removed")
        elif step.kind == "AlterTable":
            show(step.table, "changed")
            columns[_entity(step.table)] = dict(step.column_changes)
        elif step.kind in ("CreateIndex", "DropIndex", "RenameIndex"):
            _touch(after, before, step.index.table, show)
        elif step.kind in ("AddForeignKey", "DropForeignKey", "RenameForeignKey"):
            # A relation added or removed: both its ends.
            _touch(after, before, step.foreign_key.table, show)
            _touch(after, before, step.foreign_key.referenced_table, show, mark=None)
    removed_columns = {}
    for key, changes in columns.items():
        table = next(t for t in shown if _entity(t) == key)
        previous = old.get((table.name.schema, table.name.name))
        if previous is not None:
            removed_columns[key] = [c for c in previous.columns if changes.get(c.name) == "dropped"]
    return _render(shown, marks, columns, removed_columns)


def _touch(after: Database, before: Database, name, show, mark: str | None = "changed") -> None:
    for table in after.tables + before.tables:
        if (table.name.schema, table.name.name) == (name.schema, name.name):
            show(table, mark)
            return


def _entity_of(name) -> str:
    return _WORD.sub("_", f"{name.schema}__{name.name}")


def _render(tables, marks, columns, removed_columns=None) -> str:
    removed_columns = removed_columns or {}
    lines = ["erDiagram"]
    keys = {_entity(t) for t in tables}
    for table in tables:
        key = _entity(table)
        label = table.name.name + (f" ({marks[key]})" if key in marks else "")
        lines.append(f'    {key}["{label}"] {{')
        changes = columns.get(key, {})
        fk_columns = {c for fk in table.foreign_keys for c in fk.columns}
        unique = {i.columns[0].name for i in table.indexes if i.unique and len(i.columns) == 1}
        for column in table.columns:
            keys_of = [
                k
                for k, held in (
                    ("PK", column.name in table.primary_key),
                    ("FK", column.name in fk_columns),
                    ("UK", column.name in unique),
                )
                if held
            ]
            note = changes.get(column.name)
            lines.append(
                f"        {_type(column)} {_WORD.sub('_', column.name)}"
                + (f" {', '.join(keys_of)}" if keys_of else "")
                + (f' "{note}"' if note else "")
            )
        for column in removed_columns.get(key, []):
            lines.append(f'        {_type(column)} {_WORD.sub("_", column.name)} "removed"')
        lines.append("    }")
    for table in tables:
        for fk in table.foreign_keys:
            target = _entity_of(fk.referenced_table)
            if target not in keys:
                continue
            columns_of = {c.name: c for c in table.columns}
            optional = any(not columns_of[c].not_null for c in fk.columns if c in columns_of)
            left = "|o" if optional else "||"
            lines.append(f'    {target} {left}--o{{ {_entity(table)} : "{fk.name}"')
    return "\n".join(lines) + "\n"
