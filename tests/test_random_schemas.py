"""Random schemas against Prisma's engine: the schemas nobody wrote yet.

Each schema mixes what real ones hold: every scalar type with its native
types and defaults, lists and their defaults, enums with @map and @@map,
@map/@@map, @unique, @@unique, @@index (sort, type, map), and relations of
every kind (one-to-many, one-to-one, self, implicit many-to-many) with
referential actions.  For each, Prisma's validator and ours agree on whether
it is a schema at all, and where both take it, our migration SQL is Prisma's
byte for byte.  Seeded: the same schemas every run.  This comparison found
indexes on Xml fields and colliding constraint names, which we used to turn
into SQL where Prisma refuses the schema.
"""

from __future__ import annotations

import difflib
import random

import pytest
from prisma_harness import PrismaError

from generator.errors import PslError
from generator.psl.checks import check
from generator.psl.parser import parse_text
from generator.sql.render import schema_sql

pytestmark = pytest.mark.prisma

NATIVE = {
    "String": ["", "@db.Text", "@db.VarChar(255)", "@db.Char(3)", "@db.Uuid", "@db.Xml"]
    + ["@db.Inet", "@db.Bit(4)", "@db.VarBit(8)", "@db.VarChar"],
    "Int": ["", "@db.SmallInt", "@db.Integer", "@db.Oid"],
    "BigInt": ["", "@db.BigInt"],
    "Float": ["", "@db.Real", "@db.DoublePrecision"],
    "Decimal": ["", "@db.Decimal(10, 2)", "@db.Money", "@db.Decimal"],
    "DateTime": ["", "@db.Timestamp(3)", "@db.Timestamptz(6)", "@db.Date", "@db.Time(2)"]
    + ["@db.Timetz", "@db.Timestamp"],
    "Boolean": ["", "@db.Boolean"],
    "Json": ["", "@db.Json", "@db.JsonB"],
    "Bytes": ["", "@db.ByteA"],
}
DEFAULTS = {
    "String": ['"x"', '""', "uuid()", "cuid()", 'dbgenerated("gen_random_uuid()")', '"a\\"b"'],
    "Int": ["0", "-5", 'dbgenerated("1+1")'],
    "BigInt": ["0", "9007199254740993"],
    "Float": ["1.5", "0", "-0.25"],
    "Decimal": ["1.50", "0"],
    "DateTime": ["now()", '"2024-01-02T03:04:05.678Z"', '"2024-01-02T03:04:05+02:00"'],
    "Boolean": ["true", "false"],
    "Json": ['"{}"', '"[1, 2]"', '"{\\"a\\": 1}"'],
    "Bytes": ['"aGVsbG8="'],
    "Color": ["RED"],
}
LIST_DEFAULTS = {
    "String": '["a", "b"]',
    "Int": "[1, 2]",
    "Boolean": "[]",
    "Float": "[1.5]",
    "Color": "[RED, BLUE]",
}
ACTIONS = ["", ", onDelete: Cascade", ", onDelete: SetNull", ", onUpdate: NoAction"]


