"""The grammar and the AST, one construct at a time."""

from __future__ import annotations

import pytest

from generator.psl.nodes import (
    ArrayLit,
    Attribute,
    Config,
    Constant,
    Enum,
    EnumValue,
    Field,
    FunctionCall,
    Model,
    NumberLit,
    StringLit,
    TypeAlias,
    to_json,
)
from generator.psl.parser import parse_text


def only_block(text: str):
    (block,) = parse_text(text).blocks
    return block


def field_of(text: str) -> Field:
    model = only_block("model A {\n" + text + "\n}\n")
    (field,) = model.fields
    return field


def test_blocks_of_every_kind():
    schema = parse_text(
        'datasource db {\n  provider = "postgresql"\n}\n'
        'generator client {\n  provider = "prisma-client-js"\n}\n'
        "model M {\n  id Int @id\n}\n"
        "view V {\n  id Int @unique\n}\n"
        "type T {\n  x String\n}\n"
        "enum E {\n  A\n}\n"
    )
    kinds = [(type(b).__name__, b.keyword, b.name) for b in schema.blocks]
    assert kinds == [
        ("Config", "datasource", "db"),
        ("Config", "generator", "client"),
        ("Model", "model", "M"),
        ("Model", "view", "V"),
        ("Model", "type", "T"),
        ("Enum", "enum", "E"),
    ]
    assert [m.name for m in schema.models()] == ["M", "V"]  # composite types excluded


@pytest.mark.parametrize(
    "source, name, is_list, optional",
    [
        ("x String", "String", False, False),
        ("x String?", "String", False, True),
        ("x String[]", "String", True, False),
        ("x String[]?", "String", True, True),
    ],
)
def test_field_type_modifiers(source, name, is_list, optional):
    field = field_of(source)
    assert (field.type.name, field.type.list, field.type.optional) == (name, is_list, optional)


def test_unsupported_with_escaped_quotes():
    field = field_of(r'  location Unsupported("\"public\".geography")?')
    assert field.type.name == "Unsupported"
    assert field.type.optional
    assert field.type.unsupported.value == '"public".geography'
    assert field.type.unsupported.raw == r'"\"public\".geography"'


def test_legacy_type_forms_parse():
    assert field_of("  x [String]").type.legacy_list
    assert field_of("  x String!").type.legacy_required
    assert field_of("  x: String").legacy_colon


def test_field_without_type_parses():
    assert field_of("  val").type is None


def test_attribute_arguments_of_every_form():
    field = field_of(
        '  id String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid'
        ' @relation("name", fields: [a, b], references: [id], onDelete: Cascade, map: "fk")'
    )
    names = [a.name for a in field.attributes]
    assert names == ["id", "default", "db.Uuid", "relation"]
    default = field.attributes[1].arguments[0].value
    assert isinstance(default, FunctionCall) and default.name == "dbgenerated"
    assert default.arguments[0].value.value == "gen_random_uuid()"
    assert field.attributes[0].arguments is None
    relation = field.attributes[3]
    assert relation.argument("name", 0).value.value == "name"
    assert [i.name for i in relation.argument("fields").value.items] == ["a", "b"]
    assert relation.argument("onDelete").value == Constant("Cascade")
    assert relation.argument("map").value.value == "fk"


@pytest.mark.parametrize(
    "default, kind",
    [
        ("uuid(7)", FunctionCall),
        ("cuid(2)", FunctionCall),
        ("now()", FunctionCall),
        ("autoincrement()", FunctionCall),
        ("dbgenerated()", FunctionCall),
        ("-1", NumberLit),
        ("-1.5", NumberLit),
        ("[]", ArrayLit),
        ('["a", "b"]', ArrayLit),
        ("true", Constant),
        ('"text"', StringLit),
    ],
)
def test_default_values(default, kind):
    field = field_of(f"  x Int @default({default})")
    assert isinstance(field.attributes[0].arguments[0].value, kind)


