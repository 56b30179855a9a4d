"""The catalog a deployment must have, derived from the DDL model: what the
verification (generator/verify_runtime.py) compares the live database with.

Types are given as PostgreSQL's format_type() prints them; enum columns by
(schema, enum name) instead, and Unsupported(...) columns not at all.
"""

from __future__ import annotations

import re

from generator.db.runtime import canonical_default
from generator.sql.model import ColumnType, Database, Table

# Our rendered type -> format_type() of the column PostgreSQL creates for it.
_FORMAT_TYPE = {
    "TEXT": "text",
    "BOOLEAN": "boolean",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "BIGINT": "bigint",
    "SERIAL": "integer",
    "SMALLSERIAL": "smallint",
    "BIGSERIAL": "bigint",
    "DOUBLE PRECISION": "double precision",
    "REAL": "real",
    "DECIMAL": "numeric",
    "JSONB": "jsonb",
    "JSON": "json",
    "BYTEA": "bytea",
    "UUID": "uuid",
    "XML": "xml",
    "INET": "inet",
    "CITEXT": "citext",
    "OID": "oid",
    "MONEY": "money",
    "DATE": "date",
    "VARCHAR": "character varying",
    "CHAR": "character",
    "BIT": "bit",
    "VARBIT": "bit varying",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMPTZ": "timestamp with time zone",
    "TIME": "time without time zone",
    "TIMETZ": "time with time zone",
}
_WITH_ZONE = {"TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ"}
_DATE_TIME = _WITH_ZONE | {"DATE"}


def format_type(column_type: ColumnType) -> str | None:
    """format_type() of a column we declare as `column_type` (None: not checked)."""
    base, array = column_type.base, column_type.array
    if column_type.kind != "builtin" or base not in _FORMAT_TYPE:
        return None
    name = _FORMAT_TYPE[base]
    args = ",".join(column_type.args) if column_type.args else None
    if args is not None:
        if base in _WITH_ZONE:
            # timestamp(3) without time zone: the precision goes after the first word
            first, _, rest = name.partition(" ")
            name = f"{first}({args}) {rest}"
        else:
            name = f"{name}({args})"
    elif base == "CHAR":
        name = "character(1)"
    elif base == "BIT":
        name = "bit(1)"
    return name + ("[]" if array else "")


def _column(table: Table, column, database: Database, enums: dict) -> dict:
    entry: dict = {
        "not_null": column.not_null or column.name in table.primary_key,
        "default": column.default is not None or column.type.serial,
    }
    enum = enums.get(column.type.base) if column.type.kind == "enum" else None
    if enum is not None:
        entry["enum"] = [enum.name.schema, enum.name.name]
        entry["array"] = column.type.array
    else:
        entry["type"] = format_type(column.type)
    value = _comparable_default(column.default, column.type)
    if value is not None:
        entry["default_value"] = value
        if column.type.base in ("JSON", "JSONB"):
            entry["default_json"] = True
    return entry


_LITERAL = re.compile(r"'(?:[^']|'')*'|-?\d+(?:\.\d+)?|true|false|CURRENT_TIMESTAMP")


def _comparable_default(default: str | None, column_type: ColumnType) -> str | None:
    """The default as verify compares it with PostgreSQL's pg_get_expr(), or
    None where only its presence is checked: serials, arrays, expressions of
    dbgenerated(), and date/time literals (PostgreSQL stores them converted)."""
    if default is None or not _LITERAL.fullmatch(default):
        return None
    if default != "CURRENT_TIMESTAMP" and column_type.base in _DATE_TIME:
        return None
    return canonical_default(default)


def expected_catalog(database: Database, migrations: list[str]) -> dict:
    enums = {e.name.sql: e for e in database.enums}
    tables = {}
    for table in database.tables:
        tables[table.name.name] = {
            "schema": table.name.schema,
            "columns": {c.name: _column(table, c, database, enums) for c in table.columns},
            "primary_key": (
                {"name": table.primary_key_name, "columns": list(table.primary_key)}
                if table.primary_key
                else None
            ),
            "indexes": {
                index.name: {"unique": index.unique, "columns": [c.name for c in index.columns]}
                for index in table.indexes
            },
            "foreign_keys": {
                fk.name: {
                    "columns": list(fk.columns),
                    "references": [fk.referenced_table.schema, fk.referenced_table.name],
                    "referenced_columns": list(fk.referenced_columns),
                    "on_delete": fk.on_delete,
                    "on_update": fk.on_update,
                }
                for fk in table.foreign_keys
            },
        }
    return {
        "schema": database.default_schema,
        "tables": tables,
        "enums": {
            e.name.name: {"schema": e.name.schema, "values": list(e.values)} for e in database.enums
        },
        "migrations": list(migrations),
    }
