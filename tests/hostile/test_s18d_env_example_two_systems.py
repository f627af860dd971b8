"""Two systems exported into one folder (`--force`): the second export replaced
`.env.example`, so the first system's credential variables were no longer listed, and a
user who set what the file lists got 'environment variable J1_... is not set' at the
first plan. Now the file keeps what it lists of other kinds (as written) and adds the new
export's; an export of the same kinds again replaces their entries instead of adding
them twice, and no new variable takes a name the file already lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.xyops.emulator import XyOpsEmulator, running_xyops_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.xyops_cli import KEY

RULE = {
    "name": "page-oncall",
    "question": {"queries": [{"name": "q", "query": "Find Host"}]},
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [
                {
                    "type": "WEBHOOK",
                    "endpoint": "https://hooks.example.invalid/s18d-secret",
                    "method": "POST",
                    "headers": {"Authorization": "Bearer s18d-token"},
                    "body": {},
                }
            ],
        }
    ],
}
J1_VARIABLES = [
    "J1_PAGE_ONCALL_OPERATIONS_0_ACTIONS_0_ENDPOINT",
    "J1_PAGE_ONCALL_OPERATIONS_0_ACTIONS_0_HEADERS_AUTHORIZATION",
]
# the xyOps emulator's fresh server: its example web hook
XYOPS_VARIABLES = [
    "J1_EXAMPLE_HOOK_HEADERS_0_VALUE",
    "J1_EXAMPLE_HOOK_HEADERS_1_VALUE",
    "J1_EXAMPLE_HOOK_URL",
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.chdir(tmp_path)
    emu: Emulator
    xy: XyOpsEmulator
    with (
        running_emulator(seed={**BASE_SEED, "rules": [RULE]}) as emu,
        running_xyops_emulator(api_key=KEY) as xy,
    ):
        yield {
            "JUPITERONE_API_KEY": emu.api_key,
            "JUPITERONE_ACCOUNT_ID": emu.account,
            "JUPITERONE_API_URL": emu.url,
            "XYOPS_URL": xy.url,
            "XYOPS_API_KEY": KEY,
            "NO_COLOR": "1",
        }


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def listed() -> list[str]:
    text = Path("ex/.env.example").read_text(encoding="utf-8")
    return [line.removesuffix("=") for line in text.splitlines() if not line.startswith("#")]


def test_a_second_system_keeps_the_first_ones_variables(env: dict[str, str]) -> None:
    first = run(env, "export", "--kind", "AlertRule", "--out", "ex")
    assert first.exit_code == 0, first.output
    assert listed() == J1_VARIABLES

    second = run(env, "export", "--system", "xyops", "--kind", "WebHook", "--out", "ex", "--force")
    assert second.exit_code == 0, second.output
    assert listed() == [*J1_VARIABLES, *XYOPS_VARIABLES]
    text = Path("ex/.env.example").read_text(encoding="utf-8")
    assert "# AlertRule/page-oncall operations[0].actions[0].endpoint\n" in text
    assert "# xyops.WebHook/example_hook url\n" in text
    assert "s18d-" not in text

    # every variable the file lists set: both systems' manifests load
    values = dict.fromkeys(listed(), "https://set.example.invalid/")
    assert run({**env, **values}, "validate", "ex").exit_code == 0

    # the same export again: its own entries replaced, not added twice
    again = run(env, "export", "--system", "xyops", "--kind", "WebHook", "--out", "ex", "--force")
    assert again.exit_code == 0, again.output
    assert listed() == [*J1_VARIABLES, *XYOPS_VARIABLES]


def test_a_name_the_file_lists_for_another_object_is_not_taken(env: dict[str, str]) -> None:
    """Another system's object whose variable came out as this one's would need two
    values under one name: the new variable ends in a suffix of its own instead."""
    Path("ex").mkdir()
    Path("ex/.env.example").write_text(
        "# AlertRule/example-hook url\nJ1_EXAMPLE_HOOK_URL=\n", encoding="utf-8"
    )
    done = run(env, "export", "--system", "xyops", "--kind", "WebHook", "--out", "ex", "--force")
    assert done.exit_code == 0, done.output
    *names, url = listed()
    assert names == [
        "J1_EXAMPLE_HOOK_URL",
        "J1_EXAMPLE_HOOK_HEADERS_0_VALUE",
        "J1_EXAMPLE_HOOK_HEADERS_1_VALUE",
    ]
    assert re.fullmatch(r"J1_EXAMPLE_HOOK_URL_[0-9A-F]{6}", url), url  # its own suffix
    hook = Path("ex/web-hooks/example-hook.yaml").read_text(encoding="utf-8")
    assert f"${{env:{url}}}" in hook
