"""J1QL text -> tokens, each with its offsets in the query (for a caret under the spot).

Written from JupiterOne's language reference (j1ql-language.md): keywords are
case-insensitive, strings take single or double quotes, `[name]` wraps a property name
with special characters, `/* ... */` is a comment, `${ name }` a variable or parameter,
`date(...)` a static date; a value may also be a regular expression (`/run./i`, as
JupiterOne's own rule packs write). Anything else the tokenizer does not know becomes an
`other` token: the parser warns about it rather than calling the query broken.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# Comparison operators, longest first (j1ql-language.md: "String Comparisons").
COMPARISONS = ("!~=", "!^=", "!$=", "~=", "^=", "$=", "!=", ">=", "<=", "=", ">", "<")
DIRECTIONS = ("<<", ">>")

# One pattern finds the next token's start and what kind of token it begins (the
# alternatives in the order they are tried; `<<` and `>>` before the comparisons).
_NEXT = re.compile(
    r"""\s*(?:
      (?P<quote>['"])
    | (?P<var>\$\{)
    | (?P<comment>/\*)
    | (?P<slash>/)
    | (?P<smart>\#)
    | (?P<word>(?:[^\W\d]\w*|@\w*|_\w*|\[[^\]\n]*\])(?:\.(?:\w+|\[[^\]\n]*\]|\*))*)
    | (?P<bracket>\[)
    | (?P<number>\d+(?:\.\d+)?)
    | (?P<dir><<|>>)
    | (?P<op>"""
    + "|".join(re.escape(c) for c in COMPARISONS)
    + r""")
    | (?P<arith>[-+*^])
    | (?P<punct>[(),|?!])
    | (?P<other>.)
    )?""",
    re.VERBOSE | re.DOTALL,
)
_WORD = re.compile(r"[^\W\d]\w*|@\w*|_\w*")
_DATE_CALL = re.compile(r"\s*\(")
_QUOTED = {q: re.compile(rf"{q}(?:\\[\s\S]|[^{q}\\])*{q}") for q in "'\""}
_REGEX = re.compile(r"/(?:\\[\s\S]|[^/\\\n])*/[a-z]*")


class Token(NamedTuple):
    kind: str  # word string number op dir arith punct var regex date smart other end
    text: str
    start: int
    end: int
    upper: str = ""  # a word's text in upper case (keywords are case-insensitive)


class TokenizeError(Exception):
    """Certainly broken text (an unclosed quote, comment, variable, bracket or regex)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


def tokenize(text: str) -> list[Token]:
    """Every token of `text` and a final `end` token. Raises TokenizeError."""
    tokens: list[Token] = []
    append = tokens.append
    pos, size = 0, len(text)
    previous_kind = ""
    while True:
        found = _NEXT.match(text, pos)
        assert found is not None  # every part of the pattern is optional
        kind = found.lastgroup
        if kind is None:  # only space was left
            append(Token("end", "", size, size))
            return tokens
        pos = found.start(kind)
        if kind == "word":  # a name or `[special name]`, and its `.step`s
            end = found.end()
            date = _date(text, pos, end) if end - pos == 4 else None
            if date is not None:
                token = date
            elif text.startswith(".[", end):
                raise _unclosed_bracket(end + 1)
            else:
                name = text[pos:end]
                token = Token("word", name, pos, end, name.upper())
        elif kind == "comment":
            close = text.find("*/", pos + 2)
            if close < 0:
                raise TokenizeError("comment '/*' is never closed with '*/'", pos, pos + 2)
            pos = close + 2
            continue
        elif kind == "quote":
            token = _quoted(text, pos)
        elif kind == "var":
            close = text.find("}", pos + 2)
            if close < 0:
                raise TokenizeError("variable '${' is never closed with '}'", pos, pos + 2)
            token = Token("var", text[pos + 2 : close].strip(), pos, close + 1)
        elif kind == "slash":
            token = (
                _regex(text, pos) if previous_kind == "op" else Token("arith", "/", pos, pos + 1)
            )
        elif kind == "bracket":  # not closed on its line
            raise _unclosed_bracket(pos)
        elif kind == "smart":
            word = _WORD.match(text, pos + 1)
            end = word.end() if word else pos + 1
            token = Token("smart", text[pos + 1 : end], pos, end)
        else:  # number dir op arith punct other: the text matched
            end = found.end()
            token = Token(kind, text[pos:end], pos, end)
        append(token)
        pos, previous_kind = token.end, token.kind


def _date(text: str, pos: int, end: int) -> Token | None:
    """`date(2019-10-30)`: a static date (not `date.now`)."""
    if text[pos:end].lower() != "date":
        return None
    paren = _DATE_CALL.match(text, end)
    if paren is None:
        return None
    close = text.find(")", paren.end())
    if close < 0:
        return None
    return Token("date", text[paren.end() : close].strip(), pos, close + 1)


def _quoted(text: str, pos: int) -> Token:
    found = _QUOTED[text[pos]].match(text, pos)
    if found is None:
        raise TokenizeError(f"string opened with {text[pos]} is never closed", pos, pos + 1)
    end = found.end()
    return Token("string", text[pos + 1 : end - 1], pos, end)


def _regex(text: str, pos: int) -> Token:
    found = _REGEX.match(text, pos)
    if found is None:
        raise TokenizeError("regular expression opened with / is never closed", pos, pos + 1)
    return Token("regex", found.group(), pos, found.end())


def _unclosed_bracket(pos: int) -> TokenizeError:
    return TokenizeError("'[' is never closed with ']'", pos, pos + 1)
