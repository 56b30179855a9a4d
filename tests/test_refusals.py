"""Schemas Prisma refuses get a located error and exit 2 from us too, never SQL
or an internal error; and the SQL details Prisma's engine is the judge of."""

from __future__ import annotations

import re
import subprocess
import sys

import psycopg
import pytest
from prisma_harness import without_datasource_urls

HEAD = 'datasource db {\n  provider = "postgresql"\n}\n\n'
RELATION = "  b   B   @relation(fields: [bid], references: [id], onDelete: {action})\n  bid Int\n"

# The other refusals are golden cases, tests/data/errors (tests/test_golden.py),
# recorded with Prisma's verdict.  This one stays here: Prisma's wasm validator
# sometimes overflows its own stack on it instead of naming the line.
REFUSED = {
    "3,000-deep nested array": (
        "model A {\n  id Int @id\n  x  Int[] @default(" + "[" * 3000 + "1" + "]" * 3000 + ")\n}\n",
        7,
    ),
}


def ours(text: str, command: str = "sql"):
    result = subprocess.run(
        [sys.executable, "-m", "generator", command, "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result


@pytest.mark.parametrize("body, line", REFUSED.values(), ids=REFUSED.keys())
def test_what_prisma_refuses_is_a_located_error(prisma, body, line):
    text = HEAD + body
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the harness's own error
        prisma.validate([("schema.prisma", text)])
    # Prisma names the line; on the 3,000-deep array its wasm validator may
    # instead overflow its own stack, which is a refusal all the same.
    assert f"schema.prisma:{line}" in str(refused.value) or (
        "Maximum call stack size exceeded" in str(refused.value)
    )
    for command in ("sql", "rewrite"):
        result = ours(text, command)
        assert result.returncode == 2, (command, result.stdout[:200])
        assert re.match(rf"<stdin>:{line}:\d+: error: ", result.stderr), result.stderr[:300]
        assert result.stdout == ""


def test_an_int_default_past_32_bits_is_refused_though_prisma_accepts_it(prisma):
    """A departure (README): Prisma accepts it, and PostgreSQL's INTEGER then
    refuses the migration at deploy time."""
    text = HEAD + "model A {\n  id Int @id\n  x  Int @default(2147483648)\n}\n"
    prisma.validate([("schema.prisma", text)])
    result = ours(text)
    assert result.returncode == 2 and "out of range" in result.stderr


def test_an_index_named_as_a_join_tables_is_refused_though_prisma_accepts_it(prisma, database):
    """A departure (README): Prisma does not count an implicit many-to-many
    table's index in its namespace, takes the schema, and writes a migration
    PostgreSQL refuses (the name exists already). Refused, located."""
    text = (
        HEAD
        + 'model A {\n  id Int @id\n  n  String\n  bs B[]\n\n  @@index([n], map: "_AToB_B_index")\n}\n'
        + "\nmodel B {\n  id Int @id\n  as A[]\n}\n"
    )
    prisma.validate([("schema.prisma", text)])
    with psycopg.connect(database) as connection:
        with pytest.raises(psycopg.errors.DuplicateTable):
            connection.execute(prisma.diff_from_empty([("schema.prisma", text)], "public"))
    result = ours(text)
    assert result.returncode == 2 and result.stdout == ""
    assert re.match(r"<stdin>:10:\d+: error: .*implicit many-to-many table `_AToB`", result.stderr)


def test_a_5000_digit_decimal_is_valid_as_prisma_says(prisma):
    text = HEAD + "model A {\n  id Int @id\n  x  Decimal @default(" + "9" * 5000 + ")\n}\n"
    prisma.validate([("schema.prisma", text)])
    assert ours(text).returncode == 0


def test_no_models_still_lists_the_isolated_schema(prisma):
    result = ours(HEAD, "rewrite")
    assert result.returncode == 0
    assert 'schemas  = ["anythingllm"]' in result.stdout
    prisma.validate([("schema.prisma", result.stdout)])


def test_sql_refuses_another_provider_like_generate():
    result = ours('datasource db {\n  provider = "sqlserver"\n}\n\nmodel A {\n  id Int @id\n}\n')
    assert result.returncode == 2
    assert "<stdin>:2:14: error: migration SQL is generated for PostgreSQL only" in result.stderr


EXTENSIONS = """generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["postgresqlExtensions"]
}

datasource db {
  provider   = "postgresql"
  extensions = [pgcrypto, hstore(schema: "public"), uuid_ossp(map: "uuid-ossp", schema: "anythingllm", version: "1.1"), vector, pg_trgm(version: "1.6")]
}

model Item {
  id        Int                        @id
  embedding Unsupported("vector(3)")?
}
"""


def test_extensions_are_created_as_prisma_writes_them(prisma):
    from generator.isolation.isolate import isolate
    from generator.isolation.options import RewriteOptions
    from generator.psl.parser import parse_sources, parse_text
    from generator.psl.source import SourceFile
    from generator.sql.render import schema_sql

    outcome = isolate(parse_text(EXTENSIONS), RewriteOptions())
    (text,) = outcome.outputs.values()
    ours_sql = schema_sql(parse_sources([SourceFile("schema.prisma", text)]), "anythingllm")
    assert ours_sql == prisma.diff_from_empty([("schema.prisma", text)], "anythingllm")
    assert (
        'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "anythingllm" VERSION "1.1";'
        in ours_sql
    )
    # A version without a schema still takes WITH (it was left out once).
    assert 'CREATE EXTENSION IF NOT EXISTS "pg_trgm" WITH VERSION "1.6";' in ours_sql


def test_a_schema_using_vector_deploys(database, tmp_path):
    """The issue's case: Unsupported("vector(3)") failed to deploy without its extension."""
    schema = tmp_path / "schema.prisma"
    schema.write_text(
        EXTENSIONS.replace(
            'pgcrypto, hstore(schema: "public"), uuid_ossp(map: "uuid-ossp", schema: "anythingllm", version: "1.1"), ',
            "",
        ).replace(
            ', pg_trgm(version: "1.6")', ""
        )  # not in the embedded server
    )
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            str(schema),
            "-o",
            str(tmp_path / "out"),
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stderr
    deployed = subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "deploy",
            str(tmp_path / "out" / "schema.prisma"),
            "--database-url",
            database + "&schema=anythingllm",
            "-q",
        ],
        capture_output=True,
        text=True,
    )
    assert deployed.returncode == 0, deployed.stderr
    with psycopg.connect(database) as connection:
        assert connection.execute(
            "SELECT extname FROM pg_extension WHERE extname = 'vector'"
        ).fetchone()
        connection.execute("INSERT INTO anythingllm.\"Item\" VALUES (1, '[1,2,3]')")


