"""The rewrite's options: a small module, so that the CLI can describe them
(for the verdict cache) without importing the parser."""

from __future__ import annotations

from dataclasses import dataclass

from generator.isolation.versions import PrismaVersion

DEFAULT_SCHEMA = "anythingllm"


@dataclass(frozen=True)
class RewriteOptions:
    schema: str = DEFAULT_SCHEMA
    keep_in_public: frozenset[str] = frozenset()
    force: bool = False
    provider: str | None = None  # convert the datasource to this provider
    prisma_version: PrismaVersion | None = None