def random_schema(rng: random.Random) -> str:
    parts = ['datasource db {\n  provider = "postgresql"\n}\n']
    kinds = list(NATIVE)
    if rng.random() < 0.5:
        mapped = '  @@map("colors")\n' if rng.random() < 0.3 else ""
        parts.append(f'enum Color {{\n  RED\n  GREEN @map("green")\n  BLUE\n{mapped}}}\n')
        kinds.append("Color")
    names = [f"M{i}" for i in range(rng.randint(1, 4))]
    key_type = {m: rng.choice(["Int", "String", "BigInt"]) for m in names}
    bodies: dict[str, list[str]] = {}
    back: dict[str, list[str]] = {}
    for m in names:
        generated = {"Int": " @default(autoincrement())", "String": " @default(uuid())"}
        lines = [f"  id {key_type[m]} @id{generated.get(key_type[m], '') * (rng.random() < 0.7)}"]
        indexable = []
        for j in range(rng.randint(1, 6)):
            kind = rng.choice(kinds)
            modifier = rng.choice(["", "?", "[]"]) if kind != "Json" else rng.choice(["", "?"])
            native = rng.choice(NATIVE.get(kind, [""]))
            default = ""
            if modifier == "[]" and kind in LIST_DEFAULTS and rng.random() < 0.3:
                default = f"@default({LIST_DEFAULTS[kind]})"
            elif kind == "DateTime" and modifier != "[]" and rng.random() < 0.2:
                default = "@updatedAt"
            elif modifier != "[]" and rng.random() < 0.4:
                default = f"@default({rng.choice(DEFAULTS[kind])})"
            mapped = f' @map("c_{j}")' if rng.random() < 0.2 else ""
            unique = (
                " @unique" if modifier != "[]" and kind != "Json" and rng.random() < 0.15 else ""
            )
            lines.append(f"  f{j} {kind}{modifier} {native} {default}{mapped}{unique}".rstrip())
            if modifier != "[]" and kind != "Json":
                indexable.append(f"f{j}")
        for k, other in enumerate(names[: names.index(m) + 1]):
            if rng.random() >= 0.5:
                continue
            relation = "self" if other == m else rng.choice(["many", "one", "implicit"])
            if relation == "implicit":
                lines.append(f'  r{k} {other}[] @relation("imp_{m}_{other}")')
                back.setdefault(other, []).append(f'  b_{m}_{k} {m}[] @relation("imp_{m}_{other}")')
                continue
            action = rng.choice(ACTIONS)
            optional = "?" if "SetNull" in action or rng.random() < 0.5 else ""
            unique = " @unique" if relation == "one" else ""
            name = f"rel_{m}_{k}"
            lines.append(f"  r{k}Id {key_type[other]}{optional}{unique}")
            lines.append(
                f'  r{k} {other}{optional} @relation("{name}", fields: [r{k}Id], '
                f"references: [id]{action})"
            )
            reverse = f'  b_{m}_{k} {m}{"?" if relation == "one" else "[]"} @relation("{name}")'
            (lines if other == m else back.setdefault(other, [])).append(reverse)
        if indexable and rng.random() < 0.5:
            fields = rng.sample(indexable, k=min(len(indexable), rng.randint(1, 2)))
            fields = [f + ("(sort: Desc)" if rng.random() < 0.3 else "") for f in fields]
            options = f', map: "ix_{m}"' if rng.random() < 0.3 else ""
            if len(fields) == 1 and "sort" not in fields[0]:
                options += rng.choice(["", "", ", type: Hash", ", type: BTree"])
            lines.append(f"  @@index([{', '.join(fields)}]{options})")
        if indexable and rng.random() < 0.3:
            lines.append(
                f"  @@unique([{', '.join(rng.sample(indexable, k=min(len(indexable), 2)))}])"
            )
        if rng.random() < 0.3:
            lines.append(f'  @@map("t_{m.lower()}")')
        bodies[m] = lines
    for m in names:
        parts.append("\n".join([f"model {m} {{", *bodies[m], *back.get(m, []), "}"]) + "\n")
    return "\n".join(parts)


def our_sql(text: str) -> str:
    """Our migration for the schema, in `public`: the rewrite's checks, then
    the SQL model's (which has its own refusals)."""
    schema = parse_text(text)
    check(schema)
    return schema_sql(schema, "public")


@pytest.mark.parametrize("seed", range(16))
def test_random_schemas_are_judged_as_prisma_judges_them(prisma, seed):
    rng = random.Random(seed)
    for _ in range(25):
        text = random_schema(rng)
        files = [("schema.prisma", text)]
        try:
            prisma.validate(files)
            theirs = prisma.diff_from_empty(files, "public")
        except PrismaError as error:
            theirs = None
            refusal = str(error)
        try:
            ours = our_sql(text)
        except PslError as error:
            assert theirs is None, f"we refuse what Prisma takes:\n{text}\n{error}"
            continue
        assert theirs is not None, f"we take what Prisma refuses:\n{text}\n{refusal[:600]}"
        if ours != theirs:
            diff = "".join(difflib.unified_diff(theirs.splitlines(True), ours.splitlines(True)))
            pytest.fail(f"our SQL differs from Prisma's:\n{text}\n{diff}")
