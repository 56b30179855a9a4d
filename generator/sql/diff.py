"""The migration from one DDL model to another, as Prisma's migration engine
writes it (`prisma migrate diff --from-schema … --to-schema … --script`).

Steps come in Prisma's order (prisma-engines: sql-schema-connector's
`SqlMigrationStep`, sorted by variant, then by the objects' order in the
schema: model declaration order).  What this engine cannot yet write the
way Prisma writes it is refused by name (UnsupportedChange), never guessed.
The templates (templates/migration_diff.sql.jinja) only lay the steps out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.sql.model import (
    Column,
    Database,
    EnumType,
    Extension,
    ForeignKey,
    Index,
    Name,
    Table,
    sql_string,
)

# Prisma's step order (the variants this engine writes).
ORDER = (
    "CreateSchema",
    "DropExtension",
    "CreateExtension",
    "CreateEnum",
    "AlterEnum",
    "DropForeignKey",
    "DropIndex",
    "AlterTable",
    "DropTable",
    "DropEnum",
    "CreateTable",
    "CreateIndex",
    "RenameForeignKey",
    "AddForeignKey",
    "RenameIndex",
)


class UnsupportedChange(Exception):
    """A change this engine does not write yet; the message names it."""


@dataclass
class Step:
    kind: str  # one of ORDER: the `-- <kind>` header
    table: Table | None = None
    index: Index | None = None
    foreign_key: ForeignKey | None = None
    enum: EnumType | None = None
    extension: Extension | None = None
    schema: str | None = None
    clauses: list[str] = field(default_factory=list)  # AlterTable's, joined with ",\n"
    values: list[str] = field(default_factory=list)  # AlterEnum's added values
    statements: list[str] = field(default_factory=list)  # AlterEnum's recreation, in order
    removed: list[str] = field(default_factory=list)  # AlterEnum's removed values
    # AlterTable's warnings and unexecutable-step notes, in clause order (migrate dev's texts).
    warned: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)  # AlterTable's statements before it
    after: list[str] = field(default_factory=list)  # and after it (a sequence's)
    unexecutable: list[str] = field(default_factory=list)
    new_name: str | None = None  # RenameIndex's and RenameForeignKey's
    summary: list[str] = field(default_factory=list)  # AlterTable's lines of the summary
    recreated: bool = False  # CreateIndex of an index its column's recreation dropped
    primary_key_added: bool = False  # AlterTable's ADD CONSTRAINT … PRIMARY KEY
    columns_dropped: list[str] = field(default_factory=list)  # AlterTable's, recreated ones too
    # AlterTable's columns by what happens to them, for the review's rules:
    # name -> "added" | "dropped" | "recreated" | "safe" | "risky" (a cast) | "altered"
    column_changes: dict[str, str] = field(default_factory=dict)
    made_required: list[str] = field(default_factory=list)  # AlterTable's SET NOT NULL columns
    previous_values: list[str] = field(default_factory=list)  # a recreated enum's old values


def diff(before: Database, after: Database) -> list[Step]:
    """The steps from `before` to `after`, in Prisma's order."""
    existing = set(before.namespaces) | set(before.schemas)
    steps = [Step("CreateSchema", schema=s) for s in after.schemas if s not in existing]
    steps += _extensions(before, after)
    steps += _enums(before, after)
    steps += _tables(before, after)
    return _permuted(sorted(steps, key=_order(before, after)), before)


def _permuted(steps: list[Step], before: Database) -> list[Step]:
    """Prisma's apply_partial_order_permutations: a unique index dropped from a
    table without a primary key goes after the AlterTable that makes those
    columns the primary key (the constraint must hold throughout)."""
    without_key = {_key(t.name) for t in before.tables if not t.primary_key}
    i = 0
    while i < len(steps):
        step = steps[i]
        i += 1
        if not (
            step.kind == "DropIndex" and step.index.unique and _key(step.index.table) in without_key
        ):
            continue
        columns = [c.name for c in step.index.columns]
        for position in range(i, len(steps)):
            alter = steps[position]
            if (
                alter.kind == "AlterTable"
                and _key(alter.table.name) == _key(step.index.table)
                and alter.primary_key_added
                and not set(columns) & set(alter.columns_dropped)
                and alter.table.primary_key == columns
            ):
                steps.insert(position, steps.pop(i - 1))
                i -= 1
                break
    return steps


_DROPS = {"DropForeignKey", "DropIndex", "DropTable", "DropEnum"}
# Steps Prisma keys by the (previous, next) id pair of their table or enum: an
# object new in this migration has no previous id and sorts first.
_PAIRED = {"CreateIndex", "AlterTable", "AlterEnum", "RenameIndex", "RenameForeignKey"}


