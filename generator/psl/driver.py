"""The parser at run time, without lark: a tight LALR loop over the tables
lark computed for psl.lark, shipped in psl_tables.RUNTIME.

Importing lark and building its parser objects was a third of a cold
`rewrite --check` (~30 ms).  scripts/psl_tables.py asks lark once for what a
parse needs, as plain data (parser.runtime_tables):

- the LALR actions, state by state: shift to a state, or reduce by a rule;
- each rule's tree shaping, as lark applies it (which children it keeps,
  which `_rule` children it splices in, whether a `?rule` with one child is
  that child) and what it builds: a method of the AST builder, or, for a
  `_rule` its parent splices in, the list of its children;
- the contextual lexer: per state, its terminals' alternation in lark's
  order, the types it ignores, and the keywords a NAME is retyped to.

The loop accepts exactly what lark accepts (tests compare the two on every
corpus and fixture file and on mutated schemas).  It never reports an error
itself: on anything unexpected it raises `Fallback`, and the caller parses
again with lark, whose exceptions make the located diagnostics (an invalid
schema is the rare case; it costs lark's import and one more parse).
"""

from __future__ import annotations

import re
import sys
from operator import itemgetter

# Tokens of one parse lexed with the root scanner where a state's own scanner
# (faster: fewer alternatives; ~0.3 ms to compile) is not built yet.  A schema
# of a few hundred lines stays under it; a large one then compiles its own.
_ROOT_SCANNER_TOKENS = 8192


class Fallback(Exception):
    """The input needs lark's own parser (an error to report)."""


class Token(tuple):
    """A token as the AST builder reads it: type, value and offsets."""

    __slots__ = ()
    type = property(itemgetter(0))
    value = property(itemgetter(1))
    start_pos = property(itemgetter(2))
    end_pos = property(itemgetter(3))

    def __new__(cls, type_: str, value: str, start_pos: int, end_pos: int) -> Token:
        return tuple.__new__(cls, (type_, value, start_pos, end_pos))


class Tree:
    """A reduction with no builder method that its parent keeps as it is
    (none in psl.lark: a `?rule` of one child is that child)."""

    __slots__ = ("data", "children")

    def __init__(self, data: str, children: list) -> None:
        self.data = data
        self.children = children


