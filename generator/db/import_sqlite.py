"""`prisma-isolate import-sqlite`: copy a legacy AnythingLLM SQLite database
into the deployed, isolated PostgreSQL schema, losing nothing.

- The SQLite file is opened read-only inside one read transaction: a
  consistent snapshot, and a clear error when another process holds a write
  lock on it.
- Every SQLite table and column must be known to the schema (else data would
  be left behind): a mismatch is refused before anything is written.
- Rows are converted the way Prisma's PostgreSQL connector stores them
  (DateTime from epoch milliseconds or text, Boolean from 0/1, Json text,
  BigInt, Decimal, Bytes) and streamed with COPY in batches, tables in
  foreign-key order.  Memory stays bounded by the batch size.
- All of it is ONE PostgreSQL transaction: per-table row counts and content
  checksums of the converted values are compared between source and target
  (the target read back through a server-side cursor), sequences are
  restarted at max(id) + 1 (ALTER SEQUENCE, which rolls back, unlike
  setval), and only then is it committed.  Any failure or difference rolls
  everything back: the target is unchanged, its sequences included.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from generator.db.connection import EXIT_DRIFT, EXIT_USAGE, Unreachable
from generator.db.session import locked_session, run_error, tables_in
from generator.errors import CommandFailure
from generator.report import envelope
from generator.sql.identifiers import quote_identifier as q

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables SQLite or Prisma keep for themselves; never application data.
SQLITE_INTERNAL = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "_prisma_migrations"}
_EPOCH = dt.datetime(1970, 1, 1)
_MASK = (1 << 64) - 1


@dataclass
class TableReport:
    rows: int = 0
    checksum: str = ""
    seconds: float = 0.0


@dataclass
class ImportReport:
    database: str
    source: str
    schema: str
    tables: dict[str, TableReport] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: dict | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        rows = sum(t.rows for t in self.tables.values())
        tables = {
            name: {"rows": t.rows, "checksum": t.checksum, "seconds": round(t.seconds, 3)}
            for name, t in self.tables.items()
        }
        per_second = round(rows / self.seconds) if self.seconds else None
        return envelope(
            self.database,
            {"source": self.source, "schema": self.schema},
            {"rows": rows, "rows_per_second": per_second, "tables": tables},
            self.notes,
            self.error,
            self.seconds,
        )


# --- converting values the way Prisma stores them in PostgreSQL -------------------


def to_timestamp(value):
    """Prisma's SQLite DateTime: integer epoch milliseconds (older engines) or
    text such as '2024-01-02 03:04:05.678', '2024-01-02T03:04:05.678Z' or
    '…+00:00'.  PostgreSQL gets TIMESTAMP(3) in UTC, without a zone."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch_ms(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return _from_epoch_ms(int(text))
    parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed.replace(microsecond=parsed.microsecond // 1000 * 1000)  # TIMESTAMP(3)


def _from_epoch_ms(value) -> dt.datetime:
    try:
        return _EPOCH + dt.timedelta(milliseconds=int(value))
    except (OverflowError, ValueError):
        raise ValueError("epoch milliseconds out of the range of a timestamp") from None


def to_boolean(value):
    if value is None:
        return None
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("1", "true", "t"):
            return True
        if lowered in ("0", "false", "f"):
            return False
        raise ValueError(f"not a Boolean: {value!r}")
    if value in (0, 1):
        return bool(value)
    raise ValueError(f"not a Boolean: {value!r}")


def to_json(value):
    if value is None:
        return None
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    json.loads(text)  # invalid JSON fails loudly here, naming the row
    return text


def row_converter(converters: list):
    """One function converting a whole row, `(c0(row[0]), c1(row[1]), …)`:
    a generator over the converters costs as much again per row.  Built from
    positions and the converter functions only, no text from the data."""
    namespace = {f"c{i}": convert for i, convert in enumerate(converters)}
    calls = "".join(f"c{i}(row[{i}]), " for i in range(len(converters)))
    exec(f"def convert_row(row):\n    return ({calls})\n", namespace)  # noqa: S102
    return namespace["convert_row"]


def json_text(value):
    """A JSON value's text, unparsed (the import's digest parses it once)."""
    if value is None:
        return None
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def to_int(value):
    if value is None:
        return None
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"not an integer: {value!r}")
    return int(value)


