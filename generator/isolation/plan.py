"""What the isolation rewrite changes: a pure function from a parsed schema
to a Plan of changes (edits.py says how each edits the text and the AST).
Nothing here touches text directly."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import Diagnostic, PslError, UsageError
from generator.isolation.edits import (
    AddMember,
    Change,
    RemoveMember,
    ReplaceValue,
    add_property,
    remove_property,
    render_string_array,
    string_array,
)
from generator.isolation.options import RewriteOptions
from generator.isolation.versions import (
    datasource_url_allowed,
    needs_multi_schema_flag,
    supports_multi_schema,
)
from generator.psl.checks import NATIVE_TYPES, check, datasource_schemas, schema_attribute_value
from generator.psl.nodes import (
    Argument,
    ArrayLit,
    Attribute,
    Config,
    ConfigProperty,
    Enum,
    EnumValue,
    Field,
    FunctionCall,
    Model,
    Schema,
    StringLit,
    encode_string,
)
from generator.sql.identifiers import SHARED_SCHEMAS, schema_name_problem

MULTI_SCHEMA = "multiSchema"

# Providers whose Prisma connector supports `schemas` / `@@schema`.
MULTI_SCHEMA_PROVIDERS = {"postgresql", "postgres", "cockroachdb", "sqlserver"}
CONVERTIBLE_TO = ("postgresql",)


# --- changes -----------------------------------------------------------------


@dataclass
class Plan:
    changes: list[Change]
    messages: list[Diagnostic]  # warnings and notes, for stderr
    schemas: list[str]  # the datasource's `schemas` list after the rewrite
    converted_from: str | None = None  # the provider --provider replaced (e.g. "sqlite")

    @property
    def changed(self) -> bool:
        return bool(self.changes)


# --- text helpers -------------------------------------------------------------


# --- config properties and `=` alignment ---------------------------------------


# --- the plan -------------------------------------------------------------------


def plan(schema: Schema, options: RewriteOptions) -> Plan:
    """Everything the isolation rewrite would change in `schema`.

    Raises PslError for bad input and UsageError for bad options."""
    problem = schema_name_problem(options.schema)
    if problem:
        raise UsageError(f"--schema: {problem}")
    check(schema)
    messages: list[Diagnostic] = []
    version = options.prisma_version
    if options.schema in SHARED_SCHEMAS:
        messages.append(
            Diagnostic(
                "note",
                f"--schema {options.schema} isolates nothing: every service of the database "
                "shares it, and deploy, relocate and import-sqlite refuse it",
                path=schema.files[0].source.path,
            )
        )
    datasource = _the_datasource(schema)
    if not supports_multi_schema(version):
        raise UsageError(
            f"Prisma {version} has no multi-schema support (it arrived, as a preview "
            "feature, in 4.3.0); upgrade Prisma first"
        )
    changes = _plan_provider(datasource, options, messages)
    if options.provider is not None:
        _refuse_unconvertible(schema, _provider_of(datasource))
    block_changes, used = _plan_blocks(schema, options, messages)
    changes += block_changes
    schemas, schema_changes = _plan_schemas_list(datasource, used, options, messages)
    changes += schema_changes
    changes += _plan_preview_features(schema, version, messages)
    if not datasource_url_allowed(version) and datasource.property("url") is not None:
        if not any(isinstance(c, RemoveMember) for c in changes):
            messages.append(
                Diagnostic.at(
                    datasource.property("url").span,
                    f"Prisma {version} rejects `url` in the schema file: the connection "
                    "URL belongs in prisma.config.ts",
                    "warning",
                )
            )
    provider = _provider_of(datasource)
    converted = (
        provider if options.provider and provider not in ("postgresql", "postgres") else None
    )
    return Plan(changes, messages, schemas, converted)


def _the_datasource(schema: Schema) -> Config:
    datasources = schema.datasources()
    if not datasources:
        first = schema.files[0].source.path
        raise PslError(
            [Diagnostic("error", "no datasource block: there is nothing to isolate", path=first)]
        )
    return datasources[0]


def _plan_blocks(schema: Schema, options: RewriteOptions, messages) -> tuple[list, list[str]]:
    """@@schema for every model, view and enum; returns the changes and the
    schemas the blocks end up in, in order of first use."""
    blocks = [b for b in schema.blocks if isinstance(b, (Model, Enum)) and b.keyword != "type"]
    unknown = sorted(options.keep_in_public - {b.name for b in blocks})
    if unknown:
        raise UsageError(
            "--keep-in-public names no model, view or enum of this schema: " + ", ".join(unknown)
        )
    changes: list[Change] = []
    used: list[str] = []
    for block in blocks:
        wanted = "public" if block.name in options.keep_in_public else options.schema
        current = schema_attribute_value(block)
        attribute = block.block_attribute("schema")
        final = wanted
        if attribute is None:
            changes.append(_add_schema_attribute(block, wanted))
        elif current != wanted and options.force:
            changes.append(
                ReplaceValue(
                    attribute.argument("name", 0),
                    StringLit(encode_string(wanted)),
                    encode_string(wanted),
                    f'{block.keyword} {block.name}: @@schema("{current}") -> @@schema("{wanted}")',
                )
            )
        elif current != wanted:
            messages.append(
                Diagnostic.at(
                    attribute.span,
                    f'{block.keyword} {block.name} stays in schema "{current}", not '
                    f'"{wanted}" (use --force to move it)',
                    "warning",
                )
            )
            final = current
        if final not in used:
            used.append(final)
    return changes, used


def _add_schema_attribute(block: Model | Enum, schema_name: str) -> AddMember:
    literal = encode_string(schema_name)
    node = Attribute("schema", [Argument(None, StringLit(literal))], block=True)
    members = block.members
    # `prisma format` puts a blank line between the last field (or enum value)
    # and the first block attribute.
    blank = bool(members) and isinstance(members[-1], (Field, EnumValue))
    return AddMember(
        block,
        node,
        f"@@schema({literal})",
        blank,
        f'{block.keyword} {block.name}: add @@schema("{schema_name}")',
    )


def _provider_of(datasource: Config) -> str:
    prop = datasource.property("provider")
    if prop is None:
        raise PslError([Diagnostic.at(datasource.name_span, "the datasource has no provider")])
    if not isinstance(prop.value, StringLit):
        raise PslError(
            [Diagnostic.at(prop.value.span, "the datasource provider must be a string literal")]
        )
    return prop.value.value


def _plan_provider(datasource: Config, options: RewriteOptions, messages) -> list[Change]:
    provider = _provider_of(datasource)
    prop = datasource.property("provider")
    changes: list[Change] = []
    if options.provider is None:
        if provider not in MULTI_SCHEMA_PROVIDERS:
            raise PslError(
                [
                    Diagnostic.at(
                        prop.value.span,
                        f'provider "{provider}" has no multi-schema support; convert the '
                        "schema with --provider postgresql",
                    )
                ]
            )
        return changes
    if options.provider not in CONVERTIBLE_TO:
        raise UsageError(f"--provider {options.provider!r}: only postgresql is supported")
    if provider in ("postgresql", "postgres"):
        return changes
    if provider in ("cockroachdb", "sqlserver"):
        raise UsageError(
            f'--provider postgresql: the datasource is "{provider}", which supports schemas '
            "already; converting it is not this tool's job"
        )
    target = encode_string(options.provider)
    changes.append(
        ReplaceValue(
            prop, StringLit(target), target, f'datasource: provider "{provider}" -> {target}'
        )
    )
    url = datasource.property("url")
    url_is_file = (
        url is not None and isinstance(url.value, StringLit) and url.value.value.startswith("file:")
    )
    if datasource_url_allowed(options.prisma_version):
        env_call = FunctionCall("env", [Argument(None, StringLit('"DATABASE_URL"'))])
        if url is None:
            changes.append(
                add_property(
                    datasource,
                    "url",
                    env_call,
                    'env("DATABASE_URL")',
                    'datasource: add url = env("DATABASE_URL")',
                )
            )
        elif url_is_file:
            changes.append(
                ReplaceValue(
                    url,
                    env_call,
                    'env("DATABASE_URL")',
                    f'datasource: url {url.value.raw} -> env("DATABASE_URL")',
                )
            )
            messages.append(
                Diagnostic.at(
                    url.value.span,
                    f'the SQLite file URL {url.value.raw} is replaced by env("DATABASE_URL"): '
                    "set DATABASE_URL to the PostgreSQL URL with ?schema=" + options.schema,
                    "note",
                )
            )
    elif url is not None and url_is_file:
        changes.append(
            remove_property(
                datasource,
                url,
                f"datasource: remove url {url.value.raw} (Prisma {options.prisma_version} "
                "reads the URL from prisma.config.ts)",
            )
        )
    return changes


def _refuse_unconvertible(schema: Schema, provider: str) -> None:
    """What a MySQL or MongoDB schema holds that PostgreSQL has no such thing
    for: refused where it stands, rather than a schema that keeps it."""
    if provider not in ("mysql", "mongodb"):
        return

    problems: list[Diagnostic] = []
    prefix = schema.native_type_prefix()

    def refuse(span, what: str) -> None:
        problems.append(
            Diagnostic.at(
                span, f"{what} has no PostgreSQL counterpart: change it before converting"
            )
        )

    for block in schema.blocks:
        if not isinstance(block, Model):
            continue
        if block.keyword == "type":
            refuse(block.name_span, f'the composite type "{block.name}" ({provider} only)')
        for attribute in block.block_attributes():
            if attribute.name == "fulltext":
                refuse(attribute.span, f"@@fulltext ({provider} only)")
        for member in block.fields:
            for attribute in member.attributes:
                native = attribute.name[len(prefix) :]
                if attribute.name.startswith(prefix) and native not in NATIVE_TYPES:
                    refuse(attribute.span, f"the {provider} native type @{attribute.name}")
                default = attribute.argument("value", 0) if attribute.name == "default" else None
                if default is not None and isinstance(default.value, FunctionCall):
                    if default.value.name == "auto":
                        refuse(default.value.span, f"@default(auto()) ({provider} only)")
    if problems:
        raise PslError(problems)


def _plan_schemas_list(datasource: Config, used: list[str], options: RewriteOptions, messages):
    """The datasource's `schemas`: exactly the schemas in use (plus any that an
    `extensions` entry names), and always the isolated one, which holds the
    migration history even when no block does (Prisma rejects `schemas = []`).
    Listing an unused `public` is what brings back P3005 on a shared database,
    so an unused entry is dropped, with a note."""
    prop = datasource.property("schemas")
    existing = datasource_schemas(datasource)
    if prop is not None and existing is None:
        raise PslError(
            [Diagnostic.at(prop.value.span, "`schemas` must be an array of string literals")]
        )
    needed = set(used) | {options.schema} | _extension_schemas(datasource)
    kept = [s for s in (existing or []) if s in needed]
    dropped = [s for s in (existing or []) if s not in needed]
    new_order = [options.schema] + sorted(set(used) - {options.schema})
    final = kept + [s for s in new_order if s in needed and s not in kept]
    final = list(dict.fromkeys(final))
    for name in dropped:
        messages.append(
            Diagnostic.at(
                prop.value.span,
                f'schema "{name}" is dropped from `schemas`: nothing uses it, and listing '
                "an unused schema makes Prisma inspect it (P3005 on a shared database)",
                "note",
            )
        )
    if prop is None:
        return final, [
            add_property(
                datasource,
                "schemas",
                string_array(final),
                render_string_array([encode_string(s) for s in final]),
                "datasource: add schemas = "
                + render_string_array([encode_string(s) for s in final]),
            )
        ]
    if final == existing:
        return final, []
    items = {item.value: item.raw for item in prop.value.items}
    raw = [items.get(s, encode_string(s)) for s in final]
    new_value = ArrayLit([StringLit(r) for r in raw])
    return final, [
        ReplaceValue(
            prop,
            new_value,
            render_string_array(raw),
            f"datasource: schemas {prop.value.span.text} -> {render_string_array(raw)}",
        )
    ]


def _extension_schemas(datasource: Config) -> set[str]:
    prop = datasource.property("extensions")
    found: set[str] = set()
    if prop is None or not isinstance(prop.value, ArrayLit):
        return found
    for item in prop.value.items:
        if isinstance(item, FunctionCall):
            for argument in item.arguments:
                if argument.name == "schema" and isinstance(argument.value, StringLit):
                    found.add(argument.value.value)
    return found


def _plan_preview_features(schema: Schema, version, messages) -> list[Change]:
    changes: list[Change] = []
    needed = needs_multi_schema_flag(version)
    for generator in schema.generators():
        prop = generator.property("previewFeatures")
        if prop is not None and not isinstance(prop.value, ArrayLit):
            raise PslError(
                [Diagnostic.at(prop.value.span, "`previewFeatures` must be an array of strings")]
            )
        listed = [i.value for i in prop.value.items if isinstance(i, StringLit)] if prop else []
        if not needed:
            if MULTI_SCHEMA in listed:
                changes.append(_drop_multi_schema_flag(generator, prop, version))
            continue
        if MULTI_SCHEMA in listed:
            continue
        literal = encode_string(MULTI_SCHEMA)
        if prop is None:
            changes.append(
                add_property(
                    generator,
                    "previewFeatures",
                    string_array([MULTI_SCHEMA]),
                    f"[{literal}]",
                    f'generator {generator.name}: add previewFeatures = ["{MULTI_SCHEMA}"]',
                )
            )
        else:
            raw = [item.span.text for item in prop.value.items] + [literal]
            changes.append(
                ReplaceValue(
                    prop,
                    ArrayLit([*prop.value.items, StringLit(literal)]),
                    render_string_array(raw),
                    f'generator {generator.name}: add "{MULTI_SCHEMA}" to previewFeatures',
                )
            )
    return changes


def _drop_multi_schema_flag(generator: Config, prop: ConfigProperty, version) -> Change:
    """On a target where multiSchema is GA, the flag only earns a deprecation
    warning from Prisma: take it out (the whole line if nothing else is left)."""
    description = (
        f'generator {generator.name}: drop the "{MULTI_SCHEMA}" preview flag '
        f"(generally available from Prisma 6.13; the target is {version})"
    )
    kept = [
        i for i in prop.value.items if not (isinstance(i, StringLit) and i.value == MULTI_SCHEMA)
    ]
    if not kept:
        return remove_property(generator, prop, description)
    return ReplaceValue(
        prop,
        ArrayLit(kept),
        render_string_array([item.span.text for item in kept]),
        description,
    )


# --- applying edits -------------------------------------------------------------
