"""The review's lint rules: each a stable id and name, a severity, a message
naming the object, and the safe way to make the same change.

Rules judge the migration Prisma would write (generator/sql/diff.py's steps
between the two isolated DDL models), the isolated schema, and the migrations
folder's history; never the text of the schema.  Pure: `lint` takes data and
returns findings without locations (generator/review/locate.py adds them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.sql.model import Column, Database, Table


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    severity: str  # "error" | "warning"
    family: str
    safe: str  # how to make the same change safely


RULES = [
    Rule(
        "PI001",
        "output-stale",
        "error",
        "build",
        "Run prisma-isolate generate with the same options and commit its output.",
    ),
    Rule(
        "PI101",
        "table-dropped",
        "error",
        "data loss",
        "Stop using the model first; drop it in a later release, after its data is copied or "
        "archived.",
    ),
    Rule(
        "PI102",
        "column-dropped",
        "error",
        "data loss",
        "Stop reading the field first (or mark it @ignore), release, then remove it in a later "
        "migration once its data is no longer needed.",
    ),
    Rule(
        "PI103",
        "enum-value-removed",
        "error",
        "data loss",
        "Move the rows that hold the value to another one in an earlier migration (UPDATE), "
        "then remove the value.",
    ),
    Rule(
        "PI104",
        "column-recreated",
        "error",
        "data loss",
        "Add a new column, copy the data with an explicit cast (an edited migration), switch "
        "to it, then drop the old column.",
    ),
    Rule(
        "PI105",
        "rename-unseen",
        "warning",
        "data loss",
        'Keep the database name and rename only in Prisma: @map("old") on the field, '
        '@@map("old") on the model.',
    ),
    Rule(
        "PI201",
        "required-column-without-default",
        "error",
        "fails on existing data",
        "Add the column optional (or with @default), backfill it, then make it required in a "
        "later migration.",
    ),
    Rule(
        "PI202",
        "column-made-required",
        "warning",
        "fails on existing data",
        "Backfill the NULLs first (UPDATE … WHERE column IS NULL in an earlier migration).",
    ),
    Rule(
        "PI203",
        "unique-constraint-added",
        "warning",
        "fails on existing data",
        "Find and resolve duplicates first (SELECT … GROUP BY … HAVING count(*) > 1).",
    ),
    Rule(
        "PI301",
        "index-not-concurrent",
        "warning",
        "locking",
        "On a large, busy table create the index beforehand with CREATE INDEX CONCURRENTLY, "
        "outside a transaction, and make the migration's statement CREATE INDEX IF NOT EXISTS.",
    ),
    Rule(
        "PI302",
        "table-rewrite",
        "warning",
        "locking",
        "On a large table add a new column, backfill it in batches, switch to it, then drop "
        "the old one.",
    ),
    Rule(
        "PI303",
        "foreign-key-on-existing-table",
        "warning",
        "locking",
        "On a large table add the constraint NOT VALID, then VALIDATE CONSTRAINT in a later "
        "migration (an edited migration).",
    ),
    Rule(
        "PI401",
        "schema-not-listed",
        "error",
        "isolation",
        "Put the block in a schema the datasource lists, or list its schema.",
    ),
    Rule(
        "PI402",
        "public-listed",
        "warning",
        "isolation",
        "Keep every block in the application's schema and list only it: on a shared "
        "database `public` belongs to nobody in particular (Prisma's P3005).",
    ),
    Rule(
        "PI403",
        "cross-schema-relation",
        "warning",
        "isolation",
        "Keep related models in one schema, or accept a foreign key across schemas knowingly.",
    ),
    Rule(
        "PI404",
        "name-collision",
        "error",
        "isolation",
        # Retired: such names are refused before any review; the id stays for configurations.
        "Retired: names PostgreSQL needs distinct are refused before any review (exit 2, "
        "located), as Prisma refuses them. The id stays, so that configurations naming it "
        "stay valid.",
    ),
    Rule(
        "PI405",
        "identifier-too-long",
        "error",
        "isolation",
        "Give it a name of at most 63 bytes with map:.",
    ),
    Rule(
        "PI501",
        "applied-migration-edited",
        "error",
        "history",
        "Restore the migration as it was; put the change in a new migration.",
    ),
    Rule(
        "PI502",
        "migration-out-of-order",
        "error",
        "history",
        "Rename the new migration's folder with a timestamp after the newest one at the base.",
    ),
    Rule(
        "PI503",
        "migration-provider-changed",
        "error",
        "history",
        "Keep the provider, or start a fresh output folder with a new baseline.",
    ),
]
BY_KEY = {r.id: r for r in RULES} | {r.name: r for r in RULES}
SEVERITIES = ("error", "warning")


@dataclass
class Finding:
    rule: Rule
    message: str
    severity: str
    # Where it is: a table (and column, enum value, index columns) of the new
    # schema, resolved to a line by locate.py; or a file (history rules).
    table: str | None = None
    column: str | None = None
    enum: str | None = None
    index_columns: list[str] | None = None
    file: str | None = None
    path: str | None = None  # set by locate.py
    line: int | None = None
    col: int | None = None
    source: object = None  # the SourceFile of `path`, for ignore comments


@dataclass
class History:
    """The migrations folder at the base and now (folder name -> migration.sql),
    and migration_lock.toml's provider on each side."""

    before: dict[str, str] = field(default_factory=dict)
    after: dict[str, str] = field(default_factory=dict)
    provider_before: str | None = None
    provider_after: str | None = None
    folder: str = "migrations"  # repository-relative, for locations


