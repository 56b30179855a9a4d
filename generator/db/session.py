"""A locked session on the application's database: what deploy, relocate and
import-sqlite share.  Connect with verify's retry policy, take Prisma
Migrate's advisory lock with a timeout, release it on every exit path, and
turn whatever ended the work into the report's `error`."""

from __future__ import annotations

import time
from contextlib import contextmanager

from generator.db.connection import EXIT_UNREACHABLE, EXIT_USAGE, Unreachable
from generator.db.urls import scrub
from generator.errors import CommandFailure
from generator.sql.identifiers import quote_identifier

# Prisma Migrate's advisory lock key (prisma-engines: sql-schema-connector's
# postgres flavour).  Taking the same key serialises us with `prisma migrate deploy`.
ADVISORY_LOCK_KEY = 72707369


def _connect(url: str, schema: str, timeout: float, log):
    """A read-write session with the retry policy of verify's connection."""
    import psycopg

    from generator.db.connection import connect

    connection = connect(url, schema, timeout, log, read_only=False)
    # Our own search path, set explicitly (the URL's ?schema= is Prisma's, not libpq's).
    connection.execute(f"SET search_path TO {quote_identifier(schema)}")
    connection.execute("SET application_name TO 'prisma-isolate deploy'")
    try:
        # A deploy killed mid-statement: let its backend notice within a second,
        # roll back, and free the advisory lock (PostgreSQL 14+).
        connection.execute("SET client_connection_check_interval TO '1s'")
    except psycopg.errors.UndefinedObject:
        pass
    return connection


def _acquire_lock(connection, timeout: float) -> float:
    """Take Prisma Migrate's advisory lock; return the seconds waited."""
    import psycopg

    started = time.monotonic()
    connection.execute(f"SET lock_timeout TO '{timeout_ms(timeout)}ms'")
    try:
        connection.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
    except psycopg.errors.LockNotAvailable:
        raise CommandFailure(
            "lock_timeout",
            f"another deploy (ours or `prisma migrate deploy`) has held the migration lock "
            f"(pg_advisory_lock {ADVISORY_LOCK_KEY}) for more than {timeout:g} s; "
            "try again when it has finished, or raise --lock-timeout",
            EXIT_UNREACHABLE,
        ) from None
    finally:
        connection.execute("RESET lock_timeout")
    return time.monotonic() - started


def _release_lock(connection) -> None:
    import psycopg

    try:
        connection.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
    except psycopg.Error:
        pass  # the session is gone, and its locks with it


@contextmanager
def locked_session(url: str, schema: str, connect_timeout: float, lock_timeout: float, log):
    """A read-write session holding Prisma Migrate's advisory lock; yields
    (connection, seconds waited for the lock).  The lock is released and the
    session closed on every exit path."""
    connection = _connect(url, schema, connect_timeout, log)
    try:
        waited = _acquire_lock(connection, lock_timeout)
        try:
            yield connection, waited
        finally:
            _release_lock(connection)
    finally:
        connection.close()


def run_error(
    error: Exception, url: str, after: str = "", statement_exit: int = EXIT_UNREACHABLE
) -> dict:
    """A report's `error` for what ended a deploy, relocate or import:
    CommandFailure, Unreachable, or a psycopg error (`statement_exit` when the
    server answered with a SQLSTATE; `after` says what became of the work).
    No secret of `url` survives in it."""
    from generator.db.connection import _secret_candidates, _sorted_secrets

    secrets = _sorted_secrets(_secret_candidates(url))
    if isinstance(error, CommandFailure):
        return {
            "kind": error.kind,
            "message": scrub(error.message, secrets),
            "exit_code": error.exit_code,
            **error.details,
        }
    if isinstance(error, Unreachable):
        kind = "usage" if error.exit_code == EXIT_USAGE else "unreachable"
        return {"kind": kind, "message": scrub(str(error), secrets), "exit_code": error.exit_code}
    return {
        "kind": "database",
        "message": scrub(error_text(error), secrets) + after,
        "exit_code": statement_exit if getattr(error, "sqlstate", None) else EXIT_UNREACHABLE,
    }


def timeout_ms(seconds: float) -> int:
    """PostgreSQL's timeouts in ms, where 0 means "wait forever": never 0 here."""
    return max(1, round(seconds * 1000))


def error_text(error) -> str:
    text = str(error).strip() or type(error).__name__
    sqlstate = getattr(error, "sqlstate", None)
    return f"{text} (SQLSTATE {sqlstate})" if sqlstate else text


def tables_in(connection, schema: str) -> set[str]:
    """The names of the tables (plain and partitioned) in `schema`."""
    rows = connection.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
        (schema,),
    ).fetchall()
    return {name for (name,) in rows}


class BackgroundQuery:
    """A query the server runs while Python goes on with other work: sent now,
    its one row collected by `row()`.  Nothing else may use the connection
    until then."""

    def __init__(self, connection, sql: str):
        self.connection = connection
        self.pgconn = connection.pgconn
        self.pgconn.send_query(sql.encode())
        self.done = False
        while self.pgconn.flush():  # a non-blocking connection: the rest when writable
            self._wait(write=True)

    def __enter__(self) -> BackgroundQuery:
        return self

    def __exit__(self, kind, error, trace) -> None:
        """On an error, let the query end first: the connection must be idle
        for the transaction to roll back."""
        if kind is not None and not self.done:
            try:
                self.row()
            except Exception:  # noqa: S110 - the error being raised is the one to report
                pass

    def ready(self) -> bool:
        """Whether the result is in (never blocks)."""
        self.pgconn.consume_input()
        return not self.pgconn.is_busy()

    def row(self) -> tuple:
        """The result's first row, as text (waits for it); the server's error raised."""
        import psycopg
        from psycopg import pq

        while not self.ready():
            self._wait(write=False)
        results = []
        while (result := self.pgconn.get_result()) is not None:
            results.append(result)
        self.done = True
        for result in results:
            if result.status != pq.ExecStatus.TUPLES_OK:
                raise psycopg.errors.error_from_result(
                    result, encoding=self.connection.info.encoding
                )
        result = results[-1]
        return tuple(
            None if value is None else value.decode()
            for value in (result.get_value(0, i) for i in range(result.nfields))
        )

    def _wait(self, write: bool) -> None:
        import select

        socket = self.pgconn.socket
        select.select([] if write else [socket], [socket] if write else [], [])
