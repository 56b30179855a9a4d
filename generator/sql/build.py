"""A PostgreSQL DDL model of an isolated schema, resolved the way Prisma's
migration engine resolves it.

Every Prisma rule lives here: database names after @map/@@map, native and
default types, SERIAL for autoincrement, defaults, constraint names and their
63-byte truncation, index and foreign-key order, implicit many-to-many join
tables.  The SQL templates only lay the result out.  Prisma's own engine
(@prisma/schema-engine-wasm) is the judge in tests/test_sql_conformance.py.
"""

from __future__ import annotations

import base64
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from generator.errors import Diagnostic, PslError
from generator.psl.checks import (
    NATIVE_TYPES,
    SCALAR_TYPES,
    datasource_schemas,
    schema_attribute_value,
)
from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Config,
    Constant,
    Enum,
    EnumValue,
    Expression,
    Field,
    FunctionCall,
    Model,
    NumberLit,
    Schema,
    StringLit,
)
from generator.psl.source import Span
from generator.sql.identifiers import MAX_IDENTIFIER_BYTES
from generator.sql.model import (
    SERIAL_TYPES,
    Column,
    ColumnType,
    Database,
    EnumType,
    Extension,
    ForeignKey,
    Index,
    IndexColumn,
    Name,
    Table,
    sql_string,
)

# Prisma's default native type of each scalar type on PostgreSQL.
DEFAULT_TYPES = {
    "String": ColumnType("TEXT"),
    "Boolean": ColumnType("BOOLEAN"),
    "Int": ColumnType("INTEGER"),
    "BigInt": ColumnType("BIGINT"),
    "Float": ColumnType("DOUBLE PRECISION"),
    "Decimal": ColumnType("DECIMAL", ("65", "30")),
    "DateTime": ColumnType("TIMESTAMP", ("3",)),
    "Json": ColumnType("JSONB"),
    "Bytes": ColumnType("BYTEA"),
}

INDEX_ALGORITHMS = {
    "Hash": "HASH",
    "Gin": "GIN",
    "Gist": "GIST",
    "Brin": "BRIN",
    "SpGist": "SPGIST",
}
REFERENTIAL_ACTIONS = {
    "Cascade": "CASCADE",
    "Restrict": "RESTRICT",
    "NoAction": "NO ACTION",
    "SetNull": "SET NULL",
    "SetDefault": "SET DEFAULT",
}


# --- helpers ---------------------------------------------------------------------


