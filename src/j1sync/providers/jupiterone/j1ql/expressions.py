"""Filters (WITH, WHERE) and value expressions (RETURN, ORDER BY) of J1QL.

Filters: comparisons joined by AND / OR, NOT, parentheses; a comparison's value may be
the `('a' OR 'b')` shorthand, `undefined`, a date (`date.now - 1 day`, `date(2019-10-30)`),
a variable, a regular expression, or (after WHERE) another selector's property. Order of
operations as j1ql-language.md gives it; the checker only needs the shape."""

from __future__ import annotations

from j1sync.providers.jupiterone.j1ql.cursor import Cursor, shown
from j1sync.providers.jupiterone.j1ql.tokens import COMPARISONS, Token

# j1ql-language.md, "Relative Date Comparison"; other units are warned about, not refused.
DATE_UNITS = frozenset(
    {"hour", "hr", "hours", "hrs", "day", "days", "month", "mo", "months", "mos"}
    | {"year", "yr", "years", "yrs", "minute", "minutes", "min", "mins", "week", "weeks"}
)
# Aggregates, scalar and math functions of j1ql-language.md.
FUNCTIONS = frozenset(
    {"count", "min", "max", "avg", "sum", "concat", "merge", "abs", "sqrt", "ceil", "floor"}
    | {"round", "coalesce"}
)
LITERAL_WORDS = frozenset({"TRUE", "FALSE", "UNDEFINED", "NULL"})


class Expressions(Cursor):
    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(tokens)
        self.references: list[Token] = []  # `alias` or `alias.prop` used after the selectors
        self.order_references: list[Token] = []  # also RETURN's column names may be used
        self.having = False

    # -- filters ----------------------------------------------------------------------

    def filter(self, clause: Token, *, post: bool, having: bool = False) -> None:
        """The condition after WITH (`post` False), WHERE or HAVING (`post` True)."""
        self.having = having
        if self.at_stop():
            self.keyword_property()
            raise self.error(
                self.peek(), f"empty filter: {clause.text} is followed by {shown(self.peek())}"
            )
        self.disjunction(post)

    def disjunction(self, post: bool) -> None:
        self.conjunction(post)
        while joiner := self.take_keyword("OR"):
            self.expect_operand(joiner)
            self.conjunction(post)

    def conjunction(self, post: bool) -> None:
        self.negation(post)
        while joiner := self.take_keyword("AND"):
            self.expect_operand(joiner)
            self.negation(post)

    def expect_operand(self, joiner: Token) -> None:
        token = self.peek()
        if self.at_stop():
            self.keyword_property()
        if self.at_stop() or self.at_punct(")") or token.upper in ("AND", "OR"):
            raise self.error(token, f"empty filter: nothing after {joiner.text}")

    def keyword_property(self) -> None:
        """A keyword followed by a comparison (`WITH limit = 1`, `AND order > 2`) is a
        property of that name, not a filter left empty: whether JupiterOne's parser takes
        a keyword as a property name is not documented, so it is a warning."""
        token = self.peek()
        if token.kind == "word" and self.peek(1).kind == "op":
            raise self.doubt(
                token,
                f"'{token.text}' is a J1QL keyword, here a property name: JupiterOne may "
                f"read it as the keyword; the reference wraps unusual property names in "
                f"[ ] ([{token.text}])",
            )

    def negation(self, post: bool) -> None:
        while self.take_keyword("NOT"):
            pass
        if self.at_punct("("):
            opening = self.advance()
            if self.at_punct(")"):
                raise self.error(opening, "empty filter: '()' holds no condition")
            self.disjunction(post)
            self.close(opening)
            return
        self.comparison(post)

    def comparison(self, post: bool) -> None:
        left = self.peek()
        if left.kind != "word" or left.upper in LITERAL_WORDS:
            raise self.doubt(left)
        self.advance()
        if self.having:  # a RETURN column or a selector's property
            self.order_references.append(left)
        elif post:
            if "." not in left.text:
                raise self.doubt(
                    left, f"WHERE filters by selector.property; '{left.text}' names no selector"
                )
            self.references.append(left)
        operator = self.peek()
        if operator.kind != "op":
            raise self.doubt(
                operator,
                f"expected a comparison ({' '.join(COMPARISONS)}) "
                f"after '{left.text}', found {shown(operator)}",
            )
        self.advance()
        value = self.peek()
        if self.at_stop() or value.upper in ("AND", "OR") or self.at_punct(")"):
            raise self.error(value, f"empty filter: '{left.text} {operator.text}' has no value")
        self.value(post)

    def value(self, post: bool) -> None:
        self.term(post, in_filter=True)
        while self.peek().kind == "arith":
            self.advance()
            self.term(post, in_filter=True)

    def shorthand(self, opening: Token, post: bool) -> None:
        """`= ('a' OR 'b')`: values joined by OR or AND."""
        if self.at_punct(")"):
            raise self.error(opening, "empty filter: '()' holds no value")
        self.value(post)
        while joiner := self.take_keyword("OR", "AND"):
            if self.at_punct(")") or self.at_stop():
                raise self.error(self.peek(), f"empty filter: nothing after {joiner.text}")
            self.value(post)
        self.close(opening)

    def close(self, opening: Token) -> None:
        if not self.at_punct(")"):
            raise self.doubt(self.peek())
        self.advance()

    # -- terms ------------------------------------------------------------------------

    def term(self, post: bool, *, in_filter: bool) -> None:
        token = self.peek()
        if token.kind in ("string", "var", "regex", "date"):
            self.advance()
        elif token.kind == "number":
            self.advance()
            self.unit()
        elif token.kind == "arith" and token.text == "-":
            self.advance()
            self.term(post, in_filter=in_filter)
        elif self.at_punct("("):
            opening = self.advance()
            if in_filter:
                self.shorthand(opening, post)
            else:
                self.expression()
                self.close(opening)
        elif token.kind == "word" and token.upper not in ("AND", "OR", "NOT"):
            self.word_term(token, post, in_filter=in_filter)
        else:
            raise self.doubt(token)

    def unit(self) -> None:
        token = self.peek()
        if token.kind == "word" and token.text.lower() in DATE_UNITS:
            self.advance()
        elif token.kind == "word" and not self.at_stop() and token.upper not in ("AND", "OR"):
            raise self.doubt(token, f"'{token.text}' is not a date unit the reference lists")

    def word_term(self, token: Token, post: bool, *, in_filter: bool) -> None:
        self.advance()
        if token.upper in LITERAL_WORDS or token.text.lower() == "date.now":
            return
        if self.at_punct("("):
            self.call(token)
            return
        if in_filter and (not post or "." not in token.text):
            raise self.doubt(token, f"'{token.text}' is not quoted: string values take quotes")
        self.references.append(token)

    # -- RETURN and ORDER BY expressions ----------------------------------------------

    def expression(self) -> None:
        self.term(False, in_filter=False)
        while self.peek().kind == "arith":
            self.advance()
            self.term(False, in_filter=False)

    def call(self, name: Token) -> None:
        if name.text.lower() not in FUNCTIONS:
            raise self.doubt(name, f"'{name.text}' is not a function the reference lists")
        opening = self.advance()
        if self.peek().kind == "arith" and self.peek().text == "*":  # count(*)
            self.advance()
        elif not self.at_punct(")"):
            self.expression()
            while self.at_punct(","):
                self.advance()
                self.expression()
        self.close(opening)
