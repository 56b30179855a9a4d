"""The JSON report of a database command (deploy, relocate, import-sqlite):
one envelope, shape version 1, whatever the command.

    {"version": 1, "database": <URL, password masked>, <what it was asked>,
     "ok": <no error>, <what it did>, "notes": [...], "error": {...} | null,
     "seconds": <wall time>}
"""

from __future__ import annotations

VERSION = 1


def envelope(
    database: str, asked: dict, done: dict, notes: list[str], error: dict | None, seconds: float
) -> dict:
    return {
        "version": VERSION,
        "database": database,
        **asked,
        "ok": error is None,
        **done,
        "notes": notes,
        "error": error,
        "seconds": round(seconds, 3),
    }
