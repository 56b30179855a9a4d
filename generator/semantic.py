"""The semantic checks the rewrite relies on, reported like syntax errors.

This is not a Prisma validator (Prisma's own engine is the judge of that in
the tests); it checks what would make the isolation rewrite wrong or unsafe.
"""

from __future__ import annotations

from .errors import Diagnostic, PslError
from .nodes import ArrayLit, Config, Enum, Model, Schema, StringLit, TypeAlias

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
    named: dict[str, object] = {}
    generators: dict[str, Config] = {}
    datasources: list[Config] = []

    for block in schema.blocks:
        if isinstance(block, Config):
            if block.keyword == "datasource":
                datasources.append(block)
                if len(datasources) > 1:
                    diagnostics.append(
                        Diagnostic.at(
                            block.name_span,
                            "more than one datasource block; Prisma allows exactly one",
                        )
                    )
            elif block.name in generators:
                diagnostics.append(
                    Diagnostic.at(
                        block.name_span,
                        f'the generator "{block.name}" cannot be defined because a '
                        "generator with that name already exists",
                    )
                )
            else:
                generators[block.name] = block
            continue
        previous = named.get(block.name)
        if previous is not None:
            diagnostics.append(
                Diagnostic.at(
                    block.name_span,
                    f'the {_kind(block)} "{block.name}" cannot be defined because a '
                    f"{_kind(previous)} with that name already exists",
                )
            )
        else:
            named[block.name] = block

    listed = datasource_schemas(datasources[0]) if datasources else None
    for block in schema.blocks:
        if isinstance(block, Model):
            for field in block.fields:
                if field.type is None:
                    diagnostics.append(
                        Diagnostic.at(field.span, f'the field "{field.name}" has no type')
                    )
                    continue
                if field.type.unsupported is not None:
                    continue
                name = field.type.name
                if name not in SCALAR_TYPES and not isinstance(
                    named.get(name), (Model, Enum, TypeAlias)
                ):
                    diagnostics.append(
                        Diagnostic.at(
                            field.type.span,
                            f'type "{name}" is neither a built-in type, nor refers to '
                            "another model, composite type, or enum",
                        )
                    )
        if isinstance(block, (Model, Enum)):
            attribute = block.block_attribute("schema")
            if attribute is None:
                continue
            if isinstance(block, Model) and block.keyword == "type":
                diagnostics.append(
                    Diagnostic.at(
                        attribute.span,
                        f'@@schema is not allowed on the composite type "{block.name}": '
                        "composite types live inside their model's table",
                    )
                )
                continue
            value = schema_attribute_value(block)
            if value is None:
                diagnostics.append(
                    Diagnostic.at(
                        attribute.span, '@@schema needs one string argument: @@schema("name")'
                    )
                )
            elif listed is not None and value not in listed:
                diagnostics.append(
                    Diagnostic.at(
                        attribute.span,
                        f'@@schema names the schema "{value}", which the datasource\'s '
                        "`schemas` list lacks",
                    )
                )
    if diagnostics:
        raise PslError(diagnostics)


def _kind(block) -> str:
    if isinstance(block, Enum):
        return "enum"
    if isinstance(block, TypeAlias):
        return "type alias"
    return {"model": "model", "view": "view", "type": "composite type"}[block.keyword]
