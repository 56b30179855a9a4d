"""A tighter LALR loop over lark's own tables, lexers and callbacks.

lark's parser spends most of a parse in per-token machinery that a schema
does not need: line counting, generators between lexer and parser, Rule
objects hashed at every reduction, a regular expression run again to tell a
keyword from a name.  This loop does the same work with the same tables and
the same per-state (contextual) scanners, on plain dicts prepared once:

- a reduction is (size, the goto symbol, the callback), looked up by state;
- a keyword is retyped by a dict lookup (lark's UnlessCallback of literal
  strings);
- tokens carry `type`, `value`, `start_pos` and `end_pos`, which is all the
  AST builder reads (line and column are left None).

It accepts exactly what lark accepts.  It never reports an error itself: on
anything unexpected it raises `Fallback`, and the caller parses again with
lark, whose exceptions make the located diagnostics (an invalid schema is the
rare case; it costs one more parse).
"""

from __future__ import annotations

import sys

from lark import Token
from lark.lexer import PatternStr, UnlessCallback
from lark.parsers.lalr_analysis import Shift

# Tokens of one parse lexed with the root scanner where a state's own scanner
# (faster: fewer alternatives; ~0.3 ms to compile) is not built yet.  A schema
# of a few hundred lines stays under it; a large one then compiles its own.
_ROOT_SCANNER_TOKENS = 8192


class Fallback(Exception):
    """The input needs lark's own parser (an error to report, or a case this
    loop does not handle)."""


class Driver:
    def __init__(self, lark_parser) -> None:
        frontend = lark_parser.parser
        inner = frontend.parser.parser
        table = inner.parse_table
        callbacks = inner.callbacks
        if any(isinstance(key, str) for key in callbacks):
            raise Fallback("terminal callbacks")  # the AST builder has none
        self._start = table.start_states["start"]
        self._end = table.end_states["start"]
        # state -> {symbol: (True, next state) | (False, (size, goto symbol, callback))}
        self._actions: dict[int, dict] = {}
        for state, row in table.states.items():
            prepared = {}
            for symbol, (action, arg) in row.items():
                if action is Shift:
                    prepared[symbol] = (True, arg)
                else:
                    prepared[symbol] = (
                        False,
                        (len(arg.expansion), arg.origin.name, callbacks[arg]),
                    )
            self._actions[state] = prepared
        self._contextual = frontend.lexer
        self._scanners: dict[int, tuple] = {}
        self._by_lexer: dict[int, tuple] = {}
        # One scanner of every terminal first: a token it finds that the state
        # accepts is the token the state's own scanner would find (that one's
        # alternatives are a subset, in the same order), so the per-state
        # scanners, a regex each to compile, are built only where it is not.
        self._root = self._prepare(frontend.lexer.root_lexer)
        self._accepts = {state: frozenset(row) for state, row in table.states.items()}

    def _scanner(self, state: int) -> tuple:
        """The contextual lexer of `state`, prepared on first use."""
        prepared = self._scanners[state] = self._prepare(self._contextual.lexers[state])
        return prepared

    def _prepare(self, basic) -> tuple:
        """(patterns, ignored types, {type: {literal: keyword type}}, {type: callback})
        of one of lark's lexers, prepared as lark prepares it."""
        prepared = self._by_lexer.get(id(basic))
        if prepared is None:
            patterns = basic.scanner._mres  # builds the scanner and its callbacks
            keywords: dict[str, dict[str, str]] = {}
            others: dict = {}
            for type_, callback in basic.callback.items():
                literals = _literal_keywords(callback)
                if literals is not None:
                    keywords[type_] = literals
                else:
                    others[type_] = callback
            prepared = (patterns, basic.ignore_types, keywords, others)
            self._by_lexer[id(basic)] = prepared
        return prepared

    def parse(self, text: str):
        actions = self._actions
        scanners = self._scanners
        new_token = Token._future_new
        intern = sys.intern
        states = [self._start]
        values: list = []
        position = 0
        length = len(text)
        accepts = self._accepts
        root_patterns, root_ignored, root_keywords, root_callbacks = self._root
        (root_pattern,) = root_patterns if len(root_patterns) == 1 else (None,)
        # The root scanner for a state whose own is not compiled yet, for the
        # first tokens of a parse: a small schema compiles none of them.
        on_root = _ROOT_SCANNER_TOKENS if root_pattern is not None else 0
        while position < length:
            state = states[-1]
            match = None
            own = scanners.get(state)
            if own is None and on_root > 0:
                on_root -= 1
                match = root_pattern.match(text, position)
            if match is not None:
                matched = match.lastgroup
                value = match.group()
                literals = root_keywords.get(matched)
                kind = matched if literals is None else literals.get(value, matched)
                callbacks = root_callbacks
                if kind in root_ignored:
                    ignored = True
                elif kind in accepts[state]:
                    ignored = False
                else:
                    match = None
            if match is None:  # the state's own scanner decides
                patterns, ignored_types, keywords, callbacks = own or self._scanner(state)
                for pattern in patterns:
                    match = pattern.match(text, position)
                    if match is not None:
                        break
                else:
                    raise Fallback("no token here")
                matched = match.lastgroup
                value = match.group()
                literals = keywords.get(matched)
                kind = matched if literals is None else literals.get(value, matched)
                ignored = matched in ignored_types
            end = match.end()
            if ignored:
                callback = callbacks.get(matched)
                if callback is not None:
                    callback(new_token(matched, value, position, None, None, None, None, end))
                position = end
                continue
            # One string per distinct name: the AST keeps every one, and a
            # schema repeats its types, fields and attributes (~10 MB at 10,000
            # models).
            value = intern(value)
            token = new_token(kind, value, position, None, None, None, None, end)
            callback = callbacks.get(matched)  # lark looks callbacks up by the matched type
            if callback is not None:
                token = callback(token)
                kind = token.type
            position = end
            while True:
                try:
                    shift, argument = actions[states[-1]][kind]
                except KeyError:
                    raise Fallback("unexpected token") from None
                if shift:
                    states.append(argument)
                    values.append(token)
                    break
                size, goto, reduce = argument
                if size:
                    children = values[-size:]
                    del states[-size:]
                    del values[-size:]
                else:
                    children = []
                values.append(reduce(children))
                states.append(actions[states[-1]][goto][1])
        end_state = self._end
        while True:
            try:
                shift, argument = actions[states[-1]]["$END"]
            except KeyError:
                raise Fallback("unexpected end of input") from None
            if shift:
                raise Fallback("shift at the end")
            size, goto, reduce = argument
            if size:
                children = values[-size:]
                del states[-size:]
                del values[-size:]
            else:
                children = []
            values.append(reduce(children))
            states.append(actions[states[-1]][goto][1])
            if states[-1] == end_state:
                return values[-1]


def _literal_keywords(callback) -> dict[str, str] | None:
    """lark's UnlessCallback retypes a NAME that spells a keyword by matching
    the keywords' alternation again; for plain literals a dict does it."""
    if not isinstance(callback, UnlessCallback):
        return None
    scanner = callback.scanner
    if scanner.g_regex_flags:
        return None
    literals = {}
    for terminal in scanner.terminals:
        if not isinstance(terminal.pattern, PatternStr) or terminal.pattern.flags:
            return None
        literals.setdefault(terminal.pattern.value, terminal.name)
    return literals
