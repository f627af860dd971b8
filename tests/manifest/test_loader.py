"""load_manifests: files, folders, multi-document YAML, ${env:NAME}, cross-document checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.errors import ManifestError, ManifestProblem
from j1sync.manifest import load_manifests
from j1sync.providers.jupiterone.models import (
    KINDS,
    AlertRuleSpec,
    IntegrationScheduleSpec,
    QuestionSpec,
)
from tests.manifest.conftest import EXAMPLES, WriteFile

GROUP = (
    "apiVersion: j1sync/v1\nkind: IamGroup\nmetadata:\n  name: {name}\nspec:\n  description: d\n"
)
WEBHOOK_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: hooked
spec:
  question:
    queries:
      - name: q
        query: Find Host
  operations:
    - actions:
        - type: WEBHOOK
          endpoint: ${env:HOOK_URL}
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
"""


def _problems(paths: list[Path], env: dict[str, str] | None = None) -> list[ManifestProblem]:
    with pytest.raises(ManifestError) as caught:
        load_manifests(paths, env=env or {})
    return caught.value.problems


def test_examples_load_with_their_kinds_names_and_sources() -> None:
    loaded = load_manifests([EXAMPLES], env={})
    addresses = sorted(m.address for m in loaded.manifests)
    assert addresses == [
        "AlertRule/public-s3-buckets-alert",
        "AlertRule/unencrypted-critical-data",
        "Dashboard/Cloud posture",
        "IamGroup/security-engineers",
        "IntegrationSchedule/aws-production",
        "IntegrationSchedule/github-org",
        "Parameter/sensitiveClassifications",
        "Question/mfa-disabled-users",
        "Question/public-s3-buckets",
        "ResourceGroup/cloud-security",
        # examples/manifests/opencti and xyops: the loader reads every system's manifests
        "opencti.Feed/Indicators of the last day",
        "opencti.Group/Intelligence team",
        "opencti.KillChainPhase/lockheed-martin-cyber-kill-chain:delivery",
        "opencti.KillChainPhase/lockheed-martin-cyber-kill-chain:reconnaissance",
        "opencti.KillChainPhase/lockheed-martin-cyber-kill-chain:weaponization",
        "opencti.Label/needs-review",
        "opencti.Label/phishing",
        "opencti.Label/ransomware",
        "opencti.MarkingDefinition/ACME: internal use only",
        "opencti.MarkingDefinition/PAP:AMBER",
        "opencti.MarkingDefinition/TLP:AMBER+STRICT",
        "opencti.Role/Intelligence analyst",
        "opencti.Settings/platform",
        "opencti.StatusTemplate/PEER_REVIEW",
        "opencti.StreamCollection/Published reports",
        "opencti.TaxiiCollection/Shareable indicators",
        "opencti.Vocabulary/report_types_ov:incident-postmortem",
        "opencti.Workflow/Report",
        "xyops.Alert/db_disk_full",
        "xyops.Category/maintenance",
        "xyops.Channel/dba_oncall",
        "xyops.Event/nightly_db_backup",
        "xyops.Monitor/db_disk_used",
        "xyops.ServerGroup/db_servers",
        "xyops.Tag/backups",
    ]
    rule = next(m for m in loaded.manifests if m.name == "unencrypted-critical-data")
    assert isinstance(rule.spec, AlertRuleSpec)
    assert rule.source.file.endswith("alert-rules/unencrypted-critical-data.yaml")
    assert (rule.source.line, rule.source.column) == (2, 1)  # after the schema comment
    assert loaded.sensitive == {}


def test_env_references_are_resolved_and_recorded_as_sensitive(write: WriteFile) -> None:
    path = write("rule.yaml", WEBHOOK_RULE)
    env = {"HOOK_TOKEN": "s3cr3t", "HOOK_URL": "https://hooks.example.com/x"}
    loaded = load_manifests([path], env=env)
    (manifest,) = loaded.manifests
    action = manifest.spec_data()["operations"][0]["actions"][0]
    assert action["headers"]["Authorization"] == "Bearer s3cr3t"
    assert action["endpoint"] == "https://hooks.example.com/x"
    expected = {
        "Bearer s3cr3t": "Bearer ${env:HOOK_TOKEN}",
        "https://hooks.example.com/x": "${env:HOOK_URL}",
    }
    assert manifest.sensitive == expected
    assert loaded.sensitive == expected


def test_env_defaults_to_the_process_environment(
    write: WriteFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "from-os")
    monkeypatch.setenv("HOOK_URL", "https://h.example.com")
    loaded = load_manifests([write("rule.yaml", WEBHOOK_RULE)])
    assert loaded.sensitive["Bearer from-os"] == "Bearer ${env:HOOK_TOKEN}"


def test_each_unset_variable_is_a_problem_at_its_value(write: WriteFile) -> None:
    path = write("rule.yaml", WEBHOOK_RULE)
    problems = _problems([path])
    assert [(p.location and p.location.line, p.field, p.message) for p in problems] == [
        (
            13,
            "spec.operations[0].actions[0].endpoint",
            "environment variable HOOK_URL is not set",
        ),
        (
            15,
            "spec.operations[0].actions[0].headers.Authorization",
            "environment variable HOOK_TOKEN is not set",
        ),
    ]
    assert all(p.document == "AlertRule/hooked" for p in problems)


