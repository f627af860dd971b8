"""Opening a connection to an account: the real JupiterOne API, or the embedded emulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from j1sync.engine.contract import Provider
from j1sync.manifest.document import DEFAULT_MANAGED_TAG

EMULATOR_STATE = Path(".j1sync") / "emulator.db"
DEFAULT_RETRY_BUDGET_S = 600.0


@dataclass(frozen=True)
class ConnectionOptions:
    """How a command reaches the account: its --emulator, --api-url, --account, --region,
    --endpoint-mode, --retry-budget and --rate-limit (a RateLimit, or None for no
    client-side limit); and apply's --concurrency, the changes made at once, which the
    client must let through together."""

    emulator: bool = False
    api_url: str | None = None
    account: str | None = None
    region: str | None = None
    endpoint_mode: str = "gateway"
    retry_budget_s: float = DEFAULT_RETRY_BUDGET_S
    rate_limit: Any = None
    concurrency: int = 1


@contextmanager
def open_provider(
    options: ConnectionOptions,
    *,
    default_account: str | None = None,
    default_region: str | None = None,
    managed_tag: str = DEFAULT_MANAGED_TAG,
) -> Iterator[Provider]:
    """Yield a connected provider. With `options.emulator`, an in-process emulator serves
    the state kept in .j1sync/emulator.db under the current directory (demo seed on first
    use). j1sync.yaml's account and region are the defaults under flags and environment."""
    from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
    from j1sync.providers.jupiterone.client import POOL_SIZE
    from j1sync.settings import Settings

    # The client's ceiling on requests in flight: what the concurrent reads need, raised to
    # apply's --concurrency (each change has one request in flight at a time).
    max_in_flight = max(POOL_SIZE, options.concurrency)

    def connect(settings: Settings) -> JupiterOneProvider:
        client = JupiterOneClient(
            settings, rate_limit=options.rate_limit, max_in_flight=max_in_flight
        )
        return JupiterOneProvider(client, managed_tag)

    @contextmanager
    def interruptible(provider: JupiterOneProvider) -> Iterator[Provider]:
        try:
            yield provider
        except KeyboardInterrupt:
            # Ctrl-C or SIGTERM: reads still running on other threads stop retrying and
            # sending, so the process can end (a request on the wire ends by its timeout).
            provider.abandon()
            raise

    if options.emulator:
        from j1sync.emulator import running_emulator

        EMULATOR_STATE.parent.mkdir(parents=True, exist_ok=True)
        with running_emulator(db=str(EMULATOR_STATE), seed="demo", wait_for_db=True) as emu:
            settings = Settings(
                api_key=emu.api_key,
                account=emu.account,
                api_url=emu.url,
                retry_budget_s=options.retry_budget_s,
                endpoint_mode=options.endpoint_mode,
            )
            with interruptible(connect(settings)) as provider:
                yield provider
        return

    overrides: dict[str, Any] = {
        "retry_budget_s": options.retry_budget_s,
        "endpoint_mode": options.endpoint_mode,
    }
    if options.api_url:
        overrides["api_url"] = options.api_url
    if options.account or default_account:
        overrides["account"] = options.account or default_account
    if options.region or default_region:
        overrides["region"] = options.region or default_region
    with interruptible(connect(Settings.from_env(**overrides))) as provider:
        yield provider
