"""The OpenCTI data kinds through the command line against the emulator (a real HTTP server
on loopback): validate, plan, apply, plan again, drift, export then plan, prune by marker
and by opt-in, built-ins never deleted, a lost answer re-read, bad manifests located, the
token in no output."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from j1sync.providers.opencti.emulator import ADMIN_TOKEN
from j1sync.providers.opencti.lock_store import LOCK_PREFIX
from tests.opencti.helpers import Platform

DATA = """\
apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "STATEMENT:INTERNAL"
spec:
  definition_type: statement
  x_opencti_order: 5
  x_opencti_color: "#123456"
---
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: phishing
spec:
  color: "#ff0000"
---
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: ransomware
---
apiVersion: opencti.j1sync/v1
kind: KillChainPhase
metadata:
  name: mitre-attack:initial-access
spec:
  x_opencti_order: 1
---
apiVersion: opencti.j1sync/v1
kind: Vocabulary
metadata:
  name: report_types_ov:j1-report
spec:
  description: A report kind.
  aliases: [jr, j1r]
  is_hidden: true
"""


def _project(platform: Platform, text: str = DATA, config: str = "paths: [m]\n") -> str:
    platform.write("j1sync.yaml", config)
    platform.write("m/data.yaml", text)
    return "m"


def test_apply_then_plan_nothing_then_drift_healed(platform: Platform) -> None:
    folder = _project(platform)
    valid = platform.run("validate", folder)
    assert valid.exit_code == 0, valid.output
    assert "5 manifests valid" in valid.stdout
    planned = platform.run("plan", folder, "--detailed-exitcode")
    assert planned.exit_code == 2, planned.output
    assert "Plan: 5 to create, 0 to update, 0 to delete" in planned.stdout
    assert "+ opencti.KillChainPhase/mitre-attack:initial-access" in planned.stdout
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert "5 created" in applied.stdout

    marking = platform.one("markings", definition="STATEMENT:INTERNAL")
    assert (marking["definition_type"], marking["x_opencti_order"]) == ("statement", 5)
    assert platform.one("labels", value="phishing")["color"] == "#ff0000"
    phase = platform.one("kill_chain_phases", phase_name="initial-access")
    assert (phase["kill_chain_name"], phase["x_opencti_order"]) == ("mitre-attack", 1)
    vocabulary = platform.one("vocabularies", name="j1-report")
    assert vocabulary["category"] == "report_types_ov"
    assert vocabulary["description"] == "A report kind.\n\nmanaged-by: j1sync"
    assert sorted(vocabulary["aliases"]) == ["j1r", "jr"] and vocabulary["is_hidden"] is True
    # the apply lock lived in a hidden vocabulary entry, gone once the apply ended
    assert not [v for v in platform.stored("vocabularies") if v["name"].startswith(LOCK_PREFIX)]

    again = platform.run("plan", folder, "--detailed-exitcode")
    assert again.exit_code == 0, again.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in again.stdout
    assert platform.run("drift", folder).exit_code == 0

    # someone edits OpenCTI by hand: drift sees exactly that field, apply heals it
    platform.emu.api.field_patch(
        "Kill-Chain-Phase", phase["id"], [{"key": "x_opencti_order", "value": [9]}]
    )
    drifted = platform.run("drift", folder)
    assert drifted.exit_code != 0
    assert "opencti.KillChainPhase/mitre-attack:initial-access" in drifted.stdout
    assert "x_opencti_order: 9 -> 1" in drifted.stdout
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_an_update_patches_only_what_changed(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    patches: list[tuple[str, list[dict[str, object]]]] = []
    original = platform.emu.api.field_patch

    def spy(entity_type: str, ref: str, edits: list[dict[str, object]]) -> object:
        patches.append((entity_type, [dict(e) for e in edits]))
        return original(entity_type, ref, edits)

    platform.emu.api.field_patch = spy  # type: ignore[method-assign]
    changed = DATA.replace("aliases: [jr, j1r]", "aliases: [jr, other]").replace(
        '"#ff0000"', '"#00ff00"'
    )
    platform.write("m/data.yaml", changed)
    planned = platform.run("plan", folder)
    assert "Plan: 0 to create, 2 to update, 0 to delete" in planned.stdout, planned.output
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    by_type = dict(patches)
    assert by_type["Label"] == [{"key": "color", "value": ["#00ff00"], "operation": "replace"}]
    assert by_type["Vocabulary"] == [
        {"key": "aliases", "value": ["other"], "operation": "add"},
        {"key": "aliases", "value": ["j1r"], "operation": "remove"},
    ]
    assert sorted(platform.one("vocabularies", name="j1-report")["aliases"]) == ["jr", "other"]
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_export_then_plan_is_empty(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    # an object j1sync did not make: exported too (adoption), without a marker to add
    platform.emu.api.insert("Label", {"value": "someone-elses", "color": "#abcdef"})
    kinds = ("MarkingDefinition", "Label", "KillChainPhase", "Vocabulary")
    exported = platform.run(
        "export", "--system", "opencti", "--out", "exported", *(f"--kind={k}" for k in kinds)
    )
    assert exported.exit_code == 0, exported.output
    written = sorted(str(p) for p in Path("exported").rglob("*.yaml"))
    assert len(written) == 6, written
    texts = "\n".join(p.read_text() for p in Path("exported").rglob("*.yaml"))
    assert "managed-by" not in texts  # the marker is j1sync's, not the manifest's
    assert "TLP:RED" not in texts  # built-ins are left out
    vocabulary = next(Path("exported").rglob("*j1-report*.yaml"))
    assert yaml.safe_load(vocabulary.read_text().split("\n", 1)[1])["spec"] == {
        "description": "A report kind.",
        "aliases": ["j1r", "jr"],
        "order": 0,
        "is_hidden": True,
    }
    platform.write("j1sync.yaml", "paths: [exported]\n")
    planned = platform.run("plan", "exported", "--detailed-exitcode")
    assert planned.exit_code == 0, planned.output
    assert "Plan: 0 to create, 0 to update, 0 to delete" in planned.stdout


def test_prune_by_marker_and_by_opt_in_never_a_built_in(platform: Platform) -> None:
    folder = _project(platform)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    platform.emu.api.insert("Label", {"value": "someone-elses"})
    # declared built-in TLP:RED is adopted (updated), never deleted afterwards
    adopted = DATA + (
        "---\napiVersion: opencti.j1sync/v1\nkind: MarkingDefinition\n"
        'metadata:\n  name: "TLP:RED"\nspec:\n  definition_type: TLP\n'
        '  x_opencti_order: 4\n  x_opencti_color: "#aa0000"\n'
    )
    platform.write("m/data.yaml", adopted)
    assert platform.run("apply", folder, "--auto-approve").exit_code == 0
    assert platform.one("markings", definition="TLP:RED")["x_opencti_color"] == "#aa0000"

    # only the label "phishing" and the vocabulary stay declared
    kept = "---".join(
        part for part in DATA.split("---") if "phishing" in part or "Vocabulary" in part
    )
    platform.write("m/data.yaml", kept.replace("kind: Vocabulary", "kind: Vocabulary", 1))
    planned = platform.run("plan", folder)
    assert "Plan: 0 to create, 0 to update, 0 to delete" in planned.stdout, planned.output
    # the vocabulary goes when no manifest declares it: it carries j1sync's marker
    platform.write("m/data.yaml", kept.split("---")[0])
    planned = platform.run("plan", folder)
    assert "- opencti.Vocabulary/report_types_ov:j1-report" in planned.stdout, planned.output
    assert "Plan: 0 to create, 0 to update, 1 to delete" in planned.stdout
    # labels, phases and markings only when j1sync.yaml enables prune for the kind
    config = "paths: [m]\nopencti:\n  prune:\n    Label: true\n    MarkingDefinition: true\n"
    platform.write("j1sync.yaml", config)
    planned = platform.run("plan", folder)
    assert "- opencti.Label/ransomware" in planned.stdout, planned.output
    assert "- opencti.Label/someone-elses" in planned.stdout
    assert "- opencti.MarkingDefinition/STATEMENT:INTERNAL" in planned.stdout
    assert "TLP:RED" not in planned.stdout.split("Unmanaged")[0]
    assert "opencti.KillChainPhase/mitre-attack" not in planned.stdout
    applied = platform.run("apply", folder, "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    assert [o["value"] for o in platform.stored("labels")] == ["phishing"]
    definitions = {o["definition"] for o in platform.stored("markings")}
    assert "TLP:RED" in definitions and "STATEMENT:INTERNAL" not in definitions
    assert len(platform.stored("kill_chain_phases")) == 1
    assert not [v for v in platform.stored("vocabularies") if v["name"] == "j1-report"]


def test_a_create_whose_answer_is_lost_is_re_read_not_repeated(platform: Platform) -> None:
    folder = _project(platform)
    platform.emu.switches.fail_mutation("labelAdd", match="phishing", mode="lose_response", times=1)
    applied = platform.run("apply", folder, "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert [o["value"] for o in platform.stored("labels")].count("phishing") == 1
    assert platform.run("plan", folder, "--detailed-exitcode").exit_code == 0


def test_bad_manifests_name_file_line_and_field(platform: Platform) -> None:
    bad = """\
