"""apply's live display on a terminal (output/progress.RichProgress): the bar's text is
the change in flight, and it was read as rich markup and printed as it was: a name
holding `[/x]` raised rich's MarkupError, `[bold]` styled the bar, an escape sequence or
a U+202E went to the terminal. Each finished change's line, printed above the bar, also
skipped the control pictures the plain report has. Both now show a name as the plan
does (␛, \\u202e), never read as markup."""

from __future__ import annotations

import re
from io import StringIO

from rich.console import Console

from j1sync.engine.model import Change
from j1sync.executor import ApplyEvent
from j1sync.executor.outcome import Outcome
from j1sync.output.progress import RichProgress

NAME = "[/x][bold]Evil\x1b]0;pwned\x07\u202etxt.exe"
SHOWN = "[/x][bold]Evil␛]0;pwned␇\\u202etxt.exe"  # BEL shown too (ansi.line)


def test_a_name_in_the_bar_and_above_it_is_shown_never_read_or_sent() -> None:
    buffer = StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=200))
    change = Change(
        address=f"Question/{NAME}", kind="Question", name=NAME, action="delete", reason="test"
    )
    events = [
        ApplyEvent("start", 1),
        ApplyEvent("change_started", 1, change),
        ApplyEvent("change_finished", 1, change, Outcome(change.address, "delete", "applied")),
        ApplyEvent("finish", 1),
    ]
    for event in events:
        progress.on_apply_event(event)  # raised MarkupError at change_started
    out = buffer.getvalue()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)  # rich's own colours and cursor
    assert f"deleted Question/{SHOWN}" in plain
    assert "\x1b]" not in out and "\x07" not in out and "\u202e" not in out
