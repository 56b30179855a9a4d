"""The rewrite as one call: plan, render, self-check."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.errors import Diagnostic, PslError
from generator.isolation.edits import render, text_edits
from generator.isolation.options import RewriteOptions
from generator.isolation.plan import Plan, plan
from generator.isolation.selfcheck import verify
from generator.psl.nodes import Schema
from generator.psl.parser import gc_paused
from generator.psl.source import SourceFile


@dataclass
class Outcome:
    plan: Plan
    originals: dict[str, str]  # path -> text as read
    outputs: dict[str, str]  # path -> text after the rewrite
    schema: Schema | None = None  # the parse of `outputs` (None: not self-checked)
    edits: list = field(default_factory=list)  # the text edits that made `outputs`

    @property
    def changed_paths(self) -> list[str]:
        return [p for p, text in self.outputs.items() if text != self.originals[p]]

    def in_original(self, error: PslError) -> PslError:
        """`error`, found in the rewritten text (by the SQL model, say), located
        in the files as the user wrote them: offsets are carried back through
        the rewrite's own edits."""
        edits: dict[str, list] = {}
        for edit in self.edits:
            edits.setdefault(edit.source.path, []).append(edit)
        located = []
        for diagnostic in error.diagnostics:
            source = diagnostic.source
            if source is None or source.path not in self.originals:
                located.append(diagnostic)
                continue
            offset = _original_offset(edits.get(source.path, []), diagnostic.offset)
            original = SourceFile(source.path, self.originals[source.path])
            located.append(Diagnostic(diagnostic.severity, diagnostic.message, original, offset))
        return PslError(located)


def _original_offset(edits: list, offset: int) -> int:
    shift = 0
    for edit in sorted(edits, key=lambda e: e.start):
        start = edit.start + shift
        if offset < start:
            break
        if offset < start + len(edit.text):
            return edit.start  # inside text the rewrite wrote: point at where it went
        shift += len(edit.text) - (edit.end - edit.start)
    return offset - shift


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
    edits = text_edits(result_plan.changes)
    outputs = render(schema, result_plan.changes, edits)
    rewritten = verify(schema, result_plan, outputs, options) if self_check else None
    return Outcome(result_plan, originals, outputs, rewritten, edits)