def _order(before: Database, after: Database):
    """Prisma sorts steps by variant, then by the ids of their objects: a drop
    by the previous schema's order, a paired step by (previous, next) with new
    objects first, everything else by the next schema's order.  The sort is
    stable, so a table's own indexes and keys keep their order."""
    rank = {kind: i for i, kind in enumerate(ORDER)}
    previous = {_key(t.name): i for i, t in enumerate(before.tables)}
    next_ = {_key(t.name): i for i, t in enumerate(after.tables)}
    previous_enums = {_key(e.name): i for i, e in enumerate(before.enums)}
    next_enums = {_key(e.name): i for i, e in enumerate(after.enums)}

    def position(key, old: dict, new: dict, kind: str) -> tuple:
        if kind in _DROPS:
            return (0, old.get(key, 0))
        if kind in _PAIRED:
            return (0, new.get(key, 0)) if key not in old else (1, old[key])
        return (0, new.get(key, 0))

    def key(step: Step):
        if step.enum is not None:
            return (
                rank[step.kind],
                *position(_key(step.enum.name), previous_enums, next_enums, step.kind),
            )
        table = step.table.name if step.table is not None else None
        if step.index is not None:
            table = step.index.table
        if step.foreign_key is not None:
            table = step.foreign_key.table
        if table is None:
            return (rank[step.kind], 0, 0)
        return (rank[step.kind], *position(_key(table), previous, next_, step.kind))

    return key


def _key(name: Name) -> tuple[str, str]:
    return (name.schema, name.name)


def _extensions(before: Database, after: Database) -> list[Step]:
    """Prisma's extension steps from one schema to another: a new extension is
    created; one whose version or schema changed (both given on each side) is
    dropped and created again; one no longer listed is left alone."""
    previous = {e.name: e for e in before.extensions}
    steps = []
    for extension in after.extensions:
        old = previous.get(extension.name)
        if old is not None and _extension_kept(old, extension):
            continue
        if old is not None:
            steps.append(Step("DropExtension", extension=old))
        steps.append(Step("CreateExtension", extension=extension))
    return steps


def _extension_kept(old: Extension, new: Extension) -> bool:
    """Prisma's extensions_match: an unset version or schema matches any."""
    return all(
        a == b or not a or not b for a, b in ((old.version, new.version), (old.schema, new.schema))
    )


def _enums(before: Database, after: Database) -> list[Step]:
    old = {_key(e.name): e for e in before.enums}
    new = {_key(e.name): e for e in after.enums}
    steps = [Step("CreateEnum", enum=e) for k, e in new.items() if k not in old]
    for k, enum in new.items():
        if k in old and old[k].values != enum.values:
            # Prisma's enum differ sees values created and dropped, never moved:
            # new values are appended, and a reordering alone changes nothing.
            previous = old[k].values
            if any(v not in enum.values for v in previous):
                steps.append(_recreated_enum(old[k], enum, before, after))
            elif any(v not in previous for v in enum.values):
                added = [v for v in enum.values if v not in previous]
                steps.append(Step("AlterEnum", enum=enum, values=added))
    steps += [Step("DropEnum", enum=e) for k, e in old.items() if k not in new]
    return steps


def _recreated_enum(old: EnumType, enum: EnumType, before: Database, after: Database) -> Step:
    """Values removed: Prisma recreates the type inside its own transaction,
    every usage retyped through text, defaults dropped first and set again."""
    from generator.sql.identifiers import quote_identifier as q

    name = enum.name
    new_type = Name(name.schema, name.name + "_new", name.default_schema)
    old_type = Name(name.schema, name.name + "_old", name.default_schema)
    previous = {(_key(t.name), c.name): c for t in before.tables for c in t.columns}
    usages = [
        (table, column, previous[(_key(table.name), column.name)])
        for table in after.tables
        for column in table.columns
        if column.type.kind == "enum"
        and column.type.base == name.sql
        and (_key(table.name), column.name) in previous
        and previous[(_key(table.name), column.name)].type.base == old.name.sql
    ]
    # Defaults are dropped for every previous usage, even in a table this
    # migration drops; Prisma lists those without a next column first.
    following = {(_key(t.name), c.name) for t in after.tables for c in t.columns}
    defaults = [
        (table, column)
        for table in before.tables
        for column in table.columns
        if column.type.kind == "enum"
        and column.type.base == old.name.sql
        and column.default is not None
    ]
    defaults.sort(key=lambda tc: (_key(tc[0].name), tc[1].name) in following)
    statements = ["BEGIN", f"CREATE TYPE {new_type.sql} AS ENUM ({enum.value_list})"]
    statements += [
        f"ALTER TABLE {t.name.sql} ALTER COLUMN {q(c.name)} DROP DEFAULT" for t, c in defaults
    ]
    for table, column, _ in usages:
        target = new_type.sql + ("[]" if column.type.array else "")
        statements.append(
            f"ALTER TABLE {table.name.sql} ALTER COLUMN {q(column.name)} TYPE {target} "
            f"USING ({q(column.name)}::text::{target})"
        )
    statements += [
        f"ALTER TYPE {name.sql} RENAME TO {q(name.name + '_old')}",
        f"ALTER TYPE {new_type.sql} RENAME TO {q(name.name)}",
        f"DROP TYPE {old_type.sql}",
    ]
    statements += [
        f"ALTER TABLE {t.name.sql} ALTER COLUMN {q(c.name)} SET DEFAULT {c.default}"
        for t, c, _ in usages
        if c.default is not None
    ]
    statements.append("COMMIT")
    removed = [v for v in old.values if v not in enum.values]
    return Step(
        "AlterEnum", enum=enum, statements=statements, removed=removed, previous_values=old.values
    )


