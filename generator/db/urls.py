"""PostgreSQL connection URLs: their parameters, and printing them safely.

Parsing and masking live in verify_runtime (the generated script needs them
too); this module adds what only the CLI needs: URL edits for tests and tools,
and the net under every output channel of a command that was given a password.
"""

from __future__ import annotations

import io
import sys
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from generator.db.connection import (  # noqa: F401 - one implementation, shared
    BadConnectionString,
    ConnectionString,
    parse_connection_string,
    printable_url,
    scrub,
    url_policy,
)


def with_database(url: str, database: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + quote(database)))


def query_parameter(url: str, name: str) -> str | None:
    for key, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
        if key == name:
            return value
    return None


def with_parameter(url: str, name: str, value: str) -> str:
    """The URL with `name=value` set (replacing an existing value)."""
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    pairs.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="/:")))


def without_parameter(url: str, name: str) -> str:
    parts = urlsplit(url)
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != name]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="/:")))


class _Scrubbing(io.TextIOBase):
    """A text stream that replaces every secret before it reaches the real
    one: whatever prints (our messages, click's, a -v traceback), no password
    does.  Messages mask passwords where they are made; this is the net."""

    def __init__(self, stream, secrets: tuple[str, ...]):
        self._stream = stream
        self._secrets = secrets

    def write(self, text: str) -> int:
        self._stream.write(scrub(text, self._secrets))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self):
        return getattr(self._stream, "encoding", "utf-8")

    @property
    def errors(self):
        return getattr(self._stream, "errors", "strict")


def guard_output(raw_url: str) -> None:
    """From now on, stdout and stderr never show a secret of `raw_url`, even
    when libpq cannot parse it."""
    from generator.db.connection import _secret_candidates, _sorted_secrets

    secrets = _sorted_secrets(_secret_candidates(raw_url))
    try:
        secrets = _sorted_secrets(set(secrets) | set(parse_connection_string(raw_url).secrets))
    except BadConnectionString:
        pass
    if not secrets:
        return
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, _Scrubbing):
            stream = stream._stream
        setattr(sys, name, _Scrubbing(stream, secrets))
