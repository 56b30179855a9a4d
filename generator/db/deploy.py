"""`prisma-isolate deploy`: apply a Prisma migrations folder to the isolated
schema, the way `prisma migrate deploy` records it, then seed and verify.

What it guarantees (each is a test in tests/test_deploy.py):
- Concurrent deploys serialise on Prisma Migrate's own advisory lock
  (72707369), so ours and `prisma migrate deploy` never interleave.  The lock
  wait has a timeout, and the lock is released on every exit path (a killed
  process's session ends, and PostgreSQL drops its session locks with it).
- Each migration runs in one transaction together with its
  `_prisma_migrations` row: a crash leaves neither half a migration nor a
  row claiming it.  A script's own BEGIN/COMMIT are left out (sqlscript.py),
  so that they cannot commit half of it.
- Migration statements wait for table locks at most `table_lock_timeout`
  seconds (the running application may hold them); the migration is then
  rolled back whole, retried a few times, and finally refused naming the
  sessions that held the locks.  A migration that fails is rolled back, then recorded as
  failed with Prisma's columns (finished_at NULL, logs), so the next deploy,
  ours or Prisma's, refuses (P3009) until it is resolved.
- Nothing is ever recorded as applied that did not run: the only exception
  is `--resolve NAME --applied`, an operator's statement about a failed
  migration they finished by hand, which is what `prisma migrate resolve`
  records.
- A recorded migration whose file changed since (edited history) stops the
  deploy, naming both checksums.

Every identifier is validated before it reaches SQL and always quoted; values
are parameters.  I/O lives here and in the CLI; nothing else in the package
touches a database except verify_runtime.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from generator.db.connection import EXIT_UNREACHABLE, EXIT_USAGE, Unreachable
from generator.db.runtime import plural
from generator.db.session import (
    ADVISORY_LOCK_KEY,
    error_text,
    locked_session,
    run_error,
    tables_in,
    timeout_ms,
)
from generator.db.urls import printable_url
from generator.emit.layout import (
    LocalMigration,
    accepted_checksums,
    checksum_matches,
    local_migrations,
)
from generator.errors import CommandFailure
from generator.report import envelope
from generator.sql.identifiers import quote_identifier

# `_prisma_migrations` as Prisma's engine creates it on PostgreSQL (tests compare
# pg_dump of ours with pg_dump of the one Prisma's own engine creates).
MIGRATIONS_TABLE_COLUMNS = """(
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)"""

# Where seeds are recorded: a schema of its own beside the application's, so
# that Prisma (which only looks at the schemas in `schemas = [...]`) never
# sees it as drift.
SEED_SCHEMA_SUFFIX = "__deploy"


@dataclass
class MigrationRecord:
    id: str
    checksum: str
    finished_at: object
    migration_name: str
    logs: str | None
    rolled_back_at: object
    started_at: object
    applied_steps_count: int

    @property
    def failed(self) -> bool:
        return self.finished_at is None and self.rolled_back_at is None

    @property
    def applied(self) -> bool:
        return self.finished_at is not None and self.rolled_back_at is None


@dataclass
class DeployOptions:
    schema: str
    migrations_dir: Path
    command: str = "prisma-isolate deploy"  # how the user ran us: hints repeat it
    table_lock_timeout: float = 5.0
    lock_retries: int = 3
    baseline: bool = False
    lock_timeout: float = 10.0
    connect_timeout: float = 300.0
    production: bool = False
    seed: Path | None = None
    skip_seed: bool = False
    resolve: tuple[str, str] | None = None  # (migration name, "applied" | "rolled-back")


@dataclass
class DeployReport:
    database: str
    schema: str
    environment: str
    notes: list[str] = field(default_factory=list)
    lock_wait_seconds: float | None = None
    applied: list[dict] = field(default_factory=list)
    already_applied: list[str] = field(default_factory=list)
    baselined: list[str] = field(default_factory=list)
    resolved: dict | None = None
    seed: dict | None = None
    verification: dict | None = None
    error: dict | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        migrations = {
            "applied": self.applied,
            "already_applied": self.already_applied,
            "baselined": self.baselined,
        }
        return envelope(
            self.database,
            {"schema": self.schema, "environment": self.environment},
            {
                "lock": {"key": ADVISORY_LOCK_KEY, "waited_seconds": self.lock_wait_seconds},
                "migrations": migrations,
                "resolved": self.resolved,
                "seed": self.seed,
                "verification": self.verification,
            },
            self.notes,
            self.error,
            self.seconds,
        )


# --- the database side --------------------------------------------------------


def _current(connection) -> tuple[str, str]:
    return connection.execute("SELECT current_user, current_database()").fetchone()


def _ensure_schema(connection, schema: str, notes: list[str]) -> None:
    import psycopg

    exists = connection.execute(
        "SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)
    ).fetchone()
    if exists:
        return
    try:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}")
    except psycopg.errors.InsufficientPrivilege:
        role, database = _current(connection)
        raise CommandFailure(
            "permission",
            f"role {role} may not create schema {schema} in database {database}. "
            f"Have an administrator run: GRANT CREATE ON DATABASE {quote_identifier(database)} "
            f"TO {quote_identifier(role)}; or create it for the role: CREATE SCHEMA "
            f"{quote_identifier(schema)} AUTHORIZATION {quote_identifier(role)};",
            EXIT_UNREACHABLE,
        ) from None
    notes.append(f"created schema {schema}")


def _migrations_table(schema: str) -> str:
    return f"{quote_identifier(schema)}.{quote_identifier('_prisma_migrations')}"


def _ensure_migrations_table(connection, schema: str) -> None:
    if "_prisma_migrations" not in tables_in(connection, schema):
        connection.execute(f"CREATE TABLE {_migrations_table(schema)} {MIGRATIONS_TABLE_COLUMNS}")


def _records(connection, schema: str) -> list[MigrationRecord]:
    rows = connection.execute(
        "SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,"
        f" applied_steps_count FROM {_migrations_table(schema)} ORDER BY started_at, id"
    ).fetchall()
    return [MigrationRecord(*row) for row in rows]


def _check_history(
    local: list[LocalMigration], records: list[MigrationRecord], notes, command: str
) -> None:
    failed = [r for r in records if r.failed]
    if failed:
        record = failed[0]
        raise CommandFailure(
            "failed_migration",
            f"P3009: migration {record.migration_name} failed (started at {record.started_at}); "
            "no new migration is applied until it is resolved. It was rolled back: fix it, then "
            f"`{command} --resolve {record.migration_name} --rolled-back` to retry it, "
            f"or `{command} --resolve {record.migration_name} --applied` if you completed it "
            "by hand.",
            migration=record.migration_name,
            logs=record.logs,
        )
    by_name = {m.name: m for m in local}
    for record in records:
        if not record.applied:
            continue
        migration = by_name.get(record.migration_name)
        if migration is None:
            notes.append(
                f"migration {record.migration_name} is recorded as applied but is not in the "
                "migrations folder"
            )
        elif not checksum_matches(migration.script, record.checksum):
            raise CommandFailure(
                "edited_migration",
                f"migration {record.migration_name} was edited after it was applied: the database "
                f"recorded checksum {record.checksum}, {migration.path} now has "
                f"{migration.checksum}. Restore the file; put changes in a new migration.",
                migration=record.migration_name,
                recorded_checksum=record.checksum,
                file_checksum=migration.checksum,
            )


class _Blocked(Exception):
    """A migration statement waited longer than the table lock timeout."""

    def __init__(self, blockers: list[str]):
        self.blockers = blockers


def _blockers(connection, schema: str) -> list[str]:
    """The other sessions holding locks on the schema's tables: who to ask."""
    rows = connection.execute(
        "SELECT DISTINCT a.pid, a.state, a.usename, a.application_name,"
        " extract(epoch FROM now() - a.xact_start)::int, left(a.query, 120)"
        " FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.granted AND n.nspname = %s AND l.pid <> pg_backend_pid()"
        " ORDER BY 1 LIMIT 5",
        (schema,),
    ).fetchall()
    return [
        f"pid {pid} ({user}{', ' + app if app else ''}; {state}"
        f"{f' in a transaction for {age} s' if age is not None else ''}): {query!r}"
        for pid, state, user, app, age, query in rows
    ]


