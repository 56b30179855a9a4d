"""A Prisma migrations folder: the name of a new migration folder, and the
migrations a folder holds (in Prisma's order, with Prisma's checksums).
Light to import: `generate` decides whether it is up to date without the parser."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.errors import EXIT_USAGE, CommandFailure, UsageError


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


@dataclass(frozen=True)
class LocalMigration:
    name: str
    path: Path
    script: str

    @property
    def checksum(self) -> str:
        return checksum(self.script)


def checksum(script: str) -> str:
    """sha256 of the script's UTF-8 bytes, 64 lowercase hex digits (Prisma's form)."""
    return hashlib.sha256(script.encode("utf-8")).hexdigest()


def accepted_checksums(script: str) -> list[str]:
    """Every checksum Prisma accepts for this file, its own first: the file as
    is, or with its line endings switched (git may have converted them), each
    also in old engines' unpadded hex."""
    accepted = []
    for variant in (script, script.replace("\r\n", "\n"), script.replace("\n", "\r\n")):
        digest = hashlib.sha256(variant.encode("utf-8")).digest()
        for form in (digest.hex(), "".join(f"{b:x}" for b in digest)):
            if form not in accepted:
                accepted.append(form)
    return accepted


def checksum_matches(script: str, recorded: str) -> bool:
    """Prisma's comparison of a recorded checksum with the file."""
    return recorded in accepted_checksums(script)


def local_migrations(directory: Path) -> list[LocalMigration]:
    """The migrations folder's migrations, in the order Prisma applies them
    (lexicographic by folder name)."""
    if not directory.is_dir():
        raise CommandFailure(
            "usage",
            f"{directory}: no migrations folder (run `prisma-isolate generate` first)",
            EXIT_USAGE,
        )
    migrations = []
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        script_path = folder / "migration.sql"
        if not script_path.is_file():
            # Prisma stops here too (P3015) rather than skip a migration silently.
            raise CommandFailure(
                "missing_migration_file",
                f"P3015: could not find the migration file at {script_path}. Delete the "
                "folder or restore the migration file.",
                EXIT_USAGE,
                migration=folder.name,
            )
        try:
            script = script_path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandFailure(
                "usage",
                f"{script_path}: not UTF-8 ({error.reason} at byte {error.start})",
                EXIT_USAGE,
            ) from None
        migrations.append(LocalMigration(folder.name, script_path, script))
    return migrations


def lock_provider(text: str) -> str | None:
    """The provider a migration_lock.toml names."""
    import re

    match = re.search(r'^\s*provider\s*=\s*"([^"]*)"', text, re.M)
    return match.group(1) if match else None


def history_problem(
    output: Path, migrations: str, files: dict[str, str], appending: bool = False
) -> str | None:
    """Why writing `files` (relative to `output`) would break the history of
    the migrations folder `migrations` (relative), or None.  Applied history is
    immutable: an existing migration is never edited, and a history is never
    given a second baseline or mixed with another provider's."""
    folder = output / migrations
    if not folder.is_dir():
        return None
    lock = folder / "migration_lock.toml"
    if lock.is_file():
        provider = lock_provider(lock.read_text(encoding="utf-8", errors="replace"))
        if provider not in (None, "postgresql", "postgres"):
            return (
                f"{folder} holds a {provider} migration history (migration_lock.toml); a "
                "PostgreSQL history is never mixed into it: generate into a fresh folder"
            )
    existing = sorted(p.name for p in folder.iterdir() if p.is_dir())
    ours = {
        Path(relative).parent.name: text
        for relative, text in files.items()
        if relative.startswith(f"{migrations}/") and relative.endswith("/migration.sql")
    }
    for name, text in ours.items():
        script = folder / name / "migration.sql"
        if script.is_file() and script.read_bytes() != text.encode("utf-8"):
            return (
                f"{script} exists and says something else: the schema changed since it was "
                "written, and a migration a database may have applied is never edited. The new "
                "migration must be appended instead, which prisma-isolate cannot write yet; "
                "nothing was written"
            )
    others = [name for name in existing if name not in ours]
    if others and ours and not appending:
        return (
            f"{folder} already holds a migration history ({', '.join(others)}); writing "
            f"{', '.join(ours)} beside it would give it a second baseline. Nothing was written"
        )
    return None


# --- the history record ----------------------------------------------------------
# Beside the migrations, prisma-isolate records what they produce: the migrations
# (names and checksums) and the isolated schema at the end of them.  A later
# generate diffs from that state; when the folder no longer matches the record
# (a migration edited, added or removed by hand), the state is unknown.
RECORD = ".prisma-isolate.json"


@dataclass
class History:
    migrations: list[tuple[str, str]]  # (name, checksum), in Prisma's order
    schema: dict[str, str]  # the isolated schema at the end of them: path -> text


def record_text(history: History) -> str:
    import json

    data = {
        "version": 1,
        "migrations": [{"name": n, "checksum": c} for n, c in history.migrations],
        "schema": history.schema,
    }
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_history(folder: Path) -> tuple[list[LocalMigration], History | None]:
    """The folder's migrations and the record of what they produce (None when
    there is no record).  Raises UsageError when the record does not describe
    the folder."""
    import json

    if not folder.is_dir():
        return [], None
    lock = folder / "migration_lock.toml"
    if lock.is_file():
        provider = lock_provider(lock.read_text(encoding="utf-8", errors="replace"))
        if provider not in (None, "postgresql", "postgres"):
            raise UsageError(
                f"{folder} holds a {provider} migration history (migration_lock.toml); a "
                "PostgreSQL history is never mixed into it: generate into a fresh folder"
            )
    try:
        local = local_migrations(folder)
    except CommandFailure as error:
        raise UsageError(error.message) from None
    path = folder / RECORD
    if not path.is_file():
        return local, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        history = History(
            [(m["name"], m["checksum"]) for m in data["migrations"]], dict(data["schema"])
        )
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{path}: not a prisma-isolate history record") from None
    found = [(m.name, m.checksum) for m in local]
    if found != history.migrations:
        recorded = ", ".join(n for n, _ in history.migrations) or "none"
        raise UsageError(
            f"{folder} holds migrations ({', '.join(n for n, _ in found) or 'none'}) other than "
            f"those prisma-isolate recorded ({recorded}): one was edited, added or removed by "
            "hand, so the schema they produce is unknown. Restore the folder, or (not possible "
            "yet) replay it on a shadow database; nothing was written"
        )
    return local, history
