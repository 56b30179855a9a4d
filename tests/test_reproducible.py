"""Artifacts are the same bytes from any working directory, with any version of
a dependency the project allows, and a cached verdict never outlives the code
(templates included) that produced it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT, venv_with

from generator.emit.generate import generate
from generator.isolation.isolate import isolate
from generator.isolation.options import RewriteOptions
from generator.psl.parser import parse_path


def generate_cli(*args: str, cwd: Path):
    result = subprocess.run(
        [sys.executable, "-m", "generator", "generate", *args, "-q"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PRISMA_ISOLATE_NO_CACHE": "1"},
    )
    assert result.returncode == 0, result.stderr
    return result


def test_railway_toml_does_not_depend_on_the_working_directory(tmp_path):
    repo = tmp_path / "repo"
    (repo / "deploy").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    schema = str(ROOT / "schema.prisma")
    generate_cli(schema, "--provider", "postgresql", "-o", "deploy/out", cwd=repo)
    first = (repo / "deploy" / "out" / "railway.toml").read_text()
    generate_cli(schema, "--provider", "postgresql", "-o", "out", cwd=repo / "deploy")
    generate_cli(schema, "--provider", "postgresql", "-o", str(repo / "deploy/out"), cwd=tmp_path)
    assert (repo / "deploy" / "out" / "railway.toml").read_text() == first
    assert "prisma-isolate deploy deploy/out/schema.prisma " in first
    # Outside a repository: relative to the output folder's parent.
    generate_cli(
        schema, "--provider", "postgresql", "-o", str(tmp_path / "loose" / "out"), cwd=ROOT
    )
    loose = (tmp_path / "loose" / "out" / "railway.toml").read_text()
    assert "prisma-isolate deploy out/schema.prisma " in loose


def oldest_allowed(package: str) -> str:
    """The lower bound pyproject.toml allows for `package`, from any extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + sum(project["optional-dependencies"].values(), [])
    for requirement in requirements:
        match = re.fullmatch(rf"{package}>=([\d.]+)", requirement)
        if match:
            return match.group(1)
    raise AssertionError(f"{package} has no lower bound in pyproject.toml")


@pytest.fixture(scope="session")
def oldest_black(tmp_path_factory) -> str:
    return venv_with(tmp_path_factory, f"black=={oldest_allowed('black')}")


def test_verify_script_is_black_stable_at_both_ends_of_the_allowed_range(tmp_path, oldest_black):
    import black

    from generator.emit.scripts import BLACK_LINE_LENGTH

    outcome = isolate(parse_path(ROOT / "schema.prisma"), RewriteOptions(provider="postgresql"))
    script = generate(outcome, None, "anythingllm", "0_init", None).files["verify_anythingllm.py"]
    assert black.format_str(script, mode=black.Mode(line_length=BLACK_LINE_LENGTH)) == script
    path = tmp_path / "verify_anythingllm.py"
    path.write_text(script)
    oldest = subprocess.run(
        [oldest_black, "-m", "black", "--check", "-l", str(BLACK_LINE_LENGTH), str(path)],
        capture_output=True,
        text=True,
    )
    assert oldest.returncode == 0, oldest.stderr


