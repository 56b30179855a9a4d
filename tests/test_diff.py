"""`prisma-isolate diff`: the migration between two schemas, byte-equal to
`prisma migrate diff --from-schema … --to-schema … --script` (Prisma's engine
through the harness is the judge); what it cannot write yet is refused by name."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ANYTHINGLLM_RELEASES, corpus_units, unit_id
from corpus_helpers import rewrite_unit
from prisma_harness import without_datasource_urls

from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.isolation.versions import parse_version_option
from generator.psl.parser import parse_sources, parse_text
from generator.psl.source import SourceFile
from generator.sql.build import build_database
from generator.sql.diff import diff, summary
from generator.sql.render import diff_sql

DATA = Path(__file__).resolve().parent / "data" / "diff"
HISTORY = ANYTHINGLLM_RELEASES


def cli(*args: str):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "diff", *args, "-q"], capture_output=True, text=True
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def isolated_text(path: Path) -> str:
    options = RewriteOptions(provider="postgresql", prisma_version=parse_version_option("7.0"))
    (text,) = isolate(parse_text(path.read_text()), options).outputs.values()
    return text


@pytest.mark.parametrize("step", range(len(HISTORY) - 1), ids=lambda i: HISTORY[i + 1][33:43])
def test_anythingllms_real_upgrades_are_what_prisma_writes(corpus, prisma, step):
    before, after = (corpus / "anythingllm" / HISTORY[i] for i in (step, step + 1))
    theirs = prisma.diff_schemas(
        [("schema.prisma", without_datasource_urls(isolated_text(before)))],
        [("schema.prisma", without_datasource_urls(isolated_text(after)))],
        "anythingllm",
    )
    result = cli(
        "--from",
        str(before),
        "--to",
        str(after),
        "--provider",
        "postgresql",
        "--prisma-version",
        "7.0",
        "--script",
        "--exit-code",
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == theirs


@pytest.mark.parametrize(
    "case",
    [
        "every_supported_step",
        "enum_value_removed",
        "type_changes",
        "renamed_index_and_foreign_key",
        "recreated_columns",
        "primary_keys",
        "indexes_and_enums",
        "renames_and_moves",
    ],
)
@pytest.mark.parametrize("default_schema", ["anythingllm", "public"])
def test_every_supported_step_is_what_prisma_writes(prisma, default_schema, case):
    """Created and dropped tables, enums, indexes and foreign keys; added and
    dropped columns; nullability and default changes; new enum values; a
    changed foreign key; a new schema; and an enum losing a value, which Prisma
    recreates (lists, defaults and all) inside its own BEGIN/COMMIT."""
    before = (DATA / f"{case}.before.prisma").read_text()
    after = (DATA / f"{case}.after.prisma").read_text()
    theirs = prisma.diff_schemas(
        [("schema.prisma", before)], [("schema.prisma", after)], default_schema
    )
    for step in [d for d in DEPARTURES.get(case, ()) if "\n--" in d]:
        theirs, found = re.subn(step, "", theirs)
        assert found == 1, step
    ours = diff_sql(
        build_database(parse_text(before), default_schema),
        build_database(parse_text(after), default_schema),
    )
    assert ours == theirs
    their_summary = prisma.diff_schemas(
        [("schema.prisma", before)], [("schema.prisma", after)], default_schema, script=False
    )
    steps = diff(
        build_database(parse_text(before), default_schema),
        build_database(parse_text(after), default_schema),
    )
    for line in DEPARTURES.get(case, ()):
        their_summary = their_summary.replace(line, "")
    assert without_defaults(summary(steps)) == without_defaults(their_summary)


# Where Prisma's script fails to apply, ours leaves the failing step out (README,
# "Departures from Prisma"): an index on a column Prisma drops and adds again
# is created under its new name, so renaming the old one fails.
DEPARTURES = {
    "recreated_columns": [
        '\n\n-- RenameIndex\nALTER INDEX ("anythingllm".)?"Item_slug_old" RENAME TO "Item_slug_new";',
        "\n  [*] Renamed index `Item_slug_old` to `Item_slug_new`",
    ],
}


def without_defaults(text: str) -> str:
    """Prisma prints a changed default in Rust's debug form (Some(Value(Int(1))))
    and a stray `)` line after "Added primary key on columns (…)"; we print the
    default's SQL value and no stray line: the rest of the summary must be
    Prisma's, byte for byte."""
    return "\n".join(
        line.split(" (", 1)[0] + " (…)" if "default changed" in line else line
        for line in text.split("\n")
        if line != ")"
    )


