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

from generator.db.import_sqlite import canonical, to_boolean, to_decimal, to_timestamp
from generator.db.urls import with_parameter, without_parameter

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
    assert to_timestamp(None) is None


def test_boolean_decimal_and_canonical_forms():
    assert to_boolean(1) is True and to_boolean(0) is False and to_boolean("true") is True
    with pytest.raises(ValueError):
        to_boolean(2)
    assert to_decimal(0.1) == Decimal("0.1")
    # What is sent and what PostgreSQL's DECIMAL(65,30) gives back compare equal.
    assert canonical(Decimal("0.1")) == canonical(Decimal("0.100000000000000000000000000000"))
    assert canonical(Decimal("100")) == canonical(Decimal("100.000")) == "100"


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
        plan = TablePlan("t", "public", ["id"], [], set(), ["id"], ["id"])
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


def test_every_scalar_type_round_trips(database, tmp_path):
    url = with_parameter(database, "schema", SCHEMA)
    schema_file = tmp_path / "schema.prisma"
    schema_file.write_text(ALL_TYPES_SCHEMA)
    schema = deploy_schema(schema_file, url, tmp_path)
    sqlite_file = tmp_path / "all.db"
    with sqlite3.connect(sqlite_file) as db:
        db.executescript(ALL_TYPES_SQLITE)
        db.executemany(
            "INSERT INTO everything VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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


def test_the_table_digest_agrees_across_sides_and_sees_a_change():
    """The SQLite side (JSON as text) and the PostgreSQL side (JSON parsed,
    numeric with its column's scale) digest the same rows alike, in any order;
    one changed value, a missing row or a duplicate changes the digest."""
    import datetime as dt

    from generator.db.import_sqlite import TableDigest

    moment = dt.datetime(2024, 1, 2, 3, 4, 5, 678000)
    source = [
        (1, "a", Decimal("1.5"), '{"b": 1, "a": [1, 2]}', float("nan"), moment),
        (2, "b", Decimal("2"), None, 0.1, None),
    ]
    target = [
        (2, "b", Decimal("2.000"), None, 0.1, None),
        (1, "a", Decimal("1.500"), {"a": [1, 2], "b": 1}, float("nan"), moment),
    ]

    def digest(rows, source_json):
        d = TableDigest({3}, {4}, source_json=source_json)
        for row in rows:
            d.add(row)
        return d.rows, d.hexdigest

    assert digest(source, True) == digest(target, False)
    changed = [target[0], (1, "a", Decimal("1.5"), {"a": [1, 2], "b": 2}, float("nan"), moment)]
    assert digest(changed, False) != digest(source, True)
    assert digest(target[:1], False) != digest(source, True)
    assert digest(target + target[:1], False)[1] != digest(source, True)[1]