def test_native_type_arguments():
    field = field_of("  x String @db.VarChar(255)")
    assert field.attributes[0].name == "db.VarChar"
    assert field.attributes[0].arguments[0].value == NumberLit("255")


def test_block_attributes_with_nested_arguments():
    model = only_block(
        "model A {\n  id Int @id\n  a String\n"
        '  @@index([a(sort: Desc, length: 10, ops: raw("gin_trgm_ops"))], type: Gin, map: "ix")\n'
        '  @@index(fields: [a], name: "n")\n'
        '  @@unique(fields: [id, a], name: "u")\n'
        '  @@id(name: "likeId", [id, a])\n'
        '  @@map("a")\n  @@schema("s")\n  @@ignore\n  @@fulltext([a])\n}\n'
    )
    attributes = model.block_attributes()
    assert [a.name for a in attributes] == [
        "index",
        "index",
        "unique",
        "id",
        "map",
        "schema",
        "ignore",
        "fulltext",
    ]
    first = attributes[0].arguments[0].value.items[0]
    assert isinstance(first, FunctionCall) and first.name == "a"
    assert [(a.name, type(a.value).__name__) for a in first.arguments] == [
        ("sort", "Constant"),
        ("length", "NumberLit"),
        ("ops", "FunctionCall"),
    ]
    assert attributes[3].arguments[0].name == "name"  # a named argument before a positional one
    assert attributes[6].arguments is None


def test_trailing_comma_and_empty_argument():
    field = field_of("  x Int @default(1,)")
    assert field.attributes[0].trailing_comma
    field = field_of("  x Int @relation(fields:)")
    assert field.attributes[0].arguments[0].name == "fields"
    assert field.attributes[0].arguments[0].value is None


def test_enum_values_with_map_and_block_attributes():
    enum = only_block(
        'enum Role {\n  USER @map("user")\n  ADMIN\n\n  @@map("roles")\n  @@schema("s")\n}\n'
    )
    assert isinstance(enum, Enum)
    assert [v.name for v in enum.values] == ["USER", "ADMIN"]
    assert enum.values[0].attributes[0].arguments[0].value.value == "user"
    assert [a.name for a in enum.block_attributes()] == ["map", "schema"]


def test_config_values():
    config = only_block(
        "generator client {\n"
        '  provider        = "prisma-client-js"\n'
        '  output          = "../x\\"y"\n'
        '  binaryTargets   = ["native", "debian-openssl-3.0.x"]\n'
        "  disableGitignore = true\n"
        "  count = 3\n"
        '  url = env("X")\n'
        '  extensions = [pgvector(map: "vector"), citext]\n'
        "}\n"
    )
    assert isinstance(config, Config)
    values = {p.key: p.value for p in config.members}
    assert values["output"].value == '../x"y'
    assert [i.value for i in values["binaryTargets"].items] == ["native", "debian-openssl-3.0.x"]
    assert values["disableGitignore"] == Constant("true")
    assert values["count"] == NumberLit("3")
    assert values["url"].name == "env"
    assert values["extensions"].items[0].arguments[0].name == "map"


@pytest.mark.parametrize("keyword", ["type", "model", "enum", "view", "datasource", "generator"])
def test_keywords_as_field_names_and_enum_values(keyword):
    model = only_block(f"model A {{\n  {keyword} String\n  {keyword}2 Int\n}}\n")
    assert [f.name for f in model.fields] == [keyword, f"{keyword}2"]
    enum = only_block(f"enum E {{\n  {keyword}\n}}\n")
    assert enum.values[0].name == keyword


def test_unicode_and_dashed_identifiers():
    model = only_block("model Café {\n  naïve String\n  some-name Int\n  1st Int\n}\n")
    assert [f.name for f in model.fields] == ["naïve", "some-name", "1st"]


def test_type_alias_form():
    alias = only_block("type MyId = String @id @default(cuid())\n")
    assert isinstance(alias, TypeAlias)
    assert alias.type.name == "String"


