"""The `j1sync` process's first code (the console script and `python -m j1sync`).

Loading the command line takes a moment (click, pydantic, the engine). A Ctrl-C or SIGTERM
that arrives meanwhile ends the process at once, exit 130, saying "Interrupted." and no
more: nothing has started yet. `j1sync.cli.main` then installs the real handlers
(j1sync.interrupts). Kept free of imports beyond the standard library so that the window
without them is as short as the interpreter allows.
"""

from __future__ import annotations

import os
import signal
from types import FrameType
from typing import Any

INTERRUPTED = 130  # 128 + SIGINT; the one definition (j1sync.commands._exits uses it)


def _before_start(signum: int, frame: FrameType | None) -> None:
    os.write(2, b"Interrupted.\n")
    os._exit(INTERRUPTED)


def guard_startup() -> None:
    """Until j1sync.interrupts replaces them: a stop signal ends the process, exit 130."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _before_start)


def main() -> Any:
    guard_startup()
    from j1sync.cli import main as cli_main

    return cli_main()
