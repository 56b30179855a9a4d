"""Glue between the schema and the verification runtime: the expected catalog,
the generated standalone script, and the in-process `verify` command."""

from __future__ import annotations

import json
from importlib import resources

from . import __version__
from .ddl import build_database
from .expected import expected_catalog
from .nodes import Schema
from .templating import render


def expected_for(rewritten: Schema, schema_name: str, migrations: list[str]) -> dict:
    return expected_catalog(build_database(rewritten, schema_name), migrations)


def script_filename(schema_name: str) -> str:
    return f"verify_{schema_name}.py"


_CATALOG_PLACEHOLDER = "@@prisma-isolate: the expected catalog@@"


def catalog_literal(expected: dict) -> str:
    """The catalog as JSON, for a raw triple-double-quoted string.  JSON escapes
    every backslash, newline and quote inside its strings, and a string's
    closing quote is never followed by another: three quotes in a row, the only
    thing that could close the literal, cannot occur."""
    return json.dumps(expected, indent=1, ensure_ascii=False)


def verification_script(expected: dict, source: str) -> str:
    """The standalone verify_<schema>.py: the runtime module verbatim (one
    implementation of the checks) plus the expected catalog, formatted by black."""
    import black

    runtime = resources.files(__package__).joinpath("verify_runtime.py").read_text(encoding="utf-8")
    text = render(
        "verify.py.jinja",
        version=__version__,
        source=source,
        schema=expected["schema"],
        filename=script_filename(expected["schema"]),
        runtime=runtime.rstrip("\n"),
        expected=_CATALOG_PLACEHOLDER,
    )
    # black never touches a string's contents, so the catalog goes in after
    # formatting: black's time no longer grows with the number of tables.
    formatted = black.format_str(text, mode=black.Mode())
    return formatted.replace(_CATALOG_PLACEHOLDER, catalog_literal(expected), 1)
