"""The adoption contract on the demo account: export, apply (which only adds the managed
tag), then nothing left to change; every kind, through the real CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from j1sync.cli import cli
from j1sync.providers.jupiterone import connect
from j1sync.providers.jupiterone.models import SPEC_MODELS
from j1sync.providers.jupiterone.settings import Settings
from tests.export.conftest import API_KEY, Account

TAGGED = ("Question", "AlertRule")
EXPECTED_FILES = [
    "alert-rules/legacy-open-ports.yaml",
    "alert-rules/root-account-login-detected.yaml",
    "alert-rules/unencrypted-critical-data.yaml",
    "iam-groups/security-engineers.yaml",
    "integration-schedules/aws-production.yaml",
    "integration-schedules/aws-staging.yaml",
    "integration-schedules/github-org.yaml",
    "integration-schedules/jira-cloud.yaml",
    "questions/hand-made-weekly-review.yaml",
    "questions/inventory-of-ec2-instances.yaml",
    "questions/public-s3-buckets.yaml",
]


def live_states(account: Account) -> dict[str, dict[str, Any]]:
    settings = Settings(
        api_key=account.emu.api_key, account=account.emu.account, api_url=account.emu.url
    )
    provider = connect(settings)
    try:
        return {obj.address: obj.state for obj in provider.read_live()}
    finally:
        provider.close()


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def test_export_writes_a_file_per_object_in_a_folder_per_kind(demo: Account) -> None:
    result = demo.export()
    assert result.exit_code == 0, result.output
    assert demo.files() == EXPECTED_FILES
    assert result.stdout.strip() == (
        f"Exported 11 objects to {demo.out}/: 3 Question, 3 AlertRule, 1 IamGroup, "
        "4 IntegrationSchedule"
    )
    assert result.stderr == ""  # demo data is valid: no warnings
    assert API_KEY not in result.output


def test_built_in_groups_are_not_exported(demo: Account) -> None:
    assert demo.export().exit_code == 0
    names = [load(p)["metadata"]["name"] for p in (demo.out / "iam-groups").iterdir()]
    assert names == ["security-engineers"]


def test_question_without_a_name_is_exported_under_its_title(demo: Account) -> None:
    assert demo.export().exit_code == 0
    document = load(demo.out / "questions" / "hand-made-weekly-review.yaml")
    assert document["metadata"] == {"name": "Hand-made weekly review"}
    assert document["spec"]["title"] == "Hand-made weekly review"


def test_documents_have_the_schema_header_and_conventional_key_order(demo: Account) -> None:
    assert demo.export().exit_code == 0
    for relative in EXPECTED_FILES:
        text = (demo.out / relative).read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=https://"), relative
        document = load(demo.out / relative)
        assert list(document) == ["apiVersion", "kind", "metadata", "spec"]
        fields = list(SPEC_MODELS[document["kind"]].model_fields)
        keys = list(document["spec"])
        assert keys == sorted(keys, key=fields.index), relative


def test_defaults_and_server_fields_are_left_out(demo: Account) -> None:
    assert demo.export().exit_code == 0
    rule = load(demo.out / "alert-rules" / "root-account-login-detected.yaml")["spec"]
    # ONE_DAY, false booleans, empty labels/templates/remediation: all defaults
    assert set(rule) == {
        "description",
        "pollingInterval",
        "question",
        "operations",
        "outputs",
        "tags",
    }
    assert rule["question"]["queries"] == [
        {"name": "query0", "query": "Find aws_iam_root_user with lastLogin > 0"}
    ]
    assert "id" not in rule["operations"][0]["actions"][0]
    managed = load(demo.out / "questions" / "public-s3-buckets.yaml")["spec"]
    assert managed["tags"] == ["security"]  # the managed tag is j1sync's, not the user's
    schedule = load(demo.out / "integration-schedules" / "aws-production.yaml")["spec"]
    assert schedule == {"definition": "aws", "pollingInterval": "ONE_WEEK"}


def test_exported_manifests_validate(demo: Account) -> None:
    assert demo.export().exit_code == 0
    result = demo.run("validate", str(demo.out))
    assert result.exit_code == 0, result.output
    assert "11 manifests valid" in result.stdout


def test_first_plan_only_adds_the_managed_tag_and_apply_converges(demo: Account) -> None:
    assert demo.export().exit_code == 0
    before = live_states(demo)
    changes = demo.plan_changes()
    assert set(changes) == set(before) - {"IamGroup/Users", "IamGroup/Administrators"}
    for address, change in changes.items():
        if change["kind"] in TAGGED and "j1sync" not in before[address]["tags"]:
            assert change["action"] == "update", address
            assert change["changed_paths"] == ["tags"], address
        else:
            assert change["action"] == "no-op", (address, change["changed_paths"])

    applied = demo.run("apply", str(demo.out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    after = live_states(demo)
    for address, state in before.items():
        if address in changes and change_was_tag_only(changes[address]):
            assert after[address]["tags"] == sorted({*state["tags"], "j1sync"})
            assert {**after[address], "tags": None} == {**state, "tags": None}, address
        else:
            assert after[address] == state, address

    # adopting a question without a name leaves it without one (it is matched by title)
    [nameless] = [
        q for q in demo.emu.snapshot()["questions"] if q["title"] == "Hand-made weekly review"
    ]
    assert nameless["name"] == ""

    again = demo.run("plan", str(demo.out), "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "No changes" in again.stdout


def change_was_tag_only(change: dict[str, Any]) -> bool:
    return bool(change["action"] == "update" and change["changed_paths"] == ["tags"])


def test_export_with_the_embedded_emulator_writes_into_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--emulator"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Exported 11 objects to manifests/: ")
    assert (tmp_path / "manifests" / "alert-rules" / "legacy-open-ports.yaml").is_file()
    assert (tmp_path / ".j1sync" / "emulator.db").is_file()