def _truncate_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` of at most `limit` UTF-8 bytes."""
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def primary_key_name(table: str) -> str:
    limit = MAX_IDENTIFIER_BYTES
    if len(table.encode()) >= limit - 5:
        table = _truncate_bytes(table, limit - 5)
    return f"{table}_pkey"


def _index_name(table: str, columns: list[str], suffix: str) -> str:
    joined = f"{table}_{'_'.join(columns)}"
    limit = MAX_IDENTIFIER_BYTES - len(suffix)
    if len(joined.encode()) >= limit:
        joined = _truncate_bytes(joined, limit)
    return joined + suffix


def unique_index_name(table: str, columns: list[str]) -> str:
    return _index_name(table, columns, "_key")


def index_name(table: str, columns: list[str]) -> str:
    return _index_name(table, columns, "_idx")


def foreign_key_name(table: str, columns: list[str]) -> str:
    joined = f"{table}_{'_'.join(columns)}"
    if len(joined.encode()) >= MAX_IDENTIFIER_BYTES - 5:
        joined = _truncate_bytes(joined, MAX_IDENTIFIER_BYTES - 5)
    return joined + "_fkey"


def _string_argument(attribute: Attribute | None, name: str, position: int | None = None):
    if attribute is None:
        return None
    argument = attribute.argument(name, position)
    if argument is not None and isinstance(argument.value, StringLit):
        return argument.value.value
    return None


def _db_name(node, default: str) -> str:
    attributes = (
        node.attributes if isinstance(node, (Field, EnumValue)) else node.block_attributes()
    )
    mapped = _string_argument(next((a for a in attributes if a.name == "map"), None), "name", 0)
    return mapped if mapped is not None else default


def _operator_class(expression: Expression) -> str:
    if isinstance(expression, FunctionCall) and expression.name == "raw" and expression.arguments:
        value = expression.arguments[0].value
        if isinstance(value, StringLit):
            return value.value
    if isinstance(expression, Constant):
        # Prisma's named classes: InetOps -> inet_ops, Int4MinMaxOps -> int4_minmax_ops
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", expression.name).lower()
        return snake.replace("min_max", "minmax")
    raise ValueError(f"unsupported operator class {expression!r}")


# --- building ----------------------------------------------------------------------


@dataclass
class _Relation:
    models: tuple[str, str]  # (model A, model B)
    name: str  # the relation name, "" when unnamed


@dataclass
class _Named:
    """A constraint's name on a model's table, and the attribute that made it."""

    kind: str  # "key" (primary), "index" (unique or not) or "foreign key"
    model: Model
    table: Table
    name: str
    attribute: Attribute


_GLOBAL = "global for primary key, indexes and unique constraints"
_LOCAL = "on model `{}` for primary key, indexes, unique constraints and foreign keys"


def _check_constraint_names(named: list[_Named]) -> None:
    """Names PostgreSQL requires to be distinct, refused as Prisma refuses them
    (psl-core's constraint_namespace, with the PostgreSQL connector's scopes):
    primary keys and indexes share a namespace per schema; a table's primary
    key, indexes and foreign keys share one per model.  A primary key or an
    index is reported in the first, a primary key or a foreign key in the
    second; foreign keys after everything else, as Prisma orders them."""
    shared = Counter((n.table.name.schema, n.name) for n in named if n.kind != "foreign key")
    per_model = Counter((id(n.model), n.name) for n in named)
    diagnostics = []
    for kinds in (("key", "index"), ("foreign key",)):
        for n in named:
            if n.kind not in kinds:
                continue
            scopes = []
            if n.kind != "foreign key" and shared[(n.table.name.schema, n.name)] > 1:
                scopes.append(_GLOBAL)
            if n.kind != "index" and per_model[(id(n.model), n.name)] > 1:
                scopes.append(_LOCAL.format(n.model.name))
            label, span = _naming(n.attribute)
            for scope in scopes:
                message = (
                    f'Error parsing attribute "{label}": The given constraint name `{n.name}` has '
                    f"to be unique in the following namespace: {scope}. Please provide a "
                    "different name using the `map` argument."
                )
                diagnostics.append(Diagnostic.at(span, message))
    if diagnostics:
        raise PslError(diagnostics)


def _check_join_table_names(named: list[_Named], join_tables: list[Table]) -> None:
    """A primary key or index named as an implicit many-to-many table's own.
    Prisma does not count those tables in its namespace, takes the schema and
    writes both names, and PostgreSQL refuses the second: refused here (a
    departure from Prisma, listed in the README)."""
    taken: dict[tuple[str, str], tuple[Table, str]] = {}
    for table in join_tables:
        taken[(table.name.schema, table.primary_key_name)] = (table, "primary key")
        for index in table.indexes:
            taken[(table.name.schema, index.name)] = (table, "index")
    diagnostics = []
    for n in named:
        found = taken.get((n.table.name.schema, n.name)) if n.kind != "foreign key" else None
        if found is None:
            continue
        table, what = found
        label, span = _naming(n.attribute)
        message = (
            f'Error parsing attribute "{label}": the constraint name `{n.name}` is also the '
            f"{what} of the implicit many-to-many table `{table.name.name}`, and PostgreSQL "
            "refuses a second one (Prisma does not check it). Please provide a different name "
            "using the `map` argument."
        )
        diagnostics.append(Diagnostic.at(span, message))
    if diagnostics:
        raise PslError(diagnostics)


def _naming(attribute: Attribute) -> tuple[str, Span]:
    """The attribute as Prisma's messages name it (`@unique`, `@@index`), and
    where a name error points: its `map:` (an @@index's legacy `name:`), else
    the attribute."""
    label = ("@@" if attribute.block else "@") + attribute.name
    argument = attribute.argument("map") or (
        attribute.argument("name") if attribute.name == "index" else None
    )
    return label, (argument or attribute).span


class _Builder:
    def __init__(self, schema: Schema, default_schema: str):
        self.schema = schema
        self.default_schema = default_schema
        blocks = schema.blocks
        self.models = [b for b in blocks if isinstance(b, Model) and b.keyword == "model"]
        self.views = {b.name for b in blocks if isinstance(b, Model) and b.keyword == "view"}
        self.composites = {b.name for b in blocks if isinstance(b, Model) and b.keyword == "type"}
        self.enums = [b for b in blocks if isinstance(b, Enum)]
        self.model_by_name = {m.name: m for m in self.models}
        self.enum_by_name = {e.name: e for e in self.enums}
        datasources = schema.datasources()
        self.datasource: Config | None = datasources[0] if datasources else None
        self.native_prefix = schema.native_type_prefix()
        # Each constraint's name and the attribute that made it, for the check
        # of names Prisma requires to be unique (_check_constraint_names).
        self.named: list[_Named] = []
        self.uses_foreign_keys = True
        if self.datasource is not None:
            mode = self.datasource.property("relationMode") or self.datasource.property(
                "referentialIntegrity"
            )
            if mode is not None and isinstance(mode.value, StringLit):
                self.uses_foreign_keys = mode.value.value != "prisma"

    def schema_of(self, block) -> str:
        return schema_attribute_value(block) or self.default_schema

    def name(self, block, name: str) -> Name:
        return Name(self.schema_of(block), name, self.default_schema)

    def table_name(self, model: Model) -> str:
        return _db_name(model, model.name)

    def column_name(self, field: Field) -> str:
        return _db_name(field, field.name)

    def field_kind(self, field: Field) -> str:
        ftype = field.type
        if ftype.unsupported is not None:
            return "unsupported"
        if ftype.name in SCALAR_TYPES:
            return "scalar"
        if ftype.name in self.enum_by_name:
            return "enum"
        if ftype.name in self.model_by_name or ftype.name in self.views:
            return "relation"
        if ftype.name in self.composites:
            return "composite"
        return "unknown"

    # -- columns --

    def native_type(self, field: Field) -> ColumnType:
        """The column type of a scalar field (not yet a list)."""
        for attribute in field.attributes:
            if attribute.name.startswith(self.native_prefix):
                native = attribute.name[len(self.native_prefix) :]
                spec = NATIVE_TYPES.get(native)
                if spec is None:
                    raise PslError(
                        [
                            Diagnostic.at(
                                attribute.span, f"unknown PostgreSQL native type @{attribute.name}"
                            )
                        ]
                    )
                args = [a.value for a in attribute.arguments or []]
                # checks.py has refused any argument but a nonnegative 32-bit
                # integer, which Prisma prints as a number ("007" is 7).
                numbers = [
                    str(int(a.raw)) if a.raw.isdigit() else a.raw
                    for a in args
                    if isinstance(a, NumberLit)
                ]
                # Decimal takes (precision, scale); every other type at most one argument.
                return ColumnType(spec[0], tuple(numbers[: 2 if native == "Decimal" else 1]))
        return DEFAULT_TYPES[field.type.name]

    def column(self, model: Model, field: Field) -> Column:
        kind = self.field_kind(field)
        ftype = field.type
        is_list = ftype.list or ftype.legacy_list
        default_attribute = field.attribute("default")
        default_value = None
        if default_attribute is not None and default_attribute.arguments:
            argument = default_attribute.argument("value", 0)
            default_value = argument.value if argument is not None else None
        if kind == "enum":
            enum = self.enum_by_name[ftype.name]
            name = Name(self.schema_of(enum), _db_name(enum, enum.name), self.default_schema)
            column_type = ColumnType(name.sql, (), is_list, "enum")
            default = self.enum_default(enum, default_value, column_type.sql)
        elif kind == "unsupported":
            column_type = ColumnType(ftype.unsupported.value, (), is_list, "unsupported")
            default = _dbgenerated(default_value)
        elif kind in ("scalar", "composite"):
            scalar = "Json" if kind == "composite" else ftype.name
            column_type = DEFAULT_TYPES["Json"] if kind == "composite" else self.native_type(field)
            autoincrement = (
                isinstance(default_value, FunctionCall) and default_value.name == "autoincrement"
            )
            if autoincrement and column_type.base in SERIAL_TYPES and not column_type.args:
                column_type = ColumnType(SERIAL_TYPES[column_type.base])
            if is_list:
                column_type = column_type.as_array()
            default = self.scalar_default(scalar, default_value, column_type.sql)
        else:
            raise PslError([Diagnostic.at(ftype.span, f'unknown type "{ftype.name}"')])
        not_null = not (ftype.optional or is_list)
        prisma_default = isinstance(default_value, FunctionCall) and default_value.name in (
            "cuid",
            "uuid",
            "nanoid",
            "ulid",
        )
        return Column(self.column_name(field), column_type, not_null, default, prisma_default)

    def enum_default(self, enum: Enum, value, type_sql: str) -> str | None:
        mapped = {v.name: _db_name(v, v.name) for v in enum.values}
        if isinstance(value, Constant):
            return sql_string(mapped.get(value.name, value.name))
        if isinstance(value, ArrayLit):
            items = ", ".join(sql_string(mapped.get(i.name, i.name)) for i in value.items)
            return f"ARRAY[{items}]::{type_sql}"
        return _dbgenerated(value)

    def scalar_default(self, scalar: str, value, type_sql: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, FunctionCall):
            if value.name == "dbgenerated":
                return _dbgenerated(value)
            if value.name == "now":
                return "CURRENT_TIMESTAMP"
            return None  # autoincrement, uuid(), cuid(), nanoid(), ulid(): no database default
        if isinstance(value, ArrayLit):
            items = ", ".join(_constant(scalar, item) for item in value.items)
            return f"ARRAY[{items}]::{type_sql}"
        return _constant(scalar, value)

    # -- relations --

    def many_to_many_relations(self) -> list[_Relation]:
        """Implicit many-to-many relations in the order Prisma ingests them:
        walking models and their fields in order, a relation counts when met
        from its model A (the lexicographically first model name, or for a
        self-relation the first field name)."""
        found: list[_Relation] = []
        for model in self.models:
            for field in model.fields:
                if (
                    field.type is None
                    or not field.type.list
                    or self.field_kind(field) != "relation"
                ):
                    continue
                if field.attribute("relation") is not None and field.attribute("relation").argument(
                    "fields"
                ):
                    continue
                name = _string_argument(field.attribute("relation"), "name", 0) or ""
                other = self.model_by_name.get(field.type.name)
                if other is None:
                    continue
                opposite = next(
                    (
                        f
                        for f in other.fields
                        if f is not field
                        and f.type is not None
                        and f.type.name == model.name
                        and (_string_argument(f.attribute("relation"), "name", 0) or "") == name
                    ),
                    None,
                )
                if opposite is None or not opposite.type.list:
                    continue
                if model is other:
                    if field.name > opposite.name:
                        continue
                elif model.name > other.name:
                    continue
                found.append(_Relation((model.name, other.name), name))
        return found

    def build(self) -> Database:
        tables: list[Table] = []
        table_by_model: dict[str, Table] = {}
        for model in self.models:
            columns = [
                self.column(model, f)
                for f in model.fields
                if f.type is not None and self.field_kind(f) != "relation"
            ]
            table_name = self.table_name(model)
            _check_length(table_name, "table", model)
            for column, f in zip(
                columns,
                [
                    f
                    for f in model.fields
                    if f.type is not None and self.field_kind(f) != "relation"
                ],
                strict=True,
            ):
                _check_length(column.name, "column", f)
            table = Table(self.name(model, table_name), columns)
            self.primary_key(model, table)
            self.indexes(model, table)
            tables.append(table)
            table_by_model[model.name] = table

        # Foreign keys: on each model's table, in the order of its relation fields
        # that carry `fields:` (the forward side).
        if self.uses_foreign_keys:
            for model in self.models:
                for field in model.fields:
                    if not self._is_forward_relation(field) or field.type.name in self.views:
                        continue
                    table_by_model[model.name].foreign_keys.append(
                        self.foreign_key(model, field, table_by_model)
                    )

        _check_constraint_names(self.named)

        # Implicit many-to-many join tables, in the order Prisma ingests relations.
        join_tables = [
            self.join_table(relation, table_by_model)
            for relation in self.many_to_many_relations()
            if not any(name in self.views for name in relation.models)
        ]
        _check_join_table_names(self.named, join_tables)

        for enum in self.enums:
            _check_length(_db_name(enum, enum.name), "enum", enum)
        enums = [
            EnumType(self.name(e, _db_name(e, e.name)), [_db_name(v, v.name) for v in e.values])
            for e in self.enums
        ]
        holders = {t.name.schema for t in tables + join_tables} | {e.name.schema for e in enums}
        datasources = self.schema.datasources()
        listed = datasource_schemas(datasources[0]) if datasources else None
        return Database(
            self.default_schema,
            sorted(holders),
            enums,
            tables + join_tables,
            self.extensions(),
            sorted(set(listed or []) | holders),
        )

    def extensions(self) -> list[Extension]:
        """`extensions = [name, name(map: …, schema: …, version: …)]`, as Prisma
        creates them: sorted by database name."""
        datasources = self.schema.datasources()
        prop = datasources[0].property("extensions") if datasources else None
        if prop is None or not isinstance(prop.value, ArrayLit):
            return []
        found = []
        for item in prop.value.items:
            if isinstance(item, Constant):
                found.append(Extension(item.name, None, None))
            elif isinstance(item, FunctionCall):
                arguments = {a.name: a.value for a in item.arguments if a.name}
                text = {k: v.value for k, v in arguments.items() if isinstance(v, StringLit)}
                found.append(
                    Extension(text.get("map", item.name), text.get("schema"), text.get("version"))
                )
        return sorted(found, key=lambda e: e.name)

    def _is_forward_relation(self, field: Field) -> bool:
        if field.type is None or self.field_kind(field) != "relation":
            return False
        relation = field.attribute("relation")
        return relation is not None and relation.argument("fields") is not None

    def primary_key(self, model: Model, table: Table) -> None:
        for field in model.fields:
            attribute = field.attribute("id")
            if attribute is not None:
                table.primary_key = [self.column_name(field)]
                table.primary_key_name = _string_argument(attribute, "map") or primary_key_name(
                    table.name.name
                )
                self.named.append(_Named("key", model, table, table.primary_key_name, attribute))
                return
        attribute = model.block_attribute("id")
        if attribute is not None:
            table.primary_key = [
                self.column_name(f) for f, _ in self.index_fields(model, attribute)
            ]
            table.primary_key_name = _string_argument(attribute, "map") or primary_key_name(
                table.name.name
            )
            self.named.append(_Named("key", model, table, table.primary_key_name, attribute))

    def field_by_name(self, model: Model, name: str) -> Field:
        for field in model.fields:
            if field.name == name:
                return field
        raise PslError(
            [Diagnostic.at(model.name_span, f'model {model.name} has no field "{name}"')]
        )

    def index_fields(self, model: Model, attribute: Attribute):
        """(field, arguments) for each field an @@id/@@index/@@unique lists."""
        items = attribute.listed_fields()
        if items is None:
            raise PslError([Diagnostic.at(attribute.span, "expected a list of fields")])
        return [
            (
                self.field_by_name(model, item.name),
                item.arguments if isinstance(item, FunctionCall) else [],
            )
            for item in items
        ]

    def indexes(self, model: Model, table: Table) -> None:
        table_name = table.name.name
        # 1. field-level @unique, in field order
        for field in model.fields:
            attribute = field.attribute("unique")
            if attribute is None:
                continue
            column = self.column_name(field)
            sort = attribute.argument("sort")
            descending = (
                sort is not None and isinstance(sort.value, Constant) and sort.value.name == "Desc"
            )
            name = _string_argument(attribute, "map") or unique_index_name(table_name, [column])
            table.indexes.append(Index(name, table.name, True, [IndexColumn(column, descending)]))
            self.named.append(_Named("index", model, table, name, attribute))
        # 2. @@index, then 3. @@unique, each in declaration order
        for kind in ("index", "unique"):
            for attribute in model.block_attributes():
                if attribute.name != kind:
                    continue
                fields = self.index_fields(model, attribute)
                columns = []
                for f, arguments in fields:
                    descending = False
                    operator_class = None
                    for argument in arguments:
                        if argument.name == "sort" and isinstance(argument.value, Constant):
                            descending = argument.value.name == "Desc"
                        elif argument.name == "ops":
                            operator_class = _operator_class(argument.value)
                    columns.append(IndexColumn(self.column_name(f), descending, operator_class))
                names = [c.name for c in columns]
                default = (unique_index_name if kind == "unique" else index_name)(table_name, names)
                name = _string_argument(attribute, "map") or default
                if kind == "index":
                    # On @@index (not @@unique) the legacy `name:` is the database name.
                    name = (
                        _string_argument(attribute, "map")
                        or _string_argument(attribute, "name")
                        or default
                    )
                algorithm = None
                index_type = attribute.argument("type")
                if index_type is not None and isinstance(index_type.value, Constant):
                    algorithm = INDEX_ALGORITHMS.get(index_type.value.name)
                table.indexes.append(Index(name, table.name, kind == "unique", columns, algorithm))
                self.named.append(_Named("index", model, table, name, attribute))

    def foreign_key(self, model: Model, field: Field, table_by_model) -> ForeignKey:
        relation = field.attribute("relation")
        referenced_model = self.model_by_name[field.type.name]
        fields = [
            self.field_by_name(model, c.name) for c in relation.argument("fields").value.items
        ]
        references = [
            self.field_by_name(referenced_model, c.name)
            for c in relation.argument("references").value.items
        ]
        table = table_by_model[model.name]
        columns = [self.column_name(f) for f in fields]
        name = _string_argument(relation, "map") or foreign_key_name(table.name.name, columns)
        on_delete = relation.argument("onDelete")
        on_update = relation.argument("onUpdate")
        if on_delete is not None and isinstance(on_delete.value, Constant):
            delete_action = REFERENTIAL_ACTIONS[on_delete.value.name]
        else:
            # Prisma's referential arity: required as soon as one of the relation's
            # scalar fields is required, whatever the relation field's own `?`.
            required = not field.type.optional or any(not f.type.optional for f in fields)
            delete_action = "RESTRICT" if required else "SET NULL"
        if on_update is not None and isinstance(on_update.value, Constant):
            update_action = REFERENTIAL_ACTIONS[on_update.value.name]
        else:
            update_action = "CASCADE"
        self.named.append(_Named("foreign key", model, table, name, relation))
        return ForeignKey(
            name,
            table.name,
            columns,
            table_by_model[referenced_model.name].name,
            [self.column_name(f) for f in references],
            delete_action,
            update_action,
        )

    def join_table(self, relation: _Relation, table_by_model) -> Table:
        (model_a_name, model_b_name), relation_name = relation.models, relation.name
        table_name = "_" + (relation_name or f"{model_a_name}To{model_b_name}")
        table_name = table_name[:MAX_IDENTIFIER_BYTES]
        table_a = table_by_model[model_a_name]
        table_b = table_by_model[model_b_name]
        pk_a = self.single_primary_key_column(self.model_by_name[model_a_name], table_a)
        pk_b = self.single_primary_key_column(self.model_by_name[model_b_name], table_b)
        name = Name(table_a.name.schema, table_name, self.default_schema)
        columns = [
            Column("A", pk_a.type.without_serial(), True, None),
            Column("B", pk_b.type.without_serial(), True, None),
        ]
        table = Table(name, columns)
        table.primary_key = ["A", "B"]
        table.primary_key_name = table_name[: MAX_IDENTIFIER_BYTES - len("_AB_pkey")] + "_AB_pkey"
        index_name_b = table_name[: MAX_IDENTIFIER_BYTES - 8] + "_B_index"
        table.indexes.append(Index(index_name_b, name, False, [IndexColumn("B")]))
        if self.uses_foreign_keys:
            limit = MAX_IDENTIFIER_BYTES - len("_fkey") - 2
            prefix_a = table_name[:limit] if len(table_name) > limit else table_name
            prefix_b = table_name[:limit] if len(table_name) >= limit else table_name
            for column, prefix, target, pk in (
                ("A", prefix_a, table_a, pk_a),
                ("B", prefix_b, table_b, pk_b),
            ):
                table.foreign_keys.append(
                    ForeignKey(
                        f"{prefix}_{column}_fkey",
                        name,
                        [column],
                        target.name,
                        [pk.name],
                        "CASCADE",
                        "CASCADE",
                    )
                )
        return table

    def single_primary_key_column(self, model: Model, table: Table) -> Column:
        if len(table.primary_key) != 1:
            raise PslError(
                [
                    Diagnostic.at(
                        model.name_span,
                        f"model {model.name} needs a single-field @id for an implicit many-to-many relation",
                    )
                ]
            )
        return next(c for c in table.columns if c.name == table.primary_key[0])


def _check_length(name: str, kind: str, node) -> None:
    """Prisma does not shorten table or column names, and PostgreSQL truncates
    a longer identifier silently: the database would then drift from the schema.
    A double quote is refused too: Prisma writes it unescaped (invalid SQL)."""
    span = getattr(node, "name_span", None) or node.span
    if '"' in name or "\x00" in name:
        raise PslError(
            [
                Diagnostic.at(
                    span,
                    f"the {kind} name {name!r} contains a double quote (or NUL), which Prisma's "
                    "migration engine does not escape: its migration would be invalid SQL",
                )
            ]
        )
    size = len(name.encode("utf-8"))
    if size > MAX_IDENTIFIER_BYTES:
        raise PslError(
            [
                Diagnostic.at(
                    span,
                    f'the {kind} name "{name}" is {size} bytes long; PostgreSQL would silently '
                    f"truncate it to {MAX_IDENTIFIER_BYTES} bytes and the database would drift "
                    "from the schema: shorten it with @map/@@map",
                )
            ]
        )


def _dbgenerated(value) -> str | None:
    if isinstance(value, FunctionCall) and value.name == "dbgenerated" and value.arguments:
        inner = value.arguments[0].value
        if isinstance(inner, StringLit):
            return inner.value
    return None


def _constant(scalar: str, value) -> str:
    """A constant default as Prisma renders it for a column of `scalar` type."""
    if isinstance(value, NumberLit):
        if scalar in ("Int", "BigInt"):
            return str(int(value.raw))
        try:
            return str(Decimal(value.raw))
        except InvalidOperation:
            return value.raw
    if isinstance(value, Constant):  # true / false
        return value.name
    if isinstance(value, StringLit):
        text = value.value
        if scalar == "Bytes":
            return "'\\x" + base64.b64decode(text).hex() + "'"
        if scalar == "DateTime":
            return sql_string(_chrono_datetime(text))
        if scalar == "Decimal":
            return str(Decimal(text))
        return sql_string(text)
    raise ValueError(f"unsupported default {value!r}")


def _chrono_datetime(text: str) -> str:
    """An RFC 3339 timestamp as Rust's chrono displays it: 2020-01-02 03:04:05 +00:00."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    out = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        fraction = f"{moment.microsecond:06d}"
        out += "." + (fraction[:3] if fraction.endswith("000") else fraction)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{out} {sign}{minutes // 60:02d}:{minutes % 60:02d}"


def build_database(schema: Schema, default_schema: str) -> Database:
    """The DDL model of `schema` for a connection whose default schema
    (?schema= in the URL) is `default_schema`."""
    from generator.psl.parser import gc_paused

    with gc_paused():  # many small objects, none of them cyclic garbage
        return _Builder(schema, default_schema).build()
