"""The review in each format: text (a terminal, coloured on a TTY unless
NO_COLOR), markdown (a PR comment or $GITHUB_STEP_SUMMARY, under GitHub's
65,536-character limit), json (versioned, README), github (workflow commands
that annotate the schema lines)."""

from __future__ import annotations

import json

from generator.review.report import REPORT_VERSION, Review

COMMENT_LIMIT = 65_536  # GitHub's limit on a comment body, in characters


def where(finding) -> str:
    if finding.path is None:
        return "—"
    if finding.line is None:
        return f"`{finding.path}` (gone from it)"
    return f"`{finding.path}:{finding.line}`"


def _items(sections) -> list[tuple[str, list[str]]]:
    """Prisma's summary lines as list items: indentation and "- " dropped."""
    return [
        (header, [line.strip().removeprefix("- ") for line in lines]) for header, lines in sections
    ]


def _cell(text: str) -> str:
    """Text for a markdown table cell: pipes escaped, one line."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(review: Review) -> str:
    from generator.sql.render import environment

    env = environment()
    env.filters.setdefault("cell", _cell)
    template = env.get_template("review.md.jinja")
    context = dict(
        review=review,
        sections=_items(review.sections),
        errors=review.count("error"),
        warnings=review.count("warning"),
    )
    text = template.render(where=where, **context)
    if len(text) <= COMMENT_LIMIT:
        return text
    # Too long for a comment: the SQL goes first, then the diagram, then a hard cut.
    note = "\n\n*(shortened to fit GitHub's comment limit: run `prisma-isolate review` locally)*\n"
    for trim in ("migration", "diagram"):
        setattr(review, trim, "-- (left out: too long for a comment)\n")
        if review.output is not None:
            review.output.migrations = [
                (name, "-- (left out: too long for a comment)\n")
                for name, _ in review.output.migrations
            ]
        text = template.render(where=where, **context)
        if len(text) + len(note) <= COMMENT_LIMIT:
            return text + note
    return text[: COMMENT_LIMIT - len(note)] + note


def as_json(review: Review) -> str:
    return (
        json.dumps(
            {
                "version": REPORT_VERSION,
                "schema": review.schema,
                "base": review.base,
                "changed": review.changed,
                "counts": {"error": review.count("error"), "warning": review.count("warning")},
                "findings": [
                    {
                        "rule": f.rule.id,
                        "name": f.rule.name,
                        "severity": f.severity,
                        "family": f.rule.family,
                        "message": f.message,
                        "safe": f.rule.safe,
                        "path": f.path,
                        "line": f.line,
                        "column": f.col,
                    }
                    for f in review.findings
                ],
                "changes": [
                    {"header": h, "lines": [x.strip() for x in lines]}
                    for h, lines in review.sections
                ],
                "moved": [{"table": t, "from": a, "to": b} for t, a, b in review.moved],
                "prisma_warnings": review.prisma_warnings,
                "migration": review.migration,
                "output": (
                    None
                    if review.output is None
                    else {
                        "folder": review.output.folder,
                        "stale": review.output.stale,
                        "problem": review.output.problem,
                        "migrations": [{"name": n, "sql": s} for n, s in review.output.migrations],
                    }
                ),
                "diagram": review.diagram,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(review: Review) -> str:
    """One workflow command per finding, at its schema line.  (GitHub shows
    at most 10 annotations of each level per step; the rest are in the log.)"""
    lines = []
    for finding in review.findings:
        level = "error" if finding.severity == "error" else "warning"
        properties = []
        if finding.path is not None:
            properties.append(f"file={_escape_property(finding.path)}")
        if finding.line is not None:
            properties += [f"line={finding.line}", f"col={finding.col}"]
        properties.append(f"title={_escape_property(f'{finding.rule.id} {finding.rule.name}')}")
        message = f"{finding.message}. Safe way: {finding.rule.safe}"
        lines.append(f"::{level} {','.join(properties)}::{_escape_data(message)}")
    if not lines:
        lines.append(
            "prisma-isolate review: no findings"
            + ("" if review.changed else " (no schema changes)")
        )
    return "\n".join(lines) + "\n"


def text(review: Review, color: bool) -> str:
    import click

    def paint(value: str, **style) -> str:
        return click.style(value, **style) if color else value

    if not review.changed and not review.findings:
        return f"{review.schema}: no schema changes since {review.base}\n"
    errors, warnings = review.count("error"), review.count("warning")
    out = [
        f"{review.schema} against {review.base}: "
        + paint(f"{errors} error{'s' * (errors != 1)}", fg="red" if errors else None, bold=True)
        + ", "
        + paint(f"{warnings} warning{'s' * (warnings != 1)}", fg="yellow" if warnings else None)
    ]
    if review.output is not None:
        if review.output.problem:
            state = f"not checked: {review.output.problem}"
        else:
            state = paint("stale", fg="red") if review.output.stale else "up to date"
        out.append(f"{review.output.folder}: {state}")
    for finding in review.findings:
        place = f"{finding.path}:{finding.line}:{finding.col}: " if finding.line else ""
        color_of = "red" if finding.severity == "error" else "yellow"
        out.append(
            f"{place}{paint(finding.severity, fg=color_of, bold=True)}: {finding.message} "
            f"[{finding.rule.id} {finding.rule.name}]\n    safe way: {finding.rule.safe}"
        )
    for header, lines in review.sections:
        out.append(header + "".join(f"\n{line}" for line in lines))
    for table, old, new in review.moved:
        out.append(f"{table} moved from schema {old} to {new}: its rows do not move")
    return "\n".join(out) + "\n"
