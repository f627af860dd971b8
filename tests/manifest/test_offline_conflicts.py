"""Conflicts that need no account are `validate` errors naming both places; a misspelt
key of j1sync.yaml is named with the nearest valid one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli

SCHEDULE = """\
apiVersion: j1sync/v1
kind: IntegrationSchedule
metadata:
  name: {name}
spec:
{extra}  pollingInterval: ONE_DAY
"""


def schedule(name: str, instance: str | None = None, definition: str | None = None) -> str:
    extra = f"  instance: {instance}\n" if instance else ""
    extra += f"  definition: {definition}\n" if definition else ""
    return SCHEDULE.format(name=name, extra=extra)


def validate(*paths: Path) -> Result:
    return CliRunner().invoke(cli, ["validate", *map(str, paths)])


def test_two_schedules_of_one_instance_name_both_files_and_lines(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    first.write_text(schedule("aws-production"), encoding="utf-8")
    second = tmp_path / "b.yaml"
    second.write_text("# nightly\n" + schedule("aws-nightly", "aws-production"), encoding="utf-8")
    result = validate(tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{second}:7:13: IntegrationSchedule/aws-nightly: spec.instance: schedules integration "
        f"instance 'aws-production', as IntegrationSchedule/aws-production at {first}:4:9 "
        "does; an instance has one schedule",
        "1 manifest error",
    ]


def test_a_schedule_without_definition_conflicts_with_one_that_has_it(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        schedule("prod-aws", "prod", "aws") + "---\n" + schedule("prod-any", "prod"),
        encoding="utf-8",
    )
    result = validate(path)
    assert result.exit_code == 1
    assert "IntegrationSchedule/prod-any: spec.instance: schedules integration instance 'prod'" in (
        result.stderr
    )
    assert f"as IntegrationSchedule/prod-aws at {path}:6:13" in result.stderr


def test_same_instance_name_with_different_definitions_is_two_instances(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        schedule("prod-aws", "prod", "aws") + "---\n" + schedule("prod-github", "prod", "github"),
        encoding="utf-8",
    )
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "2 manifests valid: 2 IntegrationSchedule"


def test_each_conflict_is_said_against_the_first_schedule_of_its_instance(
    tmp_path: Path,
) -> None:
    """Schedules of many instances, interleaved: each one that takes an instance already
    scheduled is reported once, naming the first schedule of that instance."""
    path = tmp_path / "s.yaml"
    written = [
        schedule("a-1", "a"),
        schedule("b-1", "b", "aws"),
        schedule("c", "c"),
        schedule("b-2", "b", "github"),  # another instance: b of another type
        schedule("a-2", "a", "aws"),
        schedule("b-3", "b"),  # no definition: b of either type
        schedule("a-3", "a"),
    ]
    path.write_text("---\n".join(written), encoding="utf-8")
    result = validate(path)
    assert result.exit_code == 1
    said = [line.split(": ")[1] + " " + line.split(" as ")[1].split(" at ")[0]
            for line in result.stderr.splitlines() if " as " in line]  # fmt: skip
    assert said == [
        "IntegrationSchedule/a-2 IntegrationSchedule/a-1",
        "IntegrationSchedule/b-3 IntegrationSchedule/b-1",
        "IntegrationSchedule/a-3 IntegrationSchedule/a-1",
    ]
    assert result.stderr.splitlines()[-1] == "3 manifest errors"


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "managedTags: x\n",
            1,
            "managedTags: unknown field 'managedTags'; did you mean 'managedTag'?",
        ),
        ("path: [m]\n", 1, "path: unknown field 'path'; did you mean 'paths'?"),
        (
            "prune:\n  IamGroups: true\n",
            2,
            "prune.IamGroups: unknown field 'IamGroups'; did you mean 'IamGroup'?",
        ),
        (
            "safety:\n  maxChangePct: 20\n",
            2,
            "safety.maxChangePct: unknown field 'maxChangePct'; did you mean 'maxChangePercent'?",
        ),
    ],
)
def test_a_misspelt_project_key_is_named_with_a_suggestion(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    (tmp_path / "j1sync.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "g.yaml").write_text(schedule("s"), encoding="utf-8")
    result = validate(tmp_path)
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{tmp_path / 'j1sync.yaml'}:{line}:")
    assert first.endswith(f"j1sync.yaml: {message}")


def test_prune_kinds_still_configure_pruning(tmp_path: Path) -> None:
    from j1sync.manifest import load_project_file

    path = tmp_path / "j1sync.yaml"
    path.write_text("prune:\n  IamGroup: true\n", encoding="utf-8")
    config, problems = load_project_file(path, env={})
    assert problems == []
    assert config.prune == {"IamGroup": True}
