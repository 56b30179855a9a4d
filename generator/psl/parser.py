"""Parse Prisma schema files into the typed AST (generator.nodes).

The grammar is psl.lark (LALR, contextual lexer).  driver.py parses on the
tables shipped in psl_tables.py, without importing lark; lark parses only a
schema the driver hands back (a syntax error, for lark's located diagnostic).
Either way the AST builder runs inline, so no parse tree is ever built.
Comments are collected by a lexer callback and attached to nodes afterwards
(`_attach_comments`).
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import sys
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from generator.errors import Diagnostic, PslError
from generator.psl.driver import Driver, Fallback, Token
from generator.psl.nodes import (
    Argument,
    ArrayLit,
    Attribute,
    Comment,
    Config,
    ConfigProperty,
    Constant,
    Enum,
    EnumValue,
    Field,
    FieldType,
    FunctionCall,
    Model,
    NumberLit,
    Schema,
    SchemaFile,
    StringLit,
    TypeAlias,
)
from generator.psl.source import SourceFile, Span, schema_files_in

MAX_NESTING = 32  # arrays and function calls in one another; deeper is refused, located
_NESTING = (ArrayLit, FunctionCall)

# What the user should read for each terminal in "expected one of ...".
_TERMINAL_NAMES = {
    "NAME": "identifier",
    "ARGUMENT_NAME": "argument name",
    "DOTTED_NAME": "identifier",
    "NUMBER": "number",
    "STRING": "string",
    "_NL": "newline",
    "$END": "end of file",
    "RBRACE": '"}"',
    "LBRACE": '"{"',
    "RPAR": '")"',
    "LPAR": '"("',
    "LSQB": '"["',
    "RSQB": '"]"',
    "LIST": '"[]"',
    "OPTIONAL": '"?"',
    "REQUIRED": '"!"',
    "COLON": '":"',
    "LEGACY_COLON": '":"',
    "COMMA": '","',
    "TRAILING_COMMA": '","',
    "EQUAL": '"="',
    "FIELD_ATTRIBUTE": "field attribute",
    "BLOCK_ATTRIBUTE": "block attribute",
    "MODEL": '"model"',
    "VIEW": '"view"',
    "TYPE": '"type"',
    "ENUM": '"enum"',
    "DATASOURCE": '"datasource"',
    "GENERATOR": '"generator"',
}


def _comment_kind(text: str) -> str:
    if text.startswith("///"):
        return "doc"
    if text.startswith("/*"):
        return "block"
    return "line"


class _Builder:
    """Builds AST nodes from the LALR reductions (inline: no tree is kept), for
    the driver and, on an error, for lark (whose tokens are its own: `_TOKENS`).

    `source` is set before each parse; spans refer to it."""

    def __init__(self):
        self.source: SourceFile | None = None
        self.nesting: dict[int, int] = {}  # id(ArrayLit | FunctionCall) -> depth, nested ones only

    def _span(self, start: int, end: int) -> Span:
        return Span(self.source, start, end)

    # -- expressions --

    def string(self, children):
        (token,) = children
        return StringLit(token.value, self._span(token.start_pos, token.end_pos))

    def number(self, children):
        (token,) = children
        return NumberLit(token.value, self._span(token.start_pos, token.end_pos))

    def constant(self, children):
        (token,) = children
        return Constant(token.value, self._span(token.start_pos, token.end_pos))

    def array(self, children):
        open_bracket = children[0]
        close = children[-1]
        items = children[1:-1]
        trailing = bool(items) and isinstance(items[-1], _TOKENS)
        items = [c for c in items if not isinstance(c, _TOKENS)]
        array = ArrayLit(items, trailing, self._span(open_bracket.start_pos, close.end_pos))
        return self._nested(array, items)

    def function_call(self, children):
        name, (arguments, trailing_comma, end) = children
        call = FunctionCall(name.value, arguments, self._span(name.start_pos, end))
        return self._nested(call, [a.value for a in arguments])

    def _nested(self, node, values: list):
        """`node` (an array or a call) holding `values`.  PSL nests neither
        deeper than an array in a call; a pathological nesting must end as a
        located error here, not as a RecursionError wherever the AST is walked
        later (the self-check, the formatter, the SQL)."""
        nested = [self.nesting.get(id(v), 1) for v in values if type(v) in _NESTING]
        if nested:
            depth = 1 + max(nested)
            if depth > MAX_NESTING:
                message = f"arrays and function calls nested more than {MAX_NESTING} deep"
                raise PslError([Diagnostic.at(node.span, message)])
            self.nesting[id(node)] = depth
        return node

    def arguments(self, children):
        close = children[-1]
        items = children[:-1]
        trailing = bool(items) and isinstance(items[-1], _TOKENS)
        arguments = [
            c if type(c) is Argument else Argument(None, c, c.span)
            for c in items
            if not isinstance(c, _TOKENS)
        ]
        return arguments, trailing, close.end_pos

    def named_argument(self, children):
        name, value = children
        return Argument(
            name.value[:-1].rstrip(" \t"), value, self._span(name.start_pos, value.span.end)
        )

    def empty_argument(self, children):
        (name,) = children
        return Argument(
            name.value[:-1].rstrip(" \t"), None, self._span(name.start_pos, name.end_pos)
        )

    # -- attributes --

    def _attribute(self, children, block: bool) -> Attribute:
        token = children[0]
        # Interned: the slice is a new string per attribute, and a schema
        # repeats a few names (~4 MB at 10,000 models).
        name = sys.intern(token.value[2 if block else 1 :].lstrip(" \t"))
        if len(children) == 1:
            span = self._span(token.start_pos, token.end_pos)
            return Attribute(name, None, block, False, span)
        args, trailing_comma, end = children[1]
        return Attribute(name, args, block, trailing_comma, self._span(token.start_pos, end))

    def field_attribute(self, children):
        return self._attribute(children, False)

    def block_attribute(self, children):
        return self._attribute(children, True)

    # -- fields and types --

    def field_type(self, children):
        name = children[0]
        kinds = [t.type for t in children[1:]]
        return FieldType(
            name.value,
            list="LIST" in kinds,
            optional="OPTIONAL" in kinds,
            legacy_required="REQUIRED" in kinds,
            span=self._span(name.start_pos, children[-1].end_pos),
        )

    def unsupported_type(self, children):
        name, string, close, *modifiers = children
        if name.value != "Unsupported":
            raise _SyntaxAt(name.start_pos, f'unexpected "(" after type {name.value}')
        kinds = [t.type for t in modifiers]
        literal = StringLit(string.value, self._span(string.start_pos, string.end_pos))
        return FieldType(
            name.value,
            list="LIST" in kinds,
            optional="OPTIONAL" in kinds,
            legacy_required="REQUIRED" in kinds,
            unsupported=literal,
            span=self._span(name.start_pos, children[-1].end_pos),
        )

    def legacy_list_type(self, children):
        open_bracket, name, close = children
        return FieldType(
            name.value,
            legacy_list=True,
            span=self._span(open_bracket.start_pos, close.end_pos),
        )

    def field(self, children):
        name = children[0]
        rest = children[1:]
        colon = bool(rest) and isinstance(rest[0], _TOKENS)
        if colon:
            rest = rest[1:]
        field_type = rest[0] if rest and type(rest[0]) is FieldType else None
        attributes = rest[1:] if field_type is not None else rest
        if attributes:
            end = attributes[-1].span.end
        elif field_type is not None:
            end = field_type.span.end
        else:
            end = children[1].end_pos if colon else name.end_pos
        return Field(
            name.value,
            field_type,
            attributes,
            legacy_colon=colon,
            span=self._span(name.start_pos, end),
        )

    def enum_value(self, children):
        name, *attributes = children
        end = attributes[-1].span.end if attributes else name.end_pos
        return EnumValue(name.value, attributes, self._span(name.start_pos, end))

    def config_property(self, children):
        key, value = children
        return ConfigProperty(
            key.value,
            value,
            self._span(key.start_pos, value.span.end),
            self._span(key.start_pos, key.end_pos),
        )

    # -- blocks --

    def model(self, children):
        keyword, name, *members, close = children
        return Model(
            keyword.value,
            name.value,
            members,
            self._span(keyword.start_pos, close.end_pos),
            self._span(name.start_pos, name.end_pos),
            self._span(close.start_pos, close.end_pos),
        )

    def enum(self, children):
        keyword, name, *members, close = children
        return Enum(
            name.value,
            members,
            self._span(keyword.start_pos, close.end_pos),
            self._span(name.start_pos, name.end_pos),
            self._span(close.start_pos, close.end_pos),
        )

    def config(self, children):
        keyword, name, *members, close = children
        return Config(
            keyword.value,
            name.value,
            members,
            self._span(keyword.start_pos, close.end_pos),
            self._span(name.start_pos, name.end_pos),
            self._span(close.start_pos, close.end_pos),
        )

    def type_alias(self, children):
        keyword, name, base, *attributes = children
        end = attributes[-1].span.end if attributes else base.span.end
        return TypeAlias(
            name.value,
            base,
            attributes,
            self._span(keyword.start_pos, end),
            self._span(name.start_pos, name.end_pos),
        )

    def start(self, children):
        return children


class _SyntaxAt(Exception):
    """A syntax error found by the transformer rather than the LALR tables."""

    def __init__(self, offset: int, message: str):
        self.offset = offset
        self.message = message


_GRAMMAR = "psl.lark"
_parser = None  # lark's, built on the first error
# The token classes the builder may see: the driver's, and lark's once it parsed.
_TOKENS: tuple = (Token,)
_builder = _Builder()
_comments: list[Token] = []


def _collect_comment(token: Token) -> Token:
    _comments.append(token)
    return token


_LINE_COMMENT = re.compile(r"//[^\r\n]*")


def _collect_newline_comments(token: Token) -> Token:
    # An _NL token swallows comment-only lines; hand their comments over.
    if "/" in token.value:
        base = token.start_pos
        for match in _LINE_COMMENT.finditer(token.value):
            _comments.append(
                Token("LINE_COMMENT", match.group(), base + match.start(), base + match.end())
            )
    return token


def _cache_path(grammar: str) -> str | None:
    """Where the analysed grammar is cached when the shipped tables do not
    apply: a private per-user directory (lark's own `cache=True` uses the
    shared temp dir, and a pickle loaded from a world-writable place is a
    code-execution hole), keyed by grammar text and lark version."""
    import lark

    from generator.cache import private_directory

    directory = private_directory("grammar")
    if directory is None:
        return None
    digest = hashlib.sha256((lark.__version__ + "\0" + grammar).encode()).hexdigest()[:20]
    return os.path.join(directory, f"psl-{digest}.lark")


# The grammar's analysis options; the parse-time ones are added in get_parser.
_ANALYSIS = dict(
    parser="lalr",
    lexer="contextual",
    # No placeholders: lark then wraps fewer reductions in child filters; the
    # callbacks tell optional children apart by type.
    maybe_placeholders=False,
)


def tables_source(grammar: str) -> str:
    """The Python module psl_tables.py: the grammar's LALR and lexer tables,
    so that a cold start (a CI runner, a first run) neither imports lark nor
    analyses the grammar.  RUNTIME is what the driver needs, as plain data
    (runtime_tables); DATA and MEMO are lark's own serialization, for lark's
    parser on an error.  Written by `scripts/psl_tables.py`; the same bytes on
    every machine (_canonical_table)."""
    import lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    data, memo = lark.Lark(grammar, **_ANALYSIS).memo_serialize([TerminalDef, Rule])
    data["parser"]["parser"] = _canonical_table(data["parser"]["parser"])
    loaded = lark.Lark._load_from_dict(data, memo, **_parse_time_options())
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()
    return (
        '"""The LALR and lexer tables of psl.lark.\n\n'
        "Generated by scripts/psl_tables.py; do not edit.  The driver runs on\n"
        "RUNTIME for this grammar; get_parser() loads DATA and MEMO for lark's parser,\n"
        'only with this lark version, and analyses the grammar otherwise."""\n\n'
        f"LARK_VERSION = {lark.__version__!r}\n"
        f"GRAMMAR_SHA256 = {digest!r}\n"
        f"RUNTIME = {runtime_tables(loaded)!r}\n"
        f"DATA = {data!r}\n"
        f"MEMO = {memo!r}\n"
    )


