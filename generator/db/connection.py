"""Connection strings and connections, for the verification runtime and
every command that connects.

Like runtime.py, this uses only the standard library and psycopg 3: the
generated verify_<schema>.py embeds its source verbatim, above runtime.py's.

Connection strings are read the way libpq reads them; Prisma's own
parameters are taken out; what is printed masks every secret (or shows
nothing of a string that cannot be parsed); connections are retried only
while waiting can cure the failure.

Exit status (the database family): 0 healthy; 1 drift or refused; 2
unreachable or permission denied; 3 usage error.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

EXIT_HEALTHY = 0
EXIT_DRIFT = 1
EXIT_UNREACHABLE = 2
EXIT_USAGE = 3


class Unreachable(Exception):
    """The database could not be reached, or the role may not use it (exit 2)."""

    exit_code = EXIT_UNREACHABLE


class BadConnectionString(Unreachable):
    """A connection string that can never work: malformed, not PostgreSQL, an
    unknown parameter or value.  Exit 3 at once, never retried.  The message
    holds no part of the string that could be a password."""

    exit_code = EXIT_USAGE


# --- connection strings ----------------------------------------------------------
# Prisma's own URL parameters: libpq rejects them, so they are taken out before
# connecting.  `schema` is read (Prisma keeps its history there); search_path is
# not Prisma's, but libpq rejects it too, and Prisma ignores it.
PRISMA_PARAMETERS = frozenset(
    {
        "schema",
        "connection_limit",
        "pool_timeout",
        "socket_timeout",
        "pgbouncer",
        "statement_cache_size",
        "sslaccept",
        "sslidentity",
        "max_connection_lifetime",
        "max_idle_connection_lifetime",
        "search_path",
    }
)
# libpq parameters whose values are secrets.
SECRET_PARAMETERS = frozenset(
    {"password", "sslpassword", "oauth_client_secret", "scram_client_key", "scram_server_key"}
)
MASK = "***"
_SCRUB_MIN = 4  # shorter secrets are masked where they stand, not scrubbed from free text


@dataclass(frozen=True)
class ConnectionString:
    conninfo: str  # what libpq is given: Prisma's parameters taken out
    printable: str  # the same, every secret replaced by ***
    schema: str | None  # Prisma's ?schema=
    dropped: tuple[str, ...]  # the Prisma parameters taken out (besides schema)
    secrets: tuple[str, ...]  # every form of every secret, longest first

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets)


def scrub(text: str, secrets) -> str:
    """`text` with every secret in it replaced by ***: the net under every message."""
    for secret in secrets:
        if len(secret) >= _SCRUB_MIN:
            text = text.replace(secret, MASK)
    return text


def _unquote(text: str) -> str:
    from urllib.parse import unquote

    return unquote(text, errors="replace")


def _secret_candidates(raw: str) -> set[str]:
    """What could be a secret in a string libpq may not even parse: the URL's
    user-info after its first ':', and every value of a secret parameter."""
    import re

    found = set()
    match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://([^/]*)@", raw)
    if match and ":" in match.group(1):
        found.add(match.group(1).split(":", 1)[1])
    names = "|".join(sorted(SECRET_PARAMETERS))
    for value in re.findall(rf"(?:^|[?&\s])(?:{names})\s*=\s*('(?:[^'\\]|\\.)*'|[^&\s]*)", raw):
        found.add(value)
        found.add(value.strip("'"))
    return {f for s in found for f in (s, _unquote(s)) if f}


def _sorted_secrets(candidates) -> tuple[str, ...]:
    return tuple(sorted({c for c in candidates if c}, key=len, reverse=True))


def _known_names() -> set[str]:
    from psycopg import pq

    return {d.keyword.decode() for d in pq.Conninfo.get_defaults()} | set(PRISMA_PARAMETERS)


def _parse_failure(error, secrets) -> BadConnectionString:
    """libpq's parse error, with every quoted fragment that is not a parameter
    name replaced: it may quote the whole string, password and all."""
    import re

    known = _known_names() | {"="}
    message = str(error).strip().splitlines()[0] if str(error).strip() else "cannot be parsed"
    message = re.sub(r'"([^"]*)"', lambda m: m.group(0) if m.group(1) in known else '"…"', message)
    return BadConnectionString(
        f"the database URL cannot be used: {scrub(message, secrets)} (the URL is not shown)"
    )


def parse_connection_string(raw: str) -> ConnectionString:
    """A postgresql:// URL or a key=value string, as libpq reads it, with
    Prisma's parameters taken out.  Raises BadConnectionString."""
    import re

    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    secrets = _secret_candidates(raw)
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", raw)
    if scheme is None:
        # key=value: Prisma reads no such form, so nothing of Prisma's is taken out.
        try:
            params = conninfo_to_dict(raw)
        except ProgrammingError as error:
            raise _parse_failure(error, _sorted_secrets(secrets)) from None
        secrets |= {str(v) for k, v in params.items() if k in SECRET_PARAMETERS}
        shown = {k: (MASK if k in SECRET_PARAMETERS else v) for k, v in params.items()}
        return ConnectionString(raw, make_conninfo(**shown), None, (), _sorted_secrets(secrets))
    if scheme.group(1).lower() not in ("postgresql", "postgres"):
        raise BadConnectionString(
            f"not a PostgreSQL URL ({scheme.group(1)}://): prisma-isolate needs postgresql://"
        )
    # libpq's own split: the user-info ends at the first '@' or '/'.
    head = scheme.end()
    cut = head
    while cut < len(raw) and raw[cut] not in "@/":
        cut += 1
    userinfo, rest = (
        (raw[head:cut], raw[cut + 1 :]) if raw[cut : cut + 1] == "@" else (None, raw[head:])
    )
    base, _, query = rest.partition("?")
    if "@" in base:
        raise BadConnectionString(
            "the database URL cannot be used: an '@' after the host (percent-encode '/', '@', "
            "'?' and '#' in the user name and password as %2F, %40, %3F, %23; the URL is not shown)"
        )
    kept, dropped, schema = [], [], None
    shown_query = []
    for pair in query.split("&") if query else []:
        key = _unquote(pair.split("=", 1)[0])
        if key in PRISMA_PARAMETERS:
            if key == "schema":
                schema = _unquote(pair.split("=", 1)[1]) if "=" in pair else ""
            else:
                dropped.append(key)
            continue
        kept.append(pair)
        shown_query.append(f"{pair.split('=', 1)[0]}={MASK}" if key in SECRET_PARAMETERS else pair)
    suffix = ("?" + "&".join(kept)) if kept else ""
    prefix = raw[:head]
    conninfo = prefix + (userinfo + "@" if userinfo is not None else "") + base + suffix
    try:
        params = conninfo_to_dict(conninfo)
    except ProgrammingError as error:
        raise _parse_failure(error, _sorted_secrets(secrets)) from None
    secrets |= {str(v) for k, v in params.items() if k in SECRET_PARAMETERS}
    shown_user = userinfo
    if userinfo is not None and ":" in userinfo:
        shown_user = userinfo.split(":", 1)[0] + ":" + MASK
    printable = (
        prefix
        + (shown_user + "@" if shown_user is not None else "")
        + base
        + (("?" + "&".join(shown_query)) if shown_query else "")
    )
    return ConnectionString(conninfo, printable, schema, tuple(dropped), _sorted_secrets(secrets))