def to_decimal(value):
    if value is None:
        return None
    return Decimal(str(value))  # str(): REAL 0.1 stays 0.1, not its binary expansion


def to_float(value):
    return None if value is None else float(value)


def to_bytes(value):
    if value is None:
        return None
    return bytes(value) if not isinstance(value, str) else value.encode("utf-8")


def to_text(value):
    if value is None:
        return None
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if "\x00" in text:
        raise ValueError("text with a NUL byte, which PostgreSQL cannot store")
    return text


def converter_for(column_type):
    """The conversion for a column of the DDL model (a sql.model.ColumnType)."""
    base = column_type.base
    if column_type.array or column_type.kind != "builtin":
        return to_text  # enums take their labels; SQLite holds no scalar lists
    if base in ("TIMESTAMP", "TIMESTAMPTZ", "DATE", "TIME", "TIMETZ"):
        return to_timestamp
    if base == "BOOLEAN":
        return to_boolean
    if base in ("JSONB", "JSON"):
        return to_json
    if base in ("INTEGER", "BIGINT", "SMALLINT", "SERIAL", "BIGSERIAL", "SMALLSERIAL", "INT"):
        return to_int
    if base in ("DECIMAL", "NUMERIC"):
        return to_decimal
    if base in ("DOUBLE PRECISION", "REAL"):
        return to_float
    if base == "BYTEA":
        return to_bytes
    return to_text  # TEXT, VARCHAR(n), CHAR(n), UUID, enums (their labels), ...


def _canonical_decimal(value: Decimal) -> str:
    normal = value.normalize()
    return format(normal, "f") if normal == normal.to_integral() else str(normal)


def _canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# By exact type: one dict lookup per value (this runs twice for every value imported).
_CANONICAL = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: str,
    float: repr,
    Decimal: _canonical_decimal,
    dt.datetime: lambda value: value.replace(tzinfo=None).isoformat(timespec="milliseconds"),
    bytes: bytes.hex,
    memoryview: lambda value: bytes(value).hex(),
    dict: _canonical_json,
    list: _canonical_json,
}


def canonical(value) -> str:
    """One text per value, equal for a converted source value and the value
    psycopg reads back from PostgreSQL."""
    render = _CANONICAL.get(type(value))
    return render(value) if render is not None else str(value)


class TableDigest:
    """Order-independent content checksum: the sum, modulo 2**64, of every
    row's hash as a tuple of its converted values, so duplicates count and
    memory stays constant.

    Python's own hash does it in C, a row at a time: SipHash for text and
    bytes, value hashes for numbers, datetimes and Decimals (1.5 and 1.500
    agree, as PostgreSQL's numeric keeps the scale).  Both sides are digested
    in this one process, so the per-process key of text hashing is common to
    them, and a difference goes unseen with a chance of 2**-64; the sum is a
    per-run value, not one to compare across runs.  JSON is compared as
    canonical text (the source holds text, PostgreSQL gives back parsed
    values), and a float NaN (whose hash is its identity) as a marker."""

    def __init__(self, json_columns: set[int], float_columns: set[int], source_json: bool):
        self.rows = 0
        self.total = 0
        self.json_columns = json_columns
        self.float_columns = float_columns
        self.source_json = source_json  # JSON values are text to parse (the SQLite side)

    def add(self, row: tuple) -> None:
        if self.json_columns or self.float_columns:
            row = list(row)
            for i in self.json_columns:
                value = row[i]
                if value is not None:
                    if self.source_json and isinstance(value, str):
                        value = json.loads(value)
                    row[i] = _canonical_json(value)
            for i in self.float_columns:
                if row[i] != row[i]:  # NaN
                    row[i] = "NaN"
            row = tuple(row)
        try:
            digest = hash(row)
        except TypeError:  # an unhashable value (a list): its canonical text
            digest = hash(tuple(canonical(v) for v in row))
        self.total = (self.total + digest) & _MASK
        self.rows += 1

    @property
    def hexdigest(self) -> str:
        return f"{self.total:016x}"


