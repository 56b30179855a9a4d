"""The semantic checks the rewrite relies on, reported like syntax errors.

This is not a Prisma validator (Prisma's own engine is the judge of that in
the tests); it checks what would make the isolation rewrite wrong or unsafe.
"""

from __future__ import annotations

import re
from datetime import datetime

from generator.errors import Diagnostic, PslError
from generator.psl.nodes import (
    ArrayLit,
    Config,
    Constant,
    Enum,
    FunctionCall,
    Model,
    NumberLit,
    Schema,
    StringLit,
    TypeAlias,
)

SCALAR_TYPES = frozenset(
    ["String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"]
)


def schema_attribute_value(block: Model | Enum) -> str | None:
    """The schema named by a block's `@@schema("...")`, if it has one."""
    attribute = block.block_attribute("schema")
    if attribute is None:
        return None
    argument = attribute.argument("name", 0)
    if argument is not None and isinstance(argument.value, StringLit):
        return argument.value.value
    return None


def datasource_schemas(datasource: Config) -> list[str] | None:
    prop = datasource.property("schemas")
    if prop is None or not isinstance(prop.value, ArrayLit):
        return None
    return [item.value for item in prop.value.items if isinstance(item, StringLit)]


def check(schema: Schema) -> None:
    """Raise PslError listing every problem found."""
    diagnostics: list[Diagnostic] = []
    named, datasources = _check_names(schema, diagnostics)
    listed = datasource_schemas(datasources[0]) if datasources else None
    native_prefix = schema.native_type_prefix()
    for block in schema.blocks:
        if isinstance(block, (Model, Enum)):
            _check_members(block, named, native_prefix, diagnostics)
        if isinstance(block, Model):
            _check_field_types(block, named, diagnostics)
            _check_xml_indexes(block, native_prefix, diagnostics)
        if isinstance(block, (Model, Enum)):
            _check_schema_attribute(block, listed, diagnostics)
    if diagnostics:
        raise PslError(diagnostics)


def _check_names(schema: Schema, diagnostics: list[Diagnostic]) -> tuple[dict, list[Config]]:
    """Every block name defined once, one datasource; returns the named blocks
    (models, views, enums, types) and the datasources."""
    named: dict[str, object] = {}
    generators: set[str] = set()
    datasources: list[Config] = []
    for block in schema.blocks:
        if isinstance(block, Config) and block.keyword == "datasource":
            datasources.append(block)
            if len(datasources) > 1:
                diagnostics.append(
                    Diagnostic.at(
                        block.name_span, "more than one datasource block; Prisma allows exactly one"
                    )
                )
        elif isinstance(block, Config):
            if block.name in generators:
                diagnostics.append(
                    Diagnostic.at(
                        block.name_span,
                        f'the generator "{block.name}" cannot be defined because a '
                        "generator with that name already exists",
                    )
                )
            generators.add(block.name)
        elif block.name in named:
            diagnostics.append(
                Diagnostic.at(
                    block.name_span,
                    f'the {_kind(block)} "{block.name}" cannot be defined because a '
                    f"{_kind(named[block.name])} with that name already exists",
                )
            )
        else:
            named[block.name] = block
    return named, datasources


def _check_field_types(block: Model, named: dict, diagnostics: list[Diagnostic]) -> None:
    for field in block.fields:
        if field.type is None:
            diagnostics.append(Diagnostic.at(field.span, f'the field "{field.name}" has no type'))
            continue
        name = field.type.name
        if field.type.unsupported is None and name not in SCALAR_TYPES:
            if not isinstance(named.get(name), (Model, Enum, TypeAlias)):
                diagnostics.append(
                    Diagnostic.at(
                        field.type.span,
                        f'type "{name}" is neither a built-in type, nor refers to '
                        "another model, composite type, or enum",
                    )
                )


