"""Verify a deployed, isolated schema against the catalog it must have.

This module is the one implementation of the checks: `prisma-isolate verify`
imports it, and `generate` embeds its source verbatim in the standalone
out/verify_<schema>.py, below connection.py's (whose import is then dropped).
So it uses only the standard library, psycopg 3 and connection.py.

Every check has a name; a finding names exactly the object it is about.
The session is read-only (default_transaction_read_only = on) and reads the
catalog in a handful of queries, whatever the number of tables.

Exit status: 0 healthy; 1 drift or missing objects; 2 database unreachable or
permission denied; 3 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict, dataclass

# The generated script holds connection.py's source above this module's instead.
from generator.db.connection import (  # embedded: dropped
    EXIT_DRIFT,
    EXIT_HEALTHY,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    Unreachable,
    _first_line,
    _secret_candidates,
    _sorted_secrets,
    connect,
    parse_connection_string,
    scrub,
    url_policy,
)

# pg_constraint.confdeltype / confupdtype -> the action as DDL writes it
_FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


@dataclass
class Finding:
    check: str  # e.g. "table", "column", "index", "foreign_key", "table_access"
    object: str  # e.g. "anythingllm.users.email"
    severity: str  # "error" or "warning"
    message: str


_COLUMNS = """
SELECT n.nspname, c.relname, a.attname,
       format_type(a.atttypid, a.atttypmod),
       a.attnotnull, a.atthasdef, pg_get_expr(ad.adbin, ad.adrelid),
       et.typtype = 'e' AS is_enum, etn.nspname, et.typname, t.typcategory = 'A' AS is_array,
       has_table_privilege(c.oid, 'SELECT')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
JOIN pg_type et ON et.oid = CASE WHEN t.typelem <> 0 AND t.typcategory = 'A' THEN t.typelem ELSE t.oid END
JOIN pg_namespace etn ON etn.oid = et.typnamespace
LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(%s)
ORDER BY n.nspname, c.relname, a.attnum
"""

_MISPLACED = """
SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND c.relname = ANY(%s) AND NOT (n.nspname = ANY(%s))
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
"""

_INDEXES = """
SELECT n.nspname, t.relname, i.relname, ix.indisunique, ix.indisprimary,
       ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)
FROM pg_index ix
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = ANY(%s)
"""

_FOREIGN_KEYS = """
SELECT n.nspname, t.relname, con.conname,
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord),
       rn.nspname, r.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord),
       con.confdeltype::text, con.confupdtype::text
