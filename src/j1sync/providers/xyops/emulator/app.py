"""The xyOps emulator as one object: store, seed, switches, counters and the HTTP server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from j1sync.emulator import LISTEN_HOST
from j1sync.emulator.faults import FaultOptions, Stats
from j1sync.emulator.http_base import ServedState, TimingsLog
from j1sync.emulator.serving import answered, build_emulator, key_lines, serve_until_stopped
from j1sync.emulator.store import MEMORY, JsonObject
from j1sync.providers.xyops.emulator.api import XyOpsApi
from j1sync.providers.xyops.emulator.kinds import LISTS
from j1sync.providers.xyops.emulator.seed import ADMIN, admin_user, seed_objects
from j1sync.providers.xyops.emulator.server import XyOpsHTTPServer
from j1sync.providers.xyops.emulator.switches import XyOpsSwitches
from j1sync.providers.xyops.settings import TITLE
from j1sync.providers.xyops.values import call_path

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_DB = ".j1sync/xyops-emulator.db"  # where `emulator serve --system xyops` keeps it
# 24 letters and digits, as xyOps generates keys ("24 characters in length by default")
DEFAULT_API_KEY = "j1syncXyOpsEmulatorKey24"
API_KEY_ID = "j1sync_emulator"  # the key's id: `username` of what its caller creates
DEFAULT_PORT = 8766
KEPT_ON_RESET = frozenset({"users", "api_keys"})


class XyOpsEmulator(ServedState):
    """A running (or ready-to-run) xyOps emulator; `url` is its base URL (no path)."""

    system = TITLE

    def __init__(
        self,
        db: str | None = None,
        seed: str = "fresh",
        api_key: str = DEFAULT_API_KEY,
        switches: XyOpsSwitches | None = None,
        host: str = LISTEN_HOST,
        port: int = 0,
        wait_for_db: bool = False,
    ) -> None:
        objects = seed_objects(seed)  # an unknown seed fails before any file is made
        self._open_store(db or MEMORY, wait=wait_for_db)
        self.switches = switches or XyOpsSwitches()
        self.stats = Stats()
        self.api_key = api_key
        self._seed_new(
            lambda: self.seed_objects(
                {"users": [admin_user()], "api_keys": [_api_key_record()], **objects}
            )
        )
        self.api = XyOpsApi(self.store, self.switches, API_KEY_ID)
        self._bind(
            lambda: XyOpsHTTPServer((host, port), self.api, self.switches, self.stats, api_key)
        )

    def api_url(self, name: str) -> str:
        """The URL of one API call: `<url>/api/app/<name>/v1`."""
        return f"{self.url}{call_path(name)}"

    def snapshot(self) -> dict[str, list[JsonObject]]:
        """Every configuration list (`tags`, `categories`, ... `events`, `plugins`), each
        object exactly as stored, in list order."""
        with self.store.lock:
            return {spec.plural: self.store.objects(spec.plural) for spec in LISTS}

    def reset(self, seed: str = "fresh") -> None:
        """Back to a new server's state (`seed`), keeping the users and the API key: every
        other object is deleted, the seed stored again. Switches and counters untouched."""
        objects = seed_objects(seed)
        with self.store.lock:
            for collection, stored in self.store.snapshot().items():
                if collection in KEPT_ON_RESET:
                    continue
                for obj in stored:
                    self.store.delete(collection, str(obj["id"]))
            self.seed_objects(objects)

    def seed_objects(self, data: dict[str, list[JsonObject]]) -> None:
        """Store objects as they are (no validation, no server fields): lists by name, and
        `users` (each with `username` and optional `roles`) for role references."""
        with self.store.lock:
            for collection, objects in data.items():
                for obj in objects:
                    record = dict(obj)
                    if collection == "users":
                        record.setdefault("id", record["username"])
                    self.store.insert(collection, record)


def _api_key_record() -> JsonObject:
    # APIKey (data structures): metadata only; the key is compared, never stored here
    return {
        "id": API_KEY_ID,
        "title": "j1sync emulator",
        "active": 1,
        "privileges": {"admin": 1},
        "roles": [],
        "username": ADMIN,
    }


@contextmanager
def running_xyops_emulator(
    db: str | None = None,
    seed: str = "fresh",
    api_key: str = DEFAULT_API_KEY,
    errors_in_200: bool = False,
    wait_for_db: bool = False,
    **faults: Unpack[FaultOptions],
) -> Iterator[XyOpsEmulator]:
    """Run an xyOps emulator in this process on a free loopback port for the `with` block
    (`db` None: in memory; `seed`: "fresh" or "none")."""
    switches = XyOpsSwitches.from_options(faults, errors_in_200=errors_in_200)
    with XyOpsEmulator(
        db=db, seed=seed, api_key=api_key, switches=switches, wait_for_db=wait_for_db
    ) as emulator:
        yield emulator


def serve(
    host: str = LISTEN_HOST,
    port: int = DEFAULT_PORT,
    db: str | None = None,
    seed: str = "fresh",
    api_key: str | None = None,
    errors_in_200: bool = False,
    echo: Callable[[str], None] = print,
    timings: TimingsLog | None = None,
    before_serving: Callable[[], object] | None = None,
    **faults: Unpack[FaultOptions],
) -> XyOpsEmulator:
    """Serve until SIGTERM or SIGINT (for `j1sync emulator serve --system xyops`): `db`
    defaults to DEFAULT_DB. Bad options and unusable addresses are ConfigErrors (one line);
    the stopped emulator is returned (its `stats`)."""

    def build() -> XyOpsEmulator:
        switches = XyOpsSwitches.from_options(faults, errors_in_200=errors_in_200)
        return XyOpsEmulator(
            db=db or DEFAULT_DB,
            seed=seed,
            api_key=api_key or DEFAULT_API_KEY,
            switches=switches,
            host=host,
            port=port,
        )

    emulator = build_emulator("xyOps emulator", build, host, port)
    key_note, default_key = key_lines(api_key, DEFAULT_API_KEY)
    return serve_until_stopped(
        emulator,
        [f"xyOps emulator listening on {emulator.url} (API key: {key_note})", *default_key],
        lambda stopped: f"xyOps emulator stopped. {answered(stopped.stats)}.",
        echo,
        timings,
        before_serving,
    )
