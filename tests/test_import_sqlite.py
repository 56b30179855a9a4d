"""`prisma-isolate import-sqlite` on a real PostgreSQL: a legacy AnythingLLM
SQLite database (built by AnythingLLM's own first migration) moved into the
deployed, isolated schema; every refusal leaves the target unchanged."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from conftest import CORPUS

from generator.db import pg_text
from generator.db.import_sqlite import digest_sum, encode_batch
from generator.db.pg_text import to_boolean, to_timestamp
from generator.db.urls import with_parameter, without_parameter
from generator.sql.model import ColumnType

SCHEMA = "anythingllm"
ANYTHINGLLM_2023 = "anythingllm/mintplex__schema.prisma__a126b5f5__2023-09-28.prisma"
ANYTHINGLLM_INIT = "anythingllm/mintplex__migrations__20230921191814_init__migration.sql"


def run_cli(*args: str, url: str | None = None, timeout: float = 300):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CI")}
    if url is not None:
        env["DATABASE_URL"] = url
    env["CI"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def deploy_schema(schema_file: Path, url: str, tmp_path: Path) -> Path:
    """generate + deploy the isolated schema; returns the generated schema."""
    out = tmp_path / "out"
    generated = run_cli(
        "generate", str(schema_file), "--provider", "postgresql", "-o", str(out), "-q"
    )
    assert generated.returncode == 0, generated.stderr
    deployed = run_cli("deploy", str(out / "schema.prisma"), "-q", url=url)
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    return out / "schema.prisma"


def dump(pg_server, url: str) -> str:
    return pg_server.dump_schema(without_parameter(url, "schema"), SCHEMA, data=True)


def query(url: str, sql: str):
    with psycopg.connect(without_parameter(url, "schema"), autocommit=True) as connection:
        return connection.execute(sql).fetchall()


# --- pure conversions ----------------------------------------------------------------


def test_datetime_encodings_of_prismas_sqlite_connector():
    expected = dt.datetime(2024, 1, 2, 3, 4, 5, 678000)
    millis = 1704164645678
    assert to_timestamp(millis) == expected  # older engines: INTEGER epoch ms
    assert to_timestamp(str(millis)) == expected
    assert to_timestamp("2024-01-02 03:04:05.678") == expected  # CURRENT_TIMESTAMP-like text
    assert to_timestamp("2024-01-02T03:04:05.678Z") == expected
    assert to_timestamp("2024-01-02T05:04:05.678+02:00") == expected  # converted to UTC
    assert to_timestamp("2024-01-02 03:04:05") == expected.replace(microsecond=0)


def test_boolean_forms():
    assert to_boolean(1) is True and to_boolean(0) is False and to_boolean("true") is True
    with pytest.raises(ValueError):
        to_boolean(2)


# --- every value as PostgreSQL prints it ----------------------------------------------

# (column type, SQLite values): each is sent as the text PostgreSQL prints for it.
PRINTED_CASES = [
    ("INTEGER", [0, -2147483648, 2147483647, 7.0, "12", None]),
    ("SMALLINT", [-32768, 32767]),
    ("BIGINT", [9007199254740993, -(2**63), 2**63 - 1]),
    ("BOOLEAN", [0, 1, "true", "f", None]),
    (
        "TIMESTAMP(3)",
        [
            1704164645678,
            1704164645600,
            1704164645000,
            1704164645678.0,
            -1,
            "2024-01-02 03:04:05.678",
            "2024-01-02 03:04:05.600",
            "2024-01-02 03:04:05",
            "2024-01-02T03:04:05.678Z",
            "2024-01-02T05:04:05.678+02:00",
            "2024-01-02 03:04:05.678901",
            " 1704164645678 ",
            "0001-01-01 00:00:00",
            None,
        ],
    ),
    ("TIMESTAMP", [1704164645678, "2024-01-02 03:04:05.000001"]),
    ("TIMESTAMP(0)", [1704164645678]),
    ("TIMESTAMPTZ(3)", [1704164645678, "2024-01-02T03:04:05Z"]),
    ("DATE", [1704164645678, "2024-01-02"]),
    ("TIME(3)", [1704164645678, 1704153600000]),
    ("DECIMAL(65,30)", ["12.50", 0.1, 3, "-0.000", "1e3", "123456789.123456789", "NaN"]),
    ("DECIMAL(10,2)", ["1.005", "-1.005", "99999999.99"]),
    ("NUMERIC", ["1.50", "1E+3", "-0", "0.000001"]),
    ("DOUBLE PRECISION", [0.1, 100.0, 1e15, 1.5e15, 1e16, 1e-5, 1e-4, -0.0, 1e300, 5e-324]),
    ("DOUBLE PRECISION", [123456789012345.6, 2.5, 3, "0.30000000000000004", float("inf")]),
    ("REAL", [0.1, 100.0, 1e6, 1e-5, 3.4e38, 16777217, 1 / 3, -0.0]),
    (
        "JSONB",
        [
            '{"b": [1, 2.5, null], "a": "ü", "aa": {"z": 1, "y": 2}}',
            '{"a":1,"a":2}',
            '{"n": [1.50, 1e3, 1E-7, -0, -0.0, 12345678901234567890, 0.1]}',
            '"just a string"',
            "null",
            "[]",
            "{}",
            ' {"x": "tab\\tnewline\\nquote\\"back\\\\slash\\u0001\\u00e9\\ud83d\\ude00"} ',
            '{"\u00e9": 1, "zz": 2, "é": 3}',
            None,
        ],
    ),
    ("JSON", ['{"b":1,  "a":2}']),
    ("BYTEA", [b"\x00\xffbytes", b"", "text as bytes"]),
    ("UUID", ["A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"]),
    ("CHAR(5)", ["ab", "abcde", "ab   ", "  a"]),
    ("VARCHAR(20)", ["tab\there", "new\nline\r", "back\\slash", 5, 0.5]),
    ("TEXT", ["plain", "ünïcødé 🙂", "", None]),
]


def column_type(sql: str) -> ColumnType:
    base, _, args = sql.partition("(")
    return ColumnType(base, tuple(a.strip() for a in args.rstrip(")").split(",")) if args else ())


def test_each_value_is_sent_as_postgresql_prints_it(database):
    """The field text of every value equals PostgreSQL's own text for what it
    stored from it (the digest's side): the server is the judge."""
    with psycopg.connect(database) as connection:
        for name, value in pg_text.SESSION_SETTINGS.items():
            connection.execute("SELECT set_config(%s, %s, true)", (name, value))
        for number, (sql, values) in enumerate(PRINTED_CASES):
            kind = column_type(sql)
            assert kind.sql == sql.replace(", ", ",")
            field = pg_text.field_for(kind)
            sent = [field(v) for v in values]
            table = f"printed_{number}"
            connection.execute(f"CREATE TEMP TABLE {table} (n int, v {sql})")
            with connection.cursor().copy(f"COPY {table} FROM STDIN") as copy:
                copy.write("".join(f"{i}\t{text}\n" for i, text in enumerate(sent)).encode())
            select = pg_text.row_digest_sql(
                [("v", pg_text.is_text(kind), not pg_text.is_plain(kind))],
                connection.info.server_version,
            )
            line = select.split("convert_to(")[1].split(", 'UTF8')")[0]
            printed = [r[0] for r in connection.execute(f"SELECT {line} FROM {table} ORDER BY n")]
            assert printed == sent, sql


def test_random_floats_print_as_postgresql_prints_them(database):
    import random
    import struct

    rng = random.Random(14)
    doubles = [struct.unpack("d", rng.randbytes(8))[0] for _ in range(3000)]
    doubles += [rng.uniform(-1e17, 1e17) for _ in range(1000)]
    doubles += [round(rng.uniform(-1000, 1000), rng.randrange(6)) for _ in range(1000)]
    doubles = [d for d in doubles if d == d and abs(d) != float("inf")]
    singles = [struct.unpack("f", rng.randbytes(4))[0] for _ in range(3000)]
    singles = [f for f in singles if f == f and abs(f) != float("inf")]
    with psycopg.connect(database) as connection:
        connection.execute("SET extra_float_digits = 1")
        for kind, values, text in [
            ("float8", doubles, pg_text.float_text),
            ("float4", singles, pg_text.real_text),
        ]:
            printed = connection.execute(
                f"SELECT array_agg(v::{kind}::text ORDER BY n) FROM unnest(%s::float8[])"
                " WITH ORDINALITY AS u(v, n)",
                (values,),
            ).fetchone()[0]
            assert printed == [text(v) for v in values], kind


def _random_json(rng, depth: int = 0) -> str:
    """A JSON document as someone might write it: any key order, repeated
    keys, non-ASCII keys (jsonb orders keys by their UTF-8 length), numbers in
    every notation, escapes, white space."""
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice(["null", "true", "false", "0", "-0", "-0.0", "1e3", "1E-7", "2.50"])
    if kind == 1:
        digits = str(rng.randrange(10 ** rng.randrange(1, 25)))
        if rng.random() < 0.5:
            digits += "." + str(rng.randrange(10 ** rng.randrange(1, 8))).zfill(rng.randrange(1, 8))
        if rng.random() < 0.3:
            digits += rng.choice("eE") + rng.choice(["", "+", "-"]) + str(rng.randrange(30))
        return rng.choice(["", "-"]) + digits
    if kind == 2:
        return repr(rng.uniform(-1e6, 1e6)) if rng.random() < 0.5 else str(rng.random())
    if kind == 3:
        alphabet = 'ab é\t\n"\\/\u00ff\u2028🙂\x01z'
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))
        return json.dumps(text, ensure_ascii=rng.random() < 0.5)
    if kind in (4, 5):
        keys = ["a", "b", "aa", "é", "ab", "zz", "éé", "key", "🙂", "A", ""]
        items = [
            f"{json.dumps(rng.choice(keys))}{' ' * rng.randrange(2)}:{_random_json(rng, depth + 1)}"
            for _ in range(rng.randrange(5))
        ]
        return "{" + (", " if rng.random() < 0.5 else ",").join(items) + "}"
    items = [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return "[" + ",".join(items) + "]"


def test_random_json_prints_as_jsonb_prints_it(database):
    """jsonb's text of 2,000 random documents, PostgreSQL's against ours."""
    import random

    rng = random.Random(14)
    documents = [_random_json(rng) for _ in range(2000)]
    with psycopg.connect(database) as connection:
        printed = connection.execute(
            "SELECT array_agg(concat(v::jsonb) ORDER BY n) FROM unnest(%s::text[])"
            " WITH ORDINALITY AS u(v, n)",
            (documents,),
        ).fetchone()[0]
    for document, expected in zip(documents, printed, strict=True):
        assert pg_text.jsonb_text(document) == expected, document


def test_batches_convert_as_each_value_does():
    """The column-at-a-time conversion (C loops, shared tables of distinct
    values) gives the field functions' text, with NULLs, escapes and repeats."""
    kinds = [column_type(t) for t in ("INTEGER", "TEXT", "BOOLEAN", "TIMESTAMP(3)", "JSONB")]
    kinds.append(column_type("TIMESTAMP(3)"))
    convert = pg_text.batch_converter(kinds)
    fields = [pg_text.field_for(k) for k in kinds]
    stamp = 1704164645678
    batches = [
        [(i, f"t{i}", i % 2, stamp + i, '{"a": 1}', stamp + i) for i in range(50)],
        [(i, None, 1, stamp, None, "2024-01-02 03:04:05.6") for i in range(50)],
        [(2.0, "a\tb\\c", "t", stamp + i % 3, f'{{"b": {i}, "a": 1}}', None) for i in range(9)],
        [(None, 5, 0, None, "[1, 2]", stamp) for i in range(3)],
    ]
    for batch in batches:
        expected = [
            [f(v) for v in column]
            for f, column in zip(fields, zip(*batch, strict=True), strict=True)
        ]
        assert convert(batch) == expected
    with pytest.raises(ValueError, match="NUL"):
        convert([(1, "a\x00b", 1, None, None, None)])
    with pytest.raises(ValueError, match="range"):
        convert([(2**31, "a", 1, None, None, None)])


def test_the_digest_is_computed_alike_by_postgresql_and_sees_a_change(database):
    """Python's digest of the lines it sends equals PostgreSQL's digest of the
    stored rows, in any order; a changed value, a missing row or a duplicate
    changes it.  Columns that held no escape are digested without them."""
    kinds = [column_type(t) for t in ("INTEGER", "TEXT", "JSONB", "TIMESTAMP(3)")]
    rows = [
        (1, "a\tb", '{"b": 1, "a": [1, 2]}', 1704164645678),
        (2, "plain", None, "2024-01-02 03:04:05.678"),
        (3, "back\\slash", '"x\\ny"', None),
    ]
    unescaped = {1, 2}
    lines, digest = encode_batch(pg_text.batch_converter(kinds), rows, unescaped)
    assert unescaped == set()  # both text-like columns held an escape
    assert digest == digest_sum(lines[::-1])
    _, plain_digest = encode_batch(pg_text.batch_converter(kinds), rows[1:2], {1, 2})
    with psycopg.connect(database) as connection:
        connection.execute("CREATE TEMP TABLE t (i int, s text, j jsonb, at timestamp(3))")
        with connection.cursor().copy("COPY t FROM STDIN") as copy:
            copy.write(b"".join(line + b"\n" for line in lines))
        columns = [("i", False, False), ("s", True, True), ("j", False, True), ("at", False, False)]

        def found(where="true", plain=columns):
            # PostgreSQL 18's bytea-to-bigint cast, and the hex way of the
            # versions before it: the same figure.
            figures = {
                tuple(
                    int(v)
                    for v in connection.execute(
                        f"SELECT {pg_text.row_digest_sql(plain, version)} FROM t WHERE {where}"
                    ).fetchone()
                )
                for version in {170000, connection.info.server_version}
            }
            assert len(figures) == 1, figures
            return figures.pop()

        assert found() == (3, digest)
        assert found("i = 2", [(c, text, False) for c, text, _ in columns]) == (1, plain_digest)
        connection.execute('UPDATE t SET j = \'{"a": [1, 2], "b": 2}\' WHERE i = 1')
        assert found() != (3, digest)
        connection.execute('UPDATE t SET j = \'{"a": [1, 2], "b": 1}\' WHERE i = 1')
        assert found() == (3, digest)
        connection.execute("INSERT INTO t SELECT * FROM t WHERE i = 3")
        assert found()[1] != digest
        connection.execute("DELETE FROM t WHERE i = 3")
        assert found() != (3, digest)


# --- AnythingLLM's own legacy database ---------------------------------------------------


def anythingllm_sqlite(path: Path, users: int = 300) -> Path:
    """AnythingLLM's first migration, filled with rows in both DateTime encodings."""
    db = sqlite3.connect(path)
    db.executescript((CORPUS / ANYTHINGLLM_INIT).read_text())
    base = 1704164645678
    stamp = [
        lambda i: base + i * 1000,  # INTEGER epoch ms
        lambda i: dt.datetime.utcfromtimestamp((base + i) / 1000).strftime("%Y-%m-%d %H:%M:%S.%f")[
            :-3
        ],
        lambda i: f"2024-03-0{1 + i % 9}T10:00:00.{i % 1000:03d}Z",
    ]
    with db:
        db.executemany(
            "INSERT INTO users (username, password, role, suspended, createdAt, lastUpdatedAt)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    None if i % 10 == 0 else f"user {i} ünïcødé 🙂",
                    f"hash{i}",
                    "admin" if i == 1 else "default",
                    i % 2,
                    stamp[i % 3](i),
                    stamp[(i + 1) % 3](i),
                )
                for i in range(1, users + 1)
            ],
        )
        db.executemany(
            "INSERT INTO workspaces (name, slug, openAiTemp, openAiHistory, createdAt,"
            " lastUpdatedAt, openAiPrompt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"ws {i}",
                    f"ws-{i}",
                    None if i % 4 == 0 else i / 10,
                    20,
                    stamp[i % 3](i),
                    stamp[i % 3](i),
                    "x" * (i * 100),
                )
                for i in range(1, 51)
            ],
        )
        db.executemany(
            "INSERT INTO workspace_documents (docId, filename, docpath, workspaceId, metadata,"
            " createdAt, lastUpdatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    f"doc-{i}",
                    f"f{i}.pdf",
                    f"/d/{i}",
                    1 + i % 50,
                    json.dumps({"title": f"naïve {i}", "pages": i}),
                    stamp[i % 3](i),
                    stamp[0](i),
                )
                for i in range(1, 501)
            ],
        )
        db.executemany(
            "INSERT INTO workspace_chats (workspaceId, prompt, response, include, user_id,"
            " createdAt, lastUpdatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    1 + i % 50,
                    f"q {i}",
                    "answer ✓ " * (1 + i % 200),
                    i % 2,
                    None if i % 5 == 0 else 1 + i % users,
                    stamp[i % 3](i),
                    stamp[1](i),
                )
                for i in range(1, 2001)
            ],
        )
        db.executemany(
            "INSERT INTO workspace_users (user_id, workspace_id, createdAt, lastUpdatedAt)"
            " VALUES (?, ?, ?, ?)",
            [(1 + i % users, 1 + i % 50, stamp[0](i), stamp[2](i)) for i in range(1, 301)],
        )
        db.executemany(
            "INSERT INTO system_settings (label, value, createdAt, lastUpdatedAt)"
            " VALUES (?, ?, ?, ?)",
            [
                (f"setting_{i}", None if i % 2 else str(i), stamp[1](i), stamp[1](i))
                for i in range(10)
            ],
        )
    # A gap (ids are kept, not renumbered), deleted as Prisma would: with its cascades.
    db.execute("PRAGMA foreign_keys = ON")
    with db:
        db.execute("DELETE FROM users WHERE id = 7")
    db.close()
    return path


