"""Live data that would not validate is exported anyway, with a warning that names the
object and the field; valid data gives no warning."""

from __future__ import annotations

from typing import Any

from tests.export.conftest import Account


def rule(name: str, condition: list[Any], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "question": {"queries": [{"name": "q", "query": "Find Host"}]},
        "operations": [
            {
                "when": {"type": "FILTER", "condition": condition},
                "actions": [{"type": "CREATE_ALERT"}],
            }
        ],
        **extra,
    }


def warnings_of(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Warning: ")]


def test_condition_naming_a_missing_query_is_exported_with_a_warning(base: Account) -> None:
    base.emu.seed_objects(
        {"rules": [rule("broken-condition", ["AND", ["queries.gone.total", ">", 0]])]}
    )
    result = base.export()
    assert result.exit_code == 0, result.output
    assert (base.out / "alert-rules" / "broken-condition.yaml").exists()
    [warning] = warnings_of(result.stderr)
    assert "AlertRule/broken-condition" in warning
    assert "spec.operations[0].when.condition" in warning
    assert "'gone'" in warning
    assert base.run("validate", str(base.out)).exit_code == 1


def test_nested_query_policy_is_exported_with_a_warning(base: Account) -> None:
    base.emu.seed_objects(
        {"iamGroups": [{"name": "nested", "queryPolicy": [{"_type": {"nested": "map"}}]}]}
    )
    result = base.export()
    assert result.exit_code == 0, result.output
    [warning] = warnings_of(result.stderr)
    assert "IamGroup/nested" in warning and "spec.queryPolicy[0]" in warning


def test_text_that_looks_like_an_env_reference_is_flagged(base: Account) -> None:
    base.emu.seed_objects(
        {
            "rules": [
                rule(
                    "hook", ["AND", ["queries.q.total", ">", 0]], description="Bearer ${env:TOKEN}"
                )
            ]
        }
    )
    result = base.export()
    assert result.exit_code == 0, result.output
    [warning] = warnings_of(result.stderr)
    assert "AlertRule/hook: left out of the export: spec.description: holds '${env:" in warning
    assert not (base.out / "alert-rules").exists()  # the plan never deletes it either


def test_duplicate_live_names_are_left_out_and_reported(base: Account) -> None:
    """A manifest of a name two live objects share would match both (an error): the plan
    leaves them alone, and export leaves them out, so that its files plan no change."""
    twin = rule("twin", ["AND", ["queries.q.total", ">", 0]])
    single = rule("single", ["AND", ["queries.q.total", ">", 0]])
    base.emu.seed_objects({"rules": [twin, {**twin, "description": "the other one"}, single]})
    result = base.export()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (base.out / "alert-rules").iterdir()) == ["single.yaml"]
    [warning] = [w for w in warnings_of(result.stderr) if "AlertRule/twin" in w]
    assert "left out of the export: 2 objects share this name" in warning
    changes = base.plan_changes()
    assert [c["action"] for c in changes.values()] == ["update"]  # adopts `single` only
    assert "AlertRule/twin" not in changes


def test_valid_account_exports_without_warnings(demo: Account) -> None:
    result = demo.export()
    assert result.exit_code == 0
    assert warnings_of(result.stderr) == []