def _tables(before: Database, after: Database) -> list[Step]:
    old = {_key(t.name): t for t in before.tables}
    new = {_key(t.name): t for t in after.tables}
    steps: list[Step] = []
    for key, table in old.items():
        if key not in new:
            steps += [Step("DropForeignKey", foreign_key=fk) for fk in table.foreign_keys]
            steps.append(Step("DropTable", table=table))
    for key, table in new.items():
        if key not in old:
            steps.append(Step("CreateTable", table=table))
            steps += [Step("CreateIndex", index=i) for i in table.indexes]
            steps += [Step("AddForeignKey", foreign_key=fk) for fk in table.foreign_keys]
        else:
            steps += _altered(old[key], table)
    return steps


def _altered(old: Table, new: Table) -> list[Step]:
    """The steps of a table in both schemas, paired as Prisma's table differ
    pairs them: indexes and foreign keys by definition, never by name (a
    definition found under another name is a rename), columns by name."""
    label = new.name.name
    old_columns = {c.name: c for c in old.columns}
    changes = {
        c.name: _column_change(label, old_columns[c.name], c)
        for c in new.columns
        if c.name in old_columns
    }
    recreated = {name for name, change in changes.items() if change == "not_castable"}
    retyped = {name for name, change in changes.items() if change is not None}
    steps: list[Step] = []
    # Indexes (the primary key is not one of them here).
    created = [i for i in new.indexes if not any(_same_index(p, i) for p in old.indexes)]
    dropped = [p for p in old.indexes if not any(_same_index(p, i) for i in new.indexes)]
    steps += [Step("DropIndex", index=i) for i in dropped]
    steps += [Step("CreateIndex", index=i) for i in created]
    for previous, next_ in _index_pairs(old, new):
        touched = any(c.name in recreated for c in next_.columns)
        if touched:
            # Dropping the column dropped the index: Prisma creates it again
            # (without the unique-constraint warning: no new constraint).
            steps.append(Step("CreateIndex", index=next_, recreated=True))
        elif previous.name != next_.name:
            steps.append(Step("RenameIndex", index=previous, new_name=next_.name))
    # Foreign keys.
    matches = lambda p, n: _same_key(p, n, retyped)  # noqa: E731
    steps += [
        Step("AddForeignKey", foreign_key=n)
        for n in new.foreign_keys
        if not any(matches(p, n) for p in old.foreign_keys)
    ]
    steps += [
        Step("DropForeignKey", foreign_key=p)
        for p in old.foreign_keys
        if not any(matches(p, n) for n in new.foreign_keys)
    ]
    seen: list[ForeignKey] = []
    for previous in old.foreign_keys:
        twin = next(
            (n for n in new.foreign_keys if not any(n is s for s in seen) and matches(previous, n)),
            None,
        )
        if twin is None:
            continue
        seen.append(twin)
        if previous.name != twin.name and not (_implicit_m2m(previous) and _implicit_m2m(twin)):
            steps.append(Step("RenameForeignKey", foreign_key=previous, new_name=twin.name))
    alter = _alter_table(old, new, changes)
    if alter.clauses:
        steps.append(alter)
    return steps


def _index_pairs(old: Table, new: Table):
    """Prisma's index pairs: each previous index that no other previous index
    repeats (columns and kind), with the first next index of its definition."""
    for previous in old.indexes:
        identical = [
            other
            for other in old.indexes
            if [c.name for c in other.columns] == [c.name for c in previous.columns]
            and other.unique == previous.unique
        ]
        if len(identical) != 1:
            continue
        twin = next((i for i in new.indexes if _same_index(previous, i)), None)
        if twin is not None:
            yield previous, twin


def _implicit_m2m(fk: ForeignKey) -> bool:
    """A foreign key of an implicit many-to-many table (`_AToB`, columns A and
    B): Prisma does not rename those."""
    return fk.table.name.startswith("_") and fk.columns in (["A"], ["B"])


def _same_key(a: ForeignKey, b: ForeignKey, retyped: set[str]) -> bool:
    """Prisma's foreign_keys_match: the same referenced table (by name), the
    same columns (none of them retyped), the same actions; names aside."""
    return (
        a.referenced_table.name == b.referenced_table.name
        and a.columns == b.columns
        and not any(c in retyped for c in b.columns)
        and a.referenced_columns == b.referenced_columns
        and (a.on_delete, a.on_update) == (b.on_delete, b.on_update)
    )