_ADD_VALUE = re.compile(r"ALTER\s+TYPE\s+.+\s+ADD\s+VALUE\b", re.IGNORECASE | re.DOTALL)


def enum_values_first(migration: LocalMigration, script: str) -> tuple[str | None, str]:
    """(the migration's ALTER TYPE … ADD VALUE statements, the rest), or (None,
    the script) when it adds no enum value.  PostgreSQL lets no transaction use
    an enum value it added itself ("unsafe use of new value"), and Prisma's
    own deploy runs statement by statement, so a migration that adds a value
    and uses it works there: deploy commits those statements first, as the
    only part of a migration that cannot share its transaction."""
    from generator.db.script import statements, without

    found = statements(script)
    values = [s for s in found if _ADD_VALUE.match(s.text)]
    if not values or len(values) == len([s for s in found if s.text]):
        return None, script
    return "".join(f"{s.text};\n" for s in values), without(script, values)


def prepared_script(migration: LocalMigration, schema: str) -> str:
    """The script as deploy runs it inside its one transaction: its own
    BEGIN/COMMIT left out, and `CREATE SCHEMA IF NOT EXISTS` of the schema
    deploy has already made sure of (PostgreSQL checks CREATE on the database
    even for a schema that exists, so a role given only the schema could not
    run it).  The checksum recorded is always the file's."""
    from generator.db.script import is_rollback, is_transaction_control, statements, without

    found = statements(migration.script)
    rollback = next((s for s in found if is_rollback(s)), None)
    if rollback is not None:
        raise CommandFailure(
            "usage",
            f"{migration.path}: the migration rolls itself back ({rollback.text!r}); deploy runs "
            "each migration as one transaction, so it would apply nothing. Remove the ROLLBACK.",
            EXIT_USAGE,
        )
    own_schema = re.compile(
        rf'CREATE\s+SCHEMA\s+IF\s+NOT\s+EXISTS\s+(?:"{re.escape(schema)}"|{re.escape(schema)})',
        re.IGNORECASE,
    )
    dropped = [s for s in found if is_transaction_control(s) or own_schema.fullmatch(s.text)]
    return without(migration.script, dropped) if dropped else migration.script


