"""`prisma-isolate import-sqlite`: copy a legacy AnythingLLM SQLite database
into the deployed, isolated PostgreSQL schema, losing nothing.

- The SQLite file is opened read-only inside one read transaction: a
  consistent snapshot, and a clear error when another process holds a write
  lock on it.
- Every SQLite table and column must be known to the schema (else data would
  be left behind): a mismatch is refused before anything is written.
- Rows are converted the way Prisma's PostgreSQL connector stores them
  (DateTime from epoch milliseconds or text, Boolean from 0/1, Json text,
  BigInt, Decimal, Bytes), each as the text PostgreSQL prints for the stored
  value (pg_text), and streamed with COPY in batches, tables in foreign-key
  order.  Memory stays bounded by the batch size.
- All of it is ONE PostgreSQL transaction: per-table row counts and content
  checksums of the converted values are compared between source and target
  (Python digests each COPY line it sends; PostgreSQL digests the stored rows
  rebuilt as the same lines, segment by segment while the copy goes on),
  sequences are restarted at max(id) + 1 (ALTER SEQUENCE, which rolls back,
  unlike setval), and only then is it committed.  Any failure or difference
  rolls everything back: the target is unchanged, its sequences included.
"""

from __future__ import annotations

import gc
import hashlib
import sqlite3
import sys
import time
from array import array
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter, methodcaller
from pathlib import Path

from generator.db import pg_text
from generator.db.connection import EXIT_DRIFT, EXIT_USAGE, Unreachable
from generator.db.session import BackgroundQuery, locked_session, run_error, tables_in
from generator.errors import CommandFailure
from generator.report import envelope
from generator.sql.identifiers import quote_identifier as q

SQLITE_HEADER = b"SQLite format 3\x00"
# Tables SQLite or Prisma keep for themselves; never application data.
SQLITE_INTERNAL = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "_prisma_migrations"}
_MASK = (1 << 64) - 1
# What a value that cannot be converted raises (ArithmeticError: Decimal's own).
_BAD_VALUE = (ValueError, TypeError, UnicodeError, OverflowError, ArithmeticError)


@dataclass
class TableReport:
    rows: int = 0
    digest: int = 0  # the sum of the rows' digests (digest_sum)
    seconds: float = 0.0
    verified: bool = False  # the server's digest already compared, segment by segment

    @property
    def checksum(self) -> str:
        return _hex(self.digest)


def _hex(digest: int) -> str:
    """A digest sum as reported: 16 hex digits, modulo 2**64."""
    return f"{digest & _MASK:016x}"


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


# --- a table's rows as COPY lines, and their digest ------------------------------------


def encode_batch(convert, batch: list, unescaped: set[int]) -> tuple[list[bytes], int]:
    """A batch of SQLite rows as COPY lines (UTF-8) and the sum of their
    digests, converted column by column (`pg_text.batch_converter`): the
    loops over values and rows run in C, not in Python.  Columns of
    `unescaped` that held a COPY escape are taken out of it."""
    fields = convert(batch)
    for i in [i for i in unescaped if "\\" in "".join(fields[i])]:
        unescaped.discard(i)
    lines = list(map(str.encode, map("\t".join, zip(*fields, strict=True))))
    return lines, digest_sum(lines)


_DIGEST = methodcaller("digest")
_SWAP = sys.byteorder == "little"


def digest_sum(lines: list[bytes]) -> int:
    """The sum of each line's digest, as `pg_text.row_digest_sql` computes it:
    the first 8 bytes of its SHA-256 as a signed big-endian integer."""
    digests = array("q", b"".join(map(_DIGEST, map(hashlib.sha256, lines))))
    if _SWAP:
        digests.byteswap()
    return sum(digests[::4])  # each SHA-256 is four 8-byte items


# --- the plan: which tables and columns, in which order ----------------------------


@dataclass
class TablePlan:
    name: str  # the database name, the same in SQLite and PostgreSQL
    schema: str
    columns: list[str]  # copied: present in SQLite and in the schema
    fields: list  # each column's pg_text field function
    convert: object  # pg_text.batch_converter: a batch's columns, the same text, faster
    types: list  # each column's sql.model.ColumnType
    serial: list[str]  # autoincrement columns whose sequences are reset
    primary_key: list[str]
    segment_key: int | None = None  # the index of the table's one integer key column
    # Columns none of whose values held a COPY escape: the digest's SQL need not
    # escape them (what was sent had no backslash, so PostgreSQL stored it as is).
    unescaped: set[int] = field(default_factory=set)


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
                fields=[pg_text.field_for(c.type) for c in copied],
                convert=pg_text.batch_converter([c.type for c in copied]),
                types=[c.type for c in copied],
                serial=[c.name for c in copied if c.type.serial],
                primary_key=list(table.primary_key),
                segment_key=_segment_key(table, copied),
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


