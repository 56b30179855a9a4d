"""Python side of the Node harness (tests/harness/prisma.mjs): Prisma's own
wasm engines, started once per test session, spoken to in JSON lines."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

HARNESS = Path(__file__).parent / "harness"

# Prisma 7 rejects these datasource properties in schema files (they moved to
# prisma.config.ts); Prisma <= 6 schemas carry them.  Strip them before asking
# Prisma 7's validator about everything else.
_URL_LINE = re.compile(r"^[ \t]*(url|directUrl|shadowDatabaseUrl)[ \t]*=.*(\r\n|\n|\r)?", re.M)


def without_datasource_urls(text: str) -> str:
    return _URL_LINE.sub("", text)


_UNKNOWN_FEATURE = re.compile(r'The preview feature \\?"(\w+)\\?" is not known')


def _drop_feature(text: str, feature: str) -> str:
    def edit(match: re.Match) -> str:
        items = [i.strip() for i in match.group(2).split(",") if i.strip()]
        items = [i for i in items if i != f'"{feature}"']
        return match.group(1) + "[" + ", ".join(items) + "]"

    return re.sub(r"(previewFeatures\s*=\s*)\[([^\]]*)\]", edit, text)


class PrismaError(Exception):
    pass


class PrismaEngines:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not installed")
        if not (HARNESS / "node_modules" / "@prisma" / "prisma-schema-wasm").is_dir():
            raise RuntimeError("the Node harness is not installed (./dev test installs it)")
        self._process = subprocess.Popen(
            [node, str(HARNESS / "prisma.mjs")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._next_id = 0

    def _call(self, op: str, files: list[tuple[str, str]], **extra):
        self._next_id += 1
        request = {"id": self._next_id, "op": op, "files": [list(f) for f in files], **extra}
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError("the Prisma harness exited")
        response = json.loads(line)
        assert response["id"] == self._next_id
        if not response["ok"]:
            raise PrismaError(response["error"])
        return response["result"]

    def validate(self, files: list[tuple[str, str]]) -> None:
        """Raise PrismaError with Prisma's message unless the schema is valid."""
        self._call("validate", files)

    def validate_for_prisma_7(self, files: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """Validate a Prisma <= 6 schema with Prisma 7's validator, after the two
        changes Prisma 7 forces on every such schema and that have nothing to do
        with isolation: datasource URLs move to prisma.config.ts, and preview
        features that Prisma 7 removed (Prisma names each one) are dropped.
        Returns the files as judged; raises PrismaError for any other error."""
        files = [(name, without_datasource_urls(text)) for name, text in files]
        for _ in range(20):
            try:
                self.validate(files)
                return files
            except PrismaError as error:
                match = _UNKNOWN_FEATURE.search(str(error))
                if not match:
                    raise
                files = [(name, _drop_feature(text, match.group(1))) for name, text in files]
        raise PrismaError("too many unknown preview features")

    def lint(self, files: list[tuple[str, str]]) -> list[dict]:
        return self._call("lint", files)

    def format(self, files: list[tuple[str, str]]) -> dict[str, str]:
        return dict(self._call("format", files))

    def diff_from_empty(self, files: list[tuple[str, str]], schema_name: str = "public") -> str:
        """Prisma's migration script from an empty database to `files`, as
        `prisma migrate diff --from-empty --to-schema --script` prints it, for a
        connection whose default schema (?schema=) is `schema_name`."""
        return self._call("diff_from_empty", files, schemaName=schema_name)

    def diff_schemas(self, before, after, schema_name: str = "public", script: bool = True) -> str:
        """Prisma's migration script from schema `before` to schema `after` (file
        lists), as `prisma migrate diff --from-schema … --to-schema … --script`
        prints it for a connection whose default schema is `schema_name`."""
        return self._call(
            "diff_schemas", after, fromFiles=before, schemaName=schema_name, script=script
        )

    def apply_migrations(self, files, url: str, schema_name: str, migrations_dir) -> list[str]:
        """`prisma migrate deploy`: the names of the migrations it applied."""
        result = self._call(
            "apply_migrations",
            files,
            url=url,
            schemaName=schema_name,
            migrationsDir=str(migrations_dir),
        )
        return result["appliedMigrationNames"]

    def diff_database(self, files, url: str, schema_name: str) -> str:
        """The script Prisma would run to bring the live database to `files`
        (empty when there is no drift)."""
        return self._call("diff_database", files, url=url, schemaName=schema_name)

    def diff_from_migrations(self, files, url: str, schema_name: str, migrations_dir) -> str:
        """`prisma migrate diff --from-migrations DIR --to-schema … --script`: the
        folder replayed on a shadow database Prisma creates beside `url`."""
        return self._call(
            "diff_from_migrations",
            files,
            url=url,
            schemaName=schema_name,
            migrationsDir=str(migrations_dir),
        )

    def diagnose_migration_history(self, files, url: str, schema_name: str, migrations_dir) -> dict:
        return self._call(
            "diagnose_migration_history",
            files,
            url=url,
            schemaName=schema_name,
            migrationsDir=str(migrations_dir),
        )

    def close(self) -> None:
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=10)
