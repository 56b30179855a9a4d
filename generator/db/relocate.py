"""`prisma-isolate relocate`: move an application already deployed into
`public` (no isolation) into its own schema, with its data.

Changing `@@schema` in Prisma drops and recreates the tables; this is a real
move instead.  `ALTER TABLE … SET SCHEMA` carries indexes, constraints and
owned sequences with each table; enum types move with `ALTER TYPE … SET
SCHEMA`.  Prisma's history follows, but only the application's own rows:
`_prisma_migrations` moves whole when every row in it names a migration of
the application's folder, is split when it also holds another service's rows
(ours are moved into a new table in the target, theirs stay), and is left
alone when none is ours.  Another service's history is never touched.

Which objects move is decided by the schema (tables and join tables after
@@map, enums), never by a list: another service's table of the same name in
`public` is only touched if the schema defines it.

Everything is one transaction, under Prisma Migrate's advisory lock and a
lock_timeout.  Per-table row counts and content checksums are taken before
and after; on any difference the transaction rolls back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from generator.db.connection import EXIT_DRIFT, EXIT_UNREACHABLE, Unreachable
from generator.db.deploy import MIGRATIONS_TABLE_COLUMNS
from generator.db.session import (
    ADVISORY_LOCK_KEY,
    locked_session,
    run_error,
    tables_in,
    timeout_ms,
)
from generator.errors import CommandFailure
from generator.report import envelope
from generator.sql.identifiers import quote_identifier as q


@dataclass
class Plan:
    source: str
    target: str
    tables: list[str]  # to move, in the schema's order
    enums: list[str]
    history: str  # _prisma_migrations: "move" (all ours), "split" (ours and others'), "leave"
    ours: list[str] = field(default_factory=list)  # our migration names found in it
    theirs: list[str] = field(default_factory=list)  # another service's migration names
    statements: list[tuple[str, tuple]] = field(default_factory=list)  # (SQL, parameters)

    @property
    def moved_tables(self) -> list[str]:
        return self.tables + (["_prisma_migrations"] if self.history == "move" else [])


@dataclass
class RelocateReport:
    database: str
    source: str
    target: str
    dry_run: bool
    status: str = ""  # "relocated", "already relocated", "planned"
    plan: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tables: dict = field(default_factory=dict)  # name -> {"rows", "checksum"}
    error: dict | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return envelope(
            self.database,
            {"from": self.source, "to": self.target, "dry_run": self.dry_run},
            {"status": self.status, "plan": self.plan, "tables": self.tables},
            self.notes,
            self.error,
            self.seconds,
        )


def _types(connection, schema: str) -> set[str]:
    rows = connection.execute(
        "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE n.nspname = %s AND t.typtype = 'e'",
        (schema,),
    ).fetchall()
    return {name for (name,) in rows}


def _history_names(connection, source: str) -> list[str] | None:
    """The migration names in the source's history, or None when the role may
    not read it (the privilege check then names what it lacks)."""
    table = f"{q(source)}.{q('_prisma_migrations')}"
    if not connection.execute("SELECT has_table_privilege(%s, 'SELECT')", (table,)).fetchone()[0]:
        return None
    return [
        name
        for (name,) in connection.execute(
            f"SELECT DISTINCT migration_name FROM {q(source)}.{q('_prisma_migrations')} ORDER BY 1"
        )
    ]


def plan_relocation(
    connection, expected: dict, source: str, target: str, migrations: list[str]
) -> Plan | None:
    """What moves, or None when everything is already in `target`.  Raises
    CommandFailure (nothing changed) for a collision or a missing object."""
    tables = [n for n, t in expected["tables"].items() if t["schema"] == target]
    enums = [n for n, e in expected["enums"].items() if e["schema"] == target]
    in_source, in_target = tables_in(connection, source), tables_in(connection, target)
    types_source, types_target = _types(connection, source), _types(connection, target)
    moved = [t for t in tables if t in in_target and t not in in_source]
    if len(moved) == len(tables) and all(e in types_target for e in enums):
        return None
    plan = Plan(source, target, tables, enums, "leave")
    if "_prisma_migrations" in in_source:
        names = _history_names(connection, source)
        if names is None:
            plan.history = "move"  # unreadable: refused below for want of privileges
        else:
            plan.ours = [n for n in names if n in migrations]
            plan.theirs = [n for n in names if n not in migrations]
            plan.history = "leave" if not plan.ours else "split" if plan.theirs else "move"
    collisions = [t for t in tables if t in in_target] + [e for e in enums if e in types_target]
    if plan.history != "leave" and "_prisma_migrations" in in_target:
        collisions.append("_prisma_migrations")
    if collisions:
        raise CommandFailure(
            "collision",
            f"{target} already holds {', '.join(sorted(collisions))}; nothing was moved. "
            f"Drop or rename them in {target} first if they are leftovers.",
            EXIT_DRIFT,
            objects=sorted(collisions),
        )
    missing = [t for t in tables if t not in in_source] + [
        e for e in enums if e not in types_source
    ]
    if missing:
        raise CommandFailure(
            "missing",
            f"{source} lacks {', '.join(sorted(missing))}, which the schema defines; nothing was "
            "moved. Is this the database (and the schema version) the application uses?",
            EXIT_DRIFT,
            objects=sorted(missing),
        )
    plan.statements.append((f"CREATE SCHEMA IF NOT EXISTS {q(target)}", ()))
    for name in enums:
        plan.statements.append((f"ALTER TYPE {q(source)}.{q(name)} SET SCHEMA {q(target)}", ()))
    for name in plan.moved_tables:
        plan.statements.append((f"ALTER TABLE {q(source)}.{q(name)} SET SCHEMA {q(target)}", ()))
    if plan.history == "split":
        old, new = (f"{q(s)}.{q('_prisma_migrations')}" for s in (source, target))
        columns = (
            "id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at,"
            " applied_steps_count"
        )
        plan.statements += [
            (f"CREATE TABLE {new} {MIGRATIONS_TABLE_COLUMNS}", ()),
            (
                f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {old}"
                " WHERE migration_name = ANY(%s)",
                (plan.ours,),
            ),
            (f"DELETE FROM {old} WHERE migration_name = ANY(%s)", (plan.ours,)),
        ]
    return plan


def _history_note(plan: Plan) -> str | None:
    where = f"{plan.source}._prisma_migrations"
    if plan.history == "split":
        return (
            f"{where} also holds another service's migrations ({', '.join(plan.theirs)}): "
            f"only the application's ({', '.join(plan.ours)}) moved to "
            f"{plan.target}._prisma_migrations; the others stay where they are"
        )
    if plan.history == "leave" and plan.theirs:
        return (
            f"{where} was left alone: none of its migrations ({', '.join(plan.theirs)}) is in "
            "the application's migrations folder, so it is another service's history "
            "(give --migrations if the application's folder is elsewhere); record the "
            "application's baseline with `prisma-isolate deploy --baseline`"
        )
    return None


def _check_privileges(connection, plan: Plan) -> None:
    """ALTER … SET SCHEMA needs ownership of each object and CREATE on the target."""
    names = plan.moved_tables
    not_owned = connection.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relname = ANY(%s) AND NOT pg_has_role(c.relowner, 'USAGE')"
        " UNION ALL"
        " SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
        " WHERE n.nspname = %s AND t.typname = ANY(%s) AND NOT pg_has_role(t.typowner, 'USAGE')",
        (plan.source, names, plan.source, plan.enums),
    ).fetchall()
    role, database = connection.execute("SELECT current_user, current_database()").fetchone()
    problems = []
    if not_owned:
        problems.append(
            f"role {role} does not own {', '.join(sorted(n for (n,) in not_owned))} "
            "(moving a table or type needs its owner: run relocate as the role that deployed "
            "the application)"
        )
    target_exists = connection.execute(
        "SELECT has_schema_privilege(oid, 'CREATE') FROM pg_namespace WHERE nspname = %s",
        (plan.target,),
    ).fetchone()
    if target_exists is not None and not target_exists[0]:
        problems.append(f"GRANT CREATE ON SCHEMA {q(plan.target)} TO {q(role)}")
    if (
        target_exists is None
        and not connection.execute(
            "SELECT has_database_privilege(current_database(), 'CREATE')"
        ).fetchone()[0]
    ):
        problems.append(f"GRANT CREATE ON DATABASE {q(database)} TO {q(role)}")
    if problems:
        raise CommandFailure(
            "permission",
            "insufficient privileges, nothing was moved: " + "; ".join(problems),
            EXIT_UNREACHABLE,
        )


def content_checksums(connection, schema: str, tables: list[str]) -> dict[str, dict]:
    """Per table: row count and an order-independent-of-storage content hash
    (md5 over the rows' md5s, sorted), computed in the server."""
    result = {}
    for name in tables:
        rows, digest = connection.execute(
            f"SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
            f" FROM (SELECT md5(t::text) AS h FROM {q(schema)}.{q(name)} AS t) AS hashed"
        ).fetchone()
        result[name] = {"rows": rows, "checksum": digest}
    return result


def _history_checksums(connection, plan: Plan, ours_in: str) -> dict | None:
    """For a split history: our rows (in `ours_in`) and the other service's
    rows (always in the source), counted and checksummed."""
    if plan.history != "split":
        return None
    sums = {}
    for label, schema, keep in (("ours", ours_in, True), ("theirs", plan.source, False)):
        condition = "" if keep else "NOT "
        rows, digest = connection.execute(
            "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM (SELECT"
            f" md5(t::text) AS h FROM {q(schema)}.{q('_prisma_migrations')} AS t"
            f" WHERE {condition}migration_name = ANY(%s)) AS hashed",
            (plan.ours,),
        ).fetchone()
        sums[label] = {"rows": rows, "checksum": digest}
    return sums


def relocate(
    url: str,
    expected: dict,
    source: str,
    target: str,
    dry_run: bool,
    migrations: list[str],
    lock_timeout: float = 10.0,
    connect_timeout: float = 30.0,
    log=None,
) -> RelocateReport:
    import psycopg

    from generator.db.urls import printable_url

    report = RelocateReport(printable_url(url), source, target, dry_run)
    started = time.monotonic()
    try:
        with locked_session(url, target, connect_timeout, lock_timeout, log) as (connection, _):
            _relocate_locked(connection, expected, report, migrations, lock_timeout, log)
    except (CommandFailure, Unreachable, psycopg.Error) as error:
        report.error = run_error(error, url, "; the transaction was rolled back")
    finally:
        report.seconds = time.monotonic() - started
    return report


def _shown(statement: str, parameters: tuple) -> str:
    """A statement as the dry run prints it: parameters written out, for reading."""
    for value in parameters:
        literal = "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in value) + "]"
        statement = statement.replace("%s", literal, 1)
    return statement


