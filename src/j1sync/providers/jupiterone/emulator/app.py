"""The emulator as one object: storage, seed, switches, counters and the HTTP server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from j1sync.emulator import LISTEN_HOST
from j1sync.emulator.faults import FaultOptions
from j1sync.emulator.http_base import ServedState
from j1sync.emulator.store import MEMORY, JsonObject
from j1sync.per_seconds import parse_rate_limit
from j1sync.providers.jupiterone.emulator.backend import Backend
from j1sync.providers.jupiterone.emulator.quotas import Quotas
from j1sync.providers.jupiterone.emulator.seed import SeedSource, apply_seed, load_seed
from j1sync.providers.jupiterone.emulator.server import EmulatorHTTPServer
from j1sync.providers.jupiterone.emulator.switches import Stats, Switches
from j1sync.providers.jupiterone.settings import TITLE
from j1sync.providers.jupiterone.values import LARGEST_PAGE

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["DEFAULT_DB", "Emulator", "Switches", "parse_rate_limit", "running_emulator"]

DEFAULT_DB = ".j1sync/emulator.db"  # where `--emulator` and `emulator serve` keep it
DEFAULT_API_KEY = "j1sync-emulator-key"
DEFAULT_ACCOUNT = "j1sync-emulator"
NAMED_SEEDS = ("demo", "none")  # what a seed may be besides a file (load_seed)


class Emulator(ServedState):
    """A running (or ready-to-run) emulator. `url` is the base URL, without a path."""

    system = TITLE

    def __init__(
        self,
        db: str = MEMORY,
        seed: SeedSource = "demo",
        api_key: str = DEFAULT_API_KEY,
        account: str = DEFAULT_ACCOUNT,
        switches: Switches | None = None,
        host: str = LISTEN_HOST,
        port: int = 0,
        wait_for_db: bool = False,
    ) -> None:
        self._open_store(db, wait=wait_for_db)
        self.switches = switches or Switches()
        self.stats = Stats()
        self.api_key = api_key
        self.account = account
        self.backend = Backend(self.store, account, self.switches)

        def fill() -> None:
            named = isinstance(seed, str) and seed in NAMED_SEEDS
            if isinstance(seed, (str, Path)) and not named and not Path(seed).exists():
                raise ValueError(
                    f"unknown JupiterOne emulator seed {str(seed)!r} (no such file): use a "
                    "seed file (YAML or JSON), 'demo' or 'none'"
                )
            data = load_seed(seed)  # its problems name the file
            name = f"seed {seed}" if isinstance(seed, (str, Path)) else "seed"
            try:
                apply_seed(self.backend, data)
            except ValueError as exc:  # where in the seed, and what is wrong there
                raise ValueError(f"{name}: {exc}") from exc
            except Exception as exc:
                raise ValueError(f"{name}: {type(exc).__name__}: {exc}") from exc

        self._seed_new(fill)  # no half-seeded account left behind for the next start
        self._bind(lambda: EmulatorHTTPServer((host, port), self.backend, self.stats, api_key))

    @property
    def graphql_url(self) -> str:
        """The gateway: every operation at one URL, as the official clients send them."""
        return f"{self.url}/"

    def snapshot(self) -> dict[str, list[JsonObject]]:
        return self.store.snapshot()

    def seed_objects(self, data: JsonObject) -> None:
        """Add objects directly, in the seed file format."""
        apply_seed(self.backend, load_seed(data))


@contextmanager
def running_emulator(
    db: str = MEMORY,
    seed: SeedSource = "demo",
    api_key: str = DEFAULT_API_KEY,
    account: str = DEFAULT_ACCOUNT,
    page_size: int = LARGEST_PAGE,
    quotas: Quotas | None = None,
    wait_for_db: bool = False,
    **faults: Unpack[FaultOptions],
) -> Iterator[Emulator]:
    """Run an emulator in this process on a free loopback port for the `with` block
    (`wait_for_db`: wait while another process serves the same database file, instead of
    failing; `faults`: latency, rate limits and injected failures)."""
    switches = Switches.from_options(faults, page_size=page_size, quotas=quotas)
    with Emulator(
        db=db,
        seed=seed,
        api_key=api_key,
        account=account,
        switches=switches,
        wait_for_db=wait_for_db,
    ) as emulator:
        yield emulator
