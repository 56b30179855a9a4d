"""Our migration SQL against Prisma's own migration engine.

The reference is @prisma/schema-engine-wasm's diff from an empty database to
the rewritten schema (`prisma migrate diff --from-empty --to-schema --script`),
computed at test time through the Node harness: no expected SQL is written by
hand here."""

from __future__ import annotations

import difflib

import pytest
from conftest import corpus_units, unit_id
from corpus_helpers import rewrite_unit

from generator.errors import PslError
from generator.psl.parser import parse_sources, parse_text
from generator.psl.source import SourceFile
from generator.sql.render import schema_sql

UNITS = corpus_units()


def normalised(script: str) -> str:
    return "\n".join(line.rstrip() for line in script.rstrip().splitlines())


def assert_same_sql(prisma, files: list[tuple[str, str]], default_schema: str) -> None:
    reference = prisma.diff_from_empty(files, default_schema)
    ours = schema_sql(parse_sources([SourceFile(n, t) for n, t in files]), default_schema)
    if normalised(ours) != normalised(reference):
        diff = "".join(
            difflib.unified_diff(
                reference.splitlines(True), ours.splitlines(True), "prisma", "ours", n=2
            )
        )
        pytest.fail("our SQL differs from Prisma's:\n" + diff[:6000])
    assert ours == reference  # byte for byte, not only after normalising


