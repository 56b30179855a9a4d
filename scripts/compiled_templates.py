"""Write generator/compiled_templates/ from templates/*.jinja: Jinja's own
compilation of every template to a Python module, so that a cold start (a CI
runner, a first run) imports them instead of compiling them (~10 ms for
generate).  Run after editing a template or upgrading Jinja; a test fails
while the folder is stale.

    .venv/bin/python scripts/compiled_templates.py [--check]
"""

from __future__ import annotations

import filecmp
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "generator" / "compiled_templates"


def write(target: Path) -> None:
    sys.path.insert(0, str(ROOT))
    import jinja2

    from generator.sql.render import environment, templates_digest

    target.mkdir(parents=True, exist_ok=True)
    environment(compiled=False).compile_templates(
        str(target), zip=None, filter_func=lambda name: name.endswith(".jinja")
    )
    (target / "__init__.py").write_text(
        '"""Jinja\'s compilation of templates/*.jinja, written by\n'
        "scripts/compiled_templates.py; do not edit.  Used only with this Jinja\n"
        'version and these template sources (generator/sql/render.py)."""\n\n'
        f"JINJA_VERSION = {jinja2.__version__!r}\n"
        f"TEMPLATES_SHA256 = {templates_digest()!r}\n",
        encoding="utf-8",
    )


def main() -> None:
    if "--check" in sys.argv:
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "compiled"
            write(fresh)
            names = sorted(p.name for p in fresh.iterdir())
            _, mismatch, errors = filecmp.cmpfiles(fresh, TARGET, names, shallow=False)
            current = names == sorted(p.name for p in TARGET.glob("*.py"))
            sys.exit(0 if current and not mismatch and not errors else 1)
    shutil.rmtree(TARGET, ignore_errors=True)
    write(TARGET)
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(list(TARGET.glob('*.py')))} modules)")


if __name__ == "__main__":
    main()
