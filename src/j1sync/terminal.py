"""Whether output gets colours and a live progress display: the one policy.

`--color always|never` decides when given. Under `auto` (the default) NO_COLOR (any
non-empty value, no-color.org) turns colours off, else FORCE_COLOR (any non-empty value,
force-color.org) turns them on, else a terminal that is not TERM=dumb gets them. A live
display (spinner, bar) needs a terminal whatever the colours: NO_COLOR does not mean
"no progress".
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal, Protocol

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


def _control_pictures(keep: str) -> dict[int, str]:
    """Each control character but those in `keep` -> one visible character of its own
    (a C0 control its Unicode control picture, ESC ␛, BEL ␇; DEL ␡; a C1 control �)."""
    table = {code: chr(0x2400 + code) for code in range(0x20)}
    table[0x7F] = "\u2421"
    table.update({code: "\ufffd" for code in range(0x80, 0xA0)})
    for char in keep:
        table.pop(ord(char))
    return table


_IN_MESSAGES = _control_pictures("\t\n")
_IN_LINES = _control_pictures("\t")


def visible_controls(text: str, *, one_line: bool = False) -> str:
    """`text` with its control characters shown, not sent: a name read from an account or a
    manifest (`Evil\x1b]0;title`) must not drive the user's terminal (set its title, clear
    the screen, hide what follows). Tabs stay, and newlines unless `one_line`. Each is
    replaced by one character, so positions (rich's styled spans) are kept."""
    return text.translate(_IN_LINES if one_line else _IN_MESSAGES)
