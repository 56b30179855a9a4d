"""Prisma's own PSL fixtures (../shared/corpus/psl-tests).

validation/: each file carries Prisma's expected diagnostics as trailing
comments.  Cases whose errors are semantic must parse; cases Prisma rejects
for syntax must fail, at a line Prisma's diagnostic shows.
reformatter/: every input and expected output parses (except the one whose
point is a line Prisma's grammar swallows as a catch-all).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS

from generator.errors import PslError
from generator.psl.parser import parse_path

ANSI = re.compile(r"\x1b\[[0-9;]*m")
VALIDATION = (
    sorted((CORPUS / "psl-tests" / "validation").rglob("*.prisma")) if CORPUS.is_dir() else []
)
REFORMATTER = (
    sorted((CORPUS / "psl-tests" / "reformatter").rglob("*.prisma")) if CORPUS.is_dir() else []
)
EXTRA = sorted((CORPUS / "psl-tests" / "extra").rglob("*.prisma")) if CORPUS.is_dir() else []

# Messages Prisma gives for lines its grammar cannot read (its catch-all rules
# and the empty key/value of its grammar): these are syntax errors to us.  A
# field without a type ("This field declaration is invalid") parses in Prisma's
# grammar and in ours; the semantic check reports it.
SYNTAX_MESSAGES = re.compile(
    r"This line is not a valid|This line is invalid|needs to be assigned a value|"
    r"This line is not an enum value definition"
)

pytestmark = pytest.mark.corpus


def expected_errors(path: Path) -> list[tuple[str, set[int]]]:
    """Prisma's expected errors in a fixture: (message, lines its snippet shows)."""
    text = ANSI.sub("", path.read_text(encoding="utf-8"))
    comment = "\n".join(line[3:] for line in text.splitlines() if line.startswith("// "))
    found = []
    for block in re.split(r"\n(?=error: |warning: )", comment):
        if not block.startswith("error: "):
            continue
        location = re.search(r"-->\s+\S+?:(\d+)", block)
        lines = {int(n) for n in re.findall(r"^\s*(\d+) \|", block, re.M)}
        if location:
            lines.add(int(location.group(1)))
        found.append((block.splitlines()[0][len("error: ") :], lines))
    return found


def _id(path: Path) -> str:
    return str(path.relative_to(CORPUS / "psl-tests"))


@pytest.mark.parametrize("path", VALIDATION, ids=_id)
def test_validation_fixture(corpus, path):
    errors = expected_errors(path)
    syntax = [lines for message, lines in errors if SYNTAX_MESSAGES.search(message)]
    if not syntax:
        parse_path(path)
        return
    with pytest.raises(PslError) as error:
        parse_path(path)
    diagnostic = error.value.diagnostics[0]
    line, _ = diagnostic.source.line_col(diagnostic.offset)
    assert line in syntax[0], diagnostic.render()


@pytest.mark.parametrize("path", REFORMATTER + EXTRA, ids=_id)
def test_reformatter_and_extra_fixtures_parse(corpus, path):
    if path.name.startswith("catch_all_in_a_block"):
        # Its line "this is an invalid line" is kept by Prisma's catch-all
        # rule and reported by its validator; for us it is a syntax error.
        with pytest.raises(PslError):
            parse_path(path)
        return
    parse_path(path)


def test_fixture_counts(corpus):
    # The corpus README's figures: 173 validation cases, 28 reformatter files.
    assert len(VALIDATION) == 173
    assert len(REFORMATTER) == 28
    syntax_cases = [
        p for p in VALIDATION if any(SYNTAX_MESSAGES.search(m) for m, _ in expected_errors(p))
    ]
    assert [p.name for p in syntax_cases] == ["missing_property_value.prisma"]
