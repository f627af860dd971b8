"""Whether xyOps would take a regular expression: a server group's `hostname_match` and a
monitor's `data_match` must compile as JavaScript's `new RegExp(text)` (no flags; xyOps
1.0.88 lib/api/groups.js, api-v1.0.88.md create_monitor), else the create or update is
refused half-way through an apply.

Python's `re` judges it, once the text is written as Python reads the same expression:
JavaScript's named groups and back references, its empty classes (`[]`, `[^]`), `\\cX`,
the identity escapes JavaScript takes without the `u` flag (`\\e` is `e`), and a `-` next
to `\\d` in a class, which JavaScript reads as itself. What Python takes and JavaScript
refuses is refused first: inline flags and other `(?` groups JavaScript has no such thing
as (`(?i)`, `(?P<n>`, `(?#`, `(?>`), and possessive quantifiers (`a++`). A numbered back
reference is an atom whatever it names (a later group, or none: an octal escape), and a
`{` that starts no quantifier is itself.
"""

from __future__ import annotations

import re
import warnings

# Escapes Python's re knows (the rest of the ASCII letters are JavaScript identity escapes)
_PYTHON_ESCAPES = frozenset("abfnrtvdDsSwWbBAZ")
_HEX = frozenset("0123456789abcdefABCDEF")
_NAMED_GROUP = re.compile(r"<([A-Za-z_$][\w$]*)>")
_JS_GROUPS = (":", "=", "!", "<=", "<!")
_DIGITS = re.compile(r"\d+")
_CLASS_ESCAPE = re.compile(r"\\[dDwWsS]")
_CLASS_ESCAPE_END = re.compile(r"\\[dDwWsS]$")
_BRACES = re.compile(r"\{\d+(?:,\d*)?\}")  # a {n}, {n,} or {n,m} quantifier


class _Refused(Exception):
    pass


def regex_problem(text: str) -> str | None:
    """Why `new RegExp(text)` would throw, or None."""
    try:
        python = _as_python(text)
    except _Refused as refused:
        return str(refused)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "possible nested set" and the like
            re.compile(python)
    except re.error as error:
        return f"not a regular expression: {error.msg}"
    except (OverflowError, RecursionError):
        return "not a regular expression xyOps could compile (too large or too deep)"
    return None


def _names(text: str) -> set[str]:
    """The names of the named groups `text` opens (outside classes and escapes)."""
    names: set[str] = set()
    at = 0
    in_class = False
    while at < len(text):
        char = text[at]
        if char == "\\":
            at += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(" and (named := _NAMED_GROUP.match(text, at + 2)):
            names.add(named.group(1))
        at += 1
    return names


def _escape(text: str, at: int, names: set[str]) -> tuple[str, int]:
    """The Python of the escape at `at` (a backslash), and where the text goes on."""
    if at + 1 >= len(text):
        raise _Refused("not a regular expression: \\ at end of pattern")
    letter = text[at + 1]
    number = _DIGITS.match(text, at + 1)
    if number and number.group() != "0":
        return "0", number.end()  # a back reference (any, even later) or an octal escape
    if letter == "k":
        return _named_reference(text, at, names)
    if letter == "c":
        control = text[at + 2 : at + 3]
        if control.isascii() and control.isalpha():
            return re.escape(chr(ord(control) % 32)), at + 3
        return re.escape("\\c"), at + 2
    if letter in "xu":
        width = 2 if letter == "x" else 4
        hexadecimal = text[at + 2 : at + 2 + width]
        if len(hexadecimal) == width and set(hexadecimal) <= _HEX:
            return text[at : at + 2 + width], at + 2 + width
        return letter, at + 2
    if letter.isascii() and letter.isalpha() and letter not in _PYTHON_ESCAPES:
        return letter, at + 2
    return text[at : at + 2], at + 2


def _named_reference(text: str, at: int, names: set[str]) -> tuple[str, int]:
    """`\\k<name>`: `k` itself in a text with no named group, else a reference to one."""
    if not names:
        return "k", at + 2
    named = _NAMED_GROUP.match(text, at + 2)
    if named is None or named.group(1) not in names:
        raise _Refused("not a regular expression: \\k names no group of this expression")
    return "0", named.end()


def _group(text: str, at: int) -> tuple[str, int]:
    """The Python of a group opening at `at`, `(`, and where the text goes on."""
    if not text.startswith("(?", at):
        return "(", at + 1
    rest = text[at + 2 : at + 4]
    if rest.startswith(_JS_GROUPS):
        return "(?", at + 2
    named = _NAMED_GROUP.match(text, at + 2)
    if named:
        return f"(?P<{named.group(1).replace('$', '_')}>", named.end()
    raise _Refused(
        f"not a JavaScript regular expression: '(?{rest[:1]}' is an invalid group "
        "(JavaScript has no inline flags, (?P...), (?#...) or (?>...))"
    )


def _as_python(text: str) -> str:
    out: list[str] = []
    at = 0
    in_class = quantified = False
    names = _names(text)
    while at < len(text):
        char = text[at]
        after_quantifier, quantified = quantified, False
        if char == "\\":
            piece, at = _escape(text, at, names)
        elif in_class:
            in_class = char != "]"
            piece, at = ("\\[" if char == "[" else char), at + 1
            if char == "-" and (_CLASS_ESCAPE.match(text, at) or _CLASS_ESCAPE_END.search(out[-1])):
                piece = "\\-"  # a range to or from \d is a literal '-' in JavaScript
        elif text.startswith("[^]", at):
            piece, at = r"[\s\S]", at + 3
        elif text.startswith("[]", at):
            piece, at = "(?!)", at + 2
        elif char == "[":
            in_class = True
            piece, at = char, at + 1
            if text.startswith("^", at):
                piece, at = "[^", at + 1
        elif char == "(":
            piece, at = _group(text, at)
        elif char == "+" and after_quantifier:
            raise _Refused("not a JavaScript regular expression: nothing to repeat (a++)")
        elif char == "{" and (braces := _BRACES.match(text, at)):
            piece, at = braces.group(), braces.end()
            quantified = True
        elif char == "{":
            piece, at = "\\{", at + 1
        else:
            piece, at = char, at + 1
            quantified = char in "*+?"
        out.append(piece)
    return "".join(out)