def _same_index(a: Index, b: Index) -> bool:
    return (a.unique, a.columns, a.algorithm) == (b.unique, b.columns, b.algorithm)


def _alter_table(old: Table, new: Table, changes: dict) -> Step:
    """The AlterTable step: its clauses, summary lines and warnings.  Prisma's
    order: the primary key dropped, renamed; every DROP COLUMN, every ADD
    COLUMN; the altered columns (in the previous schema's order); the primary
    key added.  Prisma's differ pairs columns through a map keyed by name, so
    added and dropped columns come by name (byte order), not declaration."""
    from generator.sql.identifiers import quote_identifier as q

    step = Step("AlterTable", table=new)
    label = new.name.name
    old_columns = {c.name: c for c in old.columns}
    new_columns = {c.name: c for c in new.columns}
    pk_columns_retyped = any(changes.get(c) is not None for c in old.primary_key)
    drop_pk = add_pk = False
    if old.primary_key and new.primary_key:
        drop_pk = add_pk = old.primary_key != new.primary_key or pk_columns_retyped
    elif old.primary_key or new.primary_key:
        drop_pk, add_pk = bool(old.primary_key), bool(new.primary_key)
    if drop_pk:
        step.clauses.append(f"DROP CONSTRAINT {q(old.primary_key_name)}")
        step.summary.append(
            f"[-] Dropped the primary key on columns ({', '.join(old.primary_key)})"
        )
        step.warned.append(
            f"The primary key for the `{label}` table will be changed. If it partially fails, "
            "the table could be left without primary key constraint."
        )
    if old.primary_key and new.primary_key and old.primary_key_name != new.primary_key_name:
        step.clauses.append(
            f"RENAME CONSTRAINT {q(old.primary_key_name)} TO {q(new.primary_key_name)}"
        )
        step.summary.append(
            f"[*] Renamed the primary key on columns ({', '.join(old.primary_key)})"
        )
    dropped = sorted(name for name in old_columns if name not in new_columns)
    added = sorted(name for name in new_columns if name not in old_columns)
    for name in dropped:
        step.clauses.append(f"DROP COLUMN {q(name)}")
        step.summary.append(f"[-] Removed column `{name}`")
        step.warned.append(
            f"You are about to drop the column `{name}` on the `{label}` table. All the data "
            "in the column will be lost."
        )
    for name in added:
        column = new_columns[name]
        step.clauses.append(f"ADD COLUMN     {column.sql}")
        step.summary.append(f"[+] Added column `{name}`")
        if column.not_null and column.default is None and not column.type.serial:
            if column.prisma_default:
                step.unexecutable.append(
                    f"The required column `{name}` was added to the `{label}` table with a "
                    "prisma-level default value. This is not possible if the table is not empty. "
                    "Please add this column as optional, then populate it before making it required."
                )
            else:
                step.unexecutable.append(
                    f"Added the required column `{name}` to the `{label}` table without a default "
                    "value. This is not possible if the table is not empty."
                )
    for previous in old.columns:
        column = new_columns.get(previous.name)
        if column is None:
            continue
        change = changes[column.name]
        if not _altered_column(step, new, previous, column, change):
            continue
        step.summary.append(_altered_summary(previous, column, change))
        _column_warnings(step, label, previous, column, change)
    step.columns_dropped = dropped + [c for c, change in changes.items() if change == NOT_CASTABLE]
    step.column_changes = {name: "dropped" for name in dropped} | {name: "added" for name in added}
    for previous in old.columns:
        column = new_columns.get(previous.name)
        if column is not None and _column_touched(previous, column, changes[column.name]):
            change = changes[column.name]
            step.column_changes[column.name] = (
                "recreated" if change == NOT_CASTABLE else change or "altered"
            )
            if not previous.not_null and column.not_null and not previous.type.array:
                step.made_required.append(column.name)
    if add_pk:
        step.primary_key_added = True
        step.summary.append(f"[+] Added primary key on columns ({', '.join(new.primary_key)})")
        names = ", ".join(q(c) for c in new.primary_key)
        step.clauses.append(f"ADD CONSTRAINT {q(new.primary_key_name)} PRIMARY KEY ({names})")
    return step


def _column_touched(old: Column, new: Column, change: str | None) -> bool:
    return (
        change is not None
        or _arity(old) != _arity(new)
        or old.default != new.default
        or (old.type.serial != new.type.serial)
    )