@pytest.fixture
def anythingllm(corpus, database, tmp_path):
    """(sqlite file, generated isolated schema, url) with the schema deployed."""
    url = with_parameter(database, "schema", SCHEMA)
    schema = deploy_schema(CORPUS / ANYTHINGLLM_2023, url, tmp_path)
    return anythingllm_sqlite(tmp_path / "anythingllm.db"), schema, url


def test_import_anythingllm_database(anythingllm, tmp_path):
    sqlite_file, schema, url = anythingllm
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--json", url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    counts = {name: t["rows"] for name, t in report["tables"].items()}
    with sqlite3.connect(sqlite_file) as db:
        for name, rows in counts.items():
            assert db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] == rows, name
    assert counts["users"] == 299 and counts["workspace_chats"] > 1900
    assert counts["workspace_documents"] == 500 and counts["welcome_messages"] == 0
    # Values as Prisma stores them on PostgreSQL.
    ((created, include),) = query(
        url, f'SELECT "createdAt", include FROM "{SCHEMA}".workspace_chats WHERE id = 3'
    )
    assert created == to_timestamp(1704164645678 + 3000) and include is True
    ((created,),) = query(url, f'SELECT "createdAt" FROM "{SCHEMA}".users WHERE id = 2')
    assert created == dt.datetime(2024, 3, 3, 10, 0, 0, 2000)
    assert query(url, f'SELECT max(id) FROM "{SCHEMA}".users') == [(300,)]
    # Sequences continue: an INSERT without an id succeeds, after the largest id.
    ((new_id,),) = query(
        url,
        f'INSERT INTO "{SCHEMA}".users (password, "lastUpdatedAt") VALUES (\'x\', now()) RETURNING id',
    )
    assert new_id == 301
    verify = run_cli(
        "verify", str(schema), "--json", "--migrations", str(schema.parent / "migrations"), url=url
    )
    assert verify.returncode == 0, verify.stdout


