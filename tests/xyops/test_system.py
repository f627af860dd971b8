"""xyOps as the registry knows it: apiVersion and kinds, connect from a target section (an
emulator's URL and key, a managed tag of the project's own), the emulator over a state
folder that outlives it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from j1sync.providers.registry import system_for_api_version, system_of_kind
from j1sync.providers.xyops.emulator import running_xyops_emulator
from j1sync.providers.xyops.models import DOCUMENT_MODELS
from j1sync.providers.xyops.system import SYSTEM


@dataclass(frozen=True)
class Options:
    """What a command's connection options carry (connection.ConnectionOptions)."""

    retry_budget_s: float = 3.0
    rate_limit: object = None
    concurrency: int = 24


def test_the_system_is_registered_by_its_api_version_and_kinds() -> None:
    assert system_for_api_version("xyops.j1sync/v1") is SYSTEM
    assert system_of_kind("xyops.Event") is SYSTEM
    assert SYSTEM.engine_kinds[0] == "xyops.Tag"
    assert SYSTEM.engine_kind("Event") == "xyops.Event"
    assert dict(SYSTEM.document_models) == DOCUMENT_MODELS


def test_connect_takes_the_targets_url_key_and_managed_tag() -> None:
    assert SYSTEM.connect is not None
    with running_xyops_emulator() as emu:
        emu.api.call(
            "create_tag",
            {"id": "ours", "title": "Ours", "notes": "managed-by: platform"},
            "POST",
            False,
        )
        target = {"url": emu.url, "apiKey": emu.api_key, "managedTag": "platform"}
        with SYSTEM.connect(target, Options()) as provider:
            assert [k.kind for k in provider.kinds] == list(SYSTEM.engine_kinds)
            assert provider.client.settings.retry_budget_s == 3.0
            assert provider.client.concurrency.maximum == 24
            tags = {o.name: o for o in provider.read_live(["xyops.Tag"])}
            assert tags["ours"].managed and not tags["important"].managed
            assert emu.api_key not in repr(provider.client)


def test_the_emulator_keeps_its_state_in_the_folder_it_is_given(tmp_path: Path) -> None:
    assert SYSTEM.emulator is not None
    with SYSTEM.emulator(tmp_path) as emu:
        emu.api.call("create_tag", {"id": "kept", "title": "Kept"}, "POST", False)
    with SYSTEM.emulator(tmp_path) as emu:
        assert "kept" in {t["id"] for t in emu.snapshot()["tags"]}
    assert any(tmp_path.iterdir())
