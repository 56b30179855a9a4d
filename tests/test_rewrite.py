"""The isolation rewrite, rule by rule.  Where Prisma can judge the result
(validity, `prisma format` layout), the test asks Prisma's own engine."""

from __future__ import annotations

import json

import pytest

from generator.errors import PslError, SelfCheckError, UsageError
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.isolation.selfcheck import verify
from generator.isolation.versions import PrismaVersion, parse_version, version_from_package_json
from generator.psl.parser import parse_sources, parse_text
from generator.psl.source import SourceFile

POSTGRES = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
CLIENT = 'generator client {\n  provider = "prisma-client-js"\n}\n\n'


def run(text: str, **options) -> tuple[str, list[str]]:
    outcome = isolate(parse_text(text), RewriteOptions(**options))
    ((_, output),) = outcome.outputs.items()
    return output, [m.render() for m in outcome.plan.messages]


def rewritten(text: str, **options) -> str:
    return run(text, **options)[0]


def assert_valid(prisma, text: str) -> None:
    from prisma_harness import without_datasource_urls

    prisma.validate([("schema.prisma", without_datasource_urls(text))])


def test_models_enums_and_views_get_schema_composite_types_do_not(prisma):
    text = (
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
        'generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["views"]\n}\n\n'
        "model User {\n  id   Int  @id\n  role Role\n}\n\n"
        "view Stats {\n  id Int @unique\n}\n\n"
        "enum Role {\n  USER\n  ADMIN\n}\n"
    )
    output = rewritten(text)
    assert output == (
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n'
        '  schemas  = ["anythingllm"]\n}\n\n'
        'generator client {\n  provider        = "prisma-client-js"\n'
        '  previewFeatures = ["views", "multiSchema"]\n}\n\n'
        'model User {\n  id   Int  @id\n  role Role\n\n  @@schema("anythingllm")\n}\n\n'
        'view Stats {\n  id Int @unique\n\n  @@schema("anythingllm")\n}\n\n'
        'enum Role {\n  USER\n  ADMIN\n\n  @@schema("anythingllm")\n}\n'
    )
    assert_valid(prisma, output)
    assert prisma.format([("schema.prisma", output)])["schema.prisma"] == output


def test_composite_type_is_left_alone():
    text = (
        'datasource db {\n  provider = "mongodb"\n  url      = env("X")\n}\n\n'
        "type Address {\n  street String\n}\n"
    )
    with pytest.raises(PslError, match="no multi-schema support"):
        rewritten(text)
    text = text.replace("mongodb", "postgresql")
    assert "type Address {\n  street String\n}\n" in rewritten(text)


def test_schema_on_composite_type_is_an_error():
    text = POSTGRES + 'type Address {\n  street String\n\n  @@schema("x")\n}\n'
    with pytest.raises(PslError) as error:
        rewritten(text)
    assert "not allowed on the composite type" in str(error.value)
    assert str(error.value).startswith("schema.prisma:9:3: error:")


def test_block_attributes_are_appended_after_the_last_one(prisma):
    text = (
        POSTGRES
        + CLIENT
        + ('model A {\n  id Int @id\n  b  Int\n\n  @@index([b])\n  @@map("a") // named a\n}\n')
    )
    output = rewritten(text)
    assert output.endswith(
        '  @@index([b])\n  @@map("a") // named a\n  @@schema("anythingllm")\n}\n'
    )
    assert prisma.format([("s.prisma", output)])["s.prisma"] == output


def test_existing_schema_is_kept_and_a_different_one_warned_about():
    text = (
        'datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm", "billing"]\n}\n\n'
        'model A {\n  id Int @id\n\n  @@schema("anythingllm")\n}\n\n'
        'model B {\n  id Int @id\n\n  @@schema("billing")\n}\n'
    )
    output, messages = run(text, prisma_version=PrismaVersion(6, 13))
    assert output == text
    assert len(messages) == 1
    assert messages[0].startswith('schema.prisma:15:3: warning: model B stays in schema "billing"')
    forced, _ = run(text, force=True, prisma_version=PrismaVersion(6, 13))
    assert '@@schema("billing")' not in forced
    assert forced.count('@@schema("anythingllm")') == 2
    assert 'schemas  = ["anythingllm"]' in forced


def test_keep_in_public(prisma):
    text = POSTGRES + CLIENT + "model A {\n  id Int @id\n}\n\nmodel Legacy {\n  id Int @id\n}\n"
    output = rewritten(text, keep_in_public=frozenset({"Legacy"}))
    assert 'model Legacy {\n  id Int @id\n\n  @@schema("public")\n}\n' in output
    assert 'schemas  = ["anythingllm", "public"]' in output
    assert_valid(prisma, output)
    with pytest.raises(UsageError, match="Nope"):
        rewritten(text, keep_in_public=frozenset({"Nope"}))


