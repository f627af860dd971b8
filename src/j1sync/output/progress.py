"""Progress on stderr while plan, apply and drift read the account and apply changes.

On a terminal: a rich spinner while reading and a bar over the changes while applying,
each finished change printed above the bar. Anywhere else (CI logs, pipes, NO_COLOR,
TERM=dumb): plain lines, one when a change starts and one when it ends, never colours.
stdout is left alone, so `plan --format json > plan.json` stays clean.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from j1sync.engine.sensitive import redact_secrets
from j1sync.executor import ApplyEvent
from j1sync.executor.outcome import Outcome

STATUS_STYLES = {"applied": "green", "failed": "bold red", "skipped": "yellow"}


def outcome_line(outcome: Outcome) -> str:
    line = f"{outcome.status} {outcome.action} {outcome.address}"
    return f"{line}: {redact_secrets(outcome.message)}" if outcome.message else line


class PlainProgress:
    """Line-per-change logging for logs that are read after the fact."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write

    @contextmanager
    def reading(self) -> Iterator[None]:
        started = time.monotonic()
        self._write("reading the account ...")
        yield
        self._write(f"read the account in {time.monotonic() - started:.1f}s")

    def on_apply_event(self, event: ApplyEvent) -> None:
        if event.type == "start":
            noun = "change" if event.total == 1 else "changes"
            self._write(f"applying {event.total} {noun}")
        elif event.type == "change_started" and event.change is not None:
            self._write(f"applying {event.change.action} {event.change.address} ...")
        elif event.type == "change_finished" and event.outcome is not None:
            self._write(outcome_line(event.outcome))


class RichProgress:
    """A spinner while reading, a bar while applying (for a person at a terminal)."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._console.status("Reading the account ...", spinner="dots"):
            yield

    def on_apply_event(self, event: ApplyEvent) -> None:
        if event.type == "start":
            self._start(event.total)
        elif self._bar is None or self._task is None:
            return
        elif event.type == "change_started" and event.change is not None:
            description = f"{event.change.action} {event.change.address}"
            self._bar.update(self._task, description=description)
        elif event.type == "change_finished" and event.outcome is not None:
            outcome = event.outcome
            self._bar.console.print(
                Text.assemble(
                    (f"{outcome.status:<8}", STATUS_STYLES[outcome.status]),
                    f" {outcome.action:<6} {outcome.address}",
                    (f": {redact_secrets(outcome.message)}" if outcome.message else "", "dim"),
                )
            )
            self._bar.advance(self._task)
        elif event.type == "finish":
            self._bar.update(self._task, description="done")
            self._bar.stop()
            self._bar = None

    def _start(self, total: int) -> None:
        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
        )
        self._task = self._bar.add_task("applying", total=total)
        self._bar.start()


ProgressReporter = PlainProgress | RichProgress


def interactive_stderr() -> bool:
    """A person is watching stderr, and colours are welcome."""
    return (
        sys.stderr.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") != "dumb"
    )


def progress_for_stderr() -> ProgressReporter:
    """The progress display the current stderr deserves."""
    if interactive_stderr():
        return RichProgress(Console(stderr=True))
    return PlainProgress(lambda line: click.echo(line, err=True))
