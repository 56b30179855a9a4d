"""Shared by the corpus tests: how each corpus schema is rewritten."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.isolation.isolate import Outcome, isolate
from generator.isolation.options import RewriteOptions
from generator.isolation.versions import PrismaVersion
from generator.psl.checks import datasource_schemas  # noqa: F401 - re-exported for tests
from generator.psl.parser import parse_path


@dataclass
class Rewritten:
    unit: Path
    provider: str
    outcome: Outcome

    def files(self, which: str = "outputs") -> list[tuple[str, str]]:
        texts = getattr(self.outcome, which)
        return [(self._name(p), t) for p, t in texts.items()]

    def _name(self, path: str) -> str:
        return str(Path(path).relative_to(self.unit)) if self.unit.is_dir() else Path(path).name


def provider_of(unit: Path) -> str:
    schema = parse_path(unit)
    prop = schema.datasources()[0].property("provider")
    return prop.value.value


def rewrite_unit(unit: Path, version: PrismaVersion | None = None) -> Rewritten | None:
    """The unit rewritten for isolation, or None for providers we do not
    isolate (mysql and mongodb have no schemas)."""
    provider = provider_of(unit)
    if provider in ("mysql", "mongodb"):
        return None
    convert = "postgresql" if provider == "sqlite" else None
    options = RewriteOptions(provider=convert, prisma_version=version)
    return Rewritten(unit, provider, isolate(parse_path(unit), options))
