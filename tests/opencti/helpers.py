"""What the OpenCTI provider's tests share: the command line against an emulator, manifests
written into a folder, and reading the emulator's store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.opencti.client import OpenCtiClient
from j1sync.providers.opencti.emulator import OpenCtiEmulator
from j1sync.providers.opencti.settings import OpenCtiSettings

API_VERSION = "opencti.j1sync/v1"


def document(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name}, "spec": spec}


@dataclass
class Platform:
    """An OpenCTI emulator and a project folder (the current directory) for the CLI."""

    emu: OpenCtiEmulator
    root: Path

    def run(self, *args: str, token: str | None = None, url: str | None = None) -> Result:
        env = {
            "OPENCTI_URL": self.emu.url if url is None else url,
            "OPENCTI_TOKEN": self.emu.token if token is None else token,
            "NO_COLOR": "1",
            "J1SYNC_BACKOFF_INITIAL_S": "0.01",
            "J1SYNC_BACKOFF_MAX_S": "0.05",
        }
        return CliRunner().invoke(cli, list(args), env=env)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def stored(self, collection: str) -> list[dict[str, Any]]:
        return self.emu.snapshot()[collection]

    def one(self, collection: str, **match: Any) -> dict[str, Any]:
        found = [o for o in self.stored(collection) if all(o.get(k) == v for k, v in match.items())]
        assert len(found) == 1, (collection, match, found)
        return found[0]

    def client(self, token: str | None = None, **options: Any) -> OpenCtiClient:
        settings = OpenCtiSettings(
            token=self.emu.token if token is None else token,
            url=self.emu.url,
            retry_budget_s=options.pop("retry_budget_s", 5.0),
            timeout=options.pop("timeout", 5.0),
        )
        return OpenCtiClient(settings, backoff_initial_s=0.01, backoff_max_s=0.05, **options)
