"""The parser's footing: a position in the token list, and the two ways to stop.

`error` is for what is certainly broken (the issue's list: unbalanced quotes or
parentheses, a clause in the wrong place, an undefined alias, a LIMIT the API cannot take,
an empty filter); `doubt` for anything else the checker does not understand, which may
well be J1QL the reference does not describe: a warning, never an error. Either stops the
parse, so one slip is reported once."""

from __future__ import annotations

from j1sync.providers.jupiterone.j1ql.findings import Finding, Severity
from j1sync.providers.jupiterone.j1ql.tokens import Token

# Words that begin or join clauses; never a class, type, verb or property in their place.
KEYWORDS = frozenset(
    {"FIND", "WITH", "THAT", "AS", "WHERE", "RETURN", "ORDER", "SKIP", "LIMIT", "AND", "OR"}
    | {"NOT", "UNIQUE"}
)
CLAUSES = ("WHERE", "RETURN", "HAVING", "ORDER", "SKIP", "LIMIT")
# What can end a filter or a selector.
STOPS = frozenset({"THAT", "AS", "WITH", "FIND", *CLAUSES})


class Stop(Exception):
    """The parse ends here; the finding says why."""


class Cursor:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.last = len(tokens) - 1  # the `end` token
        self.findings: list[Finding] = []

    def peek(self, ahead: int = 0) -> Token:
        if ahead:
            return self.tokens[min(self.index + ahead, self.last)]
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if self.index < self.last:
            self.index += 1
        return token

    def at_keyword(self, *words: str) -> bool:
        return self.tokens[self.index].upper in words

    def take_keyword(self, *words: str) -> Token | None:
        token = self.tokens[self.index]
        if token.upper in words:
            return self.advance()
        return None

    def at_punct(self, char: str, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token.kind == "punct" and token.text == char

    def at_stop(self) -> bool:
        """At the end, or at a word that ends what came before."""
        token = self.tokens[self.index]
        return token.kind == "end" or token.upper in STOPS

    def at_name(self) -> bool:
        token = self.tokens[self.index]
        return token.kind == "word" and token.upper not in KEYWORDS

    def stop(self, severity: Severity, token: Token, message: str) -> Stop:
        end = token.end if token.end > token.start else token.start + 1
        self.findings.append(Finding(severity, message, token.start, end))
        return Stop()

    def error(self, token: Token, message: str) -> Stop:
        return self.stop("error", token, message)

    def doubt(self, token: Token, message: str | None = None) -> Stop:
        return self.stop("warning", token, message or unexpected(token))


def shown(token: Token) -> str:
    if token.kind == "end":
        return "the end of the query"
    if token.kind == "string":
        return f"the string '{token.text}'"
    return f"'{token.text}'"


def unexpected(token: Token) -> str:
    return (
        f"the checker does not understand {shown(token)} here; JupiterOne may accept it, "
        "so this is not an error"
    )
