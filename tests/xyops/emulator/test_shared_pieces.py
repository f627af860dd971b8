"""The emulator pieces every system shares (fault switches, counters, the HTTP front's
common parts) name no system, and both emulators are built on them."""

from __future__ import annotations

import inspect
import re
from types import ModuleType

import pytest

from j1sync.emulator import faults, http_base
from j1sync.providers.jupiterone.emulator.server import EmulatorHTTPServer
from j1sync.providers.jupiterone.emulator.switches import Switches
from j1sync.providers.xyops.emulator import running_xyops_emulator
from j1sync.providers.xyops.emulator.server import XyOpsHTTPServer

SYSTEMS = re.compile(r"jupiter\s*one|xyops|opencti", re.IGNORECASE)


@pytest.mark.parametrize("module", [faults, http_base])
def test_shared_modules_name_no_system(module: ModuleType) -> None:
    source = inspect.getsource(module)
    assert SYSTEMS.findall(source) == []


def test_both_emulators_stand_on_the_shared_pieces() -> None:
    assert issubclass(EmulatorHTTPServer, http_base.QuietThreadingHTTPServer)
    assert issubclass(XyOpsHTTPServer, http_base.QuietThreadingHTTPServer)
    assert issubclass(Switches, faults.FaultSwitches)
    with running_xyops_emulator() as emu:
        assert isinstance(emu.switches, faults.FaultSwitches)
        assert isinstance(emu.stats, faults.Stats)