def test_refusals_leave_the_target_unchanged(pg_server, anythingllm, tmp_path):
    sqlite_file, schema, url = anythingllm
    before = dump(pg_server, url)

    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    result = run_cli("import-sqlite", str(not_sqlite), str(schema), url=url)
    assert result.returncode == 3 and "not a SQLite database" in result.stderr

    locker = sqlite3.connect(sqlite_file, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), url=url)
    locker.execute("ROLLBACK")
    locker.close()
    assert result.returncode == 3 and "locked by another process" in result.stderr

    extra = tmp_path / "extra.db"
    extra.write_bytes(sqlite_file.read_bytes())
    with sqlite3.connect(extra) as db:
        db.execute("ALTER TABLE users ADD COLUMN nickname TEXT")
    result = run_cli("import-sqlite", str(extra), str(schema), url=url)
    assert result.returncode == 1 and "column users.nickname is not in the schema" in result.stderr

    bad = tmp_path / "bad.db"
    bad.write_bytes(sqlite_file.read_bytes())
    with sqlite3.connect(bad) as db:  # breaks in the last table copied: all the rest rolls back
        db.execute("UPDATE workspace_chats SET include = 7 WHERE id = 1999")
    result = run_cli("import-sqlite", str(bad), str(schema), url=url)
    assert result.returncode == 1, result.stderr
    assert (
        "workspace_chats (id=1999), column include: cannot convert a int value (not a Boolean)"
        in result.stderr
    )
    assert dump(pg_server, url) == before

    # A rejected row is named by table, key and column; its values are never printed.
    for name, statement, message in [
        (
            "nul.db",
            "UPDATE users SET password = 'hunter2-hash' || char(0) || 'x' WHERE id = 5",
            "users (id=5), column password: cannot convert a str value (text with a NUL byte",
        ),
        (
            "epoch.db",
            "UPDATE users SET createdAt = 99999999999999999 WHERE id = 6",
            "users (id=6), column createdAt: cannot convert a int value (epoch milliseconds",
        ),
    ]:
        broken = tmp_path / name
        broken.write_bytes(sqlite_file.read_bytes())
        with sqlite3.connect(broken) as db:
            db.execute(statement)
        result = run_cli("import-sqlite", str(broken), str(schema), url=url)
        assert result.returncode == 1 and message in result.stderr, result.stderr
        assert "hunter2" not in result.stderr and "99999999999999999" not in result.stderr
    assert dump(pg_server, url) == before

    orphan = tmp_path / "orphan.db"
    orphan.write_bytes(sqlite_file.read_bytes())
    with sqlite3.connect(orphan) as db:  # SQLite does not enforce FKs unless asked
        db.execute("UPDATE workspace_chats SET user_id = 9999 WHERE id = 5")
    result = run_cli("import-sqlite", str(orphan), str(schema), url=url)
    assert result.returncode == 1 and "workspace_chats_user_id_fkey" in result.stderr
    assert dump(pg_server, url) == before

    # A non-empty target is refused, then replaced with --truncate.
    assert run_cli("import-sqlite", str(sqlite_file), str(schema), "-q", url=url).returncode == 0
    filled = dump(pg_server, url)
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), url=url)
    assert result.returncode == 1 and "already hold rows" in result.stderr
    assert dump(pg_server, url) == filled
    again = run_cli("import-sqlite", str(sqlite_file), str(schema), "--truncate", "--json", url=url)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["tables"]["users"]["rows"] == 299