@pytest.mark.parametrize(
    "text",
    [
        "model A {\r\n  id Int @id\r\n}\r\n",
        "model A {\r  id Int @id\r}\r",
        "model A {\n\tid\tInt\t@id\n}",
        "model A {\n  id Int @id   \n}   ",
        "\ufeffmodel A {\n  id Int @id\n}\n",
        "model A {\n  id Int @id\n}\n\n\n",
        "\n\n  \nmodel A {\n\n\n  id Int @id\n\n}\n",
    ],
    ids=[
        "crlf",
        "cr",
        "tabs, no final newline",
        "trailing spaces",
        "bom",
        "blank lines after",
        "blank lines",
    ],
)
def test_line_endings_and_whitespace(text):
    model = only_block(text)
    assert model.fields[0].name == "id"
    assert model.fields[0].attributes[0].name == "id"


def test_spans_give_lines_and_columns():
    schema = parse_text("// c\nmodel A {\n  id   Int @id\n}\n", "s.prisma")
    model = schema.blocks[0]
    field = model.fields[0]
    assert (model.span.line, model.span.column) == (2, 1)
    assert (field.span.line, field.span.column, field.span.end_column) == (3, 3, 15)
    assert field.span.text == "id   Int @id"
    assert field.type.span.text == "Int"
    assert model.close_span.line == 4
    assert to_json(field)["span"] == {
        "file": "s.prisma",
        "line": 3,
        "column": 3,
        "end_line": 3,
        "end_column": 15,
        "start": 17,
        "end": 29,
    }


def test_comments_are_attached_to_their_nodes():
    schema = parse_text(
        "// file header\n\n"
        "/// The A model\n/* block */\n"
        "model A { // after the brace\n"
        "  /// the id\n"
        "  id Int @id // trailing\n"
        "  x  Bytes /// @zod.custom.use(z.instanceof(Uint8Array))\n"
        "  // above the attribute\n"
        '  @@map("a") /* trailing block */\n'
        "  // at the end of A\n"
        "} // after A\n"
        "// at the end of the file\n"
    )
    (model,) = schema.blocks
    assert [c.text for c in model.leading] == ["// file header", "/// The A model", "/* block */"]
    assert model.documentation == "The A model"
    assert [c.text for c in model.trailing] == ["// after the brace", "// after A"]
    id_field, x_field, attribute = model.members
    assert [c.text for c in id_field.leading] == ["/// the id"]
    assert [c.text for c in id_field.trailing] == ["// trailing"]
    assert [c.kind for c in x_field.trailing] == ["doc"]
    assert [c.text for c in attribute.leading] == ["// above the attribute"]
    assert [c.text for c in attribute.trailing] == ["/* trailing block */"]
    assert [c.text for c in model.dangling] == ["// at the end of A"]
    assert [c.text for c in schema.files[0].dangling] == ["// at the end of the file"]


def test_the_ast_shares_what_repeats_and_keeps_nothing_it_can_derive():
    # At 10,000 models a list per node for comments, a string per repeated
    # name and an int per span end were ~35 MB of a whole process's peak.
    schema = parse_text(
        "model A {\n  id Int @id @default(autoincrement())\n  name String @unique\n}\n"
        "model B {\n  id Int @id\n  name String @unique // a comment\n}\n"
    )
    a, b = schema.blocks
    assert a.fields[0].leading == () and a.leading == () and a.dangling == ()
    assert b.fields[1].trailing[0].text == "// a comment"
    with pytest.raises(AttributeError):
        b.fields[1].trailing.append(None)  # a tuple: no node can grow a shared empty one
    assert a.fields[1].type.name is b.fields[1].type.name  # "String", once
    assert a.fields[1].attributes[0].name is b.fields[1].attributes[0].name  # "unique", once
    span = a.fields[0].span
    assert (span.start, span.end, span.text) == (12, 48, "id Int @id @default(autoincrement())")
    with pytest.raises(AttributeError):
        span.start = 0


