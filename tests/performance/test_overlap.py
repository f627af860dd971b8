"""Loading the manifests while the account is read: the read really starts first, errors
are reported as when the load came first, and a manifest error leaves no reader behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from j1sync import reconcile
from j1sync.engine.contract import LiveObject, LivePart, Provider
from j1sync.errors import ApiError, ConfigError, ManifestError
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.jupiterone import JupiterOneClient, JupiterOneProvider
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.questions import LIST_QUESTIONS
from j1sync.providers.jupiterone.settings import Settings
from tests.examples import jupiterone_examples

# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()
BROKEN = "apiVersion: j1sync/v1\nkind: Question\nmetadata: {name: q}\nspec: {titel: x}\n"
WAIT_S = 30  # only ever reached when the behaviour under test is broken


@contextmanager
def _emulated(**switches: Any) -> Iterator[JupiterOneProvider]:
    with running_emulator(seed="demo", **switches) as emu:
        settings = Settings(api_key=emu.api_key, account=emu.account, api_url=emu.url)
        provider = JupiterOneProvider(JupiterOneClient(settings))
        try:
            yield provider
        finally:
            provider.close()


def _connect_to(provider: Provider, seen: list[ProjectConfig]) -> reconcile.Connect:
    @contextmanager
    def connect(project: ProjectConfig) -> Iterator[Provider]:
        seen.append(project)
        yield provider

    return connect


def _plan(paths: Sequence[str], connect: reconcile.Connect) -> reconcile.PlannedRun:
    with reconcile.connect_and_plan(paths, connect) as (_, run):
        return run


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(reconcile.READER_THREAD)]


def test_the_read_starts_before_the_manifests_load(monkeypatch: pytest.MonkeyPatch) -> None:
    read_started = threading.Event()
    real_load = reconcile.load

    class Recording(JupiterOneProvider):
        # the plan reads in parts (engine.contract.ReadsInParts)
        def read_live_in_parts(
            self, kinds: Sequence[str] | None, part: LivePart
        ) -> list[LiveObject]:
            read_started.set()
            return super().read_live_in_parts(kinds, part)

    def load_after_the_read_started(*args: Any, **kwargs: Any) -> Any:
        assert read_started.wait(WAIT_S)
        return real_load(*args, **kwargs)

    monkeypatch.setattr(reconcile, "load", load_after_the_read_started)
    with _emulated() as emulated:
        provider = Recording(emulated.client)
        seen: list[ProjectConfig] = []
        run = _plan([str(EXAMPLES)], _connect_to(provider, seen))
    # connected with what j1sync.yaml says (here: nothing), the run's system named
    assert seen == [replace(ProjectConfig(), in_run=("jupiterone",))]
    assert run.live and run.plan.changes
    assert {c.address for c in run.plan.changes} >= {
        f"{m.kind}/{m.name}" for m in run.manifests.manifests
    }


def test_a_manifest_error_abandons_the_read_and_leaves_no_thread(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    # every request answered 429, retried for up to 10 minutes unless abandoned
    with _emulated(rate_429=1.0) as provider:
        with pytest.raises(ManifestError, match="unknown field 'titel'"):
            _plan([str(tmp_path)], _connect_to(provider, []))
        assert _reader_threads() == []
        with pytest.raises(ApiError, match="abandoned"):
            provider.client.execute("graphql", LIST_QUESTIONS, {"cursor": None})


def test_manifest_problems_come_before_connection_problems(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")

    def refuse(project: ProjectConfig) -> Any:
        raise ConfigError("No JupiterOne API key: set JUPITERONE_API_KEY.")

    with pytest.raises(ManifestError):
        _plan([str(tmp_path)], refuse)
    with pytest.raises(ConfigError, match="API key"):
        _plan([str(EXAMPLES)], refuse)


def test_j1sync_yaml_names_the_account_before_the_load(tmp_path: Path) -> None:
    (tmp_path / "j1sync.yaml").write_text("account: acme\nmanagedTag: ops\n", encoding="utf-8")
    (tmp_path / "q.yaml").write_text(
        (EXAMPLES / "questions" / "public-s3-buckets.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    with _emulated() as provider:
        seen: list[ProjectConfig] = []
        run = _plan([str(tmp_path)], _connect_to(provider, seen))
    assert [(p.account, p.managed_tag) for p in seen] == [("acme", "ops")]
    assert run.manifests.project.account == "acme"


def test_a_broken_j1sync_yaml_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    (tmp_path / "j1sync.yaml").write_text("acount: acme\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    connected: list[ProjectConfig] = []
    with pytest.raises(ManifestError) as raised:
        _plan([str(tmp_path)], _connect_to(None, connected))  # type: ignore[arg-type]
    assert "acount" in str(raised.value) and "titel" in str(raised.value)
    assert connected == []