def test_import_refuses_an_undeployed_target(corpus, database, tmp_path):
    url = with_parameter(database, "schema", SCHEMA)
    sqlite_file = anythingllm_sqlite(tmp_path / "a.db", users=5)
    result = run_cli("import-sqlite", str(sqlite_file), str(CORPUS / ANYTHINGLLM_2023), url=url)
    assert result.returncode == 1 and "run `prisma-isolate deploy` first" in result.stderr


def test_sequences_restart_inside_the_transaction(database):
    """A failed import leaves sequences where they were: they are restarted by
    ALTER SEQUENCE, which rolls back (setval would not)."""
    import psycopg

    from generator.db.import_sqlite import TablePlan, _restart_sequences

    with psycopg.connect(database, autocommit=True) as connection:
        connection.execute("CREATE TABLE t (id SERIAL PRIMARY KEY)")
        connection.execute("INSERT INTO t SELECT FROM generate_series(1, 3)")
        connection.execute("DELETE FROM t WHERE id < 3")
        connection.execute("INSERT INTO t (id) VALUES (41)")
        plan = TablePlan("t", "public", ["id"], [], None, [ColumnType("SERIAL")], ["id"], ["id"])
        with connection.transaction(force_rollback=True):
            _restart_sequences(connection, [plan])
            assert connection.execute("SELECT nextval('t_id_seq')").fetchone() == (42,)
        assert connection.execute("SELECT nextval('t_id_seq')").fetchone() == (4,)