def test_block_comments_anywhere():
    model = only_block(
        "/* a\n   multi-line\n   comment */\nmodel A {\n"
        "  id /* here */ Int /* and here */ @id\n"
        "  /* before */ name String\n}\n"
    )
    assert [f.name for f in model.fields] == ["id", "name"]
    assert [c.text for c in model.fields[0].trailing] == ["/* here */", "/* and here */"]
    assert [c.text for c in model.fields[1].leading] == ["/* before */"]


def test_ast_equality_ignores_positions_but_not_comments():
    a = parse_text("model A {\n  id Int @id\n}\n")
    b = parse_text("\n\nmodel   A {\n    id    Int    @id\n}")
    c = parse_text("model A {\n  id Int @id // note\n}\n")
    assert a == b
    assert a != c


def test_semantic_members_are_typed():
    model = only_block('model A {\n  id Int @id\n  @@map("a")\n}\n')
    assert isinstance(model, Model)
    assert isinstance(model.members[0], Field)
    assert isinstance(model.members[1], Attribute)
    assert not isinstance(model.members[0], EnumValue)


def test_the_shipped_parser_tables_are_this_grammars():
    """generator/psl/psl_tables.py (the cold-start tables) is written from the
    grammar as it is: edit psl.lark, then run scripts/psl_tables.py."""
    import hashlib
    from importlib import resources

    import lark

    from generator.psl import psl_tables
    from generator.psl.parser import tables_source

    grammar = resources.files("generator.psl").joinpath("psl.lark").read_text(encoding="utf-8")
    assert (
        psl_tables.GRAMMAR_SHA256 == hashlib.sha256(grammar.encode()).hexdigest()
    ), "psl.lark changed: run scripts/psl_tables.py"
    if psl_tables.LARK_VERSION != lark.__version__:
        pytest.skip(f"tables written by lark {psl_tables.LARK_VERSION}, not {lark.__version__}")
    shipped = resources.files("generator.psl").joinpath("psl_tables.py").read_text("utf-8")
    assert tables_source(grammar) == shipped


def test_the_shipped_tables_parse_as_the_analysed_grammar(corpus, monkeypatch):
    """lark's parser loaded from the shipped tables and one analysed from the
    grammar give the same AST for every corpus schema."""
    import lark

    from generator.psl import driver, parser, psl_tables

    monkeypatch.setattr(driver.Driver, "parse", _lark_only)

    shipped = parser.get_parser()
    grammar = parser.grammar_text()
    if psl_tables.LARK_VERSION == lark.__version__:  # else both are analysed: nothing to compare
        assert parser._shipped_tables(grammar, {}) is not None
    analysed = lark.Lark(grammar, **parser._ANALYSIS, **_parse_time_options(shipped))
    files = sorted((corpus / "real").rglob("*.prisma")) + sorted(
        (corpus / "anythingllm").glob("*.prisma")
    )
    assert len(files) > 20
    try:
        for path in files:
            text = path.read_text(encoding="utf-8")
            parser._parser = shipped
            first = parse_text(text, str(path))
            parser._parser = analysed
            second = parse_text(text, str(path))
            assert first == second, path
    finally:
        parser._parser = shipped


def _lark_only(self, text):
    from generator.psl.driver import Fallback

    raise Fallback("lark's parser, for the comparison")


def _parse_time_options(parser_instance) -> dict:
    return {
        "transformer": parser_instance.options.transformer,
        "lexer_callbacks": parser_instance.options.lexer_callbacks,
    }


