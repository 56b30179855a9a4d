"""`prisma-isolate review`: every lint rule fires on its bad case and is
silent on the safe way to make the same change; every output format; the
git base; the generated output's history; configuration and ignore comments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ANYTHINGLLM_RELEASES

from generator.cli import main

HEAD = 'datasource db {\n  provider = "postgresql"\n}\n\n'


def run(*args: str, cwd: Path | None = None, env: dict | None = None):
    """The CLI in a subprocess (git, cwd and environment as a user has them)."""
    result = subprocess.run(
        [sys.executable, "-m", "generator", "review", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def review_of(tmp_path: Path, before: str, after: str, *args: str):
    """(exit status, the JSON report) of `after` against `before` (--from)."""
    old, new = tmp_path / "before.prisma", tmp_path / "schema.prisma"
    old.write_text(before)
    new.write_text(after)
    result = CliRunner().invoke(
        main, ["review", str(new), "--from", str(old), "--format", "json", *args]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout)


def rules_in(report: dict) -> set[str]:
    return {f["name"] for f in report["findings"]}


def model(name: str, body: str, extra: str = "") -> str:
    return f"model {name} {{\n  id Int @id\n{body}{extra}}}\n\n"


BASE = HEAD + model("A", "  n  String\n  m  Int?\n") + model("B", "  v  String\n")

# rule -> (the change that triggers it, the safe way to the same end), as whole schemas
CASES = {
    "table-dropped": (
        HEAD + model("A", "  n  String\n  m  Int?\n"),
        BASE,
    ),
    "column-dropped": (
        HEAD + model("A", "  m  Int?\n") + model("B", "  v  String\n"),
        BASE,
    ),
    "rename-unseen": (
        HEAD + model("A", "  title String\n  m  Int?\n") + model("B", "  v  String\n"),
        HEAD + model("A", '  title String @map("n")\n  m  Int?\n') + model("B", "  v  String\n"),
    ),
    "column-recreated": (
        HEAD + model("A", "  n  Int\n  m  Int?\n") + model("B", "  v  String\n"),
        HEAD + model("A", "  n  String\n  n2 Int?\n  m  Int?\n") + model("B", "  v  String\n"),
    ),
    "required-column-without-default": (
        (
            BASE + model("C", "").replace("model C", "model C").replace("}", "}", 1)
            if False
            else HEAD
            + model("A", "  n  String\n  m  Int?\n  k  Int\n")
            + model("B", "  v  String\n")
        ),
        HEAD
        + model("A", "  n  String\n  m  Int?\n  k  Int @default(0)\n")
        + model("B", "  v  String\n"),
    ),
    "column-made-required": (
        HEAD + model("A", "  n  String\n  m  Int\n") + model("B", "  v  String\n"),
        HEAD + model("A", "  n  String\n  m  Int?\n") + model("B", "  v  String\n"),
    ),
    "unique-constraint-added": (
        HEAD + model("A", "  n  String @unique\n  m  Int?\n") + model("B", "  v  String\n"),
        BASE + model("C", "  n  String @unique\n"),
    ),
    "index-not-concurrent": (
        HEAD
        + model("A", "  n  String\n  m  Int?\n", "\n  @@index([m])\n")
        + model("B", "  v  String\n"),
        BASE + model("C", "  m  Int?\n", "\n  @@index([m])\n"),
    ),
    "table-rewrite": (
        HEAD + model("A", "  n  String\n  m  BigInt?\n") + model("B", "  v  String\n"),
        HEAD + model("A", "  n  String @db.Text\n  m  Int?\n") + model("B", "  v  String\n"),
    ),
    "foreign-key-on-existing-table": (
        HEAD
        + model("A", "  n  String\n  m  Int?\n  b  B? @relation(fields: [m], references: [id])\n")
        + model("B", "  v  String\n  a  A[]\n"),
        BASE
        + model("C", "  bId Int\n  b   B2 @relation(fields: [bId], references: [id])\n")
        + model("B2", "  c  C[]\n"),
    ),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_fires_on_its_case_and_not_on_the_safe_way(tmp_path, rule):
    bad, safe = CASES[rule]
    _, report = review_of(tmp_path, BASE, bad)
    assert rule in rules_in(report), report["findings"]
    finding = next(f for f in report["findings"] if f["name"] == rule)
    assert finding["safe"] and finding["path"].endswith("schema.prisma")
    _, report = review_of(tmp_path, BASE, safe)
    assert rule not in rules_in(report), report["findings"]


def test_findings_point_at_the_schema_line_that_causes_them(tmp_path):
    after = HEAD + model("A", "  n  String\n  m  Int\n") + model("B", "  v  String\n")
    status, report = review_of(tmp_path, BASE, after, "--fail-on", "warning")
    (finding,) = [f for f in report["findings"] if f["name"] == "column-made-required"]
    lines = after.splitlines()
    assert lines[finding["line"] - 1].strip() == "m  Int"
    assert finding["column"] == 3 and status == 1


def test_enum_value_removed_points_at_the_enum(tmp_path):
    before = HEAD + "enum Role {\n  ADMIN\n  USER\n}\n\n" + model("A", "  r Role\n")
    after = HEAD + "enum Role {\n  ADMIN\n}\n\n" + model("A", "  r Role\n")
    _, report = review_of(tmp_path, before, after)
    (finding,) = [f for f in report["findings"] if f["name"] == "enum-value-removed"]
    assert finding["line"] == 5 and "`USER`" in finding["message"]


def test_isolation_rules(tmp_path):
    before = HEAD + model("A", "  n String\n")
    after = (
        HEAD
        + model("A", "  n String\n  b B? @relation(fields: [bId], references: [id])\n  bId Int?\n")
        + model("B", "  a A[]\n")
    )
    _, report = review_of(tmp_path, before, after, "--keep-in-public", "B")
    assert {"public-listed", "cross-schema-relation"} <= rules_in(report)
    _, report = review_of(tmp_path, before, after)
    assert not {"public-listed", "cross-schema-relation"} & rules_in(report)
    long = "x" * 70
    after = HEAD + model("A", "  n String\n", f'\n  @@index([n], map: "{long}")\n')
    _, report = review_of(tmp_path, before, after)
    assert "identifier-too-long" in rules_in(report)
    after = HEAD + model("A", "  n String\n", f'\n  @@index([n], map: "{long[:60]}")\n')
    _, report = review_of(tmp_path, before, after)
    assert "identifier-too-long" not in rules_in(report)


def test_index_names_are_unique_per_schema(tmp_path):
    """Two models' indexes of one name in one schema: the schema is refused, as
    Prisma refuses it (exit 2, located), before any review. In two schemas: no
    collision, for Prisma as for PostgreSQL. An index named as an implicit
    many-to-many table's, which Prisma takes and PostgreSQL refuses: refused
    too (a departure from Prisma). name-collision (PI404) never fires now."""

    def indexed(a: str, b: str) -> str:
        return (
            HEAD
            + model("A", "  n String\n", f'\n  @@index([n], map: "{a}")\n')
            + model("B", "  n String\n", f'\n  @@index([n], map: "{b}")\n')
        )

    def refusal(after: str) -> str:
        old, new = tmp_path / "before.prisma", tmp_path / "schema.prisma"
        old.write_text(before)
        new.write_text(after)
        result = CliRunner().invoke(main, ["review", str(new), "--from", str(old)])
        assert result.exit_code == 2, result.output
        return result.output

    before = HEAD + model("A", "  n String\n") + model("B", "  n String\n")
    assert "The given constraint name `same_idx` has to be unique" in refusal(
        indexed("same_idx", "same_idx")
    )
    _, report = review_of(
        tmp_path, before, indexed("same_idx", "same_idx"), "--keep-in-public", "B"
    )
    assert "name-collision" not in rules_in(report)
    joined = (
        HEAD
        + model("A", "  n  String\n  bs B[]\n", '\n  @@index([n], map: "_AToB_B_index")\n')
        + model("B", "  as A[]\n")
    )
    assert "the index of the implicit many-to-many table `_AToB`" in refusal(joined)


def test_enum_values_added_are_not_a_removal(tmp_path):
    before = HEAD + "enum Role {\n  ADMIN\n  USER\n}\n\n" + model("A", "  r Role\n")
    after = HEAD + "enum Role {\n  ADMIN\n  USER\n  GUEST\n}\n\n" + model("A", "  r Role\n")
    assert "enum-value-removed" not in rules_in(review_of(tmp_path, before, after)[1])


def test_a_schema_already_listing_schemas_needs_schema_on_every_block(tmp_path):
    listed = 'datasource db {\n  provider = "postgresql"\n  schemas  = ["anythingllm"]\n}\n\n'
    before = listed + 'model A {\n  id Int @id\n\n  @@schema("anythingllm")\n}\n'
    after = before + "\nmodel B {\n  id Int @id\n}\n"
    _, report = review_of(tmp_path, before, after)
    (finding,) = [f for f in report["findings"] if f["name"] == "schema-not-listed"]
    assert finding["line"] == after.splitlines().index("model B {") + 1
    safe = before + '\nmodel B {\n  id Int @id\n\n  @@schema("anythingllm")\n}\n'
    assert "schema-not-listed" not in rules_in(review_of(tmp_path, before, safe)[1])


def test_an_unchanged_schema_is_one_line_and_exit_0(tmp_path):
    (tmp_path / "s.prisma").write_text(BASE)
    (tmp_path / "schema.prisma").write_text(BASE)
    result = CliRunner().invoke(
        main, ["review", str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "s.prisma")]
    )
    assert result.exit_code == 0
    assert result.stdout.count("\n") == 1 and "no schema changes" in result.stdout
    result = CliRunner().invoke(
        main,
        ["review", str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "s.prisma")]
        + ["--format", "markdown"],
    )
    assert result.stdout.startswith("<!-- prisma-isolate review: ")
    assert result.stdout.count("\n") == 2 and "no schema changes" in result.stdout


def test_fail_on_sets_the_exit_status(tmp_path):
    warning_only = HEAD + model("A", "  n  String\n  m  Int\n") + model("B", "  v  String\n")
    assert review_of(tmp_path, BASE, warning_only)[0] == 0
    assert review_of(tmp_path, BASE, warning_only, "--fail-on", "warning")[0] == 1
    dropped = HEAD + model("A", "  n  String\n  m  Int?\n")
    assert review_of(tmp_path, BASE, dropped)[0] == 1
    assert review_of(tmp_path, BASE, dropped, "--fail-on", "never")[0] == 0


def test_pyproject_turns_rules_off_or_changes_their_severity(tmp_path):
    dropped = HEAD + model("A", "  n  String\n  m  Int?\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.prisma-isolate.rules]\ntable-dropped = "warning"\nPI202 = "off"\n'
    )
    status, report = review_of(tmp_path, BASE, dropped)
    assert status == 0 and report["findings"][0]["severity"] == "warning"
    required = HEAD + model("A", "  n  String\n  m  Int\n") + model("B", "  v  String\n")
    assert "column-made-required" not in rules_in(review_of(tmp_path, BASE, required)[1])
    (tmp_path / "pyproject.toml").write_text('[tool.prisma-isolate.rules]\nno-such-rule = "off"\n')
    (tmp_path / "schema.prisma").write_text(dropped)
    result = run(str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "before.prisma"))
    assert result.returncode == 2 and "names no rule 'no-such-rule'" in result.stderr


def test_an_ignore_comment_silences_one_rule_on_its_line(tmp_path):
    after = (
        HEAD
        + model("A", "  n  String\n  m  Int // prisma-isolate-ignore: column-made-required\n")
        + model("B", "  v  String\n")
    )
    assert "column-made-required" not in rules_in(review_of(tmp_path, BASE, after)[1])
    after = (
        HEAD
        + model("A", "  n  String\n  // prisma-isolate-ignore: PI202\n  m  Int\n")
        + model("B", "  v  String\n")
    )
    assert "column-made-required" not in rules_in(review_of(tmp_path, BASE, after)[1])
    after = (
        HEAD
        + model("A", "  n  String\n  m  Int // prisma-isolate-ignore: table-dropped\n")
        + model("B", "  v  String\n")
    )
    assert "column-made-required" in rules_in(review_of(tmp_path, BASE, after)[1])


# --- formats -------------------------------------------------------------------------


def test_github_format_annotates_lines_with_escaped_properties(tmp_path):
    (tmp_path / "before.prisma").write_text(BASE)
    (tmp_path / "schema.prisma").write_text(HEAD + model("A", "  n  String\n  m  Int\n"))
    result = CliRunner().invoke(
        main,
        ["review", str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "before.prisma")]
        + ["--format", "github", "--fail-on", "warning"],
    )
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("::warning file=")
        and ",line=8,col=3,title=PI202 column-made-required::" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("::error file=") and "title=PI101 table-dropped::" in line for line in lines
    )
    assert result.exit_code == 1


def test_text_is_coloured_only_when_asked_and_never_under_no_color(tmp_path):
    (tmp_path / "before.prisma").write_text(BASE)
    (tmp_path / "schema.prisma").write_text(HEAD + model("A", "  n  String\n  m  Int?\n"))
    args = [str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "before.prisma")]
    assert "\x1b[" in run(*args, "--color").stdout
    assert "\x1b[" not in run(*args).stdout  # not a terminal
    assert "\x1b[" not in run(*args, env={"NO_COLOR": "1"}).stdout


def test_markdown_stays_under_githubs_comment_limit(tmp_path):
    from generator.review.formats import COMMENT_LIMIT

    many = "".join(
        model(f"T{i}", "".join(f"  c{j} String\n" for j in range(30))) for i in range(120)
    )
    status, _ = review_of(tmp_path, HEAD, HEAD + many)
    result = CliRunner().invoke(
        main,
        ["review", str(tmp_path / "schema.prisma"), "--from", str(tmp_path / "before.prisma")]
        + ["--format", "markdown"],
    )
    assert len(result.stdout) <= COMMENT_LIMIT
    assert "shortened to fit GitHub's comment limit" in result.stdout
    assert result.stdout.startswith("<!-- prisma-isolate review: ")


def test_json_is_versioned(tmp_path):
    _, report = review_of(tmp_path, BASE, HEAD + model("A", "  n  String\n  m  Int?\n"))
    assert report["version"] == 1
    assert set(report) >= {"findings", "changes", "migration", "prisma_warnings", "counts"}
    assert report["prisma_warnings"] == [
        "You are about to drop the `B` table. If the table is not empty, all the data it "
        "contains will be lost."
    ]
    assert 'DROP TABLE "B";' in report["migration"]


def test_diagram_prints_a_mermaid_er_diagram(tmp_path):
    path = tmp_path / "schema.prisma"
    path.write_text(
        HEAD
        + model("A", "  b B? @relation(fields: [bId], references: [id])\n  bId Int?\n")
        + model("B", "  a A[]\n")
    )
    result = CliRunner().invoke(main, ["diagram", str(path)])
    assert result.exit_code == 0
    assert result.stdout.startswith("erDiagram\n")
    assert 'anythingllm__A["A"] {' in result.stdout
    assert 'anythingllm__B |o--o{ anythingllm__A : "A_bId_fkey"' in result.stdout


# --- git ------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "review@example.com")
    git(root, "config", "user.name", "review")
    (root / "schema.prisma").write_text(BASE)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    return root


def test_the_base_is_the_merge_base_with_the_default_branch(repo):
    (repo / "schema.prisma").write_text(HEAD + model("A", "  n  String\n  m  Int?\n"))
    git(repo, "commit", "-qam", "drop B")
    result = run("schema.prisma", "--format", "json", cwd=repo)
    report = json.loads(result.stdout)
    assert report["base"].startswith("main (merge base ") and result.returncode == 1
    assert rules_in(report) == {"table-dropped"}
    same = run("schema.prisma", "--base", "HEAD", cwd=repo)
    assert same.returncode == 0 and "no schema changes" in same.stdout


def test_git_errors_are_plain(tmp_path, repo):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "schema.prisma").write_text(BASE)
    result = run(str(outside / "schema.prisma"), cwd=outside)
    assert result.returncode == 2 and "is not in a git repository" in result.stderr
    result = run("schema.prisma", "--base", "no-such-ref", cwd=repo)
    assert result.returncode == 2 and "unknown ref 'no-such-ref'" in result.stderr


def test_the_output_folder_history_is_reviewed(repo):
    def generate():
        subprocess.run(
            [sys.executable, "-m", "generator", "generate", "schema.prisma", "-o", "out", "-q"],
            cwd=repo,
            check=True,
            env={**os.environ, "SOURCE_DATE_EPOCH": "1800000000"},
        )

    git(repo, "checkout", "-q", "main")
    generate()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "out")
    git(repo, "checkout", "-q", "feature")
    git(repo, "merge", "-q", "main")
    (repo / "schema.prisma").write_text(
        HEAD + model("A", "  n  String\n  m  Int?\n") + model("B", "  v String\n  w Int?\n")
    )
    # Not generated yet: the output is stale and the migration it needs is shown.
    epoch = {"SOURCE_DATE_EPOCH": "1800000000"}
    result = run("schema.prisma", "-o", "out", "--format", "json", cwd=repo, env=epoch)
    report = json.loads(result.stdout)
    assert "output-stale" in rules_in(report)
    assert report["output"]["migrations"][0]["name"].endswith("(not generated yet)")
    generate()
    report = json.loads(
        run("schema.prisma", "-o", "out", "--format", "json", cwd=repo, env=epoch).stdout
    )
    assert "output-stale" not in rules_in(report)
    assert [m["name"] for m in report["output"]["migrations"]] == ["20270115080000_update"]
    # An applied migration edited; a migration older than the base's newest; the provider.
    (baseline,) = [p for p in (repo / "out" / "migrations").iterdir() if p.name.endswith("_init")]
    (baseline / "migration.sql").write_text((baseline / "migration.sql").read_text() + "-- x\n")
    old = repo / "out" / "migrations" / "0_early"
    old.mkdir()
    (old / "migration.sql").write_text("SELECT 1;\n")
    lock = repo / "out" / "migrations" / "migration_lock.toml"
    lock.write_text(lock.read_text().replace("postgresql", "sqlite"))
    report = json.loads(
        run("schema.prisma", "-o", "out", "--format", "json", cwd=repo, env=epoch).stdout
    )
    found = {f["name"]: f for f in report["findings"]}
    assert {
        "applied-migration-edited",
        "migration-out-of-order",
        "migration-provider-changed",
    } <= set(found)
    assert (
        found["applied-migration-edited"]["path"] == f"out/migrations/{baseline.name}/migration.sql"
    )


# --- AnythingLLM's real history --------------------------------------------------------

HISTORY = ANYTHINGLLM_RELEASES
GOLDEN = Path(__file__).parent / "data" / "review"
DATA_LOSS = {"table-dropped", "column-dropped", "enum-value-removed", "column-recreated"}


def release(name: str) -> str:
    return name.rsplit("__", 1)[1].removesuffix(".prisma")


@pytest.mark.parametrize("step", range(len(HISTORY) - 1), ids=lambda i: release(HISTORY[i + 1]))
def test_anythingllms_upgrades_are_reviewed_as_prisma_warns(corpus, prisma, tmp_path, step):
    """Each real upgrade: the data-loss findings are exactly the destructive
    changes Prisma warns about, the migration is Prisma's, and the markdown is
    the golden file (PRISMA_ISOLATE_RECORD=1 rewrites it, to be read against
    Prisma's diff before committing)."""
    from prisma_harness import without_datasource_urls
    from test_diff import isolated_text

    before, after = (corpus / "anythingllm" / HISTORY[i] for i in (step, step + 1))
    (tmp_path / "base.prisma").write_text(before.read_text())
    (tmp_path / "schema.prisma").write_text(after.read_text())
    args = ["schema.prisma", "--from", "base.prisma", "--provider", "postgresql"]
    args += ["--prisma-version", "7.0"]
    report = json.loads(run(*args, "--format", "json", cwd=tmp_path).stdout)
    theirs = prisma.diff_schemas(
        [("schema.prisma", without_datasource_urls(isolated_text(before)))],
        [("schema.prisma", without_datasource_urls(isolated_text(after)))],
        "anythingllm",
    )
    body = report["migration"].split("\n*/\n", 1)[-1]
    assert body == theirs
    destructive = [w for w in report["prisma_warnings"] if "drop" in w or "removed" in w]
    losses = [f for f in report["findings"] if f["name"] in DATA_LOSS]
    assert len(losses) == len(destructive), (losses, destructive)
    for finding in losses:
        assert finding["path"] == "schema.prisma"
    markdown = run(*args, "--format", "markdown", cwd=tmp_path).stdout
    golden = GOLDEN / f"anythingllm-{release(HISTORY[step])}-to-{release(HISTORY[step + 1])}.md"
    if os.environ.get("PRISMA_ISOLATE_RECORD"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(markdown)
    assert markdown == golden.read_text()


def test_every_rule_is_documented_in_the_readme():
    from conftest import ROOT

    from generator.review.rules import RULES

    readme = (ROOT / "README.md").read_text()
    for rule in RULES:
        assert f"| `{rule.id}` | `{rule.name}` | {rule.severity} |" in readme, rule.id
