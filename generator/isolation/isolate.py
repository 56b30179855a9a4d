"""The rewrite as one call: plan, render, self-check."""

from __future__ import annotations

from dataclasses import dataclass

from generator.isolation.edits import render
from generator.isolation.options import RewriteOptions
from generator.isolation.plan import Plan, plan
from generator.isolation.selfcheck import verify
from generator.psl.nodes import Schema
from generator.psl.parser import gc_paused


@dataclass
class Outcome:
    plan: Plan
    originals: dict[str, str]  # path -> text as read
    outputs: dict[str, str]  # path -> text after the rewrite
    schema: Schema | None = None  # the parse of `outputs` (None: not self-checked)

    @property
    def changed_paths(self) -> list[str]:
        return [p for p, text in self.outputs.items() if text != self.originals[p]]


def isolate(schema: Schema, options: RewriteOptions, *, self_check: bool = True) -> Outcome:
    """Rewrite `schema` for schema isolation.  `schema` is consumed by the
    self-check; parse again to use it afterwards."""
    with gc_paused():
        return _isolate(schema, options, self_check)


def _isolate(schema: Schema, options: RewriteOptions, self_check: bool) -> Outcome:
    originals = {f.source.path: f.source.text for f in schema.files}
    result_plan = plan(schema, options)
    if not result_plan.changes:
        return Outcome(result_plan, originals, dict(originals), schema)
    outputs = render(schema, result_plan.changes)
    rewritten = verify(schema, result_plan, outputs, options) if self_check else None
    return Outcome(result_plan, originals, outputs, rewritten)