def lint(
    before: Database,
    after: Database,
    steps: list,
    listed: list[str] | None,
    history: History | None,
) -> list[Finding]:
    """The findings of every rule; `listed` is the datasource's `schemas`
    (None when it has none)."""
    found: list[Finding] = []

    def add(rule_id: str, message: str, **where) -> None:
        rule = BY_KEY[rule_id]
        found.append(Finding(rule, message, rule.severity, **where))

    old_tables = {_key(t): t for t in before.tables}
    dropped = [s.table for s in steps if s.kind == "DropTable"]
    created = [s.table for s in steps if s.kind == "CreateTable"]
    renamed_tables = _table_renames(dropped, created)
    for table in dropped:
        twin = renamed_tables.get(table.name.name)
        if twin is not None:
            add(
                "PI105",
                f"table `{table.name.name}` dropped and `{twin}` created with the same "
                f"columns: a rename Prisma cannot see, and its rows are lost",
                table=twin,
            )
        else:
            add("PI101", f"table `{table.name.name}` is dropped with all its rows")
    for step in steps:
        if step.kind == "AlterEnum" and step.removed:
            values = ", ".join(f"`{v}`" for v in step.removed)
            add(
                "PI103",
                f"{values} removed from enum `{step.enum.name.name}`: rows holding "
                f"{'it' if len(step.removed) == 1 else 'them'} make the migration fail",
                enum=step.enum.name.name,
            )
        elif step.kind == "AlterTable":
            _alter_table(step, old_tables[_key(step.table)], add)
        elif step.kind == "CreateIndex" and _key_of(step.index.table) in old_tables:
            columns = [c.name for c in step.index.columns]
            where = dict(table=step.index.table.name, index_columns=columns)
            if step.index.unique and not step.recreated:
                add(
                    "PI203",
                    f"unique index `{step.index.name}` on `{step.index.table.name}` "
                    f"({', '.join(columns)}) added: fails if duplicates exist",
                    **where,
                )
            add(
                "PI301",
                f"index `{step.index.name}` created on existing table "
                f"`{step.index.table.name}` without CONCURRENTLY: writes wait until it is built",
                **where,
            )
        elif step.kind == "AddForeignKey" and _key_of(step.foreign_key.table) in old_tables:
            fk = step.foreign_key
            add(
                "PI303",
                f"foreign key `{fk.name}` added to existing table `{fk.table.name}`: "
                "validating it scans the table under lock",
                table=fk.table.name,
                column=fk.columns[0],
            )
    found += _isolation(after, listed)
    if history is not None:
        found += _history(history)
    return found