FROM pg_constraint con
JOIN pg_class t ON t.oid = con.conrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
JOIN pg_class r ON r.oid = con.confrelid
JOIN pg_namespace rn ON rn.oid = r.relnamespace
WHERE con.contype = 'f' AND n.nspname = ANY(%s)
"""

_ENUMS = """
SELECT n.nspname, t.typname, ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND n.nspname = ANY(%s)
"""

_SCHEMAS = """
SELECT n.nspname, has_schema_privilege(n.oid, 'USAGE') FROM pg_namespace n WHERE n.nspname = ANY(%s)
"""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Counted:
    """A cursor that counts the statements it sends (reported as `queries`)."""

    def __init__(self, cursor, counter: list):
        self._cursor = cursor
        self._counter = counter

    def execute(self, *args, **kwargs):
        self._counter[0] += 1
        return self._cursor.execute(*args, **kwargs)


def read_catalog(connection, expected: dict, counter: list | None = None) -> dict:
    """Everything the checks need, in a fixed number of queries."""
    schemas = sorted({t["schema"] for t in expected["tables"].values()} | {expected["schema"]})
    schemas += sorted({e["schema"] for e in expected["enums"].values()} - set(schemas))
    catalog: dict = {"schemas": {}, "tables": {}, "misplaced": {}, "enums": {}, "migrations": None}
    with connection.cursor() as raw_cursor:
        cursor = _Counted(raw_cursor, counter if counter is not None else [0])
        _read_schemas(cursor, schemas, catalog)
        _read_columns(cursor, schemas, catalog)
        for schema, table in cursor.execute(_MISPLACED, (list(expected["tables"]), schemas)):
            catalog["misplaced"].setdefault(table, []).append(schema)
        _read_keys(cursor, schemas, catalog)
        for schema, name, values in cursor.execute(_ENUMS, (schemas,)):
            catalog["enums"][(schema, name)] = list(values)
        if catalog["schemas"].get(expected["schema"]):
            catalog["migrations"] = _read_migrations(cursor, expected["schema"])
    return catalog


def _read_schemas(cursor, schemas: list[str], catalog: dict) -> None:
    for name, usage in cursor.execute(_SCHEMAS, (schemas,)):
        catalog["schemas"][name] = usage
    denied = [name for name, usage in catalog["schemas"].items() if not usage]
    if denied:
        role = cursor.execute("SELECT current_user").fetchone()[0]
        raise Unreachable(
            f"permission denied: role {role} has no USAGE on schema {', '.join(denied)} "
            f"(GRANT USAGE ON SCHEMA {', '.join(_quote(d) for d in denied)} TO {_quote(role)})"
        )


def _read_columns(cursor, schemas: list[str], catalog: dict) -> None:
    for row in cursor.execute(_COLUMNS, (schemas,)):
        schema, table, column, ftype, not_null, has_default, expression = row[:7]
        is_enum, enum_schema, enum_name, is_array, select = row[7:]
        entry = catalog["tables"].setdefault(
            (schema, table),
            {
                "columns": {},
                "indexes": {},
                "foreign_keys": {},
                "primary_key": None,
                "select": select,
            },
        )
        entry["columns"][column] = {
            "type": ftype,
            "not_null": not_null,
            "default": has_default,
            "default_expression": expression,
            "enum": [enum_schema, enum_name] if is_enum else None,
            "array": is_array,
        }


def _read_keys(cursor, schemas: list[str], catalog: dict) -> None:
    """Primary keys, indexes and foreign keys of the tables read."""
    for schema, table, index, unique, primary, columns in cursor.execute(_INDEXES, (schemas,)):
        entry = catalog["tables"].get((schema, table))
        if entry is None:
            continue
        if primary:
            entry["primary_key"] = {"name": index, "columns": list(columns)}
        else:
            entry["indexes"][index] = {"unique": unique, "columns": list(columns)}
    for row in cursor.execute(_FOREIGN_KEYS, (schemas,)):
        schema, table, name, columns, ref_schema, ref_table, ref_columns, on_delete, on_update = row
        entry = catalog["tables"].get((schema, table))
        if entry is not None:
            entry["foreign_keys"][name] = {
                "columns": list(columns),
                "references": [ref_schema, ref_table],
                "referenced_columns": list(ref_columns),
                "on_delete": _FK_ACTIONS.get(on_delete, on_delete),
                "on_update": _FK_ACTIONS.get(on_update, on_update),
            }


def _read_migrations(cursor, schema: str) -> list[dict] | None:
    """The schema's `_prisma_migrations` rows (None: there is no such table)."""
    table = f"{_quote(schema)}.{_quote('_prisma_migrations')}"
    if not cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()[0]:
        return None
    rows = cursor.execute(
        "SELECT migration_name, finished_at IS NOT NULL, rolled_back_at IS NOT NULL, logs,"
        f" checksum FROM {table} ORDER BY started_at"
    ).fetchall()
    return [
        {"name": n, "finished": f, "rolled_back": r, "logs": logs, "checksum": c}
        for n, f, r, logs, c in rows
    ]


def check_access(
    connection, expected: dict, catalog: dict, counter: list | None = None
) -> list[Finding]:
    """Prove the role can read every table: one statement touching all of them,
    in a read-only transaction that is rolled back; per table only on failure."""
    import psycopg

    targets = [
        (t["schema"], name)
        for name, t in expected["tables"].items()
        if (t["schema"], name) in catalog["tables"]
        and catalog["tables"][(t["schema"], name)]["select"]
    ]
    if not targets:
        return []

    def probe(subset):
        sql = " UNION ALL ".join(
            f"(SELECT 1 FROM {_quote(s)}.{_quote(n)} LIMIT 1)" for s, n in subset
        )
        if counter is not None:
            counter[0] += 1
        with connection.transaction(force_rollback=True):
            connection.execute(f"SELECT count(*) FROM ({sql}) AS reachable")

    findings = []
    try:
        probe(targets)
    except psycopg.Error:
        for target in targets:
            try:
                probe([target])
            except psycopg.Error as error:
                message = str(error).strip().splitlines()[0]
                findings.append(
                    Finding("table_access", ".".join(target), "error", f"cannot read: {message}")
                )
    return findings