def test_the_fast_loop_parses_exactly_as_lark_does(corpus, monkeypatch):
    """generator/psl/driver.py against lark's own parser on every corpus and
    PSL-fixture file (valid and invalid): the same AST, comments included,
    every node's span too (AST equality leaves spans out), or the same located
    error (the loop hands every error to lark)."""
    from generator.errors import PslError
    from generator.psl import driver, parser
    from generator.psl.nodes import to_json

    files = sorted(p for p in corpus.rglob("*.prisma") if p.is_file())
    assert len(files) > 300

    def outcome(text: str, path: str):
        try:
            return to_json(parse_text(text, path))
        except PslError as error:
            return ("error", str(error))

    fast = [outcome(p.read_text(encoding="utf-8", errors="replace"), str(p)) for p in files]
    errors = sum(1 for result in fast if isinstance(result, tuple))
    assert 0 < errors < len(files)

    # The loop itself finishes a valid schema (it is not lark all along).
    valid = next(p for p, r in zip(files, fast, strict=True) if not isinstance(r, tuple))
    assert parser._driver().parse(valid.read_text(encoding="utf-8"))

    monkeypatch.setattr(driver.Driver, "parse", _lark_only)
    for path, result in zip(files, fast, strict=True):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert outcome(text, str(path)) == result, path


def test_a_cold_check_of_a_valid_schema_never_imports_lark(tmp_path):
    """The driver runs on the shipped tables alone: lark (a third of a cold
    start) is imported only to report a syntax error."""
    import subprocess
    import sys

    valid = tmp_path / "schema.prisma"
    valid.write_text('datasource db {\n  provider = "postgresql"\n  url = env("D")\n}\n')
    broken = tmp_path / "broken.prisma"
    broken.write_text("model {\n")
    imported = []
    for path in (valid, broken):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "generator", "parse", str(path)],
            capture_output=True,
            text=True,
        )
        imported.append({line.split("|")[-1].strip() for line in result.stderr.splitlines()})
    assert "generator.psl.driver" in imported[0] and "lark" not in imported[0]
    assert "lark" in imported[1]


def test_what_a_pause_of_the_collector_made_is_not_left_young():
    """After gc_paused, the objects it made are in the oldest generation:
    left in the young one, far past its threshold, the first allocation after
    the pause would make the collector scan them all (12 ms after a
    1,000-model parse), and again as they age."""
    import gc

    from generator.psl.parser import gc_paused

    gc.collect()  # generation counts at zero: the next young pass cannot be an older one
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        made = [[] for _ in range(20000)]
    assert gc.isenabled()
    [[] for _ in range(2000)]  # allocations past the young threshold
    assert any(o is made for o in gc.get_objects(generation=2))


def test_a_span_is_an_immutable_value_that_equals_only_spans():
    """A span is a value: equal to an equal span only (never to a tuple of
    its parts), hashable, immutable, and copied or pickled with its end."""
    import copy
    import pickle

    from generator.psl.source import SourceFile, Span

    source = SourceFile("a.prisma", "model A {\n}\n")
    span = Span(source, 6, 7)
    assert (span.start, span.end, span.length, span.text) == (6, 7, 1, "A")
    assert span == Span(source, 6, 7) and span != Span(source, 6, 8)
    assert span != (source, 6, 1) and (source, 6, 1) != span
    assert {span: 1}[Span(source, 6, 7)] == 1
    with pytest.raises(AttributeError):
        span.start = 0  # type: ignore[misc]
    assert copy.deepcopy(span).end == 7
    loaded = pickle.loads(pickle.dumps(span))
    assert (loaded.start, loaded.end, loaded.source.path) == (6, 7, "a.prisma")


@pytest.mark.parametrize(
    "opening, closing", [("[", "]"), ("f(", ")"), ("f([", "])")], ids=["arrays", "calls", "both"]
)
def test_pathological_nesting_is_a_located_error(opening, closing):
    """Arrays and function calls nested thousands deep end as a located syntax
    error, not as a RecursionError (exit 123) where the AST is walked later."""
    from generator.errors import PslError

    def schema(depth: int) -> str:
        return f"model A {{\n  id Int @id @default({opening * depth}{closing * depth})\n}}\n"

    parse_text(schema(10))  # nesting PSL never needs, still within the limit
    with pytest.raises(PslError) as raised:
        parse_text(schema(3000))
    (diagnostic,) = raised.value.diagnostics
    assert diagnostic.message == "arrays and function calls nested more than 32 deep"
    assert diagnostic.source.line_col(diagnostic.offset)[0] == 2
