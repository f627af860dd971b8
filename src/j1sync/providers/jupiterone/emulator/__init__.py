"""JupiterOne's emulator: a local JupiterOne-compatible GraphQL server for tests, demos
and CI, on the shared emulator pieces (j1sync.emulator: HTTP base, fault switches, store).

from j1sync.providers.jupiterone.emulator import running_emulator
with running_emulator(page_size=5) as emu:
    ...  # emu.url, emu.api_key, emu.account, emu.switches, emu.stats, emu.snapshot()
"""

from j1sync.providers.jupiterone.emulator.app import (
    DEFAULT_ACCOUNT,
    DEFAULT_API_KEY,
    DEFAULT_DB,
    Emulator,
    running_emulator,
)
from j1sync.providers.jupiterone.emulator.switches import Stats, Switches

__all__ = [
    "DEFAULT_ACCOUNT",
    "DEFAULT_API_KEY",
    "DEFAULT_DB",
    "Emulator",
    "Stats",
    "Switches",
    "running_emulator",
]