def _check_schema_attribute(block, listed: list[str] | None, diagnostics) -> None:
    attribute = block.block_attribute("schema")
    if attribute is None:
        return
    if isinstance(block, Model) and block.keyword == "type":
        diagnostics.append(
            Diagnostic.at(
                attribute.span,
                f'@@schema is not allowed on the composite type "{block.name}": '
                "composite types live inside their model's table",
            )
        )
        return
    value = schema_attribute_value(block)
    if value is None:
        diagnostics.append(
            Diagnostic.at(attribute.span, '@@schema needs one string argument: @@schema("name")')
        )
    elif listed is not None and value not in listed:
        diagnostics.append(
            Diagnostic.at(
                attribute.span,
                f'@@schema names the schema "{value}", which the datasource\'s '
                "`schemas` list lacks",
            )
        )


# --- values Prisma refuses: each a located error, never SQL or an internal error ----

REFERENTIAL_ACTIONS = ("Cascade", "Restrict", "NoAction", "SetNull", "SetDefault")
# PostgreSQL's native types as Prisma defines them (psl-core's
# builtin_connectors/postgres/native_types.rs): the column type PostgreSQL is
# given, the scalar type the field must have, and the arguments (0: none; 1: an
# optional nonnegative integer; 2: an optional pair of them).
NATIVE_TYPES = {
    "SmallInt": ("SMALLINT", "Int", 0),
    "Integer": ("INTEGER", "Int", 0),
    "BigInt": ("BIGINT", "BigInt", 0),
    "Decimal": ("DECIMAL", "Decimal", 2),
    "Money": ("MONEY", "Decimal", 0),
    "Inet": ("INET", "String", 0),
    "Oid": ("OID", "Int", 0),
    "Citext": ("CITEXT", "String", 0),
    "Real": ("REAL", "Float", 0),
    "DoublePrecision": ("DOUBLE PRECISION", "Float", 0),
    "VarChar": ("VARCHAR", "String", 1),
    "Char": ("CHAR", "String", 1),
    "Text": ("TEXT", "String", 0),
    "ByteA": ("BYTEA", "Bytes", 0),
    "Timestamp": ("TIMESTAMP", "DateTime", 1),
    "Timestamptz": ("TIMESTAMPTZ", "DateTime", 1),
    "Date": ("DATE", "DateTime", 0),
    "Time": ("TIME", "DateTime", 1),
    "Timetz": ("TIMETZ", "DateTime", 1),
    "Boolean": ("BOOLEAN", "Boolean", 0),
    "Bit": ("BIT", "String", 1),
    "VarBit": ("VARBIT", "String", 1),
    "Uuid": ("UUID", "String", 0),
    "Xml": ("XML", "String", 0),
    "Json": ("JSON", "Json", 0),
    "JsonB": ("JSONB", "Json", 0),
}
_PRECISION_TYPES = ("Timestamp", "Timestamptz", "Time", "Timetz")  # fractional seconds: 0-6
_U32 = re.compile(r"\+?\d+")  # what Rust's u32 parse takes, below 2**32
_RANGES = {
    # Prisma reads an Int default as 64 bits; PostgreSQL's INTEGER then refuses
    # anything past 32 (a departure, listed in the README: refused here).
    "Int": (-(2**31), 2**31 - 1, "integer"),
    "BigInt": (-(2**63), 2**63 - 1, "integer"),
}
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _check_members(block, named: dict, native_prefix: str, diagnostics: list[Diagnostic]) -> None:
    """Duplicate fields or values, and every field's values."""
    seen: set[str] = set()
    members = block.values if isinstance(block, Enum) else block.fields
    for member in members:
        if member.name in seen:
            what = "Value" if isinstance(block, Enum) else "Field"
            diagnostics.append(
                Diagnostic.at(
                    member.span,
                    f'{what} "{member.name}" is already defined on {_kind(block)} "{block.name}".',
                )
            )
        seen.add(member.name)
        if isinstance(block, Model) and member.type is not None:
            for attribute in member.attributes:
                problem = _attribute_problem(member, attribute, named, native_prefix)
                if problem is not None:
                    diagnostics.append(Diagnostic.at(problem[0], problem[1]))