@pytest.mark.corpus
@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_corpus_sql_matches_prisma(corpus, prisma, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None or rewritten.provider == "cockroachdb":
        pytest.skip("SQL is generated for PostgreSQL (mysql/mongodb/cockroachdb are not)")
    files = prisma.validate_for_prisma_7(rewritten.files())
    assert_same_sql(prisma, files, "anythingllm")


DATASOURCE = (
    'datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm", "public"]\n}\n\n'
)

# One schema per rule of the SQL issue; each is validated by Prisma before comparing.
CASES = {
    "scalar types and nullability": """
model T {
  id  Int      @id
  s   String
  o   String?
  b   Boolean
  i   Int
  bi  BigInt
  f   Float
  d   Decimal
  dt  DateTime
  j   Json
  by  Bytes
  l   String[]
  li  Int[]
  @@schema("anythingllm")
}""",
    "serial kinds": """
model A {
  id Int @id @default(autoincrement())
  @@schema("anythingllm")
}
model B {
  id BigInt @id @default(autoincrement())
  @@schema("anythingllm")
}
model C {
  id Int @id @default(autoincrement()) @db.SmallInt
  @@schema("anythingllm")
}""",
    "native types": """
model N {
  id   String   @id @db.Uuid
  a    String   @db.VarChar(255)
  a2   String   @db.VarChar
  b    String   @db.Char(2)
  c    String   @db.Text
  d    Decimal  @db.Decimal(10, 4)
  e    Float    @db.Real
  f    Float    @db.DoublePrecision
  g    DateTime @db.Timestamptz(6)
  h    DateTime @db.Timestamp(0)
  h2   DateTime @db.Timestamp
  i    DateTime @db.Date
  k    DateTime @db.Time(3)
  k2   DateTime @db.Timetz(3)
  l    Json     @db.Json
  m    Bytes    @db.ByteA
  n    String   @db.Inet
  o    String   @db.Xml
  p    String   @db.Bit(3)
  q    String   @db.VarBit(4)
  r    Int      @db.SmallInt
  s    Int      @db.Oid
  t    Decimal  @db.Money
  u    String   @db.Citext
  @@schema("anythingllm")
}""",
    "defaults": """
model D {
  id    String   @id @default(uuid())
  c     String   @default(cuid())
  n     String   @default(nanoid())
  s     String   @default("it's")
  e     String   @default("")
  i     Int      @default(-1)
  bi    BigInt   @default(9007199254740993)
  f     Float    @default(1.50)
  dec   Decimal  @default(2.00)
  decs  Decimal  @default("3.25")
  b     Boolean  @default(true)
  now   DateTime @default(now())
  at    DateTime @default("2020-01-02T03:04:05.123Z")
  upd   DateTime @updatedAt
  j     Json     @default("{\\"a\\": [1, \\"x\\"]}")
  by    Bytes    @default("aGVsbG8=")
  ls    String[] @default(["a", "b'c"])
  le    Int[]    @default([])
  g     String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  r     Role     @default(ADMIN)
  rs    Role[]   @default([USER, ADMIN])
  @@schema("anythingllm")
}
enum Role {
  USER
  ADMIN @map("admin")
  @@map("roles")
  @@schema("anythingllm")
}""",
    "indexes: order, sort, types, ops, names": """
model I {
  id   Int    @id
  a    String @unique
  b    Int    @unique(map: "custom_b")
  c    Int
  d    Json
  e    String
  g    String @db.Inet
  h    Int
  @@unique([c, b])
  @@index([c(sort: Desc), a])
  @@index([d(ops: JsonbPathOps)], type: Gin)
  @@index([e(ops: raw("gin_trgm_ops"))], type: Gin, map: "trgm")
  @@index([c], type: Hash, map: "hash_c")
  @@index([c], type: Brin, name: "legacy_name")
  @@index([g(ops: InetOps)], type: Gist)
  @@index([e], type: SpGist, map: "spgist_e")
  @@index(h)
  @@unique([a, e], map: "ae")
  @@schema("anythingllm")
}""",
    "composite primary key with names": """
model P {
  a Int
  b Int
  @@id([a, b], map: "custom_pk")
  @@schema("anythingllm")
}
model Q {
  a Int @id(map: "q_id")
  @@schema("anythingllm")
}
model R {
  a Int
  b String
  @@id(name: "ab", [b, a])
  @@map("r_table")
  @@schema("anythingllm")
}""",
    "long names are truncated the way Prisma truncates them": """
model Averyveryveryveryveryverylongmodelnamethatgoesonandonxxxxxxx {
  id                                          Int @id
  anotherverylongcolumnnamethatisreallylong   Int @unique
  yetanotherverylongcolumnnamethatisreallylongx Int
  parentId Int?
  parent   Averyveryveryveryveryverylongmodelnamethatgoesonandonxxxxxxx? @relation("tree", fields: [parentId], references: [id])
  children Averyveryveryveryveryverylongmodelnamethatgoesonandonxxxxxxx[] @relation("tree")
  @@index([anotherverylongcolumnnamethatisreallylong, yetanotherverylongcolumnnamethatisreallylongx])
  @@schema("anythingllm")
}""",
    "relations and referential actions": """
model User {
  id       Int       @id
  posts    Post[]
  profile  Profile?
  comments Comment[]
  @@schema("anythingllm")
}
model Profile {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
  @@schema("anythingllm")
}
model Post {
  id       Int       @id
  authorId Int?
  editorId Int
  author   User?     @relation(fields: [authorId], references: [id])
  editor   Editor    @relation(fields: [editorId], references: [id], onDelete: Cascade, onUpdate: NoAction, map: "post_editor")
  comments Comment[]
  @@schema("anythingllm")
}
model Editor {
  id    Int    @id
  posts Post[]
  @@schema("anythingllm")
}
model Comment {
  id     Int  @id
  postId Int
  userId Int
  post   Post @relation(fields: [postId], references: [id], onDelete: Restrict, onUpdate: Restrict)
  user   User @relation(fields: [userId], references: [id], onDelete: SetDefault, onUpdate: SetNull)
  @@schema("anythingllm")
}""",
    "implicit many-to-many: named, self and uuid keys": """
model Tag {
  id    String @id @default(uuid()) @db.Uuid
  posts Post[]
  users User[] @relation("favourites")
  @@schema("anythingllm")
}
model Post {
  id   Int   @id @default(autoincrement())
  tags Tag[]
  @@schema("anythingllm")
}
model User {
  id        Int    @id
  favourite Tag[]  @relation("favourites")
  followers User[] @relation("follows")
  following User[] @relation("follows")
  @@schema("anythingllm")
}""",
    "objects kept in public are qualified": """
model App {
  id     Int    @id
  status Status
  @@schema("anythingllm")
}
model Legacy {
  id    Int @id
  appId Int
  app   Other @relation(fields: [appId], references: [id])
  @@schema("public")
}
model Other {
  id      Int      @id
  legacy  Legacy[]
  @@schema("anythingllm")
}
enum Status {
  ON
  OFF
  @@schema("public")
}""",
    "unsupported types, ignored models and fields, views": """
model G {
  id   Int                                  @id
  geo  Unsupported("\\"public\\".geography")?
  vec  Unsupported("vector(3)")?           @default(dbgenerated("'[1,2,3]'::vector"))
  skip Int?                                 @ignore
  @@schema("anythingllm")
}
model Ignored {
  id Int @id
  @@ignore
  @@schema("anythingllm")
}
view V {
  id Int @unique
  @@schema("anythingllm")
}""",
    "default ON DELETE follows the relation's scalar fields": """
model Author {
  id    Int    @id
  key   Int
  a     Post[] @relation("a")
  b     Post[] @relation("b")
  c     Post[] @relation("c")
  @@unique([id, key])
  @@schema("anythingllm")
}

model Post {
  id       Int     @id
  aId      Int
  a        Author? @relation("a", fields: [aId], references: [id])
  bId      Int
  bKey     Int?
  b        Author? @relation("b", fields: [bId, bKey], references: [id, key])
  cId      Int?
  c        Author? @relation("c", fields: [cId], references: [id])
  @@schema("anythingllm")
}""",
    "keyword-like names and quoting": """
model select {
  id    Int    @id
  type  String
  model String @map("order")
  enum  String @map("white space")
  @@map("user")
  @@schema("anythingllm")
}""",
}


@pytest.mark.parametrize("body", CASES.values(), ids=CASES.keys())
@pytest.mark.parametrize("default_schema", ["anythingllm", "public"])
def test_focused_case_matches_prisma(prisma, body, default_schema):
    generator = 'generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["views"]\n}\n\n'
    files = [("schema.prisma", generator + DATASOURCE + body.strip() + "\n")]
    prisma.validate(files)
    assert_same_sql(prisma, files, default_schema)


def test_relation_mode_prisma_has_no_foreign_keys(prisma):
    text = (
        'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\n'
        "model A {\n  id Int @id\n  bs B[]\n}\n\n"
        "model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n\n  @@index([aId])\n}\n"
    )
    prisma.validate([("s.prisma", text)])
    assert_same_sql(prisma, [("s.prisma", text)], "public")
    assert "FOREIGN KEY" not in schema_sql(parse_text(text), "public")


def test_a_table_name_over_63_bytes_is_an_error():
    name = "T" + "x" * 63
    text = f'datasource db {{\n  provider = "postgresql"\n}}\n\nmodel A {{\n  id Int @id\n\n  @@map("{name}")\n}}\n'
    with pytest.raises(PslError) as error:
        schema_sql(parse_text(text), "public")
    assert "PostgreSQL would silently truncate it" in str(error.value)
    assert str(error.value).startswith("schema.prisma:5:7: error: the table name")


def test_identifiers_with_double_quotes_are_refused():
    # Prisma's migration engine writes such names unescaped, i.e. invalid SQL;
    # we refuse them instead of diverging from Prisma or emitting broken SQL.
    text = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id @map("a\\"b")\n}\n'
    with pytest.raises(PslError, match="double quote"):
        schema_sql(parse_text(text), "public")
