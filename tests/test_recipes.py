"""The integration recipes, each exercised: AnythingLLM's image build step
(recipes/anythingllm/isolate.sh, run by its Dockerfile) on a server folder
laid out like AnythingLLM's; a Node project's package.json scripts run by the
real npm; railway.toml deploying with Prisma's own migrate deploy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT
from prisma_harness import without_datasource_urls

SCHEMA = "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"
SQLITE_MIGRATIONS = [
    "mintplex__migrations__20230921191814_init__migration.sql",
    "mintplex__migrations__20240206181106_init__migration.sql",
]


def tool_path() -> dict:
    """PATH with the prisma-isolate command of this environment first."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}


@pytest.fixture
def server(corpus, tmp_path) -> Path:
    """A folder laid out like AnythingLLM's server/: package.json pinning Prisma
    5.3.1, prisma/schema.prisma (SQLite) and its SQLite migrations."""
    root = tmp_path / "server"
    (root / "prisma" / "migrations").mkdir(parents=True)
    (root / "package.json").write_text(
        json.dumps({"name": "anything-llm-server", "dependencies": {"prisma": "5.3.1"}})
    )
    shutil.copy(corpus / "anythingllm" / SCHEMA, root / "prisma" / "schema.prisma")
    for name in SQLITE_MIGRATIONS:
        folder = root / "prisma" / "migrations" / name.split("__")[2]
        folder.mkdir()
        shutil.copy(corpus / "anythingllm" / name, folder / "migration.sql")
    (root / "prisma" / "migrations" / "migration_lock.toml").write_text('provider = "sqlite"\n')
    return root


@pytest.mark.prisma
def test_the_anythingllm_image_step_isolates_the_server_folder(server, prisma):
    script = ROOT / "recipes" / "anythingllm" / "isolate.sh"
    result = subprocess.run(
        ["sh", str(script), str(server)], capture_output=True, text=True, env=tool_path()
    )
    assert result.returncode == 0, result.stderr
    assert "DATABASE_URL needs ?schema=anythingllm" in result.stdout
    schema = (server / "prisma" / "schema.prisma").read_text()
    assert 'provider = "postgresql"' in schema and '@@schema("anythingllm")' in schema
    assert 'url      = env("DATABASE_URL")' in schema  # Prisma 5.3.1 keeps its URL in the schema
    assert "multiSchema" in schema  # Prisma 5 needs the preview feature
    migrations = server / "prisma" / "migrations"
    assert sorted(p.name for p in migrations.iterdir()) == [
        ".prisma-isolate.json",
        "0_init",
        "migration_lock.toml",
    ]
    assert 'provider = "postgresql"' in (migrations / "migration_lock.toml").read_text()
    files = [("schema.prisma", without_datasource_urls(schema))]
    assert (migrations / "0_init" / "migration.sql").read_text() == prisma.diff_from_empty(
        files, "anythingllm"
    )
    # The build step may run again (a cached layer rebuilt): nothing changes.
    before = {p: p.read_bytes() for p in server.rglob("*") if p.is_file()}
    again = subprocess.run(["sh", str(script), str(server)], capture_output=True, env=tool_path())
    assert again.returncode == 0
    assert {p: p.read_bytes() for p in server.rglob("*") if p.is_file()} == before


def test_the_dockerfile_runs_the_tested_step():
    dockerfile = (ROOT / "recipes" / "anythingllm" / "Dockerfile").read_text()
    assert (
        "COPY isolate.sh /isolate.sh" in dockerfile and "RUN sh /isolate.sh /server" in dockerfile
    )
    assert (
        "COPY --from=isolate --chown=anythingllm:anythingllm /server/prisma /app/server/prisma"
        in (dockerfile)
    )


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_a_node_project_checks_before_prisma_generate(corpus, tmp_path):
    project = tmp_path / "app"
    (project / "prisma").mkdir(parents=True)
    shutil.copy(ROOT / "recipes" / "node" / "package.json", project / "package.json")
    shutil.copy(corpus / "anythingllm" / SCHEMA, project / "prisma" / "schema.prisma")

    def npm(script: str):
        return subprocess.run(
            ["npm", "run", "--silent", script],
            cwd=project,
            capture_output=True,
            text=True,
            env=tool_path(),
        )

    assert npm("prebuild").returncode != 0  # nothing generated yet
    assert npm("isolate").returncode == 0
    assert npm("prebuild").returncode == 0
    schema = project / "prisma" / "schema.prisma"
    schema.write_text(schema.read_text().replace("model users {", "model users {\n  nick String?"))
    stale = npm("prebuild")
    assert stale.returncode == 1 and "prisma/isolated is stale: run npm run isolate" in stale.stderr


@pytest.mark.parametrize(
    "version, command",
    [
        ("5.3.1", "npx prisma migrate deploy --schema out/schema.prisma"),
        ("7.0", "npx prisma migrate deploy --config out/prisma.config.ts"),
    ],
)
def test_railway_can_deploy_with_prismas_own_migrate_deploy(corpus, tmp_path, version, command):
    def generate(*extra: str) -> dict:
        shutil.rmtree(tmp_path / "out", ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", str(corpus / "anythingllm" / SCHEMA)]
            + ["-o", "out", "--provider", "postgresql", "--prisma-version", version, "-q", *extra],
            cwd=tmp_path,
            check=True,
        )
        return tomllib.loads((tmp_path / "out" / "railway.toml").read_text())

    assert generate("--deploy-with", "prisma")["deploy"]["preDeployCommand"] == [command]
    default = generate()["deploy"]["preDeployCommand"]
    assert default == [
        "prisma-isolate deploy out/schema.prisma --schema anythingllm --env production"
    ]
