"""Opening a connection to an account: the real JupiterOne API, or the embedded emulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
) -> Iterator[Provider]:
    """Yield a connected provider. With `emulator`, an in-process emulator serves the
    state kept in .j1sync/emulator.db under the current directory (demo seed on first use)."""
    from j1sync.providers.jupiterone import connect
    from j1sync.settings import Settings

    if emulator:
        from j1sync.emulator import running_emulator

        EMULATOR_STATE.parent.mkdir(parents=True, exist_ok=True)
        with running_emulator(db=str(EMULATOR_STATE), seed="demo") as emu:
            settings = Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url)
            yield connect(settings, managed_tag=managed_tag)
        return

    overrides: dict[str, str] = {}
    if api_url:
        overrides["api_url"] = api_url
    if account or default_account:
        overrides["account"] = account or default_account or ""
    if region or default_region:
        overrides["region"] = region or default_region or ""
    yield connect(Settings.from_env(**overrides), managed_tag=managed_tag)