def test_a_malformed_env_reference_is_a_problem(write: WriteFile) -> None:
    text = GROUP.format(name="g").replace("description: d", "description: ${env:1BAD}")
    (problem,) = _problems([write("g.yaml", text)])
    assert problem.message == "malformed environment reference '${env:1BAD}'"
    assert problem.field == "spec.description"


def test_multi_document_files_and_empty_documents(write: WriteFile, tmp_path: Path) -> None:
    write("many.yaml", "---\n" + GROUP.format(name="a") + "---\n---\n" + GROUP.format(name="b"))
    write("empty.yaml", "")
    write("comments-only.yml", "# nothing here yet\n")
    loaded = load_manifests([tmp_path], env={})
    assert [m.name for m in loaded.manifests] == ["a", "b"]
    assert loaded.manifests[1].source.line == 10


def test_folders_are_read_recursively_in_sorted_order_skipping_hidden_and_project_files(
    write: WriteFile, tmp_path: Path
) -> None:
    write("b/z.yaml", GROUP.format(name="bz"))
    write("a.yml", GROUP.format(name="a"))
    write("b/a/deep.yaml", GROUP.format(name="bad"))
    write("c.txt", "not yaml at all: [")
    write(".j1sync/state.yaml", "not: a manifest")
    write("j1sync.yaml", "managedTag: ours\n")
    loaded = load_manifests([tmp_path], env={})
    assert [m.name for m in loaded.manifests] == ["a", "bad", "bz"]
    assert loaded.project.managed_tag == "ours"


def test_a_file_named_twice_is_loaded_once(write: WriteFile, tmp_path: Path) -> None:
    path = write("g.yaml", GROUP.format(name="g"))
    loaded = load_manifests([tmp_path, path], env={})
    assert [m.name for m in loaded.manifests] == ["g"]


def test_duplicate_kind_and_name_names_both_places(write: WriteFile, tmp_path: Path) -> None:
    first = write("one.yaml", GROUP.format(name="dup"))
    second = write("two.yaml", "# comment\n" + GROUP.format(name="dup"))
    (problem,) = _problems([tmp_path])
    assert str(problem.location) == f"{second}:5:9"
    assert problem.message == f"duplicate IamGroup/dup: also defined at {first}:4:9"


def test_same_name_in_different_kinds_is_not_a_duplicate(write: WriteFile) -> None:
    schedule = "apiVersion: j1sync/v1\nkind: IntegrationSchedule\nmetadata: {name: dup}\n"
    schedule += "spec: {pollingInterval: ONE_DAY}\n"
    path = write("two-kinds.yaml", GROUP.format(name="dup") + "---\n" + schedule)
    assert len(load_manifests([path], env={}).manifests) == 2


def test_question_ref_resolves_across_files_and_checks_its_queries() -> None:
    loaded = load_manifests([EXAMPLES], env={})
    rule = next(m for m in loaded.manifests if m.name == "public-s3-buckets-alert")
    assert isinstance(rule.spec, AlertRuleSpec)
    assert rule.spec.questionRef == "public-s3-buckets"
    question = next(m for m in loaded.manifests if m.address == "Question/public-s3-buckets")
    assert isinstance(question.spec, QuestionSpec)
    assert {name for _, name in rule.spec.query_references()} <= set(question.spec.query_names())


def test_question_ref_suggests_the_nearest_question(write: WriteFile, tmp_path: Path) -> None:
    for source in (EXAMPLES / "questions").glob("*.yaml"):
        write(source.name, source.read_text())
    rule = (EXAMPLES / "alert-rules" / "public-s3-buckets-alert.yaml").read_text()
    write("rule.yaml", rule.replace("questionRef: public-s3-buckets", "questionRef: public-s3"))
    (problem,) = _problems([tmp_path])
    assert (
        problem.message
        == "no Question manifest named 'public-s3'; did you mean 'public-s3-buckets'?"
    )


def test_schedule_instance_defaults_to_metadata_name() -> None:
    loaded = load_manifests([EXAMPLES / "integration-schedules"], env={})
    by_name = {m.name: m.spec for m in loaded.manifests}
    assert isinstance(by_name["aws-production"], IntegrationScheduleSpec)
    assert by_name["aws-production"].instance == "aws-production"
    assert loaded.manifests[0].spec_data()["instance"] == "aws-production"


def test_problems_from_many_documents_are_collected_in_file_order(
    write: WriteFile, tmp_path: Path
) -> None:
    write("a.yaml", "kind: Nope\n")
    write("b.yaml", "a: [1\n")
    write("c.yaml", "- just a list\n")
    problems = _problems([tmp_path])
    assert [(Path(p.location.file).name, p.message) for p in problems if p.location] == [
        ("a.yaml", "required field 'apiVersion' is missing"),
        # the kind is unknown, so there is no model to check the rest against: no more noise
        ("a.yaml", f"unknown kind 'Nope'; expected one of {', '.join(KINDS)}"),
        ("b.yaml", problems[2].message),
        ("c.yaml", "a manifest must be a mapping with apiVersion, kind, metadata and spec"),
    ]
    assert problems[2].message.startswith("YAML syntax error: expected ',' or ']'")