def printable_url(raw: str) -> str:
    """The connection string as it may be printed: secrets masked, or nothing
    of it at all when it cannot be parsed."""
    try:
        return parse_connection_string(raw).printable
    except BadConnectionString:
        return "<the database URL, not shown: it cannot be parsed>"


def url_policy(connection: ConnectionString, schema: str) -> list[str]:
    """One policy for every command that connects: a ?schema= naming another
    schema is refused (Prisma would keep its history there); notes for the rest."""
    if connection.schema is not None and connection.schema != schema:
        raise BadConnectionString(
            f"the database URL says ?schema={connection.schema} but the schema is {schema}: "
            f"Prisma would keep its migration history in {connection.schema or 'public'} "
            f"(use ?schema={schema})"
        )
    notes = []
    if connection.schema is None:
        shown = connection.printable
        if "://" in shown:
            shown += ("&" if "?" in shown else "?") + f"schema={schema}"
        else:
            shown = f"its URL with ?schema={schema}"
        notes.append(
            "the database URL has no ?schema= parameter, so Prisma would use public; "
            f"give the application {shown}"
        )
    if connection.dropped:
        notes.append(
            f"Prisma's own URL parameters are not for libpq and were left out here: "
            f"{', '.join(connection.dropped)}"
        )
    return notes


