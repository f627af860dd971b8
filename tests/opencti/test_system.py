"""OpenCTI as the registry and the command line know it: apiVersion and kinds, the token in
the one credentials list and in no repr, connecting from j1sync.yaml's section, `--emulator`
over state kept in .j1sync/, `emulator serve --system opencti`, the apply lock in hidden
vocabulary entries (and `unlock`), convergence under faults."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from j1sync.credentials import credential_variables
from j1sync.engine.lock import LOCK_NAME
from j1sync.errors import ConfigError
from j1sync.providers.opencti.emulator import ADMIN_TOKEN, running_opencti_emulator
from j1sync.providers.opencti.lock_store import LOCK_CATEGORY, LOCK_PREFIX, VocabularyStore
from j1sync.providers.opencti.models import DOCUMENT_MODELS, KIND_CLASSES
from j1sync.providers.opencti.settings import OpenCtiSettings
from j1sync.providers.opencti.system import SYSTEM
from j1sync.providers.opencti.values import KINDS
from j1sync.providers.registry import system_for_api_version, system_of_kind
from tests.opencti.helpers import Platform

TOKEN = "2b9f0c4e-7d31-4a8e-9c55-0e6f1a2b3c4d"


@dataclass(frozen=True)
class Options:
    """What a command's connection options carry (connection.ConnectionOptions)."""

    retry_budget_s: float = 3.0
    rate_limit: object = None
    concurrency: int = 24


def test_the_system_is_registered_by_its_api_version_and_kinds() -> None:
    assert system_for_api_version("opencti.j1sync/v1") is SYSTEM
    assert system_of_kind("opencti.Label") is SYSTEM
    assert SYSTEM.engine_kind("Label") == "opencti.Label"
    assert SYSTEM.kinds[:4] == ("MarkingDefinition", "Label", "KillChainPhase", "Vocabulary")
    assert SYSTEM.kinds == KINDS == tuple(KIND_CLASSES)  # one list, one order
    assert dict(SYSTEM.document_models) == DOCUMENT_MODELS
    assert "OPENCTI_TOKEN" in credential_variables()


def test_settings_never_show_the_token_and_refuse_what_cannot_work() -> None:
    settings = OpenCtiSettings(token=TOKEN, url="https://opencti.example.com/")
    assert settings.graphql_url == "https://opencti.example.com/graphql"
    assert TOKEN not in repr(settings) and TOKEN not in str(settings)
    with pytest.raises(ConfigError, match="OPENCTI_TOKEN"):
        OpenCtiSettings(token="", url="https://opencti.example.com")
    with pytest.raises(ConfigError, match="OPENCTI_URL"):
        OpenCtiSettings.from_env({"OPENCTI_TOKEN": TOKEN})
    with pytest.raises(ConfigError):
        OpenCtiSettings(token=TOKEN, url="http://opencti.example.com")  # a token in clear
    env = {"OPENCTI_TOKEN": TOKEN, "OPENCTI_URL": "https://a.example.com"}
    assert OpenCtiSettings.from_env(env, target={"url": "https://b.example.com"}).base_url == (
        "https://b.example.com"
    )


def test_connect_takes_the_targets_url_token_and_managed_tag() -> None:
    assert SYSTEM.connect is not None
    with running_opencti_emulator() as emu:
        emu.api.insert(
            "Vocabulary",
            {
                "name": "ours",
                "category": "report_types_ov",
                "description": "Kept in git.\n\nmanaged-by: platform",
                "aliases": [],
                "builtIn": False,
            },
        )
        target = {"url": emu.url, "apiKey": emu.api_key, "managedTag": "platform"}
        with SYSTEM.connect(target, Options()) as provider:
            assert [k.kind for k in provider.kinds] == list(SYSTEM.engine_kinds)
            assert provider.client.settings.retry_budget_s == 3.0
            assert provider.client.concurrency.maximum == 24
            found = {o.name: o for o in provider.read_live(["opencti.Vocabulary"])}
            assert found["report_types_ov:ours"].managed
            threat = found["report_types_ov:threat-report"]
            assert threat.builtin and not threat.managed
            assert emu.api_key not in repr(provider.client)


def test_the_lock_store_keeps_named_values_in_hidden_vocabulary_entries() -> None:
    assert SYSTEM.connect is not None
    with running_opencti_emulator() as emu:
        target = {"url": emu.url, "apiKey": emu.api_key}
        with SYSTEM.connect(target, Options()) as provider:
            store = provider.lock_store()
            assert isinstance(store, VocabularyStore)
            assert store.read("apply-lock") is None
            store.write("apply-lock", '{"holder": "a"}')
            store.write("apply-lock", '{"holder": "b"}')
            assert store.read("apply-lock") == '{"holder": "b"}'
            [entry] = [
                v for v in emu.snapshot()["vocabularies"] if v["name"].startswith(LOCK_PREFIX)
            ]
            assert (entry["category"], entry["is_hidden"]) == (LOCK_CATEGORY, True)
            # the Vocabulary kind does not list it
            names = {o.name for o in provider.read_live(["opencti.Vocabulary"])}
            assert not [n for n in names if LOCK_PREFIX in n]
            store.delete("apply-lock")
            store.delete("apply-lock")  # none: no error
            assert store.read("apply-lock") is None


