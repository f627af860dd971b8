"""j1sync: the configuration of several systems as code (a provider package per system)."""

__version__ = "0.1.0"