# --- the plan: which tables and columns, in which order ----------------------------


@dataclass
class TablePlan:
    name: str  # the database name, the same in SQLite and PostgreSQL
    schema: str
    columns: list[str]  # copied: present in SQLite and in the schema
    converters: list
    json_columns: set[int]
    serial: list[str]  # autoincrement columns whose sequences are reset
    primary_key: list[str]
    float_columns: set[int] = field(default_factory=set)  # NaN needs a marker


def open_sqlite(path: Path) -> sqlite3.Connection:
    """Read-only, in one read transaction (a consistent snapshot)."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise CommandFailure("usage", f"{path}: {error.strerror}", EXIT_USAGE) from None
    if header != SQLITE_HEADER:
        raise CommandFailure("usage", f"{path}: not a SQLite database", EXIT_USAGE)
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0.5, isolation_level=None
    )
    try:
        connection.execute("BEGIN")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as error:
        connection.close()
        if "locked" in str(error) or "busy" in str(error):
            raise CommandFailure(
                "usage",
                f"{path}: the SQLite database is locked by another process (is the application "
                "still running? stop it, then import)",
                EXIT_USAGE,
            ) from None
        raise CommandFailure("usage", f"{path}: {error}", EXIT_USAGE) from None
    return connection


def plan_import(sqlite: sqlite3.Connection, source: Path, expected: dict, ddl) -> list[TablePlan]:
    """Tables in foreign-key order, with their columns; refuses (nothing
    written) when the SQLite file holds a table or column the schema lacks."""
    sqlite_tables = {
        name
        for (name,) in sqlite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if name not in SQLITE_INTERNAL and not name.startswith("sqlite_")
    }
    unknown_tables = sorted(sqlite_tables - set(expected["tables"]))
    problems = [f"table {t} is not in the schema" for t in unknown_tables]
    plans = []
    by_name = {t.name.name: t for t in ddl.tables}
    for name in _foreign_key_order(ddl):
        if name not in sqlite_tables:
            continue
        table = by_name[name]
        sqlite_columns = [row[1] for row in sqlite.execute(f"PRAGMA table_info({q(name)})")]
        known = {c.name: c for c in table.columns}
        for column in sqlite_columns:
            if column not in known:
                problems.append(f"column {name}.{column} is not in the schema")
        for column in table.columns:
            if column.name not in sqlite_columns and column.not_null and column.default is None:
                if not column.type.serial:
                    problems.append(
                        f"column {name}.{column.name} is required by the schema but missing in "
                        "the SQLite file"
                    )
        copied = [c for c in table.columns if c.name in sqlite_columns]
        plans.append(
            TablePlan(
                name=name,
                schema=table.name.schema,
                columns=[c.name for c in copied],
                converters=[converter_for(c.type) for c in copied],
                json_columns={i for i, c in enumerate(copied) if c.type.base in ("JSONB", "JSON")},
                float_columns={
                    i for i, c in enumerate(copied) if c.type.base in ("DOUBLE PRECISION", "REAL")
                },
                serial=[c.name for c in copied if c.type.serial],
                primary_key=list(table.primary_key),
            )
        )
    if problems:
        raise CommandFailure(
            "schema_mismatch",
            f"{source} does not match the schema, nothing was imported: " + "; ".join(problems),
            EXIT_DRIFT,
            problems=problems,
        )
    return plans


def _foreign_key_order(ddl) -> list[str]:
    """Parents before children (self-references aside); a cycle is refused."""
    names = [t.name.name for t in ddl.tables]
    parents = {
        t.name.name: {fk.referenced_table.name for fk in t.foreign_keys} - {t.name.name}
        for t in ddl.tables
    }
    ordered: list[str] = []
    done: set[str] = set()
    while len(ordered) < len(names):
        ready = [n for n in names if n not in done and parents[n] <= done]
        if not ready:
            cycle = sorted(n for n in names if n not in done)
            raise CommandFailure(
                "usage",
                "the tables' foreign keys form a cycle (" + ", ".join(cycle) + "); "
                "import-sqlite cannot order them",
                EXIT_USAGE,
            )
        ordered += ready
        done.update(ready)
    return ordered


# --- the import ------------------------------------------------------------------


def import_sqlite(
    source: Path,
    url: str,
    expected: dict,
    ddl,
    truncate: bool = False,
    batch_size: int = 5000,
    lock_timeout: float = 10.0,
    connect_timeout: float = 30.0,
    progress: bool = False,
    log=None,
) -> ImportReport:
    import psycopg

    from generator.db.urls import printable_url

    report = ImportReport(printable_url(url), str(source), expected["schema"])
    started = time.monotonic()
    try:
        sqlite = open_sqlite(source)
        try:
            plans = plan_import(sqlite, source, expected, ddl)
            session = locked_session(url, expected["schema"], connect_timeout, lock_timeout, log)
            with session as (connection, _):
                _check_deployed(connection, expected)
                with connection.transaction():
                    _prepare_targets(connection, plans, truncate)
                    for plan in plans:
                        report.tables[plan.name] = _copy_table(
                            sqlite, connection, plan, batch_size, progress
                        )
                    _compare(connection, plans, report, batch_size)
                    # Last, and by ALTER SEQUENCE, which rolls back with the
                    # transaction (setval would not: a failed import would leave them moved).
                    _restart_sequences(connection, plans)
        finally:
            sqlite.close()
    except (CommandFailure, Unreachable, psycopg.Error) as error:
        # A statement the server refused (e.g. an orphaned foreign key) is the data's problem.
        report.error = run_error(
            error, url, "; the transaction was rolled back, nothing was imported", EXIT_DRIFT
        )
    finally:
        report.seconds = time.monotonic() - started
    return report


def _check_deployed(connection, expected: dict) -> None:
    missing = sorted(set(expected["tables"]) - tables_in(connection, expected["schema"]))
    if missing:
        raise CommandFailure(
            "not_deployed",
            f"the {expected['schema']} schema is not deployed (missing {', '.join(missing[:5])}"
            f"{', …' if len(missing) > 5 else ''}): run `prisma-isolate deploy` first",
            EXIT_DRIFT,
        )


def _prepare_targets(connection, plans: list[TablePlan], truncate: bool) -> None:
    nonempty = [
        p.name
        for p in plans
        if connection.execute(
            f"SELECT EXISTS (SELECT 1 FROM {q(p.schema)}.{q(p.name)})"
        ).fetchone()[0]
    ]
    if nonempty and not truncate:
        raise CommandFailure(
            "target_not_empty",
            f"target tables already hold rows: {', '.join(nonempty)}; nothing was imported "
            "(--truncate empties them first, in the same transaction)",
            EXIT_DRIFT,
            tables=nonempty,
        )
    if nonempty:
        targets = ", ".join(f"{q(p.schema)}.{q(p.name)}" for p in plans)
        connection.execute(f"TRUNCATE {targets} RESTART IDENTITY")


def _copy_table(
    sqlite, connection, plan: TablePlan, batch_size: int, progress: bool
) -> TableReport:
    started = time.monotonic()
    total = sqlite.execute(f"SELECT count(*) FROM {q(plan.name)}").fetchone()[0]
    columns = ", ".join(q(c) for c in plan.columns)
    order = ", ".join(q(c) for c in plan.primary_key) or "rowid"
    cursor = sqlite.execute(f"SELECT {columns} FROM {q(plan.name)} ORDER BY {order}")
    digest = TableDigest(plan.json_columns, plan.float_columns, source_json=True)
    copied = 0
    # JSON is validated by the digest's parse (below), not parsed twice;
    # _bad_value runs plan.converters, whose to_json parses, to name the column.
    convert_row = row_converter(
        [json_text if i in plan.json_columns else c for i, c in enumerate(plan.converters)]
    )
    with (
        connection.cursor() as target,
        target.copy(f"COPY {q(plan.schema)}.{q(plan.name)} ({columns}) FROM STDIN") as copy,
    ):
        while True:
            batch = cursor.fetchmany(batch_size)
            if not batch:
                break
            for row in batch:
                try:
                    converted = convert_row(row)
                    # Parses each JSON value (the source side's canonical form), which
                    # is its validation too: an invalid one stops here, before COPY.
                    digest.add(converted)
                except (ValueError, TypeError, UnicodeDecodeError, OverflowError) as error:
                    raise _bad_value(plan, row, error) from None
                copy.write_row(converted)
            copied += len(batch)
            if progress:
                _progress(plan.name, copied, total)
    if progress:
        _progress(plan.name, copied, total, done=True)
    return TableReport(
        rows=digest.rows, checksum=digest.hexdigest, seconds=time.monotonic() - started
    )


def _bad_value(plan: TablePlan, row, error) -> CommandFailure:
    """Which value could not be converted: table, primary key and column, and
    the value's type, never the value (it may be a password hash or a token)."""
    for name, convert, value in zip(plan.columns, plan.converters, row, strict=True):
        try:
            convert(value)
        except (ValueError, TypeError, UnicodeDecodeError, OverflowError) as reason:
            column, kind, error = name, type(value).__name__, reason
            break
    else:  # pragma: no cover - the row failed as a whole, not one value
        column, kind = "?", "row"
    key = ", ".join(
        f"{c}={row[plan.columns.index(c)]!r}" for c in plan.primary_key if c in plan.columns
    )
    where = f"{plan.name} ({key})" if key else f"{plan.name} (a row without a primary key)"
    reason = str(error).split(":")[0] if isinstance(error, ValueError) else type(error).__name__
    return CommandFailure(
        "bad_value",
        f"{where}, column {column}: cannot convert a {kind} value ({reason}); nothing was imported",
        EXIT_DRIFT,
        table=plan.name,
        column=column,
        primary_key=key,
    )