# --- every scalar type ------------------------------------------------------------------

ALL_TYPES_SCHEMA = """
datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

model everything {
  id       Int       @id @default(autoincrement())
  big      BigInt?
  price    Decimal?
  ratio    Float?
  flag     Boolean   @default(false)
  data     Json?
  blob     Bytes?
  at       DateTime?
  label    String?
}
"""

# As Prisma's SQLite connector lays the table out.
ALL_TYPES_SQLITE = """
CREATE TABLE "everything" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "big" BIGINT, "price" DECIMAL, "ratio" REAL, "flag" BOOLEAN NOT NULL DEFAULT false,
    "data" JSONB, "blob" BLOB, "at" DATETIME, "label" TEXT
);
"""


def deployed_with_sqlite(
    database, tmp_path, schema_text: str, tables: str, table: str, rows: list, name: str
) -> tuple[Path, Path, str]:
    """(a SQLite file `name` made by `tables`, with `rows` in `table`; the
    deployed `schema_text`; the url)."""
    url = with_parameter(database, "schema", SCHEMA)
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(schema_text)
    schema = deploy_schema(schema_file, url, tmp_path)
    sqlite_file = tmp_path / name
    with sqlite3.connect(sqlite_file) as db:
        db.executescript(tables)
        db.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(rows[0]))})', rows)
    return sqlite_file, schema, url