# Connection failures worth waiting for: the server is not up (yet), or the
# network is not.  Anything else (a refused login, a bad option) is final.
_RETRY_SQLSTATES = {"57P03", "53300", "08000", "08001", "08006"}
_RETRY_MESSAGES = (
    "connection refused",
    "could not connect",
    "timeout expired",
    "timed out",
    "could not translate host name",
    "name or service not known",
    "temporary failure in name resolution",
    "no such file or directory",
    "server closed the connection unexpectedly",
    "network is unreachable",
    "no route to host",
    "connection reset",
    "the database system is starting up",
    "the database system is shutting down",
    "the database system is in recovery mode",
    "too many clients",
    "ssl syscall error",
)
# A value libpq refuses when it connects: never cured by waiting, a usage error.
_USAGE_MESSAGES = (
    "invalid sslmode value",
    "invalid integer value",
    "invalid port number",
    "invalid connection option",
    "invalid value for",
    "invalid gssencmode",
    "invalid channel_binding",
    "invalid target_session_attrs",
    "invalid load_balance_hosts",
    "invalid require_auth",
    "invalid sslnegotiation",
    "invalid sslcertmode",
)


def _first_line(error) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def connect(url: str, schema: str, timeout: float, log=None, read_only: bool = True):
    """A connection (read-only unless told otherwise), retried with capped
    exponential backoff and jitter until `timeout` seconds have passed, but
    only while the failure is one that waiting can cure."""
    import psycopg

    parsed = parse_connection_string(url)
    deadline = time.monotonic() + timeout
    attempt = 0
    options = (
        f"-c default_transaction_read_only=on -c search_path={schema} -c statement_timeout=5000"
        if read_only
        else ""
    )
    while True:
        remaining = deadline - time.monotonic()
        try:
            return psycopg.connect(
                parsed.conninfo,
                options=options,
                connect_timeout=max(1, int(min(10, remaining))),
                autocommit=True,
            )
        except psycopg.Error as error:
            sqlstate = getattr(error, "sqlstate", None)
            reason = parsed.scrub(_first_line(error))
            for prefix in ("connection is bad: ", "connection failed: "):
                reason = reason.removeprefix(prefix)
            lowered = reason.lower()
            if any(m in lowered for m in _USAGE_MESSAGES):
                raise BadConnectionString(
                    f"cannot connect to {parsed.printable}: {reason}"
                ) from None
            retry = sqlstate in _RETRY_SQLSTATES or (
                sqlstate is None and any(m in lowered for m in _RETRY_MESSAGES)
            )
            if not retry or time.monotonic() >= deadline:
                raise Unreachable(f"cannot connect to {parsed.printable}: {reason}") from None
            delay = min(10.0, 0.25 * 2**attempt) * random.uniform(0.5, 1.0)
            delay = min(delay, max(0.0, deadline - time.monotonic()))
            if log is not None:
                log(f"database not reachable yet ({reason}); retrying in {delay:.1f}s")
            time.sleep(delay)
            attempt += 1
