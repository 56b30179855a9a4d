"""Syntax errors: our parser must reject what Prisma rejects for syntax, at
the line Prisma names, in the compiler format with the line and a caret."""

from __future__ import annotations

import re

import pytest

from generator.errors import PslError
from generator.psl.parser import parse_text

# Malformed schemas; Prisma's validator (through the harness) is asked about
# each one in the test itself, so the expected line is never written by hand.
CASES = {
    "garbage in a field line": "model A {\n  id Int @id\n  foo bar baz\n}\n",
    "unclosed argument list": "model A {\n  id Int @id @default(\n}\n",
    "one-line block": "model A { id Int @id }\n",
    "missing closing brace": "model A {\n  id Int @id\n",
    "missing closing brace, later block": "enum E {\n  A\n}\nmodel A {\n  id Int @id\n  b Int\n",
    "top-level garbage": "model A {\n  id Int @id\n}\nfoo bar\n",
    "enum value with garbage": "enum E {\n  A\n  B C\n}\n",
    "config line without =": 'generator g {\n  provider "x"\n}\n',
    "unterminated string": 'generator g {\n  provider = "x\n}\n',
    "unterminated block comment": "model A {\n  id Int @id\n}\n/* never closed\n",
    "block attribute on a field line": "model A {\n  id Int @@id\n}\n",
    "attribute without a name": "model A {\n  id Int @\n}\n",
    "unclosed array": "model A {\n  id Int @id\n  @@index([id\n}\n",
    "line starting with =": "model A {\n  id Int @id\n  = 5\n}\n",
    "block without a keyword": "foo A {\n  id Int\n}\n",
    "config value missing": 'generator g {\n  provider = "x"\n  output =\n}\n',
    "control character in a string": 'generator g {\n  provider = "a\tb"\n}\n',
}


def _prisma_lines(message: str) -> list[set[int]]:
    """For each error in Prisma's message, the lines its snippet shows."""
    found = []
    for block in re.split(r"\n(?=error: )", message):
        match = re.search(r"-->\s+\S+?:(\d+)", block)
        if not match:
            continue
        lines = {int(n) for n in re.findall(r"^\s*(\d+) \|", block, re.M)} or {int(match.group(1))}
        found.append(lines | {int(match.group(1))})
    return found


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_rejected_where_prisma_rejects(prisma, text):
    from prisma_harness import PrismaError

    with pytest.raises(PrismaError) as prisma_error:
        prisma.validate([("schema.prisma", text)])
    import json

    message = json.loads(str(prisma_error.value))["message"]
    prisma_lines = _prisma_lines(message)
    assert prisma_lines, message
    with pytest.raises(PslError) as ours:
        parse_text(text)
    (diagnostic,) = ours.value.diagnostics
    line, _ = diagnostic.source.line_col(diagnostic.offset)
    # Prisma's first error is the syntax one; our single error is on one of
    # the lines its snippet shows (for one-line snippets: that very line).
    assert line in prisma_lines[0], (diagnostic.render(), message)


def test_error_format_has_location_line_and_caret():
    with pytest.raises(PslError) as error:
        parse_text("model A {\n  id Int @id\n  name String @default(\n}\n", "app/schema.prisma")
    assert str(error.value) == (
        "app/schema.prisma:3:24: error: unexpected newline, expected one of "
        '")", ",", "[", argument name, identifier, number, string\n'
        "  name String @default(\n"
        "                       ^"
    )


def test_caret_lines_up_under_tabs():
    with pytest.raises(PslError) as error:
        parse_text("model A {\n\tid\tInt\t@id\tjunk\n}\n")
    rendered = str(error.value).splitlines()
    assert rendered[0].startswith("schema.prisma:2:13: error: unexpected")
    assert rendered[1] == "\tid\tInt\t@id\tjunk"
    assert rendered[2] == "\t  \t   \t   \t^"


def test_unclosed_block_points_at_its_opening_line():
    with pytest.raises(PslError) as error:
        parse_text("enum E {\n  A\n}\n\nmodel A {\n  id Int @id\n")
    assert str(error.value).startswith(
        'schema.prisma:5:1: error: this block is never closed: no "}" before the end of the file'
    )


def test_multi_file_errors_name_the_right_file(tmp_path):
    from generator.psl.parser import parse_path

    (tmp_path / "models").mkdir()
    (tmp_path / "schema.prisma").write_text('datasource db {\n  provider = "postgresql"\n}\n')
    (tmp_path / "models" / "a.prisma").write_text("model A {\n  id Int @id\n}\n")
    (tmp_path / "models" / "b.prisma").write_text("model B {\n  id Int @id\n  oops oops oops\n}\n")
    with pytest.raises(PslError) as error:
        parse_path(tmp_path)
    (diagnostic,) = error.value.diagnostics
    assert diagnostic.render().startswith(f"{tmp_path / 'models' / 'b.prisma'}:3:13: error:")


def test_invalid_utf8_is_a_located_error(tmp_path):
    from generator.psl.parser import parse_path

    path = tmp_path / "schema.prisma"
    path.write_bytes(b"model A {\n  id Int @id // caf\xe9\n}\n")
    with pytest.raises(PslError) as error:
        parse_path(path)
    assert str(error.value).startswith(f"{path}:2:20: error: the file is not valid UTF-8")
