"""Opening a connection to an account: the real JupiterOne API, or the embedded emulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from j1sync.engine.contract import Provider

EMULATOR_STATE = Path(".j1sync") / "emulator.db"


@contextmanager
def open_provider(
    *,
    emulator: bool,
    api_url: str | None = None,
    account: str | None = None,
    region: str | None = None,
    default_account: str | None = None,
    default_region: str | None = None,
    managed_tag: str = "j1sync",
    retry_budget_s: float | None = None,
    rate_limit: Any = None,
) -> Iterator[Provider]:
    """Yield a connected provider. With `emulator`, an in-process emulator serves the
    state kept in .j1sync/emulator.db under the current directory (demo seed on first use).

    `retry_budget_s` and `rate_limit` (a RateLimit or "N/SECONDS") default to the current
    command's --retry-budget and --rate-limit."""
    from j1sync.commands._common import RATE_LIMIT_META, RETRY_BUDGET_META
    from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
    from j1sync.settings import Settings

    context = click.get_current_context(silent=True)
    meta: dict[str, Any] = context.meta if context is not None else {}
    if retry_budget_s is None:
        retry_budget_s = meta.get(RETRY_BUDGET_META)
    if rate_limit is None:
        rate_limit = meta.get(RATE_LIMIT_META)

    def connect(settings: Settings) -> Provider:
        client = JupiterOneClient(settings, rate_limit=rate_limit)
        return JupiterOneProvider(client, managed_tag)

    if emulator:
        from j1sync.emulator import running_emulator

        EMULATOR_STATE.parent.mkdir(parents=True, exist_ok=True)
        with running_emulator(db=str(EMULATOR_STATE), seed="demo") as emu:
            yield connect(
                Settings(
                    api_key=emu.api_key,
                    account=emu.account,
                    api_url=emu.url,
                    retry_budget_s=600.0 if retry_budget_s is None else retry_budget_s,
                )
            )
        return

    overrides: dict[str, Any] = {"retry_budget_s": retry_budget_s}
    if api_url:
        overrides["api_url"] = api_url
    if account or default_account:
        overrides["account"] = account or default_account or ""
    if region or default_region:
        overrides["region"] = region or default_region or ""
    yield connect(Settings.from_env(**overrides))
