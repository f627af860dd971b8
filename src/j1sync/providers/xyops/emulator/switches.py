"""The xyOps emulator's switches: the shared fault switches (j1sync.emulator.faults) and
the one behaviour the docs leave open.

`errors_in_200`: the reference notes give errors HTTP 400/403/404/429/500 on /v1 URLs, but
xyOps' API layer answers a refusal through the same callback as a success, which may well
arrive as HTTP 200 with a non-zero `code`. On: every refusal (`{code, description}`,
rate limits included) is answered HTTP 200, the body unchanged; injected 5xx stay 5xx.
"""

from __future__ import annotations

from dataclasses import dataclass

from j1sync.emulator.faults import FaultSwitches


@dataclass
class XyOpsSwitches(FaultSwitches):
    errors_in_200: bool = False
