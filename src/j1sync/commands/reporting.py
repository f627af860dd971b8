"""Choosing a renderer and writing plan files: shared by plan, apply and drift."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from j1sync.commands._common import use_color
from j1sync.engine.plan import Plan
from j1sync.errors import ConfigError

if TYPE_CHECKING:
    from j1sync.plan_binding import SavedPlan


def render_plan(plan: Plan, fmt: str, *, title: str, emulator: bool = False) -> str:
    """The plan in `fmt`; only that renderer is loaded (`load_renderer`). `emulator`: the
    plan was made against the emulators (--emulator), which its heading says."""
    return load_renderer(fmt)(plan, title, emulator)


# How much of a rendered plan goes to click.echo at once. click.echo of the whole text
# copied it to add the line break and encoded the copy whole: a JSON plan of 20,000
# objects (29 MB, one line) peaked ~56 MB higher for it.
ECHO_CHUNK = 1 << 20


def echo_plan(plan: Plan, fmt: str, *, title: str, emulator: bool = False) -> None:
    """`click.echo(render_plan(plan, fmt, ...))`, written in pieces: JSON as it is
    encoded (output/plan_json.json_chunks), a text or Markdown plan in chunks of about
    ECHO_CHUNK characters cut at a line break (a coloured line's escapes stay whole)."""
    if fmt == "json":
        from j1sync.output.plan_json import json_chunks

        for chunk in json_chunks(plan):
            click.echo(chunk, nl=False)
        click.echo()
        return
    text = render_plan(plan, fmt, title=title, emulator=emulator)
    start = 0
    while len(text) - start > ECHO_CHUNK:
        end = text.rfind("\n", start, start + ECHO_CHUNK) + 1
        if end <= start:  # no line break: the rest at once
            break
        click.echo(text[start:end], nl=False)
        start = end
    click.echo(text[start:])


def load_renderer(fmt: str) -> Callable[[Plan, str, bool], str]:
    """The renderer of `fmt` (plan, title, emulator -> text; JSON has no heading), its
    module loaded on the first call only: not before a run's first request (which waits
    for nothing it does not need), and, given to `planning` as its `while_reading`, while
    the account is read rather than after the plan is made."""
    if fmt == "json":
        from j1sync.output.plan_json import render_json

        return lambda plan, _title, _emulator: render_json(plan)
    if fmt == "markdown":
        from j1sync.output.markdown import render_markdown

        return lambda plan, title, emulator: render_markdown(plan, title, emulator)
    from j1sync.output.text import render_text

    return lambda plan, title, emulator: render_text(plan, use_color(), title, emulator)


def write_plan_file(text: Iterable[str], path: Path) -> None:
    """Write a plan file: `plan --out` passes `plan_binding.seal_plan`'s text in pieces
    (canonical JSON: one line, keys sorted; `apply --plan` checks the data, not the
    layout), each written as it is (never joined nor encoded whole).

    A regular file (or a link to one) is written whole or not at all. Anything else that
    exists (a device such as /dev/stdout or /dev/full, a FIFO) is written into, never
    replaced by a file: its errors are the command's."""
    shown = path
    if path.exists() and not path.is_file() and not path.is_dir():
        try:
            with path.open("w", encoding="utf-8") as file:
                file.writelines(text)
                file.write("\n")
        except OSError as exc:
            raise ConfigError(f"cannot write the plan to {shown}: {exc.strerror or exc}") from exc
        return
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # the link's file is replaced, the link kept
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        if path.parent.exists() and not path.parent.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        path.parent.mkdir(parents=True, exist_ok=True)
        # whole or not at all: an interrupted or concurrent write never leaves half a plan
        with partial.open("w", encoding="utf-8") as file:
            file.writelines(text)
            file.write("\n")
        os.replace(partial, path)
    except OSError as exc:
        _remove(partial)
        raise ConfigError(f"cannot write the plan to {shown}: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(partial)
        raise


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def read_saved_plan(path: Path) -> SavedPlan:
    """A plan file with its binding; unreadable or malformed files are a ConfigError."""
    from j1sync.plan_binding import parse_saved_plan

    try:
        if path.is_char_device() or path.is_block_device():  # /dev/zero: read forever
            raise ConfigError(f"{path}: not a j1sync plan file (a device, not a file)")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not a j1sync plan file (not UTF-8 text)") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the plan {path}: {exc.strerror or exc}") from exc
    return parse_saved_plan(text, str(path))


def read_plan_file(path: Path) -> Plan:
    return read_saved_plan(path).plan
