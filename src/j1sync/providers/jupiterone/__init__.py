"""j1sync.providers.jupiterone: the JupiterOne API client and one module per kind."""

from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.provider import JupiterOneProvider, connect

__all__ = ["JupiterOneClient", "JupiterOneProvider", "connect"]