def _segment_key(table, copied: list) -> int | None:
    """The position of the table's key when it is one integer column (the
    segments of its copy are ranges of it), else None."""
    if len(table.primary_key) != 1:
        return None
    for i, column in enumerate(copied):
        if column.name == table.primary_key[0] and column.type.kind == "builtin":
            integer = column.type.base in pg_text.INTEGER_TYPES and not column.type.array
            return i if integer else None
    return None


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
                    _set_local(connection, *pg_text.SESSION_SETTINGS.items())
                    _prepare_targets(connection, plans, truncate)
                    with _copying():
                        for plan in plans:
                            report.tables[plan.name] = _copy_table(
                                sqlite, connection, plan, batch_size, progress
                            )
                    _compare(connection, plans, report)
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


# Batches per COPY statement of a table with an integer key (100,000 rows by
# default): after each, the server digests the segment's rows while Python
# converts the next batches.
SEGMENT_BATCHES = 20
# At most this many batches converted ahead while a segment is digested.
LOOKAHEAD = 16


@dataclass
class _Encoded:
    """One batch as COPY lines, with its digest and the span of its keys
    (None when the table is not segmented, or a key is not an integer)."""

    data: bytes
    rows: int
    digest: int
    low: int | None
    high: int | None


@dataclass
class _Segment:
    """What one COPY statement sent: rows, digest and the span of the keys."""

    batches: int = 0
    rows: int = 0
    digest: int = 0
    low: int | None = None
    high: int | None = None
    keyed: bool = True

    def add(self, item: _Encoded) -> None:
        self.batches += 1
        self.rows += item.rows
        self.digest += item.digest
        if item.low is None or item.high is None:
            self.keyed = False
        elif self.keyed:
            self.low = item.low if self.low is None else min(self.low, item.low)
            self.high = item.high if self.high is None else max(self.high, item.high)

    def follows(self, copied_high: int | None) -> bool:
        """Whether every key is above those of the segments before (so that
        `key > copied_high` selects exactly this segment's rows)."""
        if not self.keyed or self.low is None:
            return False
        return copied_high is None or self.low > copied_high


def _encoded_batches(cursor, plan: TablePlan, batch_size: int):
    key = plan.segment_key
    while batch := cursor.fetchmany(batch_size):
        try:
            lines, digest = encode_batch(plan.convert, batch, plan.unescaped)
        except _BAD_VALUE:
            raise _bad_value(plan, batch) from None
        lines.append(b"")
        low = high = None
        if key is not None:
            keys = list(map(itemgetter(key), batch))
            if set(map(type, keys)) == {int}:
                low, high = min(keys), max(keys)
        yield _Encoded(b"\n".join(lines), len(batch), digest, low, high)
        gc.collect(0)  # the collector is paused (_copying): only this batch's young objects


def _copy_table(
    sqlite, connection, plan: TablePlan, batch_size: int, progress: bool
) -> TableReport:
    """COPY a table's rows, digesting what is sent.  A table keyed by one
    integer column is copied in segments (one COPY each, in key order): the
    server digests each segment's rows in the background (`BackgroundQuery`)
    while the next batches are converted, so only the last segment's digest
    is waited for.  Any other table is digested whole by `_compare`."""
    started = time.monotonic()
    # The count is the progress bar's alone.
    total = sqlite.execute(f"SELECT count(*) FROM {q(plan.name)}").fetchone()[0] if progress else 0
    columns = ", ".join(q(c) for c in plan.columns)
    order = ", ".join(q(c) for c in plan.primary_key) or "rowid"
    cursor = sqlite.execute(f"SELECT {columns} FROM {q(plan.name)} ORDER BY {order}")
    plan.unescaped = {i for i, kind in enumerate(plan.types) if not pg_text.is_plain(kind)}
    table = f"{q(plan.schema)}.{q(plan.name)}"
    statement = f"COPY {table} ({columns}) FROM STDIN"
    batches = _encoded_batches(cursor, plan, batch_size)
    queued = deque(islice(batches, 1))
    segmented = plan.segment_key is not None
    rows = digest = 0
    copied_high = None  # the largest key copied so far
    while queued:
        segment = _Segment()
        with connection.cursor() as target, target.copy(statement, writer=_writer(target)) as copy:
            while queued and (segment.batches < SEGMENT_BATCHES or not segmented):
                item = queued.popleft()
                copy.write(item.data)
                segment.add(item)
                if not queued:
                    queued.extend(islice(batches, 1))
                if progress:
                    _progress(plan.name, rows + segment.rows, total)
        rows, digest = rows + segment.rows, digest + segment.digest
        if not (segmented and segment.follows(copied_high)):
            segmented = False  # keys out of order, or not integers: one digest, at the end
            continue
        if copied_high is None:
            # The segments' digests read a range of the key's index, in this
            # backend alone: parallel workers would take the core Python converts on.
            saved = connection.execute(
                "SELECT current_setting('enable_seqscan'),"
                " current_setting('max_parallel_workers_per_gather')"
            ).fetchone()
            _set_local(
                connection, ("enable_seqscan", "off"), ("max_parallel_workers_per_gather", "0")
            )
            where = ""
        else:
            where = f"{q(plan.columns[plan.segment_key])} > {int(copied_high)}"
        select = f"SELECT {_digest_select(connection, plan)} FROM {table}" + (
            f" WHERE {where}" if where else ""
        )
        with BackgroundQuery(connection, select) as running:
            while len(queued) < LOOKAHEAD and not running.ready():
                size = len(queued)
                queued.extend(islice(batches, 1))
                if len(queued) == size:
                    break  # the table is done
            found = running.row()
        _check_digest(plan, segment.rows, segment.digest, found, where)
        copied_high = segment.high
    if copied_high is not None:
        _set_local(
            connection, ("enable_seqscan", saved[0]), ("max_parallel_workers_per_gather", saved[1])
        )
    if progress:
        _progress(plan.name, rows, total, done=True)
    return TableReport(
        rows=rows, digest=digest, seconds=time.monotonic() - started, verified=segmented
    )


