"""prisma-isolate: isolate a Prisma application in its own PostgreSQL schema."""

__version__ = "0.1.0"


def package_text(package: str, name: str) -> str:
    """A file shipped in `package` (generator.psl, generator.db, ...), read
    beside the package's modules: importlib.resources costs ~3 ms to import,
    a tenth of a build step's own work, and serves only a zipped install."""
    from pathlib import Path

    path = Path(__file__).parent.joinpath(*package.split(".")[1:], name)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    from importlib import resources

    return resources.files(package).joinpath(name).read_text(encoding="utf-8")
