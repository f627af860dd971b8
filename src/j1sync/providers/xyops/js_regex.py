"""Whether xyOps would take a regular expression: a server group's `hostname_match` and a
monitor's `data_match` must compile as JavaScript's `new RegExp(text)` (no flags; xyOps
1.0.88 lib/api/groups.js, api-v1.0.88.md create_monitor), else the create or update is
refused half-way through an apply. The verdict is Node 20's (V8 11), which j1sync's checks
and the emulator both ask here.

Python's `re` judges it, once the text is written as Python reads the same expression:
JavaScript's named groups (any identifier, `$` and `\\u` escapes too) and back references,
its empty classes (`[]`, `[^]`), `\\cX`, the identity escapes JavaScript takes without the
`u` flag (`\\e` is `e`, `\\A` is `A`, `[\\B]` is `B`), a `-` next to `\\d` in a class, which
JavaScript reads as itself, and its look-behinds, which take any width (`(?<=^|\\.)db`).
What Python takes and JavaScript refuses is refused first: inline flags and other `(?`
groups JavaScript has no such thing as (`(?i)`, `(?P<n>`, `(?#`, `(?>`), possessive
quantifiers (`a++`), a repeated look-behind (`(?<=a)*`; a look-ahead may be repeated
without the `u` flag), `\\k` in a class of an expression with named groups, and more than
V8's 32,767 capturing groups. A numbered back reference is an atom whatever it names (a
later group, or none: an octal escape), and a `{` that starts no quantifier is itself.
"""

from __future__ import annotations

import re
import warnings

# Escapes both read alike (the rest of the ASCII letters are JavaScript identity escapes:
# \a, \A and \Z are Python's alone)
_SHARED_ESCAPES = frozenset("fnrtvdDsSwWbB")
_HEX = frozenset("0123456789abcdefABCDEF")
_JS_GROUPS = (":", "=", "!")
_LOOK_BEHINDS = ("(?<=", "(?<!")
_DIGITS = re.compile(r"\d+")
_OCTAL = re.compile(r"[0-3][0-7]{0,2}|[4-7][0-7]?")  # JavaScript's legacy octal escapes
_CLASS_ESCAPE = re.compile(r"\\[dDwWsS]")
_CLASS_ESCAPE_END = re.compile(r"\\[dDwWsS]$")
_BRACES = re.compile(r"\{(\d+)(?:(,)(\d*))?\}")  # a {n}, {n,} or {n,m} quantifier
_NAME = re.compile(r"<([^>]*)>")
_NAME_ESCAPE = re.compile(r"\\u(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{4}))")
_NAME_JOINERS = frozenset("$\u200c\u200d")
_MAX_CAPTURES = 32767  # V8's most: one more is "Too many captures"
_MAX_REPEAT = 65535  # JavaScript takes any count; Python's re overflows past 2**32 - 2


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


def _group_name(text: str, at: int) -> tuple[str, int] | None:
    """The group name in `<name>` at `at`, its `\\u` escapes read, and where it ends; None
    where JavaScript takes no such name."""
    written = _NAME.match(text, at)
    if written is None:
        return None
    try:
        name = _NAME_ESCAPE.sub(lambda code: chr(int(code[1] or code[2], 16)), written[1])
        name = name.encode("utf-16", "surrogatepass").decode("utf-16")  # \ud835\udc9c: one letter
    except (ValueError, OverflowError, UnicodeError):
        return None
    first, rest = name[:1], name[1:]
    if not (first == "$" or first.isidentifier()):
        return None
    if not all(char in _NAME_JOINERS or f"a{char}".isidentifier() for char in rest):
        return None
    return name, written.end()


def _python_name(name: str) -> str:
    """A Python group name for a JavaScript one: one each, so a duplicate stays one."""
    return "n" + "_".join(f"{ord(char):x}" for char in name)


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
        elif char == "(" and text.startswith("(?<", at) and (named := _group_name(text, at + 2)):
            names.add(named[0])
        at += 1
    return names


