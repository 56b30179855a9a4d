"""Glue between the schema and the verification runtime: the expected catalog,
the generated standalone script, and the in-process `verify` command."""

from __future__ import annotations

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
        expected=repr(expected),  # black lays it out
    )
    return black.format_str(text, mode=black.Mode())