class Driver:
    def __init__(self, runtime: dict, builder, lexer_callbacks: dict) -> None:
        reductions = [_reduction(rule, builder) for rule in runtime["rules"]]
        # state -> {symbol: (True, next state) | (False, (size, goto symbol, callback))}
        self._actions = {
            state: {
                symbol: (True, argument) if kind == 0 else (False, reductions[argument])
                for symbol, (kind, argument) in row.items()
            }
            for state, row in runtime["states"].items()
        }
        # state -> {rule symbol: the state after reducing to it}
        self._gotos = {
            state: {symbol: argument for symbol, (kind, argument) in row.items() if kind == 0}
            for state, row in runtime["states"].items()
        }
        self._start = runtime["start"]
        self._end = runtime["end"]
        self._lexer_specs = runtime["lexers"]
        self._state_lexer = runtime["state_lexers"]
        self._callbacks = lexer_callbacks
        self._compiled: dict[int, tuple] = {}
        self._scanners: dict[int, tuple] = {}
        self._accepts = {state: frozenset(row) for state, row in runtime["states"].items()}
        # One scanner of every terminal first: a token it finds that the state
        # accepts is the token the state's own scanner would find (that one's
        # alternatives are a subset, in the same order), so the per-state
        # scanners, a regex each to compile, are built only where it is not.
        self._root = self._lexer(runtime["root_lexer"])

    def _lexer(self, number: int) -> tuple:
        """(patterns, ignored types, {type: {literal: keyword type}}) of one lexer."""
        compiled = self._compiled.get(number)
        if compiled is None:
            spec = self._lexer_specs[number]
            # Where spaces are ignored (WS, in every lexer of psl.lark), each
            # token takes the spaces after it along: a token a loop turn, not
            # two.  A trailing `[\t ]*` never changes which alternative matches,
            # or how much of the text it takes, since it always matches.
            spaces = "[\t ]*" if "WS" in spec["ignore"] else ""
            patterns = tuple(
                re.compile(f"(?:{pattern}){spaces}", flags) for pattern, flags in spec["patterns"]
            )
            compiled = (patterns, frozenset(spec["ignore"]), spec["keywords"])
            self._compiled[number] = compiled
        return compiled

    def _scanner(self, state: int) -> tuple:
        """The contextual lexer of `state`, compiled on first use: (its match
        function, ignored types, keyword retyping)."""
        patterns, ignored, keywords = self._lexer(self._state_lexer[state])
        if len(patterns) != 1:  # lark splits an alternation past 100 groups; psl.lark's are one
            raise Fallback("a lexer of several alternations")
        prepared = self._scanners[state] = (patterns[0].match, ignored, keywords)
        return prepared

    def parse(self, text: str):
        actions = self._actions
        gotos = self._gotos
        scanners = self._scanners
        callbacks = self._callbacks
        new_token = tuple.__new__
        intern = sys.intern
        states = [self._start]
        values: list = []
        position = 0
        length = len(text)
        accepts = self._accepts
        root_patterns, root_ignored, root_keywords = self._root
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
                value = match.group(matched)
                literals = root_keywords.get(matched)
                kind = matched if literals is None else literals.get(value, matched)
                if kind in root_ignored:
                    ignored = True
                elif kind in accepts[state]:
                    ignored = False
                else:
                    match = None
            if match is None:  # the state's own scanner decides
                scan, ignored_types, keywords = own or self._scanner(state)
                match = scan(text, position)
                if match is None:
                    raise Fallback("no token here")
                matched = match.lastgroup
                value = match.group(matched)
                literals = keywords.get(matched)
                kind = matched if literals is None else literals.get(value, matched)
                ignored = matched in ignored_types
            end = position + len(value)
            following = match.end()  # past the spaces after the token
            if ignored:
                callback = callbacks.get(matched)
                if callback is not None:
                    callback(new_token(Token, (matched, value, position, end)))
                position = following
                continue
            # One string per distinct name: the AST keeps every one, and a
            # schema repeats its types, fields and attributes (~10 MB at 10,000
            # models).
            value = intern(value)
            token = new_token(Token, (kind, value, position, end))
            callback = callbacks.get(matched)  # lark looks callbacks up by the matched type
            if callback is not None:
                token = callback(token)
                kind = token.type
            position = following
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
                # No callback: an inlined rule, whose value is its children.
                values.append(children if reduce is None else reduce(children))
                states.append(gotos[states[-1]][goto])
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
            values.append(children if reduce is None else reduce(children))
            states.append(gotos[states[-1]][goto])
            if states[-1] == end_state:
                return values[-1]


def _reduction(rule: list, builder) -> tuple:
    """(size, goto symbol, callback) of one rule, its tree shaping applied
    as lark's ParseTreeBuilder applies it (outermost wrapper first).

    A `_rule` is inlined: its parent splices its children in.  Its value is
    that list of children itself (lark builds a Tree and takes its children),
    and None stands for a callback that keeps all of them, which the loop
    then does not call: a third of all reductions (a member's `_model_item`,
    the repetition rules lark makes of `item*`)."""
    origin, size, wrappers, kind, name = rule
    if origin.startswith("_"):
        if kind != "tree" or "single" in wrappers:
            raise ValueError(f"an inlined rule with a builder or a single child: {origin}")
        callback = None
    elif kind == "call":
        callback = getattr(builder, name)
    else:

        def callback(children, name=name):
            return Tree(name, children)

    for wrapper in reversed(wrappers):
        callback = _single(callback) if wrapper == "single" else _filter(wrapper, callback)
    return size, origin, callback


def _single(build):
    """lark's ExpandSingleChild: a `?rule` with one child is that child."""

    def reduce(children):
        return children[0] if len(children) == 1 else build(children)

    return reduce


def _filter(keep: list, build):
    """lark's ChildFilterLALR_NoPlaceholders: the children kept, in order,
    an inlined child's list spliced in; then `build` (None: the list itself).
    As lark does, a first child that is spliced lends its list, which grows in
    place: a left-recursive repetition (a model's members) is not copied once
    per item.  A list is one reduction's value, taken by one parent, so this
    is safe."""
    keep = [(i, bool(splice)) for i, splice in keep]

    def reduce(children):
        kept = None
        for i, splice in keep:
            if splice:
                if kept is None:
                    kept = children[i]
                else:
                    kept += children[i]
            elif kept is None:
                kept = [children[i]]
            else:
                kept.append(children[i])
        if kept is None:
            kept = []
        return kept if build is None else build(kept)

    return reduce