def runtime_tables(parser) -> dict:
    """What driver.Driver needs of a lark parser, as plain data: the LALR
    actions ({state: {symbol: (0, state) | (1, rule)}}), the rules as
    (origin, size, tree-shaping wrappers outermost first, "call" | "tree",
    name), and the contextual lexer's lexers (patterns in lark's order,
    ignored types, keyword retyping) with the lexer of each state."""
    from functools import partial

    from lark.lexer import PatternStr, UnlessCallback
    from lark.parse_tree_builder import ChildFilterLALR_NoPlaceholders, ExpandSingleChild
    from lark.parsers.lalr_analysis import Shift

    frontend = parser.parser
    inner = frontend.parser.parser
    table = inner.parse_table
    callbacks = inner.callbacks
    rules = sorted(
        callbacks,
        key=lambda r: (r.origin.name, r.order, r.alias or "", [s.name for s in r.expansion]),
    )
    number = {rule: i for i, rule in enumerate(rules)}
    rule_specs = []
    for rule in rules:
        callback, wrappers = callbacks[rule], []
        while True:
            if isinstance(callback, ChildFilterLALR_NoPlaceholders):
                wrappers.append([(i, bool(splice)) for i, splice, *_ in callback.to_include])
            elif isinstance(callback, ExpandSingleChild):
                wrappers.append("single")
            else:
                break
            callback = callback.node_builder
        if isinstance(callback, partial):  # partial(Tree, name): no builder method
            target = ("tree", callback.args[0])
        else:
            target = ("call", callback.__name__)
        rule_specs.append((rule.origin.name, len(rule.expansion), wrappers, *target))
    states = {
        state: {
            symbol: (0, argument) if action is Shift else (1, number[argument])
            for symbol, (action, argument) in sorted(row.items())
        }
        for state, row in sorted(table.states.items())
    }
    lexers: list[dict] = []
    seen: dict[int, int] = {}
    parse_time = _parse_time_options()["lexer_callbacks"]

    def lexer_number(basic) -> int:
        if id(basic) not in seen:
            patterns = [(p.pattern, p.flags) for p in basic.scanner._mres]  # builds .callback
            keywords = {}
            for type_, callback in sorted(basic.callback.items()):
                if not isinstance(callback, UnlessCallback):
                    assert parse_time.get(type_) is callback, type_  # only ours
                    continue
                scanner = callback.scanner
                assert not scanner.g_regex_flags, type_
                literals: dict[str, str] = {}
                for terminal in scanner.terminals:
                    assert isinstance(terminal.pattern, PatternStr), terminal
                    assert not terminal.pattern.flags, terminal
                    literals.setdefault(terminal.pattern.value, terminal.name)
                keywords[type_] = literals
            seen[id(basic)] = len(lexers)
            lexers.append(
                {
                    "patterns": patterns,
                    "ignore": sorted(basic.ignore_types),
                    "keywords": keywords,
                }
            )
        return seen[id(basic)]

    contextual = frontend.lexer
    root = lexer_number(contextual.root_lexer)
    state_lexers = {state: lexer_number(contextual.lexers[state]) for state in states}
    return {
        "start": table.start_states["start"],
        "end": table.end_states["start"],
        "states": states,
        "rules": rule_specs,
        "lexers": lexers,
        "root_lexer": root,
        "state_lexers": state_lexers,
    }


