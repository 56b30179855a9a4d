"""Golden cases: tests/data/<kind>/<case>.case, one case per file, readable in a
diff (black's `input # output` style).  A file is the input schema, then
sections each opened by a marker line; a section's text runs to the next
marker, byte for byte.

    sql/      the schema; `-- ?schema=anythingllm` and `-- ?schema=public`: the
              migration Prisma's engine writes from an empty database
    rewrite/  the input schema (a first line `// options: provider=postgresql,
              keep-in-public=A,B, prisma-version=6.2` is allowed); `// output`:
              the rewrite, which Prisma's validator accepts
    errors/   the schema; `// error at line N`: our message, exactly; Prisma
              refuses the schema at line N too

`./dev record` (tests/record.py) writes them from Prisma's engines; the fast
suite reads them in-process (tests/test_golden.py) and one conformance test
re-records them, failing when a file differs from what Prisma says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_SCHEMAS = ("anythingllm", "public")
_MARKER = re.compile(r"^(-- \?schema=(\w+)|// output|// error at line (\d+))\n", re.M)


@dataclass
class Case:
    kind: str
    path: Path
    schema: str  # the input
    sections: dict[str, str] = field(default_factory=dict)  # marker -> expected text

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def options(self) -> dict[str, str]:
        first = self.schema.split("\n", 1)[0]
        if not first.startswith("// options:"):
            return {}
        pairs = [p.strip() for p in first.removeprefix("// options:").split(",") if p.strip()]
        return dict(p.split("=", 1) for p in pairs)

    def render(self) -> str:
        return self.schema + "".join(f"{marker}\n{text}" for marker, text in self.sections.items())


def read(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    markers = list(_MARKER.finditer(text))
    case = Case(path.parent.name, path, text[: markers[0].start()] if markers else text)
    for marker, following in zip(markers, [*markers[1:], None][: len(markers)], strict=True):
        end = following.start() if following else len(text)
        case.sections[marker.group(1)] = text[marker.end() : end]
    return case


def cases(kind: str) -> list[Case]:
    return [read(path) for path in sorted((DATA / kind).glob("*.case"))]


def error_line(case: Case) -> int:
    (marker,) = case.sections
    return int(marker.rsplit(" ", 1)[1])


# --- what we produce, in-process (no Node) ----------------------------------------


def our_sql(schema: str, default_schema: str) -> str:
    from generator.psl.parser import parse_text
    from generator.sql.render import schema_sql

    return schema_sql(parse_text(schema), default_schema)


def rewrite_options(case: Case):
    from generator.isolation.options import RewriteOptions
    from generator.isolation.versions import parse_version_option

    options = case.options
    keep = frozenset(n for n in options.get("keep-in-public", "").split(";") if n)
    version = options.get("prisma-version")
    return RewriteOptions(
        keep_in_public=keep,
        provider=options.get("provider"),
        prisma_version=parse_version_option(version) if version else None,
    )


def our_rewrite(case: Case) -> str:
    from generator.isolation.isolate import isolate
    from generator.psl.parser import parse_text

    (text,) = isolate(parse_text(case.schema), rewrite_options(case)).outputs.values()
    return text


def our_error(schema: str) -> str:
    """Our message for a schema we refuse: what `prisma-isolate sql` prints
    (the rewrite's checks, then the SQL model's)."""
    from generator.errors import PslError
    from generator.isolation.isolate import isolate
    from generator.isolation.options import RewriteOptions
    from generator.psl.parser import parse_text
    from generator.sql.render import schema_sql

    try:
        outcome = isolate(parse_text(schema), RewriteOptions())
        (text,) = outcome.outputs.values()
        try:
            schema_sql(parse_text(text), "anythingllm")
        except PslError as error:  # located in the rewritten text: the CLI maps it back
            raise outcome.in_original(error) from None
    except PslError as error:
        return str(error) + "\n"
    raise AssertionError("the schema was accepted")
