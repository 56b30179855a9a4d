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

from generator.sql.model import Column, Database, EnumType, ForeignKey, Index, Name, Table

# Prisma's step order (the variants this engine writes).
ORDER = (
    "CreateSchema",
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
    schema: str | None = None
    clauses: list[str] = field(default_factory=list)  # AlterTable's, joined with ",\n"
    values: list[str] = field(default_factory=list)  # AlterEnum's added values
    statements: list[str] = field(default_factory=list)  # AlterEnum's recreation, in order
    removed: list[str] = field(default_factory=list)  # AlterEnum's removed values
    risky: dict = field(default_factory=dict)  # AlterTable's risky casts: column -> (from, to)
    new_name: str | None = None  # RenameIndex's and RenameForeignKey's
    summary: list[str] = field(default_factory=list)  # AlterTable's lines of the summary
    previous_values: list[str] = field(default_factory=list)  # a recreated enum's old values


def diff(before: Database, after: Database) -> list[Step]:
    """The steps from `before` to `after`, in Prisma's order."""
    if [(e.name, e.schema, e.version) for e in before.extensions] != [
        (e.name, e.schema, e.version) for e in after.extensions
    ]:
        raise UnsupportedChange("a change of the datasource's extensions")
    existing = set(before.namespaces) | set(before.schemas)
    steps = [Step("CreateSchema", schema=s) for s in after.schemas if s not in existing]
    steps += _enums(before, after)
    steps += _tables(before, after)
    return sorted(steps, key=_order(before, after))


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


def _enums(before: Database, after: Database) -> list[Step]:
    old = {_key(e.name): e for e in before.enums}
    new = {_key(e.name): e for e in after.enums}
    steps = [Step("CreateEnum", enum=e) for k, e in new.items() if k not in old]
    for k, enum in new.items():
        if k in old and old[k].values != enum.values:
            previous = old[k].values
            kept = [v for v in enum.values if v in previous]
            if all(v in enum.values for v in previous) and kept == previous:
                added = [v for v in enum.values if v not in previous]
                steps.append(Step("AlterEnum", enum=enum, values=added))
            elif set(previous) == set(enum.values):
                raise UnsupportedChange(f"enum {enum.name.name}: values reordered")
            else:
                steps.append(_recreated_enum(old[k], enum, before, after))
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
    label = new.name.name
    if (old.primary_key, old.primary_key_name) != (new.primary_key, new.primary_key_name):
        raise UnsupportedChange(f"table {label}: its primary key changed")
    steps: list[Step] = []
    old_indexes = {i.name: i for i in old.indexes}
    new_indexes = {i.name: i for i in new.indexes}
    created = [i for n, i in new_indexes.items() if n not in old_indexes]
    for name, index in old_indexes.items():
        if name in new_indexes:
            if not _same_index(index, new_indexes[name]):
                raise UnsupportedChange(f"index {name}: redefined")
            continue
        twins = [i for i in created if _same_index(index, i)]
        if len(twins) == 1:  # the same index under a new name: Prisma renames it
            steps.append(Step("RenameIndex", index=index, new_name=twins[0].name))
            created.remove(twins[0])
        elif twins:
            raise UnsupportedChange(f"index {name}: renamed ambiguously")
        else:
            steps.append(Step("DropIndex", index=index))
    steps += [Step("CreateIndex", index=i) for i in created]
    old_fks = {f.name: f for f in old.foreign_keys}
    new_fks = {f.name: f for f in new.foreign_keys}
    added = [f for n, f in new_fks.items() if n not in old_fks or old_fks[n] != f]
    for name, fk in old_fks.items():
        if name in new_fks and new_fks[name] == fk:
            continue
        twins = [f for f in added if name not in new_fks and _same_key(fk, f)]
        if len(twins) == 1:  # the same foreign key under a new name
            steps.append(Step("RenameForeignKey", foreign_key=fk, new_name=twins[0].name))
            added.remove(twins[0])
        else:
            steps.append(Step("DropForeignKey", foreign_key=fk))
    steps += [Step("AddForeignKey", foreign_key=fk) for fk in added]
    clauses, summary, risky = _column_clauses(old, new)
    if clauses:
        steps.append(Step("AlterTable", table=new, clauses=clauses, risky=risky, summary=summary))
    return steps


def _same_key(a: ForeignKey, b: ForeignKey) -> bool:
    return (a.columns, a.referenced_table, a.referenced_columns, a.on_delete, a.on_update) == (
        b.columns,
        b.referenced_table,
        b.referenced_columns,
        b.on_delete,
        b.on_update,
    )


def _same_index(a: Index, b: Index) -> bool:
    return (a.unique, a.columns, a.algorithm) == (b.unique, b.columns, b.algorithm)


def _column_clauses(old: Table, new: Table) -> tuple[list[str], list[str], dict]:
    """The ALTER TABLE clauses, their summary lines, and the risky casts
    (column -> (old type, new type), for the warnings).  Prisma's order: every
    DROP COLUMN, every ADD COLUMN, then the altered columns.  Prisma's differ
    pairs columns through a map keyed by name, so added and dropped columns
    come by name (byte order), not declaration."""
    from generator.sql.identifiers import quote_identifier as q

    old_columns = {c.name: c for c in old.columns}
    new_columns = {c.name: c for c in new.columns}
    dropped = sorted(name for name in old_columns if name not in new_columns)
    added = sorted(name for name in new_columns if name not in old_columns)
    clauses = [f"DROP COLUMN {q(name)}" for name in dropped]
    clauses += [f"ADD COLUMN     {new_columns[name].sql}" for name in added]
    summary = [f"[-] Removed column `{name}`" for name in dropped]
    summary += [f"[+] Added column `{name}`" for name in added]
    risky = {}
    for column in new.columns:
        if column.name in old_columns:
            previous = old_columns[column.name]
            altered, change = _altered_column(new.name.name, previous, column)
            clauses += altered
            if altered:
                summary.append(_altered_summary(previous, column))
            if change == "risky":
                risky[column.name] = (_display(previous.type), _display(column.type))
    return clauses, summary, risky


def _altered_summary(old: Column, new: Column) -> str:
    """Prisma's wording, but a default as its SQL value, not Rust's debug form."""
    what = []
    if old.not_null != new.not_null:
        arity = ("Nullable", "Required") if new.not_null else ("Required", "Nullable")
        what.append(f"changed from {arity[0]} to {arity[1]}")
    if old.default != new.default:
        shown = [f"`{d}`" if d is not None else "none" for d in (old.default, new.default)]
        what.append(f"default changed from {shown[0]} to {shown[1]}")
    if old.type != new.type:
        what.append("type changed")
    return f"[*] Altered column `{new.name}` ({', '.join(what)})"


def _altered_column(table: str, old: Column, new: Column) -> tuple[list[str], str | None]:
    """The clauses altering one kept column, and its cast (type_change), if any."""
    from generator.sql.identifiers import quote_identifier as q

    change = None
    if old.type != new.type:
        change = type_change(old.type, new.type)
        if change == "unknown" or old.type.serial != new.type.serial:
            raise UnsupportedChange(
                f"column {table}.{new.name}: its type changed from {old.type.sql} to {new.type.sql}"
            )
    # Prisma's order within a column: nullability, the default, then the type (measured).
    clauses = []
    if old.not_null != new.not_null:
        clauses.append(
            f"ALTER COLUMN {q(new.name)} " + ("SET NOT NULL" if new.not_null else "DROP NOT NULL")
        )
    if old.default != new.default:
        clauses.append(
            f"ALTER COLUMN {q(new.name)} "
            + (f"SET DEFAULT {new.default}" if new.default is not None else "DROP DEFAULT")
        )
    if change is not None:
        clauses.append(f"ALTER COLUMN {q(new.name)} SET DATA TYPE {new.type.sql}")
    return clauses, change


# --- migrate dev's warnings (sql_destructive_change_checker, the "pure" texts) -----


def warnings(steps: list[Step], before: Database) -> list[str]:
    """The warnings block `prisma migrate dev` writes at the top of a migration:
    the warnings in step order, then the unexecutable steps in step order."""
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
            step.kind == "CreateIndex" and step.index.unique and _key(step.index.table) in existing
        ):
            columns = ",".join(c.name for c in step.index.columns)
            warned.append(
                f"A unique constraint covering the columns `[{columns}]` on the table "
                f"`{step.index.table.name}` will be added. If there are existing duplicate values, "
                "this will fail."
            )
        elif step.kind == "AlterTable":
            found = _alter_table_warnings(step)
            warned += found[0]
            unexecutable += found[1]
    return warned + unexecutable


