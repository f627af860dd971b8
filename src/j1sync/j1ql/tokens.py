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
from dataclasses import dataclass

# Comparison operators, longest first (j1ql-language.md: "String Comparisons").
COMPARISONS = ("!~=", "!^=", "!$=", "~=", "^=", "$=", "!=", ">=", "<=", "=", ">", "<")
DIRECTIONS = ("<<", ">>")

_WORD = re.compile(r"[^\W\d]\w*|@\w*|_\w*", re.UNICODE)
# after a name: `.prop`, `.[special-name]`, `.*`
_PATH_STEP = re.compile(r"\.(?:\w+|\[[^\]\n]*\]|\*)", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Token:
    kind: str  # word string number op dir arith punct var regex date smart other end
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


class TokenizeError(Exception):
    """Certainly broken text (an unclosed quote, comment, variable, bracket or regex)."""

    def __init__(self, message: str, start: int, end: int) -> None:
        super().__init__(message)
        self.message, self.start, self.end = message, start, end


def tokenize(text: str) -> list[Token]:
    """Every token of `text` and a final `end` token. Raises TokenizeError."""
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while True:
        space = _SPACE.match(text, pos)
        if space:
            pos = space.end()
        if pos >= size:
            tokens.append(Token("end", "", size, size))
            return tokens
        if text.startswith("/*", pos):
            close = text.find("*/", pos + 2)
            if close < 0:
                raise TokenizeError("comment '/*' is never closed with '*/'", pos, pos + 2)
            pos = close + 2
            continue
        token = _token_at(text, pos, tokens[-1] if tokens else None)
        tokens.append(token)
        pos = token.end


def _token_at(text: str, pos: int, previous: Token | None) -> Token:
    char = text[pos]
    if char in "'\"":
        return _quoted(text, pos)
    if char == "$" and text.startswith("${", pos):
        close = text.find("}", pos + 2)
        if close < 0:
            raise TokenizeError("variable '${' is never closed with '}'", pos, pos + 2)
        return Token("var", text[pos + 2 : close].strip(), pos, close + 1)
    if char == "/" and previous is not None and previous.kind == "op":
        return _regex(text, pos)
    if char == "[":
        return _path(text, pos, _bracketed(text, pos))
    if char == "#":
        word = _WORD.match(text, pos + 1)
        end = word.end() if word else pos + 1
        return Token("smart", text[pos + 1 : end], pos, end)
    word = _WORD.match(text, pos)
    if word:
        if word.group().lower() == "date":
            after = _SPACE.match(text, word.end())
            paren = after.end() if after else word.end()
            if text.startswith("(", paren) and not text.startswith(".", word.end()):
                close = text.find(")", paren)
                if close >= 0:
                    return Token("date", text[paren + 1 : close].strip(), pos, close + 1)
        return _path(text, pos, word.end())
    number = _NUMBER.match(text, pos)
    if number:
        return Token("number", number.group(), pos, number.end())
    for symbols, kind in ((COMPARISONS, "op"), (DIRECTIONS, "dir")):
        for symbol in symbols:
            if text.startswith(symbol, pos) and not (kind == "op" and _is_direction(text, pos)):
                return Token(kind, symbol, pos, pos + len(symbol))
    if char in "+-*/^":
        return Token("arith", char, pos, pos + 1)
    if char in "(),|?!":
        return Token("punct", char, pos, pos + 1)
    return Token("other", char, pos, pos + 1)


def _is_direction(text: str, pos: int) -> bool:
    return text.startswith("<<", pos) or text.startswith(">>", pos)


def _quoted(text: str, pos: int) -> Token:
    quote, index = text[pos], pos + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return Token("string", text[pos + 1 : index], pos, index + 1)
        index += 1
    raise TokenizeError(f"string opened with {quote} is never closed", pos, pos + 1)


def _regex(text: str, pos: int) -> Token:
    index = pos + 1
    while index < len(text) and text[index] != "\n":
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "/":
            flags = re.compile(r"[a-z]*").match(text, index + 1)
            end = flags.end() if flags else index + 1
            return Token("regex", text[pos:end], pos, end)
        index += 1
    raise TokenizeError("regular expression opened with / is never closed", pos, pos + 1)


def _bracketed(text: str, pos: int) -> int:
    close = text.find("]", pos)
    newline = text.find("\n", pos)
    if close < 0 or (0 <= newline < close):
        raise TokenizeError("'[' is never closed with ']'", pos, pos + 1)
    return close + 1


def _path(text: str, pos: int, end: int) -> Token:
    """A name and its `.step`s: `u`, `tag.Production`, `p.[special-name]`, `u.*`."""
    while True:
        if text.startswith(".[", end):
            end = _bracketed(text, end + 1)
            continue
        step = _PATH_STEP.match(text, end)
        if step is None:
            return Token("word", text[pos:end], pos, end)
        end = step.end()