def _apply(connection, schema: str, migration: LocalMigration, options, log) -> dict:
    """One migration and its `_prisma_migrations` row, in one transaction;
    retried when a table lock could not be had in time."""
    first, rest = enum_values_first(migration, prepared_script(migration, schema))
    for attempt in range(options.lock_retries + 1):
        try:
            return _apply_once(
                connection,
                schema,
                migration,
                rest.encode("utf-8"),
                options.table_lock_timeout,
                options.command,
                first.encode("utf-8") if first else None,
            )
        except _Blocked as blocked:
            if attempt == options.lock_retries:
                raise CommandFailure(
                    "lock_timeout",
                    f"migration {migration.name} waited more than {options.table_lock_timeout:g} s "
                    f"for a table lock, {attempt + 1} times; it was rolled back each time and "
                    "is not recorded, so the next deploy tries it again. Held by: "
                    + ("; ".join(blocked.blockers) or "a session that has finished since")
                    + ". Raise --table-lock-timeout, or deploy when that work is done.",
                    EXIT_UNREACHABLE,
                    migration=migration.name,
                    blockers=blocked.blockers,
                ) from None
            delay = min(30.0, 2.0**attempt) * random.uniform(0.5, 1.0)
            if log:
                log(
                    f"migration {migration.name} is waiting for a table lock held by "
                    f"{'; '.join(blocked.blockers) or 'another session'}; rolled back, retrying "
                    f"in {delay:.1f}s"
                )
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def _apply_once(
    connection,
    schema,
    migration,
    script: bytes,
    table_lock_timeout: float,
    command: str,
    enum_values: bytes | None = None,
) -> dict:
    import psycopg

    table = _migrations_table(schema)
    record_id = str(uuid.uuid4())
    started = time.monotonic()
    committed = False  # whether the enum values (and the started row) are committed
    try:
        if enum_values is not None:
            with connection.transaction():
                connection.execute(f"SET LOCAL lock_timeout = '{timeout_ms(table_lock_timeout)}ms'")
                _record_start(connection, table, record_id, migration)
                connection.execute(enum_values)
            committed = True
        with connection.transaction():
            connection.execute(f"SET LOCAL lock_timeout = '{timeout_ms(table_lock_timeout)}ms'")
            if not committed:
                _record_start(connection, table, record_id, migration)
            # No parameters: psycopg sends the script as one simple query,
            # so it may hold many statements (and literal % signs).
            connection.execute(script)
            connection.execute(
                f"UPDATE {table} SET finished_at = clock_timestamp(), applied_steps_count = 1"
                " WHERE id = %s",
                (record_id,),
            )
    except psycopg.errors.LockNotAvailable as error:
        if not committed:  # nothing of it stayed: try it again
            raise _Blocked(_blockers(connection, schema)) from None
        _record_failure(connection, table, migration, error, record_id)
        raise _migration_failure(migration, error, command, committed) from None
    except psycopg.Error as error:
        if connection.broken:
            raise Unreachable(
                f"lost the connection during migration {migration.name}: {error}"
            ) from None
        _record_failure(connection, table, migration, error, record_id if committed else None)
        raise _migration_failure(migration, error, command, committed) from None
    return {
        "name": migration.name,
        "checksum": migration.checksum,
        "seconds": round(time.monotonic() - started, 3),
    }


