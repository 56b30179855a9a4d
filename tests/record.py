"""Record the golden cases of tests/data from Prisma's engines (`./dev record`).

    sql/      each section is Prisma's own migration from an empty database
    rewrite/  our rewrite, written only after Prisma's validator accepts it
    errors/   our message, written only after Prisma's validator refuses the
              schema too; the marker records the line Prisma names

A case is added by writing its input as tests/data/<kind>/<name>.case and
running `./dev record`.  `record(case, engines)` is also what the conformance
test calls, to fail when a file no longer says what Prisma says.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import golden  # noqa: E402
from prisma_harness import PrismaError, without_datasource_urls  # noqa: E402


def record(case: golden.Case, engines) -> golden.Case:
    """The case as Prisma's engines say it should read."""
    files = [("schema.prisma", case.schema)]
    recorded = golden.Case(case.kind, case.path, case.schema)
    if case.kind == "sql":
        engines.validate(files)
        for schema in golden.DEFAULT_SCHEMAS:
            recorded.sections[f"-- ?schema={schema}"] = engines.diff_from_empty(files, schema)
    elif case.kind == "rewrite":
        output = golden.our_rewrite(case)
        engines.validate([("schema.prisma", without_datasource_urls(output))])
        recorded.sections["// output"] = output
    elif case.kind == "errors":
        try:
            engines.validate(files)
        except PrismaError as error:
            line = _prisma_line(str(error))
        else:
            raise AssertionError(f"{case.path}: Prisma accepts this schema")
        recorded.sections[f"// error at line {line}"] = golden.our_error(case.schema)
    else:
        raise AssertionError(f"{case.path}: unknown kind {case.kind}")
    return recorded


def _prisma_line(message: str) -> int:
    match = re.search(r"schema\.prisma:(\d+)", message)
    if match:
        return int(match.group(1))
    if "Maximum call stack size exceeded" in message:
        return 0  # Prisma's wasm validator overflowed: refused, without a line
    raise AssertionError(f"Prisma's refusal names no line: {message[:300]}")


def main() -> int:
    from prisma_harness import PrismaEngines

    engines = PrismaEngines()
    changed = 0
    try:
        for kind in ("sql", "rewrite", "errors"):
            for case in golden.cases(kind):
                text = record(case, engines).render()
                if text != case.path.read_text(encoding="utf-8"):
                    case.path.write_text(text, encoding="utf-8")
                    changed += 1
                    print(f"recorded {case.path.relative_to(golden.DATA.parent.parent)}")
    finally:
        engines.close()
    print(f"{changed} golden case(s) recorded from Prisma's engines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