def _relocate_locked(
    connection, expected, report: RelocateReport, migrations, lock_timeout, log
) -> None:
    import psycopg

    with connection.transaction():
        plan = plan_relocation(connection, expected, report.source, report.target, migrations)
        if plan is None:
            report.status = "already relocated"
            return
        note = _history_note(plan)
        if note:
            report.notes.append(note)
        report.plan = [
            f"SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})",
            "BEGIN",
            f"SET LOCAL lock_timeout = '{timeout_ms(lock_timeout)}ms'",
            *(_shown(sql, parameters) for sql, parameters in plan.statements),
            "-- compare per-table row counts and content checksums, else ROLLBACK",
            "COMMIT",
        ]
        if report.dry_run:
            report.status = "planned"
            return
        _check_privileges(connection, plan)
        connection.execute(f"SET LOCAL lock_timeout = '{timeout_ms(lock_timeout)}ms'")
        names = plan.moved_tables
        try:
            before = content_checksums(connection, plan.source, names)
            history_before = _history_checksums(connection, plan, plan.source)
            for statement, parameters in plan.statements:
                if log:
                    log(_shown(statement, parameters))
                connection.execute(statement, parameters or None)
            after = content_checksums(connection, plan.target, names)
            history_after = _history_checksums(connection, plan, plan.target)
        except psycopg.errors.LockNotAvailable:
            raise CommandFailure(
                "lock_timeout",
                f"a table stayed locked by another session for more than {lock_timeout:g} s "
                "(the application may be running); nothing was moved",
                EXIT_UNREACHABLE,
            ) from None
        differences = [n for n in names if before[n] != after[n]]
        if history_before != history_after:
            differences.append("_prisma_migrations (split)")
            before["_prisma_migrations (split)"] = history_before
            after["_prisma_migrations (split)"] = history_after
        if differences:
            raise CommandFailure(
                "checksum_mismatch",
                f"row counts or checksums differ after the move for {', '.join(differences)}; "
                "rolled back, nothing was moved",
                EXIT_DRIFT,
                before={n: before[n] for n in differences},
                after={n: after[n] for n in differences},
            )
        report.tables = after
        report.status = "relocated"