def _parse_time_options() -> dict:
    return dict(
        transformer=_builder,
        lexer_callbacks={
            "LINE_COMMENT": _collect_comment,
            "BLOCK_COMMENT": _collect_comment,
            "_NL": _collect_newline_comments,
        },
    )


def _canonical_table(table: dict) -> dict:
    """Lark's serialized LALR table with states numbered in one canonical
    order (breadth first from the start states, transitions by token name) and
    tokens by name: lark's own numbering follows object addresses, so it
    differs from run to run although the automaton is the same."""
    names = table["tokens"]
    actions = {
        state: {names[token]: action for token, action in row.items()}
        for state, row in table["states"].items()
    }
    order: dict[int, int] = {}
    queue = [table["start_states"][start] for start in sorted(table["start_states"])]
    for state in queue:
        order.setdefault(state, len(order))
    while queue:
        state = queue.pop(0)
        for _token, (kind, target) in sorted(actions[state].items()):
            if kind == 0 and target not in order:
                order[target] = len(order)
                queue.append(target)
    tokens = sorted({name for row in actions.values() for name in row})
    index = {name: i for i, name in enumerate(tokens)}

    def renumbered(action):
        kind, target = action
        return (kind, order[target]) if kind == 0 else action

    return {
        "tokens": dict(enumerate(tokens)),
        "states": {
            order[state]: {
                index[name]: renumbered(action) for name, action in sorted(actions[state].items())
            }
            for state in sorted(actions, key=order.__getitem__)
        },
        "start_states": {k: order[v] for k, v in sorted(table["start_states"].items())},
        "end_states": {k: order[v] for k, v in sorted(table["end_states"].items())},
    }