def everything(database, tmp_path, rows: list) -> tuple[Path, Path, str]:
    """(a SQLite file of `rows` as Prisma's SQLite connector lays ALL_TYPES out,
    the deployed ALL_TYPES_SCHEMA, the url)."""
    return deployed_with_sqlite(
        database, tmp_path, ALL_TYPES_SCHEMA, ALL_TYPES_SQLITE, "everything", rows, "all.db"
    )


def test_every_scalar_type_round_trips(database, tmp_path):
    sqlite_file, schema, url = everything(
        database,
        tmp_path,
        [
            (
                1,
                9007199254740993,
                "12.50",
                0.1,
                1,
                '{"b": [1, 2.5, null], "a": "ü"}',
                b"\x00\xffbytes",
                1704164645678,
                "plain",
            ),
            (2, -5, 3.25, None, 0, '"just a string"', None, "2024-01-02T03:04:05.678Z", None),
            (5, None, None, 1e300, 0, None, b"", "2024-01-02 03:04:05", "ünïcødé"),
        ],
    )
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--json", url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = query(url, f'SELECT * FROM "{SCHEMA}".everything ORDER BY id')
    assert rows[0][1] == 9007199254740993 and rows[0][2] == Decimal("12.5")
    assert rows[0][5] == {"a": "ü", "b": [1, 2.5, None]} and bytes(rows[0][6]) == b"\x00\xffbytes"
    assert rows[0][7] == dt.datetime(2024, 1, 2, 3, 4, 5, 678000) and rows[0][4] is True
    assert rows[1][5] == "just a string" and rows[1][7] == rows[0][7]
    assert rows[2][3] == 1e300 and bytes(rows[2][6]) == b""
    ((next_id,),) = query(
        url, f'INSERT INTO "{SCHEMA}".everything (flag) VALUES (true) RETURNING id'
    )
    assert next_id == 6


