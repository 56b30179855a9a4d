"""out/ holds what the main job makes from schema.prisma, committed so that
reviewers see generated changes.  This fails when it is stale.

Keep the arguments in step with `./dev main`."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import ROOT

from generator.cli import main

MAIN_JOB = ["generate", str(ROOT / "schema.prisma"), "--provider", "postgresql", "-q"]


def test_out_matches_schema_prisma(tmp_path, monkeypatch):
    # `-o out` from a scratch folder: railway.toml names the output folder as given.
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [*MAIN_JOB, "-o", "out"], env={"SOURCE_DATE_EPOCH": None})
    assert result.exit_code == 0, result.output
    generated = {
        p.relative_to(tmp_path / "out"): p.read_bytes()
        for p in (tmp_path / "out").rglob("*")
        if p.is_file()
    }
    committed = {
        p.relative_to(ROOT / "out"): p.read_bytes()
        for p in (ROOT / "out").rglob("*")
        if p.is_file()
    }
    assert sorted(committed) == sorted(generated), "out/ has other files than the main job makes"
    stale = [str(name) for name in generated if committed[name] != generated[name]]
    assert not stale, f"out/ is stale, run ./dev main: {stale}"