def _attribute_problem(field, attribute, named: dict, native_prefix: str):
    """(span, message) for an attribute value Prisma refuses, or None."""
    if attribute.name == "default" and attribute.arguments and field.type.unsupported is None:
        argument = attribute.argument("value", 0)
        if argument is not None and argument.value is not None:
            return _default_problem(field, argument.value, named)
    if attribute.name == "relation":
        for name in ("onDelete", "onUpdate"):
            argument = attribute.argument(name)
            if argument is not None and isinstance(argument.value, Constant):
                if argument.value.name not in REFERENTIAL_ACTIONS:
                    return (
                        argument.value.span,
                        f'Error parsing attribute "@relation": Invalid referential action: '
                        f"`{argument.value.name}` (one of {', '.join(REFERENTIAL_ACTIONS)})",
                    )
    if attribute.name.startswith(native_prefix):
        return _native_type_problem(field, attribute, attribute.name[len(native_prefix) :])
    return None


def _native_type_problem(field, attribute, native: str):
    """Prisma's checks of a native type, in its order (psl-core's
    validate_native_type_arguments): the number of arguments, the field's
    scalar type, the arguments as nonnegative integers, then PostgreSQL's
    ranges.  An unknown native type is the SQL model's to refuse."""
    spec = NATIVE_TYPES.get(native)
    if spec is None:
        return None
    _, scalar, optional = spec
    arguments = [a.value for a in attribute.arguments or []]
    if len(arguments) > optional:
        if optional == 0:
            message = f'Function "{native}" takes 0 arguments, but received {len(arguments)}.'
        else:
            message = (
                f"Native type {native} takes {optional} optional arguments, "
                f"but received {len(arguments)}."
            )
        return attribute.span, message
    if field.type.name in SCALAR_TYPES and field.type.name != scalar:
        return attribute.span, (
            f"Native type {native} is not compatible with declared field type "
            f"{field.type.name}, expected field type {scalar}."
        )
    if not arguments:
        return None
    shown = [_shown(a) for a in arguments]
    numbers = [_u32(n) for n in shown]
    if len(arguments) != optional or None in numbers:
        expected = "a nonnegative integer" if optional == 1 else "two nonnegative integers"
        bad = arguments[numbers.index(None)] if None in numbers else attribute
        return bad.span, f"Expected {expected}, but found ({', '.join(shown)})."
    instance = f"{native}({','.join(map(str, numbers))})"
    out_of_range = f"Argument M is out of range for native type `{instance}` of Postgres: "
    if native in _PRECISION_TYPES and numbers[0] > 6:
        return arguments[0].span, out_of_range + "M can range from 0 to 6."
    if native in ("Bit", "VarBit") and numbers[0] == 0:
        return arguments[0].span, out_of_range + "M must be a positive integer."
    if native == "Decimal":
        precision, scale = numbers
        if scale > precision:
            return attribute.span, (
                f"The scale must not be larger than the precision for the {instance} "
                "native type in Postgres."
            )
        if precision > 1000 or precision == 0:
            return arguments[0].span, (
                out_of_range + "Precision must be positive with a maximum value of 1000."
            )
    return None


def _u32(text: str) -> int | None:
    """`text` as Rust's u32 parse reads it (an optional "+", digits), or None."""
    if not _U32.fullmatch(text):
        return None
    digits = text.lstrip("+").lstrip("0") or "0"
    return int(digits) if len(digits) <= 10 and int(digits) < 2**32 else None


def _shown(value) -> str:
    """An argument as Prisma's messages print it (its Display of an expression)."""
    if isinstance(value, (NumberLit, StringLit)):
        return value.raw
    if isinstance(value, Constant):
        return value.name
    if isinstance(value, FunctionCall):
        return f"{value.name}({','.join(_shown(a.value) for a in value.arguments)})"
    if isinstance(value, ArrayLit):
        return f"[{','.join(_shown(item) for item in value.items)}]"
    return ""


