"""Jinja templates of prisma-isolate (a package only so that they ship in the wheel)."""