def _column_warnings(step: Step, table: str, old: Column, new: Column, change: str | None) -> None:
    """migrate dev's notes on one altered column (check_alter_column and
    check_drop_and_recreate_column of Prisma's PostgreSQL flavour)."""
    name = new.name
    made_required = not old.not_null and new.not_null and not old.type.array
    if change == "not_castable":
        if made_required and new.default is None:
            step.unexecutable.append(
                f"Added the required column `{name}` to the `{table}` table without a default "
                "value. This is not possible if the table is not empty."
            )
        elif new.not_null and new.default is None:
            step.unexecutable.append(
                f"Changed the type of `{name}` on the `{table}` table. No cast exists, the column "
                "would be dropped and recreated, which cannot be done if there is data, since the "
                "column is required."
            )
        else:
            step.warned.append(
                f"The `{name}` column on the `{table}` table would be dropped and recreated. This "
                "will lead to data loss if there is data in the column."
            )
        return
    if made_required:
        step.unexecutable.append(
            f"Made the column `{name}` on table `{table}` required. This step will fail if "
            "there are existing NULL values in that column."
        )
    if change == "risky":
        step.warned.append(
            f"You are about to alter the column `{name}` on the `{table}` table. The data in "
            f"that column could be lost. The data in that column will be cast from "
            f"`{_display(old.type)}` to `{_display(new.type)}`."
        )


def _altered_summary(old: Column, new: Column, change: str | None) -> str:
    """Prisma's wording, but a default as its SQL value, not Rust's debug form."""
    what = []
    if _arity(old) != _arity(new):
        what.append(f"changed from {_arity(old)} to {_arity(new)}")
    if old.default != new.default and not (
        new.type.serial or (old.type.serial and not new.default)
    ):
        shown = [f"`{d}`" if d is not None else "none" for d in (old.default, new.default)]
        what.append(f"default changed from {shown[0]} to {shown[1]}")
    if change is not None:
        what.append("type changed")
    if old.type.serial != new.type.serial:
        what.append(
            "column became autoincrementing"
            if new.type.serial
            else "column is no longer autoincrementing"
        )
    if change == NOT_CASTABLE:
        return f"[*] Column `{new.name}` would be dropped and recreated ({', '.join(what)})"
    return f"[*] Altered column `{new.name}` ({', '.join(what)})"


def _arity(column: Column) -> str:
    """Prisma's column arity."""
    return "List" if column.type.array else "Required" if column.not_null else "Nullable"


def _column_change(table: str, old: Column, new: Column) -> str | None:
    """How a kept column's type changes, as Prisma classifies it (None: it
    does not); what this engine does not write is refused by name."""
    if old.type == new.type:
        return None
    if "unsupported" in (old.type.kind, new.type.kind):
        raise UnsupportedChange(
            f"column {table}.{new.name}: its type changed from {old.type.sql} to {new.type.sql}"
        )
    return type_change(old.type.without_serial(), new.type.without_serial())


def _altered_column(step: Step, table: Table, old: Column, new: Column, change) -> bool:
    """Add the clauses (and the statements around the ALTER TABLE) altering
    one kept column to `step`; False when the column did not change."""
    from generator.sql.identifiers import quote_identifier as q

    if change == "not_castable":  # Prisma drops the column and adds it again
        step.clauses += [f"DROP COLUMN {q(old.name)}", f"ADD COLUMN     {new.sql}"]
        return True
    column = f"ALTER COLUMN {q(new.name)}"
    # Prisma's order within a column: nullability, the default, then the type (measured).
    clauses = []
    if _arity(old) != _arity(new):  # a list to a scalar counts: its NOT NULL is restated
        clauses.append(f"{column} " + ("SET NOT NULL" if new.not_null else "DROP NOT NULL"))
    if new.type.serial and not old.type.serial:
        # @default(autoincrement()) added: the sequence a SERIAL column would
        # have, named as Prisma names it (lower case, unquoted).
        sequence = _sequence_name(table, new)
        step.before.append(f"CREATE SEQUENCE {sequence}")
        clauses.append(f"{column} SET DEFAULT nextval({sql_string(sequence)})")
        step.after.append(f"ALTER SEQUENCE {sequence} OWNED BY {table.name.sql}.{q(new.name)}")
    elif old.type.serial and not new.type.serial and new.default is None:
        # Removed: Prisma also writes `DROP SEQUENCE ""` (it does not know the
        # name), which fails; the sequence stays, owned by the column.
        clauses.append(f"{column} DROP DEFAULT")
    elif old.default != new.default:
        clauses.append(
            f"{column} "
            + (f"SET DEFAULT {new.default}" if new.default is not None else "DROP DEFAULT")
        )
    if change is not None:
        # SET DATA TYPE takes a plain type: Prisma writes BIGSERIAL here, which fails.
        clauses.append(f"{column} SET DATA TYPE {new.type.without_serial().sql}")
    step.clauses += clauses
    return bool(clauses)


def _sequence_name(table: Table, column: Column) -> str:
    """`<schema>.<table>_<column>_seq` in lower case, as Prisma writes it: an
    unquoted name, so one that would need quoting is refused."""
    import re

    name = f"{table.name.name}_{column.name}_seq".lower()
    schema = table.name.schema
    if (
        not re.fullmatch(r"[a-z_][a-z0-9_]*", name)
        or len(name.encode()) > 63
        or schema != schema.lower()
    ):
        raise UnsupportedChange(
            f"column {table.name.name}.{column.name}: @default(autoincrement()) added, and "
            f"Prisma's sequence name {name} would need quoting or shortening"
        )
    if table.name.schema == table.name.default_schema:
        return name
    from generator.sql.identifiers import quote_identifier

    return f"{quote_identifier(schema)}.{name}"