def test_the_summary_names_default_changes_readably():
    head = 'datasource db {\n  provider = "postgresql"\n}\n\n'
    before = build_database(
        parse_text(head + "model A {\n  id Int @id\n  n Int @default(1)\n}\n"), "s"
    )
    after = build_database(parse_text(head + "model A {\n  id Int @id\n  n Int?\n}\n"), "s")
    assert summary(diff(before, after)) == (
        "\n[*] Changed the `A` table\n"
        "  [*] Altered column `n` (changed from Required to Nullable, default changed from `1` "
        "to none)\n"
    )


@pytest.mark.parametrize("unit", corpus_units(), ids=unit_id)
def test_every_corpus_schema_diffed_against_itself_is_empty(corpus, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None or rewritten.provider == "cockroachdb":
        pytest.skip("SQL is generated for PostgreSQL only")
    sources = [SourceFile(p, t) for p, t in rewritten.outcome.outputs.items()]
    database = build_database(parse_sources(sources), "anythingllm")
    assert diff(database, database) == []
    assert diff_sql(database, database) == "-- This is an empty migration.\n"


def test_from_empty_is_the_sql_command(corpus):
    schema = corpus / "anythingllm" / HISTORY[-1]
    from_empty = cli("--from-empty", "--to", str(schema), "--provider", "postgresql", "--script")
    sql = subprocess.run(
        [sys.executable, "-m", "generator", "sql", str(schema), "--provider", "postgresql", "-q"],
        capture_output=True,
        text=True,
    )
    assert from_empty.returncode == 0 and from_empty.stdout == sql.stdout


def test_what_it_cannot_write_yet_is_refused_by_name(tmp_path):
    head = 'datasource db {\n  provider = "postgresql"\n}\n\n'
    before, after = tmp_path / "before.prisma", tmp_path / "after.prisma"
    before.write_text(head + "model A {\n  id Int @id\n  n  Int\n}\n")
    after.write_text(head + 'model A {\n  id Int @id\n  n  Unsupported("circle")\n}\n')
    plain = cli("--from", str(before), "--to", str(after), "--script")
    assert plain.returncode == 2 and plain.stdout == ""
    assert (
        "cannot write this migration yet: column A.n: its type changed from INTEGER to circle"
        in plain.stderr
    )
    with_exit_code = cli("--from", str(before), "--to", str(after), "--exit-code")
    assert with_exit_code.returncode == 1  # Prisma's convention: 1 is an error
    same = cli("--from", str(before), "--to", str(before), "--exit-code")
    assert same.returncode == 0 and same.stdout.strip() == "No difference detected."
    neither = cli("--to", str(after))
    assert neither.returncode == 2 and "give one of --from SCHEMA, --from-empty" in neither.stderr


PAIRS = 500


def test_random_schema_pairs_are_what_prisma_writes(prisma):
    """A schema and a random mutation of it, 500 times: our migration is
    byte-equal to Prisma's (a pair is reproduced by its seed)."""
    from schema_pairs import pair

    compared = 0
    for seed in range(PAIRS):
        before, after = pair(seed)
        theirs = prisma.diff_schemas([("s.prisma", before)], [("s.prisma", after)], "anythingllm")
        ours = diff_sql(
            build_database(parse_text(before), "anythingllm"),
            build_database(parse_text(after), "anythingllm"),
        )
        assert ours == theirs, f"seed {seed}:\n--- before\n{before}\n--- after\n{after}"
        their_summary = prisma.diff_schemas(
            [("s.prisma", before)], [("s.prisma", after)], "anythingllm", script=False
        )
        steps = diff(
            build_database(parse_text(before), "anythingllm"),
            build_database(parse_text(after), "anythingllm"),
        )
        assert without_defaults(summary(steps)) == without_defaults(their_summary), f"seed {seed}"
        compared += 1
    assert compared == PAIRS


def _generate(schema: Path, out: Path, epoch: int):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", str(schema), "-o", str(out)]
        + ["--provider", "postgresql", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)},
    )
    assert result.returncode == 0, result.stderr