def test_unused_public_is_dropped_from_schemas_with_a_note():
    text = (
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n'
        '  schemas  = ["public", "anythingllm"]\n}\n\n'
        'model A {\n  id Int @id\n\n  @@schema("anythingllm")\n}\n'
    )
    output, messages = run(text, prisma_version=PrismaVersion(7))
    assert 'schemas  = ["anythingllm"]' in output
    assert any('schema "public" is dropped' in m for m in messages)


def test_extension_schemas_stay_listed():
    text = (
        'datasource db {\n  provider   = "postgresql"\n'
        '  extensions = [postgis(schema: "ext")]\n  schemas    = ["ext"]\n}\n\n'
        "model A {\n  id Int @id\n}\n"
    )
    assert 'schemas    = ["ext", "anythingllm"]' in rewritten(text, prisma_version=PrismaVersion(7))


@pytest.mark.parametrize(
    "version, flagged",
    [
        (None, True),
        ("4.3", True),
        ("5.22.0", True),
        ("6.12", True),
        ("6.13", False),
        ("7.0", False),
    ],
)
def test_multi_schema_flag_follows_the_target_version(version, flagged):
    target = parse_version(version) if version else None
    output = rewritten(POSTGRES + CLIENT + "model A {\n  id Int @id\n}\n", prisma_version=target)
    assert ('previewFeatures = ["multiSchema"]' in output) is flagged


def test_prisma_before_4_3_is_refused():
    with pytest.raises(UsageError, match="4.3.0"):
        rewritten(POSTGRES + "model A {\n  id Int @id\n}\n", prisma_version=PrismaVersion(4, 2))


def test_deprecated_flag_is_dropped_on_a_ga_target(prisma):
    text = (
        POSTGRES + 'generator client {\n  provider        = "prisma-client-js"\n'
        '  previewFeatures = ["multiSchema"]\n}\n\n'
        + 'generator other {\n  provider        = "x"\n  previewFeatures = ["views", "multiSchema"]\n}\n\n'
        + "model A {\n  id Int @id\n}\n"
    )
    output = rewritten(text, prisma_version=PrismaVersion(7))
    assert 'generator client {\n  provider = "prisma-client-js"\n}\n' in output
    assert 'previewFeatures = ["views"]' in output
    assert prisma.format([("s.prisma", output)])["s.prisma"] == output


def test_generator_alignment_widens_for_preview_features(prisma):
    text = (
        POSTGRES
        + 'generator client {\n  provider = "prisma-client-js"\n  output   = "../generated"\n\n'
        '  engineType = "library"\n}\n\n' + "model A {\n  id Int @id\n}\n"
    )
    output = rewritten(text)
    assert (
        'generator client {\n  provider = "prisma-client-js"\n  output   = "../generated"\n\n'
        '  engineType      = "library"\n  previewFeatures = ["multiSchema"]\n}\n'
    ) in output
    assert prisma.format([("s.prisma", output)])["s.prisma"] == output


def test_unaligned_config_gets_a_plain_line():
    text = 'datasource db {\n  provider = "postgresql"\n  url = env("X")\n}\n\nmodel A {\n  id Int @id\n}\n'
    assert '  url = env("X")\n  schemas = ["anythingllm"]\n}' in rewritten(text)


@pytest.mark.parametrize("provider", ["sqlite", "mysql", "mongodb"])
def test_providers_without_schemas_need_the_flag(provider):
    text = f'datasource db {{\n  provider = "{provider}"\n  url      = env("X")\n}}\n'
    with pytest.raises(PslError) as error:
        rewritten(text + "model A {\n  id Int @id\n}\n")
    assert f'provider "{provider}" has no multi-schema support' in str(error.value)
    assert "--provider postgresql" in str(error.value)
    assert str(error.value).startswith("schema.prisma:2:14: error:")


@pytest.mark.parametrize("provider", ["cockroachdb", "sqlserver", "postgres"])
def test_other_schema_capable_providers_are_accepted(provider):
    text = f'datasource db {{\n  provider = "{provider}"\n  url      = env("X")\n}}\n\nmodel A {{\n  id Int @id\n}}\n'
    output = rewritten(text)
    assert f'provider = "{provider}"' in output
    assert '@@schema("anythingllm")' in output


