"""Write generator/psl/psl_tables.py from generator/psl/psl.lark (run after
editing the grammar or upgrading lark; tests/test_parser.py fails while the
file is stale).

    .venv/bin/python scripts/psl_tables.py [--stdout]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "generator" / "psl" / "psl_tables.py"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from generator.psl.parser import tables_source

    source = tables_source((ROOT / "generator" / "psl" / "psl.lark").read_text(encoding="utf-8"))
    if "--stdout" in sys.argv:
        sys.stdout.write(source)
        return
    TARGET.write_text(source, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)} ({len(source):,} bytes)")


if __name__ == "__main__":
    main()
