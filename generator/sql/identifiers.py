"""PostgreSQL identifiers that reach SQL: validated, then always double-quoted."""

from __future__ import annotations

import re

MAX_IDENTIFIER_BYTES = 63  # NAMEDATALEN - 1: PostgreSQL truncates longer names silently

_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def schema_name_problem(name: str) -> str | None:
    """Why `name` is not acceptable as the isolated schema's name, or None.

    Stricter than PostgreSQL needs: a schema name also travels in URLs
    (`?schema=`) and shell commands, so only letters, digits and "_" are
    allowed, and never a "pg_" prefix (reserved for system schemas)."""
    if not name:
        return "the schema name is empty"
    if len(name.encode("utf-8")) > MAX_IDENTIFIER_BYTES:
        return (
            f"the schema name is {len(name.encode('utf-8'))} bytes long; PostgreSQL "
            f"allows at most {MAX_IDENTIFIER_BYTES}"
        )
    if not _SCHEMA_NAME.fullmatch(name):
        return (
            f"{name!r} is not a valid schema name: use letters, digits and '_', "
            "not starting with a digit"
        )
    if name.lower().startswith("pg_"):
        return f"{name!r} is not a valid schema name: the pg_ prefix is reserved for system schemas"
    return None


# Schemas that are never the isolated one: another service's (public) or the system's.
SHARED_SCHEMAS = frozenset({"public", "information_schema"})


def isolated_schema_problem(name: str) -> str | None:
    """Why `name` cannot be the schema a command deploys, moves or imports
    into: `schema_name_problem`, and never a schema every service shares."""
    problem = schema_name_problem(name)
    if problem is None and name in SHARED_SCHEMAS:
        problem = (
            f"--schema {name} is not an isolated schema: {name} is shared with every other "
            "service of the database (choose the application's own, e.g. anythingllm)"
        )
    return problem


def quote_identifier(name: str) -> str:
    """`name` as a double-quoted SQL identifier."""
    if "\x00" in name:
        raise ValueError("identifier contains a NUL byte")
    return '"' + name.replace('"', '""') + '"'
