"""Jinja's compilation of templates/*.jinja, written by
scripts/compiled_templates.py; do not edit.  Used only with this Jinja
version and these template sources (generator/sql/render.py)."""

JINJA_VERSION = '3.1.6'
TEMPLATES_SHA256 = 'e1bd6eef6b286984a5590354313729e524b9e5695ffb5718456c85c2120a1a36'
