"""No password reaches any output, in any form a connection string can take:
URL user-info (with the unencoded '#' and '?' libpq accepts), a password=
query parameter, a key=value string, and strings libpq cannot parse; on every
channel: stdout, stderr, --json, -v tracebacks, the generated script."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit

import pytest

SCHEMA = "anythingllm"
SECRET = "Top#42?xQ9pass"


def forms(database: str) -> dict[str, str]:
    """The same database, reached with the password in each form."""
    parts = urlsplit(database)
    host = dict(parse_qsl(parts.query))["host"]
    name = parts.path.lstrip("/")
    return {
        "userinfo": f"postgresql://postgres:{SECRET}@/{name}?host={host}&schema={SCHEMA}",
        "query": f"postgresql://postgres@/{name}?host={host}&password={SECRET}&schema={SCHEMA}",
        "keyvalue": f"host={host} dbname={name} user=postgres password='{SECRET}'",
    }


UNPARSEABLE = [
    f"postgresql://postgres:{SECRET}@[::1/db",
    f"postgresql://postgres:{SECRET}@h/db?a=1?b=2",
    f"host=/tmp password={SECRET} stray",
    f"mysql://root:{SECRET}@h/db",
    f"postgresql://postgres:pa/{SECRET}@h/db",
]


def run(*args: str, url: str, script: bool = False, timeout: float = 120):
    argv = [sys.executable, *args] if script else [sys.executable, "-m", "generator", *args]
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "DATABASE_URL": url},
    )
    output = result.stdout + result.stderr
    for piece in (SECRET, SECRET.split("#")[0] + "#", "42?xQ9"):
        assert piece not in output, output
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("form", ["userinfo", "query", "keyvalue"])
def test_no_channel_shows_the_password(project, database, form, tmp_path):
    url = forms(database)[form]
    out = project.parent
    deployed = run("deploy", str(project), "-v", url=url)
    assert deployed.returncode == 0, deployed.stderr
    assert "***" in deployed.stderr + deployed.stdout
    as_json = run("deploy", str(project), "--json", url=url)
    assert as_json.returncode == 0 and '"database":' in as_json.stdout
    assert run("verify", str(project), "-v", url=url).returncode == 0
    assert run("verify", str(project), "--json", url=url).returncode == 0
    relocated = run("relocate", str(project), "--json", url=url)
    assert '"already relocated"' in relocated.stdout
    not_sqlite = tmp_path / "not.db"
    not_sqlite.write_text("hello")
    imported = run("import-sqlite", str(not_sqlite), str(project), "--json", url=url)
    assert imported.returncode == 3 and '"database":' in imported.stdout
    script = out / f"verify_{SCHEMA}.py"
    assert run(str(script), "--bogus", url=url, script=True).returncode == 3
    assert run(str(script), url=url, script=True).returncode == 0
    assert run(str(script), "--json", url=url, script=True).returncode == 0


@pytest.mark.parametrize("url", UNPARSEABLE)
@pytest.mark.parametrize("command", ["deploy", "verify", "relocate", "import-sqlite"])
def test_unparseable_strings_are_exit_3_and_never_shown(project, command, url):
    args = [str(project), str(project)] if command == "import-sqlite" else [str(project)]
    result = run(command, *args, "-v", "--json", url=url, timeout=30)
    assert result.returncode == 3, result.stderr
    assert "error:" in result.stderr


@pytest.mark.parametrize("url", UNPARSEABLE)
def test_generated_script_refuses_unparseable_strings(project, url):
    script = project.parent / f"verify_{SCHEMA}.py"
    result = run(str(script), "--timeout", "1", url=url, script=True, timeout=30)
    assert result.returncode == 3, result.stderr


def test_a_traceback_under_verbose_shows_no_password():
    """The net under every channel: whatever prints, a -v traceback included."""
    url = f"postgresql://app:{SECRET}@h/db"
    code = (
        "import sys, traceback\n"
        "from generator.db.urls import guard_output\n"
        "guard_output(sys.argv[1])\n"
        "try:\n"
        "    raise RuntimeError('while connecting to ' + sys.argv[1])\n"
        "except RuntimeError:\n"
        "    traceback.print_exc()\n"
        "print(sys.argv[1])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, url], capture_output=True, text=True, check=True
    )
    assert "RuntimeError: while connecting to postgresql://app:***@h/db" in result.stderr
    assert result.stdout.strip() == "postgresql://app:***@h/db"
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "raw, printable",
    [
        (f"postgresql://u:{SECRET}@/db", "postgresql://u:***@/db"),
        (
            f"postgres://u@h/db?password={SECRET}&sslmode=require",
            "postgres://u@h/db?password=***&sslmode=require",
        ),
        ("postgresql://u:p%40ss@h:5432/db?schema=x", "postgresql://u:***@h:5432/db"),
        (f"host=h password={SECRET}", "password=*** host=h"),
        (f"postgresql://u:{SECRET}@[::1/db", "<the database URL, not shown: it cannot be parsed>"),
    ],
)
def test_printable_forms(raw, printable):
    from generator.db.urls import printable_url

    assert printable_url(raw) == printable


def test_prisma_parameters_are_left_out_for_libpq_and_said():
    from generator.db.urls import parse_connection_string, url_policy

    parsed = parse_connection_string(
        "postgresql://u:pw@h/db?schema=anythingllm&connection_limit=5&sslaccept=strict"
        "&pgbouncer=true&sslmode=require"
    )
    assert parsed.conninfo == "postgresql://u:pw@h/db?sslmode=require"
    assert parsed.schema == "anythingllm"
    notes = url_policy(parsed, "anythingllm")
    assert notes == [
        "Prisma's own URL parameters are not for libpq and were left out here: "
        "connection_limit, sslaccept, pgbouncer"
    ]
