"""What the xyOps provider tests share: an emulator with a provider connected to it, and
the one road to a plan and an apply (reconcile.connect_and_plan -> engine -> executor);
an emulator with the CLI run in process against it (`CliServer`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.engine.model import Plan
from j1sync.executor import ApplyResult, apply_plan
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.xyops.client import XyopsClient
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from j1sync.providers.xyops.provider import XyopsProvider
from j1sync.providers.xyops.settings import XyopsSettings
from j1sync.reconcile import PlannedRun, connect_and_plan

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "manifests" / "xyops"
# A web hook as docs/xyops.md writes it, its URL and token from the environment, which the
# examples' channel names in examples_with_secret (the examples themselves hold no web
# hook: they need no variable, as the README's commands run them, and a saved plan of
# examples/manifests carries no credential)
TOKEN_VARIABLE = "XYOPS_OPS_CHAT_TOKEN"
TOKEN = "xyops-example-token-4b1d"
URL_VARIABLE = "XYOPS_OPS_CHAT_URL"
HOOK_URL = "https://chat.example.com/hooks/T0KEN1N-URL"
SECRET_HOOK = """apiVersion: xyops.j1sync/v1
kind: WebHook
metadata:
  name: ops_chat
spec:
  title: Ops chat
  url: ${env:XYOPS_OPS_CHAT_URL}
  headers:
    - name: Authorization
      value: Bearer ${env:XYOPS_OPS_CHAT_TOKEN}
  body: '{"text": "{{text}}"}'
  timeout: 10
"""


def examples_with_secret(folder: Path) -> Path:
    """A copy of the examples in `folder` with a web hook (its URL and token given as
    ${env:}) that the channel names: eight objects."""
    folder.mkdir(parents=True, exist_ok=True)
    for example in EXAMPLES.glob("*.yaml"):
        (folder / example.name).write_text(example.read_text())
    (folder / "web-hooks.yaml").write_text(SECRET_HOOK)
    channel = (folder / "channels.yaml").read_text()
    (folder / "channels.yaml").write_text(channel + "  web_hook: ops_chat\n")
    return folder


def client_for(emu: XyOpsEmulator, **kwargs: Any) -> XyopsClient:
    settings = XyopsSettings(api_key=emu.api_key, url=emu.url, retry_budget_s=5.0)
    kwargs.setdefault("backoff_initial_s", 0.01)
    kwargs.setdefault("backoff_max_s", 0.05)
    return XyopsClient(settings, **kwargs)


def provider_for(emu: XyOpsEmulator, **kwargs: Any) -> XyopsProvider:
    return XyopsProvider(client_for(emu, **kwargs))


@dataclass
class Target:
    """An emulator and a provider connected to it."""

    emu: XyOpsEmulator
    provider: XyopsProvider

    def plan(self, *paths: str | Path) -> PlannedRun:
        with connect_and_plan([str(p) for p in paths], self._connect) as (_, run):
            return run

    def apply(self, run: PlannedRun, **kwargs: Any) -> ApplyResult:
        return apply_plan(run.plan, self.provider, run.live, **kwargs)

    def converge(self, *paths: str | Path) -> tuple[ApplyResult, Plan]:
        """Apply what the manifests say, then plan again: (the apply, the new plan)."""
        result = self.apply(self.plan(*paths))
        return result, self.plan(*paths).plan

    def call(self, name: str, **body: Any) -> dict[str, Any]:
        return self.provider.client.write(name, body)

    def get(self, name: str, **params: Any) -> dict[str, Any]:
        return self.provider.client.read(name, params)

    @contextmanager
    def _connect(self, project: ProjectConfig) -> Iterator[XyopsProvider]:
        self.provider.managed_tag = project.managed_tag
        yield self.provider


@contextmanager
def target(**emulator: Any) -> Iterator[Target]:
    with running_xyops_emulator(**emulator) as emu:
        provider = provider_for(emu)
        try:
            yield Target(emu, provider)
        finally:
            provider.close()


def changes(plan: Plan) -> list[tuple[str, str]]:
    """(action, address) of every change that does something."""
    return [(c.action, c.address) for c in plan.changes if c.action != "no-op"]


def write_manifests(folder: Path, documents: Sequence[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index, text in enumerate(documents):
        (folder / f"m{index}.yaml").write_text(text)
    return folder


@dataclass
class CliServer:
    """An xyOps emulator whose API key is `key`, and a test's folder (`root`): `run` is
    `j1sync ARGS` in process against it, with `env` (and the call's own) besides. A test
    module subclasses it with what its tests need of the emulator."""

    emu: XyOpsEmulator
    root: Path
    key: str
    env: dict[str, str] = field(default_factory=dict)

    def run(self, *args: str, key: str | None = None, **env: str) -> Result:
        """`j1sync ARGS`, with the emulator's key unless `key` is given."""
        settings = {
            "XYOPS_URL": self.emu.url,
            "XYOPS_API_KEY": self.key if key is None else key,
            "NO_COLOR": "1",
            **self.env,
            **env,
        }
        return CliRunner().invoke(cli, list(args), env=settings)

    @classmethod
    @contextmanager
    def serving(cls, root: Path, key: str, **env: str) -> Iterator[Self]:
        """An emulator started with `key`, as long as the block runs."""
        with running_xyops_emulator(api_key=key) as emu:
            yield cls(emu, root, key, dict(env))
