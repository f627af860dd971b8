"""export's options and its care with names: --kind, --out refusal and --force,
--managed-only, file names that are safe whatever the object is called."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from j1sync.export.naming import own_suffix
from tests.export.conftest import Account


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def inline_rule(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "question": {"queries": [{"name": "q", "query": "Find Host"}]},
        "operations": [
            {
                "when": {
                    "type": "FILTER",
                    "version": 1,
                    "condition": ["AND", ["queries.q.total", ">", 0]],
                },
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
        **extra,
    }


def test_kind_filter_exports_only_those_kinds(demo: Account) -> None:
    result = demo.export("--kind", "IamGroup", "--kind", "IntegrationSchedule")
    assert result.exit_code == 0, result.output
    assert {path.split("/")[0] for path in demo.files()} == {
        "iam-groups",
        "integration-schedules",
    }
    assert result.stdout.strip().endswith(": 1 IamGroup, 4 IntegrationSchedule")


def test_unknown_kind_is_a_usage_error(demo: Account) -> None:
    result = demo.export("--kind", "Dashbord")
    assert result.exit_code == 1  # a usage error: 2 means only "changes present"
    assert "Dashbord" in result.output
    assert not demo.out.exists()


def test_rules_alone_are_exported_with_a_hint_when_they_use_saved_questions(
    base: Account,
) -> None:
    base.emu.seed_objects(
        {
            "questions": [
                {
                    "name": "saved",
                    "title": "Saved",
                    "queries": [{"name": "q", "query": "Find Host"}],
                }
            ],
            "rules": [{**inline_rule("uses-saved"), "question": None, "questionName": "saved"}],
        }
    )
    result = base.export("--kind", "AlertRule")
    assert result.exit_code == 0, result.output
    assert load(base.out / "alert-rules" / "uses-saved.yaml")["spec"]["questionRef"] == "saved"
    assert "--kind Question" in result.stderr


def test_non_empty_output_folder_is_refused_without_force(demo: Account) -> None:
    demo.out.mkdir()
    keep = demo.out / "README.md"
    keep.write_text("mine\n", encoding="utf-8")
    refused = demo.export()
    assert refused.exit_code == 1
    assert "not empty" in refused.stderr and "--force" in refused.stderr
    assert sorted(p.name for p in demo.out.iterdir()) == ["README.md"]

    forced = demo.export("--force")
    assert forced.exit_code == 0, forced.output
    assert keep.read_text(encoding="utf-8") == "mine\n"  # other files are left alone
    assert len(demo.files()) == 11


def test_export_twice_with_force_overwrites_the_same_files(demo: Account) -> None:
    assert demo.export().exit_code == 0
    first = {p: (demo.out / p).read_text(encoding="utf-8") for p in demo.files()}
    assert demo.export("--force").exit_code == 0
    assert {p: (demo.out / p).read_text(encoding="utf-8") for p in demo.files()} == first


def test_managed_only_exports_tagged_rules_and_questions(demo: Account) -> None:
    result = demo.export("--managed-only")
    assert result.exit_code == 0, result.output
    assert demo.files() == [
        "alert-rules/legacy-open-ports.yaml",
        "alert-rules/unencrypted-critical-data.yaml",
        "questions/public-s3-buckets.yaml",
    ]


def test_odd_names_get_safe_unique_file_names_and_keep_their_identity(base: Account) -> None:
    names = ["a/b: c?", "A/B  c", "..", "CON", "Ünïcode rule", "日本語", "x" * 200]
    base.emu.seed_objects({"rules": [inline_rule(name) for name in names]})
    result = base.export()
    assert result.exit_code == 0, result.output
    files = base.files()
    # a slug another object has already ends in a suffix of the object's own name
    assert files == sorted(
        [
            "alert-rules/a-b-c.yaml",
            f"alert-rules/a-b-c-{own_suffix('a/b: c?')}.yaml",
            "alert-rules/alertrule.yaml",
            f"alert-rules/alertrule-{own_suffix('日本語')}.yaml",
            "alert-rules/con-alertrule.yaml",
            "alert-rules/unicode-rule.yaml",
            f"alert-rules/{'x' * 80}.yaml",
        ]
    )
    by_name = {load(base.out / f)["metadata"]["name"]: f for f in files}
    assert set(by_name) == set(names)
    assert by_name["A/B  c"] == "alert-rules/a-b-c.yaml"  # exported first (sorted by name)
    assert by_name[".."] == "alert-rules/alertrule.yaml"
    assert base.run("validate", str(base.out)).exit_code == 0
    assert base.run("plan", str(base.out), "--detailed-exitcode").exit_code == 2


def test_instances_sharing_a_name_get_instance_and_definition(base: Account) -> None:
    base.emu.seed_objects(
        {
            "integrationInstances": [
                {
                    "name": "prod",
                    "definition": "aws",
                    "pollingInterval": "ONE_DAY",
                    "pollingIntervalCronExpression": {"hour": 4},
                },
                {"name": "prod", "definition": "github", "pollingInterval": "ONE_WEEK"},
                {"name": "solo", "definition": "jira", "pollingInterval": "ONE_HOUR"},
            ]
        }
    )
    result = base.export()
    assert result.exit_code == 0, result.output
    folder = base.out / "integration-schedules"
    assert load(folder / "prod-aws.yaml")["metadata"] == {"name": "prod-aws"}
    assert load(folder / "prod-aws.yaml")["spec"] == {
        "instance": "prod",
        "definition": "aws",
        "pollingInterval": "ONE_DAY",
        "hour": 4,
    }
    assert load(folder / "prod-github.yaml")["spec"] == {
        "instance": "prod",
        "definition": "github",
        "pollingInterval": "ONE_WEEK",
    }
    assert load(folder / "solo.yaml")["spec"] == {
        "definition": "jira",
        "pollingInterval": "ONE_HOUR",
    }
    assert base.run("validate", str(base.out)).exit_code == 0
    # each document picks its instance by definition: nothing to change, nothing ambiguous
    planned = base.run("plan", str(base.out), "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output


def test_managed_tag_of_the_project_file_is_used(
    base: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base.emu.seed_objects(
        {"rules": [inline_rule("ours", tags=["gitops", "team"]), inline_rule("theirs")]}
    )
    monkeypatch.chdir(tmp_path)
    (tmp_path / "j1sync.yaml").write_text("managedTag: gitops\n", encoding="utf-8")
    result = base.export("--managed-only")
    assert result.exit_code == 0, result.output
    assert base.files() == ["alert-rules/ours.yaml"]
    assert load(base.out / "alert-rules" / "ours.yaml")["spec"]["tags"] == ["team"]


def test_managed_tag_option_beats_the_default(base: Account) -> None:
    base.emu.seed_objects({"rules": [inline_rule("ours", tags=["mine", "team"])]})
    result = base.export("--managed-tag", "mine")
    assert result.exit_code == 0, result.output
    assert load(base.out / "alert-rules" / "ours.yaml")["spec"]["tags"] == ["team"]
