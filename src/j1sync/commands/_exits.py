"""Exit codes, and how every failure becomes one message and one of them: the one place.

CI reads the exit code, so each code means one thing: 2 only "changes present" or
"drift", never a usage error (click's own default for those). No input makes j1sync
print a traceback: an error j1sync did not expect is one line, and `--debug` (or
J1SYNC_DEBUG=1) adds the traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from contextvars import ContextVar
from typing import NoReturn

import click

from j1sync.entry import INTERRUPTED as INTERRUPTED  # 128 + SIGINT, as shells report Ctrl-C
from j1sync.errors import J1SyncError, ManifestError, describe_os_error
from j1sync.interrupts import Interrupted, stopping
from j1sync.terminal import is_terminal

# Back to the line's start, the line erased (what is written next replaces it)
CLEAR_LINE = "\r\x1b[2K"

OK = 0
ERROR = 1
CHANGES = 2
BLOCKED = 3

# What each code means, as `j1sync --help` lists it: the one table.
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (OK, "success; with plan --detailed-exitcode or drift: no changes"),
    (ERROR, "error (bad manifests, API error, failed change, not approved, usage)"),
    (CHANGES, "changes present (plan --detailed-exitcode; drift when the account drifted)"),
    (BLOCKED, "plan blocked by a safety limit; apply refuses it without --force"),
    (INTERRUPTED, "interrupted by Ctrl-C (SIGINT) or SIGTERM"),
)


def exit_codes_help() -> str:
    """The exit-code table for `j1sync --help` (click keeps a \b paragraph's lines)."""
    rows = [f"  {code:<4} {meaning}" for code, meaning in EXIT_CODES]
    return "\b\nExit codes:\n" + "\n".join(rows)


DEBUG_ENV = "J1SYNC_DEBUG"

# Set by `j1sync --debug`; a context variable rather than a global so that one in-process
# invocation (click's test runner) does not leak it into the next.
debug_flag: ContextVar[bool] = ContextVar("j1sync_debug", default=False)


def debugging() -> bool:
    """`--debug` was given, or J1SYNC_DEBUG is set to something other than 0/false."""
    env = os.environ.get(DEBUG_ENV, "").strip().lower()
    return debug_flag.get() or env not in ("", "0", "false", "no", "off")


def fail(exc: BaseException) -> NoReturn:
    """Report `exc` on stderr and exit with the code it maps to."""
    from j1sync.commands._common import redact

    if isinstance(exc, click.exceptions.Exit):
        sys.exit(exc.exit_code)
    if isinstance(exc, click.ClickException):
        # Usage errors (unknown option, bad value, missing path) show click's usage text.
        if isinstance(exc, click.NoSuchOption) and exc.option_name == "--debug":
            # j1sync's own option, given after the command: say where it goes
            where = f"--debug goes before the command: `{_with_debug(exc.ctx)}`"
            exc = click.UsageError(f"{exc.format_message()} {where}", exc.ctx)
        exc.show()
        sys.exit(ERROR)
    if _interrupted(exc):
        _say_interrupted(exc)
    if isinstance(exc, click.Abort):
        click.echo("Aborted.", err=True)
        sys.exit(ERROR)
    if debugging():
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        click.echo(redact(text.rstrip()), err=True)
    if isinstance(exc, ManifestError):  # secrets out of the messages, not the places
        from j1sync.commands._common import redacted_problem

        shown = ManifestError([redacted_problem(p) for p in exc.problems])
        click.echo(redact(f"Error: {shown}", values=False), err=True)
        sys.exit(exc.exit_code)
    if isinstance(exc, J1SyncError):
        click.echo(redact(f"Error: {exc}"), err=True)
        sys.exit(exc.exit_code)
    if isinstance(exc, OSError) and (exc.filename is not None or exc.strerror):
        # The file system said no (a folder that is a file, no permission, disk full):
        # the user's to fix, not j1sync's.
        click.echo(redact(f"Error: {describe_os_error(exc)}"), err=True)
        sys.exit(ERROR)
    if stopping():
        # an error j1sync did not expect, after a Ctrl-C or SIGTERM: what the interrupt
        # broke, raised where a library wrapped the KeyboardInterrupt (pydantic's
        # serializer makes it a PydanticSerializationError)
        _say_interrupted(exc)
    what = _one_line(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
    hint = "" if debugging() else f", run `{_with_debug()}` for details"
    click.echo(redact(f"internal error: {what}{hint}"), err=True)
    sys.exit(ERROR)


def _say_interrupted(exc: BaseException) -> NoReturn:
    """Say the interrupt (its report, else `Interrupted.`) and exit 130. On a terminal,
    the line a Ctrl-C left there (the ^C it echoed, a spinner's remains) is cleared, not
    followed by an empty one; anywhere else, one line."""
    clear = is_terminal(sys.stderr)
    said = exc.report if isinstance(exc, Interrupted) else "Interrupted."
    click.echo(f"{CLEAR_LINE if clear else ''}{said}", err=True, color=clear or None)
    sys.exit(INTERRUPTED)


def _with_debug(ctx: click.Context | None = None) -> str:
    """The command that failed, as it is run with details: --debug is j1sync's own option,
    given before the command (`j1sync plan --debug` is a usage error)."""
    ctx = ctx or click.get_current_context(silent=True)
    command = ctx.command_path.split()[1:] if ctx is not None else []
    return " ".join(["j1sync", "--debug", *(command or ["COMMAND"]), "..."])


def _interrupted(exc: BaseException) -> bool:
    """Ctrl-C (or SIGTERM, turned into the same by j1sync.interrupts), also when click
    has already wrapped it in Abort."""
    if isinstance(exc, KeyboardInterrupt):
        return True
    return isinstance(exc, click.Abort) and isinstance(exc.__cause__, KeyboardInterrupt)


def _one_line(text: str) -> str:
    return " ".join(text.split())