def _record_start(connection, table: str, record_id: str, migration: LocalMigration) -> None:
    connection.execute(
        f"INSERT INTO {table} (id, checksum, migration_name, started_at)"
        " VALUES (%s, %s, %s, clock_timestamp())",
        (record_id, migration.checksum, migration.name),
    )


def _record_failure(
    connection, table: str, migration: LocalMigration, error, started: str | None = None
) -> None:
    """Prisma's record of a failed migration: finished_at NULL, logs set (on
    the row already committed when the migration's enum values were)."""
    if started is not None:
        connection.execute(
            f"UPDATE {table} SET logs = %s WHERE id = %s", (error_text(error), started)
        )
        return
    connection.execute(
        f"INSERT INTO {table} (id, checksum, migration_name, logs, started_at,"
        " applied_steps_count) VALUES (%s, %s, %s, %s, clock_timestamp(), 0)",
        (str(uuid.uuid4()), migration.checksum, migration.name, error_text(error)),
    )


def _migration_failure(
    migration: LocalMigration, error, command: str, enum_values_committed: bool = False
) -> CommandFailure:
    hint = ""
    if getattr(error, "sqlstate", None) == "25001":
        hint = (
            " The migration holds a statement that cannot run inside a transaction "
            "(e.g. CREATE INDEX CONCURRENTLY); deploy runs each migration in one."
        )
    rolled_back = "was rolled back"
    if enum_values_committed:
        rolled_back = (
            "was rolled back, except its new enum values, which PostgreSQL must commit before "
            "they can be used (as prisma migrate deploy leaves them)"
        )
    return CommandFailure(
        "migration_failed",
        f"migration {migration.name} failed and {rolled_back}: {error_text(error)}.{hint} "
        f"It is recorded as failed; after fixing it, run `{command} --resolve "
        f"{migration.name} --rolled-back`, then deploy again.",
        migration=migration.name,
    )


def _resolve(connection, schema, local, records, name: str, action: str) -> dict:
    """`prisma migrate resolve`, for a failed migration only."""
    table = _migrations_table(schema)
    failed = [r for r in records if r.migration_name == name and r.failed]
    if not failed:
        state = (
            "applied"
            if any(r.migration_name == name and r.applied for r in records)
            else ("not recorded")
        )
        raise CommandFailure(
            "usage",
            f"P3011/P3012: migration {name} cannot be resolved: it is not in a failed state "
            f"({state})",
            EXIT_USAGE,
        )
    ids = [r.id for r in failed]
    with connection.transaction():
        connection.execute(
            f"UPDATE {table} SET rolled_back_at = clock_timestamp() WHERE id = ANY(%s)", (ids,)
        )
        if action == "applied":
            migration = next((m for m in local if m.name == name), None)
            if migration is None:
                raise CommandFailure(
                    "usage", f"P3017: migration {name} is not in the migrations folder", EXIT_USAGE
                )
            connection.execute(
                f"INSERT INTO {table} (id, checksum, migration_name, started_at, finished_at,"
                " applied_steps_count) VALUES (%s, %s, %s, clock_timestamp(), clock_timestamp(), 0)",
                (str(uuid.uuid4()), migration.checksum, name),
            )
    return {"migration": name, "as": action}


