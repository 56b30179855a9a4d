"""`prisma-isolate format`: byte-equal to Prisma 7.10.1's formatter (its wasm
`format`, through the harness) on every corpus schema (original and
isolated), on Prisma's own reformatter fixtures and on 1,000 mutated schemas;
a fixed point; the AST unchanged but for Prisma's deliberate reorderings."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_units, unit_id
from corpus_helpers import rewrite_unit

from generator.format.render import format_checked, format_file
from generator.psl.parser import parse_path, parse_sources, parse_text
from generator.psl.source import SourceFile


def prisma_format(prisma, files: list[tuple[str, str]]) -> dict[str, str]:
    return prisma.format(files)


def ours(files: list[tuple[str, str]]) -> dict[str, str]:
    schema = parse_sources([SourceFile(name, text) for name, text in files])
    return {f.source.path: format_checked(f) for f in schema.files}


def unit_files(unit: Path) -> list[tuple[str, str]]:
    if unit.is_dir():
        return [(str(p.relative_to(unit)), p.read_text()) for p in sorted(unit.rglob("*.prisma"))]
    return [(unit.name, unit.read_text())]


@pytest.mark.parametrize("unit", corpus_units(), ids=unit_id)
def test_corpus_schemas_format_as_prisma_formats_them(corpus, prisma, unit):
    files = unit_files(unit)
    assert ours(files) == prisma_format(prisma, files)
    rewritten = rewrite_unit(unit)
    if rewritten is not None:
        isolated = rewritten.files()
        assert ours(isolated) == prisma_format(prisma, isolated)


def _reformatter_cases(corpus: Path):
    root = corpus / "psl-tests" / "reformatter"
    for path in sorted(root.rglob("*.prisma")):
        if not path.name.endswith(".reformatted.prisma"):
            yield [(path.name, path.read_text())], {
                path.name: path.with_name(path.name.replace(".prisma", ".reformatted.prisma"))
            }
    multi = corpus / "psl-tests" / "reformatter_multi_file"
    for folder in sorted(p for p in multi.iterdir() if not p.name.endswith(".reformatted")):
        expected = folder.with_name(folder.name + ".reformatted")
        files = [(p.name, p.read_text()) for p in sorted(folder.glob("*.prisma"))]
        yield files, {name: expected / name for name, _ in files}


def test_prismas_reformatter_fixtures(corpus, prisma):
    """Every input of Prisma's reformatter fixtures: our output is the
    expected file and Prisma's own, or — where Prisma adds relation fields
    (its "magic") or formats an unparseable line — a refusal that says so."""
    from generator.errors import PslError

    equal = refused = 0
    for files, expected in _reformatter_cases(corpus):
        theirs = prisma_format(prisma, files)
        try:
            result = ours(files)
        except PslError:
            refused += 1  # catch_all_in_a_block: a line that is no PSL at all
            continue
        names = dict(files)
        schema = parse_sources([SourceFile(n, t) for n, t in names.items()])
        from generator.format.canonical import relations_prisma_would_add

        if relations_prisma_would_add(schema):
            refused += 1  # the CLI refuses these; their layout is still Prisma's elsewhere
            continue
        for name, text in result.items():
            assert text == theirs[name] == expected[name].read_text(), name
        equal += 1
    assert (equal, refused) == (9, 9)


def test_prismas_validation_fixtures_format_alike(corpus, prisma):
    """Prisma's PSL validation fixtures (valid and invalid schemas alike)."""
    from generator.errors import PslError

    paths = sorted((corpus / "psl-tests" / "validation").rglob("*.prisma"))
    paths += sorted((corpus / "psl-tests" / "extra").rglob("*.prisma"))
    equal = 0
    for path in paths:
        files = [(path.name, path.read_text())]
        try:
            result = ours(files)
        except PslError:
            continue  # a syntax error: refused, located
        assert result == prisma_format(prisma, files), path
        equal += 1
    assert equal >= len(paths) - 1


# --- mutations ------------------------------------------------------------------------

_SCALARS = {"String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"}
_COMMENTS = ["// a note", "/// documented", "//   spaced   ", "/* block */", "// 囧 ünïcode"]


