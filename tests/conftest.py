from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("PRISMA_ISOLATE_CORPUS", ROOT.parent / "shared" / "corpus"))

# AnythingLLM's schema across five upstream releases, oldest first (in CORPUS/anythingllm).
ANYTHINGLLM_RELEASES = [
    "mintplex__schema.prisma__a126b5f5__2023-09-28.prisma",
    "mintplex__schema.prisma__fcb591d3__2023-12-07.prisma",
    "mintplex__schema.prisma__2c9cb28d__2024-10-29.prisma",
    "mintplex__schema.prisma__5716ac5e__2025-11-24.prisma",
    "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma",
]


def corpus_units() -> list[Path]:
    """Every schema in corpus/real and corpus/anythingllm: files, and folders
    that are one multi-file schema."""
    if not CORPUS.is_dir():
        return []
    units = sorted((CORPUS / "real").iterdir()) + sorted((CORPUS / "anythingllm").glob("*.prisma"))
    return [u for u in units if u.is_dir() or u.suffix == ".prisma"]


def unit_id(path: Path) -> str:
    return path.name.split("__")[0] + "/" + path.name[-40:]


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS


@pytest.fixture(scope="session")
def prisma():
    from prisma_harness import PrismaEngines

    try:
        engines = PrismaEngines()
    except RuntimeError as error:
        pytest.skip(str(error))
    yield engines
    engines.close()


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL: TEST_DATABASE_URL, else one embedded pgserver for the
    whole run, shared by pytest-xdist's workers (pgserver counts the processes
    using a data folder; the last one stops the server and deletes the folder)."""
    # Not under pytest's basetemp: a second pytest run on the machine prunes old
    # basetemp folders, and would pull the data directory from under this server.
    import tempfile
    import warnings

    from pg import start_server

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run:
        workdir = Path(tempfile.gettempdir()) / f"prisma-isolate-pg-{run[:16]}"
    else:
        workdir = Path(tempfile.mkdtemp(prefix="prisma-isolate-pg-"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice
        server, handle = start_server(workdir)
    yield server
    if handle is not None:
        handle.cleanup()


@pytest.fixture
def database(pg_server):
    """The URL of a fresh, empty database, dropped afterwards."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def project(tmp_path) -> Path:
    """generate's output for the bundled schema, in tmp_path/out: schema.prisma,
    migrations/0_init, the verify script; returns the schema file."""
    from generator.emit.generate import generate
    from generator.isolation.isolate import isolate
    from generator.isolation.options import RewriteOptions
    from generator.psl.parser import parse_path

    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    for relative, text in generate(outcome, None, "anythingllm", "0_init", None).files.items():
        path = tmp_path / "out" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path / "out" / "schema.prisma"


def venv_with(tmp_path_factory, *requirements: str) -> str:
    """The python of a fresh virtual environment holding only `requirements`."""
    import subprocess
    import sys

    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            *requirements,
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr
    return str(python)
