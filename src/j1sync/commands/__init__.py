"""One module per j1sync command; each exposes a click command named `command`."""
