"""The migration folder's name: a module of its own so that `generate` can
decide whether it is up to date without importing the parser."""

from __future__ import annotations

from datetime import UTC, datetime

from generator.errors import UsageError


def migration_folder_name(name: str, source_date_epoch: str | None) -> str:
    if not name or not all(ch.isalnum() or ch == "_" for ch in name):
        raise UsageError(f"--migration-name {name!r}: use letters, digits and '_'")
    if source_date_epoch is None:
        return f"0_{name}"
    try:
        moment = datetime.fromtimestamp(int(source_date_epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"SOURCE_DATE_EPOCH={source_date_epoch!r} is not a Unix timestamp"
        ) from None
    return f"{moment:%Y%m%d%H%M%S}_{name}"
