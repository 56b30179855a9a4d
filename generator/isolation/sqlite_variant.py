"""The SQLite variant of an isolated schema, for local development
(`generate --dev-sqlite`): provider "sqlite", no `schemas`, no `@@schema`,
no PostgreSQL native types, no `multiSchema` flag.

Made the way the rewrite is made: a list of changes (edits.py), each with its
text edits and its effect on the AST, rendered and then self-checked (the
output must parse back to exactly the planned AST), so comments and layout
survive and a bug cannot write a broken schema."""

from __future__ import annotations

from generator.errors import Diagnostic, PslError
from generator.isolation.edits import (
    Change,
    RemoveAttribute,
    RemoveMember,
    ReplaceValue,
    remove_property,
    render,
    render_string_array,
)
from generator.isolation.selfcheck import check_result
from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Config,
    Enum,
    Field,
    FunctionCall,
    Model,
    StringLit,
)
from generator.psl.parser import parse_sources
from generator.psl.source import SourceFile

DEV_DATABASE_URL = '"file:./dev.db"'
# Scalar types SQLite's connector has; anything else in a list is PostgreSQL-only.
_SCALARS = {"String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"}
# Datasource properties SQLite has no use for.
_POSTGRESQL_ONLY = ("schemas", "extensions", "directUrl", "shadowDatabaseUrl")


def sqlite_variant(texts: dict[str, str], keep_url: bool) -> dict[str, str]:
    """`texts`: the isolated schema's files by path.  `keep_url`: the target
    Prisma still takes `url` in the schema (< 7); it becomes a local file."""
    schema = parse_sources([SourceFile(path, text) for path, text in texts.items()])
    changes: list[Change] = []
    problems: list[Diagnostic] = []
    prefix = schema.native_type_prefix()
    for block in schema.blocks:
        if isinstance(block, Config) and block.keyword == "datasource":
            changes += _datasource(block, keep_url)
        elif isinstance(block, Config) and block.keyword == "generator":
            changes += _generator(block)
        elif isinstance(block, (Model, Enum)):
            for member in block.members:
                if isinstance(member, Attribute) and member.block and member.name == "schema":
                    changes.append(RemoveMember(block, member, f"{block.name}: drop @@schema"))
                elif isinstance(member, Field):
                    changes += _field(member, prefix, problems)
    if problems:
        raise PslError(problems)
    outputs = render(schema, changes)
    check_result(schema, changes, outputs)
    return outputs


def _datasource(block: Config, keep_url: bool) -> list[Change]:
    changes: list[Change] = []
    for prop in list(block.members):
        if prop.key == "provider":
            changes.append(ReplaceValue(prop, StringLit('"sqlite"'), '"sqlite"', "provider sqlite"))
        elif prop.key == "url" and keep_url:
            changes.append(
                ReplaceValue(prop, StringLit(DEV_DATABASE_URL), DEV_DATABASE_URL, "a local file")
            )
        elif prop.key in _POSTGRESQL_ONLY or prop.key == "url":
            changes.append(remove_property(block, prop, f"datasource: drop {prop.key}"))
    return changes


def _generator(block: Config) -> list[Change]:
    """multiSchema only ever served the PostgreSQL schema."""
    for prop in block.members:
        if prop.key == "previewFeatures" and isinstance(prop.value, ArrayLit):
            kept = [i for i in prop.value.items if getattr(i, "raw", None) != '"multiSchema"']
            if not kept:
                return [remove_property(block, prop, "generator: drop previewFeatures")]
            if len(kept) < len(prop.value.items):
                text = render_string_array([item.span.text for item in kept])
                return [ReplaceValue(prop, ArrayLit(kept), text, "generator: drop multiSchema")]
    return []


def _field(field: Field, native_prefix: str, problems: list[Diagnostic]) -> list[Change]:
    if field.type is not None and field.type.unsupported is not None:
        problems.append(
            Diagnostic.at(
                field.type.span, "--dev-sqlite: Unsupported(...) types have no SQLite form"
            )
        )
    elif field.type is not None and field.type.list and field.type.name in _SCALARS:
        problems.append(Diagnostic.at(field.type.span, "--dev-sqlite: SQLite has no scalar lists"))
    is_id = any(a.name == "id" for a in field.attributes)
    changes: list[Change] = []
    for attribute in field.attributes:
        if attribute.name == "default" and not is_id and _is_autoincrement(attribute):
            problems.append(
                Diagnostic.at(
                    attribute.span,
                    "--dev-sqlite: SQLite allows autoincrement() only on the @id field",
                )
            )
        if attribute.name.startswith(native_prefix):
            # a PostgreSQL native type: SQLite has its own
            changes.append(
                RemoveAttribute(field, attribute, f"{field.name}: drop @{attribute.name}")
            )
    return changes


def _is_autoincrement(attribute: Attribute) -> bool:
    arguments = attribute.arguments or []
    return (
        bool(arguments)
        and isinstance(arguments[0].value, FunctionCall)
        and (arguments[0].value.name == "autoincrement")
    )
