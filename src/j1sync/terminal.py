"""Whether output gets colours and a live progress display: the one policy.

`--color always|never` decides when given. Under `auto` (the default) NO_COLOR (any
non-empty value, no-color.org) turns colours off, else FORCE_COLOR (any non-empty value,
force-color.org) turns them on, else a terminal that is not TERM=dumb gets them. A live
display (spinner, bar) needs a terminal whatever the colours: NO_COLOR does not mean
"no progress".
"""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Literal, Protocol, TextIO

ColorMode = Literal["auto", "always", "never"]
COLOR_MODES: tuple[ColorMode, ...] = ("auto", "always", "never")
COLOR_KEY = "j1sync.color"  # where the CLI keeps `--color` (click context meta)


class Stream(Protocol):
    def isatty(self) -> bool: ...


def is_terminal(stream: Stream, env: Mapping[str, str] | None = None) -> bool:
    """A person is (probably) watching `stream`: a TTY that can redraw a line."""
    env = os.environ if env is None else env
    try:
        tty = stream.isatty()
    except (ValueError, OSError):  # a closed stream
        return False
    return tty and env.get("TERM", "") != "dumb"


def color_enabled(mode: ColorMode, stream: Stream, env: Mapping[str, str] | None = None) -> bool:
    """Colours on `stream` under `mode` and the environment."""
    if mode != "auto":
        return mode == "always"
    env = os.environ if env is None else env
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    return is_terminal(stream, env)


STANDARD_OUTPUT = "standard output"  # how an error writing sys.stdout names it


class NamedOutput:
    """The process's stdout, whose write errors name it: an OSError raised writing or
    flushing it gets `filename` STANDARD_OUTPUT (when it has none), so the error a user
    sees says where writing failed ("No space left on device: standard output", for
    `j1sync plan > /dev/full`), as any file's does. Everything else is the stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _named(exc)  # noqa: B904 - the stream's own error, only named

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _named(exc)  # noqa: B904

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _named(exc: OSError) -> OSError:
    if exc.filename is None:
        exc.filename = STANDARD_OUTPUT
    return exc


# Characters that change how text around them reads without being seen: format characters
# (Cf: U+202E right-to-left override, the U+2066-U+2069 isolates, U+200B zero-width space,
# U+200D, U+FEFF...), the line and paragraph separators (U+2028, U+2029) and lone
# surrogates (Cs: no encoding can print them). A plan goes into a pull request: a name that
# reorders or hides its characters could pass for another object's (Trojan Source,
# CVE-2021-42574). Each is shown as its escape (`\u202e`), never sent.
HIDDEN_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})
# And the default-ignorable code points that are not format characters yet print as
# nothing or a blank, so Python calls them printable: the Hangul fillers (U+115F, U+1160,
# U+3164, U+FFA0: letters), the combining grapheme joiner (U+034F) and the Khmer inherent
# vowels (U+17B4, U+17B5). `admin\u3164` read as `admin`. (Variation selectors, default-
# ignorable too, are left: every emoji written `⚠️` holds one.)
BLANK_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_BLANK_LETTER = re.compile(f"[{''.join(sorted(BLANK_LETTERS))}]")


def _control_pictures(keep: str) -> dict[int, str]:
    """Each control character but those in `keep` -> one visible character of its own
    (a C0 control its Unicode control picture, ESC ␛, BEL ␇; DEL ␡; a C1 control �)."""
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    for char in keep:
        table.pop(ord(char))
    return table


def hidden_escape(char: str) -> str | None:
    """`char`'s escape (`\\u202e`, `\\U000e0001`) when it is a format character, a line or
    paragraph separator or a lone surrogate (HIDDEN_CATEGORIES); None for any other."""
    if char.isascii() or (
        unicodedata.category(char) not in HIDDEN_CATEGORIES and char not in BLANK_LETTERS
    ):
        return None
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


class _Shown(dict[int, str]):
    """A str.translate table: the control pictures, and each hidden character to its
    escape; any other character to itself. Each character is looked up once, then kept."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = shown = hidden_escape(char) or char
        return shown


_IN_MESSAGES = _Shown(_control_pictures("\t\n"))
_IN_LINES = _Shown(_control_pictures("\t"))
_HIDDEN_ONLY = _Shown()


def plain(text: str) -> bool:
    """`text` holds no control character, no tab or line break and no hidden character
    (`hidden_escape`): shown as it is wherever it goes."""
    return text.isprintable() and not _BLANK_LETTER.search(text)


