"""One emulator per registered system and test module, and a scratch workspace on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.systems import ContractSystem, Target, registered

SYSTEMS = registered()


@pytest.fixture(scope="module", params=SYSTEMS, ids=[s.name for s in SYSTEMS])
def system_target(request: pytest.FixtureRequest) -> Iterator[tuple[ContractSystem, Target]]:
    system: ContractSystem = request.param
    with system.emulator() as target:
        yield system, target