def test_unreachable_database_is_exit_2_not_a_traceback(corpus, tmp_path):
    sqlite_file = anythingllm_sqlite(tmp_path / "a.db", users=5)
    result = run_cli(
        "import-sqlite",
        str(sqlite_file),
        str(CORPUS / ANYTHINGLLM_2023),
        "--timeout",
        "1",
        url="postgresql://app:secret@127.0.0.1:9/app",
    )
    assert result.returncode == 2
    assert "cannot connect to postgresql://app:***@127.0.0.1:9/app" in result.stderr


HOSTS_SCHEMA = (
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
    "model hosts {\n  id      Int    @id\n  address String @db.Inet\n}\n"
)


def hosts(database, tmp_path, rows: list, key_type: str = "INTEGER") -> tuple[Path, Path, str]:
    """(a SQLite file of `rows`, the deployed HOSTS_SCHEMA, the url)."""
    return deployed_with_sqlite(
        database,
        tmp_path,
        HOSTS_SCHEMA,
        f'CREATE TABLE "hosts" ("id" {key_type} PRIMARY KEY, "address" TEXT NOT NULL);',
        "hosts",
        rows,
        f"hosts_{len(list(tmp_path.glob('hosts_*.db')))}.db",
    )


def test_a_value_postgresql_stores_otherwise_is_refused(database, tmp_path):
    """The digest is PostgreSQL's text of what it stored: an inet given as
    '10.0.0.2/32' is stored as 10.0.0.2, the row differs from what was sent,
    and the whole import rolls back, naming the table."""
    for address, code in [("10.0.0.1", 0), ("10.0.0.2/32", 1)]:
        sqlite_file, schema, url = hosts(database, tmp_path, [(1, address)])
        result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--truncate", url=url)
        assert result.returncode == code, result.stdout + result.stderr
    assert "source and target differ after the copy" in result.stderr
    assert "hosts: sent 1 rows" in result.stderr
    assert query(url, f'SELECT concat(address) FROM "{SCHEMA}".hosts') == [("10.0.0.1",)]


def test_segments_are_digested_as_they_are_copied(anythingllm):
    """A table keyed by an integer is copied in segments of 20 batches, each
    digested by the server while the next is converted: small batches (many
    segments) store exactly what the default does."""
    sqlite_file, schema, url = anythingllm

    def rows():
        return {
            table: query(url, f'SELECT * FROM "{SCHEMA}".{table} ORDER BY id')
            for table in ("users", "workspaces", "workspace_documents", "workspace_chats")
        }

    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--batch-size", "7", url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    segmented = rows()
    assert len(segmented["workspace_chats"]) > 1900  # 15 segments of 140 rows
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--truncate", url=url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert rows() == segmented