def _tables_of(grammar: str):
    """The shipped psl_tables module, when it was written for `grammar`."""
    try:
        from generator.psl import psl_tables as tables
    except ImportError:
        return None
    digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()
    return tables if tables.GRAMMAR_SHA256 == digest else None


def _shipped_tables(grammar: str, options: dict):
    """lark's parser from the shipped tables, when they are this grammar's and
    this lark's (lark's serialized form is its own, version to version)."""
    import lark

    tables = _tables_of(grammar)
    if tables is None or tables.LARK_VERSION != lark.__version__:
        return None
    try:
        return lark.Lark._load_from_dict(tables.DATA, tables.MEMO, **options)
    except Exception:  # noqa: BLE001 - any failure: analyse the grammar instead
        return None


def get_parser():
    """lark's parser (imported on the first error: the driver needs no lark)."""
    global _parser, _TOKENS
    if _parser is None:
        import lark

        _TOKENS = (Token, lark.Token)
        grammar = grammar_text()
        parse_time = _parse_time_options()
        _parser = _shipped_tables(grammar, parse_time)
        if _parser is not None:
            return _parser
        options = {**_ANALYSIS, **parse_time}
        cache = _cache_path(grammar)
        if cache is not None:
            try:
                _parser = lark.Lark(grammar, cache=cache, **options)
            except (OSError, EOFError, ValueError):
                _parser = None
        if _parser is None:
            _parser = lark.Lark(grammar, **options)
    return _parser