def _alter_table_warnings(step: Step) -> tuple[list[str], list[str]]:
    table = step.table.name.name
    warned, unexecutable = [], []
    columns = {c.name: c for c in step.table.columns}
    for clause in step.clauses:
        name = clause.split('"')[1].replace('""', '"') if '"' in clause else ""
        if clause.startswith("DROP COLUMN"):
            warned.append(
                f"You are about to drop the column `{name}` on the `{table}` table. All the data "
                "in the column will be lost."
            )
        elif clause.startswith("ADD COLUMN") and columns[name].not_null:
            column = columns[name]
            if column.prisma_default:
                unexecutable.append(
                    f"The required column `{name}` was added to the `{table}` table with a "
                    "prisma-level default value. This is not possible if the table is not empty. "
                    "Please add this column as optional, then populate it before making it required."
                )
            elif column.default is None and not column.type.serial:
                unexecutable.append(
                    f"Added the required column `{name}` to the `{table}` table without a default "
                    "value. This is not possible if the table is not empty."
                )
        elif " SET DATA TYPE " in clause and step.risky.get(name):
            old_type, new_type = step.risky[name]
            warned.append(
                f"You are about to alter the column `{name}` on the `{table}` table. The data in "
                f"that column could be lost. The data in that column will be cast from "
                f"`{old_type}` to `{new_type}`."
            )
        elif clause.endswith("SET NOT NULL"):
            unexecutable.append(
                f"Made the column `{name}` on table `{table}` required. This step will fail if "
                "there are existing NULL values in that column."
            )
    return warned, unexecutable