apiVersion: opencti.j1sync/v1
kind: KillChainPhase
metadata:
  name: no-colon-here
---
apiVersion: opencti.j1sync/v1
kind: Vocabulary
metadata:
  name: not_a_category:thing
spec:
  description: x
---
apiVersion: opencti.j1sync/v1
kind: Label
metadata:
  name: ok
spec:
  colour: "#ffffff"
---
apiVersion: opencti.j1sync/v1
kind: MarkingDefinition
metadata:
  name: "X:Y"
spec:
  x_opencti_order: "5"
"""
    folder = _project(platform, bad)
    result = platform.run("validate", folder)
    assert result.exit_code != 0
    output = result.output
    assert "Traceback" not in output
    assert "m/data.yaml:4" in output and "<kill_chain_name>:<phase_name>" in output
    assert "m/data.yaml:9" in output and "'not_a_category' is not an OpenCTI vocabulary" in output
    assert "m/data.yaml:18" in output and "did you mean 'color'?" in output
    assert "spec.definition_type: required field 'definition_type' is missing" in output
    assert "x_opencti_order" in output and "m/data.yaml:25" in output


def test_the_token_is_in_no_output_and_no_plan_file(platform: Platform) -> None:
    folder = _project(platform)
    planned = platform.run("plan", folder, "--out", "plan.json", "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert ADMIN_TOKEN not in planned.output
    assert ADMIN_TOKEN not in Path("plan.json").read_text()
    applied = platform.run("apply", "--plan", "plan.json", "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert ADMIN_TOKEN not in applied.output
    wrong = "5f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b"
    refused = platform.run("plan", folder, token=wrong)
    assert refused.exit_code != 0
    assert "OPENCTI_TOKEN" in refused.output and wrong not in refused.output
    limited = platform.run("apply", folder, "--auto-approve", token=platform.emu.limited_token)
    assert limited.exit_code != 0
    assert platform.emu.limited_token not in limited.output
    assert len(json.loads(Path("plan.json").read_text())["changes"]) == 5


def test_the_opencti_sections_url_and_managed_tag_are_used(platform: Platform) -> None:
    config = f"paths: [m]\nopencti:\n  url: {platform.emu.url}\n  managedTag: team-b\n"
    vocabulary = DATA.split("---")[-1]
    _project(platform, vocabulary, config)
    # OPENCTI_URL names a port nothing listens on: the section's url wins
    applied = platform.run("apply", "m", "--auto-approve", url="http://127.0.0.1:9")
    assert applied.exit_code == 0, applied.output
    stored = platform.one("vocabularies", name="j1-report")
    assert stored["description"] == "A report kind.\n\nmanaged-by: team-b"
    # another team's marker is not ours: with no manifest left, nothing is deleted
    platform.write("j1sync.yaml", "paths: [m]\nopencti:\n  managedTag: team-c\n")
    platform.write("m/data.yaml", "")
    planned = platform.run("plan", "m", "--allow-empty")
    assert "0 to delete" in planned.stdout, planned.output
