"""`j1sync import-rule-pack`: JupiterOne's published alert rule packs (real files, see
rule_packs/README.md) become AlertRule manifests that validate, plan and apply against
the emulator; a file that is no rule pack is one line naming the file and the rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.export.conftest import Account

PACKS = Path(__file__).parent / "rule_packs"
ARMIS = PACKS / "armis-endpoint-security.json"


def import_pack(account: Account, pack: Path, *args: str) -> Any:
    return account.run("import-rule-pack", str(pack), "--out", str(account.out), *args)


def manifest(account: Account, relpath: str) -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(account.out / relpath)
    return loaded


def test_a_real_pack_becomes_one_manifest_per_rule_that_validates_plans_and_applies(
    base: Account,
) -> None:
    result = import_pack(base, ARMIS)
    assert result.exit_code == 0, result.output
    assert f"Imported 7 rules from {ARMIS.name} to {base.out}/alert-rules/" in result.stdout
    pack = json.loads(ARMIS.read_text(encoding="utf-8"))
    assert base.files() == sorted(f"alert-rules/{rule['name']}.yaml" for rule in pack)

    validated = base.run("validate", str(base.out))
    assert validated.exit_code == 0, validated.output
    assert "7 manifests valid: 7 AlertRule" in validated.stdout
    changes = base.plan_changes()
    assert {c["action"] for c in changes.values()} == {"create"}
    assert set(changes) == {f"AlertRule/{rule['name']}" for rule in pack}

    applied = base.run("apply", str(base.out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = base.run("plan", str(base.out), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_each_rule_is_the_pack_s_rule_with_jupiterone_s_default_alert(base: Account) -> None:
    assert import_pack(base, ARMIS).exit_code == 0
    written = manifest(base, "alert-rules/armis-vuln-2.yaml")
    assert written["metadata"] == {"name": "armis-vuln-2"}
    assert written["spec"] == {
        "description": "This will alert on vulnerabilities that have not been addressed "
        "withing 7 days of first report. ",
        "question": {
            "queries": [
                {
                    "name": "query0",
                    "query": "FIND armis_finding_vulnerability WITH status != 'Resolved' "
                    "and _createdOn > date.now - 7 days",
                }
            ]
        },
        "operations": [
            {
                "when": {"type": "FILTER", "condition": ["AND", ["queries.query0.total", ">", 0]]},
                "actions": [
                    {
                        "type": "SET_PROPERTY",
                        "targetProperty": "alertLevel",
                        "targetValue": "MEDIUM",
                    },
                    {"type": "CREATE_ALERT"},
                ],
            }
        ],
        "outputs": ["queries.query0.total", "alertLevel"],
    }


def test_a_rule_without_alert_level_alerts_high_and_counts_its_own_query(
    base: Account, tmp_path: Path
) -> None:
    assert import_pack(base, PACKS / "devops.json").exit_code == 0
    spec = manifest(base, "alert-rules/private-repo-published-publicly.yaml")["spec"]
    assert spec["operations"][0]["actions"][0]["targetValue"] == "HIGH"

    other = Account(base.emu, tmp_path / "compliance")
    assert import_pack(other, PACKS / "compliance.json").exit_code == 0
    spec = manifest(other, "alert-rules/compliance-gaps.yaml")["spec"]
    assert spec["operations"][0]["when"]["condition"] == ["AND", ["queries.gaps.total", ">", 0]]
    assert spec["outputs"] == ["queries.gaps.total", "alertLevel"]


def test_odd_names_repeated_names_and_own_operations_still_make_valid_manifests(
    base: Account,
) -> None:
    result = import_pack(base, PACKS / "excerpts.json", "--prefix", "pack")
    assert result.exit_code == 0, result.output
    assert "query name 'queryBAD' repeated; renamed 'queryBAD_2'" in result.stderr
    assert (
        "rule 4 of 4: name 'sophos-misconfigured-endpoints-2' repeated; "
        "named 'pack-sophos-misconfigured-endpoints-2-2'"
    ) in result.stderr
    assert base.files() == [
        "alert-rules/pack-are-there-any-default-security-groups-allowing-all-egress-outbound-traffic.yaml",
        "alert-rules/pack-sophos-misconfigured-endpoints-2-2.yaml",
        "alert-rules/pack-sophos-misconfigured-endpoints-2.yaml",
        "alert-rules/pack-watchtowr-attack-path-1.yaml",
    ]
    cis = manifest(
        base,
        "alert-rules/pack-are-there-any-default-security-groups-allowing-all-egress-outbound-traffic.yaml",
    )
    assert cis["metadata"]["name"] == (
        "pack-are-there-any-default-security-groups-allowing-all-egress/outbound-traffic?"
    )
    assert [q["name"] for q in cis["spec"]["question"]["queries"]] == [
        "queryBAD",
        "queryBAD_2",
        "queryINFO",
    ]
    assert cis["spec"]["outputs"] == ["queries.queryBAD.total", "alertLevel"]
    attack = manifest(base, "alert-rules/pack-watchtowr-attack-path-1.yaml")["spec"]
    assert [a["type"] for a in attack["operations"][0]["actions"]] == [
        "SET_PROPERTY",
        "TAG_ENTITIES",
    ]
    validated = base.run("validate", str(base.out))
    assert validated.exit_code == 0, validated.output
    changes = base.plan_changes()
    assert len(changes) == 4
    assert {c["action"] for c in changes.values()} == {"create"}


def test_a_folder_with_files_is_refused_without_force(base: Account) -> None:
    assert import_pack(base, ARMIS).exit_code == 0
    kept = base.out / "alert-rules" / "armis-vuln-2.yaml"
    kept.write_text("# edited by hand\n", encoding="utf-8")
    refused = import_pack(base, ARMIS)
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--force" in refused.output
    assert kept.read_text(encoding="utf-8") == "# edited by hand\n"
    forced = import_pack(base, ARMIS, "--force")
    assert forced.exit_code == 0, forced.output
    assert "name: armis-vuln-2" in kept.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "message"),
    [
        ("not-json.json", "not-json.json: not JSON: Expecting value at line 3 column 1"),
        ("not-a-list.json", "not-a-list.json: a rule pack is a JSON list of rules, not an object"),
        ("rule-not-an-object.json", "rule-not-an-object.json: rule 1 of 1: must be an object"),
        ("rule-without-name.json", "rule-without-name.json: rule 1 of 1: missing 'name'"),
        (
            "rule-without-queries.json",
            "rule-without-queries.json: rule 2 of 2 (no-queries): missing 'queries'",
        ),
        (
            "query-without-text.json",
            "query-without-text.json: rule 1 of 1 (no-text): queries[0]: missing 'query'",
        ),
        (
            "bad-alert-level.json",
            "bad-alert-level.json: rule 1 of 1 (too-loud): alertLevel 'URGENT' is not one of "
            "INFO, LOW, MEDIUM, HIGH, CRITICAL",
        ),
    ],
)
def test_a_file_that_is_no_rule_pack_is_one_line_naming_file_and_rule(
    base: Account, file: str, message: str
) -> None:
    result = import_pack(base, PACKS / "broken" / file)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and message in line, line
    assert not base.out.exists()  # nothing written


def test_a_missing_file_is_one_line(base: Account, tmp_path: Path) -> None:
    result = import_pack(base, tmp_path / "nowhere.json")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "nowhere.json: cannot read the rule pack" in line


def _pack(tmp_path: Path, rules: list[Any]) -> Path:
    pack = tmp_path / "pack.json"
    pack.write_text(json.dumps(rules), encoding="utf-8")
    return pack


RULE = {"name": "r", "queries": [{"name": "q", "query": "Find User"}]}


def test_a_name_of_spaces_is_tidied_as_one_of_control_characters(
    base: Account, tmp_path: Path
) -> None:
    """docs/manifests.md: spaces and control characters tidied, a name left empty is
    `rule <N>`; a name of spaces only was refused as missing."""
    pack = _pack(tmp_path, [{**RULE, "name": "   "}, {**RULE, "name": "\u0001\t"}])
    result = import_pack(base, pack)
    assert result.exit_code == 0, result.stderr
    assert "rule 1 of 2: name '   ' holds no text; named 'rule 1'" in result.stderr
    assert "rule 2 of 2: name '\\x01\\t' holds no text; named 'rule 2'" in result.stderr
    assert manifest(base, "alert-rules/rule-1.yaml")["metadata"]["name"] == "rule 1"


def test_an_empty_queries_list_is_said_empty_not_missing(base: Account, tmp_path: Path) -> None:
    result = import_pack(base, _pack(tmp_path, [{**RULE, "queries": []}]))
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert "rule 1 of 1 (r): 'queries' is empty (a list of {name, query}: at least one)" in line


def test_an_empty_pack_writes_nothing_and_names_no_folder(base: Account, tmp_path: Path) -> None:
    result = import_pack(base, _pack(tmp_path, []))
    assert result.exit_code == 0, result.stderr
    assert "Imported no rule: pack.json holds none; nothing written" in result.output
    assert not (base.out / "alert-rules").exists()