@contextmanager
def gc_paused():
    # The parse allocates many small objects and frees none of them; the cyclic
    # GC's generational passes then make parse time superlinear.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the pause made would be the young generation, whose count is
            # far past its threshold: the next allocation would scan all of it
            # (12 ms after a 1,000-model parse).  Frozen then unfrozen, it is
            # in the oldest generation instead, unscanned; a full collection
            # still sees it.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def grammar_text() -> str:
    """psl.lark, read beside this module."""
    from generator import package_text

    return package_text(__package__, _GRAMMAR)


@cache
def _driver() -> Driver | None:
    """The LALR loop over psl_tables.RUNTIME (generator/psl/driver.py), when
    the shipped tables are this grammar's; else None (lark parses)."""
    tables = _tables_of(grammar_text())
    if tables is None:
        return None
    options = _parse_time_options()
    return Driver(tables.RUNTIME, options["transformer"], options["lexer_callbacks"])


def parse_source(source: SourceFile) -> SchemaFile:
    """Parse one file.  Raises PslError with a located diagnostic."""
    _builder.source = source
    _builder.nesting.clear()  # ids of a previous parse's nodes may be reused
    del _comments[:]
    with gc_paused():
        try:
            try:
                driver = _driver()
                if driver is None:
                    raise Fallback("no shipped tables for this grammar")
                blocks = driver.parse(source.text)
            except Fallback:
                # Not a schema the fast loop finishes: lark's parser, whose
                # errors make the located diagnostics, starts afresh.
                _builder.nesting.clear()
                del _comments[:]
                blocks = _lark_parse(source)
        except _SyntaxAt as error:
            raise PslError([Diagnostic("error", error.message, source, error.offset)]) from None
        except UnicodeError as error:  # pragma: no cover - decoded text never gets here
            raise PslError([Diagnostic("error", str(error), source, 0)]) from None
        comments = [
            Comment(_comment_kind(t.value), t.value, Span(source, t.start_pos, t.end_pos))
            for t in _comments
        ]
        del _comments[:]
        schema_file = SchemaFile(source, blocks)
        _attach_comments(schema_file, comments)
    return schema_file


