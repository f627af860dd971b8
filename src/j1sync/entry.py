"""The `j1sync` process's first code (the console script and `python -m j1sync`).

Loading the command line takes a moment (click, pydantic, the engine). A Ctrl-C or SIGTERM
that arrives meanwhile ends the process at once, exit 130, saying "Interrupted." and no
more: nothing has started yet. `j1sync.cli.main` then installs the real handlers
(j1sync.interrupts). Kept free of imports beyond the standard library so that the window
without them is as short as the interpreter allows.

When the command is over the process leaves at once (`leave`), as mypy does: a plan of
20,000 objects holds ~270 MB of objects, which the interpreter's own exit would free one by
one for ~0.3 s before the process is gone, for nothing; and what a command hands to
`keep_until_exit` is not freed when it returns either (another ~0.1 s).
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, NoReturn

INTERRUPTED = 130  # 128 + SIGINT; the one definition (j1sync.commands._exits uses it)


def _before_start(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"Interrupted.\n")
    os._exit(INTERRUPTED)


def guard_startup() -> None:
    """Until j1sync.interrupts replaces them: a stop signal ends the process, exit 130."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _before_start)


class _Process:
    """The j1sync process's objects that live until it leaves: what a command made (the
    manifests, the account's objects, the plan) would otherwise be freed one by one when
    the command returns, for nothing. None: not the j1sync process (a test runner calls
    the command in-process), nothing is kept."""

    kept: list[object] | None = None


def keep_until_exit(*objects: object) -> None:
    """Hand `objects` over to live until the process leaves (`leave`), in the j1sync
    process only (for an in-process caller they are freed as ever)."""
    if _Process.kept is not None:
        _Process.kept.extend(objects)


def own_process() -> bool:
    """Whether this is the `j1sync` process (started by `main`), which may fork a helper
    (manifest/parse_ahead.py); a test runner or program that calls j1sync in-process
    gets no process it did not ask for."""
    return _Process.kept is not None


def main() -> Any:
    guard_startup()
    _Process.kept = []
    from j1sync.cli import main as cli_main

    try:
        code = cli_main()
    except SystemExit as exc:
        code = exc.code
    leave(code)


def leave(code: str | int | None) -> NoReturn:
    """End the process with `code` as `sys.exit(code)` would, without the interpreter's
    teardown: once no other thread but daemons is alive (the interpreter would wait for
    them), the atexit handlers have run (logging's flush, weakref finalizers, those of
    libraries) and stdout and stderr are flushed, nothing is left that freeing the objects
    would do. Otherwise (a thread still running, a stream that cannot be flushed, an exit
    "code" that is a message) the interpreter's own exit, which reports and waits as it
    always does."""
    if not (code is None or isinstance(code, int)) or _threads_running():
        sys.exit(code)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            sys.exit(code)  # as ever: "Exception ignored ... BrokenPipeError", exit 120
    os._exit(code or 0)


def _threads_running() -> bool:
    main_thread = threading.main_thread()
    return any(
        thread.is_alive() and not thread.daemon
        for thread in threading.enumerate()
        if thread is not main_thread
    )