def input_findings(schema, target: str) -> list[Finding]:
    """PI401 on the schema as written, when it lists `schemas` already: a
    block without @@schema (Prisma refuses it; generate moves it to `target`)
    or naming a schema the list lacks."""
    from generator.psl.checks import datasource_schemas, schema_attribute_value
    from generator.psl.nodes import Enum, Model

    datasources = schema.datasources()
    listed = datasource_schemas(datasources[0]) if datasources else None
    if not listed:
        return []
    rule = BY_KEY["PI401"]
    found = []
    for block in schema.blocks:
        if not isinstance(block, (Model, Enum)):
            continue
        named = schema_attribute_value(block)
        table = block.name if isinstance(block, Model) else None
        enum = block.name if isinstance(block, Enum) else None
        if named is None:
            message = (
                f"`{block.name}` has no @@schema although the datasource lists `schemas`: "
                f"Prisma refuses it, and generate puts it in `{target}`"
            )
        elif named not in listed:
            message = f"`{block.name}` names schema `{named}`, which `schemas` does not list"
        else:
            continue
        found.append(Finding(rule, message, rule.severity, table=table, enum=enum))
    return found


def _key(table: Table) -> tuple[str, str]:
    return (table.name.schema, table.name.name)


def _key_of(name) -> tuple[str, str]:
    return (name.schema, name.name)


def _alter_table(step, old: Table, add) -> None:
    table = step.table.name.name
    old_columns = {c.name: c for c in old.columns}
    new_columns = {c.name: c for c in step.table.columns}
    dropped = [n for n, c in step.column_changes.items() if c == "dropped"]
    added = [n for n, c in step.column_changes.items() if c == "added"]
    renames = _column_renames(dropped, added, old_columns, new_columns)
    for name, change in step.column_changes.items():
        if change == "dropped":
            if name in renames:
                new = renames[name]
                add(
                    "PI105",
                    f"`{table}.{name}` dropped and `{table}.{new}` added with the same "
                    "type: a rename Prisma cannot see, and the column's data is lost",
                    table=table,
                    column=new,
                )
            else:
                add("PI102", f"column `{table}.{name}` is dropped with its data", table=table)
        elif change == "added":
            column = new_columns[name]
            if column.not_null and column.default is None and not column.type.serial:
                add(
                    "PI201",
                    f"required column `{table}.{name}` added without a default: fails "
                    "on a table with rows",
                    table=table,
                    column=name,
                )
        elif change == "recreated":
            before, after = old_columns[name].type.sql, new_columns[name].type.sql
            add(
                "PI104",
                f"`{table}.{name}` changes type {before} → {after}, which PostgreSQL "
                "cannot cast: Prisma drops the column and adds it again, losing its data",
                table=table,
                column=name,
            )
        elif change in ("safe", "risky") and _rewrites(old_columns[name], new_columns[name]):
            before, after = old_columns[name].type.sql, new_columns[name].type.sql
            add(
                "PI302",
                f"`{table}.{name}` changes type {before} → {after}: PostgreSQL rewrites "
                "the table under an exclusive lock",
                table=table,
                column=name,
            )
    for name in step.made_required:
        if step.column_changes.get(name) != "recreated":
            add(
                "PI202",
                f"column `{table}.{name}` made required: fails if a row holds NULL",
                table=table,
                column=name,
            )


def _column_renames(dropped, added, old_columns, new_columns) -> dict[str, str]:
    """Dropped column -> added column, where exactly one of each has the same
    type and nullability in the table: what a rename looks like to Prisma."""
    renames = {}
    for name in dropped:
        old = old_columns[name]
        twins = [a for a in added if _same_shape(old, new_columns[a])]
        if len(twins) == 1:
            others = [d for d in dropped if _same_shape(old_columns[d], new_columns[twins[0]])]
            if len(others) == 1:
                renames[name] = twins[0]
    return renames


def _same_shape(a: Column, b: Column) -> bool:
    return (a.type, a.not_null) == (b.type, b.not_null)


def _table_renames(dropped: list[Table], created: list[Table]) -> dict[str, str]:
    def shape(table: Table):
        return sorted((c.name, c.type.sql, c.not_null) for c in table.columns)

    renames = {}
    for table in dropped:
        twins = [t for t in created if shape(t) == shape(table)]
        if len(twins) == 1:
            renames[table.name.name] = twins[0].name.name
    return renames


