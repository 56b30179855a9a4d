"""The SQLite variant of an isolated schema, for local development
(`generate --dev-sqlite`): provider "sqlite", no `schemas`, no `@@schema`,
no PostgreSQL native types.  Pure: text edits by the AST's spans, so comments
and layout survive as in the rewrite."""

from __future__ import annotations

from generator.errors import Diagnostic, PslError
from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Config,
    Enum,
    Field,
    FunctionCall,
    Model,
    Schema,
)

DEV_DATABASE_URL = '"file:./dev.db"'
# Scalar types SQLite's connector has; anything else in a list is PostgreSQL-only.
_SCALARS = {"String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"}


def sqlite_variant(schema: Schema, texts: dict[str, str], keep_url: bool) -> dict[str, str]:
    """`texts`: the isolated schema's files by path.  `keep_url`: the target
    Prisma still takes `url` in the schema (< 7); it becomes a local file."""
    edits: dict[str, list[tuple[int, int, str]]] = {path: [] for path in texts}
    problems: list[Diagnostic] = []

    def delete_line(span) -> None:
        text = texts[span.path]
        start = text.rfind("\n", 0, span.start) + 1
        end = text.find("\n", span.end)
        end = len(text) if end == -1 else end + 1
        if text[start : span.start].strip() or text[span.end : end].strip():
            edits[span.path].append((span.start, span.end, ""))  # not alone on its line
        else:
            edits[span.path].append((start, end, ""))

    for block in schema.blocks:
        if isinstance(block, Config) and block.keyword == "datasource":
            for prop in block.members:
                if prop.key == "provider":
                    edits[prop.value.span.path].append(
                        (prop.value.span.start, prop.value.span.end, '"sqlite"')
                    )
                elif prop.key in ("schemas", "extensions", "directUrl", "shadowDatabaseUrl"):
                    delete_line(prop.span)
                elif prop.key == "url":
                    if keep_url:
                        edits[prop.value.span.path].append(
                            (prop.value.span.start, prop.value.span.end, DEV_DATABASE_URL)
                        )
                    else:
                        delete_line(prop.span)
        elif isinstance(block, Config) and block.keyword == "generator":
            for prop in block.members:
                if prop.key == "previewFeatures" and isinstance(prop.value, ArrayLit):
                    # multiSchema only ever served the PostgreSQL schema
                    kept = [
                        i.raw
                        for i in prop.value.items
                        if getattr(i, "raw", None) != '"multiSchema"'
                    ]
                    if not kept:
                        delete_line(prop.span)
                    elif len(kept) < len(prop.value.items):
                        span = prop.value.span
                        edits[span.path].append((span.start, span.end, "[" + ", ".join(kept) + "]"))
        elif isinstance(block, (Model, Enum)):
            for member in block.members:
                if isinstance(member, Attribute) and member.block and member.name == "schema":
                    delete_line(member.span)
                elif isinstance(member, Field):
                    _field(member, edits, problems)
    if problems:
        raise PslError(problems)
    result = {}
    for path, text in texts.items():
        for start, end, replacement in sorted(edits[path], reverse=True):
            text = text[:start] + replacement + text[end:]
        result[path] = text
    return result


def _field(field: Field, edits, problems: list[Diagnostic]) -> None:
    if field.type is not None and field.type.unsupported is not None:
        problems.append(
            Diagnostic.at(
                field.type.span, "--dev-sqlite: Unsupported(...) types have no SQLite form"
            )
        )
    elif field.type is not None and field.type.list and field.type.name in _SCALARS:
        problems.append(Diagnostic.at(field.type.span, "--dev-sqlite: SQLite has no scalar lists"))
    is_id = any(a.name == "id" for a in field.attributes)
    for attribute in field.attributes:
        if attribute.name == "default" and not is_id and _is_autoincrement(attribute):
            problems.append(
                Diagnostic.at(
                    attribute.span,
                    "--dev-sqlite: SQLite allows autoincrement() only on the @id field",
                )
            )
        if attribute.name.startswith("db."):
            # a PostgreSQL native type: SQLite has its own; drop it with the space before it
            text = attribute.span.source.text
            start = attribute.span.start
            while start > 0 and text[start - 1] in " \t":
                start -= 1
            edits[attribute.span.path].append((start, attribute.span.end, ""))


def _is_autoincrement(attribute: Attribute) -> bool:
    arguments = attribute.arguments or []
    return (
        bool(arguments)
        and isinstance(arguments[0].value, FunctionCall)
        and (arguments[0].value.name == "autoincrement")
    )