def test_a_segment_postgresql_stores_otherwise_is_named_and_rolled_back(database, tmp_path):
    rows = [(i, f"10.0.0.{i}/32" if i == 50 else f"10.0.0.{i}") for i in range(1, 101)]
    sqlite_file, schema, url = hosts(database, tmp_path, rows)
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--batch-size", "2", url=url)
    assert result.returncode == 1, result.stdout + result.stderr
    # Segments of 20 batches, 40 rows: the second holds id 50.
    assert 'hosts (rows where "id" > 40): sent 40 rows' in result.stderr
    assert query(url, f'SELECT count(*) FROM "{SCHEMA}".hosts') == [(0,)]


def test_keys_that_are_not_integers_in_sqlite_are_digested_whole(database, tmp_path):
    """A key column SQLite holds as text ('10' sorts before '9') gives no key
    ranges to digest by: the table is digested whole, after the copy."""
    rows = [(str(i), f"10.0.0.{i}") for i in range(1, 101)]
    sqlite_file, schema, url = hosts(database, tmp_path, rows, key_type="TEXT")
    result = run_cli(
        "import-sqlite", str(sqlite_file), str(schema), "--batch-size", "3", "--json", url=url
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["tables"]["hosts"]["rows"] == 100
    assert query(url, f'SELECT count(*), max(id) FROM "{SCHEMA}".hosts') == [(100, 100)]


def test_a_bad_value_while_a_segment_is_digested_rolls_back_cleanly(database, tmp_path):
    """The batches after a segment are converted while the server digests it:
    a value that cannot be converted there ends the import the usual way."""
    rows = [(i, "a\x00b" if i == 32 else f"10.0.0.{i}") for i in range(1, 101)]
    sqlite_file, schema, url = hosts(database, tmp_path, rows)
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), "--batch-size", "3", url=url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "hosts (id=32), column address: cannot convert a str value" in result.stderr
    assert query(url, f'SELECT count(*) FROM "{SCHEMA}".hosts') == [(0,)]


def test_a_background_query_ends_before_an_error_leaves_its_block(database):
    """The connection is idle again when an error leaves the block, so the
    transaction can roll back; the server's own errors are psycopg's."""
    from generator.db.session import BackgroundQuery

    with psycopg.connect(database) as connection:
        connection.execute("CREATE TEMP TABLE t AS SELECT 1 AS n")
        with pytest.raises(ZeroDivisionError):
            with BackgroundQuery(connection, "SELECT pg_sleep(0.3), 42") as running:
                assert not running.ready()
                1 / 0  # noqa: B018
        connection.rollback()
        assert connection.execute("SELECT 1").fetchone() == (1,)
        with BackgroundQuery(connection, "SELECT count(*), 'x' FROM pg_class") as running:
            count, text = running.row()
        assert int(count) > 0 and text == "x"
        with pytest.raises(psycopg.errors.DivisionByZero):
            with BackgroundQuery(connection, "SELECT 1 / 0") as running:
                running.row()
        connection.rollback()
        assert connection.execute("SELECT 2").fetchone() == (2,)


def test_the_copy_pauses_the_collector_and_restores_it_on_an_error():
    """The collector is paused and the writer thread scheduled promptly only
    while rows are copied: an error leaves the process as it found it."""
    import gc

    from generator.db.import_sqlite import _copying

    interval = sys.getswitchinterval()
    with pytest.raises(RuntimeError):
        with _copying():
            assert not gc.isenabled()
            assert sys.getswitchinterval() < interval
            raise RuntimeError
    assert gc.isenabled()
    assert sys.getswitchinterval() == interval


def test_json_nested_too_deeply_to_check_is_refused_not_a_traceback(database, tmp_path):
    """Python's JSON reader stops at its recursion limit (~1,000 levels), far
    below what jsonb accepts: such a document is a value that cannot be
    converted, named like any other, and nothing is imported."""
    deep = "[" * 5000 + "]" * 5000
    for field in (pg_text.jsonb_field, pg_text.json_field):
        with pytest.raises(ValueError, match="nested too deeply"):
            field(deep)
    sqlite_file, schema, url = everything(
        database, tmp_path, [(7, None, None, None, 0, deep, None, None, None)]
    )
    result = run_cli("import-sqlite", str(sqlite_file), str(schema), url=url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "everything (id=7), column data: cannot convert a str value" in result.stderr
    assert "nested too deeply" in result.stderr
    assert query(url, f'SELECT count(*) FROM "{SCHEMA}".everything') == [(0,)]
