"""The one Jinja environment: templates ship inside the package, undefined
names are errors, and block tags leave no stray whitespace."""

from __future__ import annotations

from functools import cache

from generator.sql.identifiers import quote_identifier


@cache
def environment():
    import jinja2  # lazily: `rewrite --check` never renders a template

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.templates", "."),
        bytecode_cache=_bytecode_cache(jinja2),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        # Templates ship with the package: no stat() per {% include %} in a loop.
        auto_reload=False,
    )
    env.filters["ident"] = quote_identifier
    return env


def _bytecode_cache(jinja2):
    """Compiled templates, kept in the user's cache directory (Jinja checks each
    entry against the template's source, so a stale entry is never used)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    directory = os.path.join(base, "prisma-isolate", "jinja")
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(directory)


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
