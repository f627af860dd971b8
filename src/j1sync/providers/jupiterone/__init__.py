"""j1sync.providers.jupiterone: JupiterOne's manifest models (`models`), the API client,
one module per kind, export and the emulator.

The client and the provider are imported on first use: the manifest models (which the
loader reaches through the registry) must not pull in the HTTP client and the engine."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from j1sync.providers.jupiterone.client import JupiterOneClient
    from j1sync.providers.jupiterone.provider import JupiterOneProvider, connect

__all__ = ["JupiterOneClient", "JupiterOneProvider", "connect"]

_MODULE_OF = {"JupiterOneClient": "client", "JupiterOneProvider": "provider", "connect": "provider"}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