def _misplaced(name: str, schema: str, elsewhere: list[str], catalog: dict) -> str:
    """Advice that works in the state found: relocate moves a whole
    application and refuses when the schema already holds part of it; then
    the one table is moved by hand."""
    message = f"misplaced: the table is in {', '.join(elsewhere)}, not {schema}; "
    if any(s == schema for s, _ in catalog["tables"]):
        return message + (
            f"{schema} already holds the rest, so move this one table: "
            f"ALTER TABLE {_quote(elsewhere[0])}.{_quote(name)} SET SCHEMA {_quote(schema)};"
        )
    return message + f"move the application with `prisma-isolate relocate --from {elsewhere[0]}`"


def canonical_default(expression: str) -> str:
    """A column default as text to compare: a string literal's content, or the
    expression without PostgreSQL's trailing casts ('admin'::text -> admin,
    '-1'::integer -> -1, 'USER'::"Role" -> USER)."""
    import re

    casts = r'(?:::(?:"(?:[^"]|"")+"|[A-Za-z_][\w ]*)(?:\(\d+(?:,\d+)?\))?(?:\[\])?)*'
    text = expression.strip()
    literal = re.fullmatch(r"'((?:[^']|'')*)'" + casts, text)
    if literal:
        return literal.group(1).replace("''", "'")
    text = re.sub(casts + "$", "", text) if "::" in text else text
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _same_default(expression: str, column: dict) -> bool:
    found = canonical_default(expression)
    if column.get("default_json"):
        try:
            return json.loads(found) == json.loads(column["default_value"])
        except ValueError:
            return False
    return found == column["default_value"]


def compare(expected: dict, catalog: dict) -> list[Finding]:
    """Every difference between what the schema needs and the catalog read."""
    findings: list[Finding] = []

    def fail(check, obj, message, severity="error"):
        findings.append(Finding(check, obj, severity, message))

    schema = expected["schema"]
    if schema not in catalog["schemas"]:
        fail("schema", schema, "the schema does not exist")
        return findings
    for table_name, table in expected["tables"].items():
        _compare_table(table_name, table, catalog, fail)
    _compare_enums(expected, catalog, fail)
    _compare_migrations(expected, catalog, fail)
    return findings


def _compare_table(table_name: str, table: dict, catalog: dict, fail) -> None:
    label = f"{table['schema']}.{table_name}"
    actual = catalog["tables"].get((table["schema"], table_name))
    if actual is None:
        elsewhere = catalog["misplaced"].get(table_name)
        if elsewhere:
            fail("table", label, _misplaced(table_name, table["schema"], elsewhere, catalog))
        else:
            fail("table", label, "the table is missing")
        return
    if not actual["select"]:
        fail("table_access", label, "the connected role may not SELECT from this table")
    for column_name, column in table["columns"].items():
        _compare_column(f"{label}.{column_name}", column, actual["columns"].get(column_name), fail)
    for extra in sorted(set(actual["columns"]) - set(table["columns"])):
        fail("column", f"{label}.{extra}", "the column is not in the schema (extra)")
    _compare_keys(label, table, actual, fail)


def _compare_column(obj: str, column: dict, got: dict | None, fail) -> None:
    if got is None:
        fail("column", obj, "the column is missing")
        return
    if "enum" in column:
        if got["enum"] != column["enum"] or got["array"] != column["array"]:
            want = ".".join(column["enum"]) + ("[]" if column["array"] else "")
            fail("column_type", obj, f"type is {got['type']}, expected enum {want}")
    elif column.get("type") is not None and got["type"] != column["type"]:
        fail("column_type", obj, f"type is {got['type']}, expected {column['type']}")
    if got["not_null"] != column["not_null"]:
        want = "NOT NULL" if column["not_null"] else "nullable"
        fail("column_nullability", obj, f"the column should be {want}")
    if got["default"] != column["default"]:
        want = "a default" if column["default"] else "no default"
        fail("column_default", obj, f"the column should have {want}")
    elif "default_value" in column and got["default_expression"] is not None:
        if not _same_default(got["default_expression"], column):
            fail(
                "column_default",
                obj,
                f"the default is {got['default_expression']}, expected "
                f"{column['default_value']}",
            )


