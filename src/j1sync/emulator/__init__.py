"""What every system's emulator shares, naming no system (docs/architecture.md §12):
the HTTP server base and serve/stop lifecycle (`http_base`), the fault switches and request
counters (`faults`), and the SQLite object store with its process lock (`store`).

Each system's emulator lives in its provider package (`j1sync.providers.<system>.emulator`).
"""

LISTEN_HOST = "127.0.0.1"  # where an emulator listens unless told otherwise: loopback only