def test_emulator_flag_keeps_its_state_in_dot_j1sync(platform: Platform) -> None:
    platform.write(
        "m/label.yaml", "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: kept\n"
    )
    applied = platform.run("apply", "m", "--emulator", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert (platform.root / ".j1sync" / "opencti-emulator.db").exists()
    again = platform.run("plan", "m", "--emulator", "--detailed-exitcode")
    assert again.exit_code == 0, again.output  # the label is still there
    assert not platform.stored("labels")  # the test's own emulator was not used


def test_unlock_removes_a_lock_a_crashed_apply_left(platform: Platform) -> None:
    assert SYSTEM.connect is not None
    with SYSTEM.connect({"url": platform.emu.url, "apiKey": platform.emu.token}, Options()) as p:
        record = (
            '{"token": "t", "holder": "someone@host", "since": 1, "expires": 4102444800, '
            '"process": null}'
        )
        p.lock_store().write(LOCK_NAME, record)
    platform.write(
        "m/label.yaml", "apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: kept\n"
    )
    held = platform.run("apply", "m", "--auto-approve")
    assert held.exit_code == 1, held.output
    # the lock's message names the command that removes this system's lock
    assert "someone@host" in held.output
    assert "`j1sync unlock --system opencti`" in held.output
    forced = platform.run("unlock", "--system", "opencti", "--yes")
    assert "someone@host" in forced.output
    assert forced.exit_code == 0, forced.output
    assert not [v for v in platform.stored("vocabularies") if v["name"].startswith(LOCK_PREFIX)]


def test_lost_answers_429s_and_server_errors_still_converge_without_repeats(
    platform: Platform,
) -> None:
    text = "".join(
        f"---\napiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: label-{i}\n"
        f"spec:\n  color: '#00000{i}'\n"
        f"---\napiVersion: opencti.j1sync/v1\nkind: Vocabulary\nmetadata:\n"
        f"  name: report_types_ov:kind-{i}\nspec:\n  aliases: [a{i}]\n  is_hidden: true\n"
        for i in range(6)
    )
    platform.write("m/many.yaml", text)
    switches = platform.emu.switches
    switches.lose_responses, switches.rate_429, switches.fail_rate = 0.3, 0.2, 0.05
    switches.retry_after_s = 0  # a 429 is retried at once (the emulator's default: 1 s)
    switches.reseed(11)
    applied = platform.run("apply", "m", "--auto-approve")
    switches.lose_responses = switches.rate_429 = switches.fail_rate = 0
    if applied.exit_code != 0:  # a failure is reported, and the next apply finishes it
        assert "failed" in applied.output
        assert platform.run("apply", "m", "--auto-approve").exit_code == 0
    planned = platform.run("plan", "m", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    values = [o["value"] for o in platform.stored("labels")]
    assert sorted(values) == [f"label-{i}" for i in range(6)]
    names = [v["name"] for v in platform.stored("vocabularies") if v["name"].startswith("kind-")]
    assert sorted(names) == [f"kind-{i}" for i in range(6)]


def test_emulator_serve_system_opencti(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "j1sync", "emulator", "serve", "--system", "opencti"]
    command += ["--port", "0", "--db", str(tmp_path / "served.db")]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "OpenCTI emulator listening on http://127.0.0.1:" in first, first
        url = first.split(" on ", 1)[1].split(" ", 1)[0]
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        answer = requests.post(
            url + "/graphql", json={"query": "{ about { version } }"}, headers=headers, timeout=10
        )
        assert answer.json()["data"]["about"]["version"] == "6.9.17"
    finally:
        os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if process.poll() is None:
            process.kill()
    assert process.returncode is not None


def test_a_lock_release_whose_answer_is_lost_still_releases(platform: Platform) -> None:
    store = VocabularyStore(platform.client())
    store.write(LOCK_NAME, "held")
    platform.emu.switches.fail_mutation("vocabularyDelete", mode="lose_response", times=1)
    store.delete(LOCK_NAME)  # committed, answer lost: read again, gone, no error
    assert store.read(LOCK_NAME) is None
    platform.emu.switches.fail_mutation("vocabularyFieldPatch", mode="lose_response", times=2)
    store.write(LOCK_NAME, "again")  # the create's hide patch lost: the value is there
    store.write(LOCK_NAME, "renewed")  # the renewal's patch lost: the value is there
    assert store.read(LOCK_NAME) == "renewed"