def test_sqlite_conversion(prisma):
    text = (
        'datasource db {\n  provider = "sqlite"\n  url      = "file:../storage/anythingllm.db"\n}\n\n'
        "model A {\n  id Int @id\n}\n"
    )
    output, messages = run(text, provider="postgresql")
    assert output.startswith(
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n'
        '  schemas  = ["anythingllm"]\n}\n'
    )
    assert any("note: the SQLite file URL" in m for m in messages)
    assert_valid(prisma, output)


def test_sqlite_conversion_without_url_adds_one():
    text = 'datasource db {\n  provider = "sqlite"\n}\n\nmodel A {\n  id Int @id\n}\n'
    output = rewritten(text, provider="postgresql")
    assert (
        'provider = "postgresql"\n  url      = env("DATABASE_URL")\n  schemas  = ["anythingllm"]'
        in output
    )


def test_sqlite_conversion_for_prisma_7_removes_the_file_url(prisma):
    text = (
        'datasource db {\n  provider = "sqlite"\n  url      = "file:./dev.db"\n}\n\n'
        "model A {\n  id Int @id\n}\n"
    )
    output = rewritten(text, provider="postgresql", prisma_version=PrismaVersion(7))
    assert output.startswith(
        'datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm"]\n}\n'
    )
    prisma.validate([("s.prisma", output)])  # as it is: no url left for Prisma 7 to reject


def test_minimal_diff_keeps_crlf_tabs_trailing_spaces_and_comments():
    text = (
        'datasource db {\r\n\tprovider = "postgresql"   \r\n}\r\n\r\n'
        "// a comment   \r\nmodel A {\r\n\tid\tInt\t@id // trailing  \r\n}"
    )
    output = rewritten(text, prisma_version=PrismaVersion(7))
    assert output == (
        'datasource db {\r\n\tprovider = "postgresql"   \r\n\tschemas  = ["anythingllm"]\r\n}\r\n\r\n'
        '// a comment   \r\nmodel A {\r\n\tid\tInt\t@id // trailing  \r\n\r\n\t@@schema("anythingllm")\r\n}'
    )


def test_empty_blocks_get_the_attribute_inside():
    text = POSTGRES + "model A {\n}\n\nenum E {\n}\n"
    output = rewritten(text, prisma_version=PrismaVersion(7))
    assert 'model A {\n  @@schema("anythingllm")\n}\n' in output
    assert 'enum E {\n  @@schema("anythingllm")\n}\n' in output


def test_multi_file_schema_edits_each_file_where_its_blocks_are():
    sources = [
        SourceFile("schema.prisma", POSTGRES + CLIENT),
        SourceFile("models/a.prisma", "model A {\n  id Int @id\n}\n"),
        SourceFile("models/b.prisma", "enum B {\n  X\n}\n"),
    ]
    outcome = isolate(parse_sources(sources), RewriteOptions())
    assert (
        outcome.outputs["models/a.prisma"]
        == 'model A {\n  id Int @id\n\n  @@schema("anythingllm")\n}\n'
    )
    assert outcome.outputs["models/b.prisma"] == 'enum B {\n  X\n\n  @@schema("anythingllm")\n}\n'
    assert 'schemas  = ["anythingllm"]' in outcome.outputs["schema.prisma"]


@pytest.mark.parametrize(
    "name",
    ['x"; DROP TABLE y; --', "", "1abc", "a" * 64, "pg_catalog", "has space", "naïve"],
)
def test_bad_schema_names_are_refused(name):
    with pytest.raises(UsageError):
        rewritten(POSTGRES + "model A {\n  id Int @id\n}\n", schema=name)


def test_a_63_byte_schema_name_is_fine():
    assert '@@schema("' + "a" * 63 + '")' in rewritten(
        POSTGRES + "model A {\n  id Int @id\n}\n", schema="a" * 63
    )


def test_semantic_errors():
    text = (
        POSTGRES
        + "model A {\n  id Int @id\n  b  Nope\n}\n\nmodel A {\n  id Int @id\n}\n\n"
        + 'enum E {\n  X\n\n  @@schema("elsewhere")\n}\n'
    )
    text = text.replace('url      = env("DATABASE_URL")', 'schemas  = ["anythingllm"]')
    with pytest.raises(PslError) as error:
        rewritten(text)
    messages = [d.render().splitlines()[0] for d in error.value.diagnostics]
    assert messages == [
        'schema.prisma:11:7: error: the model "A" cannot be defined because a model with that name already exists',
        'schema.prisma:8:6: error: type "Nope" is neither a built-in type, nor refers to another model, composite type, or enum',
        'schema.prisma:18:3: error: @@schema names the schema "elsewhere", which the datasource\'s `schemas` list lacks',
    ]


