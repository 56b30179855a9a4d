"""Property test: whatever the input, the command ends with an exit code
(0, 1 or 2) and a message, never a traceback and never an internal error.

Inputs are corpus schemas mutated the way real files get broken: tokens
deleted, duplicated or swapped, files cut short, random bytes spliced in."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from conftest import CORPUS, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main


def _seeds() -> list[bytes]:
    paths = [ROOT / "schema.prisma"]
    if CORPUS.is_dir():
        paths += sorted((CORPUS / "real").glob("*.prisma"))
        paths += sorted((CORPUS / "anythingllm").glob("*.prisma"))
        paths += sorted((CORPUS / "psl-tests" / "validation").rglob("*.prisma"))[::7]
    return [p.read_bytes() for p in paths]


SEEDS = _seeds()
TOKEN = re.compile(rb"\w+|\s+|.", re.S)


@st.composite
def mutated(draw) -> bytes:
    text = draw(st.sampled_from(SEEDS))
    tokens = TOKEN.findall(text)
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "cut", "bytes", "insert"]))
        i = draw(st.integers(0, len(tokens) - 1))
        if kind == "delete":
            del tokens[i]
        elif kind == "duplicate":
            tokens.insert(i, tokens[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == "cut":
            tokens = tokens[:i]
        elif kind == "bytes":
            tokens.insert(i, draw(st.binary(min_size=1, max_size=8)))
        else:
            tokens.insert(
                i,
                draw(
                    st.sampled_from(
                        [
                            b"{",
                            b"}",
                            b"(",
                            b")",
                            b"@@",
                            b"@",
                            b'"',
                            b"/*",
                            b"//",
                            b"\n",
                            b"[",
                            b"=",
                            b"type ",
                            b"\r",
                        ]
                    )
                ),
            )
    return b"".join(tokens)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated(), convert=st.booleans())
def test_mutated_schemas_never_crash(data, convert):
    args = ["rewrite", "-", "--check", "--stdin-filename", "fuzz.prisma"]
    if convert:
        args += ["--provider", "postgresql"]
    result = CliRunner().invoke(main, args, input=data)
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.output
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output


def test_seeds_exist():
    assert SEEDS and all(isinstance(s, bytes) for s in SEEDS)
    assert Path(ROOT / "schema.prisma").is_file()


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=mutated())
def test_the_fast_loop_and_lark_agree_on_broken_schemas(data):
    """The fast LALR loop (generator/psl/driver.py) gives lark's AST, or hands
    over to lark and the error is lark's, on every mutation."""
    from generator.errors import PslError
    from generator.psl import driver
    from generator.psl.nodes import to_json
    from generator.psl.parser import parse_text

    text = data.decode("utf-8", errors="replace")

    def outcome():  # spans included: AST equality leaves them out
        try:
            return to_json(parse_text(text, "fuzz.prisma"))
        except PslError as error:
            return ("error", str(error))

    fast = outcome()
    original = driver.Driver.parse
    try:
        driver.Driver.parse = _lark_only
        assert outcome() == fast
    finally:
        driver.Driver.parse = original


def _lark_only(self, text):
    from generator.psl.driver import Fallback

    raise Fallback("lark's parser, for the comparison")
