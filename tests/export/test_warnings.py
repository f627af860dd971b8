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
    assert "AlertRule/hook" in warning and "TOKEN" in warning


def test_duplicate_live_names_are_all_exported_and_reported(base: Account) -> None:
    twin = rule("twin", ["AND", ["queries.q.total", ">", 0]])
    base.emu.seed_objects({"rules": [twin, {**twin, "description": "the other one"}]})
    result = base.export()
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (base.out / "alert-rules").iterdir()) == [
        "twin-2.yaml",
        "twin.yaml",
    ]
    assert any("duplicate AlertRule/twin" in w for w in warnings_of(result.stderr))


def test_valid_account_exports_without_warnings(demo: Account) -> None:
    result = demo.export()
    assert result.exit_code == 0
    assert warnings_of(result.stderr) == []