def warnings_block(texts: list[str]) -> str:
    if not texts:
        return ""
    return "/*\n  Warnings:\n\n" + "".join(f"  - {t}\n" for t in texts) + "\n*/\n"


# --- column type changes (Prisma's postgres_native_type_change_riskyness) --------
# Prisma's names of the types this engine compares, by our ColumnType.base.
_PRISMA_TYPE = {
    "SMALLINT": "SmallInt",
    "INTEGER": "Integer",
    "BIGINT": "BigInt",
    "DECIMAL": "Decimal",
    "REAL": "Real",
    "DOUBLE PRECISION": "DoublePrecision",
    "TEXT": "Text",
    "VARCHAR": "VarChar",
    "CHAR": "Char",
    "CITEXT": "Citext",
    "BOOLEAN": "Boolean",
    "TIMESTAMP": "Timestamp",
    "TIMESTAMPTZ": "Timestamptz",
    "DATE": "Date",
    "TIME": "Time",
    "TIMETZ": "Timetz",
}
_DIGITS = {"SmallInt": 3, "Integer": 10, "BigInt": 19}  # Decimal(p, s) must keep p - s of them
_CHARS = {"SmallInt": 4, "Integer": 11, "BigInt": 20, "Real": 47, "DoublePrecision": 317}


def _native(column_type) -> tuple[str, tuple[int, ...]] | None:
    name = _PRISMA_TYPE.get(column_type.base)
    if column_type.kind != "builtin" or name is None:
        return None
    return name, tuple(int(a) for a in column_type.args)


def type_change(old, new) -> str:
    """ "safe" or "risky", as Prisma classifies a cast between two different
    native types; "unknown" for what Prisma drops and recreates (not castable)
    or this engine does not know (the caller refuses it by name)."""
    a, b = _native(old), _native(new)
    if a is None or b is None or old.array != new.array:
        return "unknown"
    (prev, pargs), (next_, nargs) = a, b
    length = nargs[0] if nargs else None
    to_char = next_ == "Char"
    if prev in _DIGITS:
        if next_ in _DIGITS:
            return "risky" if _DIGITS[next_] < _DIGITS[prev] else "safe"
        if next_ == "Decimal":
            return "risky" if len(nargs) == 2 and nargs[0] - nargs[1] < _DIGITS[prev] else "safe"
        if next_ in ("Real", "DoublePrecision", "Text"):
            return "safe"
        if next_ in ("VarChar", "Char"):
            return _number_to_chars(prev, length, to_char)
        return "unknown"
    if prev in ("Real", "DoublePrecision"):
        if next_ in _DIGITS or next_ == "Decimal":
            return "risky"
        if next_ == "Real":
            return "risky" if prev == "DoublePrecision" else "safe"
        if next_ in ("DoublePrecision", "Text"):
            return "safe"
        if next_ in ("VarChar", "Char"):
            return _number_to_chars(prev, length, to_char)
        return "unknown"
    if prev in ("VarChar", "Char"):
        old_length = pargs[0] if pargs else None
        if next_ == "Text":
            return "safe"
        if next_ in ("VarChar", "Char"):
            if prev == "Char" and old_length is None:
                return "safe"
            if old_length is None and length is None:
                return "risky" if to_char else "safe"
            if old_length is None:
                return "risky"
            if length is None:
                return "safe" if old_length == 1 or not to_char else "risky"
            return "risky" if old_length > length else "safe"
        return "unknown"
    if prev == "Text":
        if next_ in ("Citext",) or (next_ == "VarChar" and length is None):
            return "safe"
        if next_ in ("VarChar", "Char"):
            return "risky"
        return "unknown"
    if prev == "Citext":
        return "safe" if next_ in ("Text", "VarChar") else "risky"
    return "unknown"


def _number_to_chars(prev: str, length: int | None, to_char: bool) -> str:
    """A number cast to VarChar/Char: risky when the length cannot hold every
    value's text (Prisma's width per number type), or to an unsized Char."""
    if length is not None:
        return "risky" if length < _CHARS[prev] else "safe"
    return "risky" if to_char else "safe"


def _display(column_type) -> str:
    """A type as Prisma's warnings name it: `VarChar(100)`, `Integer`."""
    name, args = _native(column_type)
    return name + (f"({','.join(str(a) for a in args)})" if args else "")


# --- the summary, as `prisma migrate diff` prints it without --script -------------


def summary(steps: list[Step]) -> str:
    """Prisma's `drift_summary` wording: added and removed enums and tables,
    then each changed enum and table (tables by name)."""
    if not steps:
        return "No difference detected.\n"
    sections: list[tuple[str, list[str]]] = []
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
    return "".join(
        f"\n{header}\n" + "".join(f"{line}\n" for line in lines) for header, lines in sections
    )


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