def test_no_datasource_is_an_error():
    with pytest.raises(PslError, match="no datasource block"):
        rewritten("model A {\n  id Int @id\n}\n")


def test_self_check_catches_an_output_that_is_not_the_plan():
    schema = parse_text(POSTGRES + "model A {\n  id Int @id\n}\n")
    from generator.isolation.edits import render
    from generator.isolation.plan import plan

    options = RewriteOptions()
    the_plan = plan(schema, options)
    outputs = render(schema, the_plan.changes)
    tampered = {k: v.replace("id Int @id", "id Int @id @unique") for k, v in outputs.items()}
    with pytest.raises(SelfCheckError, match="differs from the planned one"):
        verify(schema, the_plan, tampered, options)
    schema = parse_text(POSTGRES + "model A {\n  id Int @id\n}\n")
    the_plan = plan(schema, options)
    broken = {k: v.replace("}", "", 1) for k, v in render(schema, the_plan.changes).items()}
    with pytest.raises(SelfCheckError, match="does not parse"):
        verify(schema, the_plan, broken, options)


@pytest.mark.parametrize(
    "spec, lowest",
    [
        ("^6.12.0", (6, 12, 0)),
        ("~5.1", (5, 1, 0)),
        (">=4.3.0 <7", (4, 3, 0)),
        ("6.x", (6, 0, 0)),
        ("7.10.1", (7, 10, 1)),
        ("^5.0.0 || ^6.0.0", (5, 0, 0)),
        ("latest", None),
        ("workspace:*", None),
    ],
)
def test_version_ranges_resolve_to_their_lowest_version(spec, lowest):
    version = parse_version(spec)
    assert (version.key if version else None) == lowest


def test_nearest_package_json_decides(tmp_path):
    (tmp_path / "package.json").write_text(json.dumps({"devDependencies": {"prisma": "^5.10.0"}}))
    (tmp_path / "server" / "prisma").mkdir(parents=True)
    schema = tmp_path / "server" / "prisma" / "schema.prisma"
    schema.write_text("")
    assert version_from_package_json(schema).key == (5, 10, 0)
    (tmp_path / "server" / "package.json").write_text(
        json.dumps({"dependencies": {"@prisma/client": "6.13.0"}})
    )
    assert version_from_package_json(schema).key == (6, 13, 0)
    (tmp_path / "server" / "package.json").write_text(json.dumps({"dependencies": {}}))
    assert version_from_package_json(schema) is None


def test_bundled_example_is_formatted_and_its_rewrite_valid(prisma):
    from conftest import ROOT

    source = (ROOT / "schema.prisma").read_text()
    assert prisma.format([("schema.prisma", source)])["schema.prisma"] == source
    output = rewritten(source, provider="postgresql")
    assert_valid(prisma, output)
    assert prisma.format([("schema.prisma", output)])["schema.prisma"] == output


BLOCKS_ENDING_IN_COMMENTS = """datasource db {
  provider = "postgresql"
}

enum E {
  A // note
}

model M {
  id Int @id
  // trailing own-line comment
}

enum F {
  A
  // own-line at end
}
"""


def test_blocks_ending_in_a_comment_stay_a_prisma_format_fixed_point(prisma):
    """`prisma format` keeps a block's last own-line comments with its fields
    and puts block attributes after them: so does the new @@schema."""
    formatted = prisma.format([("schema.prisma", BLOCKS_ENDING_IN_COMMENTS)])["schema.prisma"]
    outcome = isolate(parse_text(formatted), RewriteOptions())
    (text,) = outcome.outputs.values()
    assert prisma.format([("schema.prisma", text)])["schema.prisma"] == text
    assert '  // trailing own-line comment\n\n  @@schema("anythingllm")\n}' in text


def test_the_sqlite_variant_is_self_checked_and_keeps_prismas_layout(prisma):
    """--dev-sqlite's variant is made of the rewrite's own changes and
    self-checked; dropping @@schema leaves no blank line before "}"."""
    from conftest import ROOT

    from generator.isolation.sqlite_variant import sqlite_variant

    legacy = (ROOT / "schema.prisma").read_text()
    formatted = prisma.format([("schema.prisma", legacy)])["schema.prisma"]
    outcome = isolate(parse_text(formatted), RewriteOptions(provider="postgresql"))
    (variant,) = sqlite_variant(outcome.outputs, keep_url=True).values()
    assert "\n\n}" not in variant and "@@schema" not in variant
    assert prisma.format([("schema.prisma", variant)])["schema.prisma"] == variant