def _progress(table: str, done_rows: int, total: int, done: bool = False) -> None:
    width = 30
    filled = width if not total else width * done_rows // total
    bar = "#" * filled + "-" * (width - filled)
    sys.stderr.write(f"\r{table:<24} [{bar}] {done_rows:>10,}/{total:,}")
    if done:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _restart_sequences(connection, plans: list[TablePlan]) -> None:
    """Each autoincrement sequence continues at max(id) + 1."""
    for plan in plans:
        for column in plan.serial:
            table = f"{q(plan.schema)}.{q(plan.name)}"
            schema, sequence, start = connection.execute(
                "SELECT n.nspname, c.relname, coalesce((SELECT max("
                + q(column)
                + ") FROM "
                + table
                + "), 0) + 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE c.oid = pg_get_serial_sequence(%s, %s)::regclass",
                (table, column),
            ).fetchone()
            connection.execute(
                f"ALTER SEQUENCE {q(schema)}.{q(sequence)} RESTART WITH {int(start)}"
            )


def _compare(connection, plans: list[TablePlan], report: ImportReport, batch_size: int) -> None:
    """Read every table back (inside the transaction) and compare counts and
    checksums with what was sent; any difference rolls everything back."""
    differences = []
    for plan in plans:
        digest = TableDigest(plan.json_columns, plan.float_columns, source_json=False)
        columns = ", ".join(q(c) for c in plan.columns)
        with connection.cursor(name="readback") as cursor:  # one open at a time
            cursor.itersize = batch_size
            cursor.execute(f"SELECT {columns} FROM {q(plan.schema)}.{q(plan.name)}")
            for row in cursor:
                digest.add(row)
        sent = report.tables[plan.name]
        if digest.rows != sent.rows or digest.hexdigest != sent.checksum:
            differences.append(
                f"{plan.name}: sent {sent.rows} rows ({sent.checksum}), "
                f"found {digest.rows} ({digest.hexdigest})"
            )
    if differences:
        raise CommandFailure(
            "checksum_mismatch",
            "source and target differ after the copy; rolled back, nothing was imported: "
            + "; ".join(differences),
            EXIT_DRIFT,
        )
