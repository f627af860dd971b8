"""Progress while plan, apply and drift read the account, and apply's line per change.

The report (a line per change as it completes, j1sync.output.apply_report) goes to
stdout, where CI logs and job summaries collect it. Progress proper goes to stderr and
only to a terminal: a rich spinner while reading and a bar while applying, both gone
when done. Anywhere else (CI logs, pipes, TERM=dumb) reading is two plain lines on
stderr and there is no bar. stdout never gets progress, so `plan --format json >
plan.json` stays clean.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from j1sync.terminal import ColorMode, color_enabled, is_terminal, visible_controls

if TYPE_CHECKING:  # rich and the apply report: loaded when a terminal or an apply needs them
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from j1sync.executor import ApplyEvent

Write = Callable[[str], None]


class PlainProgress:
    """For logs read after the fact: reading on stderr, each finished change on stdout."""

    def __init__(self, write_progress: Write, write_report: Write, color: bool = False) -> None:
        self._write_progress = write_progress
        self._write_report = write_report
        self._color = color
        self.alike: Mapping[str, str] = {}  # the plan's addresses as it shows them (apply)

    @contextmanager
    def reading(self) -> Iterator[None]:
        started = time.monotonic()
        self._write_progress("reading the account ...")
        yield
        self._write_progress(f"read the account in {time.monotonic() - started:.1f}s")

    def on_apply_event(self, event: ApplyEvent) -> None:
        from j1sync.output.apply_report import change_line, styled

        if event.type == "change_finished" and event.outcome is not None:
            self._write_report(styled(change_line(event.outcome, self.alike), self._color))


class RichProgress:
    """For a person at a terminal: a spinner while reading, a bar while applying.

    Each finished change is printed above the bar when stdout is that terminal too (so
    the bar is not torn by a write it does not know of), else written to stdout."""

    def __init__(
        self, console: Console, write_report: Write | None = None, color: bool = False
    ) -> None:
        self._console = console
        self._write_report = write_report  # None: print on the console, above the bar
        self._color = color
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self.alike: Mapping[str, str] = {}  # the plan's addresses as it shows them (apply)

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._console.status("Reading the account ...", spinner="dots"):
            yield

    def on_apply_event(self, event: ApplyEvent) -> None:
        from j1sync.output.ansi import shown
        from j1sync.output.apply_report import change_line, styled

        if event.type == "start":
            self._start(event.total)
        elif self._bar is None or self._task is None:
            return
        elif event.type == "change_started" and event.change is not None:
            # a name is shown, not sent, nor read as rich markup (TextColumn's markup=False)
            address = self.alike.get(event.change.address, event.change.address)
            description = f"{event.change.action} {address}"
            self._bar.update(self._task, description=visible_controls(description, one_line=True))
        elif event.type == "change_finished" and event.outcome is not None:
            line = change_line(event.outcome, self.alike)
            if self._write_report is None:
                self._bar.console.print(shown(line), soft_wrap=True)
            else:
                self._write_report(styled(line, self._color))
            self._bar.advance(self._task)
        elif event.type == "finish":
            self._bar.stop()
            self._bar = None

    def _start(self, total: int) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,
        )
        self._task = self._bar.add_task("applying", total=total)
        self._bar.start()


ProgressReporter = PlainProgress | RichProgress


def _writer(err: bool, color: bool) -> Write:
    # `color` given: apply's events come from worker threads, outside click's context
    return lambda line: click.echo(line, err=err, color=color)


def progress_for_stderr(color: ColorMode = "auto") -> ProgressReporter:
    """The progress display the current stderr deserves, under `j1sync --color`."""
    report_color = color_enabled(color, sys.stdout)
    report = _writer(err=False, color=report_color)
    if not is_terminal(sys.stderr):
        return PlainProgress(_writer(err=True, color=False), report, report_color)
    from rich.console import Console

    console = Console(stderr=True, no_color=not color_enabled(color, sys.stderr))
    return RichProgress(console, None if is_terminal(sys.stdout) else report, report_color)
