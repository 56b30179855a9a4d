"""The PostgreSQL DDL model: pure data, rendered by the templates and read by
the verification catalog and the importer.  Prisma's rules that fill it in
live in build.py; nothing here decides anything."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field

from generator.psl.nodes import plain_repr
from generator.sql.identifiers import quote_identifier

SERIAL_TYPES = {"INTEGER": "SERIAL", "BIGINT": "BIGSERIAL", "SMALLINT": "SMALLSERIAL"}


@dataclass(frozen=True, repr=False)
class ColumnType:
    """A column's type as data.  `base` is PostgreSQL's name in upper case
    (TEXT, INTEGER, SERIAL, TIMESTAMP, DOUBLE PRECISION); for an enum, its
    (qualified, quoted) name; for Unsupported("…"), the text as written."""

    base: str
    args: tuple[str, ...] = ()  # ("3",) for TIMESTAMP(3), ("65", "30") for DECIMAL(65,30)
    array: bool = False
    kind: str = "builtin"  # "builtin" | "enum" | "unsupported"

    @property
    def sql(self) -> str:
        arguments = f"({','.join(self.args)})" if self.args else ""
        return self.base + arguments + ("[]" if self.array else "")

    @property
    def serial(self) -> bool:
        return self.base in SERIAL_TYPES.values()

    def as_array(self) -> ColumnType:
        return ColumnType(self.base, self.args, True, self.kind)

    def without_serial(self) -> ColumnType:
        """SERIAL -> INTEGER (a join table's column refers to a serial key)."""
        plain = {v: k for k, v in SERIAL_TYPES.items()}
        return ColumnType(plain.get(self.base, self.base), self.args, self.array, self.kind)


@dataclass(repr=False)
class Name:
    """A database object's name and schema; renders quoted, qualified only
    outside the connection's default schema (as Prisma renders it)."""

    schema: str
    name: str
    default_schema: str

    @property
    def sql(self) -> str:
        if self.schema == self.default_schema:
            return quote_identifier(self.name)
        return f"{quote_identifier(self.schema)}.{quote_identifier(self.name)}"


@dataclass(repr=False)
class Column:
    name: str
    type: ColumnType
    not_null: bool
    default: str | None  # as rendered, without the DEFAULT keyword
    prisma_default: bool = (
        False  # @default(cuid()), uuid(), …: filled in by Prisma, not the database
    )

    @property
    def sql(self) -> str:
        out = f"{quote_identifier(self.name)} {self.type.sql}"
        if self.not_null:
            out += " NOT NULL"
        if self.default is not None:
            out += f" DEFAULT {self.default}"
        return out


@dataclass(repr=False)
class IndexColumn:
    name: str
    descending: bool = False
    operator_class: str | None = None

    @property
    def sql(self) -> str:
        out = quote_identifier(self.name)
        if self.descending:
            out += " DESC"
        if self.operator_class:
            out += f" {self.operator_class}"
        return out


@dataclass(repr=False)
class Index:
    name: str
    table: Name
    unique: bool
    columns: list[IndexColumn]
    algorithm: str | None = None  # None: btree

    @property
    def qualified_name(self) -> str:
        """The index's name as DROP INDEX needs it: qualified outside the default schema."""
        return Name(self.table.schema, self.name, self.table.default_schema).sql

    @property
    def column_list(self) -> str:
        return ", ".join(c.sql for c in self.columns)


@dataclass(repr=False)
class ForeignKey:
    name: str
    table: Name
    columns: list[str]
    referenced_table: Name
    referenced_columns: list[str]
    on_delete: str
    on_update: str

    @property
    def column_list(self) -> str:
        return ", ".join(quote_identifier(c) for c in self.columns)

    @property
    def referenced_column_list(self) -> str:
        return ", ".join(quote_identifier(c) for c in self.referenced_columns)


@dataclass(repr=False)
class Table:
    name: Name
    columns: list[Column]
    primary_key_name: str | None = None
    primary_key: list[str] = dataclass_field(default_factory=list)
    indexes: list[Index] = dataclass_field(default_factory=list)
    foreign_keys: list[ForeignKey] = dataclass_field(default_factory=list)

    @property
    def primary_key_columns(self) -> str:
        # Prisma renders the primary key's columns without a space after commas.
        return ",".join(quote_identifier(c) for c in self.primary_key)


@dataclass(repr=False)
class EnumType:
    name: Name
    values: list[str]

    @property
    def value_list(self) -> str:
        return ", ".join(sql_string(v) for v in self.values)


@dataclass(repr=False)
class Extension:
    """A PostgreSQL extension of the datasource's `extensions = [...]`."""

    name: str  # the database name: `map:` when given
    schema: str | None
    version: str | None


@dataclass(repr=False)
class Database:
    default_schema: str
    schemas: list[str]  # schemas that hold objects, alphabetically: CREATE SCHEMA each
    enums: list[EnumType]
    tables: list[Table]  # model tables in declaration order, then join tables
    extensions: list[Extension] = dataclass_field(
        default_factory=list
    )  # by name, as Prisma orders them
    # The schemas the datasource lists, and those holding objects: what a
    # later migration may assume exists (Prisma's namespaces).
    namespaces: list[str] = dataclass_field(default_factory=list)


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


# dataclass's generated __repr__s cost a cold start more than they are worth.
for _model_class in (ColumnType, Name, Column, IndexColumn, Index, ForeignKey, Table, EnumType,
                     Extension, Database):  # fmt: skip
    _model_class.__repr__ = plain_repr
