"""A local OpenCTI 6.9.17 platform for tests, demos and CI: graphql-core over a subset of
the real schema (schema.graphql, cut by subset.py), Bearer-token users whose capabilities
come from OpenCTI's auth map (auth.json), a fresh platform's default objects and the shared
fault switches.

from j1sync.providers.opencti.emulator import running_opencti_emulator
with running_opencti_emulator() as emu:
    ...  # emu.url (pycti's url; the API at /graphql), emu.token, emu.tokens, emu.switches,
         # emu.stats, emu.snapshot()

What it implements, from where, and every guess: docs/api-fidelity.md, "OpenCTI".
"""

from j1sync.providers.opencti.emulator.app import (
    DEFAULT_DB,
    DEFAULT_PORT,
    OpenCtiEmulator,
    running_opencti_emulator,
    serve,
)
from j1sync.providers.opencti.emulator.seed import ADMIN_TOKEN, ANALYST_TOKEN, BUILT_IN

__all__ = [
    "ADMIN_TOKEN",
    "ANALYST_TOKEN",
    "BUILT_IN",
    "DEFAULT_DB",
    "DEFAULT_PORT",
    "OpenCtiEmulator",
    "running_opencti_emulator",
    "serve",
]