def test_from_migrations_starts_where_the_history_ends(corpus, tmp_path):
    """--from-migrations: the record's end state; without the record, the
    folder replayed on a scratch database against the schema.prisma beside it;
    an empty folder is an empty database."""
    versions = [corpus / "anythingllm" / name for name in HISTORY]
    out = tmp_path / "out"
    _generate(versions[0], out, 1_700_000_000)
    _generate(versions[1], out, 1_700_086_400)  # two migrations: the replay needs a database
    target = ["--to", str(versions[2]), "--provider", "postgresql", "--script"]
    expected = cli("--from", str(versions[1]), *target)
    assert expected.returncode == 0 and "-- AlterTable" in expected.stdout
    migrations = out / "migrations"
    assert cli("--from-migrations", str(migrations), *target).stdout == expected.stdout
    (migrations / ".prisma-isolate.json").unlink()
    replayed = cli("--from-migrations", str(migrations), *target)
    assert (replayed.stdout, replayed.stderr) == (expected.stdout, "")  # no server noise
    # A schema.prisma the migrations do not produce is refused, naming the difference.
    schema = out / "schema.prisma"
    schema.write_text(schema.read_text().replace("pfpFilename", "pfp"))
    refused = cli("--from-migrations", str(migrations), *target)
    assert refused.returncode == 2 and "users.pfpFilename" in refused.stderr
    assert refused.stdout == ""
    (tmp_path / "empty").mkdir()
    empty = cli("--from-migrations", str(tmp_path / "empty"), *target)
    assert empty.stdout == cli("--from-empty", *target).stdout


def test_exactly_one_starting_point_is_given(tmp_path):
    schema = tmp_path / "schema.prisma"
    schema.write_text('datasource db {\n  provider = "postgresql"\n}\n')
    both = cli("--from-empty", "--from-migrations", str(tmp_path), "--to", str(schema))
    assert both.returncode == 2 and "give one of --from SCHEMA" in both.stderr


# Every PostgreSQL native type Prisma knows, with the arguments that change its
# class of cast, as `<Prisma scalar> @db.<Type>(…)`.
NATIVE_TYPES = [
    "String @db.Text",
    "String @db.VarChar",
    "String @db.VarChar(1)",
    "String @db.VarChar(3)",
    "String @db.VarChar(30)",
    "String @db.VarChar(400)",
    "String @db.Char",
    "String @db.Char(1)",
    "String @db.Char(4)",
    "String @db.Char(5)",
    "String @db.Char(40)",
    "String @db.Uuid",
    "String @db.Xml",
    "String @db.Inet",
    "String @db.Bit",
    "String @db.Bit(4)",
    "String @db.VarBit",
    "String @db.VarBit(4)",
    "Boolean @db.Boolean",
    "Int @db.Integer",
    "Int @db.SmallInt",
    "Int @db.Oid",
    "BigInt @db.BigInt",
    "Float @db.Real",
    "Float @db.DoublePrecision",
    "Decimal @db.Decimal",
    "Decimal @db.Decimal(5, 0)",
    "Decimal @db.Decimal(12, 2)",
    "Decimal @db.Decimal(30, 0)",
    "Decimal @db.Money",
    "DateTime @db.Timestamp",
    "DateTime @db.Timestamp(3)",
    "DateTime @db.Timestamp(6)",
    "DateTime @db.Timestamptz(3)",
    "DateTime @db.Date",
    "DateTime @db.Time(3)",
    "DateTime @db.Time(6)",
    "DateTime @db.Timetz",
    "Json @db.Json",
    "Json @db.JsonB",
    "Bytes @db.ByteA",
    "String[] @db.Text",
    "Int[] @db.Integer",
]


