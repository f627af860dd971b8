"""A local xyOps server for tests, demos and CI, built from the xyOps 1.0.88 API docs.

from j1sync.providers.xyops.emulator import running_xyops_emulator
with running_xyops_emulator() as emu:
    ...  # emu.url, emu.api_key, emu.switches, emu.stats, emu.snapshot()

What it implements, from which doc section, and every guess: docs/api-fidelity.md, "xyOps".
"""

from j1sync.providers.xyops.emulator.app import (
    API_KEY_ID,
    DEFAULT_API_KEY,
    DEFAULT_DB,
    DEFAULT_PORT,
    XyOpsEmulator,
    running_xyops_emulator,
    serve,
)

__all__ = [
    "API_KEY_ID",
    "DEFAULT_API_KEY",
    "DEFAULT_DB",
    "DEFAULT_PORT",
    "XyOpsEmulator",
    "running_xyops_emulator",
    "serve",
]