def _check_xml_indexes(model: Model, native_prefix: str, diagnostics: list[Diagnostic]) -> None:
    """PostgreSQL has no index, unique or not, on xml; Prisma refuses one
    (its connector's compatible_native_types), at the first xml field of each."""
    xml = {
        f.name for f in model.fields if any(a.name == native_prefix + "Xml" for a in f.attributes)
    }
    if not xml:
        return
    by_name = {f.name: f for f in model.fields}
    indexes = [([f.name], True) for f in model.fields if f.attribute("unique") is not None]
    for attribute in model.block_attributes():
        if attribute.name in ("index", "unique"):
            names = [i.name for i in attribute.listed_fields() or []]
            indexes.append((names, attribute.name == "unique"))
    for names, unique in indexes:
        first = next((n for n in names if n in xml), None)
        if first is None:
            continue
        message = (
            "Native type `Xml` cannot be unique in Postgres."
            if unique
            else "You cannot define an index on fields with native type `Xml` of Postgres."
        )
        diagnostics.append(Diagnostic.at(by_name[first].span, message))


def _default_problem(field, value, named: dict):
    kind = field.type.name
    if isinstance(value, FunctionCall):
        return None  # now(), autoincrement(), dbgenerated(...): Prisma's own rules
    if isinstance(value, ArrayLit):
        if not (field.type.list or field.type.legacy_list):
            return value.span, f"Expected a {kind} value, but found a list"
        for item in value.items:
            if isinstance(item, ArrayLit):
                return item.span, f"Expected a {kind} value, but found a nested list"
            problem = _scalar_problem(kind, item, named)
            if problem is not None:
                return item.span, problem
        return None
    problem = _scalar_problem(kind, value, named)
    return None if problem is None else (value.span, problem)


def _parse_error(text: str, what: str) -> str:
    return f'Error parsing attribute "@default": Parse error: "{text}" is not a valid {what}.'


def _scalar_problem(kind: str, value, named: dict) -> str | None:
    """Why `value` cannot be the default of a `kind` field, or None."""
    if isinstance(value, Constant) and value.name[:1].isdigit():
        return f"`{value.name}` is not a number Prisma reads (digits, an optional . and digits)"
    if kind in _RANGES:
        if not isinstance(value, NumberLit):
            return f"Expected a numeric value for {kind}, but found `{_shown(value)}`"
        low, high, what = _RANGES[kind]
        digits = value.raw.lstrip("-")
        if not digits.isdigit():
            return _parse_error(value.raw, what)
        if len(digits) > 20 or not low <= int(value.raw) <= high:
            return _parse_error(value.raw, f"{what} for {kind} (out of range)")
        return None
    if kind in ("Float", "Decimal"):
        if isinstance(value, NumberLit):
            return None
        if kind == "Decimal" and isinstance(value, StringLit):
            from decimal import Decimal, InvalidOperation

            try:
                Decimal(value.value)
            except InvalidOperation:
                return _parse_error(value.value, "decimal")
            return None
        return f"Expected a numeric value for {kind}, but found `{_shown(value)}`"
    if kind == "Boolean":
        if isinstance(value, Constant) and value.name in ("true", "false"):
            return None
        return f"Expected a Boolean value, but found `{_shown(value)}`"
    if kind in ("String", "DateTime", "Bytes", "Json"):
        if not isinstance(value, StringLit):
            return f"Expected a String value for {kind}, but found `{_shown(value)}`"
        return _string_problem(kind, value.value)
    if isinstance(named.get(kind), Enum):
        if not isinstance(value, Constant):
            return f"Expected an enum value of {kind}, but found `{_shown(value)}`"
        if value.name not in {v.name for v in named[kind].values}:
            return f'The defined default value `{value.name}` is not a valid value of the enum "{kind}".'
    return None


def _string_problem(kind: str, text: str) -> str | None:
    if kind == "DateTime":
        try:
            valid = bool(_RFC3339.fullmatch(text)) and bool(
                datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
            )
        except ValueError:
            valid = False
        return None if valid else _parse_error(text, "rfc3339 datetime string")
    # base64 and json imported here: few schemas have such a default (~2 ms to import).
    if kind == "Bytes":
        import base64
        import binascii

        try:
            base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return _parse_error(text, "base64 string")
    if kind == "Json":
        import json

        try:
            json.loads(text)
        except ValueError:
            return _parse_error(text, "JSON string")
    return None


def _kind(block) -> str:
    if isinstance(block, Enum):
        return "enum"
    if isinstance(block, TypeAlias):
        return "type alias"
    return {"model": "model", "view": "view", "type": "composite type"}[block.keyword]