def _rewrites(old: Column, new: Column) -> bool:
    """Whether ALTER COLUMN … TYPE rewrites the table (PostgreSQL skips the
    rewrite for a binary-coercible change: a length limit raised or removed,
    varchar to text, numeric or time precision raised)."""
    a, b = old.type.without_serial(), new.type.without_serial()
    if a.array != b.array:
        return True
    textual = {"TEXT", "VARCHAR"}
    if a.base in textual and b.base in textual:
        if b.base == "TEXT" or not b.args:
            return False
        return a.base == "TEXT" or not a.args or int(b.args[0]) < int(a.args[0])
    if a.base == b.base == "VARBIT":
        return bool(b.args) and (not a.args or int(b.args[0]) < int(a.args[0]))
    if a.base == b.base == "DECIMAL":
        if not b.args:
            return False
        if not a.args or len(a.args) != 2 or len(b.args) != 2:
            return True
        return a.args[1] != b.args[1] or int(b.args[0]) < int(a.args[0])
    if a.base == b.base and a.base in ("TIMESTAMP", "TIMESTAMPTZ", "TIME", "TIMETZ"):
        return bool(a.args) and bool(b.args) and int(b.args[0]) < int(a.args[0])
    return True


def _isolation(after: Database, listed_schemas: list[str] | None) -> list[Finding]:
    found: list[Finding] = []

    def add(rule_id: str, message: str, **where) -> None:
        rule = BY_KEY[rule_id]
        found.append(Finding(rule, message, rule.severity, **where))

    listed = set(listed_schemas) if listed_schemas else None
    if listed is not None and listed != {"public"} and "public" in listed:
        add("PI402", "the datasource's `schemas` lists `public`")
    for table in after.tables:
        for fk in table.foreign_keys:
            if fk.referenced_table.schema != table.name.schema:
                add(
                    "PI403",
                    f"`{table.name.name}` ({table.name.schema}) references "
                    f"`{fk.referenced_table.name}` ({fk.referenced_table.schema}) across schemas",
                    table=table.name.name,
                    column=fk.columns[0],
                )
    # Names PostgreSQL needs distinct (primary keys and indexes per schema,
    # foreign keys per table) are the SQL model's to refuse, before any review:
    # name-collision (PI404) no longer fires, and keeps its id for configurations.
    for table in after.tables:
        owned = [table.primary_key_name] if table.primary_key_name else []
        owned += [i.name for i in table.indexes] + [f.name for f in table.foreign_keys]
        for name in owned:
            if len(name.encode()) > 63:
                add(
                    "PI405",
                    f"`{name}` on `{table.name.name}` is {len(name.encode())} bytes: "
                    "PostgreSQL cuts names at 63, and the database then differs from the schema",
                    table=table.name.name,
                )
    return found


def _history(history: History) -> list[Finding]:
    found: list[Finding] = []

    def add(rule_id: str, message: str, file: str) -> None:
        rule = BY_KEY[rule_id]
        found.append(Finding(rule, message, rule.severity, file=file))

    for name, script in history.before.items():
        now = history.after.get(name)
        if now is not None and now != script:
            add(
                "PI501",
                f"migration `{name}` existed at the base and was edited: a database "
                "that applied it refuses the history (its checksum changed)",
                f"{history.folder}/{name}/migration.sql",
            )
    newest = max(history.before, default=None)
    for name in sorted(set(history.after) - set(history.before)):
        if newest is not None and name < newest:
            add(
                "PI502",
                f"new migration `{name}` sorts before `{newest}`, the newest at the "
                "base: a database already past it never applies it",
                f"{history.folder}/{name}/migration.sql",
            )
    if (
        history.provider_before is not None
        and history.provider_after is not None
        and history.provider_before != history.provider_after
    ):
        add(
            "PI503",
            f"migration_lock.toml's provider changed from {history.provider_before} to "
            f"{history.provider_after}: Prisma refuses the history (P3019)",
            f"{history.folder}/migration_lock.toml",
        )
    return found