def _columns_schema(types: list[str], optional: bool) -> str:
    mark = "?"
    lines = []
    for i, spec in enumerate(types):
        scalar, native = spec.split(" ", 1)
        suffix = "" if scalar.endswith("[]") or not optional else mark
        lines.append(f"  c{i} {scalar}{suffix} {native}")
    body = "\n".join(lines)
    return (
        'datasource db {\n  provider = "postgresql"\n}\n\n'
        f"model T {{\n  id Int @id\n{body}\n}}\n"
    )


@pytest.mark.parametrize("optional", [False, True], ids=["required", "optional"])
def test_every_native_type_change_is_cast_as_prisma_casts_it(prisma, optional):
    """Every pair of native types (1,806 column type changes in one table):
    SET DATA TYPE where Prisma casts, DROP + ADD COLUMN where it does not."""
    pairs = [(a, b) for a in NATIVE_TYPES for b in NATIVE_TYPES if a != b]
    for start in range(0, len(pairs), 400):
        chunk = pairs[start : start + 400]
        before = _columns_schema([a for a, _ in chunk], optional)
        after = _columns_schema([b for _, b in chunk], optional)
        theirs = prisma.diff_schemas([("s.prisma", before)], [("s.prisma", after)], "public")
        ours = diff_sql(
            build_database(parse_text(before), "public"),
            build_database(parse_text(after), "public"),
        )
        ours_lines, their_lines = ours.split("\n"), theirs.split("\n")
        for index, (mine, prismas) in enumerate(zip(ours_lines, their_lines, strict=False)):
            assert mine == prismas, f"line {index}: {mine!r} vs Prisma's {prismas!r}"
        assert ours == theirs


def test_where_prismas_script_fails_ours_applies(prisma, database):
    """An index on a column Prisma drops and adds again: Prisma creates the
    index under its new name and then renames the old one, which no longer
    exists; ours creates it and stops there (README, departures)."""
    import psycopg

    before = (DATA / "recreated_columns.before.prisma").read_text()
    after = (DATA / "recreated_columns.after.prisma").read_text()
    baseline = prisma.diff_from_empty([("s.prisma", before)], "public")
    theirs = prisma.diff_schemas([("s.prisma", before)], [("s.prisma", after)], "public")
    ours = diff_sql(
        build_database(parse_text(before), "public"), build_database(parse_text(after), "public")
    )
    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute(baseline)
        with pytest.raises(psycopg.errors.UndefinedTable, match="Item_slug_old"):
            with connection.transaction():
                connection.execute(theirs)
        connection.execute(ours)
        indexes = connection.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'anythingllm' ORDER BY 1"
        ).fetchall()
    assert ("Item_slug_new",) in indexes and ("Item_slug_old",) not in indexes


def _with_extensions(extensions: str) -> str:
    return (
        'generator c {\n  provider        = "prisma-client-js"\n'
        '  previewFeatures = ["postgresqlExtensions"]\n}\n\n'
        f'datasource db {{\n  provider   = "postgresql"\n  extensions = [{extensions}]\n}}\n\n'
        "model A {\n  id Int @id\n}\n"
    )


