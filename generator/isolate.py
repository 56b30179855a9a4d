"""The rewrite as one call: plan, render, self-check."""

from __future__ import annotations

from dataclasses import dataclass

from .nodes import Schema
from .options import RewriteOptions
from .rewrite import Plan, plan, render
from .selfcheck import verify


@dataclass
class Outcome:
    plan: Plan
    originals: dict[str, str]  # path -> text as read
    outputs: dict[str, str]  # path -> text after the rewrite

    @property
    def changed_paths(self) -> list[str]:
        return [p for p, text in self.outputs.items() if text != self.originals[p]]


def isolate(schema: Schema, options: RewriteOptions, *, self_check: bool = True) -> Outcome:
    """Rewrite `schema` for schema isolation.  `schema` is consumed by the
    self-check; parse again to use it afterwards."""
    originals = {f.source.path: f.source.text for f in schema.files}
    result_plan = plan(schema, options)
    if not result_plan.changes:
        return Outcome(result_plan, originals, dict(originals))
    outputs = render(schema, result_plan.changes)
    if self_check:
        verify(schema, result_plan, outputs, options)
    return Outcome(result_plan, originals, outputs)