def _lark_parse(source: SourceFile):
    from lark.exceptions import UnexpectedInput

    try:
        return get_parser().parse(source.text)
    except UnexpectedInput as error:
        raise PslError([_syntax_diagnostic(source, error)]) from None


def parse_text(text: str, path: str = "schema.prisma") -> Schema:
    return Schema([parse_source(SourceFile(path, text))])


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    if token.type == "_NL":
        return "newline"
    value = token.value
    if len(value) > 40:
        value = value[:37] + "..."
    return f'"{value}"'


def _expected(names) -> str:
    readable = sorted({_TERMINAL_NAMES.get(n, n) for n in names if not n.startswith("__")})
    if not readable:
        return ""
    if len(readable) == 1:
        return f", expected {readable[0]}"
    return ", expected one of " + ", ".join(readable)


def _syntax_diagnostic(source: SourceFile, error) -> Diagnostic:
    """The located diagnostic of one of lark's UnexpectedInput errors."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            opener = _last_block_opener(source.text)
            if opener is not None and "RBRACE" in (error.accepts or error.expected):
                # Point at the block that never closed, not at the end of the file.
                return Diagnostic(
                    "error",
                    'this block is never closed: no "}" before the end of the file',
                    source,
                    opener,
                )
            offset = len(source.text)
        else:
            offset = token.start_pos
        message = f"unexpected {_describe_token(token)}{_expected(error.accepts or error.expected)}"
        return Diagnostic("error", message, source, offset)
    if isinstance(error, UnexpectedCharacters):
        offset = error.pos_in_stream
        char = source.text[offset]
        if source.text.startswith("/*", offset):
            message = "unterminated block comment"
        elif char == '"':
            message = "unterminated string (or a control character inside it)"
        else:
            message = f"unexpected character {char!r}{_expected(error.allowed or ())}"
        return Diagnostic("error", message, source, offset)
    if isinstance(error, UnexpectedEOF):
        return Diagnostic(
            "error", f"unexpected end of file{_expected(error.expected)}", source, len(source.text)
        )
    return Diagnostic("error", str(error), source, 0)  # pragma: no cover


_BLOCK_OPENER = re.compile(
    r"^[ \t]*(?:model|view|type|enum|datasource|generator)[ \t]+[^\s{]+[ \t]*\{", re.M
)


def _last_block_opener(text: str) -> int | None:
    last = None
    for match in _BLOCK_OPENER.finditer(text):
        last = match.start()
    if last is None:
        return None
    return last + len(text[last:]) - len(text[last:].lstrip(" \t"))


# --- comments ---------------------------------------------------------------


def _members(block) -> list:
    return getattr(block, "members", [])


def _attach_comments(schema_file: SchemaFile, comments: list[Comment]) -> None:
    """Give every comment an owner.

    - after code on the same line: `trailing` of the line's innermost item
      (member, else the block whose header or closing brace is on that line);
    - on lines of its own: `leading` of the next item in the same container;
    - with nothing after it in its container: `dangling` on the block or file.
    """
    if not comments:
        return
    source = schema_file.source
    text = source.text
    # Only lines holding a comment are looked up: an index of every line and
    # item would be ~20 MB at 10,000 models, for a schema with a few comments.
    comment_lines = {source.line_start(comment.span.start) for comment in comments}
    # line start offset -> innermost item starting (or, for blocks, closing) there
    by_line: dict[int, object] = {}
    blocks = schema_file.blocks
    for block in blocks:
        line = source.line_start(block.span.start)
        if line in comment_lines:
            by_line.setdefault(line, block)
        close = getattr(block, "close_span", None)
        if close is not None:
            line = source.line_start(close.start)
            if line in comment_lines:
                by_line.setdefault(line, block)
        for member in _members(block):
            line = source.line_start(member.span.start)
            if line in comment_lines:
                by_line[line] = member

    def in_order():
        """Items in source order with their container (None: the file)."""
        for block in blocks:
            yield block.span.start, block, None
            for member in _members(block):
                yield member.span.start, member, block

    # Comments are tuples on the nodes (the empty one shared: most nodes have
    # none, and a list each cost ~20 MB at 10,000 models); gathered here first.
    gathered: dict[tuple[int, str], tuple[object, str, list[Comment]]] = {}

    def attach(owner, slot: str, comment: Comment) -> None:
        entry = gathered.get((id(owner), slot))
        if entry is None:
            gathered[id(owner), slot] = (owner, slot, [comment])
        else:
            entry[2].append(comment)

    upcoming = in_order()
    current = next(upcoming, None)
    block_index = 0
    for comment in comments:
        start = comment.span.start
        line_start = source.line_start(start)
        owner = by_line.get(line_start)
        if owner is not None and owner.span.start < start and text[line_start:start].strip():
            attach(owner, "trailing", comment)
            continue
        # innermost container holding the comment
        while block_index < len(blocks) and blocks[block_index].span.end <= start:
            block_index += 1
        container = None
        if block_index < len(blocks) and blocks[block_index].span.start <= start:
            container = blocks[block_index]
        while current is not None and current[0] < comment.span.end:
            current = next(upcoming, None)
        if current is not None:
            _, item, item_container = current
            if item_container is container:
                attach(item, "leading", comment)
                continue
        if container is not None and hasattr(container, "dangling"):
            attach(container, "dangling", comment)
        elif container is not None:
            attach(container, "trailing", comment)
        else:
            attach(schema_file, "dangling", comment)
    for owner, slot, attached in gathered.values():
        setattr(owner, slot, tuple(attached))


# --- files and folders ------------------------------------------------------


def read_source(path: Path, display: str | None = None) -> SourceFile:
    """Read a schema file as UTF-8, with a located error for bad bytes."""
    name = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise PslError([Diagnostic("error", f"cannot read: {error.strerror}", path=name)]) from None
    return decode_source(data, name)


def decode_source(data: bytes, name: str) -> SourceFile:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        source = SourceFile(name, good + "\ufffd" + data[error.end :].decode("utf-8", "replace"))
        raise PslError(
            [Diagnostic("error", "the file is not valid UTF-8", source, len(good))]
        ) from None
    if "\x00" in text:
        source = SourceFile(name, text)
        raise PslError([Diagnostic("error", "NUL byte in schema file", source, text.index("\x00"))])
    return SourceFile(name, text)


def parse_path(path: Path) -> Schema:
    """Parse a schema file, or a folder of .prisma files as one schema."""
    if path.is_dir():
        files = schema_files_in(path)
        if not files:
            raise PslError([Diagnostic("error", "no .prisma files in this folder", path=str(path))])
        sources = [read_source(f) for f in files]
    else:
        sources = [read_source(path)]
    return parse_sources(sources)


def parse_sources(sources: list[SourceFile]) -> Schema:
    """Parse several files as one schema; every file's syntax errors are reported."""
    parsed: list[SchemaFile] = []
    diagnostics: list[Diagnostic] = []
    for source in sources:
        try:
            parsed.append(parse_source(source))
        except PslError as error:
            diagnostics.extend(error.diagnostics)
    if diagnostics:
        raise PslError(diagnostics)
    return Schema(parsed)
