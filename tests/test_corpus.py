"""Every real schema of ../shared/corpus: parsed, rewritten, and judged by
Prisma's own validator and formatter."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_units, unit_id
from corpus_helpers import rewrite_unit

from generator.errors import PslError
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.isolation.versions import PrismaVersion
from generator.psl.parser import parse_path, parse_sources
from generator.psl.source import SourceFile

UNITS = corpus_units()
pytestmark = pytest.mark.corpus


def test_corpus_is_complete(corpus):
    # 19 real projects (15 files + 4 folders) and AnythingLLM's 8 schemas.
    assert len(UNITS) == 27, [u.name for u in UNITS]


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_parses(corpus, unit):
    schema = parse_path(unit)
    assert schema.blocks, "parsed to nothing"
    # Every block and member has a span inside its own file's text.
    for schema_file in schema.files:
        text = schema_file.source.text
        for block in schema_file.blocks:
            assert text[block.span.start : block.span.end].split()[0] in (
                "model",
                "view",
                "type",
                "enum",
                "datasource",
                "generator",
            )
            for member in getattr(block, "members", []):
                name = getattr(member, "name", None) or getattr(member, "key", None)
                assert member.span.text.lstrip("@").startswith(name)


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_rewrite_is_valid_for_prisma(corpus, prisma, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None:
        # mysql and mongodb have no schemas: refused, naming the way out.
        with pytest.raises(PslError, match="no multi-schema support.*--provider postgresql"):
            isolate(parse_path(unit), RewriteOptions())
        return
    files = prisma.validate_for_prisma_7(rewritten.files())
    messages = [w["text"] for w in prisma.lint(files) if not w["is_warning"]]
    assert messages == []


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_rewrite_for_prisma_7_needs_no_preview_flag(corpus, prisma, unit):
    rewritten = rewrite_unit(unit, PrismaVersion(7, 0, 0))
    if rewritten is None:
        pytest.skip("mysql/mongodb")
    files = prisma.validate_for_prisma_7(rewritten.files())
    warnings = [w["text"] for w in prisma.lint(files) if "multiSchema" in w["text"]]
    assert warnings == []


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_rewrite_is_idempotent(corpus, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None:
        pytest.skip("mysql/mongodb")
    sources = [SourceFile(p, t) for p, t in rewritten.outcome.outputs.items()]
    again = isolate(parse_sources(sources), RewriteOptions())
    assert again.plan.changes == []
    assert again.outputs == rewritten.outcome.outputs


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_prisma_format_fixed_point_is_kept(corpus, prisma, unit):
    rewritten = rewrite_unit(unit)
    if rewritten is None:
        pytest.skip("mysql/mongodb")
    before = rewritten.files("originals")
    if prisma.format(before) != dict(before):
        pytest.skip("the input is not formatted the way prisma format formats it")
    after = rewritten.files()
    assert prisma.format(after) == dict(after)


def test_anythingllm_newest_diff_is_only_additions_and_config(corpus):
    from collections import Counter

    unit = corpus / "anythingllm" / "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"
    rewritten = rewrite_unit(unit)
    ((name, before),) = rewritten.files("originals")
    ((_, after),) = rewritten.files()
    before_lines, after_lines = Counter(before.splitlines()), Counter(after.splitlines())
    added = after_lines - before_lines
    removed = before_lines - after_lines
    models = re.findall(r"^model \w+ \{\n(.*?)^\}", before, re.M | re.S)
    without_block_attributes = sum(1 for body in models if "@@" not in body)
    assert added == Counter(
        {
            '  @@schema("anythingllm")': len(models),
            "": without_block_attributes,  # the blank line before a first block attribute
            '  provider        = "prisma-client-js"': 1,
            '  previewFeatures = ["multiSchema"]': 1,
            '  provider = "postgresql"': 1,
            '  url      = env("DATABASE_URL")': 1,
            '  schemas  = ["anythingllm"]': 1,
        }
    )
    assert removed == Counter(
        {
            '  provider = "prisma-client-js"': 1,
            '  provider = "sqlite"': 1,
            '  url      = "file:../storage/anythingllm.db"': 1,
        }
    )


@pytest.mark.parametrize("unit", UNITS, ids=unit_id)
def test_dev_sqlite_variant_is_valid_sqlite_for_prisma(corpus, prisma, unit):
    """generate --dev-sqlite: Prisma accepts the variant as a SQLite schema,
    or we refuse with a located reason (scalar lists, Unsupported types)."""
    from generator.isolation.sqlite_variant import sqlite_variant

    rewritten = rewrite_unit(unit)
    if rewritten is None:
        pytest.skip("not isolated (mysql/mongodb): asserted by test_rewrite_is_valid_for_prisma")
    try:
        variant = sqlite_variant(rewritten.outcome.outputs, keep_url=True)
    except PslError as error:
        assert "--dev-sqlite: " in str(error) and ":" in str(error).split("error")[0]
        return
    texts = list(variant.values())
    assert not any(re.search(r"@@schema\b|^\s*schemas\s*=|@db\.", t, re.M) for t in texts)
    assert any('provider = "sqlite"' in t.replace("  ", " ") for t in texts) or any(
        re.search(r'provider\s*=\s*"sqlite"', t) for t in texts
    )
    files = [(rewritten._name(p), t) for p, t in variant.items()]
    judged = prisma.validate_for_prisma_7(files)
    assert [w["text"] for w in prisma.lint(judged) if not w["is_warning"]] == []


def test_dev_sqlite_variant_drops_native_types_of_a_datasource_not_named_db(prisma):
    """Native type attributes take the datasource's name (`@pg.VarChar` under
    `datasource pg`): the SQLite variant drops them too, and Prisma accepts it."""
    from generator.isolation.sqlite_variant import sqlite_variant

    isolated = (
        'generator client {\n  provider = "prisma-client-js"\n}\n\n'
        'datasource pg {\n  provider = "postgresql"\n  schemas  = ["anythingllm"]\n}\n\n'
        'model A {\n  id   Int    @id\n  name String @pg.VarChar(10)\n\n  @@schema("anythingllm")\n}\n'
    )
    variant = sqlite_variant({"schema.prisma": isolated}, keep_url=False)
    assert "@pg." not in variant["schema.prisma"]
    judged = prisma.validate_for_prisma_7(list(variant.items()))
    assert [w["text"] for w in prisma.lint(judged) if not w["is_warning"]] == []
