"""The structure of a J1QL query (j1ql-language.md):

    [FIND] [UNIQUE] selector { THAT traversal | (THAT traversal ...)? [AS alias] }
    [WHERE filter] [RETURN items [HAVING filter]] [ORDER BY items] [SKIP n] [LIMIT n]

    selector  := * | Class | type | #SmartClass [Class] | (A|B...) | "full text"
                 [WITH filter] [AS alias]
    traversal := [!] (VERB [TO] | RELATES TO | (VERB|VERB...)) [<< | >>] [AS alias] selector

HAVING is not in the reference; JupiterOne's published rule packs use it after RETURN.
One pass over the tokens, no backtracking: linear in the query's length."""

from __future__ import annotations

from j1sync.providers.jupiterone.j1ql.cursor import CLAUSES, Stop, shown
from j1sync.providers.jupiterone.j1ql.expressions import Expressions
from j1sync.providers.jupiterone.j1ql.tokens import Token

# The order clauses must come in after the selectors.
CLAUSE_RANK = {name: rank for rank, name in enumerate(CLAUSES, start=1)}
RETURN_WORDS = frozenset({"TREE", "ALL"})


class QueryParser(Expressions):
    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(tokens)
        self.aliases: dict[str, Token] = {}  # AS names, lower-cased
        self.selectors: set[str] = set()  # classes, types and verbs named, lower-cased
        self.columns: set[str] = set()  # RETURN ... AS names, for ORDER BY
        self.complete = False

    def parse(self) -> None:
        try:
            self.query()
            self.complete = True
        except Stop:
            pass

    def query(self) -> None:
        first = self.peek()
        if not (self.take_keyword("FIND") or first.kind == "string"):
            raise self.doubt(first, f"a query starts with FIND, not {shown(first)}")
        self.take_keyword("UNIQUE")
        if self.peek().upper == "SHORTEST":
            raise self.doubt(self.peek(), "FIND SHORTEST PATH is not in the reference")
        if self.peek().kind == "end":
            raise self.error(self.peek(), "FIND names nothing to find")
        self.chain()
        self.clauses()

    # -- selectors and traversals -------------------------------------------------------

    def chain(self) -> None:
        self.selector()
        while True:
            if self.at_keyword("THAT"):
                self.traversal()
            elif self.at_punct("(") and self.peek(1).upper == "THAT":
                self.optional()
            else:
                return

    def selector(self) -> None:
        token = self.peek()
        if token.kind == "smart":
            self.advance()
            self.selectors.add(token.text.lower())
            if self.at_name():
                self.selectors.add(self.advance().text.lower())
        elif token.kind == "string" or (token.kind == "arith" and token.text == "*"):
            self.advance()
        elif self.at_punct("("):
            self.alternatives(self.advance())
        elif self.at_name():
            self.selectors.add(self.advance().text.lower())
        elif self.at_stop():
            raise self.error(token, f"a class, type or * is missing before {shown(token)}")
        else:
            raise self.doubt(token)
        self.selector_tail()

    def selector_tail(self) -> None:
        aliased = False
        while True:
            if keyword := self.take_keyword("WITH"):
                if aliased:
                    raise self.doubt(
                        keyword,
                        "WITH after AS: JupiterOne's parser expects "
                        "the filter before the alias (WITH ... AS name)",
                    )
                self.filter(keyword, post=False)
            elif keyword := self.take_keyword("AS"):
                self.alias(keyword)
                aliased = True
            else:
                return

    def alternatives(self, opening: Token) -> None:
        """`(A|B|...)`: classes, types or verbs."""
        while True:
            token = self.peek()
            if not (self.at_name() or token.kind == "smart"):
                raise self.doubt(token)
            self.selectors.add(self.advance().text.lower())
            if not self.at_punct("|"):
                break
            self.advance()
        self.close(opening)

    def alias(self, keyword: Token) -> None:
        token = self.peek()
        if not self.at_name():
            if self.at_stop():
                raise self.error(token, f"AS names no alias (found {shown(token)})")
            raise self.doubt(token)
        self.advance()
        self.aliases.setdefault(token.text.lower(), token)

    def traversal(self) -> None:
        that = self.advance()
        if self.at_punct("!"):
            self.advance()
        verb = self.peek()
        if verb.upper == "RELATES" and self.peek(1).upper == "TO":
            self.advance()
            self.advance()
        elif self.at_punct("("):
            self.alternatives(self.advance())
        elif self.at_name():
            self.selectors.add(self.advance().text.lower())
            if self.peek().upper == "TO" and self.peek(1).kind != "op":
                self.advance()
        elif self.at_stop():
            raise self.error(verb, f"{that.text} needs a relationship verb, found {shown(verb)}")
        else:
            raise self.doubt(verb)
        for _ in range(2):  # direction and relationship alias, either order
            if self.peek().kind == "dir":
                self.advance()
            elif keyword := self.take_keyword("AS"):
                self.alias(keyword)
        if self.peek().kind == "end" or self.at_punct(")"):
            raise self.doubt(self.peek(), f"no entity after the verb '{verb.text}'")
        self.selector()

    def optional(self) -> None:
        """`(THAT ... )?`, optionally aliased."""
        opening = self.advance()
        while self.at_keyword("THAT"):
            self.traversal()
        self.close(opening)
        if not self.at_punct("?"):
            raise self.doubt(self.peek(), "an optional traversal ends with ')?'")
        self.advance()
        if keyword := self.take_keyword("AS"):
            self.alias(keyword)

    # -- clauses ----------------------------------------------------------------------

    def clauses(self) -> None:
        seen: dict[str, Token] = {}
        while self.peek().kind != "end":
            token = self.peek()
            name = token.upper
            if name not in CLAUSE_RANK:
                self.misplaced(token, seen)
            later = [w for w in seen if CLAUSE_RANK[w] >= CLAUSE_RANK[name]]
            if name in seen:
                raise self.error(token, f"{name} is given twice")
            if later and {name, *later} != {"SKIP", "LIMIT"}:
                raise self.error(token, f"{name} must come before {later[0]}")
            seen[name] = self.advance()
            self.clause(token)

    def misplaced(self, token: Token, seen: dict[str, Token]) -> None:
        before = next(iter(seen), None)
        if before and (token.upper in ("THAT", "WITH", "FIND") or self.at_punct("(")):
            what = "a traversal (THAT)" if token.upper != "WITH" else token.upper
            if token.upper == "FIND":
                what = "FIND"
            raise self.error(
                token,
                f"{what} cannot follow {before}: it comes before "
                "WHERE, RETURN, ORDER BY, SKIP and LIMIT",
            )
        raise self.doubt(token)

    def clause(self, keyword: Token) -> None:
        name = keyword.upper
        if name == "WHERE":
            self.filter(keyword, post=True)
        elif name == "RETURN":
            self.returns(keyword)
        elif name == "HAVING":  # on RETURN's columns, as JupiterOne's rule packs use it
            self.filter(keyword, post=True, having=True)
        elif name == "ORDER":
            if not self.take_keyword("BY"):
                raise self.error(self.peek(), "ORDER needs BY")
            self.order_by(keyword)
        else:
            self.count(keyword)

    def returns(self, keyword: Token) -> None:
        if self.at_stop():
            raise self.error(self.peek(), "RETURN is followed by nothing to return")
        while True:
            if self.peek().upper in RETURN_WORDS and not self.peek().text.count("."):
                self.advance()
            else:
                self.expression()
            if self.take_keyword("AS"):
                column = self.peek()
                if column.kind not in ("word", "string"):
                    raise self.doubt(column)
                self.columns.add(self.advance().text.lower())
            if not self.at_punct(","):
                return
            self.advance()

    def order_by(self, keyword: Token) -> None:
        if self.at_stop():
            raise self.error(self.peek(), "ORDER BY is followed by nothing to sort by")
        while True:
            token = self.peek()
            if token.kind != "word" or self.at_stop():
                raise self.doubt(token)
            self.order_references.append(self.advance())
            self.take_keyword("ASC", "DESC")
            if not self.at_punct(","):
                return
            self.advance()

    def count(self, keyword: Token) -> None:
        """SKIP or LIMIT: a whole number (or a variable)."""
        token = self.peek()
        if token.kind == "var":
            self.advance()
            return
        negative = token.kind == "arith" and token.text == "-"
        number = self.peek(1) if negative else token
        if number.kind != "number" or negative or "." in number.text:
            shown_value = "-" + number.text if negative else shown(number)
            raise self.error(
                token, f"{keyword.upper} takes a whole number of 0 or more, not {shown_value}"
            )
        self.advance()
