"""A pull request's review of a schema change, as data: the changes model by
model, the migration Prisma would write and its warnings, the lint findings
with their schema lines, the state of the generated output.  Pure: the CLI
reads git and the disk and hands the texts in; review/render.py formats it."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.review.rules import Finding, History, lint

REPORT_VERSION = 1  # the JSON shape's version (README, "prisma-isolate review")


@dataclass
class Output:
    """What `generate --check` says of the output folder (checked only with -o)."""

    folder: str | None = None
    stale: list[str] = field(default_factory=list)  # files generate would write
    migrations: list[tuple[str, str]] = field(default_factory=list)  # new since the base
    problem: str | None = None  # why generate could not tell (the output is then unchecked)


@dataclass
class Review:
    schema: str  # the schema's path, as given
    base: str  # what it is compared with
    sections: list[tuple[str, list[str]]]  # the changes (diff.sections)
    migration: str  # the SQL Prisma would write for the change ("" for none)
    prisma_warnings: list[str]  # migrate dev's warnings block, one text each
    findings: list[Finding]
    output: Output | None
    diagram: str  # Mermaid erDiagram of the models the change touches
    moved: list[tuple[str, str, str]] = field(default_factory=list)  # table, from, to

    @property
    def changed(self) -> bool:
        return bool(self.sections)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def build_review(
    schema_label: str,
    base_label: str,
    before_isolated,
    after_isolated,
    locator,
    early: list[Finding],
    schema_name: str,
    history: History | None,
    output: Output | None,
    levels: dict[str, str],
) -> Review:
    """`before_isolated` is the isolated schema at the base (None: there was
    none), `after_isolated` the isolated working-tree schema; `locator` and
    `early` (input_findings) come from the working-tree schema as written,
    taken before the rewrite (which adds to its AST)."""
    from generator.psl.checks import datasource_schemas
    from generator.review.diagram import erd
    from generator.review.locate import ignored
    from generator.sql.build import build_database
    from generator.sql.diff import diff, sections, warnings, warnings_block
    from generator.sql.model import Database
    from generator.sql.render import render

    after = build_database(after_isolated, schema_name)
    before = (
        build_database(before_isolated, schema_name)
        if before_isolated is not None
        else Database(after.default_schema, [], [], [])
    )
    steps = diff(before, after)
    texts = warnings(steps, before)
    migration = ""
    if steps:
        body = render("migration_diff.sql.jinja", steps=steps).rstrip("\n") + "\n"
        migration = warnings_block(texts) + body
    datasources = after_isolated.datasources()
    listed = datasource_schemas(datasources[0]) if datasources else None
    findings = early + lint(before, after, steps, listed, history)
    kept = []
    for finding in findings:
        level = levels.get(finding.rule.id, finding.rule.severity)
        if level == "off":
            continue
        finding.severity = level
        locator.place(finding)
        if not ignored(finding):
            kept.append(finding)
    if output is not None and output.stale:
        from generator.review.rules import BY_KEY

        rule = BY_KEY["PI001"]
        level = levels.get(rule.id, rule.severity)
        if level != "off":
            kept.insert(
                0,
                Finding(
                    rule,
                    f"{output.folder} is not what generate writes: "
                    + ", ".join(output.stale[:5])
                    + (" …" if len(output.stale) > 5 else ""),
                    level,
                ),
            )
    kept.sort(key=lambda f: (f.severity != "error", f.path or "~", f.line or 0, f.rule.id))
    moved = _moved(steps)
    return Review(
        schema_label,
        base_label,
        sections(steps),
        migration,
        texts,
        kept,
        output,
        erd(before, after, steps) if steps else "",
        moved,
    )


def _moved(steps) -> list[tuple[str, str, str]]:
    """Tables dropped in one schema and created under the same name in another
    (an @@schema change): Prisma moves no data between them."""
    dropped = {s.table.name.name: s.table.name.schema for s in steps if s.kind == "DropTable"}
    return [
        (s.table.name.name, dropped[s.table.name.name], s.table.name.schema)
        for s in steps
        if s.kind == "CreateTable"
        and s.table.name.name in dropped
        and dropped[s.table.name.name] != s.table.name.schema
    ]