@pytest.mark.parametrize(
    "provider, datasource, body, expected",
    [
        ("mysql", "db", "model A {\n  id Int @id @db.UnsignedInt\n}\n", "@db.UnsignedInt"),
        # Native types take the datasource's name.
        ("mysql", "my", "model A {\n  id Int @id @my.UnsignedInt\n}\n", "@my.UnsignedInt"),
        (
            "mysql",
            "db",
            "model A {\n  id Int @id\n  t String @db.LongText\n\n  @@fulltext([t])\n}\n",
            "@@fulltext",
        ),
        (
            "mongodb",
            "db",
            'model A {\n  id String @id @default(auto()) @map("_id") @db.ObjectId\n}\n',
            "@db.ObjectId",
        ),
        ("mongodb", "db", "type Address {\n  street String\n}\n", 'composite type "Address"'),
    ],
)
def test_conversion_refuses_what_postgresql_lacks(provider, datasource, body, expected):
    text = (
        f'datasource {datasource} {{\n  provider = "{provider}"\n  url      = env("DATABASE_URL")\n}}\n\n'
        + body
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator", "rewrite", "-", "--provider", "postgresql"],
        input=text,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert expected in result.stderr and "has no PostgreSQL counterpart" in result.stderr
    assert re.search(r"<stdin>:\d+:\d+: error: ", result.stderr)


def test_a_convertible_mysql_schema_converts_to_what_prisma_accepts(prisma):
    text = (
        'datasource db {\n  provider = "mysql"\n  url      = env("DATABASE_URL")\n}\n\n'
        "model A {\n  id   Int    @id @default(autoincrement())\n  name String @db.VarChar(191)\n}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "generator", "rewrite", "-", "--provider", "postgresql"],
        input=text,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    prisma.validate([("schema.prisma", without_datasource_urls(result.stdout))])


@pytest.mark.parametrize("command", ["sql", "generate"])
def test_errors_of_the_sql_model_point_at_the_users_lines(tmp_path, command):
    """The SQL model reads the rewritten schema, whose lines are shifted by the
    added `schemas` line: its errors are carried back to the file as written."""
    name = "T" + "x" * 70
    schema = tmp_path / "schema.prisma"
    schema.write_text(HEAD + f'model A {{\n  id Int @id\n\n  @@map("{name}")\n}}\n')
    args = [command, str(schema)] + (["-o", str(tmp_path / "out")] if command == "generate" else [])
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args], capture_output=True, text=True
    )
    assert result.returncode == 2
    first, line, _caret = result.stderr.splitlines()[:3]
    assert first.startswith(f"{schema}:5:7: error: the table name") and line == "model A {"