def mutate(text: str, rng: random.Random) -> str:
    """Shuffle, insert and delete what a person editing a schema would:
    blank lines, comments (own-line and trailing), indentation, attribute
    order, scalar fields and block attributes; never a relation field (Prisma
    would add it back)."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(lines))
        line = lines[i]
        stripped = line.strip()
        op = rng.randrange(9)
        inside = line.startswith((" ", "\t")) and stripped and not stripped.startswith("}")
        if op == 0:
            lines[i:i] = [""] * rng.randint(1, 3)
        elif op == 1 and not stripped.endswith("{"):
            lines.insert(i, (" " * rng.randint(0, 6)) + rng.choice(_COMMENTS))
        elif op == 2 and inside and "//" not in line and not stripped.startswith(("/", "*")):
            lines[i] = line + " " + rng.choice(["// trailing", "//x   ", "/// doc trailing"])
        elif op == 3 and inside:
            lines[i] = rng.choice(["", "  ", "    ", "\t", " "]) + stripped
        elif op == 4 and inside and stripped.count(" @") >= 2 and "//" not in line:
            head, *attrs = re.split(r" (?=@)", stripped)
            rng.shuffle(attrs)
            lines[i] = "  " + " ".join([head, *attrs])
        elif op == 5 and inside and i + 1 < len(lines):
            nxt = lines[i + 1].strip()
            if nxt and not nxt.startswith("}") and not lines[i + 1].strip().endswith("{"):
                lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif op == 6 and inside:
            words = stripped.split()
            is_scalar = len(words) > 1 and words[1].rstrip("?[]") in _SCALARS
            if (is_scalar or stripped.startswith("@@")) and "@id" not in stripped:
                del lines[i]
        elif op == 7 and inside and "  " not in stripped and not stripped.startswith("/"):
            lines[i] = "  " + re.sub(r" ", "   ", stripped, count=1)
        elif op == 8:
            lines[i:i] = ["", ""]
    return "\n".join(lines)


MUTATIONS = 1000


def test_mutated_schemas_format_as_prisma_formats_them(corpus, prisma):
    """1,000 mutations of corpus schemas (seeded: a failure names its seed)."""
    from generator.errors import PslError

    seeds = sorted((corpus / "anythingllm").glob("mintplex__schema*.prisma"))
    seeds += sorted((corpus / "real").glob("*.prisma"))
    texts = [p.read_text() for p in seeds]
    compared = 0
    for seed in range(MUTATIONS):
        rng = random.Random(seed)
        text = mutate(rng.choice(texts), rng)
        try:
            schema = parse_text(text)
        except PslError:
            continue  # a mutation our parser refuses (Prisma's may keep the line verbatim)
        mine = format_checked(schema.files[0])
        assert mine == prisma_format(prisma, [("schema.prisma", text)])["schema.prisma"], seed
        compared += 1
    assert compared >= 0.9 * MUTATIONS


def test_a_formatted_schema_is_a_fixed_point(corpus):
    for unit in corpus_units():
        for name, text in unit_files(unit):
            once = format_file(parse_text(text, name).files[0])
            assert format_file(parse_text(once, name).files[0]) == once, name


# --- the command ----------------------------------------------------------------------


def cli(*args: str, stdin: str | None = None):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "format", *args],
        capture_output=True,
        text=True,
        input=stdin,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


MESSY = "model A {\n  id Int @default(autoincrement()) @id\n    name String?\n}\n"
TIDY = "model A {\n  id   Int     @id @default(autoincrement())\n  name String?\n}\n"


def test_the_command_writes_back_as_rewrite_does(tmp_path):
    path = tmp_path / "schema.prisma"
    path.write_text(MESSY)
    assert cli(str(path)).stdout == TIDY
    check = cli(str(path), "--check")
    assert check.returncode == 1 and f"would reformat {path}" in check.stderr
    diff = cli(str(path), "--check", "--diff")
    assert diff.returncode == 1 and "-  id Int @default(autoincrement()) @id" in diff.stdout
    assert path.read_text() == MESSY  # nothing written
    assert cli("-", stdin=MESSY).stdout == TIDY
    out = tmp_path / "out.prisma"
    assert cli(str(path), "-o", str(out)).returncode == 0 and out.read_text() == TIDY
    assert cli(str(path), "--in-place").returncode == 0 and path.read_text() == TIDY
    again = cli(str(path), "--check")
    assert again.returncode == 0 and "1 schema already formatted." in again.stderr


def test_bad_input_is_located_and_relation_magic_is_refused(tmp_path):
    path = tmp_path / "schema.prisma"
    path.write_text("model A {\n  id Int @id\n  this is not psl\n}\n")
    result = cli(str(path))
    assert result.returncode == 2 and f"{path}:3:" in result.stderr and "^" in result.stderr
    path.write_text(
        'datasource db {\n  provider = "postgresql"\n}\n\n'
        "model A {\n  id Int @id\n  b  B[]\n}\n\nmodel B {\n  id Int @id\n}\n"
    )
    result = cli(str(path))
    assert result.returncode == 2
    assert "prisma format would add relation fields here (A.b has no opposite field in B)" in (
        result.stderr
    )


def test_a_schema_folder_is_formatted_file_by_file(tmp_path):
    folder = tmp_path / "schema"
    folder.mkdir()
    (folder / "a.prisma").write_text(MESSY)
    (folder / "b.prisma").write_text(TIDY.replace("model A", "model B"))
    result = cli(str(folder), "--check")
    assert (
        result.returncode == 1 and "a.prisma" in result.stderr and "b.prisma" not in result.stderr
    )
    assert cli(str(folder), "--in-place").returncode == 0
    assert (folder / "a.prisma").read_text() == TIDY
    assert parse_path(folder)  # still one schema


def _is_formatted(path: Path) -> bool:
    return cli(str(path), "--check").returncode == 0


def test_rewrite_format_and_the_schemas_generate_makes_are_in_prismas_layout(corpus, tmp_path):
    """rewrite --format; generate's --dev-sqlite variant always; its isolated
    schema.prisma when the input was in Prisma's layout (else the rewrite's
    minimal edits stay as they are)."""
    messy = corpus / "anythingllm" / "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"
    assert not _is_formatted(messy)
    rewritten = tmp_path / "rewritten.prisma"
    tool = [sys.executable, "-m", "generator"]
    subprocess.run(
        [*tool, "rewrite", str(messy), "--provider", "postgresql", "--format", "-o", str(rewritten)]
        + ["-q"],
        check=True,
    )
    assert _is_formatted(rewritten)

    def generate(schema: Path, out: Path) -> None:
        subprocess.run(
            [*tool, "generate", str(schema), "-o", str(out), "--provider", "postgresql"]
            + ["--dev-sqlite", "-q"],
            check=True,
        )

    generate(messy, tmp_path / "a")
    assert _is_formatted(tmp_path / "a" / "dev-sqlite" / "schema.prisma")
    assert not _is_formatted(tmp_path / "a" / "schema.prisma")  # minimal edits, as written
    tidy = tmp_path / "tidy.prisma"
    tidy.write_text(cli(str(messy)).stdout)
    generate(tidy, tmp_path / "b")
    assert _is_formatted(tmp_path / "b" / "schema.prisma")
    assert _is_formatted(tmp_path / "b" / "dev-sqlite" / "schema.prisma")


def test_a_formatted_schema_is_remembered_and_an_edit_forgets_it(tmp_path):
    import os

    cache = tmp_path / "cache"
    env = {**os.environ, "PRISMA_ISOLATE_CACHE_DIR": str(cache)}
    path = tmp_path / "schema.prisma"
    path.write_text(TIDY)

    def check():
        return subprocess.run(
            [sys.executable, "-m", "generator", "format", str(path), "--check"],
            capture_output=True,
            text=True,
            env=env,
        )

    assert check().returncode == 0
    assert len([p for p in cache.iterdir() if p.is_file()]) == 1  # the verdict
    assert check().returncode == 0  # from the cache
    path.write_text(MESSY)
    assert check().returncode == 1  # other bytes: formatted afresh


def test_the_canonical_predicate_agrees_with_the_templates(corpus):
    """is_canonical answers from the layout's lines; the templates must write
    exactly those lines (a change to either shows here)."""
    from generator.format.canonical import layout
    from generator.format.render import _lines

    for unit in corpus_units():
        for name, text in unit_files(unit):
            schema_file = parse_text(text, name).files[0]
            assert _lines(layout(schema_file).items) == format_file(schema_file), name
    for seed in range(200):
        rng = random.Random(seed)
        text = mutate(
            corpus.joinpath(
                "anythingllm", "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"
            ).read_text(),
            rng,
        )
        schema_file = parse_text(text).files[0]
        assert _lines(layout(schema_file).items) == format_file(schema_file), seed


def test_is_canonical_is_formatting_changes_nothing(corpus):
    from generator.format.render import is_canonical

    texts = [t for unit in corpus_units() for _, t in unit_files(unit)]
    texts += [format_file(parse_text(t).files[0]) for t in texts]  # and their formatted forms
    for seed in range(100):
        texts.append(mutate(texts[seed % len(texts)], random.Random(seed)))
    for text in texts:
        schema = parse_text(text)
        assert is_canonical(schema) == (format_file(schema.files[0]) == text)