@pytest.mark.parametrize(
    "before, after",
    [
        ("", "citext"),
        ("citext", ""),
        ("pg_trgm", 'pg_trgm(version: "1.6")'),
        ('pg_trgm(version: "1.5")', 'pg_trgm(version: "1.6")'),
        ("pg_trgm", 'pg_trgm(schema: "ext")'),
        ('pg_trgm(schema: "a")', 'pg_trgm(schema: "b", version: "1.6")'),
        ('citext, pg_trgm(version: "1.5")', 'hstore, citext(version: "1.6"), pg_trgm'),
        (
            'uuid_ossp(map: "uuid-ossp", version: "1.0")',
            'uuid_ossp(map: "uuid-ossp", version: "1.1")',
        ),
    ],
)
def test_extension_changes_are_what_prisma_writes(prisma, before, after):
    """Created; recreated when a version or schema given on both sides
    changes; left alone when no longer listed or given on one side only."""
    old, new = _with_extensions(before), _with_extensions(after)
    theirs = prisma.diff_schemas([("s.prisma", old)], [("s.prisma", new)], "public")
    ours = diff_sql(
        build_database(parse_text(old), "public"), build_database(parse_text(new), "public")
    )
    assert ours == theirs
    their_summary = prisma.diff_schemas(
        [("s.prisma", old)], [("s.prisma", new)], "public", script=False
    )
    steps = diff(
        build_database(parse_text(old), "public"), build_database(parse_text(new), "public")
    )
    # Prisma prints a stray backtick where the dropped extension's name belongs.
    ours_summary = re.sub(r"(\[-\] Removed extensions\n)  - [\w-]+\n", r"\1`", summary(steps))
    assert ours_summary == their_summary


def _counter(body: str) -> str:
    return (
        'datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm"]\n}\n\n'
        f'model T {{\n{body}\n  @@schema("anythingllm")\n}}\n'
    )


# (before, after, Prisma's bytes that fail and what we write instead)
AUTOINCREMENT = [
    ("  id Int @id\n  n  Int", "  id Int @id\n  n  Int @default(autoincrement())", []),
    ("  id Int @id\n  n  Int @default(5)", "  id Int @id\n  n  Int @default(autoincrement())", []),
    (
        "  id Int @id\n  n  Int?",
        "  id Int @id\n  n  BigInt @default(autoincrement())",
        [("SET DATA TYPE BIGSERIAL", "SET DATA TYPE BIGINT")],
    ),
    (
        "  id Int @id @default(autoincrement())\n  n  Int",
        "  id Int @id\n  n  Int",
        [('\nDROP SEQUENCE "";', "")],
    ),
    (
        "  id Int @id\n  n  Int @default(autoincrement())",
        "  id Int @id\n  n  Int @default(5)",
        [(',\nALTER COLUMN "n" DROP DEFAULT', ""), ('\nDROP SEQUENCE "";', "")],
    ),
    (
        "  id Int @id @default(autoincrement())\n  n  Int",
        "  id BigInt @id @default(autoincrement())\n  n  Int",
        [("SET DATA TYPE BIGSERIAL", "SET DATA TYPE BIGINT")],
    ),
]


@pytest.mark.parametrize("before, after, departures", AUTOINCREMENT)
@pytest.mark.parametrize("default_schema", ["anythingllm", "public"])
def test_autoincrement_changes_apply_and_leave_no_drift(
    prisma, database, default_schema, before, after, departures
):
    """@default(autoincrement()) added, removed, widened: Prisma's script,
    except where it fails (`DROP SEQUENCE ""`, `SET DATA TYPE BIGSERIAL`),
    where ours writes what applies; applied on PostgreSQL after the first
    schema's baseline, it leaves no drift by Prisma's own check."""
    import psycopg

    from generator.db.urls import with_parameter, without_parameter

    old, new = _counter(before), _counter(after)
    theirs = prisma.diff_schemas([("s.prisma", old)], [("s.prisma", new)], default_schema)
    for failing, working in departures:
        assert failing in theirs
        theirs = theirs.replace(failing, working)
    ours = diff_sql(
        build_database(parse_text(old), default_schema),
        build_database(parse_text(new), default_schema),
    )
    assert ours == theirs
    baseline = prisma.diff_from_empty([("s.prisma", old)], default_schema)
    url = without_parameter(with_parameter(database, "schema", default_schema), "schema")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{default_schema}"')
        connection.execute(f'SET search_path TO "{default_schema}"')
        connection.execute(baseline)
        connection.execute('INSERT INTO "anythingllm"."T" (id, n) VALUES (1, 7)')
        connection.execute(ours)
    assert "empty migration" in prisma.diff_database([("s.prisma", new)], url, default_schema)
