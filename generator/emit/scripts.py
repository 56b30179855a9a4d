"""The scripts and configuration `generate` emits beside the schema: the
standalone verification script (the runtime verbatim and the expected
catalog), railway.toml (deploy as the pre-deploy command) and, for Prisma 7,
prisma.config.ts."""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring

from generator import __version__, package_text
from generator.emit.catalog import expected_catalog
from generator.psl.nodes import Schema
from generator.sql.build import build_database
from generator.sql.render import render


def expected_for(rewritten: Schema, schema_name: str, migrations: list[str]) -> dict:
    return expected_catalog(build_database(rewritten, schema_name), migrations)


def script_filename(schema_name: str) -> str:
    return f"verify_{schema_name}.py"


def catalog_literal(expected: dict) -> str:
    """The catalog as JSON, for a raw triple-double-quoted string.  JSON escapes
    every backslash, newline and quote inside its strings, and a string's
    closing quote is never followed by another: three quotes in a row, the only
    thing that could close the literal, cannot occur.

    The bytes are `json.dumps(expected, indent=1, ensure_ascii=False)`'s (a
    test holds them equal); an indent turns off json's C encoder, and its
    Python one took ~46 ms of a 1,000-model generate."""
    pieces: list[str] = []
    _indented(expected, "\n", pieces)
    return "".join(pieces)


_SCALARS = {True: "true", False: "false", None: "null"}


def _indented(value, newline: str, out: list[str]) -> None:
    """Append `value` as json.dumps writes it with indent=1 to `out`;
    `newline` is the line break plus the current indentation."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None or value is True or value is False:
        out.append(_SCALARS[value])
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + " "
        opener = "{" + inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"catalog keys are strings, not {type(key).__name__}")
            out.append(opener)
            out.append(encode_basestring(key))
            out.append(": ")
            _indented(item, inner, out)
            opener = "," + inner
        out.append(newline + "}")
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = newline + " "
        opener = "[" + inner
        for item in value:
            out.append(opener)
            _indented(item, inner, out)
            opener = "," + inner
        out.append(newline + "]")
    else:  # numbers, in json's own spelling
        out.append(json.dumps(value))


# The emitted script's style: black at the project's line length.  The runtime
# is copied verbatim and is kept black-clean at it, and the template is too, so
# generate never runs black: the bytes cannot depend on the installed version
# (tests hold the script stable under the oldest and newest black allowed).
BLACK_LINE_LENGTH = 100


def embedded_runtime() -> str:
    """connection.py and runtime.py, verbatim, as one module: runtime.py's
    `from __future__` line and its import of connection.py (marked
    "embedded: dropped") are left out, since connection.py's text is above."""
    connection = package_text("generator.db", "connection.py")
    runtime = package_text("generator.db", "runtime.py")
    runtime = runtime.replace("from __future__ import annotations\n", "", 1)
    runtime = re.sub(
        r"\n# The generated script holds[^\n]*\nfrom generator\.db\.connection import \("
        r"  # embedded: dropped\n(?:    \w+,\n)*\)\n",
        "",
        runtime,
        count=1,
    )
    if "generator." in runtime.split('"""', 2)[-1]:
        raise AssertionError("runtime.py imports the package beyond connection.py")
    return connection.rstrip("\n") + "\n\n\n" + runtime


def verification_script(expected: dict, source: str) -> str:
    """The standalone verify_<schema>.py: the runtime module verbatim (one
    implementation of the checks) plus the expected catalog as JSON."""
    runtime = embedded_runtime()
    text = render(
        "verify.py.jinja",
        version=__version__,
        source=source,
        schema=expected["schema"],
        filename=script_filename(expected["schema"]),
        runtime=runtime.rstrip("\n"),
        expected=catalog_literal(expected),
    )
    return text


def railway_toml(
    source: str,
    schema: str,
    deploy_target: str,
    healthcheck_path: str,
    deploy_with: str = "prisma-isolate",
    prisma_config: str | None = None,
) -> str:
    """Railway's config.  `deploy_with` "prisma" runs Prisma's own migrate
    deploy (an image without Python: the migrations are Prisma's), through
    `prisma_config` (prisma.config.ts) for Prisma 7, else --schema."""
    if deploy_with == "prisma":
        target = f"--config {prisma_config}" if prisma_config else f"--schema {deploy_target}"
        command = f"npx prisma migrate deploy {target}"
    else:
        command = f"prisma-isolate deploy {deploy_target} --schema {schema} --env production"
    return render(
        "railway.toml.jinja",
        version=__version__,
        source=source,
        schema=schema,
        deploy_command=command,
        deploy_with=deploy_with,
        healthcheck_path=healthcheck_path,
        healthcheck_timeout=300,  # verify's default connection window, Railway's maximum wait
        restart_retries=10,
    )


def prisma_config_ts(source: str, schema: str, schema_file: str, migrations_path: str) -> str:
    return render(
        "prisma.config.ts.jinja",
        version=__version__,
        source=source,
        schema=schema,
        schema_file=schema_file,
        migrations_path=migrations_path,
    )
