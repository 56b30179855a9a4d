"""The one Jinja environment: templates ship inside the package, undefined
names are errors, and block tags leave no stray whitespace."""

from __future__ import annotations

from functools import cache

from .identifiers import quote_identifier


@cache
def environment():
    import jinja2  # lazily: `rewrite --check` never renders a template

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.templates", "."),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["ident"] = quote_identifier
    return env


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)