def _escape(text: str, at: int, names: set[str], in_class: bool) -> tuple[str, int]:
    """The Python of the escape at `at` (a backslash), and where the text goes on."""
    if at + 1 >= len(text):
        raise _Refused("not a regular expression: \\ at end of pattern")
    letter = text[at + 1]
    if in_class and letter.isdigit():
        octal = _OCTAL.match(text, at + 1)  # [\1] is \x01 (\8 is 8): no reference in a class
        if octal is None:
            return letter, at + 2
        return f"\\x{int(octal.group(), 8):02x}", octal.end()
    number = _DIGITS.match(text, at + 1)
    if number and number.group() != "0":
        return "0", number.end()  # a back reference (any, even later) or an octal escape
    if letter == "k":
        return _named_reference(text, at, names, in_class)
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
    identity = letter not in _SHARED_ESCAPES or (in_class and letter == "B")  # [\b]: \x08
    if letter.isascii() and letter.isalpha() and identity:
        return letter, at + 2
    return text[at : at + 2], at + 2


def _named_reference(text: str, at: int, names: set[str], in_class: bool) -> tuple[str, int]:
    """`\\k<name>`: `k` itself in a text with no named group, else a reference to one."""
    if not names:
        return "k", at + 2
    if in_class:
        raise _Refused(
            "not a regular expression: \\k in a class of an expression with named groups"
        )
    named = _group_name(text, at + 2)
    if named is None or named[0] not in names:
        raise _Refused("not a regular expression: \\k names no group of this expression")
    return "0", named[1]


def _group(text: str, at: int) -> tuple[str, int]:
    """The Python of a group opening at `at`, `(`, and where the text goes on."""
    if not text.startswith("(?", at):
        return "(", at + 1
    if text.startswith(_LOOK_BEHINDS, at):
        return "(?:", at + 4  # Python's look-behinds take one width only; the check is ours
    if text.startswith(_JS_GROUPS, at + 2):
        return "(?", at + 2
    if text.startswith("<", at + 2) and (named := _group_name(text, at + 2)):
        return f"(?P<{_python_name(named[0])}>", named[1]
    raise _Refused(
        f"not a JavaScript regular expression: '(?{text[at + 2 : at + 3]}' is an invalid "
        "group (JavaScript has no inline flags, (?P...), (?#...) or (?>...))"
    )


def _braces(quantifier: re.Match[str]) -> str:
    """A `{n,m}` quantifier as Python takes it: JavaScript orders any counts, however big."""
    low, comma, high = quantifier.groups()
    if high and int(high) < int(low):
        raise _Refused("not a regular expression: numbers out of order in {} quantifier")
    counts = [str(min(int(low), _MAX_REPEAT)), comma or ""]
    if high:
        counts.append(str(min(int(high), _MAX_REPEAT)))
    return "{" + "".join(counts) + "}"


def _starts_quantifier(text: str, at: int) -> bool:
    return text[at : at + 1] in ("*", "+", "?") or bool(_BRACES.match(text, at))


def _as_python(text: str) -> str:
    out: list[str] = []
    at = captures = 0
    in_class = quantified = closed_look_behind = False
    look_behinds: list[bool] = []  # each open group: whether it is a look-behind
    names = _names(text)
    while at < len(text):
        char = text[at]
        after_quantifier, quantified = quantified, False
        if closed_look_behind and _starts_quantifier(text, at):
            raise _Refused(
                "not a JavaScript regular expression: a look-behind cannot be repeated "
                "(invalid quantifier)"
            )
        closed_look_behind = False
        if char == "\\":
            piece, at = _escape(text, at, names, in_class)
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
            look_behinds.append(text.startswith(_LOOK_BEHINDS, at))
            piece, at = _group(text, at)
            captures += piece == "(" or piece.startswith("(?P<")
        elif char == ")":
            closed_look_behind = bool(look_behinds) and look_behinds.pop()
            piece, at = char, at + 1
        elif char == "+" and after_quantifier:
            raise _Refused("not a JavaScript regular expression: nothing to repeat (a++)")
        elif char == "{" and (braces := _BRACES.match(text, at)):
            piece, at = _braces(braces), braces.end()
            quantified = True
        elif char == "{":
            piece, at = "\\{", at + 1
        else:
            piece, at = char, at + 1
            quantified = char in "*+?"
        out.append(piece)
    if captures > _MAX_CAPTURES:
        raise _Refused(f"not a regular expression: too many captures (over {_MAX_CAPTURES})")
    return "".join(out)