def _set_local(connection, *settings: tuple[str, str]) -> None:
    """Settings for the rest of the transaction (they end with it)."""
    for name, value in settings:
        connection.execute("SELECT set_config(%s, %s, true)", (name, value))


# How often Python lets another thread run, while rows are copied (its default
# is 5 ms).  The conversion holds the interpreter in C loops for that long, and
# the writer thread, which feeds the server, waited as long for its turn: the
# server then starved.  1,000,000 rows: 5.45 -> 4.9 s.
_SWITCH_INTERVAL = 0.0005


@contextmanager
def _copying():
    """While rows are copied: the writer thread gets its turn promptly, and
    the cyclic collector is paused.  Each batch makes tens of thousands of
    tuples and strings that reference counting frees; the collector's passes
    over them were 0.3 s of 1,000,000 rows.  `_encoded_batches` collects the
    young generation after each batch, so that garbage in cycles, if any
    arises, lives no longer than one batch."""
    previous = sys.getswitchinterval()
    enabled = gc.isenabled()
    sys.setswitchinterval(min(previous, _SWITCH_INTERVAL))
    gc.disable()
    try:
        yield
    finally:
        sys.setswitchinterval(previous)
        if enabled:
            gc.enable()


def _writer(cursor):
    """A writer thread sends each batch while the next one is converted: with
    the plain writer, Python waited for the server to take every batch and the
    server waited for Python to convert the next (one core at a time)."""
    from psycopg.copy import QueuedLibpqWriter

    return QueuedLibpqWriter(cursor)


def _bad_value(plan: TablePlan, batch) -> CommandFailure:
    """Which value could not be converted: table, primary key and column, and
    the value's type, never the value (it may be a password hash or a token)."""
    for row in batch:
        for name, convert, value in zip(plan.columns, plan.fields, row, strict=True):
            try:
                convert(value).encode()
            except _BAD_VALUE as reason:
                column, kind, error = name, type(value).__name__, reason
                break
        else:
            continue
        break
    else:  # pragma: no cover - the batch failed as a whole, not one value
        row, column, kind, error = batch[0], "?", "row", None
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


def _digest_select(connection, plan: TablePlan) -> str:
    return pg_text.row_digest_sql(
        [
            (q(c), pg_text.is_text(kind), not pg_text.is_plain(kind) and i not in plan.unescaped)
            for i, (c, kind) in enumerate(zip(plan.columns, plan.types, strict=True))
        ],
        connection.info.server_version,
    )


def _check_digest(plan: TablePlan, rows: int, digest: int, found: tuple, where: str = "") -> None:
    """The server's (rows, digest) of what it stored against what was sent;
    a difference rolls everything back.  `where`: the rows compared, when not
    the whole table (a segment's condition)."""
    sent = _hex(digest)
    found_rows, found_digest = int(found[0]), _hex(int(found[1]))
    if (found_rows, found_digest) != (rows, sent):
        part = f" (rows where {where})" if where else ""
        raise CommandFailure(
            "checksum_mismatch",
            "source and target differ after the copy (a row lost, or a value PostgreSQL "
            "stores otherwise than it was sent); rolled back, nothing was imported: "
            f"{plan.name}{part}: sent {rows} rows ({sent}), found {found_rows} ({found_digest})",
            EXIT_DRIFT,
        )


def _compare(connection, plans: list[TablePlan], report: ImportReport) -> None:
    """PostgreSQL digests the stored rows of every table not verified segment
    by segment while it was copied, as the COPY lines they print as (inside
    the transaction), and counts them; any difference from what was sent
    rolls everything back."""
    for plan in plans:
        sent = report.tables[plan.name]
        if sent.verified:
            continue
        found = connection.execute(
            f"SELECT {_digest_select(connection, plan)} FROM {q(plan.schema)}.{q(plan.name)}"
        ).fetchone()
        _check_digest(plan, sent.rows, sent.digest, found)
