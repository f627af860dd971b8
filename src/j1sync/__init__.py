"""j1sync: JupiterOne configuration as code."""

__version__ = "0.1.0"