# --- migrate dev's warnings (sql_destructive_change_checker, the "pure" texts) -----


def warnings(steps: list[Step], before: Database) -> list[str]:
    """The warnings block `prisma migrate dev` writes at the top of a migration
    (Prisma's pure_check: no database, so no row counts): the warnings in step
    order, then the unexecutable steps in step order."""
    existing = {_key(t.name) for t in before.tables}
    warned: list[str] = []
    unexecutable: list[str] = []
    for step in steps:
        if step.kind == "AlterEnum" and step.removed:
            warned.append(
                f"The values [{','.join(step.removed)}] on the enum `{step.enum.name.name}` will "
                "be removed. If these variants are still used in the database, this will fail."
            )
        elif step.kind == "DropTable":
            warned.append(
                f"You are about to drop the `{step.table.name.name}` table. If the table is not "
                "empty, all the data it contains will be lost."
            )
        elif (
            step.kind == "CreateIndex"
            and step.index.unique
            and not step.recreated
            and _key(step.index.table) in existing
        ):
            columns = ",".join(c.name for c in step.index.columns)
            warned.append(
                f"A unique constraint covering the columns `[{columns}]` on the table "
                f"`{step.index.table.name}` will be added. If there are existing duplicate values, "
                "this will fail."
            )
        elif step.kind == "AlterTable":
            warned += step.warned
            unexecutable += step.unexecutable
    return warned + unexecutable


def warnings_block(texts: list[str]) -> str:
    if not texts:
        return ""
    return "/*\n  Warnings:\n\n" + "".join(f"  - {t}\n" for t in texts) + "\n*/\n"


# --- column type changes (Prisma's postgres_column_type_change) -----------------
# Prisma's names of the native types, by our ColumnType.base.
_PRISMA_TYPE = {
    "SMALLINT": "SmallInt",
    "INTEGER": "Integer",
    "BIGINT": "BigInt",
    "DECIMAL": "Decimal",
    "MONEY": "Money",
    "OID": "Oid",
    "REAL": "Real",
    "DOUBLE PRECISION": "DoublePrecision",
    "TEXT": "Text",
    "VARCHAR": "VarChar",
    "CHAR": "Char",
    "CITEXT": "Citext",
    "INET": "Inet",
    "BOOLEAN": "Boolean",
    "BIT": "Bit",
    "VARBIT": "VarBit",
    "UUID": "Uuid",
    "XML": "Xml",
    "JSON": "Json",
    "JSONB": "JsonB",
    "BYTEA": "ByteA",
    "TIMESTAMP": "Timestamp",
    "TIMESTAMPTZ": "Timestamptz",
    "DATE": "Date",
    "TIME": "Time",
    "TIMETZ": "Timetz",
}
SAFE, RISKY, NOT_CASTABLE = "safe", "risky", "not_castable"
_INTEGERS = {"SmallInt": (3, 4, 2), "Integer": (10, 11, 9), "BigInt": (19, 20, 18)}
_FLOATS = {"Real": 47, "DoublePrecision": 317}  # characters a value's text may need
_TEMPORAL_TEXT = {"Timestamp": 22, "Timestamptz": 27, "Date": 27, "Time": 13, "Timetz": 18}


def _native(column_type) -> tuple[str, tuple[int, ...]]:
    return _PRISMA_TYPE[column_type.base], tuple(int(a) for a in column_type.args)


def type_change(old, new) -> str | None:
    """How Prisma's PostgreSQL differ classifies a column's type change: None
    (no change), "safe" or "risky" (SET DATA TYPE), "not_castable" (the column
    is dropped and added again).  Both types are builtin or enum, SERIAL as
    its plain type."""
    if "enum" in (old.kind, new.kind):
        if old.base == new.base and old.kind == new.kind:
            if old.array != new.array:
                raise UnsupportedChange(f"enum {new.base}: a column changed to or from a list")
            return None
        return NOT_CASTABLE
    (prev, pargs), (next_, nargs) = _native(old), _native(new)
    if old.array and not new.array:  # list to scalar
        if next_ == "Text" or (next_ == "VarChar" and not nargs):
            return SAFE
        if next_ in ("VarChar", "Char"):
            return RISKY
        return NOT_CASTABLE
    if new.array and not old.array:
        return NOT_CASTABLE
    if (prev, pargs) == (next_, nargs):
        return None
    return _cast(prev, pargs, next_, nargs)


