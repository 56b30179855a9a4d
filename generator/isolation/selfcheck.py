"""Black-style safety checks, run before anything is written.

1. The output parses.
2. Its AST equals the input's AST with exactly the planned changes applied
   (comments included, positions ignored).
3. Rewriting the output again changes nothing.

A failure is our bug, not the user's: it ends in exit status 123.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from generator.errors import PslError, SelfCheckError
from generator.isolation.options import RewriteOptions
from generator.isolation.plan import Plan, plan
from generator.psl.nodes import Schema
from generator.psl.parser import parse_sources
from generator.psl.source import SourceFile


def verify(original: Schema, result_plan: Plan, outputs: dict[str, str], options) -> Schema:
    """Raise SelfCheckError unless `outputs` is exactly the planned rewrite
    and a second rewrite would change nothing; return the outputs' parse.

    Consumes `original`: the planned changes are applied to it in place."""
    rewritten = check_result(original, result_plan.changes, outputs)
    again = plan(rewritten, _second_pass_options(options))
    if again.changes:
        raise SelfCheckError(
            "the rewrite is not idempotent; a second pass would still: "
            + "; ".join(c.description for c in again.changes)
        )
    return rewritten


def check_result(original: Schema, changes: list, outputs: dict[str, str]) -> Schema:
    """Checks 1 and 2 for any list of changes (the rewrite's, the SQLite
    variant's): raise SelfCheckError unless `outputs` parses to `original`
    with exactly `changes` applied; return the outputs' parse.  Consumes
    `original`."""
    try:
        result = parse_sources([SourceFile(path, text) for path, text in outputs.items()])
    except PslError as error:
        raise SelfCheckError("the rewritten schema does not parse:\n" + str(error)) from None
    for change in changes:
        change.apply()
    for before, after in zip(original.files, result.files, strict=True):
        if before != after:
            raise SelfCheckError(
                f"{after.source.path}: the rewritten schema differs from the planned one: "
                + _first_difference(before, after)
            )
    return result


def _second_pass_options(options: RewriteOptions) -> RewriteOptions:
    # After a conversion the provider is already right; --force has done its job.
    return RewriteOptions(
        schema=options.schema,
        keep_in_public=options.keep_in_public,
        force=False,
        provider=None,
        prisma_version=options.prisma_version,
    )


def _first_difference(expected, actual, path: str = "") -> str:
    if type(expected) is not type(actual):
        return (
            f"at {path or 'top'}: expected {type(expected).__name__}, got {type(actual).__name__}"
        )
    if isinstance(expected, (list, tuple)):  # members, arguments, comments
        if len(expected) != len(actual):
            return f"at {path}: expected {len(expected)} items, got {len(actual)}"
        for index, (a, b) in enumerate(zip(expected, actual, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{index}]")
    if is_dataclass(expected):
        for f in fields(expected):
            if not f.compare:
                continue
            a, b = getattr(expected, f.name), getattr(actual, f.name)
            if a != b:
                name = getattr(expected, "name", None)
                label = f"{path}.{f.name}" if name is None else f"{path}({name}).{f.name}"
                return _first_difference(a, b, label)
    return f"at {path}: expected {expected!r}, got {actual!r}"
