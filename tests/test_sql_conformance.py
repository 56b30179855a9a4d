"""Our migration SQL against Prisma's own migration engine.

The reference is @prisma/schema-engine-wasm's diff from an empty database to
the rewritten schema (`prisma migrate diff --from-empty --to-schema --script`),
computed at test time through the Node harness for every corpus schema; the
focused cases are tests/data/sql, recorded from the same engine.  No expected
SQL is written by hand."""

from __future__ import annotations

import difflib

import pytest
from conftest import corpus_units, unit_id
from corpus_helpers import rewrite_unit

from generator.errors import PslError
from generator.psl.parser import parse_sources, parse_text
from generator.psl.source import SourceFile
from generator.sql.render import schema_sql

UNITS = corpus_units()


def normalised(script: str) -> str:
    return "\n".join(line.rstrip() for line in script.rstrip().splitlines())


def assert_same_sql(prisma, files: list[tuple[str, str]], default_schema: str) -> None:
    reference = prisma.diff_from_empty(files, default_schema)
    ours = schema_sql(parse_sources([SourceFile(n, t) for n, t in files]), default_schema)
    if normalised(ours) != normalised(reference):
        diff = "".join(
            difflib.unified_diff(
                reference.splitlines(True), ours.splitlines(True), "prisma", "ours", n=2
            )
        )
        pytest.fail("our SQL differs from Prisma's:\n" + diff[:6000])
    assert ours == reference  # byte for byte, not only after normalising


@pytest.mark.corpus
@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_corpus_sql_matches_prisma(corpus, prisma, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None or rewritten.provider == "cockroachdb":
        pytest.skip("SQL is generated for PostgreSQL (mysql/mongodb/cockroachdb are not)")
    files = prisma.validate_for_prisma_7(rewritten.files())
    assert_same_sql(prisma, files, "anythingllm")


# The focused cases, one per rule of the SQL model, are golden files recorded
# from Prisma's engine: tests/data/sql (tests/test_golden.py).


def test_relation_mode_prisma_has_no_foreign_keys(prisma):
    text = (
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\n'
        "model A {\n  id Int @id\n  bs B[]\n}\n\n"
        "model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n\n  @@index([aId])\n}\n"
    )
    prisma.validate([("s.prisma", text)])
    assert_same_sql(prisma, [("s.prisma", text)], "public")
    assert "FOREIGN KEY" not in schema_sql(parse_text(text), "public")


def test_a_table_name_over_63_bytes_is_an_error():
    name = "T" + "x" * 63
    text = f'datasource db {{\n  provider = "postgresql"\n}}\n\nmodel A {{\n  id Int @id\n\n  @@map("{name}")\n}}\n'
    with pytest.raises(PslError) as error:
        schema_sql(parse_text(text), "public")
    assert "PostgreSQL would silently truncate it" in str(error.value)
    assert str(error.value).startswith("schema.prisma:5:7: error: the table name")


def test_identifiers_with_double_quotes_are_refused():
    # Prisma's migration engine writes such names unescaped, i.e. invalid SQL;
    # we refuse them instead of diverging from Prisma or emitting broken SQL.
    text = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id @map("a\\"b")\n}\n'
    with pytest.raises(PslError, match="double quote"):
        schema_sql(parse_text(text), "public")
