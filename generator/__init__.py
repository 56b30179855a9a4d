"""prisma-isolate: isolate a Prisma application in its own PostgreSQL schema."""

__version__ = "0.1.0"
