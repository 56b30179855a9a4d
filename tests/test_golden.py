"""The golden cases of tests/data (see tests/golden.py), two ways:

- in-process, without Node: what we produce equals what the file says;
- against Prisma's engines: re-recording a case gives the file back byte for
  byte, so no golden can rot (`./dev record` rewrites them)."""

from __future__ import annotations

import difflib
import re

import golden
import pytest
from record import record

CASES = [c for kind in ("sql", "rewrite", "errors") for c in golden.cases(kind)]


def test_there_are_golden_cases_of_every_kind():
    kinds = {c.kind for c in CASES}
    assert kinds == {"sql", "rewrite", "errors"}, kinds
    assert all(c.sections for c in CASES), [c.name for c in CASES if not c.sections]


def _same(expected: str, actual: str, label: str) -> None:
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), "golden", label, n=2
            )
        )
        pytest.fail(diff[:6000] or f"{label}: differs in bytes only")


SECTIONS = [(c, marker) for c in CASES for marker in c.sections]


@pytest.mark.parametrize(
    "case, marker", SECTIONS, ids=[f"{c.kind}/{c.name}:{m}" for c, m in SECTIONS]
)
def test_we_produce_what_the_golden_says(case, marker):
    expected = case.sections[marker]
    if case.kind == "sql":
        _same(expected, golden.our_sql(case.schema, marker.split("=", 1)[1]), "ours")
    elif case.kind == "rewrite":
        _same(expected, golden.our_rewrite(case), "ours")
    else:
        ours = golden.our_error(case.schema)
        _same(expected, ours, "ours")
        # Prisma's refusal names this line; ours must name it too.
        prisma_line = int(marker.rsplit(" ", 1)[1])
        our_line = re.search(r"schema\.prisma:(\d+):", ours)
        assert prisma_line == 0 or (our_line and int(our_line.group(1)) == prisma_line), ours


@pytest.mark.prisma
def test_the_goldens_are_what_prisma_says(prisma):
    """One pass over every case through Prisma's engines."""
    stale = [c.path.name for c in CASES if record(c, prisma).render() != c.path.read_text()]
    assert not stale, f"run ./dev record: these differ from what Prisma says: {stale}"