def _cast(prev: str, pargs: tuple, next_: str, nargs: tuple) -> str | None:  # noqa: C901
    """postgres_native_type_change_riskyness, case by case."""
    length = nargs[0] if nargs else None
    old_length = pargs[0] if pargs else None
    textual = next_ in ("VarChar", "Char")
    to_char = next_ == "Char"
    if prev in ("Inet", "Uuid", "Xml", "Json", "JsonB", "ByteA") or prev in _TEMPORAL_TEXT:
        if next_ == "Text" or (next_ == "VarChar" and length is None):
            return SAFE
    if prev == "Inet":
        return SAFE if next_ in ("Citext", "VarChar") else NOT_CASTABLE
    if prev == "Money":
        return SAFE if next_ in ("Citext", "Text", "VarChar") else RISKY
    if prev == "Citext":
        return SAFE if next_ in ("Text", "VarChar") else RISKY
    if prev == "Oid":
        return SAFE if next_ in ("Text", "VarChar", "BigInt", "Integer") else NOT_CASTABLE
    if prev in _INTEGERS:
        digits, chars, _ = _INTEGERS[prev]
        if next_ in _INTEGERS:
            return RISKY if _INTEGERS[next_][0] < digits else SAFE
        if next_ == "Decimal":
            return RISKY if len(nargs) == 2 and nargs[0] - nargs[1] < digits else SAFE
        if next_ in _FLOATS or next_ == "Text":
            return SAFE
        if textual:
            return _to_text(length, chars, to_char)
        return NOT_CASTABLE
    if prev == "Decimal":
        if next_ in _INTEGERS:
            if len(pargs) != 2 or pargs[1] > 0 or pargs[0] > _INTEGERS[next_][2]:
                return RISKY
            return SAFE
        if next_ == "Decimal":
            if pargs and not nargs:
                return SAFE
            if not pargs:
                return RISKY if nargs[0] < 131072 or nargs[1] < 16383 else SAFE
            if pargs[0] - pargs[1] > nargs[0] - nargs[1] or pargs[1] > nargs[1]:
                return RISKY
            return SAFE
        if next_ in _FLOATS:
            return RISKY
        if textual:
            if length is not None and pargs:
                p, n = pargs
                return RISKY if (n == 0 and p + 1 > length) or (n > 0 and p + 2 > length) else SAFE
            if length is not None:
                return RISKY if length < 131073 else SAFE
            return RISKY if to_char else SAFE
        return SAFE if next_ == "Text" else NOT_CASTABLE
    if prev in _FLOATS:
        if next_ in _INTEGERS or next_ == "Decimal":
            return RISKY
        if next_ == "Real":
            return RISKY if prev == "DoublePrecision" else SAFE
        if next_ in ("DoublePrecision", "Text"):
            return SAFE
        if textual:
            return _to_text(length, _FLOATS[prev], to_char)
        return NOT_CASTABLE
    if prev in ("VarChar", "Char"):
        if next_ == "Text":
            return SAFE
        if not textual:
            return NOT_CASTABLE
        if prev == "Char" and old_length is None:
            return SAFE
        if old_length is None:
            return RISKY if (length is not None or to_char) else SAFE
        if length is None:
            return SAFE if old_length == 1 or not to_char else RISKY
        return RISKY if old_length > length else SAFE
    if prev == "Text":
        if next_ in ("Text", "Citext") or (next_ == "VarChar" and length is None):
            return SAFE
        return RISKY if textual else NOT_CASTABLE
    if prev == "ByteA":
        return RISKY if textual and length is not None and length > 2 else NOT_CASTABLE
    if prev in _TEMPORAL_TEXT:
        if textual and length is not None and length > _TEMPORAL_TEXT[prev]:
            return SAFE
        if prev == next_ and (not nargs or not pargs or pargs == nargs):
            return None  # a precision given where there was none, or the same
        reachable = {
            "Timestamp": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
            "Timestamptz": ("Timestamp", "Timestamptz", "Date", "Time", "Timetz"),
            "Date": ("Timestamp", "Timestamptz"),
            "Time": ("Timetz",),
            "Timetz": ("Timetz", "Time"),
        }[prev]
        return SAFE if next_ in reachable else NOT_CASTABLE
    if prev == "Boolean":
        if next_ in ("Text", "VarChar"):
            return SAFE
        if next_ == "Char" and length is not None and length > 3:
            return SAFE if length > 4 else RISKY
        return NOT_CASTABLE
    if prev == "Bit":
        if old_length is None:
            return SAFE if next_ in ("Text", "VarChar", "Char", "VarBit") else NOT_CASTABLE
        if next_ == "Text" or (next_ in ("VarChar", "VarBit") and length is None):
            return SAFE
        if next_ in ("VarChar", "VarBit", "Char") and length is not None and length >= old_length:
            return SAFE
        return NOT_CASTABLE
    if prev == "VarBit":
        if next_ == "Text" or (next_ == "VarChar" and length is None):
            return SAFE
        if old_length is None:
            return RISKY if next_ in ("VarChar", "Char", "Bit") else NOT_CASTABLE
        if next_ == "VarBit":
            return SAFE if length is None or length > old_length else NOT_CASTABLE
        if textual and length is not None and length >= old_length:
            return SAFE
        if next_ == "Bit":
            return RISKY if length is None or length <= old_length else NOT_CASTABLE
        return RISKY if textual else NOT_CASTABLE
    if prev == "Uuid":
        return SAFE if textual and length is not None and length > 31 else NOT_CASTABLE
    if prev in ("Xml", "Json", "JsonB"):
        if (prev, next_) in (("Json", "JsonB"), ("JsonB", "Json")) or next_ == "Text":
            return SAFE
        return RISKY if textual else NOT_CASTABLE
    return NOT_CASTABLE