# --- seeding ------------------------------------------------------------------


def seed_schema(schema: str) -> str:
    return schema + SEED_SCHEMA_SUFFIX


def _seed(connection, schema: str, path: Path) -> dict:
    """Run the seed once per content checksum, in one transaction with its record."""
    content = path.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    seeds = f"{quote_identifier(seed_schema(schema))}.{quote_identifier('seeds')}"
    done = (
        connection.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'seeds'",
            (seed_schema(schema),),
        ).fetchone()
        and connection.execute(
            f"SELECT applied_at FROM {seeds} WHERE checksum = %s", (digest,)
        ).fetchone()
    )
    if done:
        return {"file": str(path), "checksum": digest, "status": "already applied"}
    started = time.monotonic()
    with connection.transaction():
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(seed_schema(schema))}")
        connection.execute(
            f"CREATE TABLE IF NOT EXISTS {seeds} (checksum VARCHAR(64) PRIMARY KEY,"
            " name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        if path.suffix == ".py":
            _run_python_seed(path, connection)
        else:
            connection.execute(content)
        connection.execute(
            f"INSERT INTO {seeds} (checksum, name) VALUES (%s, %s)", (digest, path.name)
        )
    return {
        "file": str(path),
        "checksum": digest,
        "status": "applied",
        "seconds": round(time.monotonic() - started, 3),
    }


def _run_python_seed(path: Path, connection) -> None:
    """A Python seed is a file defining `seed(connection)`; it runs inside the
    seed's transaction, with the search path on the isolated schema."""
    spec = importlib.util.spec_from_file_location(f"prisma_isolate_seed_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise CommandFailure("usage", f"{path}: cannot load the seed module", EXIT_USAGE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "seed", None)):
        raise CommandFailure(
            "usage", f"{path}: a Python seed must define seed(connection)", EXIT_USAGE
        )
    module.seed(connection)


# --- the whole deploy ---------------------------------------------------------


def run(url: str, options: DeployOptions, expected: dict | None, log=None) -> DeployReport:
    """Deploy; the report says what happened.  Raises nothing but what the
    caller must map to an exit status: the failure is in `report.error`."""
    import psycopg

    report = DeployReport(
        database=printable_url(url),
        schema=options.schema,
        environment="production" if options.production else "development",
    )
    started = time.monotonic()
    try:
        local = local_migrations(options.migrations_dir)
        with locked_session(
            url, options.schema, options.connect_timeout, options.lock_timeout, log
        ) as (connection, waited):
            report.lock_wait_seconds = round(waited, 3)
            _ensure_schema(connection, options.schema, report.notes)
            _ensure_migrations_table(connection, options.schema)
            records = _records(connection, options.schema)
            if options.resolve is not None:
                report.resolved = _resolve(
                    connection, options.schema, local, records, *options.resolve
                )
                return report
            _check_history(local, records, report.notes, options.command)
            if not local and any(r.applied for r in records):
                report.notes.append(
                    f"warning: {options.migrations_dir} holds no migration, but the database "
                    f"has applied {len([r for r in records if r.applied])}: is this the "
                    "application's migrations folder?"
                )
            applied = {r.migration_name for r in records if r.applied}
            if not applied and local and expected is not None:
                report.baselined = _baseline(connection, options, local, expected, report.notes)
                applied = set(report.baselined)
            for migration in local:
                if migration.name in applied:
                    report.already_applied.append(migration.name)
                    continue
                if log:
                    log(f"applying migration {migration.name}")
                report.applied.append(_apply(connection, options.schema, migration, options, log))
            if options.seed is not None:
                report.seed = _seed_step(connection, options, log)
        if expected is not None:
            from generator.db.runtime import verify

            # Every migration of the folder must be there: the folder just read says which.
            expected = {
                **expected,
                "migrations": [m.name for m in local],
                "checksums": {m.name: accepted_checksums(m.script) for m in local},
            }
            report.verification = verify(url, expected, options.connect_timeout, log)
            if not report.verification["healthy"]:
                problems = [f for f in report.verification["findings"] if f["severity"] == "error"]
                raise CommandFailure(
                    "unhealthy",
                    f"verification found {plural(len(problems), 'problem')} after the deploy: "
                    + "; ".join(
                        f"{f['check']} {f['object']}: {f['message']}" for f in problems[:5]
                    ),
                )
    except (CommandFailure, Unreachable, psycopg.Error) as error:
        # psycopg: e.g. permission denied on the migrations table: the role cannot deploy
        report.error = run_error(error, url)
    finally:
        report.seconds = time.monotonic() - started
    return report


def _baseline(connection, options: DeployOptions, local, expected: dict, notes) -> list[str]:
    """A schema with the application's tables but no history (a `db push`
    database moved by relocate, or one made by hand): running the migrations
    would fail on "already exists".  When the live catalog is exactly what
    the migrations create, `--baseline` records them as applied, as `prisma
    migrate resolve --applied` would; otherwise say what differs."""
    from generator.db.runtime import compare, read_catalog

    schema = options.schema
    ours = [name for name, t in expected["tables"].items() if t["schema"] == schema]
    present = tables_in(connection, schema) & set(ours)
    if not present:
        if options.baseline:
            notes.append("nothing to baseline: the schema holds none of the application's tables")
        return []
    bare = {**expected, "migrations": []}
    problems = [f for f in compare(bare, read_catalog(connection, bare)) if f.severity == "error"]
    names = ", ".join(m.name for m in local)
    if problems:
        listed = "; ".join(f"{f.check} {f.object}: {f.message}" for f in problems[:10])
        raise CommandFailure(
            "not_baselinable",
            f"{schema} already holds {len(present)} of the application's tables but no migration "
            f"history, and they differ from what the migrations ({names}) create, so they can "
            f"neither run nor be recorded as applied: {listed}"
            + (f"; and {len(problems) - 10} more" if len(problems) > 10 else ""),
            problems=[f"{f.check} {f.object}: {f.message}" for f in problems],
        )
    if not options.baseline:
        raise CommandFailure(
            "baseline_needed",
            f"{schema} already holds exactly what the migrations ({names}) create, but no "
            'migration history says so; running them would fail on "already exists". Record '
            f"them as applied: `{options.command} --baseline`",
        )
    table = _migrations_table(schema)
    with connection.transaction():
        for migration in local:
            connection.execute(
                f"INSERT INTO {table} (id, checksum, migration_name, started_at, finished_at,"
                " applied_steps_count) VALUES (%s, %s, %s, clock_timestamp(), clock_timestamp(), 0)",
                (str(uuid.uuid4()), migration.checksum, migration.name),
            )
    notes.append(f"baselined: {names} recorded as applied (the schema already held them)")
    return [m.name for m in local]


def _seed_step(connection, options: DeployOptions, log) -> dict:
    if options.skip_seed:
        return {"file": str(options.seed), "status": "skipped (SKIP_SEED=1)"}
    try:
        return _seed(connection, options.schema, options.seed)
    except Exception as error:  # a seed is user code: any failure
        if isinstance(error, CommandFailure) and error.kind == "usage":
            raise
        message = f"seed {options.seed} failed and was rolled back: {error_text(error)}"
        if options.production:
            # Production: the schema is deployed; a seed must not keep the service down.
            if log:
                log(f"warning: {message}")
            return {"file": str(options.seed), "status": "failed", "error": message}
        raise CommandFailure("seed_failed", message) from None


def environment_is_production(explicit: str | None) -> bool:
    value = explicit or os.environ.get("PRISMA_ISOLATE_ENV") or os.environ.get("NODE_ENV") or ""
    return value.lower() == "production"