def test_generate_does_not_import_black():
    """The emitted bytes cannot depend on black when generate never runs it."""
    code = (
        "import sys\n"
        "from generator.emit.generate import generate\n"
        "from generator.isolation.isolate import isolate\n"
        "from generator.isolation.options import RewriteOptions\n"
        "from generator.psl.parser import parse_path\n"
        "from pathlib import Path\n"
        f"outcome = isolate(parse_path(Path({str(ROOT / 'schema.prisma')!r})),"
        " RewriteOptions(provider='postgresql'))\n"
        "generate(outcome, None, 'anythingllm', '0_init', None)\n"
        "print('black' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_a_template_change_invalidates_cached_verdicts(tmp_path):
    """The fingerprint covers code, grammar and templates (a template edit once
    left a stale out/ "up to date").  On copies: the real files stay untouched."""
    from generator.cache import fingerprint_of

    package, templates = tmp_path / "package", tmp_path / "templates"
    (package / "db").mkdir(parents=True)
    templates.mkdir()
    for path in (
        package / "cli.py",
        package / "db" / "runtime.py",
        package / "psl.lark",
        templates / "railway.toml.jinja",
    ):
        path.write_text("x")
    before = fingerprint_of(package, templates)
    for path in (
        templates / "railway.toml.jinja",
        package / "db" / "runtime.py",
        package / "psl.lark",
    ):
        status = path.stat()
        os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
        changed = fingerprint_of(package, templates)
        assert changed != before, path
        before = changed


def test_the_caches_live_in_one_private_place_and_turn_off_together(tmp_path):
    """PRISMA_ISOLATE_CACHE_DIR holds every cache (verdicts, compiled templates,
    the analysed grammar when the shipped tables do not apply), private to the
    user; PRISMA_ISOLATE_NO_CACHE=1 writes none of them."""
    schema = str(ROOT / "schema.prisma")
    home = tmp_path / "xdg"

    def run(out: str, **env: str):
        result = subprocess.run(
            [sys.executable, "-m", "generator", "generate", schema, "-o", str(tmp_path / out)]
            + ["--provider", "postgresql", "-q"],
            capture_output=True,
            text=True,
            env={**os.environ, "XDG_CACHE_HOME": str(home), **env},
        )
        assert result.returncode == 0, result.stderr

    run("off", PRISMA_ISOLATE_NO_CACHE="1")
    assert not home.exists() or not any(home.rglob("*"))
    cache = tmp_path / "cache"
    run("on", PRISMA_ISOLATE_CACHE_DIR=str(cache))
    assert not home.exists() or not any(home.rglob("*"))
    assert any(p.name.endswith(".outputs") for p in cache.iterdir())  # generate's verdict
    for private in (p for p in cache.iterdir() if p.is_dir()):  # compiled templates, grammar
        assert (private.stat().st_mode & 0o777) == 0o700, private


def test_every_package_ships_in_the_wheel():
    """pyproject.toml lists the packages by hand: a new one must be there."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "generator").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert found - {"generator.templates"} <= listed


def test_the_shipped_compiled_templates_are_these_templates():
    """generator/compiled_templates is Jinja's compilation of templates/*.jinja
    as they are (edit a template, then run scripts/compiled_templates.py), and
    the environment uses it."""
    import jinja2

    from generator import compiled_templates
    from generator.sql.render import environment, templates_digest

    assert (
        compiled_templates.TEMPLATES_SHA256 == templates_digest()
    ), "a template changed: run scripts/compiled_templates.py"
    if compiled_templates.JINJA_VERSION != jinja2.__version__:
        pytest.skip(
            f"compiled by Jinja {compiled_templates.JINJA_VERSION}, not {jinja2.__version__}"
        )
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "compiled_templates.py"), "--check"]
    )
    assert check.returncode == 0
    assert type(environment().loader.loaders[0]).__name__ == "ModuleLoader"


def test_the_verify_scripts_catalog_is_jsons_own_indented_text():
    """catalog_literal writes json.dumps(indent=1)'s bytes without json's slow
    Python encoder: a difference would change every emitted verify script."""
    import json

    from conftest import corpus_units
    from corpus_helpers import rewrite_unit

    from generator.emit.scripts import catalog_literal, expected_for

    samples = [
        {},
        [],
        {"a": [], "b": {}, "c": [[], [{}]]},
        ["x", ("tuple", 1), 2.5, -0.0, 10**20, True, False, None, 1e300],
        {'é\u2028"\\\n\t\x00\x7f': {"nested": ["ü", "😀", "</script>"]}},
    ]
    for sample in samples:
        assert catalog_literal(sample) == json.dumps(sample, indent=1, ensure_ascii=False)
    catalogs = [expected_for(parse_path(ROOT / "out" / "schema.prisma"), "anythingllm", ["0_init"])]
    for unit in corpus_units()[:8]:
        rewritten = rewrite_unit(unit)
        if rewritten is not None and rewritten.outcome.schema is not None:
            catalogs.append(expected_for(rewritten.outcome.schema, "app", []))
    assert len(catalogs) > 1 or not corpus_units()
    for catalog in catalogs:
        assert catalog_literal(catalog) == json.dumps(catalog, indent=1, ensure_ascii=False)
    with pytest.raises(TypeError):
        catalog_literal({1: "a key json would turn into text"})