def _to_text(length: int | None, chars: int, to_char: bool) -> str:
    """A number cast to VarChar/Char: risky when the length cannot hold every
    value's text (Prisma's width per number type), or to an unsized Char."""
    if length is not None:
        return RISKY if length < chars else SAFE
    return RISKY if to_char else SAFE


def _display(column_type) -> str:
    """A type as Prisma's warnings name it: `VarChar(100)`, `Integer`."""
    name, args = _native(column_type)
    return name + (f"({','.join(str(a) for a in args)})" if args else "")


# --- the summary, as `prisma migrate diff` prints it without --script -------------


def summary(steps: list[Step]) -> str:
    """Prisma's `drift_summary` wording: extensions dropped and created (one
    section each, by name, as Prisma prints them), added schemas, added and
    removed enums and tables, then each changed enum and table (by name)."""
    if not steps:
        return "No difference detected.\n"
    return "".join(
        f"\n{header}\n" + "".join(f"{line}\n" for line in lines)
        for header, lines in sections(steps)
    )


def sections(steps: list[Step]) -> list[tuple[str, list[str]]]:
    """The summary as (header, lines) sections, in Prisma's order."""
    sections: list[tuple[str, list[str]]] = []
    for kind, header in (
        ("DropExtension", "[-] Removed extensions"),
        ("CreateExtension", "[+] Added extensions"),
    ):
        # Prisma prints a stray backtick for a dropped extension; we print its name.
        names = sorted(s.extension.name for s in steps if s.kind == kind)
        sections += [(header, [f"  - {name}"]) for name in names]
    schemas = [s.schema for s in steps if s.kind == "CreateSchema"]
    if schemas:
        sections.append(("[+] Added Schemas", [f"  - {name}" for name in schemas]))
    for kind, header in (
        ("CreateEnum", "[+] Added enums"),
        ("CreateTable", "[+] Added tables"),
        ("DropEnum", "[-] Removed enums"),
        ("DropTable", "[-] Removed tables"),
    ):
        names = [(s.enum or s.table).name.name for s in steps if s.kind == kind]
        if names:
            sections.append((header, [f"  - {n}" for n in names]))
    for step in steps:
        if step.kind == "AlterEnum":
            added = step.values
            if step.statements:  # recreated: what is new is what the old type lacked
                added = [v for v in step.enum.values if v not in step.previous_values]
            lines = [f"  [+] Added variant `{v}`" for v in added]
            lines += [f"  [-] Removed variant `{v}`" for v in step.removed]
            sections.append((f"[*] Changed the `{step.enum.name.name}` enum", lines))
    # Every table with a changed key or index, new and dropped ones included, as Prisma lists them.
    tables: dict[str, list[str]] = {}
    for step in steps:
        table, line = _table_line(step)
        if line:
            tables.setdefault(table, []).extend(line)
    for table in sorted(tables):
        sections.append(
            (f"[*] Changed the `{table}` table", [f"  {line}" for line in tables[table]])
        )
    return sections


def _table_line(step: Step) -> tuple[str | None, list[str]]:
    def columns(names) -> str:
        return ", ".join(names)

    if step.kind == "DropForeignKey":
        fk = step.foreign_key
        return fk.table.name, [f"[-] Removed foreign key on columns ({columns(fk.columns)})"]
    if step.kind == "AddForeignKey":
        fk = step.foreign_key
        return fk.table.name, [f"[+] Added foreign key on columns ({columns(fk.columns)})"]
    if step.kind in ("DropIndex", "CreateIndex"):
        index = step.index
        sign, verb = ("-", "Removed") if step.kind == "DropIndex" else ("+", "Added")
        kind = "unique index" if index.unique else "index"
        names = columns(c.name for c in index.columns)
        return index.table.name, [f"[{sign}] {verb} {kind} on columns ({names})"]
    if step.kind == "AlterTable":
        return step.table.name.name, step.summary
    if step.kind == "RenameIndex":
        line = f"[*] Renamed index `{step.index.name}` to `{step.new_name}`"
        return step.index.table.name, [line]
    if step.kind == "RenameForeignKey":
        line = f'[*] Renamed the foreign key "{step.foreign_key.name}" to "{step.new_name}"'
        return step.foreign_key.table.name, [line]
    return None, []