def _compare_keys(label: str, table: dict, actual: dict, fail) -> None:
    pk = table["primary_key"]
    if pk is not None and actual["primary_key"] != pk:
        fail(
            "primary_key",
            f"{label}.{pk['name']}",
            f"expected PRIMARY KEY ({', '.join(pk['columns'])})",
        )
    for index_name, index in table["indexes"].items():
        got = actual["indexes"].get(index_name)
        kind = "unique index" if index["unique"] else "index"
        if got is None:
            fail("index", f"{label}.{index_name}", f"the {kind} is missing")
        elif got != index:
            fail(
                "index",
                f"{label}.{index_name}",
                f"expected {kind} on ({', '.join(index['columns'])})",
            )
    for fk_name, fk in table["foreign_keys"].items():
        got = actual["foreign_keys"].get(fk_name)
        if got is None:
            fail("foreign_key", f"{label}.{fk_name}", "the foreign key is missing")
        elif got != fk:
            fail(
                "foreign_key",
                f"{label}.{fk_name}",
                f"expected ({', '.join(fk['columns'])}) REFERENCES {'.'.join(fk['references'])} "
                f"ON DELETE {fk['on_delete']} ON UPDATE {fk['on_update']}",
            )


def _compare_enums(expected: dict, catalog: dict, fail) -> None:
    for enum_name, enum in expected["enums"].items():
        got = catalog["enums"].get((enum["schema"], enum_name))
        label = f"{enum['schema']}.{enum_name}"
        if got is None:
            fail("enum", label, "the enum type is missing")
        elif got != enum["values"]:
            missing = [v for v in enum["values"] if v not in got]
            extra = [v for v in got if v not in enum["values"]]
            detail = "; ".join(
                part
                for part in (
                    f"missing values {', '.join(missing)}" if missing else "",
                    f"extra values {', '.join(extra)}" if extra else "",
                    "values out of order" if not missing and not extra else "",
                )
                if part
            )
            fail("enum", label, detail)


def _compare_migrations(expected: dict, catalog: dict, fail) -> None:
    schema = expected["schema"]
    migrations = catalog["migrations"]
    if migrations is None:
        if expected["migrations"]:
            fail("migrations", f"{schema}._prisma_migrations", "no migration history in the schema")
        return
    # The folder's checksums, when it is known: Prisma's accepted forms of each file.
    checksums = expected.get("checksums") or {}
    seen = {}
    for row in migrations:
        seen.setdefault(row["name"], []).append(row)
    for name in expected["migrations"]:
        rows = seen.get(name, [])
        obj = f"{schema}._prisma_migrations.{name}"
        applied = [r for r in rows if r["finished"] and not r["rolled_back"]]
        if applied:
            if any(not r["finished"] and not r["rolled_back"] for r in rows):
                fail("migrations", obj, "a later attempt of this migration failed")
            if name in checksums and not any(r["checksum"] in checksums[name] for r in applied):
                fail(
                    "migrations",
                    obj,
                    f"the migration was edited after it was applied: the database recorded "
                    f"checksum {applied[-1]['checksum']}, the file has {checksums[name][0]}",
                )
        elif any(not r["finished"] and not r["rolled_back"] for r in rows):
            fail("migrations", obj, "the migration failed (or is still running)")
        elif rows:
            fail("migrations", obj, "the migration was rolled back and never applied")
        else:
            fail("migrations", obj, "the migration was never applied")
    for name in sorted(set(seen) - set(expected["migrations"])):
        failed = any(not r["finished"] and not r["rolled_back"] for r in seen[name])
        fail(
            "migrations",
            f"{schema}._prisma_migrations.{name}",
            "a migration this schema does not know" + (", and it failed" if failed else ""),
            "error" if failed else "warning",
        )


