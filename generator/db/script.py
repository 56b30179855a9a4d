"""Top-level statements of a migration script, found the way psql finds them.

deploy runs a migration as Prisma does, as one multi-statement query, but
inside its own transaction together with its `_prisma_migrations` row.  A
script may carry its own `BEGIN; … COMMIT;` (Prisma writes one around an enum
recreation; its docs suggest one for hand-written migrations): run as is, its
COMMIT would commit half the migration.  So those statements are found here
and left out, and the whole migration stays one transaction.

Only the boundaries matter: `;` outside quotes ('…', E'…', "…"), dollar
quotes ($tag$…$tag$), comments (-- and nested /* */), and the bodies of
SQL-standard functions (BEGIN ATOMIC … END, with CASE … END inside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What starts or ends a transaction (SAVEPOINT and ROLLBACK TO work inside one: kept).
_STARTS_OR_ENDS = {"BEGIN", "COMMIT", "END"}
_START_TRANSACTION = re.compile(r"START\s+TRANSACTION\b", re.IGNORECASE)
_ROLLBACK = re.compile(r"(ROLLBACK|ABORT)(\s+(WORK|TRANSACTION))?\s*(AND\s+NO\s+CHAIN)?$", re.I)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Statement:
    start: int  # offset of the first character after the previous ';'
    end: int  # offset just after this statement's ';' (or the end of the script)
    text: str  # the statement without comments around it, for matching

    @property
    def keyword(self) -> str:
        match = _WORD.match(self.text)
        return match.group(0).upper() if match else ""


def _skip_comments_and_space(script: str, i: int) -> int:
    n = len(script)
    while i < n:
        if script[i].isspace():
            i += 1
        elif script.startswith("--", i):
            newline = script.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif script.startswith("/*", i):
            i = _end_of_block_comment(script, i)
        else:
            break
    return i


def _end_of_block_comment(script: str, i: int) -> int:
    depth, i = 0, i
    while i < len(script):
        if script.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif script.startswith("*/", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        else:
            i += 1
    return i


def _end_of_quoted(script: str, i: int, quote: str, backslashes: bool) -> int:
    i += 1
    while i < len(script):
        ch = script[i]
        if backslashes and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if script.startswith(quote, i + 1):  # doubled quote: still inside
                i += 2
                continue
            return i + 1
        i += 1
    return i


def statements(script: str) -> list[Statement]:
    """The script's top-level statements, with their offsets."""
    found: list[Statement] = []
    n = len(script)
    start = 0
    i = 0
    atomic = 0  # depth of BEGIN ATOMIC bodies
    case = 0  # CASE … END inside them
    previous_word = ""
    while i < n:
        ch = script[i]
        if script.startswith("--", i) or script.startswith("/*", i):
            i = _skip_comments_and_space(script, i)
            continue
        if ch == "'":
            escaped = (
                i > 0
                and script[i - 1] in "eE"
                and not (i > 1 and (script[i - 2].isalnum() or script[i - 2] == "_"))
            )
            i = _end_of_quoted(script, i, "'", backslashes=escaped)
            continue
        if ch == '"':
            i = _end_of_quoted(script, i, '"', backslashes=False)
            continue
        if ch == "$":
            tag = _DOLLAR_TAG.match(script, i)
            if tag and not (i > 0 and (script[i - 1].isalnum() or script[i - 1] == "_")):
                close = script.find(tag.group(0), tag.end())
                i = n if close < 0 else close + len(tag.group(0))
                continue
        if ch.isalpha() or ch == "_":
            word = _WORD.match(script, i)
            upper = word.group(0).upper()
            if upper == "ATOMIC" and previous_word == "BEGIN":
                atomic += 1
            elif atomic and upper == "CASE":
                case += 1
            elif atomic and upper == "END":
                if case:
                    case -= 1
                else:
                    atomic -= 1
            previous_word = upper
            i = word.end()
            continue
        if ch == ";" and not atomic:
            found.append(_statement(script, start, i + 1))
            start = i + 1
        i += 1
    if script[_skip_comments_and_space(script, start) :].strip():
        found.append(_statement(script, start, n))
    return found


def _statement(script: str, start: int, end: int) -> Statement:
    body = script[_skip_comments_and_space(script, start) : end].rstrip().rstrip(";").strip()
    return Statement(start, end, body)


def is_transaction_control(statement: Statement) -> bool:
    """BEGIN, START TRANSACTION, COMMIT, END: what would split the migration's
    one transaction (BEGIN ATOMIC never starts a statement)."""
    return statement.keyword in _STARTS_OR_ENDS or bool(_START_TRANSACTION.match(statement.text))


def is_rollback(statement: Statement) -> bool:
    """A ROLLBACK of the whole transaction (not ROLLBACK TO SAVEPOINT)."""
    return bool(_ROLLBACK.match(statement.text))


def without(script: str, dropped: list[Statement]) -> str:
    """The script with those statements replaced by a comment saying why, so
    that every other statement keeps its line (PostgreSQL's error positions)."""
    parts, cursor = [], 0
    for statement in sorted(dropped, key=lambda s: s.start):
        begin = _skip_comments_and_space(script, statement.start)
        parts.append(script[cursor:begin])
        original = script[begin : statement.end]
        lines = original.count("\n")
        # A block comment: a statement may follow on the same line.
        parts.append("/* left out: the migration runs in one transaction */" + "\n" * lines)
        cursor = statement.end
    parts.append(script[cursor:])
    return "".join(parts)
