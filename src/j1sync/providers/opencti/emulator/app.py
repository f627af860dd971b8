"""The OpenCTI emulator as one object: store, seed, switches, counters and the HTTP server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from j1sync.emulator import LISTEN_HOST
from j1sync.emulator.faults import FaultOptions, FaultSwitches, Stats
from j1sync.emulator.http_base import ServedState, TimingsLog
from j1sync.emulator.serving import answered, build_emulator, serve_until_stopped
from j1sync.emulator.store import MEMORY, JsonObject
from j1sync.errors import ConfigError
from j1sync.providers.opencti.emulator.api import KINDS, OpenCtiApi
from j1sync.providers.opencti.emulator.seed import ADMIN_EMAIL, ANALYST_EMAIL, seed_objects
from j1sync.providers.opencti.emulator.server import OpenCtiHTTPServer
from j1sync.providers.opencti.settings import GRAPHQL_PATH, TITLE

if TYPE_CHECKING:
    from typing_extensions import Unpack

DEFAULT_DB = ".j1sync/opencti-emulator.db"  # where `emulator serve --system opencti` keeps it
DEFAULT_PORT = 8767
SEEDS = ("fresh", "none")
KEPT_ON_RESET = frozenset({"users"})


class OpenCtiEmulator(ServedState):
    """A running (or ready-to-run) OpenCTI emulator: `url` is the platform's base URL
    (the API is `url + "/graphql"`, as pycti builds it), `token` the administrator's,
    `tokens` every seeded user's by e-mail."""

    system = TITLE
    # 2: a group's shareable markings kept as OpenCTI keeps them, max_shareable_markings;
    # 3: STIX meta objects keep spec_version, created and modified (before: served null)
    layout = 3

    def __init__(
        self,
        db: str | None = None,
        seed: str = "fresh",
        switches: FaultSwitches | None = None,
        host: str = LISTEN_HOST,
        port: int = 0,
        wait_for_db: bool = False,
    ) -> None:
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r} (one of: {', '.join(SEEDS)})")
        self._open_store(db or MEMORY, wait=wait_for_db)
        self.switches = switches or FaultSwitches()
        self.stats = Stats()
        self._seed_new(lambda: self._seed(seed))
        self.api = OpenCtiApi(self.store)
        self._bind(lambda: OpenCtiHTTPServer((host, port), self.api, self.switches, self.stats))
        self.graphql_url = self.url + GRAPHQL_PATH
        users = {str(u["user_email"]): str(u["token"]) for u in self.store.objects("users")}
        self.tokens = users
        self.token = users[ADMIN_EMAIL]
        self.limited_token = users[ANALYST_EMAIL]

    @property
    def api_key(self) -> str:
        """The administrator's token, under the name `--emulator` callers read."""
        return self.token

    def _seed(self, seed: str) -> None:
        objects = seed_objects()
        for collection, stored in objects.items():
            if seed == "none" and collection not in (
                "users",
                "capabilities",
                "roles",
                "groups",
                "settings",
            ):
                continue
            for obj in stored:
                self.store.insert(collection, obj)

    def snapshot(self) -> dict[str, list[JsonObject]]:
        """Every collection (`markings`, `labels`, ... `settings`, `users`), each object exactly
        as stored (user tokens left out)."""
        with self.api.lock:
            found = self.store.snapshot()
        stored = {kind.collection: found.get(kind.collection, []) for kind in KINDS.values()}
        stored["users"] = [
            {k: v for k, v in u.items() if k != "token"} for u in stored.get("users", [])
        ]
        return stored

    def reset(self, seed: str = "fresh") -> None:
        """Back to a fresh platform's objects, keeping the users and their tokens."""
        if seed not in SEEDS:
            raise ValueError(f"unknown seed {seed!r} (one of: {', '.join(SEEDS)})")
        with self.api.lock:
            for collection, stored in self.store.snapshot().items():
                if collection in KEPT_ON_RESET:
                    continue
                for obj in stored:
                    self.store.delete(collection, str(obj["id"]))
            objects = seed_objects()
            for collection, objs in objects.items():
                if collection in KEPT_ON_RESET:
                    continue
                if seed == "none" and collection not in (
                    "capabilities",
                    "roles",
                    "groups",
                    "settings",
                ):
                    continue
                for obj in objs:
                    self.store.insert(collection, obj)


@contextmanager
def running_opencti_emulator(
    db: str | None = None,
    seed: str = "fresh",
    wait_for_db: bool = False,
    **faults: Unpack[FaultOptions],
) -> Iterator[OpenCtiEmulator]:
    """Run an OpenCTI emulator in this process on a free loopback port for the `with`
    block (`db` None: in memory; `seed`: "fresh" or "none")."""
    switches = FaultSwitches.from_options(faults)
    with OpenCtiEmulator(db=db, seed=seed, switches=switches, wait_for_db=wait_for_db) as emulator:
        yield emulator


def serve(
    host: str = LISTEN_HOST,
    port: int = DEFAULT_PORT,
    db: str | None = None,
    seed: str = "fresh",
    api_key: str | None = None,
    echo: Callable[[str], None] = print,
    timings: TimingsLog | None = None,
    before_serving: Callable[[], object] | None = None,
    **faults: Unpack[FaultOptions],
) -> OpenCtiEmulator:
    """Serve until SIGTERM or SIGINT (for `j1sync emulator serve --system opencti`): `db`
    defaults to DEFAULT_DB. The tokens are the seeded users' (`api_key` is refused: the
    users and their tokens are fixed). Bad options and unusable addresses are ConfigErrors."""
    if api_key is not None:
        raise ConfigError(
            "the OpenCTI emulator's tokens are its seeded users'; --api-key is not taken"
        )

    def build() -> OpenCtiEmulator:
        switches = FaultSwitches.from_options(faults)
        return OpenCtiEmulator(
            db=db or DEFAULT_DB, seed=seed, switches=switches, host=host, port=port
        )

    emulator = build_emulator("OpenCTI emulator", build, host, port)
    return serve_until_stopped(
        emulator,
        [
            f"OpenCTI emulator listening on {emulator.url} (GraphQL API at {emulator.graphql_url})",
            f"Administrator token: {emulator.token}",
            f"Limited analyst token: {emulator.limited_token}",
        ],
        lambda stopped: f"OpenCTI emulator stopped. {answered(stopped.stats)}.",
        echo,
        timings,
        before_serving,
    )