def verify(url: str, expected: dict, timeout: float = 300.0, log=None) -> dict:
    """Run every check; return the report (see `report_json` for its shape)."""
    import psycopg

    started = time.monotonic()
    parsed = parse_connection_string(url)
    connection = connect(url, expected["schema"], timeout, log)
    counter = [0]
    try:
        catalog = read_catalog(connection, expected, counter)
        findings = compare(expected, catalog)
        if expected["schema"] in catalog["schemas"] and catalog["schemas"][expected["schema"]]:
            findings += check_access(connection, expected, catalog, counter)
    except psycopg.Error as error:
        # e.g. permission denied on a catalog object: the role cannot verify
        raise Unreachable(f"{parsed.printable}: {parsed.scrub(_first_line(error))}") from None
    finally:
        connection.close()
    return {
        "database": parsed.printable,
        "schema": expected["schema"],
        "healthy": not any(f.severity == "error" for f in findings),
        "checked": {
            "tables": len(expected["tables"]),
            "enums": len(expected["enums"]),
            "migrations": len(expected["migrations"]),
        },
        "findings": [asdict(f) for f in findings],
        "queries": counter[0],
        "seconds": round(time.monotonic() - started, 3),
    }


def report_json(report: dict) -> str:
    """The --json shape (version 1): {"version", "database" (password masked),
    "schema", "healthy", "checked": {"tables", "enums", "migrations"},
    "findings": [{"check", "object", "severity", "message"}], "queries", "seconds"}."""
    return json.dumps({"version": 1, **report}, indent=2, sort_keys=False)


def plural(count: int, noun: str) -> str:
    """'1 table', '2 tables' (every noun printed here takes an s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def report_text(report: dict, color: bool = False) -> str:
    red, yellow, green, reset = (
        ("\033[31m", "\033[33m", "\033[32m", "\033[0m") if color else ("",) * 4
    )
    lines = []
    for finding in report["findings"]:
        mark = f"{red}FAIL{reset}" if finding["severity"] == "error" else f"{yellow}WARN{reset}"
        lines.append(f"{mark} {finding['check']}: {finding['object']}: {finding['message']}")
    errors = sum(1 for f in report["findings"] if f["severity"] == "error")
    warnings = len(report["findings"]) - errors
    checked = report["checked"]
    summary = (
        f"{report['schema']} on {report['database']}: {plural(checked['tables'], 'table')}, "
        f"{plural(checked['enums'], 'enum')}, {plural(checked['migrations'], 'migration')} "
        f"checked in {report['seconds']}s: "
    )
    if report["healthy"]:
        summary += f"{green}healthy{reset}" + (
            f" ({plural(warnings, 'warning')})" if warnings else ""
        )
    else:
        summary += f"{red}{plural(errors, 'problem')}{reset}" + (
            f", {plural(warnings, 'warning')}" if warnings else ""
        )
    lines.append(summary)
    return "\n".join(lines)


def main(expected: dict, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=f"Verify the {expected['schema']!r} schema of a deployment."
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL"), help="default: $DATABASE_URL"
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds to keep retrying the connection (default 300)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code else EXIT_HEALTHY
    if not args.database_url:
        print("error: give --database-url or set DATABASE_URL", file=sys.stderr)
        return EXIT_USAGE
    secrets = _sorted_secrets(_secret_candidates(args.database_url))

    def say(text: str, stream) -> None:
        print(scrub(text, secrets), file=stream)

    try:
        import psycopg  # noqa: F401 - the one dependency: say so plainly when it is missing
    except ImportError:
        say('error: this script needs psycopg 3: pip install "psycopg[binary]"', sys.stderr)
        return EXIT_UNREACHABLE
    log = None if args.json else (lambda message: say(message, sys.stderr))
    try:
        parsed = parse_connection_string(args.database_url)
        secrets = parsed.secrets
        for note in url_policy(parsed, expected["schema"]):
            if log is not None:
                log(f"note: {note}")
        report = verify(args.database_url, expected, args.timeout, log)
    except Unreachable as error:
        say(f"error: {error}", sys.stderr)
        return error.exit_code
    if args.json:
        say(report_json(report), sys.stdout)
    else:
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        say(report_text(report, color), sys.stdout)
    return EXIT_HEALTHY if report["healthy"] else EXIT_DRIFT