def escaped_hidden(text: str) -> str:
    """`text` with each hidden character (HIDDEN_CATEGORIES) as its escape, control
    characters left as they are: for text whose format escapes them already (YAML)."""
    return text.translate(_HIDDEN_ONLY)


class _JsonEscapes(dict[int, str]):
    """A str.translate table for JSON text: DEL, the C1 controls and the hidden characters
    to their JSON escapes (astral ones as a surrogate pair); any other to itself."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        if not (0x7F <= code < 0xA0 or hidden_escape(char)):
            shown = char
        elif code <= 0xFFFF:
            shown = f"\\u{code:04x}"
        else:  # JSON escapes an astral character as its UTF-16 surrogate pair
            high, low = divmod(code - 0x10000, 0x400)
            shown = f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}"
        self[code] = shown
        return shown


_JSON_ESCAPES = _JsonEscapes()


def visible_in_json(text: str) -> str:
    """JSON text (json.dumps' with ensure_ascii=False) with DEL, the C1 controls and the
    hidden characters (HIDDEN_CATEGORIES) escaped: the same JSON, every string the same,
    but nothing in it drives a terminal or hides (json.dumps escapes only C0 controls).
    Such a character is inside a string wherever JSON has it, so its escape is exact. So
    is `#\\u0023[` for a `##[`, which a CI log would run (`_defused`)."""
    if plain(text) and LEGACY_COMMAND not in text:
        return text
    return text.translate(_JSON_ESCAPES).replace(LEGACY_COMMAND, _LEGACY_SHOWN)


# GitHub Actions reads a line of a step's log as a workflow command when it starts, after
# white space, with `::name...::` (`::error::` annotates the run, `::add-mask::` hides a
# word from the rest of the log, `::stop-commands::` silences the others), and a legacy
# `##[name]` anywhere in it. Such a line in a value (a query's, a description's, shown as
# the diff's context: `          ::error::x`) must not act: its first colon is shown as
# `\\u003a`, and `##[` as `#\\u0023[`, as a hidden character is shown as its escape.
WORKFLOW_COMMAND = "::"
LEGACY_COMMAND = "##["
_LEGACY_SHOWN = "#\\u0023["  # the same in JSON, and inert
_COLON_SHOWN = "\\u003a"  # a command line's first colon, shown
_COMMAND_LINE = re.compile(r"^([^\S\n]*):(?=:[^\n]*::)", re.MULTILINE)


def _defused(text: str) -> str:
    if WORKFLOW_COMMAND in text:
        text = _COMMAND_LINE.sub(lambda found: found[1] + _COLON_SHOWN, text)
    return text.replace(LEGACY_COMMAND, _LEGACY_SHOWN)


def shown_widths(line: str) -> list[int]:
    """How many characters each character of `line` (one line) takes once
    `visible_controls` has shown it: one, or its escape's length (a hidden character, the
    colon of a workflow command, the second `#` of a `##[`). What puts a caret under a
    spot of a line that is shown (manifest/scalar_positions.py)."""
    pieces = [visible_controls(char, one_line=True) for char in line]
    widths = [len(piece) for piece in pieces]
    shown = "".join(pieces)
    if WORKFLOW_COMMAND not in shown and LEGACY_COMMAND not in shown:
        return widths
    where = list(itertools.accumulate(widths, initial=0))  # shown offset -> character
    at = {offset: index for index, offset in enumerate(where[:-1])}
    command = _COMMAND_LINE.match(shown)
    if command is not None:
        widths[at[command.end(1)]] += len(_COLON_SHOWN) - 1
    start = shown.find(LEGACY_COMMAND)
    while start >= 0:  # as str.replace finds them: left to right, not overlapping
        widths[at[start + 1]] += len(_LEGACY_SHOWN) - len(LEGACY_COMMAND)
        start = shown.find(LEGACY_COMMAND, start + len(LEGACY_COMMAND))
    return widths


def visible_controls(text: str, *, one_line: bool = False) -> str:
    """`text` with its control characters shown, not sent: a name read from an account or a
    manifest (`Evil\x1b]0;title`) must not drive the user's terminal (set its title, clear
    the screen, hide what follows), nor a CI log's reader (a workflow command: `_defused`).
    Tabs stay, and newlines unless `one_line`. A control character is replaced by one
    character (␛); a hidden one (HIDDEN_CATEGORIES: U+202E, U+200B...) by its escape, so
    that a name reads as what it holds."""
    if plain(text):  # no control, no hidden character (nor tab, newline): as it is
        if WORKFLOW_COMMAND not in text and LEGACY_COMMAND not in text:
            return text
        return _defused(text)
    return _defused(text.translate(_IN_LINES if one_line else _IN_MESSAGES))
